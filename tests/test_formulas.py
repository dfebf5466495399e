"""Indicator formulas: every catalogue formula by hand, their properties, errors and loading."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wdmonitor import FormulaError, PlanError, load_indicators, load_plan, validate_submission
from wdmonitor.formulas import FormulaKind, component_ids, compute_indicators, parse_formula
from wdmonitor.registry import load_components
from wdmonitor.testing import assert_frame_close

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_indicators()
COMPONENTS = load_components()
FORMULAS = {i.id: parse_formula(i.formula, i, COMPONENTS)[0] for i in CATALOGUE.values() if i.formula is not None}
PLAN = load_plan("huludao-2021-2030")
RATES = sorted(k for k, f in FORMULAS.items() if f.kind in (FormulaKind.RATIO, FormulaKind.SHARE))
PERCENT_PARTS = sorted(k for k in RATES if CATALOGUE[k].unit == "percent")


def frame(*rows: tuple[str, str, float], region: str = "211400", year: int = 2022, **columns: list) -> pd.DataFrame:
    """A canonical frame from (indicator or component, sex, value) triples."""
    data = pd.DataFrame(rows, columns=["indicator", "sex", "value"])
    data.insert(0, "year", year)
    data.insert(0, "region", region)
    for name, values in columns.items():
        data[name] = values
    return data


def counts_for(indicator_id: str, values: list[float], region: str = "211400", sex: str | None = None) -> pd.DataFrame:
    """Component rows feeding one formula: values[i] for the formula's i-th term."""
    indicator, formula = CATALOGUE[indicator_id], FORMULAS[indicator_id]
    output = indicator.sexes[0] if sex is None else sex
    rows = [(t.component, t.sex_for(output, COMPONENTS[t.component].sex_scope).value, v)
            for t, v in zip(formula.terms, values, strict=True)]
    return frame(*rows, region=region)


def expected(indicator_id: str, sex: str, value: float, numerator: float = np.nan, denominator: float = np.nan) -> dict:
    return {"region": "211400", "year": 2022, "indicator": indicator_id, "sex": sex, "value": value,
            "numerator": numerator, "denominator": denominator}


# -- every formula of the catalogue, by hand ---------------------------------------------------

