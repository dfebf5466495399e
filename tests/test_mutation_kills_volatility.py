"""Cases that tell W2c's grouping (``hb_flags``) and W3 (``_volatility_and_deterioration``) apart
from the mutants that survived the existing tests.

Each test here was written against a mutant mutmut generated of ``early_warning`` at ``b79268e``
(the tenth run of ``docs/testing.md``, which records the mutants judged equivalent). The expected
values come from the rules as the methodology states them (``methodology.md`` §4, §7 and §8, and
``docs/methodology.md`` §4), worked out by hand in each test, and from the ``RuleSet`` fields, so
a changed default moves the case with it. The tests read the flag table (``flags_for_valid``);
those on W2c's grouping also call ``hb_flags``, the partitions' entry point, on the candidates
``flags_for_valid`` hands back.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from evaluation_helpers import COUNTIES, make_plan, series, years
from test_mutation_kills_warnings import flag_table, frame
from wdmonitor import Target, load_indicators
from wdmonitor.early_warning import flags_for_valid, hb_flags
from wdmonitor.indicators import Direction
from wdmonitor.rules import DEFAULT_RULES

AS_OF = 2024
JURISDICTION = "211400"
HIGHER = "life_expectancy_female"  # years, higher is better, linear, one decimal
SHARE = "female_share_peoples_congress_standing_committee"  # percent, higher is better, one decimal
MMR = "maternal_mortality_ratio"  # per 100,000 live births, lower is better, counts behind it
UNIT = 0.1  # one unit of the last reported decimal of HIGHER and SHARE


def mmr(deaths: list[float], births: list[float], *, region: str = JURISDICTION, first: int = 2020) -> pd.DataFrame:
    """An MMR with its counts: ``deaths`` on ``births`` from ``first`` on (the rate per 100,000)."""
    deaths_, births_ = np.asarray(deaths, dtype=float), np.asarray(births, dtype=float)
    return series(MMR, years(first, *(deaths_ / births_ * 1e5)), region=region, numerators=deaths_,
                  denominators=births_)


def w2c_regions(parts: list[pd.DataFrame]) -> list[tuple[str, str]]:
    """(indicator, region) of the W2c flags among ``hb_flags``' frames."""
    rows = [p.loc[p["check"] == "W2c", ["indicator", "region"]] for p in parts]
    return sorted(map(tuple, pd.concat(rows).to_numpy().tolist())) if rows else []


# == W2c: the groups of hb_flags (indicator, sex, area type, sign), rewritten in 5005267 ============
def two_indicators_flat_but_one() -> pd.DataFrame:
    """Six counties flat from as_of − 1 to as_of on two indicators (HIGHER and SHARE), but the first
    county's SHARE rises by a quarter, 40 → 50; the city flat on both."""
    parts = []
    for i, county in enumerate(COUNTIES):
        share = (40.0, 50.0) if i == 0 else (20.0 + 4 * i,) * 2
        parts.append(frame(SHARE, {AS_OF - 1: share[0], AS_OF: share[1]}, region=county.code))
        parts.append(frame(HIGHER, {AS_OF - 1: 70.0 + i, AS_OF: 70.0 + i}, region=county.code))
    parts += [frame(SHARE, {AS_OF - 1: 30.0, AS_OF: 30.0}), frame(HIGHER, {AS_OF - 1: 72.0, AS_OF: 72.0})]
    return pd.concat(parts, ignore_index=True)


TWO_TARGETS = (Target(id="share", indicator=SHARE, kind="increase"), Target(id="life", indicator=HIGHER, kind="increase"))


def candidates(data: pd.DataFrame, *targets: Target, rules=DEFAULT_RULES) -> pd.DataFrame:
    """W2c's candidates as ``flags_for_valid`` hands them to the partitions (``hb_candidates``)."""
    found: list[pd.DataFrame] = []
    flags_for_valid(data, make_plan(*targets), AS_OF, rules=rules, hb_candidates=found)
    return pd.concat(found, ignore_index=True)


