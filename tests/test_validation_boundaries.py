"""The validation checks' tolerances at their boundaries, through the public API only.

Every case goes through :func:`wdmonitor.check_submission`, so it keeps holding whatever the
module's internals become. The tolerances tested are those the documentation states
(docs/submissions.md, docs/testing.md): a percentage lies in [0, 100]; a rate or count is not
negative; a numerator does not exceed its denominator; a value matches its counts within
0.5% (plus half a hundredth of a percentage point of rounding); female + male counts equal
the total within half a person; a change of more than 50% from the previous year is a
warning. Each per-sex check is run for each sex.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation_helpers import make_plan
from wdmonitor import Target, check_submission

BOTH = "compulsory_education_retention_rate"  # percent, women and men
COUNTS = "kindergarten_enrolment"  # persons, women and men
MMR = "maternal_mortality_ratio"  # per 100k, women
SCREENING = "cervical_cancer_screening_rate"  # percent, women
PLAN = make_plan(
    Target(id="b", indicator=BOTH, kind="increase", area="education"),
    Target(id="c", indicator=COUNTS, kind="parity", area="education"),
    Target(id="m", indicator=MMR, kind="at_most", values={2025: 10.0}),
    Target(id="s", indicator=SCREENING, kind="at_least", values={2025: 70.0}),
)
SEXES = pytest.mark.parametrize("sex", ["female", "male"])


def rows(indicator, records):
    """A frame of ``(sex, year, value[, numerator, denominator])`` records for 葫芦岛."""
    frame = pd.DataFrame([{"region": "211400", "indicator": indicator, "sex": r[0], "year": r[1], "value": r[2],
                           **({"numerator": r[3], "denominator": r[4]} if len(r) > 3 else {})} for r in records])
    return frame


def refused(report, check):
    """The values of the rows refused by ``check``."""
    cases = report.failure_cases
    return sorted(cases.loc[(cases["check"] == check) & (cases["severity"] == "error"), "value"].astype(float).tolist())


def refused_cells(report, check):
    """The offending cells (as text) of the rows refused by ``check``."""
    cases = report.failure_cases
    return sorted(cases.loc[(cases["check"] == check) & (cases["severity"] == "error"), "value"].astype(str).tolist())


def warned(report, check):
    cases = report.failure_cases
    return sorted(cases.loc[(cases["check"] == check) & (cases["severity"] == "warning"), "value"].astype(float).tolist())


def pair(sex, value, partner=50.0, year=2022):
    other = "male" if sex == "female" else "female"
    return rows(BOTH, [(sex, year, value), (other, year, partner)])


@SEXES
@pytest.mark.parametrize(("value", "accepted"), [(100.0, True), (100.0 + 1e-9, False), (100.001, False), (0.0, True),
                                                 (-1e-9, False), (-0.001, False), (99.999, True)])
def test_a_percentage_lies_in_the_closed_range_zero_to_hundred(sex, value, accepted):
    report = check_submission(pair(sex, value), PLAN)
    mine = report.valid[report.valid["sex"] == sex]
    assert (len(mine) == 1) is accepted
    if not accepted:
        assert refused(report, "percent_range" if value > 100 else "non_negative") == [value]


@pytest.mark.parametrize(("value", "accepted"), [(0.0, True), (-1e-9, False), (1e-9, True)])
def test_a_rate_is_not_negative(value, accepted):
    report = check_submission(rows(MMR, [("female", 2022, value)]), PLAN)
    assert (len(report.valid) == 1) is accepted
    assert refused(report, "non_negative") == ([] if accepted else [value])


@pytest.mark.parametrize(("numerator", "accepted"), [(10, True), (9, True), (11, False)])
def test_a_numerator_may_equal_but_not_exceed_its_denominator(numerator, accepted):
    value = numerator / 10 * 100
    report = check_submission(rows(SCREENING, [("female", 2022, min(value, 100.0), numerator, 10)]), PLAN)
    assert (len(report.valid) == 1) is accepted
    cases = report.failure_cases
    assert ("numerator_le_denominator" in set(cases.loc[cases["severity"] == "error", "check"])) is (not accepted)


@pytest.mark.parametrize("indicator", [SCREENING, MMR])
@pytest.mark.parametrize("side", [1, -1], ids=["above", "below"])
def test_a_value_matches_its_counts_to_its_reporting_precision(side, indicator):
    # methodology §8: a rate matches its counts when it does so as reported, within half a unit
    # of its last decimal (one decimal for both: 0.05 points, 0.05 per 10万)
    numerator, denominator = (30, 60) if indicator == SCREENING else (3, 4000)
    scale = 100 if indicator == SCREENING else 1e5
    implied = numerator / denominator * scale
    half_unit = 0.5 * 10.0 ** -PLAN.indicators[indicator].precision
    for offset, accepted in [(0.0, True), (half_unit * 0.5, True), (half_unit, True), (half_unit * 1.001, False),
                             (half_unit * 3, False)]:
        value = implied + side * offset
        report = check_submission(rows(indicator, [("female", 2022, value, numerator, denominator)]), PLAN)
        assert refused(report, "value_matches_counts") == ([] if accepted else [value]), offset


@pytest.mark.parametrize("side", [1, -1], ids=["total-above", "total-below"])
@pytest.mark.parametrize(("off", "accepted"), [(0.0, True), (0.4, True), (0.5, True), (0.5 + 1e-4, False), (1.0, False),
                                               (50.0, False)])
def test_female_plus_male_equals_the_total_within_half_a_person(side, off, accepted):
    female, male = 4000.0, 4200.0
    total = female + male + side * off
    report = check_submission(rows(COUNTS, [("female", 2022, female), ("male", 2022, male), ("total", 2022, total)]), PLAN)
    assert refused(report, "female_plus_male_is_total") == ([] if accepted else [total])
    # the female and male rows are never the ones refused for it
    assert set(report.valid["sex"]) >= {"female", "male"}


@SEXES
def test_female_plus_male_is_checked_whichever_sex_is_off(sex):
    female, male = 4000.0, 4200.0
    values = {"female": female, "male": male}
    values[sex] += 1.0
    report = check_submission(rows(COUNTS, [("female", 2022, values["female"]), ("male", 2022, values["male"]),
                                            ("total", 2022, female + male)]), PLAN)
    assert refused(report, "female_plus_male_is_total") == [female + male]


@SEXES
@pytest.mark.parametrize(("latest", "warning"), [
    (60.0, False), (60.0 * 1.5, False), (60.0 * 1.5 + 1e-6, True),  # a rise of exactly 50% is not "more than 50%"
    (30.0, False), (30.0 - 1e-6, True),  # a fall to half
])
def test_a_change_of_more_than_half_from_the_previous_year_is_a_warning(sex, latest, warning):
    other = "male" if sex == "female" else "female"
    frame = rows(BOTH, [(sex, 2021, 60.0), (sex, 2022, latest), (other, 2021, 60.0), (other, 2022, 60.0)])
    report = check_submission(frame, PLAN)
    assert warned(report, "plausible_change") == ([latest] if warning else [])
    assert len(report.valid) == 4  # a warning never removes a row


def test_the_plausibility_warning_compares_consecutive_years_only():
    frame = rows(BOTH, [("female", 2020, 30.0), ("female", 2022, 90.0), ("male", 2020, 30.0), ("male", 2022, 30.0)])
    assert warned(check_submission(frame, PLAN), "plausible_change") == []


def test_the_plausibility_warning_from_zero_is_not_a_percentage():
    frame = rows(BOTH, [("female", 2021, 0.0), ("female", 2022, 40.0), ("male", 2021, 0.0), ("male", 2022, 0.0)])
    assert warned(check_submission(frame, PLAN), "plausible_change") == []


@SEXES
def test_an_indicator_compared_between_the_sexes_refuses_either_sex_alone(sex):
    report = check_submission(rows(BOTH, [(sex, 2022, 50.0)]), PLAN)
    assert report.valid.empty
    assert refused_cells(report, "both_sexes") == [sex]  # the failure names the sex column
    both = check_submission(rows(BOTH, [(sex, 2022, 50.0), ("male" if sex == "female" else "female", 2022, 51.0)]), PLAN)
    assert sorted(both.valid["sex"]) == ["female", "male"]


def test_a_women_only_indicator_refuses_a_male_row_and_keeps_the_female_one():
    report = check_submission(rows(SCREENING, [("female", 2022, 50.0), ("male", 2022, 40.0)]), PLAN)
    assert report.valid["sex"].tolist() == ["female"]
    assert refused_cells(report, "sex_scope") == ["male"]
