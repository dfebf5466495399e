"""Definitions: :class:`Indicator`, :class:`Target`, :class:`Goal` and :class:`Plan`.

All are frozen dataclasses, built by :mod:`wdmonitor.registry` from ``indicators.yaml``
and ``plans/*.yaml``, checked in ``__post_init__`` and varied with
:func:`dataclasses.replace`. They show themselves as HTML tables in Jupyter.
"""

from __future__ import annotations

import copyreg
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .vocabulary import (
    Area,
    AreaType,
    Direction,
    GapBetween,
    Level,
    Relation,
    Scale,
    Section,
    Sex,
    SexScope,
    TargetKind,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_PRECISION",
    "Baseline",
    "Component",
    "Goal",
    "Indicator",
    "Jurisdiction",
    "Plan",
    "Region",
    "Target",
    "default_precision",
]


def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


# Plans, indicators and targets hold read-only mappings; pickling them (for joblib's workers,
# a notebook's cache) pickles each as a dict and makes it read-only again when loaded.
copyreg.pickle(MappingProxyType, lambda mapping: (_read_only, (dict(mapping),)))

_FROZEN = {"frozen": True, "slots": True, "kw_only": True}

#: Most decimals a report may print for an indicator.
MAX_PRECISION = 6
#: Units reported as whole numbers (counts and money); ratios get 2 decimals; all else 1.
_WHOLE_UNITS = frozenset({"person", "ten_thousand_persons", "institution", "bed", "case", "yuan", "ten_thousand_yuan"})


#: What a value in each unit can possibly be, when the catalogue declares no ``possible`` range.
_POSSIBLE = {
    "percent": (0.0, 100.0), "per_100k": (0.0, 1e5), "per_10k": (0.0, 1e4), "per_mille": (0.0, 1e3),
    "per_million": (0.0, 1e6), "year": (0.0, 150.0), "year_of_age": (0.0, 150.0), "hour": (0.0, 24.0),
}


def default_possible(unit: str) -> tuple[float, float] | None:
    """The range a value in ``unit`` can possibly take (a rate per 10万 at most 100000, a day 24 hours).

    Examples
    --------
    >>> default_possible("per_100k"), default_possible("person")
    ((0.0, 100000.0), None)
    """
    return _POSSIBLE.get(unit)


def default_precision(unit: str) -> int:
    """The reporting precision (decimals) of a unit when the catalogue declares none.

    Methodology §8: one decimal for rates and percentages (and years, hours, composite
    rates such as 张/千名儿童), two for ratios, none for counts and money.

    Examples
    --------
    >>> default_precision("percent"), default_precision("ratio"), default_precision("person")
    (1, 2, 0)
    """
    if unit == "ratio":
        return 2
    if unit in _WHOLE_UNITS:
        return 0
    return 1