EXAMPLES: dict[str, tuple[list[tuple[str, str, float]], list[dict]]] = {
    "maternal_mortality_ratio": (
        [("maternal_deaths", "female", 3), ("live_births", "total", 25_000)],
        [expected("maternal_mortality_ratio", "female", 12.0, 3, 25_000)]),
    "maternal_systematic_management_rate": (
        [("women_systematically_managed", "female", 2_375), ("live_births", "total", 2_500)],
        [expected("maternal_systematic_management_rate", "female", 95.0, 2_375, 2_500)]),
    "cervical_cancer_screening_rate": (
        [("women_screened_cervical_cancer", "female", 1_200), ("women_aged_35_64", "female", 4_000)],
        [expected("cervical_cancer_screening_rate", "female", 30.0, 1_200, 4_000)]),
    "breast_cancer_screening_rate": (
        [("women_screened_breast_cancer", "female", 1_000), ("women_aged_35_64", "female", 4_000)],
        [expected("breast_cancer_screening_rate", "female", 25.0, 1_000, 4_000)]),
    "hiv_mother_to_child_transmission_rate": (
        [("infants_infected_hiv_mother_to_child", "total", 1), ("infants_born_hiv_positive_mothers", "total", 40)],
        [expected("hiv_mother_to_child_transmission_rate", "female", 2.5, 1, 40)]),
    "upper_secondary_gross_enrolment_rate": (
        [("upper_secondary_students", "female", 900), ("upper_secondary_students", "male", 1_000),
         ("population_aged_15_17", "female", 1_000), ("population_aged_15_17", "male", 1_100)],
        [expected("upper_secondary_gross_enrolment_rate", "female", 90.0, 900, 1_000),
         expected("upper_secondary_gross_enrolment_rate", "male", 1_000 / 1_100 * 100, 1_000, 1_100),
         expected("upper_secondary_gross_enrolment_rate", "total", 1_900 / 2_100 * 100, 1_900, 2_100)]),
    "tertiary_gross_enrolment_rate": (
        [("tertiary_students", "female", 600), ("tertiary_students", "male", 400), ("tertiary_students", "total", 1_000),
         ("population_aged_18_22", "female", 1_000), ("population_aged_18_22", "male", 1_000),
         ("population_aged_18_22", "total", 2_000)],
        [expected("tertiary_gross_enrolment_rate", "female", 60.0, 600, 1_000),
         expected("tertiary_gross_enrolment_rate", "male", 40.0, 400, 1_000),
         expected("tertiary_gross_enrolment_rate", "total", 50.0, 1_000, 2_000)]),
    "female_share_party_members": (
        [("party_members", "female", 3_000), ("party_members", "total", 10_000)],
        [expected("female_share_party_members", "female", 30.0, 3_000, 10_000)]),
    "female_share_peoples_congress_deputies": (  # total left out: female + male
        [("peoples_congress_deputies", "female", 90), ("peoples_congress_deputies", "male", 210)],
        [expected("female_share_peoples_congress_deputies", "female", 30.0, 90, 300)]),
    "female_share_cppcc_members": (
        [("cppcc_members", "female", 50), ("cppcc_members", "total", 200)],
        [expected("female_share_cppcc_members", "female", 25.0, 50, 200)]),
    "female_share_village_committee_members": (
        [("village_committee_members", "female", 2), ("village_committee_members", "total", 5)],
        [expected("female_share_village_committee_members", "female", 40.0, 2, 5)]),
    "female_share_village_committee_directors": (
        [("village_committee_directors", "female", 1), ("village_committee_directors", "total", 8)],
        [expected("female_share_village_committee_directors", "female", 12.5, 1, 8)]),
    "female_share_residents_committee_members": (
        [("residents_committee_members", "female", 30), ("residents_committee_members", "total", 50)],
        [expected("female_share_residents_committee_members", "female", 60.0, 30, 50)]),
    "female_share_residents_committee_directors": (
        [("residents_committee_directors", "female", 6), ("residents_committee_directors", "total", 10)],
        [expected("female_share_residents_committee_directors", "female", 60.0, 6, 10)]),
    "female_share_village_party_secretaries": (
        [("village_party_secretaries", "female", 3), ("village_party_secretaries", "total", 24)],
        [expected("female_share_village_party_secretaries", "female", 12.5, 3, 24)]),
    "departments_leadership_with_women_share": (
        [("leadership_teams_with_women", "total", 27), ("leadership_teams", "total", 36)],
        [expected("departments_leadership_with_women_share", "total", 75.0, 27, 36)]),
    "women_counselling_room_rate": (
        [("villages_communities_with_counselling_room", "total", 45), ("villages_and_communities", "total", 50)],
        [expected("women_counselling_room_rate", "total", 90.0, 45, 50)]),
    "women_in_county_chief_positions": (
        [("women_county_party_secretaries", "female", 1), ("women_county_government_heads", "female", 2)],
        [expected("women_in_county_chief_positions", "female", 3.0)]),
    "congenital_syphilis_incidence": (
        [("congenital_syphilis_cases", "total", 2), ("live_births", "total", 40_000)],
        [expected("congenital_syphilis_incidence", "total", 5.0, 2, 40_000)]),
    "pediatric_doctors_per_1000_children": (
        [("paediatric_doctors", "total", 150), ("children_aged_0_14", "total", 200_000)],
        [expected("pediatric_doctors_per_1000_children", "total", 0.75, 150, 200_000)]),
    "pediatric_beds_per_1000_children": (
        [("paediatric_beds", "total", 500), ("children_aged_0_14", "total", 200_000)],
        [expected("pediatric_beds_per_1000_children", "total", 2.5, 500, 200_000)]),
    "non_medical_induced_abortion_rate": (
        [("non_medical_induced_abortions", "female", 120), ("women_aged_15_49", "female", 60_000)],
        [expected("non_medical_induced_abortion_rate", "female", 2.0, 120, 60_000)]),
}


def test_every_catalogue_formula_has_a_hand_computed_example():
    assert set(EXAMPLES) == set(FORMULAS)


def test_the_catalogue_has_at_least_twelve_formulas_all_of_which_parse():
    assert len(FORMULAS) >= 12
    assert all(f is not None for f in FORMULAS.values())


