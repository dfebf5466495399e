"""Cases written against mutants of ``early_warning._gap_widening`` (W4) and ``_data_flags`` (W5)
that survived the boundary files (the run of 2026-12-04, docs/testing.md).

The expected values come from the rules as the methodology states them (``methodology.md`` §4,
§7, §8 and ``docs/methodology.md``); the data are built so that each rule decides alone.
"""

from __future__ import annotations

import numpy as np

from test_mutation_kills_warnings import GAP_TARGET, area_gap, checks, flag_table, severity
from test_mutation_kills_warnings import frame as frame_of


def test_w4_a_gap_observed_in_one_year_only_has_nothing_to_widen_from():
    """W4 compares the latest gap with the previous one and with the baseline (docs/methodology.md
    §4): a counted urban–rural gap observed in 2024 alone has no previous observation, so it is no
    widening — and the interval of a year that is not there is no interval (NaN), not an error."""
    urban, rural = {2024: 50.0}, {2024: 100.0}
    table = flag_table(area_gap(urban, rural), GAP_TARGET)
    assert severity(checks(table, "W4")) == "none"
    assert len(checks(table, "too_short")) == 1  # one point: W5 says so instead


def test_w4_at_the_final_year_reads_that_years_counts_for_the_interval():
    """At the final evaluation (as of 2030, data to 2030: the last year the engine holds), W4's interval
    uses the 2030 counts themselves. An urban–rural MMR gap of 500 per 10万 (urban 5, rural 505) on a
    million births a year in each area, except 20,000 in 2029, widens to 560 in 2030. Against the
    baseline the change, 60, exceeds z·sqrt(Var_2030 + Var_2020) (about 20) and is 12% of the gap, past
    w4_alert_widening (10%): an alert. The 2029 counts (a variance 25 times larger) would put the bound
    near 100 and hide it."""
    from scipy.stats import norm

    from evaluation_helpers import series

    births = {y: 1_000_000.0 for y in range(2020, 2031)} | {2029: 20_000.0}
    rates = {"urban": dict.fromkeys(births, 5.0), "rural": dict.fromkeys(births, 505.0) | {2030: 565.0}}
    frames = [series("maternal_mortality_ratio", rates[area], sex="female", area_type=area,
                     numerators=[rates[area][y] * births[y] / 1e5 for y in births], denominators=list(births.values()))
              for area in ("urban", "rural")]
    import pandas as pd

    def variance(year: int) -> float:  # Var(gap) = Σ max(k, 1)/n² × 10^10 over the two areas (per 10万)
        return sum(max(rates[a][year] * births[year] / 1e5, 1.0) for a in rates) / births[year] ** 2 * 1e10

    z = norm.ppf(1 - (1 - 0.95) / 2)
    change = (565.0 - 5.0) - (505.0 - 5.0)  # the gap in 2030 against the baseline gap (2020)
    assert z * (variance(2030) + variance(2020)) ** 0.5 < change < z * (variance(2029) + variance(2020)) ** 0.5
    assert change / 500.0 >= 0.10
    table = flag_table(pd.concat(frames, ignore_index=True), GAP_TARGET, as_of=2030)
    assert severity(checks(table, "W4")) == "alert"


def test_w4_a_counted_gap_wider_than_at_baseline_but_within_chance_of_last_year_does_not_warn():
    """A warning needs the gap wider than last year *and* than at baseline, each beyond its own
    interval (docs/methodology.md §4, §7). A nation's urban–rural MMR (ten million births a year in
    each area, so Var(gap) = (k_u + k_r)/n² × 10^10 is about 1.2): the gap is 100 per 10万 at baseline,
    104 in 2023 and 106 in 2024. Against the baseline, 6 exceeds z·sqrt(Var_2024 + Var_2020) (about 3)
    but is 6% of the gap, short of an alert; against 2023, 2 is within z·sqrt(Var_2024 + Var_2023):
    no warning."""
    import pandas as pd
    from scipy.stats import norm

    from evaluation_helpers import series

    births = 10_000_000.0
    rural = dict.fromkeys(range(2020, 2023), 110.0) | {2023: 114.0, 2024: 116.0}
    rates = {"urban": dict.fromkeys(rural, 10.0), "rural": rural}
    frames = [series("maternal_mortality_ratio", rates[area], sex="female", area_type=area,
                     numerators=[r * births / 1e5 for r in rates[area].values()], denominators=[births] * len(rural))
              for area in ("urban", "rural")]

    def bound(a: int, b: int) -> float:
        var = [sum(rates[area][y] * births / 1e5 for area in rates) / births**2 * 1e10 for y in (a, b)]
        return norm.ppf(0.975) * float(np.sqrt(sum(var)))

    assert bound(2024, 2020) < 6.0 < 0.10 * 100.0 and bound(2024, 2023) > 2.0
    table = flag_table(pd.concat(frames, ignore_index=True), GAP_TARGET)
    assert severity(checks(table, "W4")) == "none"