def _html_table(title: str, rows: list[tuple[str, Any]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
        for k, v in rows
        if v not in (None, "", (), {})
    )
    return f"<div><strong>{html.escape(title)}</strong><table>{body}</table></div>"


@dataclass(**_FROZEN)
class Indicator:
    """A monitoring indicator of the catalogue.

    Parameters
    ----------
    id : str
        Catalogue id, ``snake_case`` (``maternal_mortality_ratio``).
    name_zh, name_en : str
        Names as used in plans and reports.
    area : Area
        The plan area the indicator belongs to.
    unit : str
        Canonical unit spelling understood by :func:`wdmonitor.units.parse_unit`.
    direction : Direction
        Whether higher or lower is better, or none (bands, ratios).
    sex_scope : SexScope
        Which sexes the indicator is measured on.
    scale : Scale
        ``geometric`` for rates such as MMR whose progress is a compound rate.
    natural_limit : float or None
        The ceiling of the measure (100 for percentages), used to scale progress.
    definition : str
        Numerator and denominator in words.
    source : str
        The department that reports it (卫健委, 教育局 …).
    periodicity : str
        ``annual`` unless stated.
    proxy_for : str or None
        The indicator this one stands in for (晋安区: 替代性指标).
    aliases_zh : tuple of str
        Other Chinese names used for it in plans and submissions.
    formula : Mapping or None
        How to compute the indicator from components (see ``docs/formulas.md``).
    precision : int or None
        Reporting precision: the decimals a report prints (methodology §8). ``None`` takes
        the unit's default (:func:`default_precision`): 1 for rates and percentages, 2 for
        ratios, 1 for years and hours, 0 for counts and money.
    possible : (float, float) or None
        The range outside which a value cannot be (validation refuses it): by default the
        unit's (:func:`default_possible`: 0–100 for a percentage, 0–100000 per 10万 …).
    plausible : (float, float) or None
        The range outside which a value is possible but unlikely (validation warns): a life
        expectancy of 178 is refused as impossible, one of 101 is questioned.
    reading : str
        How the catalogue reads the indicator's wording where a choice was made (a share of
        women's direction, for example).
    parity_reference : str or None
        For a head count (pupils enrolled), the population of its age group by sex: a
        parity target is judged on the gender parity index (f/m pupils) / (f/m population),
        which equal access meets, never on the raw f/m head count (methodology §8).

    Examples
    --------
    >>> from wdmonitor import load_indicators
    >>> mmr = load_indicators()["maternal_mortality_ratio"]
    >>> mmr.unit, mmr.direction.value, mmr.precision
    ('per_100k', 'lower', 1)
    """

    id: str
    name_zh: str
    name_en: str
    area: Area
    unit: str
    direction: Direction
    sex_scope: SexScope
    scale: Scale = Scale.LINEAR
    natural_limit: float | None = None
    definition: str = ""
    source: str = ""
    periodicity: str = "annual"
    proxy_for: str | None = None
    aliases_zh: tuple[str, ...] = ()
    formula: Mapping[str, Any] | None = None
    precision: int | None = None
    possible: tuple[float, float] | None = None
    plausible: tuple[float, float] | None = None
    reading: str = ""
    parity_reference: str | None = None

    def __post_init__(self) -> None:
        if self.precision is None:
            object.__setattr__(self, "precision", default_precision(self.unit))
        elif isinstance(self.precision, bool) or not isinstance(self.precision, int) or not 0 <= self.precision <= MAX_PRECISION:
            raise ValueError(f"precision must be a whole number of decimals from 0 to {MAX_PRECISION} (got {self.precision!r})")
        if self.possible is None:
            object.__setattr__(self, "possible", default_possible(self.unit))
        for name in ("possible", "plausible"):
            bounds = getattr(self, name)
            if bounds is not None:
                low, high = (float(b) for b in bounds)
                if not low <= high:
                    raise ValueError(f"{name} must be [low, high] with low ≤ high (got {list(bounds)!r})")
                object.__setattr__(self, name, (low, high))
        for name, kind in (
            ("area", Area),
            ("direction", Direction),
            ("sex_scope", SexScope),
            ("scale", Scale),
        ):
            value = getattr(self, name)
            if not isinstance(value, kind):
                object.__setattr__(self, name, kind(value))
        if self.formula is not None and not isinstance(self.formula, MappingProxyType):
            object.__setattr__(self, "formula", MappingProxyType(dict(self.formula)))

    @property
    def sexes(self) -> tuple[Sex, ...]:
        """The sexes a submission must carry for this indicator."""
        return self.sex_scope.sexes

    def _repr_html_(self) -> str:
        return _html_table(
            f"{self.name_zh} / {self.name_en} ({self.id})",
            [
                ("领域 area", f"{self.area.name_zh} / {self.area.name_en}"),
                ("单位 unit", self.unit),
                ("方向 direction", self.direction.value),
                ("性别 sex scope", self.sex_scope.value),
                ("尺度 scale", self.scale.value),
                ("小数位 precision", self.precision),
                ("定义 definition", self.definition),
                ("来源 source", self.source),
                ("替代 proxy for", self.proxy_for),
            ],
        )


@dataclass(**_FROZEN)
class Target:
    """One measurable (or qualitative) target of a plan goal.

    Parameters
    ----------
    id : str
        Unique within the plan (``health-2a``).
    indicator : str or None
        Catalogue id; ``None`` only for qualitative targets not tied to an indicator.
    kind : TargetKind
        One of the kinds of methodology section 1.
    values : Mapping[int, float]
        Target value by year, in the indicator's unit (``{2025: 10.5, 2030: 10.0}``). For
        kinds without a value (increase, gap_narrowing …) the keys are the target years and
        the values are NaN.
    lower, upper : float or None
        Band bounds for ``band`` targets; for ``around`` they are derived with a tolerance.
    tolerance : float or None
        Relative half-width of an ``around`` band; ``None`` uses the rule set's (3%).
    reference : str or None
        Indicator compared with, for ``relative_to``.
    relation : Relation or None
        ``not_below`` (不低于) or ``commensurate`` (相适应), for ``relative_to``.
    delta_mode : str or None
        ``points`` or ``relative`` for ``relative_to_baseline``; ``values`` hold Δ.
    baseline_years : Mapping[int, int]
        For ``relative_to_baseline``: the baseline year each target year is measured from.
    gap_between : GapBetween or None
        For ``gap_narrowing``: between the sexes, urban and rural, or regions.
    sex : Sex or None
        The series the target is judged on; ``None`` means the indicator's own sexes.
    area_type : AreaType
        Urban, rural or total series.
    area : Area
    goal_no : str
    section : Section
    text_zh : str
        The plan's own clause.
    reading : str
        How an ambiguous clause was read, and why.
    proxy : Proxy or None
        The proxy indicator (替代性指标) judged where this target's own series has no value
        (:class:`wdmonitor.proxies.Proxy`).
    """

    id: str
    indicator: str | None
    kind: TargetKind
    values: Mapping[int, float] = field(default_factory=dict)
    lower: float | None = None
    upper: float | None = None
    tolerance: float | None = None
    reference: str | None = None
    relation: Relation | None = None
    delta_mode: str | None = None
    baseline_years: Mapping[int, int] = field(default_factory=dict)
    gap_between: GapBetween | None = None
    sex: Sex | None = None
    area_type: AreaType = AreaType.TOTAL
    area: Area = Area.HEALTH
    goal_no: str = ""
    section: Section = Section.MAIN_GOAL
    text_zh: str = ""
    reading: str = ""
    proxy: Any = None

    def __post_init__(self) -> None:
        for name, kind in (("kind", TargetKind), ("area", Area), ("section", Section), ("area_type", AreaType)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                object.__setattr__(self, name, kind(value))
        optional: tuple[tuple[str, type[StrEnum]], ...] = (("relation", Relation), ("gap_between", GapBetween), ("sex", Sex))
        for name, enum in optional:
            value = getattr(self, name)
            if value is not None and not isinstance(value, enum):
                object.__setattr__(self, name, enum(value))
        values = {int(y): float(v) for y, v in dict(self.values).items()}
        object.__setattr__(self, "values", MappingProxyType(dict(sorted(values.items()))))
        years = {int(y): int(b) for y, b in dict(self.baseline_years).items()}
        object.__setattr__(self, "baseline_years", MappingProxyType(years))
        if self.kind is TargetKind.QUALITATIVE:
            return
        if self.indicator is None:
            raise ValueError(f"target {self.id}: a {self.kind.value} target needs an indicator")
        if self.kind is TargetKind.RELATIVE_TO and self.reference is None:
            raise ValueError(f"target {self.id}: relative_to needs a reference indicator")
        if self.kind is TargetKind.BAND and (self.lower is None or self.upper is None):
            raise ValueError(f"target {self.id}: a band needs lower and upper")
        if self.kind is TargetKind.RELATIVE_TO_BASELINE and self.delta_mode not in ("points", "relative"):
            raise ValueError(f"target {self.id}: relative_to_baseline needs delta_mode points or relative")

    @property
    def years(self) -> tuple[int, ...]:
        """The years the target sets a value (or a direction) for."""
        return tuple(self.values)

    @property
    def final_year(self) -> int | None:
        return max(self.values) if self.values else None

    def value_at(self, year: int) -> float | None:
        """The stated target value for ``year``, or ``None``."""
        return self.values.get(year)

    def _repr_html_(self) -> str:
        return _html_table(
            f"{self.id}: {self.text_zh}",
            [
                ("指标 indicator", self.indicator),
                ("类型 kind", self.kind.value),
                ("目标值 values", dict(self.values)),
                ("区间 band", (self.lower, self.upper) if self.lower is not None else None),
                ("参照 reference", self.reference),
                ("差距 gap between", self.gap_between),
                ("解读 reading", self.reading),
            ],
        )


@dataclass(**_FROZEN)
class Goal:
    """A numbered goal of a plan area, with the targets it sets (one or more)."""

    id: str
    area: Area
    goal_no: str
    text_zh: str
    section: Section = Section.MAIN_GOAL
    targets: tuple[Target, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "area", Area(self.area))
        object.__setattr__(self, "section", Section(self.section))
        object.__setattr__(self, "targets", tuple(self.targets))

    @property
    def is_qualitative(self) -> bool:
        return all(t.kind is TargetKind.QUALITATIVE for t in self.targets)


@dataclass(**_FROZEN)
class Region:
    """An administrative unit known to a plan (GB/T 2260 code)."""

    code: str
    name_zh: str
    name_en: str = ""
    level: Level = Level.COUNTY
    parent: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", Level(self.level))


@dataclass(**_FROZEN)
class Jurisdiction(Region):
    """The jurisdiction a plan is for."""


@dataclass(**_FROZEN)
class Baseline:
    """A baseline value stated in the plan itself (葫芦岛: MMR 7.35/10万 in 2020)."""

    indicator: str
    year: int
    value: float
    sex: Sex | None = None
    area_type: AreaType = AreaType.TOTAL
    text_zh: str = ""


@dataclass(**_FROZEN)
class Plan:
    """A women's development plan: its jurisdiction, period and goals.

    Examples
    --------
    >>> from wdmonitor import load_plan
    >>> plan = load_plan("huludao-2021-2030")
    >>> plan.midterm_year, plan.final_year
    (2025, 2030)
    """

    id: str
    title_zh: str
    title_en: str
    jurisdiction: Jurisdiction
    period_start: int
    period_end: int
    baseline_year: int
    goals: tuple[Goal, ...]
    indicators: Mapping[str, Indicator]
    regions: tuple[Region, ...] = ()
    baselines: tuple[Baseline, ...] = ()
    draft: bool = False
    source_document: str = ""
    notes: str = ""
    path: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.indicators, MappingProxyType):
            object.__setattr__(self, "indicators", MappingProxyType(dict(self.indicators)))
        if self.period_end <= self.period_start:
            raise ValueError(f"plan {self.id}: period end {self.period_end} before start {self.period_start}")

    # -- derived facts --------------------------------------------------------------------
    @property
    def midterm_year(self) -> int:
        """Mid-term evaluation year: the middle of the period (2021–2030 → 2025, 2021–2025 → 2023)."""
        return self.period_start + (self.period_end - self.period_start) // 2

    @property
    def final_year(self) -> int:
        """Final evaluation year: the last year of the period."""
        return self.period_end

    @property
    def evaluation_years(self) -> tuple[int, int]:
        return (self.midterm_year, self.final_year)

    @property
    def targets(self) -> tuple[Target, ...]:
        """Every target of every goal, in the document's order."""
        return tuple(t for g in self.goals for t in g.targets)

    @property
    def numeric_targets(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.kind is not TargetKind.QUALITATIVE)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """Indicators the plan's targets refer to (references of relative_to, proxies and the
        age-group populations behind parity targets on head counts included)."""
        seen: dict[str, None] = {}
        for t in self.targets:
            definition = self.indicators.get(t.indicator) if t.indicator else None
            parity = definition.parity_reference if definition is not None and t.kind is TargetKind.PARITY else None
            for i in (t.indicator, t.reference, t.proxy.indicator if t.proxy is not None else None, parity):
                if i is not None:
                    seen[i] = None
        return tuple(seen)

    @property
    def region_codes(self) -> tuple[str, ...]:
        return (self.jurisdiction.code, *(r.code for r in self.regions))

    def region_names(self) -> dict[str, str]:
        """Chinese name → GB/T 2260 code for the jurisdiction and its regions."""
        names = {self.jurisdiction.name_zh: self.jurisdiction.code}
        names.update({r.name_zh: r.code for r in self.regions})
        return names

    def indicator(self, indicator_id: str) -> Indicator:
        from .errors import UnknownIndicatorError

        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise UnknownIndicatorError(indicator_id, list(self.indicators)) from None

    def baseline_for(self, indicator_id: str, sex: Sex | None = None) -> Baseline | None:
        for b in self.baselines:
            if b.indicator == indicator_id and (sex is None or b.sex in (None, sex)):
                return b
        return None

    def goals_per_area(self, section: Section = Section.MAIN_GOAL) -> dict[Area, int]:
        counts = dict.fromkeys(Area, 0)
        for g in self.goals:
            if g.section is section:
                counts[g.area] += 1
        return counts

    # -- tables ---------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per target and target year.

        Columns: ``area, goal_no, section, target_id, indicator, name_zh, name_en, kind,
        year, value, lower, upper, unit, sex, area_type, reference, text_zh, reading``.
        Qualitative targets and kinds without a value have one row per target year (the
        plan's final year when none is stated) with ``value`` NaN.
        """
        import pandas as pd


        rows = []
        for t in self.targets:
            indicator = self.indicators.get(t.indicator) if t.indicator else None
            years = t.years or (self.final_year,)
            for year in years:
                value = t.values.get(year, float("nan"))
                lower, upper = t.lower, t.upper
                if t.kind is TargetKind.AROUND and lower is None:
                    tol = 0.03 if t.tolerance is None else t.tolerance
                    lower, upper = value * (1 - tol), value * (1 + tol)
                rows.append(
                    {
                        "area": t.area.value,
                        "goal_no": t.goal_no,
                        "section": t.section.value,
                        "target_id": t.id,
                        "indicator": t.indicator,
                        "name_zh": indicator.name_zh if indicator else "",
                        "name_en": indicator.name_en if indicator else "",
                        "kind": t.kind.value,
                        "year": year,
                        "value": value,
                        "lower": lower,
                        "upper": upper,
                        "unit": indicator.unit if indicator else "",
                        "sex": t.sex.value if t.sex else (indicator.sex_scope.value if indicator else ""),
                        "area_type": t.area_type.value,
                        "reference": t.reference,
                        "text_zh": t.text_zh,
                        "reading": t.reading,
                    }
                )
        frame = pd.DataFrame(rows)
        frame["year"] = frame["year"].astype("int64")
        for column in ("value", "lower", "upper"):
            frame[column] = frame[column].astype("float64")
        return frame

    def _repr_html_(self) -> str:
        head = _html_table(
            f"{self.title_zh} / {self.title_en}",
            [
                ("编号 id", self.id),
                ("地区 jurisdiction", f"{self.jurisdiction.name_zh} ({self.jurisdiction.code}, {self.jurisdiction.level.value})"),
                ("期限 period", f"{self.period_start}–{self.period_end}"),
                ("评估 evaluations", f"中期 mid-term {self.midterm_year}, 终期 final {self.final_year}"),
                ("状态 status", "征求意见稿 draft" if self.draft else "正式 adopted"),
                ("目标 goals", len(self.goals)),
                ("数值目标 numeric targets", len(self.numeric_targets)),
            ],
        )
        frame = self.to_frame()[["area", "goal_no", "indicator", "name_zh", "kind", "year", "value", "unit", "text_zh"]]
        return head + frame.to_html(index=False, na_rep="", max_rows=60)

    def __repr__(self) -> str:
        return (
            f"Plan(id={self.id!r}, title_zh={self.title_zh!r}, period={self.period_start}-{self.period_end}, "
            f"goals={len(self.goals)}, targets={len(self.targets)})"
        )


@dataclass(**_FROZEN)
class Component:
    """A count departments send that indicator formulas are computed from.

    Components are declared in the ``components:`` list of ``indicators.yaml`` and named
    by the ``formula:`` of an indicator (see ``docs/formulas.md``). A submission carries
    them like indicators: the ``indicator`` column holds the component id.

    Parameters
    ----------
    id : str
        ``snake_case`` id, distinct from every indicator id (``maternal_deaths``).
    name_zh, name_en : str
        Names as departments use them.
    unit : str
        Canonical unit (``person``, ``institution``, ``bed``, ``yuan`` …).
    sex_scope : SexScope
        ``female`` (counts of women only), ``both`` (by sex: female, male and total) or
        ``neutral`` (sex ``total``: live births, leadership teams). Never ``female_share``.
    definition, source : str
        What is counted, and the department that counts it.
    aliases_zh : tuple of str
        Other Chinese names used in submissions.

    Examples
    --------
    >>> from wdmonitor.registry import load_components
    >>> load_components()["maternal_deaths"].unit
    'person'
    """

    id: str
    name_zh: str
    unit: str
    sex_scope: SexScope
    name_en: str = ""
    definition: str = ""
    source: str = ""
    aliases_zh: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.sex_scope, SexScope):
            object.__setattr__(self, "sex_scope", SexScope(self.sex_scope))
        if self.sex_scope is SexScope.FEMALE_SHARE:
            raise ValueError(f"component {self.id}: sex_scope female_share is for indicators; a count is female, both or neutral")
        object.__setattr__(self, "aliases_zh", tuple(self.aliases_zh))

    @property
    def sexes(self) -> tuple[Sex, ...]:
        """The sexes a submission may carry for this component."""
        return self.sex_scope.allowed_sexes