@pytest.mark.parametrize("indicator_id", sorted(EXAMPLES))
def test_formula_matches_the_hand_computed_example(indicator_id):
    rows, wanted = EXAMPLES[indicator_id]
    computed = compute_indicators(frame(*rows), PLAN)
    assert_frame_close(computed, pd.DataFrame(wanted))
    assert (computed["unit"] == CATALOGUE[indicator_id].unit).all()


@pytest.mark.parametrize("indicator_id", sorted(EXAMPLES))
def test_computed_rows_pass_validation(indicator_id):
    rows, _ = EXAMPLES[indicator_id]
    validate_submission(compute_indicators(frame(*rows), PLAN), PLAN)


# -- properties -----------------------------------------------------------------------------------

@st.composite
def part_and_whole(draw, high: int = 1_000_000):
    whole = draw(st.integers(1, high))
    return draw(st.integers(0, whole)), whole


@settings(max_examples=60, deadline=None)
@given(indicator_id=st.sampled_from(PERCENT_PARTS), counts=part_and_whole())
def test_a_part_over_its_whole_stays_within_0_and_100(indicator_id, counts):
    value = compute_indicators(counts_for(indicator_id, list(counts)), PLAN)["value"]
    assert ((value >= 0) & (value <= 100)).all()


@settings(max_examples=60, deadline=None)
@given(indicator_id=st.sampled_from(RATES), counts=part_and_whole(), factor=st.integers(2, 1_000))
def test_scaling_both_components_leaves_a_rate_unchanged(indicator_id, counts, factor):
    numerator, denominator = counts
    once = compute_indicators(counts_for(indicator_id, [numerator, denominator]), PLAN)
    scaled = compute_indicators(counts_for(indicator_id, [numerator * factor, denominator * factor]), PLAN)
    assert_frame_close(once, scaled, rtol=1e-9, check_counts=False)


@settings(max_examples=60, deadline=None)
@given(indicator_id=st.sampled_from(RATES), regions=st.lists(part_and_whole(10_000), min_size=2, max_size=5))
def test_aggregating_counts_then_computing_gives_the_rate_of_the_sums(indicator_id, regions):
    codes = [f"2114{i:02d}" for i in range(len(regions))]
    per_region = compute_indicators(pd.concat([counts_for(indicator_id, list(c), region=r) for r, c in zip(codes, regions, strict=True)]), PLAN)
    summed = [sum(c[0] for c in regions), sum(c[1] for c in regions)]
    pooled = compute_indicators(counts_for(indicator_id, summed), PLAN)
    scale = FORMULAS[indicator_id].factors[0]
    # the carried counts are enough to aggregate: Σ numerator / Σ denominator × scale
    from_counts = per_region["numerator"].sum() / per_region["denominator"].sum() * scale
    assert pooled["value"].iloc[0] == pytest.approx(summed[0] / summed[1] * scale, rel=1e-12)
    assert pooled["value"].iloc[0] == pytest.approx(from_counts, rel=1e-12)


def test_rate_of_the_sums_is_not_the_mean_of_the_rates():
    regions = pd.concat([counts_for("maternal_mortality_ratio", [1, 10_000], region="211402"),
                         counts_for("maternal_mortality_ratio", [9, 30_000], region="211403")])
    per_region = compute_indicators(regions, PLAN)
    pooled = compute_indicators(counts_for("maternal_mortality_ratio", [10, 40_000]), PLAN)
    assert list(per_region["value"]) == [10.0, 30.0]
    assert pooled["value"].iloc[0] == 25.0  # not (10 + 30) / 2 = 20


@settings(max_examples=40, deadline=None)
@given(female=part_and_whole(5_000), male=part_and_whole(5_000))
def test_a_both_sexes_total_is_the_rate_of_the_summed_counts(female, male):
    rows = frame(("tertiary_students", "female", female[0]), ("tertiary_students", "male", male[0]),
                 ("population_aged_18_22", "female", female[1]), ("population_aged_18_22", "male", male[1]))
    total = compute_indicators(rows, PLAN).set_index("sex").loc["total"]
    assert total["value"] == pytest.approx((female[0] + male[0]) / (female[1] + male[1]) * 100, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=2, max_size=2))
