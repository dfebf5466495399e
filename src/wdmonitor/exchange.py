"""Exchange between levels: the CSV export format and the conflicts a merge refuses.

:meth:`wdmonitor.Store.export` and :meth:`wdmonitor.Store.merge` use these: a county's
store or export is compared with the city's before anything is written, and a CSV export is
read back only when it is one (its columns, its numbers, its keys).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import schema as col
from .errors import StoreError
from .storage import OBSERVATION_COLUMNS as _OBSERVATION_COLUMNS
from .storage import SUBMISSION_COLUMNS as _SUBMISSION_COLUMNS

__all__ = ["CONFLICT_COLUMNS", "CSV_NULL", "ROW_CONTENT", "changed_rows", "conflicts", "csv_encode", "read_csv_export"]

_KEY = list(col.KEY)
#: What makes a stored row the same row: its key and every figure and text it carries.
ROW_CONTENT = [col.VALUE, col.UNIT, col.NUMERATOR, col.DENOMINATOR, col.SOURCE, col.SOURCE_FILE,
               col.SOURCE_SHEET, col.SOURCE_ROW]
#: The columns of a merge's conflict report.
CONFLICT_COLUMNS = [*_KEY, "value_here", "value_incoming", "submission_here", "submission_incoming",
                    "message_en", "message_zh"]
#: The CSV export writes NULL as ``\N`` (PostgreSQL's and MySQL's spelling), so an empty
#: text stays an empty text; a text that starts with a backslash gets one more.
CSV_NULL = "\\N"


def conflicts(ours: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """Keys stored here and incoming from other submissions with different values."""
    if ours.empty or incoming.empty:
        return pd.DataFrame(columns=CONFLICT_COLUMNS)
    left = ours[["submission_id", *_KEY, "value"]].rename(
        columns={"value": "value_here", "submission_id": "submission_here"})
    right = incoming[["submission_id", *_KEY, "value"]].rename(
        columns={"value": "value_incoming", "submission_id": "submission_incoming"})
    left, right = _keyed(left), _keyed(right)
    both = left.merge(right, on=_KEY, how="inner")
    differ = ~np.isclose(both["value_here"].astype(float), both["value_incoming"].astype(float),
                         rtol=1e-12, atol=0.0, equal_nan=True)
    both = both[differ].reset_index(drop=True)
    both["message_en"] = (
        "conflicting duplicate: " + _key_text(both) + " is " + both["value_here"].astype(str)
        + " here and " + both["value_incoming"].astype(str) + " in the incoming store"
    )
    both["message_zh"] = (
        "重复数据冲突：" + _key_text(both, zh=True) + " 本库为" + both["value_here"].astype(str) + "，导入库为"
        + both["value_incoming"].astype(str)
    )
    return both[CONFLICT_COLUMNS]


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame[col.YEAR] = frame[col.YEAR].astype("int64")
    for name in _KEY:
        if name != col.YEAR:
            frame[name] = frame[name].astype(str)
    return frame


def _key_text(frame: pd.DataFrame, zh: bool = False) -> pd.Series:
    year = frame[col.YEAR].astype(str) + ("年" if zh else "")
    return frame[col.REGION] + " " + year + " " + frame[col.INDICATOR] + " " + frame[col.SEX]


def changed_rows(ours: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """Rows of submissions present here whose incoming copy differs: changed, added or missing."""
    if ours.empty and incoming.empty:
        return pd.DataFrame(columns=CONFLICT_COLUMNS)
    on = ["submission_id", *_KEY]
    left, right = _keyed(ours), _keyed(incoming[[*on, *ROW_CONTENT]])
    both = left.merge(right, on=on, how="outer", suffixes=("_here", "_incoming"), indicator=True)
    differs = both["_merge"] != "both"
    for name in ROW_CONTENT:
        here, there = both[f"{name}_here"], both[f"{name}_incoming"]
        if name in (col.VALUE, col.NUMERATOR, col.DENOMINATOR):
            same = np.isclose(pd.to_numeric(here, errors="coerce").astype(float),
                              pd.to_numeric(there, errors="coerce").astype(float), rtol=1e-12, atol=0.0, equal_nan=True)
        elif name == col.SOURCE_ROW:
            a, b = pd.to_numeric(here, errors="coerce"), pd.to_numeric(there, errors="coerce")
            same = ((a == b) | (a.isna() & b.isna())).fillna(False).to_numpy(dtype=bool)
        else:  # a missing text and an empty one are the same text
            same = (here.astype(object).where(here.notna(), "").astype(str)
                    == there.astype(object).where(there.notna(), "").astype(str)).to_numpy()
        differs |= ~same
    changed = both[differs].reset_index(drop=True)

    def value(name: str) -> pd.Series:
        return changed[name].map(lambda v: "absent" if pd.isna(v) else str(v)).astype(str)

    what = np.where(changed["_merge"] == "left_only", "absent from the incoming file",
                    np.where(changed["_merge"] == "right_only", "absent here", "changed"))
    what_zh = np.where(changed["_merge"] == "left_only", "导入文件中缺少该行",
                       np.where(changed["_merge"] == "right_only", "本库中没有该行", "内容被改动"))
    out = changed[_KEY].copy()
    out["value_here"] = changed["value_here"].astype(float)
    out["value_incoming"] = changed["value_incoming"].astype(float)
    out["submission_here"] = changed["submission_id"]
    out["submission_incoming"] = changed["submission_id"]
    sid = changed["submission_id"].astype(str)
    out["message_en"] = ("changed row under an existing submission " + sid + ": "
                         + _key_text(changed) + " is " + pd.Series(what, index=changed.index, dtype=str)
                         + " (value " + value("value_here") + " here, " + value("value_incoming")
                         + " in the incoming file); a changed row is refused, never skipped")
    out["message_zh"] = ("已有报送" + sid + "的数据被改动：" + _key_text(changed, zh=True) + " "
                         + pd.Series(what_zh, index=changed.index, dtype=str) + "（本库" + value("value_here") + "，导入文件"
                         + value("value_incoming") + "），拒绝合并")
    return out[CONFLICT_COLUMNS]


#: Text a spreadsheet opening the export would take for a formula, or for an escaped one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def csv_encode(frame: pd.DataFrame) -> pd.DataFrame:
    """Texts made safe and reversible for the CSV export: one that starts with a backslash gets
    one more (so that ``\\N`` can only mean NULL), then one that starts like a formula (``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return) or with an apostrophe gets a leading
    apostrophe, so a spreadsheet shows it as text; :func:`read_csv_export` undoes both."""
    frame = frame.copy()
    for name in frame.columns:
        if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
            values = frame[name].astype(object)
            escape = values.map(lambda v: isinstance(v, str) and v.startswith("\\"))
            if escape.any():
                values[escape] = "\\" + values[escape].astype(str)
            formula = values.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_STARTS))
            if formula.any():
                values[formula] = "'" + values[formula].astype(str)
            frame[name] = values
    return frame


def read_csv_export(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An export written by :meth:`Store.export` (``.csv``), checked to be one."""
    from .storage import FLOAT_COLUMNS, INTEGER_COLUMNS

    try:
        with path.open(encoding="utf-8") as handle:
            header = handle.readline()
    except (UnicodeDecodeError, OSError) as error:
        raise StoreError(f"{path}: cannot be read as a wdmonitor export ({error}); expected a UTF-8 CSV written by "
                         f"Store.export / 不是wdmonitor导出文件，未合并") from None
    names = [name.strip().strip('"') for name in header.rstrip("\r\n").split(",")]
    missing = [name for name in (*_OBSERVATION_COLUMNS, *_SUBMISSION_COLUMNS) if name not in names]
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        raise StoreError(
            f"{path}: not a wdmonitor export (missing the column(s) {shown}); merge takes a store file or a CSV "
            f"written by Store.export (wdmonitor store export); to add a department's file use Store.add "
            f"(wdmonitor store add) / 不是wdmonitor导出文件（缺少列），未合并；报送文件请用 store add 入库"
        )
    try:
        frame = pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[CSV_NULL], encoding="utf-8")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise StoreError(f"{path}: a damaged export ({str(error).splitlines()[0]}); nothing was merged / "
                         f"导出文件已损坏，未合并") from None
    for name in frame.columns:
        if name in FLOAT_COLUMNS or name in INTEGER_COLUMNS:
            numbers = pd.to_numeric(frame[name].replace("", None), errors="coerce")
            bad = numbers.isna() & frame[name].notna() & (frame[name] != "")
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
                raise StoreError(f"{path}, row {row}, column {name}: {str(frame[name][bad].iloc[0])[:40]!r} is not a "
                                 f"number; the export is damaged, nothing was merged / 导出文件第{row}行{name}列不是数字，未合并")
            frame[name] = numbers
        else:
            values = frame[name].astype(object)
            quoted = values.map(lambda v: isinstance(v, str) and v.startswith("'"))
            if quoted.any():  # undo csv_encode's apostrophe, then its backslash
                values[quoted] = values[quoted].str[1:]
            unescape = values.map(lambda v: isinstance(v, str) and v.startswith("\\\\"))
            if unescape.any():
                values[unescape] = values[unescape].str[1:]
            frame[name] = values
    for name in ("submission_id", "department", "submitted_at", "source_sha256", *_KEY):
        if frame[name].isna().any() or (frame[name] == "").any():
            row = int(np.flatnonzero((frame[name].isna() | (frame[name] == "")).to_numpy())[0]) + 2
            raise StoreError(f"{path}, row {row}: the column {name} is empty; the export is damaged, nothing was "
                             f"merged / 导出文件第{row}行{name}列为空，未合并")
    submissions = frame[_SUBMISSION_COLUMNS].drop_duplicates("submission_id").reset_index(drop=True)
    for name in ("note", "origin", "source_name", "plan_id"):
        submissions[name] = submissions[name].fillna("")
    submissions["n_rows"] = submissions["n_rows"].astype("int64")
    observations = frame[["submission_id", *_OBSERVATION_COLUMNS]]
    return submissions, observations
