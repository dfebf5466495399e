"""Column names of the canonical long frame, in one place.

Every step reads and writes frames with these columns. A submission row is one
observation: region × year × indicator × sex (× area_type × age_group) → value, with the
counts behind it where a department sent them, and a reference to where it came from.
"""

from __future__ import annotations

__all__ = [
    "AGE_GROUP",
    "AREA_TYPE",
    "DENOMINATOR",
    "INDICATOR",
    "KEY",
    "NUMERATOR",
    "OPTIONAL_COLUMNS",
    "REGION",
    "REQUIRED_COLUMNS",
    "SEX",
    "SOURCE",
    "SOURCE_FILE",
    "SOURCE_ROW",
    "SOURCE_SHEET",
    "UNIT",
    "VALUE",
    "YEAR",
]

REGION = "region"  # GB/T 2260 code as text, "211400"
YEAR = "year"  # int
INDICATOR = "indicator"  # catalogue id
SEX = "sex"  # female | male | total
VALUE = "value"  # float, in the indicator's canonical unit after conversion
AREA_TYPE = "area_type"  # urban | rural | total
AGE_GROUP = "age_group"  # free text, "total" when not disaggregated
UNIT = "unit"  # unit as submitted
NUMERATOR = "numerator"  # count behind a rate or share
DENOMINATOR = "denominator"
SOURCE = "source"  # department or survey named by the sender
SOURCE_FILE = "source_file"  # file the row was read from
SOURCE_SHEET = "source_sheet"  # sheet name for Excel, "" for CSV
SOURCE_ROW = "source_row"  # 1-based row number as the sender sees it in the file

REQUIRED_COLUMNS = (REGION, YEAR, INDICATOR, SEX, VALUE)
OPTIONAL_COLUMNS = (AREA_TYPE, AGE_GROUP, UNIT, NUMERATOR, DENOMINATOR, SOURCE, SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)

#: The key that identifies one observation; duplicates of it are rejected.
KEY = (REGION, YEAR, INDICATOR, SEX, AREA_TYPE, AGE_GROUP)

#: Cell texts (lower-cased, stripped) that mean "no data": a blank, dashes, ellipses, "/".
#: The reader turns them into missing values, validation reports such a row as ``no_data``,
#: and a component left so is skipped by the formulas, not refused.
#: "..." and "......" are the ellipses once NFKC-normalised, as the reader compares them.
MISSING_SPELLINGS = frozenset({"", "—", "——", "…", "……", "...", "......", "-", "--", "－", "nan", "none", "null", "/"})
