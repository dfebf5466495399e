"""Cases that tell the derived series of the targets apart from the mutants that survived.

Each test here was written against a mutant mutmut generated of ``wdmonitor.targets``' derivations
(``_age_group_ratio``, ``_between_sexes``, ``_between_areas``, ``_across_regions`` and the functions
around them; the run of 2026-12-04 in ``docs/testing.md`` records the mutants judged equivalent):
the derived series a gap, ratio or parity target is judged on. The expected values are worked out
by hand in each test from the methodology's definitions (§8: the gap between the sexes |m − f|,
the female/male ratio f/m, the money gap (m − f)/m × 100, the parity index of head counts
(f/m pupils) / (f/m population of the age group), the urban–rural gap |urban − rural| and the
spread max − min across the sub-regions, at least two of them). The tests go through
``evaluate`` or through ``target_rows`` and ``attach_series``, as the engine does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation_helpers import COUNTIES, JURISDICTION, make_plan, series
from wdmonitor import Jurisdiction, Plan, Region, Target, evaluate
from wdmonitor.engine import prepared
from wdmonitor.targets import attach_series, matrix_for, resolve_series, target_rows

CITY = JURISDICTION.code  # 葫芦岛市, the jurisdiction of make_plan
PUPILS = "kindergarten_enrolment"  # head counts by sex; parity judged on the index over the age group
AGE_GROUP = "school_age_population_3_5"  # the population its parity index compares against
BOTH = "upper_secondary_gross_enrolment_rate"  # percent, reported for women and men, no age group
INCOME = "income_gap_male_female"  # yuan: a gap between the sexes judged relative to men's
MMR = "maternal_mortality_ratio"  # per 100 000 live births, women only, lower is better
PARITY = Target(id="p", indicator=PUPILS, kind="parity", area="education")


def rows_of(result, target_id: str, region: str = CITY) -> pd.DataFrame:
    table = result.table
    return table[(table["target_id"] == target_id) & (table["region"] == region)]


def one(result, target_id: str, region: str = CITY):
    rows = rows_of(result, target_id, region)
    assert len(rows) == 1, rows
    return rows.iloc[0]


def derived(frame: pd.DataFrame, plan: Plan, year: int = 2025) -> tuple[pd.DataFrame, dict]:
    """The target rows and, per row, its series year by year ({year: value}, NaN-free), as the engine
    builds them (``matrix_for``, ``target_rows``, ``attach_series``)."""
    matrix, regions = matrix_for(prepared(frame, plan), plan, year, 5)
    rows, full = attach_series(target_rows(plan, year, regions), matrix, plan)
    values = {}
    for i, row in rows.iterrows():
        line = full.values[row.series] if row.series >= 0 else np.full(len(full.years), np.nan)
        values[i] = {int(y): float(v) for y, v in zip(full.years, line, strict=True) if not np.isnan(v)}
    return rows, values


def pupils(female: float, male: float, *, region: str = CITY, year: int = 2025) -> list[pd.DataFrame]:
    return [series(PUPILS, {year: female}, sex="female", region=region),
            series(PUPILS, {year: male}, sex="male", region=region)]


def age_group(female: float, male: float | None, *, region: str = CITY, year: int = 2025,
              total: float | None = None) -> list[pd.DataFrame]:
    """The age group's population by sex (without the boys, its total instead: one sex and the total)."""
    parts = [series(AGE_GROUP, {year: female}, sex="female", region=region)]
    if male is not None:
        parts.append(series(AGE_GROUP, {year: male}, sex="male", region=region))
    if total is not None:
        parts.append(series(AGE_GROUP, {year: total}, sex="total", region=region))
    return parts


# -- the parity index of head counts: over the age group's own female/male ratio ------------------
def test_a_parity_index_of_head_counts_divides_by_the_age_groups_female_male_ratio():
    """Methodology §8: 9 000 girls and 10 000 boys enrolled, 9 200 girls and 10 000 boys aged 3–5:
    the index is (9 000/10 000) / (9 200/10 000) = 0.9/0.92 = 0.978…, inside the band [0.97, 1.03]
    (attained), where the raw 0.9 and 0.9 × 0.92 are not. Pins _age_group_ratio 1–7 (no age group
    looked up: a ratio of 1) and _between_sexes 67–69, 71, 74, 80 (the parity branch, ÷ → ×)."""
    frame = pd.concat([*pupils(9000.0, 10000.0), *age_group(9200.0, 10000.0)], ignore_index=True)
    r = one(evaluate(frame, make_plan(PARITY), 2025), "p")
    assert r.sex == "female/male"
    assert r.value == pytest.approx(0.9 / 0.92, rel=1e-12)
    assert r.status == "attained"