def test_a_sum_of_counts_is_the_sum_of_its_terms(terms):
    computed = compute_indicators(counts_for("women_in_county_chief_positions", terms), PLAN)
    assert computed["value"].iloc[0] == sum(terms)
    assert computed["numerator"].isna().all()


# -- behaviour of compute_indicators -------------------------------------------------------------

def test_indicator_rows_pass_through_unchanged_before_the_computed_rows():
    sent = frame(("life_expectancy_female", "female", 80.1), ("maternal_deaths", "female", 3), ("live_births", "total", 25_000),
                 source_file=["a.csv", "b.csv", "b.csv"], source_row=[2, 2, 3])
    computed = compute_indicators(sent, PLAN)
    pd.testing.assert_frame_equal(computed.iloc[:1][list(sent.columns)], sent.iloc[:1])
    row = computed.iloc[1]
    assert (row["indicator"], row["unit"], row["source"]) == ("maternal_mortality_ratio", "per_100k",
                                                              "computed from maternal_deaths, live_births")
    assert row["source_file"] == "computed from maternal_deaths (b.csv, row 2); live_births (b.csv, row 3)"


def test_units_are_converted_to_the_component_unit_first():
    sent = frame(("maternal_deaths", "female", 3), ("live_births", "total", 2.5), unit=["人", "万人"])
    assert compute_indicators(sent, PLAN)["value"].iloc[0] == pytest.approx(12.0)


def test_each_area_type_and_age_group_is_computed_on_its_own():
    sent = frame(("maternal_deaths", "female", 1), ("live_births", "total", 10_000),
                 ("maternal_deaths", "female", 2), ("live_births", "total", 10_000), area_type=["urban", "urban", "rural", "rural"])
    computed = compute_indicators(sent, PLAN).set_index("area_type")["value"]
    assert computed.to_dict() == {"urban": 10.0, "rural": 20.0}


def test_components_alone_complete_nothing_and_are_listed_as_unused():
    computed = compute_indicators(frame(("live_births", "total", 25_000)), PLAN)
    assert computed.empty
    assert computed.attrs["unused_components"] == ["live_births"]


def test_component_ids_are_the_catalogue_components():
    assert component_ids() == frozenset(COMPONENTS)
    assert not component_ids() & set(CATALOGUE)


def test_a_missing_component_is_named_with_region_year_and_sex():
    with pytest.raises(FormulaError) as error:
        compute_indicators(frame(("maternal_deaths", "female", 3), source_file=["deaths.csv"], source_row=[4]), PLAN)
    assert str(error.value) == (
        "1 formula problem / 发现1个公式问题:\n"
        "  - region 211400, year 2022, sex female: maternal_mortality_ratio needs live_births (sex total), which is missing "
        "(have maternal_deaths (deaths.csv, row 4)) / 地区 211400，2022年，性别 female：计算 maternal_mortality_ratio 缺少组成项 live_births (sex total)"
    )
    assert list(error.value.failure_cases["indicator"]) == ["maternal_mortality_ratio"]


def test_every_problem_is_reported_at_once():
    sent = pd.concat([frame(("maternal_deaths", "female", 3), region="211402"),
                      frame(("maternal_deaths", "female", 1), ("live_births", "total", 0), region="211403"),
                      frame(("leadership_teams_with_women", "total", 5), ("leadership_teams", "total", 4))])
    with pytest.raises(FormulaError) as error:
        compute_indicators(sent, PLAN)
    messages = list(error.value.failure_cases["message_en"])
    assert len(messages) == 3
    assert messages[0].startswith("region 211402, year 2022, sex female: maternal_mortality_ratio needs live_births")
    assert messages[1] == ("region 211403, year 2022, sex female: maternal_mortality_ratio: the denominator "
                           "live_births is 0 (live_births (row 3))")
    assert messages[2] == ("region 211400, year 2022, sex total: departments_leadership_with_women_share: units meeting the "
                           "condition (leadership_teams_with_women 5.0) exceed all units (leadership_teams 4.0)")


