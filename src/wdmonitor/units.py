"""The one pint registry of wdmonitor and the Chinese unit spellings the plans use.

Units are dimensionless scales (percent, per 100k, per mille …) or counts of things
(persons, institutions, beds), years, hours and money. Each spelling found in plans and
submissions (``/10万``, ``‰``, ``岁``, ``所``) maps to a pint unit; :func:`parse_unit` turns
any of them into a :class:`pint.Unit`, :func:`convert` converts values between compatible
units and refuses incompatible ones with a bilingual :class:`~wdmonitor.errors.UnitError`.

Examples
--------
>>> from wdmonitor.units import convert, parse_unit
>>> str(parse_unit("/10万"))
'per_100k'
>>> float(convert(1.5, "/万", "/10万"))
15.0
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pint

from .errors import UnitError

__all__ = ["UNIT_SPELLINGS", "convert", "conversion_factor", "parse_unit", "registry", "unit_label"]

_DEFINITIONS = (
    # scales of dimensionless rates and shares
    "per_10 = 0.1",
    "per_mille = 0.001",
    "per_10k = 1e-4",
    "per_100k = 1e-5",
    "per_million = 1e-6",
    "ratio = 1",
    # a year of age (岁: life expectancy) is a year, labelled apart from a year of schooling (年)
    "year_of_age = year",
    # counts of things; each is its own dimension so persons never become institutions
    "person = [person]",
    "ten_thousand_persons = 10000 * person",
    "institution = [institution]",
    "bed = [bed]",
    "yuan = [currency]",
    "ten_thousand_yuan = 10000 * yuan",
    "case = [case]",
    # a child counts as a person: "doctors per 1000 children" is person / (1000 person)
    "thousand_children = 1000 * person",
)


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The one pint registry of wdmonitor, built on first use.

    Building pint's registry takes about half a second, so it is not done when
    ``wdmonitor`` is imported but the first time a unit is parsed.
    """
    import pint

    ureg: pint.UnitRegistry = pint.UnitRegistry(on_redefinition="raise", autoconvert_offset_to_baseunit=False)
    for definition in _DEFINITIONS:
        ureg.define(definition)
    return ureg


#: Chinese and plain spellings found in plans and submissions, mapped to pint expressions.
UNIT_SPELLINGS: dict[str, str] = {
    "%": "percent",
    "％": "percent",
    "percent": "percent",
    "pct": "percent",
    "百分比": "percent",
    "/10万": "per_100k",
    "1/10万": "per_100k",
    "/100000": "per_100k",
    "per_100k": "per_100k",
    "per 100k": "per_100k",
    "per 100000": "per_100k",
    "/万": "per_10k",
    "1/万": "per_10k",
    "/10000": "per_10k",
    "per_10k": "per_10k",
    "‰": "per_mille",
    "/千": "per_mille",
    "/1000": "per_mille",
    "per_mille": "per_mille",
    "per mille": "per_mille",
    "per 1000": "per_mille",
    "/百万": "per_million",
    "比": "ratio",
    "比值": "ratio",
    "ratio": "ratio",
    "倍": "ratio",
    "1": "ratio",
    "岁": "year_of_age",
    "周岁": "year_of_age",
    "年": "year",
    "years": "year",
    "year": "year",
    "小时": "hour",
    "时": "hour",
    "hours": "hour",
    "hour": "hour",
    "分钟": "minute",
    "minutes": "minute",
    "人": "person",
    "名": "person",
    "位": "person",
    "人次": "person",
    "persons": "person",
    "person": "person",
    "万人": "ten_thousand_persons",
    "所": "institution",
    "个": "institution",
    "家": "institution",
    "处": "institution",
    "institutions": "institution",
    "institution": "institution",
    "张": "bed",
    "beds": "bed",
    "bed": "bed",
    "元": "yuan",
    "yuan": "yuan",
    "万元": "ten_thousand_yuan",
    "例": "case",
    "件": "case",
    "起": "case",
    "cases": "case",
    "case": "case",
    "名/千名儿童": "person / thousand_children",
    "人/千名儿童": "person / thousand_children",
    "per 1000 children": "person / thousand_children",
    "张/千名儿童": "bed / thousand_children",
    "beds per 1000 children": "bed / thousand_children",
}