def test_a_parity_target_on_a_rate_is_the_plain_female_male_ratio():
    """A rate has no age group to compare with (no parity_reference): its parity index is the ratio
    f/m itself, 95.0/96.0 = 0.9896 (attained in [0.97, 1.03]). Pins _age_group_ratio 8 (the ratio of
    1 for a rate built as np.ones(None), a TypeError)."""
    target = Target(id="r", indicator=BOTH, kind="parity", area="education")
    frame = pd.concat([series(BOTH, {2025: 95.0}, sex="female"), series(BOTH, {2025: 96.0}, sex="male")],
                      ignore_index=True)
    r = one(evaluate(frame, make_plan(target), 2025), "r")
    assert r.value == pytest.approx(95.0 / 96.0, rel=1e-12)
    assert r.status == "attained"


def test_without_the_age_groups_population_of_both_sexes_a_regions_parity_index_is_missing():
    """Methodology §8 and _age_group_ratio's docstring: without the population of the age group the
    index is missing (无法评估), never the raw head-count ratio. The city has both sexes of the
    age group: 0.96/0.96 = 1; 连山区 its girls and its total only (no boys: one sex and the total
    is a valid submission), 龙港区 no age group at all. Pins _age_group_ratio 43 (every
    row counted as found) and 44 (found where either sex is: ``&`` → ``|``)."""
    county, other = COUNTIES[0].code, COUNTIES[1].code
    frame = pd.concat([*pupils(9600.0, 10000.0), *age_group(9600.0, 10000.0),
                       *pupils(9700.0, 10000.0, region=county), *age_group(9700.0, None, region=county, total=19700.0),
                       *pupils(9800.0, 10000.0, region=other)], ignore_index=True)
    result = evaluate(frame, make_plan(PARITY), 2025)
    assert one(result, "p").value == pytest.approx(1.0, rel=1e-12)
    for region in (county, other):
        r = one(result, "p", region)
        assert np.isnan(r.value) and r.status == "not_assessable"


@pytest.mark.parametrize("first", ["female", "male"])
def test_the_age_group_found_in_the_first_series_of_the_data_counts(first):
    """The age group's series are found wherever they sit among the data's series, the first one
    too (row 0 of the matrix, the data's first series). 9 500 girls and 10 000 boys enrolled,
    9 500 and 10 000 aged 3–5: the index is 0.95/0.95 = 1 (attained). Pins _age_group_ratio 45, 46
    (the girls of the age group first: ``female >= 0`` → ``> 0``, ``>= 1``) and 47, 48 (the boys
    first)."""
    population = age_group(9500.0, 10000.0)
    population = population if first == "female" else population[::-1]
    frame = pd.concat([*population, *pupils(9500.0, 10000.0)], ignore_index=True)
    r = one(evaluate(frame, make_plan(PARITY), 2025), "p")
    assert r.value == pytest.approx(1.0, rel=1e-12)
    assert r.status == "attained"


def test_an_age_group_of_no_boys_gives_no_parity_index_and_of_one_boy_gives_one():
    """The age group's ratio f/m is defined for any positive number of boys, the smallest being
    one: 1 girl and 1 boy aged 3–5, 1 girl and 1 boy enrolled, an index of (1/1)/(1/1) = 1; with no
    boy in the age group there is no ratio (无法评估), never f/0. Pins _age_group_ratio 65
    (``m > 0`` → ``>= 0``) and 66 (``m > 0`` → ``> 1``)."""
    one_boy = pd.concat([*pupils(1.0, 1.0), *age_group(1.0, 1.0)], ignore_index=True)
    r = one(evaluate(one_boy, make_plan(PARITY), 2025), "p")
    assert r.value == pytest.approx(1.0, rel=1e-12)
    no_boy = pd.concat([*pupils(1.0, 1.0), *age_group(1.0, 0.0)], ignore_index=True)
    r = one(evaluate(no_boy, make_plan(PARITY), 2025), "p")
    assert np.isnan(r.value) and r.status == "not_assessable"