@pytest.mark.parametrize("blank", [None, "", "—", "-"])
def test_a_count_left_blank_is_no_data_not_an_error(blank):
    # a counts template sent back with a blank cell: nothing to compute there, nothing wrong
    sent = pd.concat([frame(("maternal_deaths", "female", 3), ("live_births", "total", blank), region="211402"),
                      frame(("maternal_deaths", "female", 1), ("live_births", "total", 5000), region="211403")])
    out = compute_indicators(sent, PLAN)
    assert out[["region", "indicator", "value"]].values.tolist() == [["211403", "maternal_mortality_ratio", 20.0]]
    assert out.attrs["no_data_components"] == [{"region": "211402", "year": 2022, "indicator": "live_births", "sex": "total",
                                                "area_type": "total", "age_group": "total"}]


def test_a_blank_numerator_computes_nothing_for_its_key():
    out = compute_indicators(frame(("maternal_deaths", "female", None), ("live_births", "total", 5000)), PLAN)
    assert out.empty and [r["indicator"] for r in out.attrs["no_data_components"]] == ["maternal_deaths"]


def test_a_unit_that_does_not_fit_the_component_is_refused():
    with pytest.raises(FormulaError, match=r"sex female: unit '%' of maternal_deaths cannot be converted to the component's unit person"):
        compute_indicators(frame(("maternal_deaths", "female", 3), ("live_births", "total", 100), unit=["%", "人"]), PLAN)


def test_an_indicator_sent_both_as_value_and_as_components_is_refused():
    sent = frame(("maternal_mortality_ratio", "female", 12.0), ("maternal_deaths", "female", 3), ("live_births", "total", 25_000))
    with pytest.raises(FormulaError, match="maternal_mortality_ratio is sent both as a value and as components; send one"):
        compute_indicators(sent, PLAN)


def test_a_count_sent_twice_or_not_a_number_is_refused():
    sent = frame(("maternal_deaths", "female", 3), ("maternal_deaths", "female", 4), ("live_births", "total", "many"))
    with pytest.raises(FormulaError) as error:
        compute_indicators(sent, PLAN)
    messages = list(error.value.failure_cases["message_en"])
    assert "region 211400, year 2022, sex total: the count live_births must be a number (got 'many')" in messages
    assert messages.count("region 211400, year 2022, sex female: the count maternal_deaths is sent more than once for this key") == 2


def test_a_sex_the_component_does_not_have_is_refused():
    with pytest.raises(FormulaError, match="sex is not allowed for component live_births \\(allowed: total\\)"):
        compute_indicators(frame(("maternal_deaths", "female", 3), ("live_births", "female", 100)), PLAN)


def test_evaluate_accepts_components_and_indicators_mixed():
    from wdmonitor import evaluate

    sent = pd.concat([frame(("maternal_deaths", "female", d), ("live_births", "total", 25_000), year=y)
                      for y, d in ((2020, 3), (2021, 2), (2022, 2))])
    sent = pd.concat([sent, frame(("life_expectancy_female", "female", 80.0))])
    table = evaluate(sent, PLAN, 2022).table.set_index("target_id")
    # 3 + 2 + 2 = 7 deaths in 2020–2022, fewer than 20: judged on the 3-year pooled rate
    # 7/75,000 × 10^5 = 9.33 (methodology §7); the year's own counts 2/25,000 = 8.0 without pooling
    row = table.loc["health-2a"]
    assert (row["value"], row["numerator"], row["denominator"], row["pooled_years"]) == (pytest.approx(7 / 75_000 * 1e5), 7.0, 75_000.0, "2020–2022")


# -- difference and series ratios, with a small catalogue of their own ----------------------------

