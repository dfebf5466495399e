"""Indicator formulas: from the counts departments send to the indicators plans set targets on.

An indicator of the catalogue may declare a ``formula:`` over *components*, the counts
departments send (maternal deaths, live births, village committee members by sex). Four
kinds, each a few lines of YAML (``docs/formulas.md`` shows them all):

============  =========================================  ====================================
kind          computes                                   example
============  =========================================  ====================================
ratio         numerator / denominator × scale            MMR = maternal_deaths / live_births
                                                         × 100 000
share         units meeting a condition / all units      teams with a woman / all teams × 100
              × 100
difference    minuend − subtrahend                       male − female income; urban − rural
sum           term + term + …                            women county party secretaries +
                                                         women county heads
============  =========================================  ====================================

A term names a component and may pin the series it reads: ``{component:
village_committee_members, sex: total}`` or ``{component: income, area_type: urban}``.
Unpinned, a term reads the series of the indicator row being computed: the same sex for
components counted by sex, ``female`` for counts of women, ``total`` for neutral counts.

:func:`compute_indicators` turns component rows into indicator rows for every series at
once (one merge per formula and sex, no loop over rows) and carries numerator and
denominator so that regions aggregate by summing counts and small-number intervals work.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from . import schema as col
from .errors import FormulaError, UnitError
from .indicators import Component, Indicator, Plan
from .units import conversion_factor
from .vocabulary import AreaType, Sex, SexScope

__all__ = ["Formula", "FormulaKind", "Term", "component_ids", "compute_indicators", "parse_formula", "with_indicators"]

#: Problems listed in full in a FormulaError message; the rest are in ``failure_cases``.
MAX_LISTED = 20


class FormulaKind(StrEnum):
    """The kinds of formula an indicator may declare."""

    RATIO = "ratio"
    SHARE = "share"
    DIFFERENCE = "difference"
    SUM = "sum"


#: The keys naming terms, in order; the first term is the one whose rows call for the formula.
_ROLES: dict[FormulaKind, tuple[str, ...]] = {
    FormulaKind.RATIO: ("numerator", "denominator"),
    FormulaKind.SHARE: ("meeting", "of"),
    FormulaKind.DIFFERENCE: ("minuend", "subtrahend"),
    FormulaKind.SUM: ("terms",),
}
_OPTIONAL: dict[FormulaKind, tuple[str, ...]] = {
    FormulaKind.RATIO: ("scale",),
    FormulaKind.SHARE: ("condition",),
    FormulaKind.DIFFERENCE: (),
    FormulaKind.SUM: (),
}
_TERM_KEYS = ("component", "sex", "area_type")
_SYMBOL = {FormulaKind.RATIO: " / ", FormulaKind.SHARE: " / ", FormulaKind.DIFFERENCE: " − ", FormulaKind.SUM: " + "}
_OWN_SEX = {SexScope.FEMALE: Sex.FEMALE, SexScope.NEUTRAL: Sex.TOTAL}


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """One input of a formula: a component, optionally pinned to a sex or an area type.

    Examples
    --------
    >>> term = Term(component="village_committee_members", sex=Sex.TOTAL)
    >>> str(term), term.sex_for(Sex.FEMALE, SexScope.BOTH).value
    ('village_committee_members[sex=total]', 'total')
    >>> Term(component="live_births").sex_for(Sex.FEMALE, SexScope.NEUTRAL).value
    'total'
    """

    component: str
    sex: Sex | None = None
    area_type: AreaType | None = None

    def sex_for(self, output: Sex, scope: SexScope) -> Sex:
        """The sex of the series this term reads when computing the ``output`` sex."""
        if self.sex is not None:
            return self.sex
        return output if scope is SexScope.BOTH else _OWN_SEX[scope]

    def __str__(self) -> str:
        pins = [f"{k}={v}" for k, v in (("sex", self.sex), ("area_type", self.area_type)) if v is not None]
        return f"{self.component}[{', '.join(pins)}]" if pins else self.component


@dataclass(frozen=True, slots=True, kw_only=True)
class Formula:
    """A parsed, checked formula of one indicator.

    Parameters
    ----------
    indicator : str
        The indicator it computes.
    kind : FormulaKind
    terms : tuple of Term
        In the order of :data:`_ROLES`: numerator first, minuend first, the first summand first.
    factors : tuple of float
        For ratio and share, one factor: the scale that expresses numerator / denominator in
        the indicator's unit (100 000 for per_100k of persons per person). For difference and
        sum, one per term: converts the term's unit to the indicator's unit.
    condition : str
        For share: the condition the counted units meet, in words.

    Examples
    --------
    >>> from wdmonitor.registry import load_components, load_indicators
    >>> share = load_indicators()["female_share_village_committee_members"]
    >>> formula, _ = parse_formula(share.formula, share, load_components())
    >>> formula.kind.value, formula.components, formula.factors
    ('ratio', ('village_committee_members',), (100.0,))
    """

    indicator: str
    kind: FormulaKind
    terms: tuple[Term, ...]
    factors: tuple[float, ...]
    condition: str = ""

    @property
    def components(self) -> tuple[str, ...]:
        """The component ids the formula reads, without repeats, in order."""
        return tuple(dict.fromkeys(t.component for t in self.terms))

    def __str__(self) -> str:
        text = _SYMBOL[self.kind].join(str(t) for t in self.terms)
        if self.kind in (FormulaKind.RATIO, FormulaKind.SHARE) and self.factors[0] != 1.0:
            text += f" × {self.factors[0]:g}"
        return text


# -- parsing ---------------------------------------------------------------------------------

Issue = tuple[str, Any, str, str]  # (key below the formula, value, expected, expected in Chinese)


def _parse_term(raw: Any, key: str, components: Mapping[str, Component], issues: list[Issue]) -> Term | None:
    if isinstance(raw, str):
        raw = {"component": raw}
    if not isinstance(raw, Mapping) or "component" not in raw:
        issues.append((key, raw, "a term is a component id or a mapping with component (and optionally sex, area_type)",
                       "组成项须为组成项编号，或含 component（可选 sex、area_type）的映射"))
        return None
    unknown = [k for k in raw if k not in _TERM_KEYS]
    for name in unknown:
        issues.append((f"{key}.{name}", name, f"unknown key; allowed keys are {', '.join(_TERM_KEYS)}", "未知的键"))
    component_id = str(raw["component"])
    component = components.get(component_id)
    if component is None:
        close = difflib.get_close_matches(component_id, list(components), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        issues.append((f"{key}.component", component_id, f"component must be declared in components:{hint}",
                       "组成项须在 components 中定义"))
        return None
    sex = area_type = None
    if raw.get("sex") is not None:
        try:
            sex = Sex(raw["sex"])
        except ValueError:
            issues.append((f"{key}.sex", raw["sex"], "sex must be one of female, male, total", "性别须为 female、male、total 之一"))
            return None
        if sex not in component.sexes:
            allowed = ", ".join(s.value for s in component.sexes)
            issues.append((f"{key}.sex", sex.value, f"component {component_id} ({component.sex_scope.value}) is counted for {allowed} only",
                           f"组成项 {component_id} 只有 {allowed} 数据"))
            return None
    if raw.get("area_type") is not None:
        try:
            area_type = AreaType(raw["area_type"])
        except ValueError:
            issues.append((f"{key}.area_type", raw["area_type"], "area_type must be one of urban, rural, total",
                           "城乡类型须为 urban、rural、total 之一"))
            return None
    return None if unknown else Term(component=component_id, sex=sex, area_type=area_type)


def _factors(kind: FormulaKind, terms: list[Term], raw: Mapping[str, Any], indicator: Indicator,
             components: Mapping[str, Component], issues: list[Issue]) -> tuple[float, ...] | None:
    units = [components[t.component].unit for t in terms]
    if kind in (FormulaKind.RATIO, FormulaKind.SHARE):
        if kind is FormulaKind.SHARE and indicator.unit != "percent":
            issues.append(("kind", kind.value, f"a share is a percentage; the indicator's unit is {indicator.unit}",
                           f"占比的单位须为百分比，指标单位为 {indicator.unit}"))
            return None
        try:
            factor = conversion_factor(f"({units[0]}) / ({units[1]})", indicator.unit)
        except UnitError:
            issues.append((_ROLES[kind][1], terms[1].component,
                           f"{units[0]} / {units[1]} cannot be expressed in the indicator's unit {indicator.unit}",
                           f"{units[0]} / {units[1]} 无法换算为指标单位 {indicator.unit}"))
            return None
        stated = raw.get("scale")
        if stated is not None:
            number = stated if isinstance(stated, (int, float)) and not isinstance(stated, bool) else None
            if number is None or not math.isclose(float(number), factor, rel_tol=1e-9):
                issues.append(("scale", stated, f"scale must agree with the units: {units[0]} / {units[1]} in {indicator.unit} is × {factor:g}",
                               f"scale 须与单位一致：应为 {factor:g}"))
                return None
        return (factor,)
    factors = []
    for role_key, term, unit in zip(_term_keys(kind, len(terms)), terms, units, strict=True):
        try:
            factors.append(conversion_factor(unit, indicator.unit))
        except UnitError:
            issues.append((role_key, term.component, f"unit {unit} of {term.component} cannot be converted to the indicator's unit {indicator.unit}",
                           f"组成项单位 {unit} 无法换算为指标单位 {indicator.unit}"))
    return tuple(factors) if len(factors) == len(terms) else None


def _term_keys(kind: FormulaKind, n: int) -> list[str]:
    return [f"terms[{i}]" for i in range(n)] if kind is FormulaKind.SUM else list(_ROLES[kind])


def _check_series(kind: FormulaKind, terms: list[Term], indicator: Indicator,
                  components: Mapping[str, Component], issues: list[Issue]) -> None:
    keys = _term_keys(kind, len(terms))
    if indicator.sex_scope is SexScope.BOTH:
        if all(t.sex is not None for t in terms):
            issues.append(("", indicator.id, "every term pins a sex, so the sexes would get the same value; "
                           "leave a term unpinned or declare the indicator neutral", "所有组成项都固定了性别，各性别结果相同"))
        for key, term in zip(keys, terms, strict=True):
            scope = components[term.component].sex_scope
            if term.sex is None and scope is not SexScope.BOTH:
                issues.append((key, term.component, f"an indicator measured on both sexes needs components counted by sex; "
                               f"{term.component} is {scope.value}: pin its sex", f"组成项 {term.component} 未分性别统计，须指定 sex"))
    pinned_area = AreaType.TOTAL if any(t.area_type is not None for t in terms) else None
    for sex in indicator.sex_scope.allowed_sexes:
        resolved = [(t.component, t.sex_for(sex, components[t.component].sex_scope), t.area_type or pinned_area) for t in terms]
        if len(set(resolved)) < len(resolved):
            issues.append((keys[1] if len(keys) > 1 else keys[0], str(terms[1] if len(terms) > 1 else terms[0]),
                           f"two terms read the same series ({resolved[0][0]}, sex {resolved[0][1].value}); pin sex or area_type, "
                           "for a female share the denominator as {component: …, sex: total}",
                           "两个组成项读取同一序列；请指定 sex 或 area_type"))
            return


def parse_formula(raw: Any, indicator: Indicator, components: Mapping[str, Component]) -> tuple[Formula | None, list[Issue]]:
    """Parse and check the ``formula:`` mapping of an indicator.

    Parameters
    ----------
    raw : mapping
        The formula as written in YAML.
    indicator : Indicator
        The indicator it computes (its unit and sex scope are checked against the terms).
    components : mapping of str to Component
        The declared components.

    Returns
    -------
    (Formula or None, list of issues)
        Each issue is ``(key below formula, value, expected, expected in Chinese)``; the
        formula is ``None`` when there is any.

    Examples
    --------
    >>> from wdmonitor.registry import load_components, load_indicators
    >>> mmr = load_indicators()["maternal_mortality_ratio"]
    >>> formula, issues = parse_formula(mmr.formula, mmr, load_components())
    >>> str(formula), issues
    ('maternal_deaths / live_births × 100000', [])
    """
    issues: list[Issue] = []
    if not isinstance(raw, Mapping):
        return None, [("", raw, "a formula is a mapping with kind and its terms", "公式须为含 kind 及组成项的映射")]
    try:
        kind = FormulaKind(str(raw.get("kind")))
    except ValueError:
        choices = ", ".join(k.value for k in FormulaKind)
        return None, [("kind", raw.get("kind"), f"kind must be one of {choices}", f"kind 须为 {choices} 之一")]
    allowed = ("kind", *_ROLES[kind], *_OPTIONAL[kind])
    for key in raw:
        if key not in allowed:
            issues.append((str(key), key, f"unknown key for a {kind.value} formula; allowed keys are {', '.join(allowed)}", "未知的键"))
    for key in _ROLES[kind]:
        if raw.get(key) is None:
            issues.append((key, None, f"a {kind.value} formula needs {key}", f"{kind.value} 公式缺少 {key}"))
    if issues:
        return None, issues
    if kind is FormulaKind.SUM:
        raw_terms = raw["terms"]
        if not isinstance(raw_terms, list) or len(raw_terms) < 2:
            return None, [("terms", raw_terms, "terms must be a list of at least two components", "terms 须为至少两个组成项的列表")]
        pairs = [(f"terms[{i}]", t) for i, t in enumerate(raw_terms)]
    else:
        pairs = [(key, raw[key]) for key in _ROLES[kind]]
    parsed = [_parse_term(value, key, components, issues) for key, value in pairs]
    if kind is FormulaKind.SHARE and not str(raw.get("condition") or "").strip():
        issues.append(("condition", raw.get("condition"), "a share states the condition the counted units meet", "占比须说明计数单位满足的条件"))
    if issues:
        return None, issues
    terms = [t for t in parsed if t is not None]
    factors = _factors(kind, terms, raw, indicator, components, issues)
    _check_series(kind, terms, indicator, components, issues)
    if issues or factors is None:
        return None, issues
    return Formula(indicator=indicator.id, kind=kind, terms=tuple(terms), factors=factors,
                   condition=str(raw.get("condition") or "")), []


# -- computing ---------------------------------------------------------------------------------

def component_ids() -> frozenset[str]:
    """Ids of the components declared in the bundled catalogue.

    Examples
    --------
    >>> {"maternal_deaths", "live_births"} <= component_ids()
    True
    """
    from .registry import load_components

    return frozenset(load_components())


_JOIN = [col.REGION, col.YEAR, col.AREA_TYPE, col.AGE_GROUP]


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _key_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Region, year, indicator, sex, area_type and age_group, normalised for matching."""
    keys = pd.DataFrame(index=frame.index)
    for name in (col.REGION, col.INDICATOR, col.SEX):
        keys[name] = _text(frame[name])
    keys[col.YEAR] = pd.to_numeric(frame[col.YEAR], errors="coerce")
    for name in (col.AREA_TYPE, col.AGE_GROUP):
        keys[name] = _text(frame[name]).replace("", "total") if name in frame else "total"
    return keys


