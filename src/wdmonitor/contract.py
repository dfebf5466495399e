"""The submission contract: a pandera model of the canonical long frame.

One module, imported only when a frame is validated (pandera's import costs about
0.4 s, which a notebook that only loads a plan should not pay). The checks that need a
plan — known indicators and regions, sex scope, units, counts — live beside it in
:mod:`wdmonitor.validation` and add to the same report.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .readers import _map_unique
from .vocabulary import AreaType, Sex

__all__ = ["SubmissionModel"]


class SubmissionModel(pa.DataFrameModel):
    """The canonical long frame after its numbers are parsed (see :mod:`wdmonitor.schema`)."""

    region: Series[str] = pa.Field(nullable=False)
    year: Series[float] = pa.Field(nullable=False)
    indicator: Series[str] = pa.Field(nullable=False)
    sex: Series[str] = pa.Field(isin=[s.value for s in Sex])
    value: Series[float] = pa.Field(nullable=False)
    area_type: Series[str] = pa.Field(isin=[a.value for a in AreaType])
    age_group: Series[str] = pa.Field(nullable=False)

    class Config:
        strict = False

    @pa.check("region", name="six_digit_code")
    @classmethod
    def _six_digit_code(cls, region: pd.Series) -> pd.Series:
        """A six-digit GB/T 2260 code; judged once per distinct value, not once per row."""
        return _map_unique(region, lambda v: isinstance(v, str) and len(v) == 6 and v.isascii() and v.isdigit()).fillna(False).astype(bool)