def test_a_female_male_ratio_over_men_at_zero_is_missing():
    """f/m is undefined where men's value is 0 (NaN, 无法评估), not infinite: a parity target on
    a rate with women at 2.0 and men at 0.0 percent. Pins _between_sexes 56 (``m != 0`` → ``m != 1``,
    which divides by the 0)."""
    target = Target(id="r", indicator=BOTH, kind="parity", area="education")
    frame = pd.concat([series(BOTH, {2025: 2.0}, sex="female"), series(BOTH, {2025: 0.0}, sex="male")],
                      ignore_index=True)
    r = one(evaluate(frame, make_plan(target), 2025), "r")
    assert np.isnan(r.value) and r.status == "not_assessable"


# -- the money gap between the sexes: relative to men's level -------------------------------------
def test_a_money_gap_between_the_sexes_is_how_far_womens_income_falls_short_of_mens_in_percent():
    """Methodology §8: in yuan the gap is (m − f)/m × 100, 1 − the female/male ratio in percent:
    30 000 and 40 000 yuan in 2020 give 100 × (1 − 3/4) = 25.0; 42 000 and 54 000 in 2025 give
    100 × (1 − 42/54) = 22.2…, narrower (attained). Pins _between_sexes 59, 60 (no relative gap:
    the ratio 0.78 itself), 62 (÷ 100), 64 (1 + ratio), 65 (2 − ratio), 66 (× 101)."""
    target = Target(id="g", indicator=INCOME, kind="gap_narrowing", gap_between="sex", area="economy")
    frame = pd.concat([series(INCOME, {2020: 30000.0, 2025: 42000.0}, sex="female"),
                       series(INCOME, {2020: 40000.0, 2025: 54000.0}, sex="male")], ignore_index=True)
    r = one(evaluate(frame, make_plan(target), 2025), "g")
    assert r.unit == "percent"
    assert r.baseline == pytest.approx(100 * (1 - 30000 / 40000), rel=1e-12)
    assert r.value == pytest.approx(100 * (1 - 42000 / 54000), rel=1e-12)
    assert r.status == "attained"


# -- the urban–rural gap ---------------------------------------------------------------------------
def test_an_urban_rural_gap_is_the_indicators_own_and_a_county_with_one_area_has_none():
    """|urban − rural| of the indicator itself, for its sex: the city's MMR 10 and 14 in 2020, 9 and
    15 in 2025 give 4 and 6, whatever another indicator sent for urban and rural areas beside it
    (a higher-is-better share of women, 60 and 40); 连山区 sent its urban MMR only, so it has no gap
    (无法评估), not the city's. Pins _between_areas 2 (``&`` → ``|``: the other indicator's areas
    paired too) and 36 (the gap's area type lost: any absent series then found it)."""
    other = "cervical_cancer_screening_rate"
    county = COUNTIES[0].code
    target = Target(id="g", indicator=MMR, kind="gap_narrowing", gap_between="area_type")
    frame = pd.concat([series(other, {2020: 60.0, 2025: 61.0}, area_type="urban"),
                       series(other, {2020: 40.0, 2025: 30.0}, area_type="rural"),
                       series(MMR, {2020: 10.0, 2025: 9.0}, area_type="urban"),
                       series(MMR, {2020: 14.0, 2025: 15.0}, area_type="rural"),
                       series(MMR, {2020: 11.0, 2025: 12.0}, area_type="urban", region=county)], ignore_index=True)
    result = evaluate(frame, make_plan(target), 2025)
    r = one(result, "g")
    assert (r.area_type, r.baseline, r.value, r.status) == ("urban/rural", 14 - 10, 15 - 9, "not_attained")
    r = one(result, "g", county)
    assert np.isnan(r.value) and r.status == "not_assessable"


# -- the spread across the sub-regions -------------------------------------------------------------
def spread_frame() -> pd.DataFrame:
    """The female and male rates of four counties and the city's own, 2020–2025.

    2020: all four counties; 2023: one county missing; 2024: two counties; 2025: one county.
    """
    a, b, c, d = (region.code for region in COUNTIES[:4])
    female = {a: {2020: 80.0, 2023: 81.0, 2024: 82.0, 2025: 83.0},
              b: {2020: 84.0, 2023: 86.0, 2024: 85.5},
              c: {2020: 90.0},
              d: {2020: 88.0, 2023: 89.5}}
    parts = [series(BOTH, values, sex="female", region=region) for region, values in female.items()]
    # the men's rates: 10 points lower in every county and year (their spread is the women's)
    parts += [series(BOTH, {y: v - 10 for y, v in values.items()}, sex="male", region=region) for region, values in female.items()]
    for sex in ("female", "male"):  # the city's own rates
        parts.append(series(BOTH, {2020: 99.0, 2023: 99.0, 2024: 99.0, 2025: 99.0}, sex=sex, region=CITY))
    parts.append(series(MMR, {2020: 500.0, 2023: 1.0}, sex="female", region=a))  # another indicator
    return pd.concat(parts, ignore_index=True)