SMALL = """
version: 1
indicators:
  - {id: income_gap, name_zh: 收入差距, name_en: Income gap, area: economy, unit: yuan, direction: lower, sex_scope: neutral,
     formula: {kind: difference, minuend: {component: income, sex: male}, subtrahend: {component: income, sex: female}}}
  - {id: mmr_urban_rural_gap, name_zh: 城乡孕产妇死亡率差, name_en: Urban-rural MMR gap, area: health, unit: per_100k,
     direction: lower, sex_scope: female,
     formula: {kind: difference, minuend: {component: mmr_by_area, area_type: rural}, subtrahend: {component: mmr_by_area, area_type: urban}}}
  - {id: enrolment_parity, name_zh: 在校生女男比, name_en: Female/male enrolment, area: education, unit: ratio, direction: none,
     sex_scope: neutral, formula: {kind: ratio, numerator: {component: students, sex: female}, denominator: {component: students, sex: male}}}
  - {id: rural_birth_share, name_zh: 农村活产占比, name_en: Rural share of births, area: health, unit: percent,
     direction: none, sex_scope: neutral,
     formula: {kind: ratio, numerator: {component: births_by_area, area_type: rural}, denominator: births_by_area}}
components:
  - {id: births_by_area, name_zh: 分城乡活产数, unit: person, sex_scope: neutral}
  - {id: income, name_zh: 人均收入, unit: 万元, sex_scope: both}
  - {id: mmr_by_area, name_zh: 分城乡孕产妇死亡率, unit: per_100k, sex_scope: female}
  - {id: students, name_zh: 在校生数, unit: person, sex_scope: both}
"""


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(SMALL, encoding="utf-8")
    plan_text = (ROOT / "tests" / "data" / "plans" / "minimal.yaml").read_text(encoding="utf-8")
    return load_indicators(path), load_components(path), plan_text, path


def test_difference_and_series_ratio_formulas(small, tmp_path):
    indicators, components, _, path = small
    plan = load_plan("huludao-2021-2030")
    from dataclasses import replace

    plan = replace(plan, indicators={**plan.indicators, **indicators})
    sent = frame(("income", "male", 5.2), ("income", "female", 4.8), ("mmr_by_area", "female", 12.0),
                 ("mmr_by_area", "female", 8.0), ("students", "female", 480), ("students", "male", 500),
                 area_type=["total", "total", "rural", "urban", "total", "total"])
    computed = compute_indicators(sent, plan, components=components)
    assert_frame_close(computed, pd.DataFrame([
        expected("income_gap", "total", 4_000.0),  # 0.4 万元 in 元
        expected("mmr_urban_rural_gap", "female", 4.0),
        expected("enrolment_parity", "total", 0.96, 480, 500),
    ]))


def test_an_unpinned_term_beside_a_pinned_area_type_reads_the_total(small):
    indicators, components, _, _ = small
    from dataclasses import replace

    plan = replace(PLAN, indicators={**PLAN.indicators, **indicators})
    sent = frame(("births_by_area", "total", 300), ("births_by_area", "total", 700), ("births_by_area", "total", 1_000),
                 area_type=["rural", "urban", "total"])
    computed = compute_indicators(sent, plan, components=components)
    assert_frame_close(computed, pd.DataFrame([expected("rural_birth_share", "total", 30.0, 300, 1_000)]))


def test_a_year_that_is_not_whole_is_refused():
    sent = frame(("maternal_deaths", "female", 3), ("live_births", "total", 25_000), year=2022.5)
    with pytest.raises(FormulaError, match=r"region 211400, year 2022.5, sex female: year must be a whole number"):
        compute_indicators(sent, PLAN)


def test_swapping_the_terms_of_a_difference_changes_its_sign(small):
    indicators, components, _, _ = small
    gap = indicators["income_gap"]
    formula, _ = parse_formula(gap.formula, gap, components)
    swapped, _ = parse_formula({"kind": "difference", "minuend": {"component": "income", "sex": "female"},
                                "subtrahend": {"component": "income", "sex": "male"}}, gap, components)
    assert str(formula) == "income[sex=male] − income[sex=female]"
    assert str(swapped) == "income[sex=female] − income[sex=male]"


# -- loading: every problem of a formula named with file and entry --------------------------------

