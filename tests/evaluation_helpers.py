"""Tiny plans and frames for the evaluation and early-warning tests, built in code."""

from __future__ import annotations

import pandas as pd

from wdmonitor import Goal, Jurisdiction, Plan, Region, Target, load_indicators

JURISDICTION = Jurisdiction(code="211400", name_zh="葫芦岛市", name_en="Huludao", level="city", parent="210000")
COUNTIES = (
    Region(code="211402", name_zh="连山区", level="county", parent="211400"),
    Region(code="211403", name_zh="龙港区", level="county", parent="211400"),
    Region(code="211404", name_zh="南票区", level="county", parent="211400"),
    Region(code="211421", name_zh="绥中县", level="county", parent="211400"),
    Region(code="211422", name_zh="建昌县", level="county", parent="211400"),
    Region(code="211481", name_zh="兴城市", level="county", parent="211400"),
)


def make_plan(*targets: Target, start: int = 2021, end: int = 2030, baselines=()) -> Plan:
    """A plan with one goal per target, on the bundled catalogue, for 葫芦岛 and its counties."""
    goals = tuple(
        Goal(id=t.id, area=t.area, goal_no=str(i + 1), text_zh=t.text_zh or t.id, targets=(t,)) for i, t in enumerate(targets)
    )
    return Plan(
        id="test-plan", title_zh="测试规划", title_en="Test plan", jurisdiction=JURISDICTION,
        period_start=start, period_end=end, baseline_year=start - 1, goals=goals,
        indicators=load_indicators(), regions=COUNTIES, baselines=tuple(baselines),
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
