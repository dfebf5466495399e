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
EarlyWarnings(plan='example-2021-2030', as_of=2024, method='trend', flags=6, severity={'alert': 3, 'warning': 2, 'watch': 1})
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .attainment import baseline_and_target, in_family
from .engine import Judged, judge_all, prepared
from .indicators import Plan
from .rules import DEFAULT_RULES, RuleSet
from .series import SeriesMatrix
from .targets import resolve_series, target_rows
from .trends import estimate_exists, meeting_probability, project
from .vocabulary import Severity

__all__ = ["FLAG_COLUMNS", "EarlyWarnings", "flag_early_warnings", "flags_for_valid"]

#: Columns of the flag table, in order.
FLAG_COLUMNS = (
    "indicator", "name_zh", "region", "region_name", "sex", "area_type", "target_id", "flag", "check", "severity",
    "target_year", "message_zh", "message_en", "as_of", "method", "latest_year", "latest_value", "baseline", "target",
    "projection", "lower", "upper", "probability", "progress_share", "slope", "last_change", "relative_change",
    "z_score", "hb_effect", "gap_baseline", "gap_previous", "gap_latest", "rules",
)

#: Each severity's rank, for sorting and comparing flags.
_SEVERITY_RANK = {severity.value: severity.rank for severity in Severity}


def _fmt(values: np.ndarray | pd.Series, digits: int | np.ndarray = 4) -> pd.Series:
    """Numbers as short text ('–' for NaN), for messages; ``digits`` may differ per row."""
    numeric = np.asarray(values, dtype=float)
    places = np.broadcast_to(np.asarray(digits, dtype=np.int64), numeric.shape)
    rounded = numeric.copy()
    for d in np.unique(places):  # a few distinct precisions
        chosen = places == d
        rounded[chosen] = np.round(numeric[chosen], int(d))
    # one format per distinct number (years, targets, rounded values repeat across regions),
    # told apart by their bits so that -0.0 keeps its sign
    bits, inverse = np.unique(rounded.view(np.int64), return_inverse=True)
    text = np.array([f"{v:.12g}" if v == v else "–" for v in bits.view(np.float64).tolist()], dtype=object)
    return pd.Series(text[inverse.reshape(-1)], dtype=object)


class _Formatter:
    """Formats only the flagged rows of arrays for messages: ``f(values, digits)``, ``f.text(labels)``.

    Without ``digits`` a value is printed at its indicator's reporting precision
    (``Indicator.precision``, the ``precision`` column of the rows) plus ``extra`` decimals,
    as a report prints it: ``f(y_hat)`` gives 10.7, ``f(slope, extra=2)`` gives -0.074.
    """

    def __init__(self, mask: np.ndarray, precision: np.ndarray | None = None) -> None:
        self.mask = mask
        self.precision = None if precision is None else np.asarray(precision, dtype=np.int64)[mask]
        # texts already formatted, by array: a message and its other language repeat the same numbers
        self._texts: dict[tuple[int, int | None, int], tuple[Any, pd.Series]] = {}

    def pick(self, values: np.ndarray | pd.Series) -> np.ndarray:
        return np.asarray(values)[self.mask]

    def __call__(self, values: np.ndarray | pd.Series, digits: int | None = None, *, extra: int = 0) -> pd.Series:
        key = (id(values), digits, extra)
        known = self._texts.get(key)
        if known is not None and known[0] is values:  # the array is held, so its id is not reused
            return known[1]
        if digits is None:
            digits_of: int | np.ndarray = 4 if self.precision is None else self.precision + extra
            text = _fmt(self.pick(values), digits_of)
        else:
            text = _fmt(self.pick(values), digits)
        self._texts[key] = (values, text)
        return text

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