def test_w2c_groups_regions_by_indicator_and_flags_the_one_that_moves():
    """Methodology §4 (W2c): Hidiroglou–Berthelot compares the regions' changes of one series (an
    indicator, a sex, an area type, a direction) with each other. Six counties flat on two
    indicators, but one whose SHARE rises 40 → 50: on SHARE every other ratio is 1, so E_med = Q1 =
    Q3 = 0 (both quartile distances max(0, |A·0|) = 0) and the one effect above 0 is the outlier,
    (50/40 − 1)·50^U; on HIGHER every effect is 0, no outlier. The candidates handed to the
    partitions give the same flag through ``hb_flags``."""
    data = two_indicators_flat_but_one()
    table = flag_table(data, *TWO_TARGETS)
    w2c = table[table["check"] == "W2c"]
    assert list(zip(w2c["indicator"], w2c["region"], strict=True)) == [(SHARE, COUNTIES[0].code)]
    assert w2c["hb_effect"].iloc[0] == pytest.approx((50.0 / 40.0 - 1) * 50.0 ** DEFAULT_RULES.hb_u, rel=1e-12)
    assert w2c_regions(hb_flags(candidates(data, *TWO_TARGETS), AS_OF, DEFAULT_RULES)) == [(SHARE, COUNTIES[0].code)]


