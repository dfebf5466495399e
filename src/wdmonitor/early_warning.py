"""Early warning (预警: 预计达标困难、波动较大), methodology section 4, for all series at once.

:func:`flag_early_warnings` returns an :class:`EarlyWarnings` whose ``table`` has one row
per flag:

``projected_miss`` (W1)
    Each target projected to every evaluation year after ``as_of`` (``trend``, ``ols`` or
    ``escap``, see :mod:`wdmonitor.trends`); P = d(ŷ_E − y_b)/|T − y_b| when the baseline
    is short of T, the projection's own failure margin when the baseline already meets it.
``volatility`` (W2)
    (a) the latest change's modified z-score against the earlier changes; (b) a
    year-on-year change of 10% or more; (c) Hidiroglou–Berthelot outliers across regions.
``deterioration`` (W3)
    Recent slope and last change in the wrong direction; worse than the baseline.
``gap_widening`` (W4)
    A sex, urban–rural or regional gap wider than last year and than at baseline; parity
    leaving its band.
``data`` (W5)
    No data, stale data, a substituted baseline, too few points for a projection,
    provisional latest data, a geometric series holding a zero.

Every flag carries its trace columns (projection, interval, P, z-score, gap values …) and a
message in Chinese and English. Severity: none (informational) < watch < warning < alert.

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import load_plan, flag_early_warnings
>>> plan = load_plan("tests/data/plans/minimal.yaml")
>>> frame = pd.DataFrame({"region": "211400", "year": range(2018, 2025),
...                       "indicator": "maternal_mortality_ratio", "sex": "female",
...                       "value": [16.0, 15.5, 15.0, 14.6, 14.3, 14.0, 13.8]})
>>> warnings = flag_early_warnings(frame, plan, as_of=2024)
>>> flags = warnings.table
>>> flags[flags["flag"] == "projected_miss"][["target_year", "severity"]].values.tolist()
[[2025, 'warning'], [2030, 'warning']]
>>> warnings
EarlyWarnings(plan='example-2021-2030', as_of=2024, method='trend', flags=5, severity={'alert': 3, 'warning': 2})
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .attainment import judge
from .engine import Judged, judge_all, prepared
from .indicators import Plan
from .rules import DEFAULT_RULES, RuleSet
from .series import SeriesMatrix
from .targets import attach_series, target_rows
from .trends import meeting_probability, project
from .vocabulary import Severity, TargetKind

__all__ = ["FLAG_COLUMNS", "EarlyWarnings", "flag_early_warnings", "flags_for_valid"]

#: Columns of the flag table, in order.
FLAG_COLUMNS = (
    "indicator", "name_zh", "region", "region_name", "sex", "area_type", "target_id", "flag", "check", "severity",
    "target_year", "message_zh", "message_en", "as_of", "method", "latest_year", "latest_value", "baseline", "target",
    "projection", "lower", "upper", "probability", "progress_share", "slope", "last_change", "relative_change",
    "z_score", "hb_effect", "gap_baseline", "gap_previous", "gap_latest", "rules",
)



def _fmt(values: np.ndarray | pd.Series, digits: int | np.ndarray = 4) -> pd.Series:
    """Numbers as short text ('–' for NaN), for messages; ``digits`` may differ per row."""
    numeric = np.asarray(values, dtype=float)
    places = np.broadcast_to(np.asarray(digits, dtype=np.int64), numeric.shape)
    rounded = numeric.copy()
    for d in np.unique(places):  # a few distinct precisions
        chosen = places == d
        rounded[chosen] = np.round(numeric[chosen], int(d))
    text = [f"{v:.12g}" if v == v else "–" for v in rounded.tolist()]  # one format per flagged number
    return pd.Series(text, dtype=object)


class _Formatter:
    """Formats only the flagged rows of arrays for messages: ``f(values, digits)``, ``f.text(labels)``.

    Without ``digits`` a value is printed at its indicator's reporting precision
    (``Indicator.precision``, the ``precision`` column of the rows) plus ``extra`` decimals,
    as a report prints it: ``f(y_hat)`` gives 10.7, ``f(slope, extra=2)`` gives -0.074.
    """

    def __init__(self, mask: np.ndarray, precision: np.ndarray | None = None) -> None:
        self.mask = mask
        self.precision = None if precision is None else np.asarray(precision, dtype=np.int64)[mask]

    def pick(self, values: np.ndarray | pd.Series) -> np.ndarray:
        return np.asarray(values)[self.mask]

    def __call__(self, values: np.ndarray | pd.Series, digits: int | None = None, *, extra: int = 0) -> pd.Series:
        if digits is None:
            digits_of: int | np.ndarray = 4 if self.precision is None else self.precision + extra
            return _fmt(self.pick(values), digits_of)
        return _fmt(self.pick(values), digits)

    def text(self, values: np.ndarray | pd.Series) -> pd.Series:
        return pd.Series(self.pick(values), dtype=object)


def _frame(rows: pd.DataFrame, mask: np.ndarray, flag: str, check: str, severity: np.ndarray | str,
           message_zh: Any, message_en: Any, **trace: Any) -> pd.DataFrame:
    """The flag rows of ``rows[mask]`` with their messages and trace columns.

    Messages are text, or callables given the mask and returning the flagged rows' texts
    (so numbers are formatted only for the rows that are flagged).
    """
    mask = np.asarray(mask, dtype=bool)
    out = rows.loc[mask, ["indicator", "name_zh", "region", "sex", "area_type", "target_id"]].reset_index(drop=True)
    out["flag"] = flag
    out["check"] = check

    def pick(value: Any) -> Any:
        if isinstance(value, pd.Series):
            return value.to_numpy()[mask]
        if isinstance(value, np.ndarray) and value.shape == mask.shape:
            return value[mask]
        return value

    out["severity"] = pick(severity)
    formatter = _Formatter(mask, rows["precision"].to_numpy() if "precision" in rows else None)
    out["message_zh"] = message_zh(formatter).to_numpy() if callable(message_zh) else pick(message_zh)
    out["message_en"] = message_en(formatter).to_numpy() if callable(message_en) else pick(message_en)
    for name, value in trace.items():
        out[name] = pick(value)
    return out


def _precision(plan: Plan, rows: pd.DataFrame) -> np.ndarray:
    """Each row's reporting precision (decimals), for its messages."""
    from .tables import precision_of

    return precision_of(plan, rows["indicator"], rows["kind"]).to_numpy()


