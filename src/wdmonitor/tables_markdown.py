"""A small Markdown table renderer, so exports need no extra dependency (tabulate)."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["to_markdown"]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(frame: pd.DataFrame) -> str:
    """Render a frame as a GitHub-flavoured Markdown table (no index).

    Examples
    --------
    >>> print(to_markdown(pd.DataFrame({"a": [1.5, None], "b": ["x|y", "z"]})), end="")
    | a | b |
    |---|---|
    | 1.5 | x\\|y |
    |  | z |
    """
    header = "| " + " | ".join(_cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False, name=None)]
    return "\n".join([header, rule, *body]) + "\n"