BROKEN = """
version: 1
indicators:
  - {id: a, name_zh: 甲, name_en: A, area: health, unit: per_100k, direction: lower, sex_scope: female,
     formula: {kind: ratio, numerator: deaths, denominator: birth, scale: 1000}}
  - {id: b, name_zh: 乙, name_en: B, area: health, unit: percent, direction: higher, sex_scope: female_share,
     formula: {kind: ratio, numerator: members, denominator: members}}
  - {id: c, name_zh: 丙, name_en: C, area: health, unit: percent, direction: higher, sex_scope: neutral,
     formula: {kind: share, meeting: deaths, of: yuan_spent}}
  - {id: d, name_zh: 丁, name_en: D, area: health, unit: percent, direction: higher, sex_scope: neutral,
     formula: {kind: product, terms: [deaths, births]}}
  - {id: e, name_zh: 戊, name_en: E, area: health, unit: percent, direction: higher, sex_scope: neutral, formula: deaths / births}
components:
  - {id: deaths, name_zh: 死亡数, unit: person, sex_scope: female}
  - {id: births, name_zh: 活产数, unit: person, sex_scope: neutral}
  - {id: members, name_zh: 成员数, unit: person, sex_scope: both}
  - {id: yuan_spent, name_zh: 支出, unit: 元, sex_scope: neutral}
  - {id: shares, name_zh: 比例, unit: person, sex_scope: female_share}
  - {id: a, name_zh: 重复, unit: person, sex_scope: neutral}
"""


def test_formula_problems_are_all_reported_with_file_and_entry(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(PlanError) as error:
        load_indicators(path)
    lines = [str(p) for p in error.value.problems]
    f = str(path)
    assert lines == [
        f"{f}, components[4].sex_scope: a component is a count: sex_scope must be female, both or neutral (got 'female_share') / "
        "组成项是计数，sex_scope 须为 female、both 或 neutral",
        f"{f}, indicators[4].formula: formula must be a mapping with kind and its terms (see docs/formulas.md) "
        "(got 'deaths / births') / formula 须为含 kind 及组成项的映射",
        f"{f}, indicators[a].formula.denominator.component: component must be declared in components:; did you mean births? "
        "(got 'birth') / 组成项须在 components 中定义",
        f"{f}, indicators[b].formula.denominator: two terms read the same series (members, sex female); pin sex or area_type, "
        "for a female share the denominator as {component: …, sex: total} (got 'members') / 两个组成项读取同一序列；请指定 sex 或 area_type",
        f"{f}, indicators[c].formula.condition: a share states the condition the counted units meet (got None) / 占比须说明计数单位满足的条件",
        f"{f}, indicators[d].formula.kind: kind must be one of ratio, share, difference, sum (got 'product') / "
        "kind 须为 ratio, share, difference, sum 之一",
        f"{f}, components[a].id: a component id must differ from every indicator id (got 'a') / 组成项编号不得与指标编号相同",
    ]


def test_a_stated_scale_must_agree_with_the_units(tmp_path):
    path = tmp_path / "scale.yaml"
    path.write_text(BROKEN.split("  - {id: b")[0].replace("birth,", "births,") + "components:\n"
                    "  - {id: deaths, name_zh: 死亡数, unit: person, sex_scope: female}\n"
                    "  - {id: births, name_zh: 活产数, unit: person, sex_scope: neutral}\n", encoding="utf-8")
    with pytest.raises(PlanError) as error:
        load_indicators(path)
    assert [str(p) for p in error.value.problems] == [
        f"{path}, indicators[a].formula.scale: scale must agree with the units: person / person in per_100k is × 100000 "
        "(got 1000) / scale 须与单位一致：应为 100000"]


def test_a_share_of_units_that_cannot_be_divided_is_refused(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text(textwrap.dedent("""
        version: 1
        indicators:
          - {id: c, name_zh: 丙, name_en: C, area: health, unit: percent, direction: higher, sex_scope: neutral,
             formula: {kind: share, meeting: teams, of: spent, condition: 有女干部}}
        components:
          - {id: teams, name_zh: 班子数, unit: 个, sex_scope: neutral}
          - {id: spent, name_zh: 支出, unit: 元, sex_scope: neutral}
        """), encoding="utf-8")
    with pytest.raises(PlanError, match=r"indicators\[c\]\.formula\.of: institution / yuan cannot be expressed in the indicator's unit percent"):
        load_indicators(path)


# -- the documentation runs ---------------------------------------------------------------------

def test_docs_formulas_md_python_blocks_run():
    text = (ROOT / "docs" / "formulas.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) >= 2
    namespace: dict = {"__name__": "docs_formulas"}
    for block in blocks:
        exec(compile(block, "docs/formulas.md", "exec"), namespace)  # noqa: S102 - the page's own examples
