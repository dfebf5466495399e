"""County → city → province aggregation (methodology section 6).

Rates and shares are rebuilt from summed numerators and denominators, never averaged;
counts (persons, institutions, beds) are summed; any other value (a per-capita income,
years, hours) may be combined only with an explicit weight column, otherwise :class:`~wdmonitor.errors.AggregationError`
names the indicators and regions that cannot be combined.

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import aggregate, load_plan
>>> plan = load_plan("huludao-2021-2030")
>>> counties = pd.DataFrame({"region": ["211402", "211403"], "year": 2024,
...     "indicator": "maternal_mortality_ratio", "sex": "female",
...     "value": [0.0, 25.0], "numerator": [0, 1], "denominator": [3000, 4000]})
>>> city = aggregate(counties, plan)
>>> city[["region", "numerator", "denominator", "value"]].values.tolist()
[['211400', 1, 7000, 14.285714285714286]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import AggregationError
from .indicators import Plan
from .schema import (
    AGE_GROUP,
    AREA_TYPE,
    DENOMINATOR,
    INDICATOR,
    NUMERATOR,
    REGION,
    SEX,
    SOURCE,
    VALUE,
    YEAR,
)

__all__ = ["aggregate"]

_SCALE = {"percent": 100.0, "per_100k": 1e5, "per_10k": 1e4, "per_mille": 1e3, "per_million": 1e6, "ratio": 1.0}
# Only head counts are additive.  Money is not: the catalogue's incomes are per-capita
# means (人均可支配收入), and summing six counties' means gives no income at all.
_COUNTS = {"person", "institution", "bed", "case", "ten_thousand_persons"}


def aggregate(frame: pd.DataFrame, plan: Plan, *, weight: str | None = None) -> pd.DataFrame:
    """Aggregate each region's rows into its parent region of the plan.

    Parameters
    ----------
    frame : DataFrame
        Canonical rows of regions that have a parent in ``plan.regions`` (other rows are
        ignored: they are already at the top).
    plan : Plan
        Gives each region's parent (GB/T 2260 codes).
    weight : str, optional
        Column with weights (births, population …) for indicators sent without counts.

    Returns
    -------
    DataFrame
        One row per parent × year × indicator × sex × area type × age group, with
        ``numerator``/``denominator`` where they were summed and ``n_regions``.

    Raises
    ------
    AggregationError
        A value that is not a count (a rate or share without numerator and denominator,
        an income, years, hours) and no weight; a group mixing
        rows with and without counts.
    """
    parents = {r.code: r.parent for r in plan.regions if r.parent}
    data = frame.copy()
    for column in (AREA_TYPE, AGE_GROUP):
        if column not in data:
            data[column] = "total"
    for column in (NUMERATOR, DENOMINATOR):
        if column not in data:
            data[column] = np.nan
    data[REGION] = data[REGION].astype(str)
    data["_parent"] = data[REGION].map(parents)
    data = data[data["_parent"].notna()]
    units = {i: plan.indicators[i].unit for i in data[INDICATOR].unique() if i in plan.indicators}
    data["_unit"] = data[INDICATOR].map(units)
    data["_counted"] = data[NUMERATOR].notna() & data[DENOMINATOR].notna()
    keys = ["_parent", YEAR, INDICATOR, SEX, AREA_TYPE, AGE_GROUP]
    grouped = data.groupby(keys, sort=True, dropna=False)
    summary = grouped.agg(
        numerator=(NUMERATOR, "sum"), denominator=(DENOMINATOR, "sum"), counted=("_counted", "sum"),
        rows=(VALUE, "size"), total=(VALUE, "sum"), unit=("_unit", "first"),
        regions=(REGION, lambda r: ", ".join(sorted(r))),
    )
    if weight is not None:
        if weight not in data:
            raise AggregationError(f"weight column {weight!r} is not in the frame / 数据中没有权重列 {weight!r}")
        data["_weighted"] = data[VALUE] * data[weight]
        summary["weighted"] = grouped["_weighted"].sum()
        summary["weights"] = grouped[weight].sum()
    summary = summary.reset_index()
    scale = summary["unit"].map(_SCALE)
    is_count = summary["unit"].isin(_COUNTS)
    all_counted = summary["counted"] == summary["rows"]
    mixed = (summary["counted"] > 0) & ~all_counted
    by_counts = all_counted & scale.notna()
    by_weight = ~by_counts & ~is_count & (weight is not None)
    refused = mixed | (~by_counts & ~is_count & ~by_weight)
    if refused.any():
        bad = summary[refused]
        lines = [
            f"{row.indicator} {row.year} {row.sex} ({row.regions}): "
            + ("some regions sent numerator and denominator, others did not / 部分地区缺少分子分母" if m else
               f"a value in {row.unit} is not a count: it needs numerator and denominator or a weight column / 单位为{row.unit}的值不是计数，须有分子分母或权重才能汇总")
            for row, m in zip(bad.itertuples(index=False), mixed[refused], strict=True)
        ]
        raise AggregationError(f"cannot aggregate {len(lines)} group(s) / 无法汇总{len(lines)}组数据:\n" + "\n".join(lines))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = summary["numerator"] / summary["denominator"].where(summary["denominator"] > 0) * scale
    value = np.where(by_counts, rate, np.where(is_count, summary["total"], np.nan))
    if weight is not None:
        value = np.where(by_weight, summary["weighted"] / summary["weights"].where(summary["weights"] > 0), value)
    out = pd.DataFrame({
        REGION: summary["_parent"], YEAR: summary[YEAR].astype("int64"), INDICATOR: summary[INDICATOR], SEX: summary[SEX],
        AREA_TYPE: summary[AREA_TYPE], AGE_GROUP: summary[AGE_GROUP], VALUE: value,
        NUMERATOR: summary["numerator"].where(by_counts), DENOMINATOR: summary["denominator"].where(by_counts),
        SOURCE: "aggregated from " + summary["rows"].astype(str) + " regions / 由" + summary["rows"].astype(str) + "个地区汇总",
        "n_regions": summary["rows"].astype("int64"),
    })
    return out.reset_index(drop=True)
