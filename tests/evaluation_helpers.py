"""Tiny plans and frames for the evaluation and early-warning tests, built in code."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from wdmonitor import Goal, Jurisdiction, Plan, Region, Target, load_indicators
from wdmonitor.indicators import Indicator

JURISDICTION = Jurisdiction(code="211400", name_zh="葫芦岛市", name_en="Huludao", level="city", parent="210000")
COUNTIES = (
    Region(code="211402", name_zh="连山区", level="county", parent="211400"),
    Region(code="211403", name_zh="龙港区", level="county", parent="211400"),
    Region(code="211404", name_zh="南票区", level="county", parent="211400"),
    Region(code="211421", name_zh="绥中县", level="county", parent="211400"),
    Region(code="211422", name_zh="建昌县", level="county", parent="211400"),
    Region(code="211481", name_zh="兴城市", level="county", parent="211400"),
)


#: A percentage with no better side, for the two-sided readings (a balance): the bundled
#: catalogue has none since every share of women reads direction higher (methodology §8).
NO_DIRECTION = "test_share_no_direction"
_NO_DIRECTION = Indicator(id=NO_DIRECTION, name_zh="测试用无方向比例", name_en="Test share without a direction",
                          area="economy", unit="percent", direction="none", sex_scope="female_share")


def catalogue(precision: int | None = None) -> dict[str, Indicator]:
    """The bundled catalogue and :data:`NO_DIRECTION`; every reporting precision set to ``precision`` if given."""
    indicators = {**load_indicators(), NO_DIRECTION: _NO_DIRECTION}
    if precision is not None:
        indicators = {k: replace(v, precision=precision) for k, v in indicators.items()}
    return indicators


def make_plan(*targets: Target, start: int = 2021, end: int = 2030, baselines=(), precision: int | None = None) -> Plan:
    """A plan with one goal per target, on the bundled catalogue, for 葫芦岛 and its counties.

    ``precision`` sets every indicator's reporting precision (the boundary tests pin the rules'
    comparisons at a fine precision, where rounding as reported does not hide a difference).
    """
    goals = tuple(
        Goal(id=t.id, area=t.area, goal_no=str(i + 1), text_zh=t.text_zh or t.id, targets=(t,)) for i, t in enumerate(targets)
    )
    return Plan(
        id="test-plan", title_zh="测试规划", title_en="Test plan", jurisdiction=JURISDICTION,
        period_start=start, period_end=end, baseline_year=start - 1, goals=goals,
        indicators=catalogue(precision), regions=COUNTIES, baselines=tuple(baselines),
    )


def series(indicator: str, values: dict[int, float], *, region: str = "211400", sex: str = "female",
           area_type: str = "total", numerators=None, denominators=None) -> pd.DataFrame:
    """A canonical frame of one series."""
    frame = pd.DataFrame({"region": region, "year": list(values), "indicator": indicator, "sex": sex,
                          "area_type": area_type, "value": list(values.values())})
    if numerators is not None:
        frame["numerator"] = numerators
        frame["denominator"] = denominators
    return frame


def years(first: int, *values: float) -> dict[int, float]:
    return {first + i: v for i, v in enumerate(values)}


def with_age_group(frame: pd.DataFrame, female_per_male: float = 1.0) -> pd.DataFrame:
    """``frame`` and, for its head counts, the population of their age group (10 000 males).

    A parity target on pupils is judged on the gender parity index (f/m pupils) / (f/m
    population of the age group); with ``female_per_male`` = 1 the index is the raw ratio.
    """
    catalogue_ = load_indicators()
    parts = [frame]
    for indicator, rows in frame.groupby("indicator"):
        reference = catalogue_[indicator].parity_reference if indicator in catalogue_ else None
        if reference is None:
            continue
        keys = rows.drop(columns=[c for c in ("indicator", "sex", "value", "numerator", "denominator") if c in rows])
        keys = keys.drop_duplicates()
        for sex, value in (("female", 10000.0 * female_per_male), ("male", 10000.0)):
            parts.append(keys.assign(indicator=reference, sex=sex, value=value))
    return pd.concat(parts, ignore_index=True)
