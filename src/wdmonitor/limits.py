"""The input limits wdmonitor enforces while parsing, in one place.

Every reader imports its limits from here, so a limit has one value, one name and one line
in ``docs/robustness.md`` saying why. Limits are checked while a file is parsed, before
anything is expanded or allocated: a small file can never make wdmonitor hang or run out
of memory.

Plans and the catalogue (YAML)
------------------------------
``MAX_YAML_BYTES``
    Bytes read from one definition file (5 MB; the largest bundled plan is under 100 KB).
``MAX_YAML_NODES``
    Nodes (scalars, lists, mappings) of the document *after* every alias is expanded
    (1,000,000; the bundled catalogue has about 20,000). Counted from the parser's events,
    so an alias bomb ("billion laughs") is refused without being built.
``MAX_YAML_DEPTH``
    Lists and mappings nested inside each other (64; a plan needs 6). Deeper nesting would
    reach Python's recursion limit in the YAML constructor.
``MAX_YAML_ALIASES``
    ``*alias`` references in one file (1,000; plans written by hand use none or a few).
``MIN_YEAR``, ``MAX_YEAR``
    The years a plan, a target or a command-line option may name (1800–2200): wide enough
    for any baseline and plan period, narrow enough that no year overflows a date or an
    integer column.

Department files (CSV and workbooks)
------------------------------------
``MAX_BYTES``
    Bytes read from one submission (200 MB, held while reading: at most one byte more is
    read whatever size the file claims) and bytes a workbook's parts may unzip to (a zip
    bomb). The national panel's largest province file is about 10 MB.
``MAX_ROWS``
    Rows of one submission once read (5,000,000; the whole national panel is 2.4 million).
``MAX_SHEET_ROWS``, ``MAX_SHEET_COLUMNS``
    The extent of one sheet (1,100,000 rows, above Excel's 1,048,576; 500 columns), counted
    from the cells that hold something in the sheet's XML before any grid is allocated.
"""

from __future__ import annotations

__all__ = ["MAX_BYTES", "MAX_ROWS", "MAX_SHEET_COLUMNS", "MAX_SHEET_ROWS", "MAX_YAML_ALIASES", "MAX_YAML_BYTES", "MAX_YAML_DEPTH", "MAX_YAML_NODES", "MAX_YEAR", "MIN_YEAR"]

MAX_YAML_BYTES = 5_000_000
MAX_YAML_NODES = 1_000_000
MAX_YAML_DEPTH = 64
MAX_YAML_ALIASES = 1_000
MIN_YEAR = 1800
MAX_YEAR = 2200
MAX_BYTES = 200_000_000
MAX_ROWS = 5_000_000
MAX_SHEET_ROWS = 1_100_000
MAX_SHEET_COLUMNS = 500