def test_w2c_a_candidate_missing_a_key_is_compared_with_no_group():
    """``hb_flags`` groups the candidates by (indicator, sex, area type, sign); a candidate without
    one of them (a caller's frame with no sex on a row) belongs to no group, as pandas' groupby
    leaves out a missing key: it is neither flagged nor counted in another group's quartiles. The
    candidates of ``two_indicators_flat_but_one`` with the moving county's sex removed: the five
    flat SHARE counties and the six flat HIGHER ones give no outlier, and the call says nothing of
    invalid values (no RuntimeWarning: the missing key is never cast as a number)."""
    found = candidates(two_indicators_flat_but_one(), *TWO_TARGETS)
    moving = (found["indicator"] == SHARE) & (found["region"] == COUNTIES[0].code)
    assert moving.sum() == 1
    found["sex"] = found["sex"].astype(object).where(~moving, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        parts = hb_flags(found, AS_OF, DEFAULT_RULES)
    assert w2c_regions(parts) == []


def test_w2c_candidates_all_missing_a_key_give_no_outlier():
    """No candidate with its four keys: no group, so no W2c — and no error (the group sizes of an
    empty grouping were read at a position they did not have)."""
    found = candidates(two_indicators_flat_but_one(), *TWO_TARGETS)
    found["sex"] = None
    assert w2c_regions(hb_flags(found, AS_OF, DEFAULT_RULES)) == []


# == W3: the slope's change over its window (methodology §8: a move counts when material) ==========
def test_w3_a_slope_over_one_year_moves_by_that_year_only():
    """docs/methodology.md §4 (W3): the slope counts as bad when its change over its window, slope ×
    the years from the window's first to as_of (at least one), is at least half a reporting unit
    the wrong way. A higher-is-better series observed in as_of − 1 and as_of only, 70.0 → 69.97:
    the slope −0.03 a year moves −0.03 over its one year, less than half of 0.1; the last change
    (−0.03) is nil too, and so is the distance from the baseline (the first year, 70.0, stands in):
    no W3. Falling to 69.9 instead moves 0.1, material, and worse than the baseline: W3's alert."""
    nil = DEFAULT_RULES.materiality * UNIT
    target = Target(id="w3", indicator=HIGHER, kind="increase")
    assert abs(69.97 - 70.0) * 1 < nil <= abs(69.9 - 70.0)
    table = flag_table(frame(HIGHER, {AS_OF - 1: 70.0, AS_OF: 69.97}), target)
    assert table[table["check"] == "W3"].empty
    table = flag_table(frame(HIGHER, {AS_OF - 1: 70.0, AS_OF: 69.9}), target)
    w3 = table[table["check"] == "W3"]
    assert w3["severity"].tolist() == ["alert"]
    assert w3["slope"].iloc[0] == pytest.approx(-0.1, abs=1e-9)


# == the counts of the latest change (the shared lines of _volatility_and_deterioration) ===========
def test_w2_on_counts_tests_a_change_into_the_second_year_against_the_first():
    """Methodology §7 (W2): a counted change counts only when the exact conditional test of the
    latest year's events against the year before's gives p below count_alpha. The engine's years
    start in 2015; an MMR observed in 2015 and 2016 only, 10 then 40 deaths on 100,000 births a
    year (10 → 40/10万, a change of 300%): given the 50 deaths, 2016's are binomial(50, ½) on equal
    births, and P(X ≥ 40) is far below count_alpha: W2b's watch at as_of = 2016. Testing 2016's
    counts against themselves would give p ≈ ½ and no watch."""
    from scipy.stats import binom

    assert binom.sf(39, 50, 0.5) < DEFAULT_RULES.count_alpha
    target = Target(id="mmr", indicator=MMR, kind="decrease")
    table = flag_table(mmr([10.0, 40.0], [100_000.0] * 2, first=2015), target, as_of=2016)
    w2b = table[table["check"] == "W2b"]
    assert w2b["severity"].tolist() == ["watch"]
    assert w2b["relative_change"].iloc[0] == pytest.approx(30.0 / 10.0)


# == W3 on a percentage with counts: the screen's slope counts only with the exact test ============
def share_with_counts(women: list[float], members: float) -> pd.DataFrame:
    """The city's share of women (percent) from 2020 on, ``women`` of ``members`` a year."""
    a = np.asarray(women, dtype=float)
    n = np.full(len(a), members)
    return series(SHARE, years(2020, *(a / n * 100)), numerators=a, denominators=n)


@pytest.mark.parametrize(("members", "expected"), [(100.0, "none"), (10_000.0, "warning")], ids=["few", "many"])
def test_w3_on_a_counted_percentage_the_slope_counts_when_the_latest_year_differs_from_the_rest(members, expected):
    """Methodology §7 (docs/methodology.md): on a percentage with counts W3's slope — the screen's, in
    points a year — counts only when the latest year's successes against the rest of the window's
    differ by Fisher's one-sided exact test (p < count_alpha); the last change likewise. A share of
    women falling a point a year, 40% → 36% over 2020–2024, against at least 30% (met, so no
    alert): on 100 members a year, 36 of 100 against 154 of 400 is within chance, and so is 37 → 36:
    no W3, whatever the straight line says; on 10,000 members the latest year differs from the rest
    (p far below count_alpha) while 3,700 → 3,600 does not (p above it): the slope is bad and the
    last change not good, W3's warning."""
    from scipy.stats import fisher_exact

    shares = [0.40, 0.39, 0.38, 0.37, 0.36]
    women = [float(round(s * members)) for s in shares]
    rest = sum(women[:-1])
    p_rest = fisher_exact([[women[-1], members - women[-1]], [rest, 4 * members - rest]], alternative="less")[1]
    p_step = fisher_exact([[women[-1], members - women[-1]], [women[-2], members - women[-2]]], alternative="less")[1]
    alpha = DEFAULT_RULES.count_alpha
    assert (p_rest < alpha) == (expected == "warning") and p_step >= alpha
    target = Target(id="share", indicator=SHARE, kind="at_least", values={2025: 30.0, 2030: 30.0})
    w3 = flag_table(share_with_counts(women, members), target).query("check == 'W3'")
    assert w3["severity"].tolist() == ([] if expected == "none" else [expected])


def test_w3_on_a_counted_percentage_a_last_rise_within_chance_is_not_good():
    """Methodology §4 (W3): a bad slope is a warning unless the last change is (materially) good,
    and worse than the baseline while failing T is an alert; §7: on counts each of these changes
    counts only with p < count_alpha, and the counts never raise the screen's flag. On 10,000
    members a year, women 3,820, 4,200, 4,200, 3,700, then 3,750 (38.2% → 37.5%) against at least
    45%: the screen sees a material fall from the baseline, failing T (an alert to test). By
    Fisher's one-sided test 3,750 against the baseline's 3,820 is within chance (no alert), the
    latest year against the rest (3,750 of 10,000 against 15,920 of 40,000) is beyond it (the
    slope, −0.64 a point a year, is bad), and the last rise 3,700 → 3,750, half a point, is within
    chance: not a good change, so the bad slope gives W3's warning."""
    from scipy.stats import fisher_exact

    members = 10_000.0
    women = [3_820.0, 4_200.0, 4_200.0, 3_700.0, 3_750.0]

    def p(latest: float, other: float, n_other: float, alternative: str) -> float:
        return fisher_exact([[latest, members - latest], [other, n_other - other]], alternative=alternative)[1]

    alpha = DEFAULT_RULES.count_alpha
    assert p(women[-1], sum(women[:-1]), 4 * members, "less") < alpha
    assert p(women[-1], women[0], members, "less") >= alpha
    assert p(women[-1], women[-2], members, "greater") >= alpha
    shares = np.asarray(women) / members * 100
    slope = np.polyfit(np.arange(5.0), shares, 1)[0]
    nil = DEFAULT_RULES.materiality * UNIT
    assert slope == pytest.approx(-0.64) and slope * 4 <= -nil and shares[-1] - shares[-2] >= nil
    target = Target(id="share", indicator=SHARE, kind="at_least", values={2025: 45.0, 2030: 45.0})
    w3 = flag_table(share_with_counts(women, members), target).query("check == 'W3'")
    assert w3["severity"].tolist() == ["warning"]


# == W3 on a counted rate: the exact tests of the rest of the window and of the baseline ============
@pytest.mark.parametrize(("latest", "expected"), [(5.0, "none"), (6.0, "warning")])
def test_w3_exact_test_weighs_the_latest_year_against_the_rest_of_the_window_s_exposure(latest, expected):
    """Methodology §7 (docs/methodology.md §4): with fewer than count_min_events events W3's slope
    counts when the latest year's events against the rest of the window's differ by the exact
    conditional test: given the N deaths, the latest year's are binomial(N, n_L / (n_L + n_rest)),
    the exposures those of the window's years only. A county of 20 births a year, deaths 1, 1, 1, 0
    then 5 over 2020–2024: P(X ≥ 5 | 8, 20/100) = 0.0104, not below count_alpha, and the last
    change (0 → 5, P = 1/32) and the comparison with 2020 (1 → 5, P = 6/64) are within chance too:
    no W3. A sixth death in 2024 gives P(X ≥ 6 | 9, 1/5) = 0.003, the slope is bad: W3's warning."""
    from scipy.stats import binom

    births = 20.0
    deaths = [1.0, 1.0, 1.0, 0.0, latest]
    total = sum(deaths)
    p_rest = binom.sf(latest - 1, total, births / (5 * births))
    assert (p_rest < DEFAULT_RULES.count_alpha) == (expected == "warning")
    assert total < DEFAULT_RULES.count_min_events
    assert binom.sf(latest - 1, latest, 0.5) >= DEFAULT_RULES.count_alpha  # 0 → latest
    assert binom.sf(latest - 1, latest + 1, 0.5) >= DEFAULT_RULES.count_alpha  # 2020's 1 → latest
    table = flag_table(mmr(deaths, [births] * 5), Target(id="mmr", indicator=MMR, kind="decrease"))
    w3 = table[table["check"] == "W3"]
    assert w3["severity"].tolist() == ([] if expected == "none" else [expected])


def test_w3_on_counts_compares_with_a_baseline_in_the_engine_s_first_year():
    """Methodology §4 (W3): worse than the baseline and failing T is an alert; §7: on counts, worse
    only when the exact test of the latest year's events against the baseline year's says so. The
    plan's baseline year 2020 unobserved, 2015 — the first year the engine holds (five years of
    history before the baseline) — stands in; an MMR on 100,000 births a year, 10 deaths in 2015,
    40 in 2023 and 2024: given 2015's and 2024's 50 deaths, 2024's are binomial(50, ½), P(X ≥ 40)
    far below count_alpha, so a decrease target (no T: failing) is worse than its baseline, W3's
    alert. The flat window (40 → 40) gives no other class."""
    from scipy.stats import binom

    assert binom.sf(39, 50, 0.5) < DEFAULT_RULES.count_alpha
    deaths = [10.0, 40.0, 40.0]
    data = series(MMR, {2015: 10.0, 2023: 40.0, 2024: 40.0}, numerators=deaths, denominators=[100_000.0] * 3)
    table = flag_table(data, Target(id="mmr", indicator=MMR, kind="decrease"))
    assert table.loc[table["check"] == "baseline_substituted", "message_en"].str.contains("2015").all()
    w3 = table[table["check"] == "W3"]
    assert w3["severity"].tolist() == ["alert"]
    assert w3["baseline"].iloc[0] == pytest.approx(10.0)


def test_w3_on_counts_the_poisson_glm_never_raises_a_flag_the_screen_did_not():
    """docs/methodology.md §7: the counts withhold or soften the screen's flag, never raise it; W3's
    screen reads the least-squares slope of the rates. An MMR of 30/10万 in 2020 (3 deaths on 10,000
    births), then 10, 11, 12 and 12 on 10,000,000 births a year, against at most 5 (failing): the
    straight line through the five rates falls 3.4 a year (improving), the last change is 0 and
    2024 is better than the 2020 baseline, so the screen flags nothing. The Poisson GLM, which the
    4,503 deaths weigh towards the later years, has its slope's 95% interval wholly above 0
    (statsmodels) — it is not asked: no W3."""
    import statsmodels.api as sm

    deaths = np.array([3.0, 1_000.0, 1_100.0, 1_200.0, 1_200.0])
    births = np.array([1e4, 1e7, 1e7, 1e7, 1e7])
    rates = deaths / births * 1e5
    assert np.polyfit(np.arange(5.0), rates, 1)[0] == pytest.approx(-3.4)
    assert rates[-1] == rates[-2] < rates[0]
    glm = sm.GLM(deaths, sm.add_constant(np.arange(2020.0, 2025.0)), family=sm.families.Poisson(),
                 offset=np.log(births)).fit(scale="X2")
    assert glm.conf_int(alpha=1 - DEFAULT_RULES.count_level)[1][0] > 0
    target = Target(id="mmr", indicator=MMR, kind="at_most", values={2025: 5.0, 2030: 5.0})
    table = flag_table(mmr(list(deaths), list(births)), target)
    assert table[table["check"] == "W3"].empty
    assert not table[table["check"] == "W1"].empty  # failing T is W1's business


# == W3: the last change, sign × (y_L − y_{L−1}) ===================================================
@pytest.mark.parametrize(("indicator", "values"), [
    (HIGHER, [70.0, 70.5, 71.0, 71.5, 71.47]),
    ("anaemia_prevalence_pregnant", [30.0, 29.5, 29.0, 28.5, 28.53]),
], ids=["higher", "lower"])
def test_w3_a_nil_dip_after_a_rise_is_no_watch(indicator, values):
    """docs/methodology.md §8: "a 0.03-point dip after a rise is no W3". A series improving half a
    point a year over 2020–2024 whose last change goes 0.03 the wrong way (71.5 → 71.47 for a
    higher-is-better indicator, 28.5 → 28.53 for a lower-is-better one): the slope is good and the
    last change, 0.03, is less than half of 0.1 — nil, not bad: no W3 (a watch needs a bad last
    change). A last change of 0.3 the wrong way instead is material: W3's watch."""
    nil = DEFAULT_RULES.materiality * UNIT
    assert abs(values[-1] - values[-2]) < nil
    target = Target(id="w3", indicator=indicator, kind="increase" if indicator == HIGHER else "decrease")
    table = flag_table(frame(indicator, years(2020, *values)), target)
    assert table[table["check"] == "W3"].empty
    worse = [*values[:-1], values[-2] + 10 * (values[-1] - values[-2])]
    w3 = flag_table(frame(indicator, years(2020, *worse)), target).query("check == 'W3'")
    assert w3["severity"].tolist() == ["watch"]


@pytest.mark.parametrize(("latest", "expected"), [(8.0, "watch"), (9.0, "warning")])
def test_w3_on_few_events_the_exact_test_is_the_slope_whatever_the_straight_line(latest, expected):
    """Methodology §7 (docs/methodology.md §7, W3 trend): on a counted rate with fewer than
    count_min_events events, W3's slope is the exact test of the latest year's events against the
    rest of the window's — not the straight line through the rates. An MMR with 2 deaths on 1,000
    births in 2020 and 2021, none on 10,000 in 2022 and 2023, then ``latest`` deaths on 10,000 in
    2024: the least-squares line through 200, 200, 0, 0 and 10·latest falls (improving), but the
    last change 0 → latest is beyond chance (P = ½**latest), a bad step. With 8 deaths the latest
    year against the rest (4 deaths on 22,000 births) gives P(X ≥ 8 | 12, 10/32) = 0.012, not below
    count_alpha: the slope is not bad, W3's watch; with 9, P(X ≥ 9 | 13, 10/32) = 0.0055: the slope
    is bad and the last change not good, W3's warning."""
    from scipy.stats import binom

    births = [1_000.0, 1_000.0, 10_000.0, 10_000.0, 10_000.0]
    deaths = [2.0, 2.0, 0.0, 0.0, latest]
    rates = np.asarray(deaths) / np.asarray(births) * 1e5
    assert np.polyfit(np.arange(5.0), rates, 1)[0] < 0
    alpha = DEFAULT_RULES.count_alpha
    assert sum(deaths) < DEFAULT_RULES.count_min_events
    assert binom.sf(latest - 1, latest, 0.5) < alpha  # the step 0 → latest on equal births
    p_rest = binom.sf(latest - 1, 4.0 + latest, 10_000.0 / 32_000.0)
    assert (p_rest < alpha) == (expected == "warning")
    w3 = flag_table(mmr(deaths, births), Target(id="mmr", indicator=MMR, kind="decrease")).query("check == 'W3'")
    assert w3["severity"].tolist() == [expected]


# == W3 on a counted rate where higher is better (the catalogue has none: declared here) ============
RATE_HIGHER = "test_rate_higher_is_better"


def higher_rate_flags(events: list[float], exposure: float) -> pd.DataFrame:
    """The flags of an increase target on a Poisson rate (per 100,000, as the MMR) whose higher
    values are better, ``events`` on ``exposure`` a year from 2020."""
    indicator = replace(load_indicators()[MMR], id=RATE_HIGHER, name_zh="测试用越高越好的率", name_en="Test rate, higher is better",
                        direction=Direction.HIGHER)
    target = Target(id="rate", indicator=RATE_HIGHER, kind="increase")
    plan = make_plan(target)
    plan = replace(plan, indicators={**plan.indicators, RATE_HIGHER: indicator})
    k, n = np.asarray(events, dtype=float), np.full(len(events), exposure)
    table = flags_for_valid(series(RATE_HIGHER, years(2020, *(k / n * 1e5)), numerators=k, denominators=n), plan, AS_OF)
    return getattr(table, "table", table)


@pytest.mark.parametrize(("events", "expected"), [([25.0, 24.0, 24.0, 25.0, 23.0], "none"), ([50.0, 45.0, 40.0, 35.0, 25.0], "alert")],
                         ids=["within_chance", "falling"])
def test_w3_on_counts_a_higher_is_better_rate_is_bad_when_the_glm_interval_lies_below_0(events, expected):
    """Methodology §7: W3's trend on a counted rate is the Poisson GLM's slope, bad only when its 95%
    interval lies wholly on the bad side of 0 — below 0 where higher is better. Events 25, 24, 24,
    25, 23 on 10,000 a year (121 events): the straight line through the rates falls 3/10万 a year
    (12 over the window, material) and the last change 25 → 23 is material, but the GLM's interval
    (statsmodels) holds 0 and 23 after 25 is within chance: no W3. Events 50, 45, 40, 35, 25: the
    interval lies below 0 and 2024 is beyond chance worse than the 2020 baseline, failing (no T):
    W3's alert."""
    import statsmodels.api as sm
    from scipy.stats import binom

    k = np.asarray(events)
    glm = sm.GLM(k, sm.add_constant(np.arange(2020.0, 2025.0)), family=sm.families.Poisson(), offset=np.log(np.full(5, 1e4))).fit()
    lower, upper = glm.conf_int(alpha=1 - DEFAULT_RULES.count_level)[1]
    assert k.sum() >= DEFAULT_RULES.count_min_events
    alpha = DEFAULT_RULES.count_alpha
    if expected == "none":
        assert lower < 0 < upper  # the quasi-likelihood interval (times φ ≥ 1) holds 0 as well
        assert binom.cdf(k[-1], k[-1] + k[-2], 0.5) >= alpha and binom.cdf(k[-1], k[-1] + k[0], 0.5) >= alpha
    else:
        assert upper < 0 and binom.cdf(k[-1], k[-1] + k[0], 0.5) < alpha
    w3 = higher_rate_flags(events, 10_000.0).query("check == 'W3'")
    assert w3["severity"].tolist() == ([] if expected == "none" else [expected])


@pytest.mark.parametrize(("earlier", "expected"), [(AS_OF - 5, "none"), (AS_OF - 4, "alert")], ids=["outside", "inside"])
def test_w3_needs_a_slope_in_the_trend_window(earlier, expected):
    """docs/methodology.md §4 (W3): deterioration is read from m5, the least-squares slope over the
    last ≤ 5 years (trend_window), and the last change. A higher-is-better series under an increase
    target (no T: failing), observed in ``earlier`` and as_of only, 72.0 → 70.0, its baseline 72.0
    (the plan's 2020 unobserved, the earlier year stands in). From 2019 the window 2020–2024 holds
    one point: no m5, so W3 is not judged at all — the series is W5's too short (a reading: the
    methodology states W3's classes with m5 and does not name a W3 without one). From 2020 the two
    points give m5 = −0.5 a year and 70 is worse than the baseline while failing: W3's alert."""
    assert (AS_OF - earlier < DEFAULT_RULES.trend_window) == (expected == "alert")
    table = flag_table(frame(HIGHER, {earlier: 72.0, AS_OF: 70.0}), Target(id="w3", indicator=HIGHER, kind="increase"))
    w3 = table[table["check"] == "W3"]
    assert w3["severity"].tolist() == ([] if expected == "none" else [expected])
    if len(w3):
        assert w3["slope"].iloc[0] == pytest.approx(-2.0 / (AS_OF - earlier))
    assert len(table[table["check"] == "too_short"]) == 1


def test_w3_names_its_slope_s_model_in_either_language():
    """Methodology §7: W3 on a rate with counts reads the Poisson GLM's slope (a percentage a year),
    on a plain series the least-squares slope, and the message says which. The higher-is-better rate
    falling 50 → 25 events on 10,000 a year (test above): "Poisson regression" / 泊松回归; a plain
    series falling 72.0 → 70.0 over 2020–2024: "recent slope" / 趋势, no Poisson regression."""
    glm = higher_rate_flags([50.0, 45.0, 40.0, 35.0, 25.0], 10_000.0).query("check == 'W3'")
    assert len(glm) == 1
    assert glm["message_en"].iloc[0].startswith("Poisson regression over 5 years")
    assert "泊松回归" in glm["message_zh"].iloc[0]
    plain = flag_table(frame(HIGHER, {AS_OF - 4: 72.0, AS_OF: 70.0}), Target(id="w3", indicator=HIGHER, kind="increase"))
    plain = plain[plain["check"] == "W3"]
    assert len(plain) == 1
    assert plain["message_en"].iloc[0].startswith("recent slope") and "Poisson" not in plain["message_en"].iloc[0]
    assert "趋势" in plain["message_zh"].iloc[0] and "泊松" not in plain["message_zh"].iloc[0]


def test_w3_on_few_events_the_last_change_is_tested_against_the_previous_observation():
    """Methodology §7: W3's last change on counts counts only when the exact conditional test of the
    latest year's events against the previous observation's gives p below count_alpha. An MMR on
    10,000 births a year, deaths 3, 3, 3, 0, then 8 over 2020–2024 (17 events, too few for the GLM):
    the latest year against the rest, P(X ≥ 8 | 17, 1/5) = 0.0109, is not below count_alpha, so the
    slope is not bad; the last change 0 → 8, P(X ≥ 8 | 8, ½) = 1/256, is bad; 8 against the 2020
    baseline's 3, P(X ≥ 8 | 11, ½) = 0.11, is within chance: W3's watch. (Against 2022's 3 deaths,
    the year before the previous observation, the change would be within chance too.)"""
    from scipy.stats import binom

    alpha = DEFAULT_RULES.count_alpha
    assert binom.sf(7, 17, 0.2) >= alpha
    assert binom.sf(7, 8, 0.5) == 1 / 256 < alpha <= binom.sf(7, 11, 0.5)
    data = mmr([3.0, 3.0, 3.0, 0.0, 8.0], [10_000.0] * 5)
    w3 = flag_table(data, Target(id="mmr", indicator=MMR, kind="decrease")).query("check == 'W3'")
    assert w3["severity"].tolist() == ["watch"]