def test_the_spread_across_counties_is_max_minus_min_of_those_that_report_two_at_least():
    """Methodology §8: the regional gap is max − min across the sub-regions reporting, at least
    two: in 2020 all four, 90 − 80 = 10; in 2023 three, 89.5 − 81 = 8.5 (the missing county left
    out, not read as −∞, +∞ or NaN); in 2024 two, 85.5 − 82 = 3.5; in 2025 one, no spread. The
    city's own rate (99), the men's rates and another indicator's are not in the women's spread; the
    men's spread is the same widths. Pins _across_regions 6, 7, 8 (``&`` → ``|`` in the series
    chosen), 38 (the count of reporting counties over every year at once), 42, 43 (two counties
    not enough), 49, 56, 64 (a missing county's fill in max and min)."""
    target = Target(id="s", indicator=BOTH, kind="gap_narrowing", gap_between="region", area="education")
    rows, values = derived(spread_frame(), make_plan(target))
    by_sex = {row.sex: values[i] for i, row in rows.iterrows()}
    assert set(rows["region"]) == {CITY} and set(by_sex) == {"female", "male"}
    expected = {2020: 90.0 - 80.0, 2023: 89.5 - 81.0, 2024: 85.5 - 82.0}
    for sex in ("female", "male"):
        assert by_sex[sex].keys() == expected.keys(), sex
        for year, width in expected.items():
            assert by_sex[sex][year] == pytest.approx(width, abs=1e-12), (sex, year)


def test_the_spread_is_across_the_jurisdictions_own_sub_regions_not_theirs():
    """A province's plan listing its cities and a county of one of them: the spread is across the
    cities (the regions whose parent is the jurisdiction), 30 − 20 = 10, never across the county
    beneath a city (5). Pins _across_regions 2 (``or`` → ``and``: every region of the plan) and 3
    (``parent ==`` → ``!=``: the county alone, no spread)."""
    cities = (Region(code="211400", name_zh="葫芦岛市", level="city", parent="210000"),
              Region(code="210100", name_zh="沈阳市", level="city", parent="210000"))
    county = Region(code="211402", name_zh="连山区", level="county", parent="211400")
    target = Target(id="s", indicator=BOTH, kind="gap_narrowing", gap_between="region", area="education",
                    sex="female")
    base = make_plan(target)
    plan = Plan(id="province", title_zh="测试规划", title_en="Test plan",
                jurisdiction=Jurisdiction(code="210000", name_zh="辽宁省", level="province"),
                period_start=base.period_start, period_end=base.period_end, baseline_year=base.baseline_year,
                goals=base.goals,
                indicators=base.indicators, regions=(*cities, county), baselines=())
    frame = pd.concat([series(BOTH, {2025: value}, region=region, sex=sex)
                       for region, value in (("211400", 20.0), ("210100", 30.0), ("211402", 5.0))
                       for sex in ("female", "male")], ignore_index=True)
    rows, values = derived(frame, plan)
    assert list(rows["region"]) == ["210000"]
    assert values[rows.index[0]] == {2025: pytest.approx(30.0 - 20.0, abs=1e-12)}


# -- which series a target is judged on (_series_specs) ---------------------------------------------
def test_a_target_naming_a_sex_is_judged_on_that_sex_alone():
    """A target naming a sex of an indicator reported for both (妇女的 …) has one row, that sex's,
    and no optional total; naming none it has female, male and the total where it comes. Pins
    _series_specs 7 (``if target.sex`` → ``and False``: the indicator's sexes whatever the target
    names)."""
    women = Target(id="w", indicator=BOTH, kind="at_least", values={2025: 92.0}, sex="female")
    anyone = Target(id="a", indicator=BOTH, kind="at_least", values={2025: 92.0})
    rows = target_rows(make_plan(women, anyone), 2025, [CITY])
    assert rows.loc[rows["target_id"] == "w", ["sex", "optional"]].values.tolist() == [["female", False]]
    assert rows.loc[rows["target_id"] == "a", "sex"].tolist() == ["female", "male", "total"]