def test_w5_a_baseline_the_data_contradict_names_the_plans_value_and_the_datas():
    """W5 (docs/methodology.md §4): where the plan states a baseline and the data hold another value
    for that year, the flag reports both and says the data's is used. The plan states 72.0 years for
    2020; the data hold 72.4."""
    from evaluation_helpers import make_plan, series, years
    from wdmonitor import Target
    from wdmonitor.early_warning import flags_for_valid
    from wdmonitor.indicators import Baseline

    target = Target(id="le", indicator="life_expectancy_female", kind="at_least", values={2025: 80.0})
    plan = make_plan(target, baselines=(Baseline(indicator="life_expectancy_female", year=2020, value=72.0),))
    data = series("life_expectancy_female", years(2020, 72.4, 72.6, 72.8, 73.0, 73.2))
    table = flags_for_valid(data, plan, 2024)
    rows = checks(getattr(table, "table", table), "baseline_conflict")
    assert len(rows) == 1 and rows["severity"].iloc[0] == "watch"
    assert rows["message_en"].iloc[0] == "the plan states a baseline of 72; the data hold 72.4, which is used"


def test_w5_a_zero_in_a_geometric_series_is_that_series_note_alone():
    """W5's note that a geometric-scale series holding a 0 is projected on the linear scale (methodology
    §7, zeros) belongs to that series: of two regions' MMRs, only the one with a year of no death gets it."""
    import pandas as pd

    from evaluation_helpers import series, years
    from wdmonitor import Target

    county = "211402"
    data = pd.concat([series("maternal_mortality_ratio", years(2020, 12.0, 0.0, 10.0, 9.0, 8.0)),
                      series("maternal_mortality_ratio", years(2020, 12.0, 11.0, 10.0, 9.0, 8.0), region=county)],
                     ignore_index=True)
    table = flag_table(data, Target(id="m", indicator="maternal_mortality_ratio", kind="at_most", values={2025: 10.0}))
    assert len(checks(table, "zero_in_geometric")) == 1
    assert checks(table, "zero_in_geometric", region=county).empty


def test_w2_and_w3_judge_observed_series_and_a_derived_gap_is_w4s():
    """W2 and W3 judge each observed series a target is judged on (docs/methodology.md §4); a gap
    derived from two series is W4's business. A housework-time gap (hours, the men's series flat at 80)
    steady at 1.0–1.1 hours from 2018 that jumps to 3.0 in 2024: W4 alerts (three times the baseline
    gap), and no W2 or W3 is raised on the gap, though its last change is far beyond its earlier ones."""
    import pandas as pd

    from wdmonitor import Target

    gaps = {2018: 1.0, 2019: 1.1, 2020: 1.0, 2021: 1.1, 2022: 1.0, 2023: 1.1, 2024: 3.0}
    data = pd.concat([frame_of("housework_time_gap", {y: 80.0 - g for y, g in gaps.items()}, sex="female"),
                      frame_of("housework_time_gap", dict.fromkeys(gaps, 80.0), sex="male")], ignore_index=True)
    table = flag_table(data, Target(id="g", indicator="housework_time_gap", kind="gap_narrowing", gap_between="sex",
                                    area="economy"))
    assert severity(checks(table, "W4")) == "alert"
    assert not table["check"].isin(["W2a", "W2b", "W2c", "W3"]).any()
