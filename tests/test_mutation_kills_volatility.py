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

import pandas as pd
import pytest

from evaluation_helpers import COUNTIES, make_plan
from wdmonitor import Target
from wdmonitor.early_warning import flags_for_valid, hb_flags
from wdmonitor.rules import DEFAULT_RULES

AS_OF = 2024
JURISDICTION = "211400"
HIGHER = "life_expectancy_female"  # years, higher is better, linear, one decimal
SHARE = "female_share_peoples_congress_standing_committee"  # percent, higher is better, one decimal
UNIT = 0.1  # one unit of the last reported decimal of HIGHER and SHARE


def frame(indicator: str, values: dict[int, float], *, region: str = JURISDICTION, sex: str = "female") -> pd.DataFrame:
    return pd.DataFrame({"region": region, "year": list(values), "indicator": indicator, "sex": sex,
                         "area_type": "total", "age_group": "total", "value": [float(v) for v in values.values()]})


def flag_table(data: pd.DataFrame, *targets: Target, rules=DEFAULT_RULES, as_of: int = AS_OF) -> pd.DataFrame:
    table = flags_for_valid(data, make_plan(*targets), as_of, rules=rules)
    return getattr(table, "table", table)


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