# -- the optional total of a both-sex target (resolve_series, _without_absent_totals) ---------------
def test_a_total_sent_is_judged_even_as_the_first_series_of_the_data_and_an_absent_one_is_dropped():
    """A target naming no sex takes the total where the data carry it (methodology §8, totals):
    here the total is the data's first series (row 0 of the matrix) and is kept, with its own value
    (95.5 = (95 + 96)/2 of equal cohorts, as sent); with no total sent the row is dropped, while a
    missing sex stays (无法评估). Pins _without_absent_totals 14, 15 (a total found at row 0 read
    as absent: ``series >= 0`` → ``> 0``, ``>= 1``)."""
    target = Target(id="a", indicator=BOTH, kind="at_least", values={2025: 92.0})
    plan = make_plan(target)
    frame = pd.concat([series(BOTH, {2025: 95.5}, sex="total"), series(BOTH, {2025: 95.0}, sex="female"),
                       series(BOTH, {2025: 96.0}, sex="male")], ignore_index=True)
    rows, values = derived(frame, plan)
    assert {row.sex: values[i] for i, row in rows.iterrows()} == {"female": {2025: 95.0}, "male": {2025: 96.0},
                                                                 "total": {2025: 95.5}}
    women_only = pd.concat([series(BOTH, {2025: 95.0}, sex="female"), series(BOTH, {2025: 95.5}, sex="total")],
                           ignore_index=True)
    rows, values = derived(women_only, plan)
    assert {row.sex: values[i] for i, row in rows.iterrows()} == {"female": {2025: 95.0}, "male": {}, "total": {2025: 95.5}}
    no_total = frame[frame["sex"] != "total"]
    rows, values = derived(no_total, plan)
    assert rows["sex"].tolist() == ["female", "male"] and "optional" not in rows


def test_rows_without_an_optional_column_keep_every_row_and_get_their_series():
    """``resolve_series`` of rows that carry no ``optional`` column (rows built before it, or by a
    caller) drops nothing and gives each row its series and reference series (-1 where absent).
    Pins _without_absent_totals 4–7 (the series or the reference series set to None, or not set)."""
    target = Target(id="r", indicator="female_share_party_congress_delegates", kind="relative_to",
                    reference="female_share_party_members", relation="not_below", area="decision_making")
    plan = make_plan(target)
    frame = pd.concat([series("female_share_party_members", {2025: 30.0}),
                       series("female_share_party_congress_delegates", {2025: 31.0})], ignore_index=True)
    matrix, regions = matrix_for(prepared(frame, plan), plan, 2025, 5)
    rows = target_rows(plan, 2025, regions).drop(columns="optional")
    resolved = resolve_series(rows, matrix)
    assert len(resolved) == len(rows) == 1
    assert matrix.keys.iloc[resolved["series"].iloc[0]]["indicator"] == "female_share_party_congress_delegates"
    assert matrix.keys.iloc[resolved["reference_series"].iloc[0]]["indicator"] == "female_share_party_members"
    assert resolved["series"].dtype == np.int64 and resolved["reference_series"].dtype == np.int64


def test_a_row_without_a_reference_or_a_series_in_the_data_points_at_minus_one():
    """``resolve_series``: each row's ``series`` and ``reference_series`` are rows of the matrix, -1
    where absent (its docstring): a row comparing with no other indicator has reference -1, as has a
    row whose series the data lack. Pins resolve_series 39 (the reference of a row without one
    −1 → −2)."""
    level = Target(id="l", indicator=BOTH, kind="at_least", values={2025: 92.0}, sex="female")
    absent = Target(id="x", indicator="female_share_party_congress_delegates", kind="at_least", values={2025: 30.0})
    plan = make_plan(level, absent)
    frame = pd.concat([series(BOTH, {2025: 95.0}, sex="female"), series(BOTH, {2025: 96.0}, sex="male")],
                      ignore_index=True)
    rows, _ = derived(frame, plan)
    assert rows.set_index("target_id")[["series", "reference_series"]].to_dict("index") == {
        "l": {"series": 0, "reference_series": -1}, "x": {"series": -1, "reference_series": -1}}


