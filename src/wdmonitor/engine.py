"""One engine run: plan → target rows → series → verdicts, shared by every result.

:func:`~wdmonitor.evaluate`, :func:`~wdmonitor.flag_early_warnings` and
:func:`~wdmonitor.annual_report` all go through :func:`judge_all`; the annual report runs it
once and hands the same :class:`Judged` to the warnings. The steps:

1. :func:`prepared` — indicators computed from the counts sent, then validated
   (:func:`wdmonitor.validation.prepare_submission`); refused rows raise.
2. :func:`~wdmonitor.targets.matrix_for` — one row per series, one column per year.
3. :func:`~wdmonitor.targets.target_rows` and :func:`~wdmonitor.targets.attach_series` —
   one row per target × region × sex, pointing at its (observed or derived) series.
   :func:`~wdmonitor.proxies.apply_proxies` then points the rows whose own series has no
   value at E at their target's proxy (替代性指标), where the plan names one.
4. :func:`~wdmonitor.attainment.judge` — the verdict, final status, progress and interval
   columns, for every row at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .attainment import judge
from .indicators import Plan
from .proxies import apply_proxies
from .rules import DEFAULT_RULES, RuleSet
from .series import SERIES_KEY, SeriesMatrix
from .targets import attach_series, matrix_for, target_rows

__all__ = ["Judged", "judge_all", "prepared"]


@dataclass(frozen=True, eq=False)
class Judged:
    """What one engine run produced: the inputs the verdicts stand on, and the verdicts.

    Attributes
    ----------
    valid : DataFrame
        The validated canonical rows judged.
    plan : Plan
    year : int
        The evaluation year E (``as_of`` for the warnings).
    regions : list of str
        The plan's regions present in ``valid`` (the jurisdiction always included).
    matrix : SeriesMatrix
        The observed series, years up to the plan's last evaluation year (projections need it).
    full : SeriesMatrix
        ``matrix`` with the derived series (gaps, ratios) the targets need.
    table : DataFrame
        One verdict row per target × region × sex (:func:`wdmonitor.attainment.judge`).
    unjudged : DataFrame
        The valid series no verdict stands on, grouped by indicator, sex, area type and age
        group, with the number of regions and rows and the reason (:func:`unjudged_series`);
        computed when first read (the warnings and the benchmarks never read it).
    """

    valid: pd.DataFrame
    plan: Plan
    year: int
    regions: list[str]
    matrix: SeriesMatrix
    full: SeriesMatrix
    table: pd.DataFrame

    @cached_property
    def unjudged(self) -> pd.DataFrame:
        """The valid series no verdict stands on (see :func:`unjudged_series`)."""
        return unjudged_series(self.valid, self.table, self.matrix, self.plan)


def prepared(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The valid rows of ``frame`` after the indicators are computed from its counts.

    Raises
    ------
    SubmissionError
        Any row fails validation (every failure case attached).
    """
    from .validation import prepare_submission, valid_or_raise

    return valid_or_raise(prepare_submission(frame, plan))


def judge_all(valid: pd.DataFrame, plan: Plan, year: int, rules: RuleSet = DEFAULT_RULES, *,
              only: list[str] | None = None) -> Judged:
    """Judge every target of ``plan`` for every region and sex of ``valid`` at ``year``.

    Parameters
    ----------
    valid : DataFrame
        Validated canonical rows (see :func:`prepared`); not validated again, so benchmarks
        and property tests may pass values validation would refuse.
    plan : Plan
    year : int
        Evaluation year E.
    rules : RuleSet
    only : list of str, optional
        Judge only these regions' targets (still on every region's series: a jurisdiction's
        spread across its sub-regions stands on theirs); the partitioned run's last pass
        judges the jurisdiction alone this way.

    Returns
    -------
    Judged
    """
    horizon = max([int(year), *plan.evaluation_years])
    matrix, regions = matrix_for(valid, plan, horizon, rules.trend_window)
    if only is not None:
        regions = [code for code in regions if code in set(only)]
    rows, full = attach_series(target_rows(plan, int(year), regions), matrix, plan)
    rows = apply_proxies(rows, full, plan, int(year), regions)
    table = judge(rows, full, int(year), rules)
    return Judged(valid=valid, plan=plan, year=int(year), regions=regions, matrix=matrix, full=full, table=table)