def _where(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """'region 211400, year 2022, sex female' (area type and age group when not total), in English and Chinese."""
    region, year = rows[col.REGION].astype(str), rows[col.YEAR].astype(str).str.removesuffix(".0")
    en, zh = "region " + region + ", year " + year, "地区 " + region + "，" + year + "年"
    if col.SEX in rows:
        en, zh = en + ", sex " + rows[col.SEX].astype(str), zh + "，性别 " + rows[col.SEX].astype(str)
    for name, name_zh in ((col.AREA_TYPE, "城乡"), (col.AGE_GROUP, "年龄组")):
        if name in rows:
            value = rows[name].astype(str)
            en = en + np.where(value != "total", f", {name} " + value, "")
            zh = zh + np.where(value != "total", f"，{name_zh} " + value, "")
    return en, zh


class _Problems:
    """Problems found while computing, raised together as one FormulaError."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, rows: pd.DataFrame, indicator: str | pd.Series, en: str | pd.Series, zh: str | pd.Series) -> None:
        if len(rows):
            where_en, where_zh = _where(rows)
            self.parts.append(pd.DataFrame({"indicator": indicator, "where": where_en,
                                            "message_en": where_en + ": " + en, "message_zh": where_zh + "：" + zh}, index=rows.index))

    def raise_if_any(self) -> None:
        if not self.parts:
            return
        cases = pd.concat(self.parts, ignore_index=True)
        n = len(cases)
        listed = [f"  - {en} / {zh}" for en, zh in zip(cases["message_en"].head(MAX_LISTED), cases["message_zh"].head(MAX_LISTED), strict=True)]
        more = [f"  … and {n - MAX_LISTED} more (see failure_cases) / 另有{n - MAX_LISTED}个问题"] if n > MAX_LISTED else []
        raise FormulaError("\n".join([f"{n} formula problem{'s' if n != 1 else ''} / 发现{n}个公式问题:", *listed, *more]), cases)


def _component_rows(frame: pd.DataFrame, components: Mapping[str, Component],
                    problems: _Problems) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Component rows with normalised keys, values in each component's unit, provenance text;
    and, apart, the rows left blank (no data: an empty cell, "—", "-" …)."""
    rows = _key_columns(frame)
    rows["_position"] = np.arange(len(frame))
    rows["value"] = pd.to_numeric(frame[col.VALUE], errors="coerce").astype("float64")
    file = _text(frame[col.SOURCE_FILE]) if col.SOURCE_FILE in frame else pd.Series("", index=frame.index)
    line = (_text(frame[col.SOURCE_ROW]).str.removesuffix(".0") if col.SOURCE_ROW in frame
            else (pd.Series(np.arange(len(frame)) + 1, index=frame.index).astype(str)))
    rows["_source_row"] = pd.to_numeric(line, errors="coerce")
    rows["_provenance"] = rows[col.INDICATOR] + " (" + file.where(file != "", "row").where(file == "", file + ", row") + " " + line + ")"
    meta = pd.DataFrame([{col.INDICATOR: c.id, "_unit": c.unit, "_allowed": ",".join(s.value for s in c.sexes)}
                         for c in components.values()])
    rows = rows.reset_index(drop=True).merge(meta, on=col.INDICATOR, how="left", validate="many_to_one")

    shown = _text(frame[col.VALUE]).reset_index(drop=True)
    blank = shown.str.lower().isin(col.MISSING_SPELLINGS)
    bad_value = (rows["value"].isna() & ~blank) | ~np.isfinite(rows["value"].fillna(0.0))
    problems.add(rows[bad_value], rows[col.INDICATOR], "the count " + rows[col.INDICATOR] + " must be a number (got '" + shown + "')",
                 "组成项 " + rows[col.INDICATOR] + " 须为数字（实际为'" + shown + "'）")
    bad_year = rows[col.YEAR].isna() | (rows[col.YEAR] % 1 != 0)
    problems.add(rows[bad_year], rows[col.INDICATOR], "year must be a whole number", "年份须为整数")
    pairs = pd.MultiIndex.from_tuples([(c.id, s.value) for c in components.values() for s in c.sexes])
    allowed = pd.Series(pd.MultiIndex.from_frame(rows[[col.INDICATOR, col.SEX]]).isin(pairs), index=rows.index)
    problems.add(rows[~allowed], rows[col.INDICATOR],
                 "sex is not allowed for component " + rows[col.INDICATOR] + " (allowed: " + rows["_allowed"] + ")",
                 "组成项 " + rows[col.INDICATOR] + " 不允许该性别（允许：" + rows["_allowed"] + "）")

    rows["_factor"] = 1.0
    if col.UNIT in frame:
        submitted = _text(frame[col.UNIT]).reset_index(drop=True)
        given = submitted != ""
        for unit, canonical in rows.loc[given, ["_unit"]].assign(_submitted=submitted[given]).drop_duplicates()[["_submitted", "_unit"]].itertuples(index=False):
            match = given & (submitted == unit) & (rows["_unit"] == canonical)
            try:
                rows.loc[match, "_factor"] = conversion_factor(unit, canonical)
            except UnitError:
                problems.add(rows[match], rows[col.INDICATOR],
                             f"unit {unit!r} of " + rows[col.INDICATOR] + f" cannot be converted to the component's unit {canonical}",
                             f"单位 {unit!r} 无法换算为组成项单位 {canonical}")
    rows["value"] = rows["value"] * rows["_factor"]

    key = [col.REGION, col.YEAR, col.INDICATOR, col.SEX, col.AREA_TYPE, col.AGE_GROUP]
    duplicated = rows.duplicated(key, keep=False)
    problems.add(rows[duplicated], rows[col.INDICATOR], "the count " + rows[col.INDICATOR] + " is sent more than once for this key",
                 "组成项 " + rows[col.INDICATOR] + " 重复报送")
    usable = allowed & ~duplicated & ~bad_year
    return rows[~bad_value & ~blank & usable], rows[blank & usable]


_SERIES = [*_JOIN, "value", "_provenance", "_source_row"]


def _series(rows: pd.DataFrame, sex: Sex, scope: SexScope, area_type: AreaType | None) -> pd.DataFrame:
    """The series a term reads: one row per join key, with value, provenance and source row."""
    wanted = rows.loc[rows[col.SEX] == sex.value, _SERIES]
    if sex is Sex.TOTAL and scope is SexScope.BOTH:
        # a department may send female and male counts without the total: their sum is the total
        pair = rows[rows[col.SEX].isin(["female", "male"])].set_index([*_JOIN, col.SEX])[["value", "_provenance", "_source_row"]]
        wide = pair.unstack(col.SEX)
        if ("value", "female") in wide and ("value", "male") in wide:
            wide = wide[wide[("value", "female")].notna() & wide[("value", "male")].notna()]
            summed = pd.DataFrame({
                "value": wide[("value", "female")].astype(float) + wide[("value", "male")].astype(float),
                "_provenance": wide[("_provenance", "female")] + " + " + wide[("_provenance", "male")],
                "_source_row": wide[("_source_row", "female")],
            }).reset_index()
            have = pd.MultiIndex.from_frame(wanted[_JOIN])
            summed = summed[~pd.MultiIndex.from_frame(summed[_JOIN]).isin(have)]
            wanted = pd.concat([wanted, summed[_SERIES]], ignore_index=True) if len(summed) else wanted
    if area_type is not None:
        wanted = wanted[wanted[col.AREA_TYPE] == area_type.value]
    return wanted


def _compute(formula: Formula, indicator: Indicator, rows_by_component: Mapping[str, pd.DataFrame],
             components: Mapping[str, Component], problems: _Problems,
             blanks_by_component: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    pinned_area = any(t.area_type is not None for t in formula.terms)
    join = [c for c in _JOIN if not (pinned_area and c == col.AREA_TYPE)]
    empty = pd.DataFrame(columns=[*_SERIES, col.SEX])
    # once a term pins an area type, the unpinned terms read the total
    areas = [t.area_type or (AreaType.TOTAL if pinned_area else None) for t in formula.terms]
    scopes = [components[t.component].sex_scope for t in formula.terms]
    parts = []
    for sex in indicator.sex_scope.allowed_sexes:
        frames = []
        for term, scope, area_type in zip(formula.terms, scopes, areas, strict=True):
            rows = rows_by_component.get(term.component, empty)
            series = _series(rows, term.sex_for(sex, scope), scope, area_type)
            frames.append(series.drop(columns=[] if not pinned_area else [col.AREA_TYPE]))
        merged = frames[0].rename(columns={"value": "_v0", "_provenance": "_p0", "_source_row": "_row"})
        if merged.empty:
            continue
        for i, frame in enumerate(frames[1:], start=1):
            merged = merged.merge(frame.rename(columns={"value": f"_v{i}", "_provenance": f"_p{i}"}).drop(columns="_source_row"),
                                  on=join, how="left", validate="one_to_one")
        merged[col.SEX] = sex.value
        if pinned_area:
            merged[col.AREA_TYPE] = "total"
        ok = pd.Series(True, index=merged.index)
        for i, term in enumerate(formula.terms[1:], start=1):
            term_sex = term.sex_for(sex, scopes[i])
            blank_rows = (blanks_by_component or {}).get(term.component, empty)
            blank = _series(blank_rows, term_sex, scopes[i], areas[i])
            left_blank = pd.MultiIndex.from_frame(merged[join]).isin(pd.MultiIndex.from_frame(blank[join])) if len(blank) else False
            ok &= ~(merged[f"_v{i}"].isna() & left_blank)  # sent as no data: nothing to compute, nothing wrong
            missing = merged[f"_v{i}"].isna() & ~left_blank
            needed = f"{term.component} (sex {term_sex.value}" + (
                f", area_type {term.area_type.value})" if term.area_type else ")")
            problems.add(merged[missing], indicator.id,
                         f"{indicator.id} needs {needed}, which is missing (have " + merged["_p0"] + ")",
                         f"计算 {indicator.id} 缺少组成项 {needed}")
            ok &= ~missing
        values = [merged[f"_v{i}"].to_numpy(dtype=float) for i in range(len(formula.terms))]
        if formula.kind in (FormulaKind.RATIO, FormulaKind.SHARE):
            zero = ok & (merged["_v1"] == 0)
            problems.add(merged[zero], indicator.id,
                         f"{indicator.id}: the denominator {formula.terms[1].component} is 0 (" + merged["_p1"] + ")",
                         f"计算 {indicator.id} 的分母 {formula.terms[1].component} 为0")
            ok &= ~zero
            if formula.kind is FormulaKind.SHARE:
                over = ok & (merged["_v0"] > merged["_v1"])
                problems.add(merged[over], indicator.id,
                             f"{indicator.id}: units meeting the condition ({formula.terms[0].component} " + merged["_v0"].astype(str)
                             + f") exceed all units ({formula.terms[1].component} " + merged["_v1"].astype(str) + ")",
                             f"计算 {indicator.id}：满足条件的单位数多于单位总数")
                ok &= ~over
            with np.errstate(divide="ignore", invalid="ignore"):
                value = values[0] * formula.factors[0] / values[1]
            numerator, denominator = values[0], values[1]
        else:
            signs = [1.0, -1.0] if formula.kind is FormulaKind.DIFFERENCE else [1.0] * len(values)
            value = sum(s * v * f for s, v, f in zip(signs, values, formula.factors, strict=True))
            numerator = denominator = np.full(len(merged), np.nan)
        provenance = merged["_p0"]
        for i in range(1, len(formula.terms)):
            provenance = provenance + "; " + merged[f"_p{i}"].astype(str)
        out = pd.DataFrame({
            col.REGION: merged[col.REGION], col.YEAR: merged[col.YEAR].astype("int64"), col.INDICATOR: indicator.id,
            col.SEX: sex.value, col.VALUE: value, col.AREA_TYPE: merged[col.AREA_TYPE], col.AGE_GROUP: merged[col.AGE_GROUP],
            col.UNIT: indicator.unit, col.NUMERATOR: numerator, col.DENOMINATOR: denominator,
            col.SOURCE: f"computed from {', '.join(formula.components)}", col.SOURCE_FILE: "computed from " + provenance,
            col.SOURCE_SHEET: "", col.SOURCE_ROW: merged["_row"].astype("int64" if merged["_row"].notna().all() else "Int64"),
        })
        parts.append(out[ok.to_numpy()])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _reads_only(raw: Mapping[str, Any], components: Mapping[str, Component]) -> bool:
    """Whether every term of a raw formula names one of ``components``.

    A formula over components of another catalogue cannot be completed by these rows, and
    the loader has already checked it against its own catalogue, so it is left out.
    """
    terms = [raw.get(key) for key in ("numerator", "denominator", "meeting", "of", "minuend", "subtrahend")]
    terms += list(raw.get("terms") or [])
    names = [t.get("component") if isinstance(t, Mapping) else t for t in terms if t is not None]
    return all(str(name) in components for name in names)


def _formulas(plan: Plan, components: Mapping[str, Component]) -> list[Formula]:
    formulas, issues = [], []
    for indicator in plan.indicators.values():
        if indicator.formula is None or not _reads_only(indicator.formula, components):
            continue
        formula, found = parse_formula(indicator.formula, indicator, components)
        issues += [f"  - indicator {indicator.id}, formula.{key}: {en} (got {value!r}) / {zh}" for key, value, en, zh in found]
        if formula is not None:
            formulas.append(formula)
    if issues:
        raise FormulaError("\n".join([f"{len(issues)} problem(s) in the plan's formulas / 规划指标公式有误:", *issues]))
    return formulas


def with_indicators(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """``frame`` with its components (if it has any) computed into indicators.

    What validation, the store and the evaluation call first, so that a department may send
    counts, values or both. A frame without components is returned as it is.
    """
    if col.INDICATOR in frame:
        components = component_ids()
        # each distinct id once: a national panel holds a few hundred in millions of rows
        if any(str(value).strip() in components for value in pd.unique(frame[col.INDICATOR].dropna())):
            return compute_indicators(frame, plan)
    return frame


def compute_indicators(frame: pd.DataFrame, plan: Plan, *, components: Mapping[str, Component] | None = None) -> pd.DataFrame:
    """Compute indicators from the components in a canonical frame.

    Parameters
    ----------
    frame : DataFrame
        Canonical long frame (see :mod:`wdmonitor.schema`) whose ``indicator`` column holds
        indicator ids, component ids or both.
    plan : Plan
        Its indicators' formulas say what to compute.
    components : mapping of str to Component, optional
        The declared components; the bundled catalogue's by default.

    Returns
    -------
    DataFrame
        The indicator rows of ``frame`` unchanged, then one row per indicator whose
        formula the components complete, per region, year, sex, area type and age group:
        ``value`` in the indicator's canonical unit, ``unit`` that unit, ``numerator`` and
        ``denominator`` the counts of a ratio or share (NaN for difference and sum),
        ``source`` ``"computed from <components>"`` and ``source_file`` naming the file and
        row of every count used. Component rows are consumed; ids of components that
        completed no formula are listed in ``attrs["unused_components"]``. A count left
        blank (an empty cell, "—") is no data, not an error: the indicators that need it are
        not computed for that key, and the blank rows' keys are listed (as dicts) in
        ``attrs["no_data_components"]``.

    Raises
    ------
    FormulaError
        Listing every problem at once: a component missing for a region, year and sex
        where the formula's first term is present; a zero denominator; more units meeting a
        condition than units; a unit that does not convert to the component's unit; a
        count that is not a number or sent twice; an indicator sent both as a value and as
        components. ``failure_cases`` holds them as a table.

    Examples
    --------
    >>> import pandas as pd
    >>> from wdmonitor import load_plan
    >>> frame = pd.DataFrame({
    ...     "region": ["211400", "211400"], "year": [2022, 2022],
    ...     "indicator": ["maternal_deaths", "live_births"], "sex": ["female", "total"],
    ...     "value": [3, 25000]})
    >>> out = compute_indicators(frame, load_plan("huludao-2021-2030"))
    >>> out[["indicator", "sex", "value", "numerator", "denominator"]].to_dict("records")
    [{'indicator': 'maternal_mortality_ratio', 'sex': 'female', 'value': 12.0, 'numerator': 3.0, 'denominator': 25000.0}]
    """
    if components is None:
        from .registry import load_components

        components = load_components()
    missing = [c for c in col.REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise FormulaError(f"the frame lacks the column(s) {', '.join(missing)} / 缺少必填列：{', '.join(missing)}")
    is_component = _text(frame[col.INDICATOR]).isin(list(components)).to_numpy()
    passthrough = frame[~is_component]
    if not is_component.any():
        result = frame.reset_index(drop=True)
        result.attrs["unused_components"] = []
        return result
    problems = _Problems()
    rows, blanks = _component_rows(frame[is_component], components, problems)
    by_component = {str(k): g for k, g in rows.groupby(col.INDICATOR, sort=False)}
    blanks_by_component = {str(k): g for k, g in blanks.groupby(col.INDICATOR, sort=False)}
    parts = []
    formulas = _formulas(plan, components)
    for formula in formulas:
        if formula.terms[0].component in by_component:
            parts.append(_compute(formula, plan.indicators[formula.indicator], by_component, components, problems,
                                  blanks_by_component))
    computed = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else pd.DataFrame(
        columns=[*col.REQUIRED_COLUMNS, *col.OPTIONAL_COLUMNS])
    if len(computed) and len(passthrough):
        sent = _key_columns(passthrough)
        sent[col.YEAR] = sent[col.YEAR].astype("float64")
        key = list(col.KEY)
        check = computed[key].astype({col.YEAR: "float64"})
        both = check.merge(sent[key].drop_duplicates(), on=key, how="inner")
        problems.add(both, both[col.INDICATOR], both[col.INDICATOR] + " is sent both as a value and as components; send one",
                     both[col.INDICATOR] + " 既报送了指标值又报送了组成项，请只报送其一")
    problems.raise_if_any()
    done = set(computed[col.INDICATOR]) if len(computed) else set()
    used = {c for f in formulas if f.indicator in done for c in f.components}
    columns = list(frame.columns) + [c for c in computed.columns if c not in frame.columns]
    result = pd.concat([passthrough, computed], ignore_index=True)[columns] if len(passthrough) else computed.reindex(columns=columns)
    result.attrs["unused_components"] = sorted(set(by_component) - used)
    # plain records, not a DataFrame: pandas compares attrs when frames are combined
    blank_keys = blanks[[col.REGION, col.YEAR, col.INDICATOR, col.SEX, col.AREA_TYPE, col.AGE_GROUP]]
    result.attrs["no_data_components"] = blank_keys.astype({col.YEAR: "int64"}).to_dict("records")
    return result