def _series_block(matrix: SeriesMatrix, series: np.ndarray) -> np.ndarray:
    block = np.full((len(series), len(matrix.years)), np.nan)
    ok = series >= 0
    block[ok] = matrix.values[series[ok]]
    return block


def _last_two(block: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, ...]:
    """Latest and previous observation (value and year) of each row."""
    observed = ~np.isnan(block)
    positions = np.where(observed, np.arange(block.shape[1]), -1)
    last = positions.max(axis=1, initial=-1)
    masked = np.where(positions == last[:, None], -1, positions)
    previous = masked.max(axis=1, initial=-1)
    rows = np.arange(len(block))

    def take(index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ok = index >= 0
        value = np.where(ok, block[rows, np.maximum(index, 0)], np.nan)
        year = np.where(ok, years[np.maximum(index, 0)], np.nan).astype(float)
        return value, year

    (y_last, t_last), (y_prev, t_prev) = take(last), take(previous)
    return y_last, t_last, y_prev, t_prev


def _projected_miss(valid_matrix: SeriesMatrix, plan: Plan, regions: list[str], as_of: int, method: str,
                    rules: RuleSet) -> list[pd.DataFrame]:
    """W1 for every evaluation year after ``as_of``."""
    parts = []
    for year in [e for e in plan.evaluation_years if e > as_of]:
        rows, matrix = attach_series(target_rows(plan, year, regions), valid_matrix, plan)
        judged = judge(rows, matrix, year, rules)
        judged["precision"] = _precision(plan, judged)
        kind = judged["kind"].to_numpy(dtype=object)
        sign = judged["sign"].to_numpy(dtype=float)
        series = judged["series"].to_numpy(dtype=np.int64)
        block = _series_block(matrix, series)
        fit = project(block, matrix.years, np.full(len(judged), year), method=method,
                      geometric=judged["geometric"].to_numpy(dtype=bool), window=rules.trend_window, level=rules.ci_level)
        y_b = judged["baseline"].to_numpy(dtype=float)
        target = judged["target"].to_numpy(dtype=float)
        y_hat = fit.projection
        enough = (fit.n_points >= max(rules.min_points_projection, 2)) & ~np.isnan(y_hat) & (series >= 0)
        numeric = np.isin(kind, TargetKind.family("one_sided")) & ~np.isnan(target) & (sign != 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            short = sign * (target - y_b) > 0
            share = sign * (y_hat - y_b) / np.abs(target - y_b)
            fails = sign * (target - y_hat) > 0
            margin = sign * (target - y_hat) / np.abs(target)
        severity = np.full(len(judged), Severity.NONE.value, dtype=object)
        severity = np.where(numeric & short & (share < rules.w1_none), Severity.WARNING.value, severity)
        severity = np.where(numeric & short & (share < rules.w1_alert), Severity.ALERT.value, severity)
        severity = np.where(numeric & ~short & fails, Severity.WARNING.value, severity)
        severity = np.where(numeric & ~short & fails & (margin > rules.w1_hold_alert_share), Severity.ALERT.value, severity)
        # direction and gap targets: the projection no better than the baseline (library choice)
        directional = np.isin(kind, TargetKind.family("directional")) & (sign != 0)
        with np.errstate(invalid="ignore"):
            no_better = sign * (y_hat - y_b) <= 0
        severity = np.where(directional & no_better, Severity.WARNING.value, severity)
        banded = np.isin(kind, TargetKind.family("banded"))
        lower = judged["band_lower"].to_numpy(dtype=float)
        upper = judged["band_upper"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            outside = (y_hat < lower) | (y_hat > upper)
            good_side = (kind == "around") & (((sign > 0) & (y_hat > upper)) | ((sign < 0) & (y_hat < lower)))
        severity = np.where(banded & outside & ~good_side, Severity.WARNING.value, severity)
        # a one-sided target without a baseline is judged on the projection's margin alone
        flagged = enough & (severity != Severity.NONE.value)
        probability = meeting_probability(fit, target, sign) if method != "trend" else np.full(len(judged), np.nan)
        with_probability = ~np.isnan(probability)

        bound = {"year": year, "y_hat": y_hat, "target": target, "share": share, "with_probability": with_probability,
                 "probability": probability}

        def w1_en(f: Any, year: int = bound["year"], y_hat: np.ndarray = bound["y_hat"], target: np.ndarray = bound["target"],
                  share: np.ndarray = bound["share"], with_probability: np.ndarray = bound["with_probability"],
                  probability: np.ndarray = bound["probability"]) -> pd.Series:
            text = (f"projected to {year}: " + f(y_hat) + " (" + method + ") against a target of " + f(target)
                    + "; share of the distance covered P=" + f(share, 3))
            return text.where(~f.pick(with_probability), text + "; probability of meeting it " + f(probability, 3))

        def w1_zh(f: Any, year: int = bound["year"], y_hat: np.ndarray = bound["y_hat"], target: np.ndarray = bound["target"],
                  share: np.ndarray = bound["share"], with_probability: np.ndarray = bound["with_probability"],
                  probability: np.ndarray = bound["probability"]) -> pd.Series:
            text = f"按{method}趋势预计{year}年为" + f(y_hat) + "，目标" + f(target) + "，预计完成进度P=" + f(share, 3) + "，预计达标困难"
            return text.where(~f.pick(with_probability), text + "；达标概率" + f(probability, 3))

        parts.append(_frame(
            judged, flagged, "projected_miss", "W1", severity, w1_zh, w1_en,
            target_year=year, method=method, baseline=y_b, target=target, projection=y_hat, lower=fit.lower,
            upper=fit.upper, probability=probability, progress_share=np.where(numeric & short, share, np.nan),
            slope=fit.slope,
        ))
    return parts


def _volatility_and_deterioration(now: pd.DataFrame, matrix: SeriesMatrix, as_of: int, rules: RuleSet,
                                  jurisdiction: str) -> list[pd.DataFrame]:
    """W2 (a, b, c) and W3 on each observed series a target is judged on."""
    rows = now[now["simple"] & (now["series"] >= 0)].drop_duplicates(["series", "sign"]).reset_index(drop=True)
    if rows.empty:
        return []
    series = rows["series"].to_numpy(dtype=np.int64)
    block = _series_block(matrix, series)
    years = matrix.years
    y_last, t_last, y_prev, t_prev = _last_two(block, years)
    changes = block[:, 1:] - block[:, :-1]  # year-on-year, NaN unless both years observed
    last_col = np.where(np.isnan(t_last), -1, t_last - years[0]).astype(np.int64)
    latest_change = np.where(last_col >= 1, changes[np.arange(len(rows)), np.maximum(last_col - 1, 0)], np.nan)
    earlier = np.where(np.arange(changes.shape[1])[None, :] < (last_col - 1)[:, None], changes, np.nan)
    count = (~np.isnan(earlier)).sum(axis=1)
    parts = []

    # (a) modified z-score (Iglewicz–Hoaglin); MAD = 0 uses the mean absolute deviation × 1.2533
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows (no earlier changes) give NaN
        median = np.nanmedian(np.where(count[:, None] > 0, earlier, 0.0), axis=1)
        mad = np.nanmedian(np.abs(earlier - median[:, None]), axis=1)
        mean_ad = np.nanmean(np.abs(earlier - median[:, None]), axis=1)
        spread = np.where(mad > 0, mad / 0.6745, 1.253314 * mean_ad)
        deviation = latest_change - median
        z = np.where(spread > 0, deviation / spread, np.where(np.abs(deviation) > 0, np.inf * np.sign(deviation), 0.0))
    flagged = (count >= rules.w2_min_changes) & ~np.isnan(latest_change) & (np.abs(z) > rules.w2_z_threshold)
    parts.append(_frame(
        rows, flagged, "volatility", "W2a", Severity.WARNING.value,
        lambda f: f(t_last, 0) + "年变动" + f(latest_change, extra=1) + "，与以往变动（中位数" + f(median, extra=1) + "）相比异常，修正z值" + f(z, 2) + "，波动较大",
        lambda f: "change in " + f(t_last, 0) + " of " + f(latest_change, extra=1) + " is unusual against earlier changes (median "
        + f(median, extra=1) + "): modified z-score " + f(z, 2),
        latest_year=t_last, latest_value=y_last, last_change=latest_change, z_score=z,
    ))

    # (b) a year-on-year change of 10% or more
    with np.errstate(invalid="ignore", divide="ignore"):
        previous = block[np.arange(len(rows)), np.maximum(last_col - 1, 0)]
        relative = np.abs(latest_change) / np.abs(previous)
    flagged = ~np.isnan(relative) & (relative >= rules.w2_relative_change - 1e-12)
    parts.append(_frame(
        rows, flagged, "volatility", "W2b", Severity.WATCH.value,
        lambda f: f(t_last, 0) + "年较上年变动" + f(relative * 100, 1) + "%，需关注",
        lambda f: "year-on-year change of " + f(relative * 100, 1) + "% in " + f(t_last, 0),
        latest_year=t_last, latest_value=y_last, last_change=latest_change, relative_change=relative,
    ))

    # (c) Hidiroglou–Berthelot across regions on (y_{as_of−1}, y_{as_of})
    x0 = matrix.at(series, as_of - 1)
    x1 = matrix.at(series, as_of)
    hb = rows.assign(_x0=x0, _x1=x1)
    hb = hb[(hb["region"] != jurisdiction) & (hb["_x0"] > 0) & (hb["_x1"] > 0)]
    groups = ["indicator", "sex", "area_type", "sign"]
    hb = hb[hb.groupby(groups)["region"].transform("size") >= rules.hb_min_regions]
    if len(hb):
        ratio = hb["_x1"] / hb["_x0"]
        med = ratio.groupby([hb[g] for g in groups]).transform("median")
        s = np.where(ratio < med, 1 - med / ratio, ratio / med - 1)
        effect = pd.Series(s * np.maximum(hb["_x0"], hb["_x1"]) ** rules.hb_u, index=hb.index)
        keys = [hb[g] for g in groups]
        e_med = effect.groupby(keys).transform("median")
        q1 = effect.groupby(keys).transform("quantile", 0.25)
        q3 = effect.groupby(keys).transform("quantile", 0.75)
        d_q1 = np.maximum(e_med - q1, np.abs(rules.hb_a * e_med))
        d_q3 = np.maximum(q3 - e_med, np.abs(rules.hb_a * e_med))
        outlier = (effect < e_med - rules.hb_c * d_q1) | (effect > e_med + rules.hb_c * d_q3)
        mask = np.zeros(len(rows), dtype=bool)
        effects = np.full(len(rows), np.nan)
        mask[outlier.index[outlier.to_numpy()]] = True
        effects[hb.index] = effect.to_numpy()
        parts.append(_frame(
            rows, mask, "volatility", "W2c", Severity.WARNING.value,
            lambda f: f"{as_of - 1}—{as_of}年变动与其他地区相比异常（HB检验，效应" + f(effects, 3) + "）",
            lambda f: f"change {as_of - 1}–{as_of} is an outlier among regions (Hidiroglou–Berthelot effect " + f(effects, 3) + ")",
            latest_year=float(as_of), latest_value=x1, hb_effect=effects,
        ))

    # W3 deterioration: slope over the last ≤ 5 years and the last change, in the good direction
    sign = rows["sign"].to_numpy(dtype=float)
    fit = project(block, years, np.full(len(rows), as_of), method="ols", window=rules.trend_window)
    slope = sign * fit.slope
    step = sign * (y_last - y_prev)
    y_b = rows["baseline"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        worse_than_baseline = sign * (y_last - y_b) < 0
        target = rows["target"].to_numpy(dtype=float)
        failing = np.where(np.isnan(target), True, sign * (y_last - target) < -1e-9 * np.maximum(np.abs(target), 1))
    valid = (sign != 0) & ~np.isnan(slope) & ~np.isnan(step)
    severity = np.select(
        [valid & worse_than_baseline & failing, valid & (slope <= 0) & (step <= 0), valid & (slope > 0) & (step <= 0)],
        [Severity.ALERT.value, Severity.WARNING.value, Severity.WATCH.value], Severity.NONE.value,
    )
    parts.append(_frame(
        rows, severity != Severity.NONE.value, "deterioration", "W3", severity,
        lambda f: "近" + f(fit.n_points, 0) + "年趋势" + f(fit.slope, extra=2) + "/年，最近一次变动" + f(y_last - y_prev, extra=1) + "，基期值" + f(y_b) + "，出现退步",
        lambda f: "recent slope " + f(fit.slope, extra=2) + " a year over " + f(fit.n_points, 0) + " points, last change " + f(y_last - y_prev, extra=1)
        + ", baseline " + f(y_b) + ": moving the wrong way",
        latest_year=t_last, latest_value=y_last, baseline=y_b, target=target, slope=fit.slope, last_change=y_last - y_prev,
    ))
    return parts


def _gap_widening(now: pd.DataFrame, matrix: SeriesMatrix, rules: RuleSet) -> list[pd.DataFrame]:
    """W4 on the gap and parity series of gap_narrowing and parity targets."""
    rows = now[now["kind"].isin(["gap_narrowing", "parity"]) & (now["series"] >= 0)].drop_duplicates("series").reset_index(drop=True)
    if rows.empty:
        return []
    block = _series_block(matrix, rows["series"].to_numpy(dtype=np.int64))
    y_last, t_last, y_prev, t_prev = _last_two(block, matrix.years)
    gap_b = rows["baseline"].to_numpy(dtype=float)
    parity = (rows["kind"] == "parity").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        wider = (y_last > y_prev) & (y_last > gap_b)
        widening = (y_last - gap_b) / np.abs(gap_b)
        lo, hi = rules.parity_band
        left_band = (y_prev >= lo) & (y_prev <= hi) & ((y_last < lo) | (y_last > hi))
    severity = np.select(
        [parity & left_band, ~parity & (widening >= rules.w4_alert_widening - 1e-12), ~parity & wider],
        [Severity.ALERT.value, Severity.ALERT.value, Severity.WARNING.value], Severity.NONE.value,
    )
    label = np.where(parity, "女/男比", "差距")
    return [_frame(
        rows, severity != Severity.NONE.value, "gap_widening", "W4", severity,
        lambda f: f.text(label) + "由基期" + f(gap_b, extra=1) + "、上期" + f(y_prev, extra=1) + "变为" + f(y_last, extra=1) + "（较基期" + f(widening * 100, 1) + "%），差距扩大",
        lambda f: f.text(np.where(parity, "female/male ratio", "gap")) + " moved from " + f(gap_b, extra=1) + " at baseline and " + f(y_prev, extra=1)
        + " last time to " + f(y_last, extra=1) + " (" + f(widening * 100, 1) + "% against baseline)",
        latest_year=t_last, latest_value=y_last, gap_baseline=gap_b, gap_previous=y_prev, gap_latest=y_last,
        relative_change=widening,
    )]


def _data_flags(now: pd.DataFrame, matrix: SeriesMatrix, as_of: int, rules: RuleSet) -> list[pd.DataFrame]:
    """W5 on every non-qualitative target row."""
    rows = now[now["kind"] != "qualitative"].reset_index(drop=True)
    if rows.empty:
        return []
    series = rows["series"].to_numpy(dtype=np.int64)
    block = _series_block(matrix, series)
    points = (~np.isnan(block)).sum(axis=1)
    latest = rows["latest_year"].to_numpy(dtype=float)
    parts = []
    none = points == 0
    parts.append(_frame(rows, none, "data", "no_data", Severity.ALERT.value, f"截至{as_of}年无监测数据",
                        f"no data up to {as_of}", latest_year=latest))
    stale = ~none & (latest < as_of - rules.stale_after)
    parts.append(_frame(rows, stale, "data", "stale", Severity.WARNING.value,
                        lambda f: "最新数据为" + f(latest, 0) + f"年，早于{as_of - rules.stale_after}年，数据陈旧",
                        lambda f: "latest data from " + f(latest, 0) + f", older than {as_of - rules.stale_after}", latest_year=latest))
    substituted = (rows["baseline_source"] == "substituted").to_numpy()
    parts.append(_frame(rows, substituted, "data", "baseline_substituted", Severity.WATCH.value,
                        lambda f: "基期无数据，以" + f(rows["baseline_data_year"], 0) + "年数据代替",
                        lambda f: "no baseline-year value; " + f(rows["baseline_data_year"], 0) + " used instead",
                        baseline=rows["baseline"].to_numpy(dtype=float)))
    short = ~none & (points < rules.min_points_projection)
    parts.append(_frame(rows, short, "data", "too_short", Severity.WATCH.value,
                        lambda f: "仅有" + f(points, 0) + f"个数据点，少于{rules.min_points_projection}个，无法预测",
                        lambda f: "only " + f(points, 0) + f" points, fewer than {rules.min_points_projection}: no projection",
                        latest_year=latest))
    provisional = ~none & ~stale & (latest < as_of)
    parts.append(_frame(rows, provisional, "data", "provisional", Severity.NONE.value,
                        lambda f: "最新数据为" + f(latest, 0) + "年（" + str(as_of) + "年数据尚未报送）",
                        lambda f: "latest data from " + f(latest, 0) + f" ({as_of} not yet reported)", latest_year=latest))
    zero = rows["geometric"].to_numpy(dtype=bool) & (np.where(np.isnan(block), 1.0, block) <= 0).any(axis=1)
    parts.append(_frame(rows, zero, "data", "zero_in_geometric", Severity.NONE.value,
                        "几何尺度指标含0值，趋势按线性计算", "a zero in a geometric-scale series: trends use the linear scale",
                        latest_year=latest))
    return parts


def flags_for_valid(valid: pd.DataFrame, plan: Plan, as_of: int, *, method: str = "trend",
                    rules: RuleSet = DEFAULT_RULES, judged: Judged | None = None) -> pd.DataFrame:
    """The flag table for an already validated frame (see :func:`flag_early_warnings`).

    ``judged`` is the engine's run at ``as_of`` on the same rows (rows after ``as_of``
    left out), when the caller has it already: the annual report passes its own.
    """
    from .tables import region_names

    if judged is None:
        judged = judge_all(valid[valid["year"].astype("int64") <= as_of], plan, as_of, rules)
    matrix, regions, full = judged.matrix, judged.regions, judged.full
    now = judged.table.copy()
    now["precision"] = _precision(plan, now)
    parts = [
        *_projected_miss(matrix, plan, regions, as_of, method, rules),
        *_volatility_and_deterioration(now, full, as_of, rules, plan.jurisdiction.code),
        *_gap_widening(now, full, rules),
        *_data_flags(now, full, as_of, rules),
    ]
    parts = [p for p in parts if len(p)]
    flags = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(FLAG_COLUMNS))
    for column in FLAG_COLUMNS:
        if column not in flags:
            flags[column] = np.nan
    flags["as_of"] = as_of
    flags["rules"] = rules.name
    flags["method"] = flags["method"].where(flags["flag"] == "projected_miss", "")
    flags["region_name"] = flags["region"].map(region_names(plan))
    flags["target_year"] = flags["target_year"].astype("Int64")
    rank = flags["severity"].map(lambda s: Severity(s).rank)  # a handful of values
    order = flags.assign(_rank=rank).sort_values(["_rank", "indicator", "region", "sex", "flag", "check", "target_year"],
                                                 ascending=[False, True, True, True, True, True, True], kind="stable")
    return order[list(FLAG_COLUMNS)].reset_index(drop=True)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class EarlyWarnings:
    """The result of :func:`flag_early_warnings`: the flag table and how it was made.

    Shares the report protocol of :class:`~wdmonitor.Evaluation` and
    :class:`~wdmonitor.AnnualReport`: ``to_excel``, ``to_csv``, ``to_html``, ``to_docx``,
    ``to_markdown`` and the notebook view, in Chinese (default) or English.

    Attributes
    ----------
    table : DataFrame
        One row per flag, columns :data:`FLAG_COLUMNS`, most severe first.
    plan : Plan
    as_of : int
        The monitoring year.
    method : str
        The projection behind W1.
    rules : RuleSet
    provenance : dict
    """

    table: pd.DataFrame
    plan: Plan
    as_of: int
    method: str = "trend"
    rules: RuleSet = DEFAULT_RULES
    provenance: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        counts = self.table["severity"].value_counts().to_dict()
        return (f"EarlyWarnings(plan={self.plan.id!r}, as_of={self.as_of}, method={self.method!r}, flags={len(self.table)}, "
                f"severity={counts})")

    def __len__(self) -> int:
        return len(self.table)

    def to_excel(self, path: str | Path, *, lang: str = "zh") -> Path:
        """The 预警 workbook: the list (severity coloured, filters, print set-up), the trace, the method."""
        from .report import warning_tables
        from .writers import write_excel

        return write_excel(path, warning_tables(self, lang))

    def to_csv(self, path: str | Path, *, lang: str = "zh") -> Path:
        """The 预警 list as UTF-8 CSV (BOM for Excel), names and messages in the report's language.

        Text cells are neutralised; for the codes and the trace columns, write :attr:`table`.
        """
        from .report import _warning_table
        from .writers import write_csv

        return write_csv(_warning_table(self.table, self.plan, lang).frame, path)

    def to_markdown(self, region: str | None = None, *, lang: str = "zh") -> str:
        """The warnings and alerts of ``region`` (the jurisdiction by default) as Markdown."""
        from .report import _warning_section
        from .tables_markdown import to_markdown

        section = _warning_section(self, lang, region or self.plan.jurisdiction.code)
        text = f"# {section.heading}\n\n{section.paragraphs[0]}\n\n"
        return text + "".join(to_markdown(t.text()) for t in section.tables)

    def report(self, *, lang: str = "zh") -> Any:
        """The :class:`~wdmonitor.report.ReportDocument` behind :meth:`to_docx` and :meth:`to_html`."""
        from .report import warning_document

        return warning_document(self, lang)

    def to_docx(self, path: str | Path, *, lang: str = "zh") -> Path:
        """The 预警 list as a Word document, a section per region."""
        from .report_docx import write_docx

        return write_docx(self.report(lang=lang), path)

    def to_html(self, path: str | Path | None = None, *, lang: str = "zh") -> str:
        """The 预警 list as a standalone web page; written to ``path`` when given."""
        from .report_html import render_html

        page = render_html(self.report(lang=lang))
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        import html

        from .report import _warning_table
        from .report_html import TABLE_CSS, table_html

        head = f"<strong>{html.escape(self.plan.title_zh)} — 预警 {self.as_of}</strong> · {len(self.table)} flags"
        return f"<div><style>{TABLE_CSS}</style>{head}" + table_html(
            _warning_table(self.table, self.plan, "zh"), max_rows=60) + "</div>"


def flag_early_warnings(frame: pd.DataFrame, plan: Plan | str | Path, as_of: int | None = None, *, method: str = "trend",
                        rules: RuleSet = DEFAULT_RULES) -> EarlyWarnings:
    """Flag the indicators 预计达标困难、波动较大 for every region, indicator and sex.

    Parameters
    ----------
    frame : DataFrame
        Canonical long frame (indicators, components or both); validated first. Read a
        file with :func:`~wdmonitor.read_submission` first.
    plan : Plan, str or Path
        The plan, a bundled plan id or the path of a plan file.
    as_of : int, optional
        The monitoring year; the latest year in the frame by default. Later rows are ignored.
    method : {"trend", "ols", "escap"}
        Projection for W1; recorded in the ``method`` column.
    rules : RuleSet
        Thresholds (the methodology's defaults).

    Returns
    -------
    EarlyWarnings
        Its ``table`` has one row per flag, columns :data:`FLAG_COLUMNS`, most severe first.

    Raises
    ------
    ArgumentError
        An argument of the wrong type or out of range, or an unknown ``method`` (checked
        before any work).
    SubmissionError
        The frame fails validation (every failure case attached).
    """
    from . import __version__
    from .arguments import check_choice, check_inputs, check_rules, check_year
    from .trends import METHODS

    frame, plan = check_inputs(frame, plan, "flag_early_warnings")
    as_of, rules = check_year(as_of, "flag_early_warnings", "as_of"), check_rules(rules, "flag_early_warnings")
    method = check_choice(method, "method", METHODS, "flag_early_warnings")

    valid = prepared(frame, plan)
    if as_of is None:
        as_of = int(valid["year"].max()) if len(valid) else plan.period_start
    table = flags_for_valid(valid, plan, int(as_of), method=method, rules=rules)
    provenance = {"plan": plan.id, "year": int(as_of), "projection": method, "rules": rules.name,
                  "rules_sha256": rules.digest(), "wdmonitor": __version__,
                  "rows_in": int(len(frame)), "rows_valid": int(len(valid))}
    return EarlyWarnings(table=table, plan=plan, as_of=int(as_of), method=method, rules=rules, provenance=provenance)