#: Why a valid series stands behind no verdict, in English and Chinese.
_REASONS = {
    "no_target": ("no target of the plan is judged on this indicator", "规划中没有以该指标评估的目标"),
    "age_group": ("an age group: the targets are judged on all ages", "分年龄组数据：目标按全部年龄评估"),
    "other": ("no target of the plan is judged on this sex or area type", "规划中没有按该性别或城乡类别评估的目标"),
}
_UNJUDGED_COLUMNS = ["indicator", "sex", "area_type", "age_group", "regions", "rows", "reason", "reason_en", "reason_zh"]


def unjudged_series(valid: pd.DataFrame, table: pd.DataFrame, matrix: SeriesMatrix, plan: Plan) -> pd.DataFrame:
    """The valid series that no verdict of ``table`` stands on, and why (never dropped in silence).

    A series is used when a verdict row points at it, compares with it (``relative_to``) or
    derives a gap, a ratio or a parity index from it (including a head count's age-group
    population). The rest are grouped by indicator, sex, area type and age group.
    """
    keys = matrix.keys
    used = np.zeros(len(keys), dtype=bool)
    for column in ("series", "reference_series"):
        index = table[column].to_numpy(dtype=np.int64) if column in table else np.array([], dtype=np.int64)
        used[index[(index >= 0) & (index < len(keys))]] = True
    bases = _derivation_bases(table, plan)
    if len(bases):
        found = matrix.lookup(bases[list(SERIES_KEY)])
        used[found[found >= 0]] = True
    left = keys[~used]
    if left.empty:
        return pd.DataFrame(columns=_UNJUDGED_COLUMNS)
    targeted = set(plan.indicator_ids)
    reason = np.where(~left["indicator"].isin(targeted), "no_target",
                      np.where(left["age_group"].astype(str) != "total", "age_group", "other"))
    counts = valid.groupby(list(SERIES_KEY), observed=True, dropna=False).size()
    rows = counts.reindex(pd.MultiIndex.from_frame(left[list(SERIES_KEY)])).fillna(0).to_numpy(dtype=np.int64)
    grouped = left.assign(reason=reason, rows=rows).groupby(
        ["indicator", "sex", "area_type", "age_group", "reason"], observed=True, dropna=False)
    out = grouped.agg(regions=("region", "nunique"), rows=("rows", "sum")).reset_index()
    out["reason_en"] = out["reason"].map(lambda r: _REASONS[r][0])
    out["reason_zh"] = out["reason"].map(lambda r: _REASONS[r][1])
    return out[_UNJUDGED_COLUMNS].sort_values(["reason", "indicator", "sex", "area_type"], kind="stable").reset_index(drop=True)


def _derivation_bases(table: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The observed series each derived verdict row is computed from (one key per base series)."""
    if "derivation" not in table:
        return pd.DataFrame(columns=list(SERIES_KEY))
    derived = table.loc[table["derivation"] != "", ["region", "indicator", "sex", "area_type", "derivation"]].drop_duplicates()
    parts = []
    pairs = derived[derived["derivation"].isin(["sex_gap", "parity", "relative_gap"])]
    references = {i: indicator.parity_reference for i, indicator in plan.indicators.items()
                  if indicator.parity_reference is not None}
    reference = pairs["indicator"].map(references)
    for sex in ("female", "male"):
        parts.append(pairs.assign(sex=sex))
        parts.append(pairs.assign(sex=sex, indicator=reference)[reference.notna().to_numpy()])
    areas = derived[derived["derivation"] == "area_gap"]
    parts.extend(areas.assign(area_type=a) for a in ("urban", "rural"))
    spread = derived[derived["derivation"] == "region_gap"]
    codes = np.asarray(plan.region_codes, dtype=object)  # every sub-region behind each spread, at once
    parts.append(spread.loc[spread.index.repeat(len(codes))].assign(region=np.tile(codes, len(spread))))
    bases = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(SERIES_KEY))
    return bases.assign(age_group="total")[list(SERIES_KEY)]