def test_a_money_gap_is_a_percentage_reported_to_one_decimal_so_a_smaller_move_is_none():
    """The money gap (m − f)/m × 100 is a percentage: one decimal (methodology §8, the default for
    percentages), and a move smaller than its precision is no move for gap_narrowing (§8a). 30 000
    and 40 000 yuan give 25.0; 30 010 and 40 000 give 100 × 9 990/40 000 = 24.975, 0.025 narrower:
    under half a unit of one decimal (0.05), not narrowed, where two decimals would count it
    (0.025 ≥ 0.005). Pins target_rows 235 (the relative gap's precision 1 → 2)."""
    target = Target(id="g", indicator=INCOME, kind="gap_narrowing", gap_between="sex", area="economy")
    frame = pd.concat([series(INCOME, {2020: 30000.0, 2025: 30010.0}, sex="female"),
                       series(INCOME, {2020: 40000.0, 2025: 40000.0}, sex="male")], ignore_index=True)
    plan = make_plan(target)
    row = target_rows(plan, 2025, [CITY]).iloc[0]
    assert (row.unit, row.precision) == ("percent", 1)
    r = one(evaluate(frame, plan, 2025), "g")
    assert r.baseline == pytest.approx(25.0, rel=1e-12) and r.value == pytest.approx(24.975, rel=1e-12)
    assert r.status == "not_attained"


# -- the plan's stated baselines (target_rows) -------------------------------------------------------
def test_a_plans_baseline_for_one_sex_stands_in_for_that_series_of_the_jurisdiction_alone():
    """A baseline the plan states for women's rate (88.5 in 2020) is the jurisdiction's own value of
    that indicator, sex and year (methodology §2): the city's female row takes it; its male and
    total rows, the county's female row and the female row of another indicator do not. Pins
    target_rows 333 (``hit &= sex`` → ``hit = sex``: every female row) and 334 (``|=``)."""
    from wdmonitor.indicators import Baseline
    from wdmonitor.vocabulary import Sex

    level = Target(id="l", indicator=BOTH, kind="at_least", values={2025: 92.0})
    other = Target(id="o", indicator="compulsory_education_retention_rate", kind="at_least", values={2025: 96.0})
    plan = make_plan(level, other, baselines=(Baseline(indicator=BOTH, year=2020, value=88.5, sex=Sex.FEMALE),))
    county = COUNTIES[0].code
    rows = target_rows(plan, 2025, [county, CITY])
    taken = rows[rows["plan_baseline"].notna()]
    assert taken[["target_id", "region", "sex"]].values.tolist() == [["l", CITY, "female"]]
    assert taken["plan_baseline"].tolist() == [88.5]
    assert len(rows[(rows["target_id"] == "o") & (rows["sex"] == "female")]) == 2  # the other indicator's women


def test_a_qualitative_goal_without_an_indicator_points_at_no_series():
    """A qualitative goal naming no indicator (建立健全 … 工作机制) is judged by the committee, not on
    data: its one row has no series indicator, no sex, no area type and no derivation (all empty),
    so no series is looked up or derived for it. Pins _series_specs 2–5 (each empty field → "XXXX")."""
    qualitative = Target(id="q", indicator=None, kind="qualitative", text_zh="建立健全妇女发展工作机制")
    row = target_rows(make_plan(qualitative), 2025, [CITY]).iloc[0]
    assert (row.series_indicator, row.sex, row.area_type, row.derivation) == ("", "", "", "")
    assert not row.optional and not row.simple


def test_a_derived_row_carries_no_count_interval_and_a_money_gap_is_in_percent():
    """Counts behind a derived series give no interval of their own: a gap between the sexes of a
    percentage has no multiplier and no interval kind (NaN, ""), where the level of the same
    percentage has 100 and Wilson's; a money gap (m − f)/m × 100 is in percent to one decimal, not in
    yuan to the indicator's 0 decimals. Pins target_rows 221–224 (the derived row's multiplier and
    interval: None, or left as the level's) and 229–232 (the money gap's unit and precision: None, or
    left as the indicator's)."""
    level = Target(id="l", indicator=BOTH, kind="at_least", values={2025: 92.0}, sex="female")
    gap = Target(id="g", indicator=BOTH, kind="gap_narrowing", gap_between="sex", area="education")
    money = Target(id="m", indicator=INCOME, kind="gap_narrowing", gap_between="sex", area="economy")
    rows = target_rows(make_plan(level, gap, money), 2025, [CITY]).set_index("target_id")
    assert (rows.loc["l", "multiplier"], rows.loc["l", "interval"]) == (100.0, "wilson")
    for derived_row in ("g", "m"):
        assert np.isnan(rows.loc[derived_row, "multiplier"]) and rows.loc[derived_row, "interval"] == ""
    assert (rows.loc["m", "unit"], rows.loc["m", "precision"]) == ("percent", 1)
    assert rows.loc["m", "derivation"] == "relative_gap" and rows.loc["g", "derivation"] == "sex_gap"
