"""Proxy indicators (替代性指标): a target judged on another series where its own is not collected.

晋安区's plan asks for rules on the building and use of proxy indicators (规范替代性指标建设与
使用). A plan may name, for any target on a plain series, a proxy: another indicator (from
the catalogue or the plan's own ``indicators``), the reading that justifies it, the
evaluation years it may stand in, and the proxy's own target — stated (``values``) or
derived by the reading from the main target (``derive: same`` or ``derive: {scale: f}``).

:func:`apply_proxies` is one vectorised step of the engine (:mod:`wdmonitor.engine`),
between the target rows and the verdicts: for every row whose target names a proxy for the
evaluation year E, whose own series has no value at E and whose proxy series has one, the
row is pointed at the proxy's series with the proxy's target (kind, values, direction,
unit). The row keeps its target and region and says what happened: ``proxy_for`` names the
main indicator, ``judged_on`` the proxy; its name, trace, the exports and the charts show
it, and :meth:`wdmonitor.Evaluation.summary` counts the verdicts that rest on a proxy.

A plan entry (see docs/writing-a-plan.md)::

    - indicator: health_literacy_female
      kind: at_least
      value: 30
      proxy:
        indicator: health_literacy_residents
        derive: same
        years: [2025]
        reading: '妇女健康素养水平 is not collected at county level before 2026: the residents'
          rate of the same survey stands in, with the same threshold.'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .vocabulary import Sex, TargetKind

if TYPE_CHECKING:
    from .indicators import Plan
    from .series import SeriesMatrix

__all__ = ["PROXY_KINDS", "Proxy", "apply_proxies", "proxy_trace"]

#: Kinds a proxy may be judged by: each on a plain series, with its sense of direction.
PROXY_KINDS = {
    "at_least": 1, "coverage": 1, "count": 1, "maintain_at_least": 1, "increase": 1,
    "at_most": -1, "maintain_at_most": -1, "decrease": -1,
}
#: Kinds of main target a proxy may stand in for: those judged on one plain series.
MAIN_KINDS = ("at_least", "at_most", "coverage", "count", "maintain_at_least", "maintain_at_most", "increase",
              "decrease", "band", "around", "relative_to_baseline")


@dataclass(frozen=True, slots=True, kw_only=True)
class Proxy:
    """The proxy a plan names for one target.

    Parameters
    ----------
    indicator : str
        The proxy's indicator id (catalogue or the plan's own).
    kind : TargetKind
        How the proxy is judged (the main target's kind unless the plan states another).
    values : Mapping[int, float]
        The proxy's target by year, in the proxy's unit: stated, or derived from the main
        target (``derived``); NaN values for kinds without a value (increase, decrease).
    years : tuple of int
        The evaluation years at which the proxy may stand in.
    reading : str
        Why the proxy may stand in, and how its target was set.
    derived : str
        ``""`` (stated), ``same`` (the main target's values) or ``scale ×f``.
    sex : Sex or None
        The proxy's series; by default the row's sex where the proxy has it, else its own.
    """

    indicator: str
    kind: TargetKind
    values: Mapping[int, float] = field(default_factory=dict)
    years: tuple[int, ...] = ()
    reading: str = ""
    derived: str = ""
    sex: Sex | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, TargetKind):
            object.__setattr__(self, "kind", TargetKind(self.kind))
        object.__setattr__(self, "values", MappingProxyType({int(y): float(v) for y, v in sorted(dict(self.values).items())}))
        object.__setattr__(self, "years", tuple(sorted(int(y) for y in self.years)))


def _proxy_targets(plan: Plan) -> dict[str, Any]:
    """target id → the Target the proxy is judged by (the main target with the proxy's indicator, kind and values)."""
    out = {}
    for target in plan.targets:
        proxy = target.proxy
        if proxy is None:
            continue
        indicator = plan.indicators[proxy.indicator]
        sex = proxy.sex
        if sex is None and target.sex is not None and target.sex in indicator.sex_scope.allowed_sexes:
            sex = target.sex
        out[target.id] = dataclasses.replace(
            target, indicator=proxy.indicator, kind=proxy.kind, values=dict(proxy.values), sex=sex, lower=None, upper=None,
            tolerance=None, reference=None, relation=None, delta_mode=None, baseline_years={}, gap_between=None, proxy=None)
    return out


def apply_proxies(rows: pd.DataFrame, matrix: SeriesMatrix, plan: Plan, year: int, regions: list[str]) -> pd.DataFrame:
    """Point the rows whose own series has no value at ``year`` at their target's proxy.

    Vectorised over the rows: the proxy's rows are built once with
    :func:`wdmonitor.targets.target_rows` (a plan holding only the proxy targets), resolved
    against the matrix, and copied onto the rows that use them. Adds ``proxy_for`` (the
    main indicator) and ``judged_on`` (the proxy) — both empty where no proxy was used —
    and ``proxy_reading``.
    """
    out = rows.copy()
    out["proxy_for"] = ""
    out["judged_on"] = ""
    out["proxy_reading"] = ""
    proxies = _proxy_targets(plan)
    if not proxies:
        return out
    applies = {tid for tid, t in proxies.items() if year in next(x for x in plan.targets if x.id == tid).proxy.years}
    candidate = out["target_id"].isin(applies).to_numpy() & (out["derivation"] == "").to_numpy()
    if not candidate.any():
        return out
    series = out["series"].to_numpy(dtype=np.int64)
    own = np.where(series >= 0, matrix.at(np.maximum(series, 0), year), np.nan)
    candidate &= np.isnan(own)
    if not candidate.any():
        return out
    from .indicators import Goal
    from .targets import attach_series, target_rows
    from .vocabulary import Area

    goal = Goal(id="proxies", area=Area.HEALTH, goal_no="", text_zh="", targets=tuple(proxies.values()))
    shadow = dataclasses.replace(plan, goals=(goal,))
    proxy_rows, _ = attach_series(target_rows(shadow, year, regions), matrix, shadow)
    # each main row's proxy row: same target and region; the same sex where the proxy has it, else the proxy's own
    proxy_rows = proxy_rows.drop_duplicates(["target_id", "region", "sex"])
    same_sex = pd.MultiIndex.from_frame(proxy_rows[["target_id", "region", "sex"]]).get_indexer(
        pd.MultiIndex.from_frame(out[["target_id", "region", "sex"]]))
    first = proxy_rows.drop_duplicates(["target_id", "region"])
    any_sex = pd.MultiIndex.from_frame(first[["target_id", "region"]]).get_indexer(
        pd.MultiIndex.from_frame(out[["target_id", "region"]]))
    position = np.where(same_sex >= 0, same_sex, -1)
    fallback = np.where(any_sex >= 0, proxy_rows.index.get_indexer(first.index[np.maximum(any_sex, 0)]), -1)
    position = np.where(position >= 0, position, fallback)
    found = position >= 0
    proxy_series = np.full(len(out), -1, dtype=np.int64)
    proxy_series[found] = proxy_rows["series"].to_numpy(dtype=np.int64)[position[found]]
    value = np.where(proxy_series >= 0, matrix.at(np.maximum(proxy_series, 0), year), np.nan)
    use = candidate & found & ~np.isnan(value)
    if not use.any():
        return out
    taken = proxy_rows.iloc[position[use]]
    keep = {"target_id", "area", "goal_no", "section", "region", "text_zh", "reading", "indicator", "name_zh", "name_en",
            "baseline_year", "final_baseline_year", "spec"}
    index = out.index[use]
    for column in proxy_rows.columns:
        if column in keep or column not in out.columns:
            continue
        out.loc[index, column] = taken[column].to_numpy()
    out.loc[index, "plan_baseline"] = np.nan  # the plan's baselines are the main indicator's
    main_ids = out.loc[index, "indicator"].to_numpy()
    proxy_ids = taken["indicator"].to_numpy()
    out.loc[index, "proxy_for"] = main_ids
    out.loc[index, "judged_on"] = proxy_ids
    readings = {t.id: t.proxy.reading for t in plan.targets if t.proxy is not None}
    out.loc[index, "proxy_reading"] = out.loc[index, "target_id"].map(readings).to_numpy()
    names_zh = {i: plan.indicators[i].name_zh for i in set(proxy_ids)}
    names_en = {i: plan.indicators[i].name_en for i in set(proxy_ids)}
    out.loc[index, "name_zh"] = out.loc[index, "name_zh"].astype(str).to_numpy() + "（替代指标：" + pd.Series(proxy_ids).map(names_zh).to_numpy() + "）"
    out.loc[index, "name_en"] = out.loc[index, "name_en"].astype(str).to_numpy() + " (proxy: " + pd.Series(proxy_ids).map(names_en).to_numpy() + ")"
    return out


def proxy_trace(table: pd.DataFrame) -> pd.Series:
    """The trace with, on rows judged on a proxy, what stood in for what and why."""
    trace = table["trace"].astype(str)
    if "judged_on" not in table:
        return trace
    used = (table["judged_on"].astype(str) != "").to_numpy()
    if not used.any():
        return trace
    rows = table[used]  # the note is built for the rows judged on a proxy alone
    note = ("proxy: judged on " + rows["judged_on"].astype(str) + " for " + rows["proxy_for"].astype(str)
            + " (no value of " + rows["proxy_for"].astype(str) + " at E) — " + (rows["proxy_reading"].astype(str) if "proxy_reading" in rows else "") + "; ")
    trace = trace.copy()
    trace[used] = (note + trace[used]).to_numpy()
    return trace


def proxy_rows(table: pd.DataFrame) -> pd.Series:
    """Whether each row of an evaluation table was judged on a proxy."""
    if "judged_on" not in table:
        return pd.Series(False, index=table.index)
    return table["judged_on"].fillna("").astype(str) != ""


def proxy_column(rows: pd.DataFrame, plan: Plan, lang: str = "zh") -> pd.Series | None:
    """The report column naming the proxy each verdict was judged on; ``None`` when no row used one."""
    used = proxy_rows(rows)
    if not used.any():
        return None
    names = {i: (plan.indicators[i].name_en if lang == "en" else plan.indicators[i].name_zh) for i in plan.indicators}
    judged = rows["judged_on"].fillna("").astype(str)
    label = "判断依据（替代指标）" if lang == "zh" else "Judged on (proxy)"
    text = judged.map(lambda i: names.get(i, i)).where(used, "")
    return pd.Series(("替代指标：" if lang == "zh" else "proxy: ") + text, index=rows.index, name=label).where(used, "")


def proxy_sentence(evaluation: Any, lang: str = "zh", region: str | None = None) -> str:
    """The summary's sentence on the verdicts that rest on a proxy ('' when none does)."""
    table = evaluation.table
    region = region or evaluation.plan.jurisdiction.code
    rows = table[(table["region"] == region) & proxy_rows(table)]
    everywhere = table[proxy_rows(table)]
    if everywhere.empty:
        return ""
    targets = rows["target_id"].nunique()
    regions = everywhere["region"].nunique()
    names = {i: (evaluation.plan.indicators[i].name_en if lang == "en" else evaluation.plan.indicators[i].name_zh)
             for i in pd.unique(everywhere["judged_on"])}
    listed = ("、" if lang == "zh" else ", ").join(names.values())
    if lang == "en":
        return (f"{len(everywhere)} verdicts ({targets} of the jurisdiction's targets, in {regions} regions in all) rest on proxy "
                f"indicators ({listed}) where the target's own indicator has no {evaluation.year} data; they are marked "
                "as such in the tables.")
    return (f"{len(everywhere)}项结论（本级{targets}项目标，共涉及{regions}个地区）因主指标缺少{evaluation.year}年数据，"
            f"依据替代性指标（{listed}）判断，表中已注明。")
