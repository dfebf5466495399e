"""Cases written against mutants of ``early_warning._gap_widening`` (W4) and ``_data_flags`` (W5)
that survived the boundary files (the run of 2026-12-04, docs/testing.md).

The expected values come from the rules as the methodology states them (``methodology.md`` §4,
§7, §8 and ``docs/methodology.md``); the data are built so that each rule decides alone.
"""

from __future__ import annotations

from test_mutation_kills_warnings import GAP_TARGET, area_gap, checks, flag_table, severity


def test_w4_a_gap_observed_in_one_year_only_has_nothing_to_widen_from():
    """W4 compares the latest gap with the previous one and with the baseline (docs/methodology.md
    §4): a counted urban–rural gap observed in 2024 alone has no previous observation, so it is no
    widening — and the interval of a year that is not there is no interval (NaN), not an error."""
    urban, rural = {2024: 50.0}, {2024: 100.0}
    table = flag_table(area_gap(urban, rural), GAP_TARGET)
    assert severity(checks(table, "W4")) == "none"
    assert len(checks(table, "too_short")) == 1  # one point: W5 says so instead