def _row_median(block: np.ndarray) -> np.ndarray:
    """The median of each row's observed values (NaN for a row without any), as ``np.nanmedian``.

    One argsort of the block, NaN filled with +inf, as numpy's masked median sorts it (the
    path nanmedian takes for short rows, through masked arrays); the two middle values are
    summed from +0.0 and halved as numpy does, so ties of −0.0 and 0.0 come out the same way.
    """
    if not block.shape[1]:
        return np.full(len(block), np.nan)
    filled = np.where(np.isnan(block), np.inf, block)
    ordered = np.take_along_axis(filled, np.argsort(filled, axis=1), axis=1)
    count = (~np.isnan(block)).sum(axis=1)
    high = np.minimum(count // 2, block.shape[1] - 1)
    low = np.maximum(np.where(count % 2 == 1, high, high - 1), 0)
    rows = np.arange(len(block))
    median = (0.0 + ordered[rows, low] + ordered[rows, high]) / 2  # numpy's sum starts at +0.0: −0.0 comes out 0.0
    return np.where(count > 0, median, np.nan)


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


def _nil(rows: pd.DataFrame, rules: RuleSet) -> np.ndarray:
    """Each row's materiality: differences smaller than this are nil (methodology §8).

    ``rules.materiality`` (half) of one unit of the indicator's last reported decimal; a tiny
    relative slack absorbs floating point, so a miss of exactly half a unit is material.
    """
    precision = rows["precision"].to_numpy(dtype=float) if "precision" in rows else np.ones(len(rows))
    return rules.materiality * 10.0 ** -precision * (1 - 1e-9)


def _unit(rows: pd.DataFrame) -> np.ndarray:
    """One unit of each row's last reported decimal."""
    precision = rows["precision"].to_numpy(dtype=float) if "precision" in rows else np.ones(len(rows))
    return 10.0 ** -precision


def _count_blocks(matrix: SeriesMatrix, series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators of the rows' series (NaN for a missing row)."""
    events = np.full((len(series), len(matrix.years)), np.nan)
    exposure = np.full_like(events, np.nan)
    ok = series >= 0
    events[ok] = matrix.numerators[series[ok]]
    exposure[ok] = matrix.denominators[series[ok]]
    return events, exposure


def _counted(rows: pd.DataFrame, block: np.ndarray, events: np.ndarray, exposure: np.ndarray, years: np.ndarray,
             window: int, interval: str = "poisson") -> np.ndarray:
    """Rows that are Poisson rates (``interval="wilson"``: proportions) with counts behind every
    observation of their trend window."""
    observed = ~np.isnan(block)
    latest = np.where(observed, years[None, :], -1).max(axis=1, initial=-1)
    inside = observed & (years[None, :] > latest[:, None] - window)
    with_counts = np.isfinite(events) & np.isfinite(exposure) & (exposure > 0)
    poisson = (rows["interval"].to_numpy(dtype=object) == interval) if "interval" in rows else np.zeros(len(rows), dtype=bool)
    return poisson & inside.any(axis=1) & np.where(inside, with_counts, True).all(axis=1)


def _window_events(events: np.ndarray, block: np.ndarray, years: np.ndarray, window: int) -> np.ndarray:
    """Events summed over each row's trend window (NaN where no count)."""
    observed = ~np.isnan(block)
    latest = np.where(observed, years[None, :], -1).max(axis=1, initial=-1)
    inside = observed & (years[None, :] > latest[:, None] - window) & np.isfinite(events)
    return np.where(inside.any(axis=1), np.where(inside, events, 0.0).sum(axis=1), np.nan)


def _all_zero(block: np.ndarray, years: np.ndarray, window: int, nil: np.ndarray) -> np.ndarray:
    """Rows whose every observation in the trend window rounds to 0 (a series of zeros)."""
    observed = ~np.isnan(block)
    latest = np.where(observed, years[None, :], -1).max(axis=1, initial=-1)
    inside = observed & (years[None, :] > latest[:, None] - window)
    return inside.any(axis=1) & np.where(inside, np.abs(np.nan_to_num(block)) < nil[:, None], True).all(axis=1)


def _projected_miss(judged_now: Judged, plan: Plan, as_of: int, method: str, rules: RuleSet) -> list[pd.DataFrame]:
    """W1 for every evaluation year after ``as_of``, judged on the engine's run at ``as_of``.

    The series (observed and derived) are those of ``judged_now``: only the target rows of
    each later year are built, with the baseline, target and band they are projected against.

    A cheap vectorised screen (the projection of ``method`` against the target, with the
    materiality of §8) finds the rows that could be flagged; those that are Poisson rates with
    counts are then judged on a Poisson GLM of their events (methodology §7): withheld when
    the window holds fewer than ``count_min_events`` events or the fit does not exist, else a
    warning when the probability of meeting T is below ``w1_count_warning`` and an alert
    below ``w1_count_alert``.
    """
    from .trends import poisson_trend

    parts = []
    for year in [e for e in plan.evaluation_years if e > as_of]:
        matrix = judged_now.full
        judged = baseline_and_target(resolve_series(target_rows(plan, year, judged_now.regions), matrix), matrix, year, rules)
        judged["precision"] = _precision(plan, judged)
        kind = judged["kind"].to_numpy(dtype=object)
        sign = judged["sign"].to_numpy(dtype=float)
        series = judged["series"].to_numpy(dtype=np.int64)
        block = _series_block(matrix, series)
        fit = project(block, matrix.years, np.full(len(judged), year), method=method,
                      geometric=judged["geometric"].to_numpy(dtype=bool), window=rules.trend_window, level=rules.ci_level)
        y_b = judged["baseline"].to_numpy(dtype=float)
        target = judged["target"].to_numpy(dtype=float)
        nil = _nil(judged, rules)
        y_hat = fit.projection
        enough = (fit.n_points >= max(rules.min_points_projection, 2)) & ~np.isnan(y_hat) & (series >= 0)
        numeric = in_family(kind, "one_sided") & ~np.isnan(target) & (sign != 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            # the share of the distance needs a distance of w1_min_distance_units reporting units
            short = sign * (target - y_b) >= rules.w1_min_distance_units * _unit(judged) * (1 - 1e-9)
            share = sign * (y_hat - y_b) / np.abs(target - y_b)
            fails = sign * (target - y_hat) >= nil  # a miss smaller than half a reporting unit is nil
            margin = sign * (target - y_hat) / np.abs(target)
        severity = np.full(len(judged), Severity.NONE.value, dtype=object)
        severity = np.where(numeric & short & fails & (share < rules.w1_none), Severity.WARNING.value, severity)
        severity = np.where(numeric & short & fails & (share < rules.w1_alert), Severity.ALERT.value, severity)
        severity = np.where(numeric & ~short & fails, Severity.WARNING.value, severity)
        severity = np.where(numeric & ~short & fails & (margin > rules.w1_hold_alert_share), Severity.ALERT.value, severity)
        # direction and gap targets: the projection no better than the baseline (library choice);
        # a level already at 0 that stays at 0 (a gap closed, no death) has nowhere better to go
        directional = in_family(kind, "directional") & (sign != 0)
        with np.errstate(invalid="ignore"):
            no_better = sign * (y_hat - y_b) < nil
            closed = (sign < 0) & (np.abs(y_b) < nil) & (np.abs(y_hat) < nil)
        severity = np.where(directional & no_better & ~closed, Severity.WARNING.value, severity)
        banded = in_family(kind, "banded")
        lower = judged["band_lower"].to_numpy(dtype=float)
        upper = judged["band_upper"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            outside = (y_hat <= lower - nil) | (y_hat >= upper + nil)
            good_side = (kind == "around") & (((sign > 0) & (y_hat > upper)) | ((sign < 0) & (y_hat < lower)))
        severity = np.where(banded & outside & ~good_side, Severity.WARNING.value, severity)
        # a series of zeros (no event in any year of the window) is never projected to miss
        severity = np.where((sign < 0) & _all_zero(block, matrix.years, rules.trend_window, nil), Severity.NONE.value, severity)
        probability = meeting_probability(fit, target, sign) if method != "trend" else np.full(len(judged), np.nan)
        projection, fit_lower, fit_upper, slope = y_hat.copy(), fit.lower.copy(), fit.upper.copy(), fit.slope.copy()
        used_method = np.full(len(judged), method, dtype=object)
        events_in_window = np.full(len(judged), np.nan)

        # -- counted rates (Poisson GLM) and proportions (binomial GLM) decide, for the rows the screen flags
        events, exposure = _count_blocks(matrix, series)
        multiplier = judged["multiplier"].to_numpy(dtype=float)
        for family, interval in (("poisson", "poisson"), ("binomial", "wilson")):
            counted = _counted(judged, block, events, exposure, matrix.years, rules.trend_window, interval)
            candidates = np.flatnonzero(enough & counted & (severity != Severity.NONE.value))
            if not len(candidates):
                continue
            glm = poisson_trend(events[candidates], exposure[candidates], matrix.years, year, window=rules.trend_window,
                                level=rules.count_level, multiplier=multiplier[candidates], family=family)
            informative = glm.events
            if family == "binomial":  # the rarer outcome carries the information: 999 of 1,000 is one event
                trials = _window_events(exposure[candidates], block[candidates], matrix.years, rules.trend_window)
                informative = np.minimum(glm.events, trials - glm.events)
            usable = glm.estimable & (informative >= rules.count_min_events)
            c_sign = sign[candidates]
            goal = np.where(numeric[candidates], target[candidates], y_b[candidates])  # direction kinds: better than y_b
            p_meet = glm.probability(goal, c_sign, multiplier[candidates])
            judged_by_glm = numeric[candidates] | directional[candidates]
            new = np.where(p_meet < rules.w1_count_alert, Severity.ALERT.value,
                           np.where(p_meet < rules.w1_count_warning, Severity.WARNING.value, Severity.NONE.value))
            # a target of 100% (or 0%) has no logit: the screen's verdict stands, with the fit's numbers
            new = np.where(np.isnan(p_meet) & usable, severity[candidates], new)
            # too few events or no fit: too noisy to project (W5 says so); a band keeps its screen
            new = np.where(judged_by_glm & ~usable, Severity.NONE.value, new)
            # the counts can withhold or soften the screen's flag, never raise it: the screen's
            # classes measure how far off the trend is, the GLM whether the counts can tell
            screen = severity[candidates]
            softer = pd.Series(new).map(_SEVERITY_RANK).to_numpy() <= pd.Series(screen).map(_SEVERITY_RANK).to_numpy()
            new = np.where(softer, new, screen)
            severity[candidates] = np.where(judged_by_glm, new, severity[candidates])
            picked = judged_by_glm & usable
            chosen = candidates[picked]
            projection[chosen], fit_lower[chosen], fit_upper[chosen] = glm.projection[picked], glm.lower[picked], glm.upper[picked]
            probability[chosen], slope[chosen] = p_meet[picked], glm.slope[picked]
            used_method[chosen] = f"{family}_glm"
            events_in_window[candidates] = informative
        flagged = enough & (severity != Severity.NONE.value)
        with_probability = ~np.isnan(probability)
        glm_row = (used_method == "poisson_glm") | (used_method == "binomial_glm")

        bound = {"year": year, "y_hat": projection, "target": target, "share": share, "with_probability": with_probability,
                 "probability": probability, "glm": glm_row,
                 "model_zh": np.where(used_method == "binomial_glm", "logistic回归", "泊松回归"),
                 "model_en": np.where(used_method == "binomial_glm", "logistic regression", "Poisson regression"), "by_share": ~(numeric & ~short),
                 "miss": np.abs(target - projection), "no_target": directional & np.isnan(target), "baseline": y_b,
                 "band": banded & ~directional, "band_lower": lower, "band_upper": upper, "events": events_in_window, "lower": fit_lower, "upper": fit_upper}

        def w1_en(f: Any, b: dict[str, Any] = bound) -> pd.Series:
            text = (f"projected to {b['year']}: " + f(b["y_hat"]) + " (" + method + ") against a target of " + f(b["target"])
                    + "; share of the distance covered P=" + f(b["share"], 3))
            text = text.where(f.pick(b["by_share"]), f"projected to {b['year']}: " + f(b["y_hat"]) + " (" + method
                              + ") against a target of " + f(b["target"]) + ", short of it by " + f(b["miss"]))
            text = text.where(~f.pick(b["no_target"]), f"projected to {b['year']}: " + f(b["y_hat"]) + " (" + method
                              + "), no better than the baseline " + f(b["baseline"]))
            text = text.where(~f.pick(b["band"]), f"projected to {b['year']}: " + f(b["y_hat"]) + " (" + method
                              + "), outside the band [" + f(b["band_lower"]) + ", " + f(b["band_upper"]) + "]")
            text = text.where(~f.pick(b["with_probability"]), text + "; probability of meeting it " + f(b["probability"], 3))
            goal = (" against a target of " + f(b["target"])).where(~f.pick(b["no_target"]), " against the baseline " + f(b["baseline"]))
            chance = ("; probability of meeting it " + f(b["probability"], 3)).where(f.pick(b["with_probability"]), "")
            glm_text = (f"projected to {b['year']} by a " + f.text(b["model_en"]) + " on " + f(b["events"], 0) + " events: " + f(b["y_hat"])
                        + f" ({rules.count_level:.0%} interval " + f(b["lower"]) + "–" + f(b["upper"]) + ")" + goal + chance)
            return text.where(~f.pick(b["glm"]), glm_text)

        def w1_zh(f: Any, b: dict[str, Any] = bound) -> pd.Series:
            text = f"按{method}趋势预计{b['year']}年为" + f(b["y_hat"]) + "，目标" + f(b["target"]) + "，预计完成进度P=" + f(b["share"], 3) + "，预计达标困难"
            text = text.where(f.pick(b["by_share"]), f"按{method}趋势预计{b['year']}年为" + f(b["y_hat"]) + "，目标" + f(b["target"])
                              + "，预计差距" + f(b["miss"]) + "，预计达标困难")
            text = text.where(~f.pick(b["no_target"]), f"按{method}趋势预计{b['year']}年为" + f(b["y_hat"]) + "，不优于基期值"
                              + f(b["baseline"]) + "，预计达标困难")
            text = text.where(~f.pick(b["band"]), f"按{method}趋势预计{b['year']}年为" + f(b["y_hat"]) + "，超出区间["
                              + f(b["band_lower"]) + ", " + f(b["band_upper"]) + "]，预计达标困难")
            text = text.where(~f.pick(b["with_probability"]), text + "；达标概率" + f(b["probability"], 3))
            goal = ("，目标" + f(b["target"])).where(~f.pick(b["no_target"]), "，不优于基期值" + f(b["baseline"]))
            chance = ("，达标概率" + f(b["probability"], 3)).where(f.pick(b["with_probability"]), "")
            glm_text = ("按" + f.text(b["model_zh"]) + "（近期共" + f(b["events"], 0) + f"例）预计{b['year']}年为" + f(b["y_hat"])
                        + f"（{rules.count_level:.0%}区间" + f(b["lower"]) + "–" + f(b["upper"]) + "）" + goal + chance + "，预计达标困难")
            return text.where(~f.pick(b["glm"]), glm_text)

        parts.append(_frame(
            judged, flagged, "projected_miss", "W1", severity, w1_zh, w1_en,
            target_year=year, method=used_method, baseline=y_b, target=target, projection=projection, lower=fit_lower,
            upper=fit_upper, probability=probability, progress_share=np.where(numeric & short, share, np.nan),
            slope=slope,
        ))
    return parts


#: What W2c reads of a candidate row (kept small: a partitioned run keeps every partition's candidates)
_HB_COLUMNS = ("indicator", "name_zh", "region", "sex", "area_type", "target_id", "sign", "precision")
#: A candidate's counts in the two years (events and exposure), for the exact test of an outlier's change
_HB_COUNTS = ("_events_0", "_exposure_0", "_events_1", "_exposure_1")


def hb_flags(hb: pd.DataFrame, as_of: int, rules: RuleSet) -> list[pd.DataFrame]:
    """W2c: the Hidiroglou–Berthelot outliers among the regions' changes from ``as_of − 1`` to ``as_of``.

    ``hb`` holds the candidate series (positive in both years, the jurisdiction left out)
    with their two values ``_x0``, ``_x1`` and ``_chance`` (a counted change within chance:
    no outlier, though it counts in the quartiles; NaN where the exact test of the change,
    on the counts ``_HB_COUNTS``, is still to run: it runs here, on the outliers only);
    every region's candidates at once.
    """
    group = hb.groupby(["indicator", "sex", "area_type", "sign"], sort=False).ngroup().fillna(-1).to_numpy(dtype=np.int64)  # the keys hashed once
    size = np.bincount(group[group >= 0], minlength=group.max(initial=0) + 1)  # a slot at least: every key missing reads it
    kept = (group >= 0) & (size[np.maximum(group, 0)] >= rules.hb_min_regions)
    hb = hb[kept].reset_index(drop=True)
    if not len(hb):
        return []
    ratio = hb["_x1"] / hb["_x0"]
    keys = group[kept]
    med = ratio.groupby(keys).transform("median")
    s = np.where(ratio < med, 1 - med / ratio, ratio / med - 1)
    effect = pd.Series(s * np.maximum(hb["_x0"], hb["_x1"]) ** rules.hb_u, index=hb.index)
    e_med = effect.groupby(keys).transform("median")
    q1 = effect.groupby(keys).transform("quantile", 0.25)
    q3 = effect.groupby(keys).transform("quantile", 0.75)
    d_q1 = np.maximum(e_med - q1, np.abs(rules.hb_a * e_med))
    d_q3 = np.maximum(q3 - e_med, np.abs(rules.hb_a * e_med))
    # strictly outside; an effect on a bound in exact arithmetic (equal ratios) is not, whatever the rounding
    slack = 1e-9 * (np.abs(e_med) + rules.hb_c * np.maximum(d_q1, d_q3))
    outlier = (effect < e_med - rules.hb_c * d_q1 - slack) | (effect > e_med + rules.hb_c * d_q3 + slack)
    chance = hb["_chance"].to_numpy(dtype=float).copy()
    ask = outlier.to_numpy() & np.isnan(chance)
    if ask.any():
        p = _one_sided(hb["_larger"].to_numpy(dtype=bool)[ask], *(hb[c].to_numpy(dtype=float)[ask] for c in _HB_COUNTS),
                       hb["_binomial"].to_numpy(dtype=bool)[ask])
        chance[ask] = ~(p < rules.count_alpha)
    mask = outlier.to_numpy() & (chance != 1)
    effects = effect.to_numpy()
    return [_frame(
        hb, mask, "volatility", "W2c", Severity.WARNING.value,
        lambda f: f"{as_of - 1}—{as_of}年变动与其他地区相比异常（HB检验，效应" + f(effects, 3) + "）",
        lambda f: f"change {as_of - 1}–{as_of} is an outlier among regions (Hidiroglou–Berthelot effect " + f(effects, 3) + ")",
        latest_year=float(as_of), latest_value=hb["_x1"].to_numpy(), hb_effect=effects,
    )]


def _one_sided(larger: np.ndarray, events_1: np.ndarray, exposure_1: np.ndarray, events_2: np.ndarray,
               exposure_2: np.ndarray, binomial: np.ndarray) -> np.ndarray:
    """The exact test of a change (:func:`~wdmonitor.intervals.count_change_test`) for a rise where
    ``larger``, else for a fall: each alternative runs on its own rows only."""
    from .intervals import count_change_test

    out = np.full(len(larger), np.nan)
    for alternative, side in (("larger", larger), ("smaller", ~larger)):
        if side.any():
            out[side] = count_change_test(events_1[side], exposure_1[side], events_2[side], exposure_2[side], alternative,
                                          binomial[side])
    return out


def _significant(need: np.ndarray, larger: np.ndarray, events_1: np.ndarray, exposure_1: np.ndarray, events_2: np.ndarray,
                 exposure_2: np.ndarray, binomial: np.ndarray, alpha: float) -> np.ndarray:
    """Where ``need``: whether the one-sided exact test (:func:`_one_sided`) gives p < ``alpha``;
    False elsewhere, where the caller's flag no longer depends on it."""
    out = np.zeros(len(need), dtype=bool)
    rows = np.flatnonzero(need)
    if len(rows):
        out[rows] = _one_sided(larger[rows], events_1[rows], exposure_1[rows], events_2[rows], exposure_2[rows],
                               binomial[rows]) < alpha
    return out


def _volatility_and_deterioration(now: pd.DataFrame, matrix: SeriesMatrix, as_of: int, rules: RuleSet,
                                  jurisdiction: str, hb_candidates: list[pd.DataFrame] | None = None) -> list[pd.DataFrame]:
    """W2 (a, b, c) and W3 on each observed series a target is judged on.

    Changes smaller than half a reporting unit are nil (§8). On a Poisson rate with counts,
    a change counts only when the exact conditional test of the two years' events says so
    (p below ``count_alpha``), and W3's trend is the Poisson GLM's slope, judged by whether
    its interval lies wholly on the bad side of 0 (§7). On a percentage with counts (women of
    members) Fisher's exact test of the two years' 2×2 table decides the same changes, and
    W3's slope counts only when the latest year against the rest of the window's says so. A series of zeros has no trend and
    no percentage change; a change from 0 is stated as "由0变为x".
    """
    from .intervals import count_change_test
    from .trends import poisson_trend

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
    nil = _nil(rows, rules)
    zeros = _all_zero(block, years, rules.trend_window, nil)
    events, exposure = _count_blocks(matrix, series)
    counted = _counted(rows, block, events, exposure, years, rules.trend_window)
    binomial = _counted(rows, block, events, exposure, years, rules.trend_window, "wilson")  # Fisher's exact test
    counted = counted | binomial
    at = np.maximum(last_col, 0)
    before = np.maximum(last_col - 1, 0)
    material = np.abs(latest_change) >= nil
    earlier = np.where(np.arange(changes.shape[1])[None, :] < (last_col - 1)[:, None], changes, np.nan)
    count = (~np.isnan(earlier)).sum(axis=1)
    parts = []

    # (a) modified z-score (Iglewicz–Hoaglin); MAD = 0 uses the mean absolute deviation × 1.2533
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows (no earlier changes) give NaN
        median = _row_median(np.where(count[:, None] > 0, earlier, 0.0))
        mad = _row_median(np.abs(earlier - median[:, None]))
        mean_ad = np.nanmean(np.abs(earlier - median[:, None]), axis=1)
        spread = np.where(mad > 0, mad / 0.6745, 1.253314 * mean_ad)
        deviation = latest_change - median
        z = np.where(spread > 0, deviation / spread, np.where(np.abs(deviation) > 0, np.inf * np.sign(deviation), 0.0))
    unusual = (count >= rules.w2_min_changes) & ~np.isnan(latest_change) & (np.abs(z) > rules.w2_z_threshold)
    # (b) a year-on-year change of 10% or more
    with np.errstate(invalid="ignore", divide="ignore"):
        previous = block[np.arange(len(rows)), np.maximum(last_col - 1, 0)]
        from_zero = np.abs(previous) < nil  # a change from 0 is never a percentage
        relative = np.where(from_zero, np.nan, np.abs(latest_change) / np.abs(previous))
    large = (from_zero | (relative >= rules.w2_relative_change - 1e-12)) & ~np.isnan(latest_change)
    # a counted change must also be more than chance: W2 on counts needs p < count_alpha, by the
    # exact test of the latest year's counts against the year before's in the direction of the
    # change, run only where it decides a flag (a material change on counts that W2a or W2b would
    # flag); W2c's candidates are tested among its outliers only (hb_flags)
    asked = material & counted & (unusual | large)
    larger = latest_change > 0
    each = np.arange(len(rows))
    counts = (events[each, before], exposure[each, before], events[each, at], exposure[each, at])
    change_p = np.full(len(rows), np.nan)
    change_p[asked] = _one_sided(larger[asked], *(c[asked] for c in counts), binomial[asked])
    telling = material & (~counted | (change_p < rules.count_alpha))
    flagged = unusual & telling
    parts.append(_frame(
        rows, flagged, "volatility", "W2a", Severity.WARNING.value,
        lambda f: f(t_last, 0) + "年变动" + f(latest_change, extra=1) + "，与以往变动（中位数" + f(median, extra=1) + "）相比异常，修正z值" + f(z, 2) + "，波动较大",
        lambda f: "change in " + f(t_last, 0) + " of " + f(latest_change, extra=1) + " is unusual against earlier changes (median "
        + f(median, extra=1) + "): modified z-score " + f(z, 2),
        latest_year=t_last, latest_value=y_last, last_change=latest_change, z_score=z,
    ))

    flagged = large & telling
    parts.append(_frame(
        rows, flagged, "volatility", "W2b", Severity.WATCH.value,
        lambda f: (f(t_last, 0) + "年较上年变动" + f(relative * 100, 1) + "%，需关注").where(
            ~f.pick(from_zero), f(t_last, 0) + "年由0变为" + f(y_last) + "，需关注"),
        lambda f: ("year-on-year change of " + f(relative * 100, 1) + "% in " + f(t_last, 0)).where(
            ~f.pick(from_zero), "from 0 to " + f(y_last) + " in " + f(t_last, 0)),
        latest_year=t_last, latest_value=y_last, last_change=latest_change, relative_change=relative,
    ))

    # (c) Hidiroglou–Berthelot across regions on (y_{as_of−1}, y_{as_of})
    # a counted region whose change is within chance is no outlier (it still counts in the quartiles)
    # W2c: a counted change within chance is no outlier; NaN where the exact test is left to hb_flags
    if len(years):
        latest = last_col == as_of - years[0]
        # a change too small to count (§8, nil) is no outlier either, counted or not
        chance = ((counted & ~(latest & telling)) | (latest & ~material)).astype(float)
        chance[latest & material & counted & ~asked] = np.nan
    else:
        chance = np.zeros(len(rows))
    hb = rows[[c for c in _HB_COLUMNS if c in rows]].assign(
        _x0=matrix.at(series, as_of - 1), _x1=matrix.at(series, as_of), _chance=chance, _larger=larger,
        _binomial=binomial, **dict(zip(_HB_COUNTS, counts, strict=True)))
    hb = hb[(hb["region"] != jurisdiction) & (hb["_x0"] > 0) & (hb["_x1"] > 0)]
    if hb_candidates is not None:  # partitions: every partition's candidates are compared together at the end
        hb_candidates.append(hb)
    else:
        parts.extend(hb_flags(hb, as_of, rules))

    # W3 deterioration: slope over the last ≤ 5 years and the last change, in the good direction;
    # a move counts when it is material (§8) and, on counts, more than chance (§7)
    sign = rows["sign"].to_numpy(dtype=float)
    fit = project(block, years, np.full(len(rows), as_of), method="ols", window=rules.trend_window)
    slope = sign * fit.slope
    step = sign * (y_last - y_prev)
    y_b = rows["baseline"].to_numpy(dtype=float)
    target = rows["target"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        moved = slope * np.maximum(as_of - fit.first_year, 1.0)  # the change the slope makes over its window
        slope_bad = moved <= -nil
        step_bad, step_good = step <= -nil, step >= nil
        worse_than_baseline = sign * (y_last - y_b) <= -nil
        failing = np.where(np.isnan(target), True, sign * (y_last - target) <= -nil)
    valid = (sign != 0) & ~np.isnan(slope) & ~np.isnan(step) & ~zeros
    shown_slope = fit.slope.copy()
    slope_text = np.full(len(rows), "", dtype=object)
    # counted rows the screen could flag: the GLM slope's interval and exact tests decide
    screen = valid & ((worse_than_baseline & failing) | (slope_bad & ~step_good) | step_bad)
    chosen = np.flatnonzero(screen & counted)
    if len(chosen):
        c_sign, b = sign[chosen], binomial[chosen]
        glm = poisson_trend(events[chosen], exposure[chosen], years, as_of, window=rules.trend_window, level=rules.count_level)
        usable = glm.estimable & (glm.events >= rules.count_min_events) & ~b  # a percentage keeps the screen's slope
        with np.errstate(invalid="ignore"):
            glm_bad = np.where(c_sign < 0, glm.slope_lower > 0, glm.slope_upper < 0)
        # without a usable fit: the latest year's events against the rest of the window's, exactly
        inside = (np.isfinite(events[chosen]) & np.isfinite(exposure[chosen]) & ~np.isnan(block[chosen])
                  & (years[None, :] > (t_last[chosen] - rules.trend_window)[:, None]))
        window_events = np.where(inside, events[chosen], 0.0)
        window_exposure = np.where(inside, exposure[chosen], 0.0)
        c_at = at[chosen]
        last_events, last_exposure = events[chosen, c_at], exposure[chosen, c_at]
        rest_events = window_events.sum(axis=1) - np.nan_to_num(last_events)
        rest_exposure = window_exposure.sum(axis=1) - np.nan_to_num(last_exposure)
        # each exact test only on the rows whose flag it can still change
        rest_bad = _significant(~usable & (~b | slope_bad[chosen]), c_sign < 0, rest_events, rest_exposure, last_events,
                                last_exposure, b, rules.count_alpha)
        slope_bad[chosen] = np.where(usable, glm_bad, np.where(b, slope_bad[chosen] & rest_bad, rest_bad))
        previous_col = np.where(np.isnan(t_prev[chosen]), 0, t_prev[chosen] - years[0]).astype(np.int64)
        prev_events, prev_exposure = events[chosen, previous_col], exposure[chosen, previous_col]
        c_bad, c_good = step_bad[chosen], step_good[chosen]
        rise = _significant(np.where(c_sign < 0, c_bad, c_good), np.ones(len(chosen), dtype=bool), prev_events, prev_exposure,
                            last_events, last_exposure, b, rules.count_alpha)
        fall = _significant(np.where(c_sign < 0, c_good, c_bad), np.zeros(len(chosen), dtype=bool), prev_events, prev_exposure,
                            last_events, last_exposure, b, rules.count_alpha)
        step_bad[chosen] &= np.where(c_sign < 0, rise, fall)
        step_good[chosen] &= np.where(c_sign < 0, fall, rise)
        base_col = np.clip(rows["baseline_data_year"].to_numpy(dtype=float)[chosen] - years[0], 0, len(years) - 1)
        base_col = np.where(np.isnan(base_col), 0, base_col).astype(np.int64)
        base_events, base_exposure = events[chosen, base_col], exposure[chosen, base_col]
        worse = _significant(worse_than_baseline[chosen], c_sign < 0, base_events, base_exposure, last_events, last_exposure, b,
                             rules.count_alpha)
        worse_than_baseline[chosen] &= worse
        shown_slope[chosen] = np.where(usable, glm.slope, np.where(b, fit.slope[chosen], np.nan))
        slope_text[chosen] = np.where(usable, "poisson", np.where(b, "", "exact"))
    severity = np.select(
        [valid & worse_than_baseline & failing, valid & slope_bad & ~step_good, valid & ~slope_bad & step_bad],
        [Severity.ALERT.value, Severity.WARNING.value, Severity.WATCH.value], Severity.NONE.value,
    )
    glm_rows, exact_rows = slope_text == "poisson", slope_text == "exact"

    def w3_zh(f: Any) -> pd.Series:
        text = ("近" + f(fit.n_points, 0) + "年趋势" + f(fit.slope, extra=2) + "/年，最近一次变动" + f(y_last - y_prev, extra=1)
                + "，基期值" + f(y_b) + "，出现退步")
        glm_text = ("近" + f(fit.n_points, 0) + "年泊松回归年变化率" + f(shown_slope * 100, 1) + "%，最近一次由" + f(y_prev) + "变为"
                    + f(y_last) + "，基期值" + f(y_b) + "，出现退步")
        exact_text = ("事件数少，按精确检验：最近一次由" + f(y_prev) + "变为" + f(y_last) + "，基期值" + f(y_b) + "，出现退步")
        return text.where(~f.pick(glm_rows), glm_text).where(~f.pick(exact_rows), exact_text)

    def w3_en(f: Any) -> pd.Series:
        text = ("recent slope " + f(fit.slope, extra=2) + " a year over " + f(fit.n_points, 0) + " points, last change "
                + f(y_last - y_prev, extra=1) + ", baseline " + f(y_b) + ": moving the wrong way")
        glm_text = ("Poisson regression over " + f(fit.n_points, 0) + " years: " + f(shown_slope * 100, 1) + "% a year; last from "
                    + f(y_prev) + " to " + f(y_last) + ", baseline " + f(y_b) + ": moving the wrong way")
        exact_text = ("few events, by the exact test: last from " + f(y_prev) + " to " + f(y_last) + ", baseline " + f(y_b)
                      + ": moving the wrong way")
        return text.where(~f.pick(glm_rows), glm_text).where(~f.pick(exact_rows), exact_text)

    parts.append(_frame(
        rows, severity != Severity.NONE.value, "deterioration", "W3", severity, w3_zh, w3_en,
        latest_year=t_last, latest_value=y_last, baseline=y_b, target=target, slope=shown_slope, last_change=y_last - y_prev,
    ))
    return parts


def _gap_widening(now: pd.DataFrame, matrix: SeriesMatrix, rules: RuleSet) -> list[pd.DataFrame]:
    """W4 on the gap and parity series of gap_narrowing and parity targets.

    A widening smaller than half a reporting unit is nil (§8); a sex or urban–rural gap
    between two counted rates widens only when the change exceeds its interval (the
    ``count_level`` interval of a difference of differences: the two years' gap variances
    summed, methodology §7). A gap of 0 held at 0 never widens; a gap from 0 is not a
    percentage.
    """
    from scipy.special import ndtri  # the normal quantile, without scipy.stats' import

    from .intervals import gap_variance

    rows = now[now["kind"].isin(["gap_narrowing", "parity"]) & (now["series"] >= 0)].drop_duplicates("series").reset_index(drop=True)
    if rows.empty:
        return []
    block = _series_block(matrix, rows["series"].to_numpy(dtype=np.int64))
    y_last, t_last, y_prev, t_prev = _last_two(block, matrix.years)
    gap_b = rows["baseline"].to_numpy(dtype=float)
    parity = (rows["kind"] == "parity").to_numpy()
    nil = _nil(rows, rules)
    variance = gap_variance(rows, matrix)
    index = np.arange(len(rows))

    def variance_at(year: np.ndarray) -> np.ndarray:
        col = np.where(np.isnan(year), -1, year - matrix.years[0]).astype(np.int64)
        ok = (col >= 0) & (col < variance.shape[1])
        return np.where(ok, variance[index, np.clip(col, 0, variance.shape[1] - 1)], np.nan)

    v_last, v_prev = variance_at(t_last), variance_at(t_prev)
    v_base = variance_at(rows["baseline_data_year"].to_numpy(dtype=float))
    z = ndtri(1 - (1 - rules.count_level) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        beyond_prev = np.where(np.isnan(v_last + v_prev), 0.0, z * np.sqrt(v_last + v_prev))
        beyond_base = np.where(np.isnan(v_last + v_base), 0.0, z * np.sqrt(v_last + v_base))
        # material (at least half a unit, §8) and beyond a counted gap's interval ("exceeds", §7)
        wider_base = (y_last - gap_b >= nil) & (y_last - gap_b > beyond_base)
        wider = (y_last - y_prev >= nil) & (y_last - y_prev > beyond_prev) & wider_base
        from_zero = np.abs(gap_b) < nil
        widening = np.where(from_zero, np.nan, (y_last - gap_b) / np.abs(gap_b))
        alert_wide = wider_base & (from_zero | (widening >= rules.w4_alert_widening - 1e-12))
        lo, hi = rules.parity_band
        left_band = (y_prev >= lo) & (y_prev <= hi) & ((y_last <= lo - nil) | (y_last >= hi + nil))
    severity = np.select(
        [parity & left_band, ~parity & alert_wide, ~parity & wider],
        [Severity.ALERT.value, Severity.ALERT.value, Severity.WARNING.value], Severity.NONE.value,
    )
    label = np.where(parity, "女/男比", "差距")

    def w4_zh(f: Any) -> pd.Series:
        text = (f.text(label) + "由基期" + f(gap_b, extra=1) + "、上期" + f(y_prev, extra=1) + "变为" + f(y_last, extra=1)
                + "（较基期" + f(widening * 100, 1) + "%），差距扩大")
        return text.where(~f.pick(from_zero & ~parity), f.text(label) + "由基期0、上期" + f(y_prev, extra=1) + "变为" + f(y_last, extra=1)
                          + "，差距扩大")

    def w4_en(f: Any) -> pd.Series:
        text = (f.text(np.where(parity, "female/male ratio", "gap")) + " moved from " + f(gap_b, extra=1) + " at baseline and "
                + f(y_prev, extra=1) + " last time to " + f(y_last, extra=1) + " (" + f(widening * 100, 1) + "% against baseline)")
        return text.where(~f.pick(from_zero & ~parity), "gap moved from 0 at baseline and " + f(y_prev, extra=1) + " last time to "
                          + f(y_last, extra=1))

    return [_frame(
        rows, severity != Severity.NONE.value, "gap_widening", "W4", severity, w4_zh, w4_en,
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
    # the plan states a baseline and the data hold another value for that year: both reported
    conflict = rows["baseline_conflict"].fillna(False).to_numpy(dtype=bool) if "baseline_conflict" in rows else none & False
    stated = rows["plan_baseline"].to_numpy(dtype=float) if "plan_baseline" in rows else np.full(len(rows), np.nan)
    parts.append(_frame(rows, conflict, "data", "baseline_conflict", Severity.WATCH.value,
                        lambda f: "规划所列基期值为" + f(stated, 4) + "，监测数据为" + f(rows["baseline"].to_numpy(dtype=float))
                        + "，按监测数据评估",
                        lambda f: "the plan states a baseline of " + f(stated, 4) + "; the data hold "
                        + f(rows["baseline"].to_numpy(dtype=float)) + ", which is used",
                        baseline=rows["baseline"].to_numpy(dtype=float)))
    short = ~none & (points < rules.min_points_projection)
    parts.append(_frame(rows, short, "data", "too_short", Severity.WATCH.value,
                        lambda f: "仅有" + f(points, 0) + f"个数据点，少于{rules.min_points_projection}个，无法预测",
                        lambda f: "only " + f(points, 0) + f" points, fewer than {rules.min_points_projection}: no projection",
                        latest_year=latest))
    # a counted rate with too few events in its trend window is not projected (W1 withheld)
    events, exposure = _count_blocks(matrix, series)
    counted = _counted(rows, block, events, exposure, matrix.years, rules.trend_window)
    proportion = _counted(rows, block, events, exposure, matrix.years, rules.trend_window, "wilson")
    in_window = _window_events(events, block, matrix.years, rules.trend_window)
    trials = _window_events(exposure, block, matrix.years, rules.trend_window)
    in_window = np.where(proportion, np.minimum(in_window, trials - in_window), in_window)  # the rarer outcome
    noisy = ~none & (counted | proportion) & ~short & (in_window < rules.count_min_events)
    no_event = in_window == 0
    parts.append(_frame(rows, noisy, "data", "too_few_events", Severity.NONE.value,
                        lambda f: ("近期共" + f(in_window, 0) + f"例，少于{rules.count_min_events}例，变动主要来自偶然，不作趋势预测").where(
                            ~f.pick(no_event), "近期各年均为0例，无趋势可言，不作趋势预测"),
                        lambda f: (f(in_window, 0) + f" events in the trend window, fewer than {rules.count_min_events}: "
                                   "too noisy to project").where(~f.pick(no_event), "no event in any year of the trend window: "
                                                                 "no trend to project"), latest_year=latest))
    # enough events, but all in the window's first or last year: the GLM has no estimate (W1 withheld)
    fitted = ~none & (counted | proportion) & ~short & ~noisy
    exists = np.ones(len(rows), dtype=bool)
    for family, rates in (("poisson", counted), ("binomial", proportion)):
        chosen = np.flatnonzero(fitted & rates)
        exists[chosen] = estimate_exists(events[chosen], exposure[chosen], matrix.years, window=rules.trend_window,
                                         family=family)
    parts.append(_frame(rows, fitted & ~exists, "data", "no_trend_estimate", Severity.NONE.value,
                        lambda f: "近期" + f(in_window, 0) + "例集中于趋势窗口的首年或末年，计数无法估计趋势，不作趋势预测",
                        lambda f: "the " + f(in_window, 0) + " events of the trend window fall in its first or last year "
                        "alone: the counts give no trend estimate, not projected", latest_year=latest))
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
                    rules: RuleSet = DEFAULT_RULES, judged: Judged | None = None,
                    hb_candidates: list[pd.DataFrame] | None = None) -> pd.DataFrame:
    """The flag table for an already validated frame (see :func:`flag_early_warnings`).

    ``judged`` is the engine's run at ``as_of`` on the same rows (rows after ``as_of``
    left out), when the caller has it already: the annual report passes its own. With
    ``hb_candidates`` (a list), W2c is left out and its candidates appended to the list, to
    be compared with other partitions' (:func:`hb_flags`, :mod:`wdmonitor.partitions`).
    """
    if judged is None:
        judged = judge_all(valid[valid["year"].astype("int64") <= as_of], plan, as_of, rules)
    full = judged.full
    now = judged.table.copy()
    now["precision"] = _precision(plan, now)
    parts = [
        *_projected_miss(judged, plan, as_of, method, rules),
        *_volatility_and_deterioration(now, full, as_of, rules, plan.jurisdiction.code, hb_candidates),
        *_gap_widening(now, full, rules),
        *_data_flags(now, full, as_of, rules),
    ]
    return finished_flags(parts, plan, as_of, rules)


def shared_run(judged: Judged | None, valid: pd.DataFrame, as_of: int) -> Judged | None:
    """``judged`` when the warnings as of ``as_of`` can stand on it, else None.

    An evaluation at ``as_of`` of a frame with no year after ``as_of`` is the very run the
    warnings would make (:func:`flags_for_valid` leaves out only the later rows), so a cycle
    that evaluates and warns at the same year runs the engine once.
    """
    if judged is None or judged.year != int(as_of) or judged.valid is not valid:
        return None
    return judged if not len(valid) or int(valid["year"].astype("int64").max()) <= int(as_of) else None


def finished_flags(parts: list[pd.DataFrame], plan: Plan, as_of: int, rules: RuleSet) -> pd.DataFrame:
    """The flag table of the rules' flag frames: columns :data:`FLAG_COLUMNS`, region names, and most
    severe first, then by indicator, region, sex, flag, check and target year."""
    from .tables import region_names

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
    rank = flags["severity"].map(_SEVERITY_RANK)
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
