"""The store's CSV export cannot become formulas in a spreadsheet, and merges back to the same texts."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from wdmonitor import Store, load_plan

PLAN = load_plan("huludao-2021-2030")
TEXTS = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+cmd|'/C calc'!A0", "-1 revised", "@SUM(A1)", "\tTAB", "'quoted",
         "\\N", "\\=both", "plain 文本", ""]


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_cell_of_the_export_is_safe_in_a_spreadsheet_and_merges_back_unchanged(tmp_path, text):
    county = Store(tmp_path / "county.sqlite", plan=PLAN)
    frame = pd.DataFrame({"region": ["211421"], "year": [2024], "indicator": ["maternal_mortality_ratio"], "sex": ["female"],
                          "value": [9.8], "source": [text]})
    county.add(frame, department="卫健委", note=text)
    exported = county.export(tmp_path / "county.csv")
    with exported.open(encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    city = Store(tmp_path / "city.sqlite", plan=PLAN)
    city.merge(exported)
    merged = city.frame()
    assert merged["source"].fillna("").tolist() == [text]
    city.merge(exported)  # the same rows again: skipped, not a conflict, nothing changes
    pd.testing.assert_frame_equal(city.frame(), merged)
