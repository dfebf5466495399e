"""Reporting precision (methodology §8): declared in the catalogue, defaulted by unit."""

from __future__ import annotations

import pytest

from wdmonitor import load_indicators
from wdmonitor.errors import PlanError
from wdmonitor.indicators import Indicator, default_precision
from wdmonitor.registry import _Collector, _parse_indicator


def test_defaults_follow_the_methodology() -> None:
    catalogue = load_indicators()
    assert catalogue["maternal_mortality_ratio"].precision == 1  # a rate
    assert catalogue["life_expectancy_female"].precision == 1
    assert catalogue["kindergarten_enrolment"].precision == 0  # a count
    assert default_precision("percent") == 1
    assert default_precision("ratio") == 2
    assert default_precision("yuan") == 0


def test_catalogue_declares_precision_where_the_default_is_too_coarse() -> None:
    assert load_indicators()["pediatric_doctors_per_1000_children"].precision == 2


def test_every_indicator_has_a_precision() -> None:
    assert all(isinstance(i.precision, int) and 0 <= i.precision <= 6 for i in load_indicators().values())


def test_indicator_refuses_an_impossible_precision() -> None:
    with pytest.raises(ValueError, match=r"precision must be a whole number of decimals from 0 to 6 \(got 1.5\)"):
        Indicator(id="x", name_zh="x", name_en="x", area="health", unit="percent", direction="higher",
                  sex_scope="female", precision=1.5)  # type: ignore[arg-type]


def test_loader_names_the_entry_with_a_bad_precision() -> None:
    collector = _Collector("indicators.yaml")
    entry = {"id": "x", "name_zh": "x", "name_en": "x", "area": "health", "unit": "%", "direction": "higher",
             "sex_scope": "female", "precision": -1}
    assert _parse_indicator(entry, "indicators[0]", collector) is None
    with pytest.raises(PlanError, match=r"indicators\[0\]\.precision.*precision must be a whole number of decimals from 0 to 6"):
        collector.raise_if_any()