_LABELS = {
    "percent": "%",
    "per_100k": "/10万",
    "per_10k": "/万",
    "per_mille": "‰",
    "per_million": "/百万",
    "ratio": "",
    "year": "年",
    "year_of_age": "岁",
    "hour": "小时",
    "person": "人",
    "institution": "个",
    "bed": "张",
    "yuan": "元",
    "case": "例",
}
_LABELS_EN = {
    "percent": "%",
    "per_100k": "per 100,000",
    "per_10k": "per 10,000",
    "per_mille": "‰",
    "per_million": "per million",
    "ratio": "",
    "year": "years",
    "year_of_age": "years",
    "hour": "hours",
    "person": "persons",
    "institution": "institutions",
    "bed": "beds",
    "yuan": "yuan",
    "case": "cases",
}


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).strip()
    text = re.sub(r"\s+", "", text) if re.search(r"[\u4e00-\u9fff]", text) else text
    return text.replace("10万", "10万").replace("十万", "10万")


@lru_cache(maxsize=512)
def parse_unit(spelling: str) -> pint.Unit:
    """Return the pint unit of a spelling used in plans and submissions.

    Parameters
    ----------
    spelling : str
        ``"%"``, ``"/10万"``, ``"‰"``, ``"岁"``, ``"所"``, ``"per_100k"``, or any pint
        expression over the registry's units.

    Raises
    ------
    UnitError
        When the spelling is not a known unit.

    Examples
    --------
    >>> str(parse_unit("岁")), str(parse_unit("年"))
    ('year_of_age', 'year')
    """
    if spelling is None or (isinstance(spelling, float) and np.isnan(spelling)):
        raise UnitError("unit is missing / 缺少单位")
    text = _normalise(spelling)
    expression = UNIT_SPELLINGS.get(text, UNIT_SPELLINGS.get(text.lower(), text))
    import pint

    try:
        unit = registry().parse_units(expression)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError, AttributeError, TypeError) as error:
        known = ", ".join(sorted({k for k in UNIT_SPELLINGS if not k.isascii()})[:12])
        raise UnitError(
            f"unknown unit {spelling!r}: expected a unit such as %, /10万, ‰, 岁, 人, 所 ({known} …) / "
            f"未知单位 {spelling!r}"
        ) from error
    return unit


def unit_label(unit: pint.Unit | str, lang: str = "zh") -> str:
    """The short label of a unit for tables and charts.

    >>> unit_label("per_100k"), unit_label("per_100k", lang="en"), unit_label("hour", lang="en")
    ('/10万', 'per 100,000', 'hours')
    """
    text = str(parse_unit(unit) if isinstance(unit, str) else unit)
    return (_LABELS_EN if lang == "en" else _LABELS).get(text, text)


@lru_cache(maxsize=1024)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """The factor that converts a value in ``from_unit`` to ``to_unit``.

    Raises
    ------
    UnitError
        When either unit is unknown or the two are not compatible (percent to years).
    """
    import pint

    source, target = parse_unit(from_unit), parse_unit(to_unit)
    try:
        factor = float(registry().Quantity(1.0, source).to(target).magnitude)
    except pint.errors.DimensionalityError as error:
        raise UnitError(
            f"cannot convert {from_unit!r} to {to_unit!r}: the units measure different things "
            f"({source.dimensionality} vs {target.dimensionality}) / "
            f"单位 {from_unit!r} 无法换算为 {to_unit!r}：量纲不同"
        ) from error
    # Scales are powers of ten; rounding to 12 significant digits removes the binary noise
    # (1e-4 / 1e-5 = 9.999999999999998) so that 1.5 per 10k is exactly 15 per 100k.
    return float(f"{factor:.12g}")


def convert(values: Any, from_unit: str, to_unit: str) -> Any:
    """Convert a number or array of numbers from one unit to another.

    Examples
    --------
    >>> float(convert(0.5, "ratio", "%"))
    50.0
    """
    factor = conversion_factor(from_unit, to_unit)
    if isinstance(values, (list, tuple)):
        values = np.asarray(values, dtype=float)
    return values * factor if factor != 1.0 else values


def is_percent(unit: pint.Unit | str) -> bool:
    """Whether a unit is percent (natural limit 100)."""
    return str(parse_unit(unit) if isinstance(unit, str) else unit) == "percent"
