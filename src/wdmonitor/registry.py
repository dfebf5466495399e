"""Loading the catalogue and plans: YAML → frozen objects, every problem at once.

``indicators.yaml`` (the catalogue) and ``plans/*.yaml`` ship inside the package and are
located with :mod:`importlib.resources`, so they are found the same way from a wheel and
from an editable install. YAML is read with ``yaml.safe_load`` only. A loader collects
every problem in a file (unknown keys, unknown ids, kinds, units, out-of-range percentages,
duplicates, formulas whose components or units do not fit) and raises one
:class:`~wdmonitor.errors.PlanError` listing them all.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Hashable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import PlanError, Problem, UnitError, UnknownPlanError
from .formulas import parse_formula
from .indicators import (
    MAX_PRECISION,
    Baseline,
    Component,
    Goal,
    Indicator,
    Jurisdiction,
    Plan,
    Region,
    Target,
)
from .limits import (
    MAX_YAML_ALIASES,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    MAX_YEAR,
    MIN_YEAR,
)
from .units import conversion_factor, is_percent, parse_unit
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

__all__ = ["list_plans", "load_components", "load_indicators", "load_plan", "read_yaml"]

_CATALOGUE_KEYS = {"version", "indicators", "components"}
_INDICATOR_KEYS = {
    "id", "name_zh", "name_en", "area", "unit", "direction", "sex_scope", "scale",
    "natural_limit", "definition", "source", "periodicity", "proxy_for", "aliases_zh", "formula",
    "precision", "possible", "plausible", "reading", "parity_reference",
}
_INDICATOR_REQUIRED = ("id", "name_zh", "name_en", "area", "unit", "direction", "sex_scope")
_COMPONENT_KEYS = {"id", "name_zh", "name_en", "unit", "sex_scope", "definition", "source", "aliases_zh"}
_COMPONENT_REQUIRED = ("id", "name_zh", "unit", "sex_scope")
_PLAN_KEYS = {
    "id", "title_zh", "title_en", "draft", "source_document", "notes", "jurisdiction",
    "regions", "period", "baseline_year", "baselines", "goals", "indicators",
}
_PLAN_REQUIRED = ("id", "title_zh", "title_en", "jurisdiction", "period", "baseline_year", "goals")
_REGION_KEYS = {"code", "name_zh", "name_en", "level", "parent"}
_BASELINE_KEYS = {"indicator", "year", "value", "unit", "sex", "area_type", "text_zh"}
_GOAL_KEYS = {"id", "area", "goal_no", "section", "text_zh", "targets", "reading"}
_TARGET_KEYS = {
    "id", "indicator", "kind", "values", "value", "year", "years", "unit", "lower", "upper",
    "tolerance", "reference", "relation", "delta_mode", "baseline_years", "gap_between", "sex",
    "area_type", "text_zh", "reading", "proxy",
}
_PROXY_KEYS = {"indicator", "kind", "values", "value", "year", "unit", "derive", "years", "sex", "reading"}


#: Characters of an offending value quoted in a problem before it is cut.
_MAX_SHOWN = 200


def _choices(enum: Any) -> str:
    return ", ".join(e.value for e in enum)


class _Collector:
    """Collects problems found in one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, value: Any, expected: str, expected_zh: str = "") -> None:
        shown = repr(value) if not isinstance(value, (str, int, float, type(None))) else str(value)
        if len(shown) > _MAX_SHOWN:  # never embed an unbounded value in a message: cut it, say how long it was
            value = f"{shown[:_MAX_SHOWN]}… ({len(shown)} characters)"
        self.problems.append(Problem(file=self.file, key=key, value=value, expected=expected, expected_zh=expected_zh))

    def keys(self, where: str, mapping: Any, allowed: set[str], required: tuple[str, ...] = ()) -> bool:
        if not isinstance(mapping, Mapping):
            self.add(where, mapping, "expected a mapping of keys to values", "应为键值映射")
            return False
        for key in mapping:
            if key not in allowed:
                self.add(f"{where}.{key}" if where else str(key), key,
                         f"unknown key; allowed keys are {', '.join(sorted(allowed))}", "未知的键")
        for key in required:
            if key not in mapping or mapping[key] in (None, ""):
                self.add(f"{where}.{key}" if where else key, None, "required key is missing", "缺少必填项")
        return True

    def enum(self, where: str, value: Any, enum: Any, name: str) -> Any:
        try:
            return enum(value)
        except ValueError:
            self.add(where, value, f"{name} must be one of {_choices(enum)}", f"{name}取值必须为 {_choices(enum)} 之一")
            return None

    def raise_if_any(self) -> None:
        if self.problems:
            raise PlanError(self.problems)


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: Any, mark: Any) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key, self.problem_mark = key, mark


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """``yaml.SafeLoader`` that refuses a mapping key given twice (plain YAML keeps the last one silently).

    It parses with libyaml (``CSafeLoader``: PyYAML's wheels ship it) where present, five to
    ten times faster than the pure-Python parser, with the same safe constructor.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # PyYAML's own construct_mapping refuses it: "found unhashable key"
            if key in seen:
                raise _DuplicateKeyError(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_limited(path: Path, collector: _Collector) -> bytes:
    """The bytes of a regular file, read at most MAX_YAML_BYTES + 1 of them (a FIFO or a device never blocks)."""
    try:
        info = os.stat(path)
    except OSError as error:
        collector.add("(file)", str(path), f"cannot read the file: {error.strerror}; give the path of a plan file",
                      "无法读取文件，请给出规划文件的路径")
        collector.raise_if_any()
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a pipe, device or socket)"
        collector.add("(file)", str(path), f"the path is {kind}; give the path of a plan file",
                      "该路径不是普通文件，请给出规划文件的路径")
        collector.raise_if_any()
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_YAML_BYTES + 1)
    except OSError as error:
        collector.add("(file)", str(path), f"cannot read the file: {error.strerror}; check its permissions",
                      "无法读取文件，请检查文件权限")
        collector.raise_if_any()
    if len(raw) > MAX_YAML_BYTES:
        collector.add("(file)", f"more than {MAX_YAML_BYTES} bytes",
                      f"a definition file must be at most {MAX_YAML_BYTES} bytes; split it or remove what it does not need",
                      f"定义文件不得超过{MAX_YAML_BYTES}字节")
        collector.raise_if_any()
    return raw


def _check_structure(text: str, collector: _Collector) -> None:
    """Enforce MAX_YAML_NODES (aliases expanded), MAX_YAML_DEPTH and MAX_YAML_ALIASES from the parser's events.

    The events are read one at a time, without building anything, so an alias bomb or a
    nesting thousands deep is refused before PyYAML's (recursive) composer sees it. The size
    of an anchored node is remembered, and every alias to it counts that size again.
    """
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # [anchor, nodes so far] of each open collection
    aliases = total = 0

    def refuse(mark: Any, what: str, expected: tuple[str, str]) -> None:
        collector.add(f"line {mark.line + 1}, column {mark.column + 1}", what, expected[0], expected[1])
        collector.raise_if_any()

    deep = (f"lists and mappings may be nested at most {MAX_YAML_DEPTH} levels deep; flatten the file",
            f"列表和映射的嵌套不得超过{MAX_YAML_DEPTH}层")
    try:
        for event in yaml.parse(text, Loader=_StrictLoader):  # noqa: S506 - events only, nothing is constructed
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    refuse(event.start_mark, f"more than {MAX_YAML_ALIASES} aliases",
                           (f"a definition file may use at most {MAX_YAML_ALIASES} aliases (*name); write the values out",
                            f"别名（*name）不得超过{MAX_YAML_ALIASES}个"))
                size = sizes.get(event.anchor or "", 1)
            elif isinstance(event, yaml.ScalarEvent):
                size = 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.CollectionStartEvent):
                stack.append([event.anchor, 1])
                if len(stack) - 1 > MAX_YAML_DEPTH:
                    refuse(event.start_mark, f"more than {MAX_YAML_DEPTH} levels", deep)
                continue
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, size = stack.pop()
                if anchor is not None:
                    sizes[anchor] = size
            else:
                continue
            stack[-1][1] += size
            total += size
            if stack[-1][1] > MAX_YAML_NODES or total > MAX_YAML_NODES * 2:
                refuse(event.start_mark, f"more than {MAX_YAML_NODES} values once aliases are expanded",
                       (f"a definition file may hold at most {MAX_YAML_NODES} values, aliases expanded; "
                        "remove aliases that repeat large parts",
                        f"展开别名后，定义文件的值不得超过{MAX_YAML_NODES}个"))
    except yaml.YAMLError as error:  # libyaml stops at its own depth (1000) before the events reach MAX_YAML_DEPTH
        if "nesting depth" not in str(getattr(error, "problem", "")):
            raise
        refuse(error.problem_mark, f"more than {MAX_YAML_DEPTH} levels", deep)


def _said_in_full(text: str) -> yaml.YAMLError | None:
    """The pure-Python parser's error on ``text``, if it finds one: it names what it expected and
    what it found ("expected the node content, but found '-'") where libyaml says less. Events
    only, so nothing is built; called only once libyaml has refused the file."""
    try:
        for _ in yaml.parse(text, Loader=yaml.SafeLoader):  # noqa: S506 - events only
            pass
    except yaml.YAMLError as error:
        return error
    return None


def read_yaml(path: str | Path, display: str | None = None) -> Any:
    """Read a YAML file with safe_load's rules (no Python tags) and no key given twice.

    Only a regular file is read, at most :data:`~wdmonitor.limits.MAX_YAML_BYTES` of it;
    nodes (aliases expanded), nesting depth and aliases are limited while parsing (see
    :mod:`wdmonitor.limits`). Unreadable or non-YAML content, a mapping key given twice and
    a limit passed are a PlanError.
    """
    display = display or str(path)
    collector = _Collector(display)
    raw = _read_limited(Path(path), collector)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        collector.add("(file)", raw[max(0, error.start - 5): error.end + 5], "the file must be UTF-8 text", "文件须为UTF-8文本")
        collector.raise_if_any()
    try:
        _check_structure(text, collector)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass: safe_load's rules, plus no duplicate keys
    except _DuplicateKeyError as error:
        mark = error.problem_mark
        collector.add(f"line {mark.line + 1}, column {mark.column + 1}", error.key, "a key must appear only once", "键不得重复")
        collector.raise_if_any()
    except yaml.YAMLError as error:
        error = _said_in_full(text) or error
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        collector.add(where, problem, "the file must be valid YAML (safe subset: no Python tags)", "文件须为有效的YAML（不允许Python标签）")
        collector.raise_if_any()
    return None  # unreachable


# -- catalogue ------------------------------------------------------------------------------

def _catalogue_resource() -> Any:
    return resources.files("wdmonitor").joinpath("indicators.yaml")


def _parse_indicator(entry: Any, where: str, c: _Collector) -> Indicator | None:
    if not c.keys(where, entry, _INDICATOR_KEYS, _INDICATOR_REQUIRED):
        return None
    before = len(c.problems)
    area = c.enum(f"{where}.area", entry.get("area"), Area, "area")
    direction = c.enum(f"{where}.direction", entry.get("direction"), Direction, "direction")
    sex_scope = c.enum(f"{where}.sex_scope", entry.get("sex_scope"), SexScope, "sex_scope")
    scale = c.enum(f"{where}.scale", entry.get("scale", "linear"), Scale, "scale")
    unit = entry.get("unit")
    canonical = None
    if unit is not None:
        try:
            canonical = str(parse_unit(str(unit)))
        except UnitError:
            c.add(f"{where}.unit", unit, "unit must be a known unit (%, /10万, ‰, 岁, 人, 所, ratio …)", "单位无法识别")
    limit = entry.get("natural_limit")
    if limit is None and canonical == "percent":
        limit = 100.0
    aliases = entry.get("aliases_zh") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    formula = entry.get("formula")
    if formula is not None and not isinstance(formula, Mapping):
        c.add(f"{where}.formula", formula, "formula must be a mapping with kind and its terms (see docs/formulas.md)",
              "formula 须为含 kind 及组成项的映射")
    precision = entry.get("precision")
    if precision is not None and (isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= MAX_PRECISION):
        c.add(f"{where}.precision", precision, f"precision must be a whole number of decimals from 0 to {MAX_PRECISION}",
              f"precision（小数位数）须为0至{MAX_PRECISION}的整数")
    ranges = {name: _range(entry.get(name), f"{where}.{name}", c) for name in ("possible", "plausible")}
    if len(c.problems) > before:
        return None
    try:
        return Indicator(
            id=str(entry["id"]), name_zh=str(entry["name_zh"]), name_en=str(entry["name_en"]),
            area=area, unit=canonical or "", direction=direction, sex_scope=sex_scope, scale=scale,
            natural_limit=None if limit is None else float(limit),
            definition=str(entry.get("definition", "")), source=str(entry.get("source", "")),
            periodicity=str(entry.get("periodicity", "annual")), proxy_for=entry.get("proxy_for"),
            aliases_zh=tuple(str(a) for a in aliases), formula=entry.get("formula"), precision=precision,
            reading=str(entry.get("reading", "")), parity_reference=entry.get("parity_reference"), **ranges,
        )
    except (TypeError, ValueError) as error:
        c.add(where, entry.get("id"), f"invalid indicator: {error}", "指标定义无效")
        return None


def _year_values(raw: Any, where: str, c: _Collector) -> dict[int, float]:
    """``values: {2025: 10.5, …}`` as years to numbers; each bad pair is a problem at ``where.values``."""
    values: dict[int, float] = {}
    if not isinstance(raw, Mapping) or not raw:
        c.add(f"{where}.values", raw, "values must map years to numbers", "values须为年份到数值的映射")
        return values
    for year_key, number in raw.items():
        year, value = _as_year(year_key), _as_number(number)
        if year is None or value is None:
            c.add(f"{where}.values.{year_key}", number, "values must map years to numbers", "values须为年份到数值的映射")
        else:
            values[year] = value
    return values


def _range(value: Any, where: str, c: _Collector) -> tuple[float, float] | None:
    """A ``[low, high]`` pair of numbers with low ≤ high, or None when absent."""
    if value is None:
        return None
    numbers = isinstance(value, list) and len(value) == 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    if not numbers or value[0] > value[1]:
        c.add(where, value, "expected [low, high]: two finite numbers with low ≤ high", "应为[下限, 上限]两个有限数，且下限不大于上限")
        return None
    return float(value[0]), float(value[1])


def _parse_indicators(entries: Any, where: str, c: _Collector,
                      components: Mapping[str, Component] | None = None,
                      catalogue: Mapping[str, Indicator] | None = None) -> dict[str, Indicator]:
    result: dict[str, Indicator] = {}
    if not isinstance(entries, list):
        c.add(where, entries, "expected a list of indicators", "应为指标列表")
        return result
    for i, entry in enumerate(entries):
        key = f"{where}[{i}]"
        indicator = _parse_indicator(entry, key, c)
        if indicator is None:
            continue
        if indicator.id in result:
            c.add(f"{key}.id", indicator.id, "indicator ids must be unique; this id is defined twice", "指标编号重复")
            continue
        result[indicator.id] = indicator
    for indicator in result.values():
        # a plan's own indicator may stand in for a catalogue indicator or another of its own
        if indicator.proxy_for is not None and not (_known(indicator.proxy_for, result) or _known(indicator.proxy_for, catalogue or {})):
            c.add(f"{where}[{indicator.id}].proxy_for", indicator.proxy_for,
                  "proxy_for must name an indicator of the catalogue" + (" or of the plan" if catalogue is not None else ""),
                  "proxy_for须为目录" + ("或规划" if catalogue is not None else "") + "中的指标")
    for indicator in result.values():  # a head count's age-group population, by sex
        reference = indicator.parity_reference
        if reference is not None and not (_known(reference, result) or _known(reference, catalogue or {})):
            c.add(f"{where}[{indicator.id}].parity_reference", reference,
                  "parity_reference must name an indicator (the age group's population by sex)",
                  "parity_reference须为目录中的指标（适龄人口，分性别）")
    for indicator in result.values():
        if indicator.formula is None or components is None:
            continue
        _, issues = parse_formula(indicator.formula, indicator, components)
        for key, value, expected, expected_zh in issues:
            c.add(f"{where}[{indicator.id}].formula" + (f".{key}" if key else ""), value, expected, expected_zh)
    return result


def _parse_component(entry: Any, where: str, c: _Collector) -> Component | None:
    if not c.keys(where, entry, _COMPONENT_KEYS, _COMPONENT_REQUIRED):
        return None
    before = len(c.problems)
    sex_scope = c.enum(f"{where}.sex_scope", entry.get("sex_scope"), SexScope, "sex_scope")
    if sex_scope is SexScope.FEMALE_SHARE:
        c.add(f"{where}.sex_scope", sex_scope.value, "a component is a count: sex_scope must be female, both or neutral",
              "组成项是计数，sex_scope 须为 female、both 或 neutral")
    unit = entry.get("unit")
    canonical = None
    if unit is not None:
        try:
            canonical = str(parse_unit(str(unit)))
        except UnitError:
            c.add(f"{where}.unit", unit, "unit must be a known unit (人, 所, 张, 元, person, institution …)", "单位无法识别")
    aliases = entry.get("aliases_zh") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    if len(c.problems) > before:
        return None
    return Component(
        id=str(entry["id"]), name_zh=str(entry["name_zh"]), name_en=str(entry.get("name_en", "")),
        unit=canonical or "", sex_scope=sex_scope, definition=str(entry.get("definition", "")),
        source=str(entry.get("source", "")), aliases_zh=tuple(str(a) for a in aliases),
    )


def _parse_components(entries: Any, where: str, c: _Collector) -> dict[str, Component]:
    result: dict[str, Component] = {}
    if entries is None:
        return result
    if not isinstance(entries, list):
        c.add(where, entries, "expected a list of components", "应为组成项列表")
        return result
    for i, entry in enumerate(entries):
        key = f"{where}[{i}]"
        component = _parse_component(entry, key, c)
        if component is None:
            continue
        if component.id in result:
            c.add(f"{key}.id", component.id, "component ids must be unique; this id is defined twice", "组成项编号重复")
            continue
        result[component.id] = component
    return result


def load_indicators(path: str | Path | None = None) -> Mapping[str, Indicator]:
    """Load the indicator catalogue.

    Parameters
    ----------
    path : str or Path, optional
        A catalogue file; the bundled ``indicators.yaml`` when omitted.

    Returns
    -------
    Mapping[str, Indicator]
        Read-only mapping from id to indicator, in file order.

    Raises
    ------
    PlanError
        Listing every problem in the file.

    Examples
    --------
    >>> catalogue = load_indicators()
    >>> catalogue["maternal_mortality_ratio"].name_zh
    '孕产妇死亡率'
    """
    if path is None:
        return _bundled_catalogue()[0]
    return _load_catalogue_file(Path(path), str(path))[0]


def load_components(path: str | Path | None = None) -> Mapping[str, Component]:
    """Load the components of the catalogue: the counts indicator formulas read.

    Parameters
    ----------
    path : str or Path, optional
        A catalogue file; the bundled ``indicators.yaml`` when omitted.

    Returns
    -------
    Mapping[str, Component]
        Read-only mapping from id to component, in file order.

    Raises
    ------
    PlanError
        Listing every problem in the file (formulas included).

    Examples
    --------
    >>> load_components()["live_births"].name_zh
    '活产数'
    """
    if path is None:
        return _bundled_catalogue()[1]
    return _load_catalogue_file(Path(path), str(path))[1]


@lru_cache(maxsize=1)
def _bundled_catalogue() -> tuple[Mapping[str, Indicator], Mapping[str, Component]]:
    with resources.as_file(_catalogue_resource()) as file:
        return _load_catalogue_file(file, "indicators.yaml")


def _load_catalogue_file(file: Path, display: str) -> tuple[Mapping[str, Indicator], Mapping[str, Component]]:
    from types import MappingProxyType

    data = read_yaml(file, display)
    c = _Collector(display)
    if not c.keys("", data, _CATALOGUE_KEYS, ("indicators",)):
        c.raise_if_any()
    components = _parse_components(data.get("components"), "components", c)
    result = _parse_indicators(data.get("indicators"), "indicators", c, components)
    for component_id in components:
        if component_id in result:
            c.add(f"components[{component_id}].id", component_id, "a component id must differ from every indicator id",
                  "组成项编号不得与指标编号相同")
    c.raise_if_any()
    return MappingProxyType(result), MappingProxyType(components)


# -- plans ----------------------------------------------------------------------------------

def _plans_dir() -> Any:
    return resources.files("wdmonitor").joinpath("plans")


def list_plans() -> list[str]:
    """Ids of the bundled plans, sorted.

    Examples
    --------
    >>> "huludao-2021-2030" in list_plans()
    True
    """
    folder = _plans_dir()
    if not folder.is_dir():
        return []
    return sorted(entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def load_plan(id_or_path: str | Path, indicators: str | Path | Mapping[str, Indicator] | None = None) -> Plan:
    """Load a plan by bundled id (see :func:`list_plans`) or from a YAML path.

    Parameters
    ----------
    id_or_path : str or Path
        ``"huludao-2021-2030"`` or a path to a plan file.
    indicators : path or mapping, optional
        The catalogue to resolve indicator ids against; the bundled one by default.

    Raises
    ------
    UnknownPlanError
        When the id is neither bundled nor an existing file.
    PlanError
        Listing every problem in the plan file.

    Examples
    --------
    >>> plan = load_plan("huludao-2021-2030")
    >>> plan.jurisdiction.code
    '211400'
    """
    catalogue = load_indicators(indicators) if not isinstance(indicators, Mapping) else indicators
    components = load_components(indicators) if not isinstance(indicators, Mapping) else load_components()
    text = str(id_or_path)
    if text in list_plans():
        with resources.as_file(_plans_dir().joinpath(f"{text}.yaml")) as file:
            return _load_plan_file(file, f"plans/{text}.yaml", catalogue, components)
    path = Path(id_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise UnknownPlanError(text, list_plans())
        return _load_plan_file(path, str(path), catalogue, components)
    raise UnknownPlanError(text, list_plans())


def _as_year(value: Any) -> int | None:
    """A whole year from MIN_YEAR to MAX_YEAR, or None (10**20, -5 and 2025.5 are not years)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 4:
        value = int(value.strip())
    if isinstance(value, int) and MIN_YEAR <= value <= MAX_YEAR:
        return value
    return None


def _known(key: Any, mapping: Mapping[str, Any]) -> bool:
    """Whether ``key`` is an id in ``mapping`` (a list or mapping given as an id is not; it is not even hashable)."""
    return isinstance(key, str) and key in mapping


def _out_of_range(value: Any) -> bool:
    """A whole number given as a year that lies outside MIN_YEAR–MAX_YEAR (10**20, -5)."""
    return isinstance(value, int) and not isinstance(value, bool) and not MIN_YEAR <= value <= MAX_YEAR


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _parse_region(entry: Any, where: str, c: _Collector, cls: type[Region]) -> Region | None:
    if not c.keys(where, entry, _REGION_KEYS, ("code", "name_zh")):
        return None
    code = str(entry.get("code", ""))
    if not (code.isdigit() and len(code) == 6):
        c.add(f"{where}.code", entry.get("code"), "code must be a six-digit GB/T 2260 code written as text", "地区代码须为6位GB/T 2260代码")
        return None
    level = c.enum(f"{where}.level", entry.get("level", "county"), Level, "level")
    if level is None:
        return None
    return cls(code=code, name_zh=str(entry["name_zh"]), name_en=str(entry.get("name_en", "")),
               level=level, parent=None if entry.get("parent") is None else str(entry["parent"]))


def _load_plan_file(file: Path, display: str, catalogue: Mapping[str, Indicator],
                    components: Mapping[str, Component] | None = None) -> Plan:
    data = read_yaml(file, display)
    c = _Collector(display)
    if not c.keys("", data, _PLAN_KEYS, _PLAN_REQUIRED):
        c.raise_if_any()
    indicators = dict(catalogue)
    if "indicators" in data:
        local = _parse_indicators(data["indicators"], "indicators", c, components, catalogue)
        for key, indicator in local.items():
            if key in indicators:
                c.add(f"indicators[{key}].id", key, "a plan may add indicators but not redefine catalogue ones", "规划不得重新定义目录中已有的指标")
            indicators[key] = indicator

    jurisdiction = _parse_region(data.get("jurisdiction"), "jurisdiction", c, Jurisdiction)
    regions = []
    for i, entry in enumerate(data.get("regions") or []):
        region = _parse_region(entry, f"regions[{i}]", c, Region)
        if region is not None:
            regions.append(region)
    codes = [r.code for r in regions] + ([jurisdiction.code] if jurisdiction else [])
    for code in {x for x in codes if codes.count(x) > 1}:
        c.add("regions", code, "region codes must be unique", "地区代码重复")

    period = data.get("period")
    start = end = None
    if isinstance(period, Mapping):
        start, end = _as_year(period.get("start")), _as_year(period.get("end"))
    elif isinstance(period, list) and len(period) == 2:
        start, end = _as_year(period[0]), _as_year(period[1])
    raw_years = list(period.values()) if isinstance(period, Mapping) else period if isinstance(period, list) else []
    if any(_out_of_range(y) for y in raw_years):
        c.add("period", period, f"period years must be whole years from {MIN_YEAR} to {MAX_YEAR}",
              f"规划期限须为{MIN_YEAR}至{MAX_YEAR}之间的年份")
    elif start is None or end is None or end <= start:
        c.add("period", period, "period must be [start, end] years with end after start", "规划期限须为起止年份")
    baseline_year = _as_year(data.get("baseline_year"))
    if _out_of_range(data.get("baseline_year")):
        c.add("baseline_year", data.get("baseline_year"), f"baseline_year must be a whole year from {MIN_YEAR} to {MAX_YEAR}",
              f"基期年份须为{MIN_YEAR}至{MAX_YEAR}之间的年份")
    elif baseline_year is None or (start is not None and baseline_year > start):
        c.add("baseline_year", data.get("baseline_year"), "baseline_year must be a year no later than the period start", "基期年份须不晚于规划起始年")

    baselines = []
    for i, entry in enumerate(data.get("baselines") or []):
        where = f"baselines[{i}]"
        if not c.keys(where, entry, _BASELINE_KEYS, ("indicator", "year", "value")):
            continue
        indicator_id = entry.get("indicator")
        if not _known(indicator_id, indicators):
            c.add(f"{where}.indicator", indicator_id, "indicator must be a catalogue id", "指标须为目录中的编号")
            continue
        value = _as_number(entry.get("value"))
        if value is None:
            c.add(f"{where}.value", entry.get("value"), "value must be a number", "数值须为数字")
            continue
        value = _convert_stated(value, entry.get("unit"), indicators[indicator_id], f"{where}.unit", c)
        year = _as_year(entry.get("year"))
        if year is None:
            c.add(f"{where}.year", entry.get("year"), f"year must be a whole year from {MIN_YEAR} to {MAX_YEAR}", f"年份须为{MIN_YEAR}至{MAX_YEAR}之间的整数年份")
            continue
        sex = c.enum(f"{where}.sex", entry["sex"], Sex, "sex") if "sex" in entry else None
        area_type = c.enum(f"{where}.area_type", entry.get("area_type", "total"), AreaType, "area_type")
        if value is not None and area_type is not None:
            baselines.append(Baseline(indicator=indicator_id, year=year, value=value, sex=sex,
                                      area_type=area_type, text_zh=str(entry.get("text_zh", ""))))

    goals: list[Goal] = []
    target_ids: set[str] = set()
    goal_ids: set[str] = set()
    raw_goals = data.get("goals")
    if not isinstance(raw_goals, list):
        c.add("goals", raw_goals, "goals must be a list", "goals须为列表")
        raw_goals = []
    for i, entry in enumerate(raw_goals):
        goal = _parse_goal(entry, f"goals[{i}]", c, indicators, start, end, baseline_year, target_ids)
        if goal is None:
            continue
        if goal.id in goal_ids:
            c.add(f"goals[{i}].id", goal.id, "goal ids must be unique (area and goal_no repeat an earlier goal)", "目标编号重复")
            continue
        goal_ids.add(goal.id)
        goals.append(goal)
    c.raise_if_any()
    assert isinstance(jurisdiction, Jurisdiction) and start is not None and end is not None and baseline_year is not None
    return Plan(
        id=str(data["id"]), title_zh=str(data["title_zh"]), title_en=str(data["title_en"]),
        jurisdiction=jurisdiction, period_start=start, period_end=end, baseline_year=baseline_year,
        goals=tuple(goals), indicators=indicators, regions=tuple(regions), baselines=tuple(baselines),
        draft=bool(data.get("draft", False)), source_document=str(data.get("source_document", "")),
        notes=str(data.get("notes", "")), path=display,
    )


def _convert_stated(value: float, unit: Any, indicator: Indicator, where: str, c: _Collector) -> float | None:
    if unit is None:
        return value
    try:
        return value * conversion_factor(str(unit), indicator.unit)
    except UnitError:
        c.add(where, unit, f"unit must be convertible to the indicator's unit {indicator.unit}", f"单位须可换算为指标单位 {indicator.unit}")
        return None


def _parse_goal(entry: Any, where: str, c: _Collector, indicators: Mapping[str, Indicator],
                start: int | None, end: int | None, baseline_year: int | None, target_ids: set[str]) -> Goal | None:
    if not c.keys(where, entry, _GOAL_KEYS, ("area", "goal_no", "text_zh")):
        return None
    area = c.enum(f"{where}.area", entry.get("area"), Area, "area")
    section = c.enum(f"{where}.section", entry.get("section", "main_goal"), Section, "section")
    if area is None or section is None:
        return None
    goal_no = str(entry.get("goal_no"))
    prefix = {"main_goal": "", "strategy": "s", "key_project": "k"}[section.value]
    goal_id = str(entry.get("id") or f"{area.value}-{prefix}{goal_no}")
    raw_targets = entry.get("targets")
    if raw_targets is None:
        raw_targets = [{"kind": "qualitative"}]
    if not isinstance(raw_targets, list) or not raw_targets:
        c.add(f"{where}.targets", raw_targets, "targets must be a non-empty list (omit it for a qualitative goal)", "targets须为非空列表")
        return None
    targets = []
    letters = "abcdefghijklmnopqrstuvwxyz"
    for j, raw in enumerate(raw_targets):
        default_id = f"{goal_id}{letters[j] if len(raw_targets) > 1 else ''}" if j < 26 else f"{goal_id}-{j}"
        target = _parse_target(raw, f"{where}.targets[{j}]", c, indicators, start, end, baseline_year,
                               default_id, area, goal_no, section, str(entry.get("text_zh", "")))
        if target is None:
            continue
        if target.id in target_ids:
            c.add(f"{where}.targets[{j}].id", target.id, "target ids must be unique within the plan", "目标编号重复")
            continue
        target_ids.add(target.id)
        targets.append(target)
    return Goal(id=goal_id, area=area, goal_no=goal_no, text_zh=str(entry["text_zh"]), section=section, targets=tuple(targets))


def _parse_target(raw: Any, where: str, c: _Collector, indicators: Mapping[str, Indicator],
                  start: int | None, end: int | None, baseline_year: int | None, default_id: str,
                  area: Area, goal_no: str, section: Section, goal_text: str) -> Target | None:
    if not c.keys(where, raw, _TARGET_KEYS, ("kind",)):
        return None
    before = len(c.problems)
    kind = c.enum(f"{where}.kind", raw.get("kind"), TargetKind, "kind")
    indicator_id = raw.get("indicator")
    indicator = None
    if indicator_id is not None:
        indicator = indicators.get(indicator_id) if _known(indicator_id, indicators) else None
        if indicator is None:
            import difflib

            close = difflib.get_close_matches(str(indicator_id), list(indicators), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            c.add(f"{where}.indicator", indicator_id, f"indicator must be a catalogue id{hint}", "指标须为目录中的编号")
    elif kind is not None and kind is not TargetKind.QUALITATIVE:
        c.add(f"{where}.indicator", None, f"a {kind.value} target needs an indicator", "数值目标须指定指标")

    # values by year: `values: {2025: 10.5}` or `value: 10` (+ optional `year`) or `years: [..]`
    values: dict[int, float] = {}
    if "values" in raw:
        values.update(_year_values(raw["values"], where, c))
    elif "value" in raw:
        value = _as_number(raw["value"])
        year = _as_year(raw.get("year", end))
        if value is None:
            c.add(f"{where}.value", raw["value"], "value must be a number", "目标值须为数字")
        elif year is None:
            c.add(f"{where}.year", raw.get("year"), f"year must be a whole year from {MIN_YEAR} to {MAX_YEAR}", f"年份须为{MIN_YEAR}至{MAX_YEAR}之间的整数年份")
        else:
            values[year] = value
    elif kind is not None and kind.needs_value:
        c.add(f"{where}.values", None, f"a {kind.value} target needs values by year (or value and year)", "该类目标须给出目标值")
    else:
        years = raw.get("years", [raw.get("year", end)])
        if not isinstance(years, list):
            years = [years]
        if "years" not in raw and "year" not in raw and end is None:
            years = []  # no period end to default to: the period's problem is reported already
        for year_key in years:
            year = _as_year(year_key)
            if year is None:
                c.add(f"{where}.years", year_key, f"years must be a list of whole years from {MIN_YEAR} to {MAX_YEAR}", "years须为年份列表")
            else:
                values[year] = float("nan")

    for year in values:
        if start is not None and end is not None and not (start <= year <= end):
            c.add(f"{where}.values.{year}", year, f"target years must lie in the plan period {start}–{end}", f"目标年份须在规划期 {start}—{end} 内")

    if "unit" in raw and indicator is not None and values:
        try:
            factor = conversion_factor(str(raw["unit"]), indicator.unit)
            values = {y: v * factor for y, v in values.items()}
        except UnitError:
            c.add(f"{where}.unit", raw["unit"], f"unit must be convertible to the indicator's unit {indicator.unit}", f"单位须可换算为指标单位 {indicator.unit}")

    if indicator is not None and kind is not None and kind.needs_value and is_percent(indicator.unit):
        limit = 100.0
        for year, value in values.items():
            bounded = kind is TargetKind.RELATIVE_TO_BASELINE and raw.get("delta_mode") == "relative"
            if not bounded and not (0.0 <= value <= limit):
                c.add(f"{where}.values.{year}", value, "a percent target must lie between 0 and 100", "百分比目标须在0到100之间")

    lower, upper = _as_number(raw.get("lower")), _as_number(raw.get("upper"))
    if "lower" in raw and lower is None:
        c.add(f"{where}.lower", raw["lower"], "lower must be a number", "下限须为数字")
    if "upper" in raw and upper is None:
        c.add(f"{where}.upper", raw["upper"], "upper must be a number", "上限须为数字")
    if kind is TargetKind.BAND and (lower is None or upper is None or lower > upper):
        c.add(where, (raw.get("lower"), raw.get("upper")), "a band target needs numbers lower <= upper", "区间目标须给出下限和上限")
    if kind is TargetKind.PARITY and lower is not None and upper is not None and lower > upper:
        c.add(where, (raw.get("lower"), raw.get("upper")), "a parity band needs lower <= upper (or neither: the rule "
              "set's parity_band applies)", "均衡目标的区间须下限不大于上限（或均不填，采用规则集的 parity_band）")

    reference = raw.get("reference")
    relation = None
    if kind is TargetKind.RELATIVE_TO:
        if not _known(reference, indicators):
            c.add(f"{where}.reference", reference, "relative_to needs reference: a catalogue indicator id", "relative_to须指定参照指标")
        relation = c.enum(f"{where}.relation", raw.get("relation", "not_below"), Relation, "relation")
        if not values:
            values = {end: float("nan")} if end is not None else {}
    elif reference is not None:
        c.add(f"{where}.reference", reference, "reference is only for relative_to targets", "仅relative_to目标可指定参照指标")

    delta_mode = raw.get("delta_mode")
    baseline_years: dict[int, int] = {}
    if kind is TargetKind.RELATIVE_TO_BASELINE:
        if delta_mode not in ("points", "relative"):
            c.add(f"{where}.delta_mode", delta_mode, "delta_mode must be points or relative (state the reading chosen)", "delta_mode须为points或relative")
        raw_years = raw.get("baseline_years")
        if isinstance(raw_years, Mapping):
            for year_key, base in raw_years.items():
                year, base_year = _as_year(year_key), _as_year(base)
                if year is None or base_year is None:
                    c.add(f"{where}.baseline_years.{year_key}", base, "baseline_years must map target years to baseline years", "baseline_years须为年份映射")
                else:
                    baseline_years[year] = base_year
        elif raw_years is not None:
            c.add(f"{where}.baseline_years", raw_years, "baseline_years must map target years to baseline years", "baseline_years须为年份映射")
        elif baseline_year is not None:
            baseline_years = dict.fromkeys(values, baseline_year)
        missing = [y for y in values if y not in baseline_years]
        if missing:
            c.add(f"{where}.baseline_years", missing, "every target year needs a baseline year", "每个目标年份须有基期年份")
    elif delta_mode is not None:
        c.add(f"{where}.delta_mode", delta_mode, "delta_mode is only for relative_to_baseline targets", "仅relative_to_baseline目标可指定delta_mode")

    gap_between = None
    if kind is TargetKind.GAP_NARROWING:
        gap_between = c.enum(f"{where}.gap_between", raw.get("gap_between"), GapBetween, "gap_between")
    elif "gap_between" in raw:
        c.add(f"{where}.gap_between", raw["gap_between"], "gap_between is only for gap_narrowing targets", "仅gap_narrowing目标可指定gap_between")

    sex = c.enum(f"{where}.sex", raw["sex"], Sex, "sex") if raw.get("sex") is not None else None
    if sex is not None and indicator is not None and sex not in indicator.sex_scope.allowed_sexes:
        c.add(f"{where}.sex", raw["sex"], f"sex must be one of {', '.join(s.value for s in indicator.sex_scope.allowed_sexes)} for a {indicator.sex_scope.value} indicator", "性别与指标的性别范围不符")
    area_type = c.enum(f"{where}.area_type", raw.get("area_type", "total"), AreaType, "area_type")
    tolerance = _as_number(raw.get("tolerance")) if "tolerance" in raw else None
    proxy = None
    if "proxy" in raw and kind is not None:
        proxy = _parse_proxy(raw["proxy"], f"{where}.proxy", c, indicators, kind, indicator, values, start, end)

    if len(c.problems) > before or kind is None or area_type is None:
        return None
    try:
        return Target(
            id=str(raw.get("id") or default_id), indicator=indicator_id, kind=kind, values=values,
            lower=lower, upper=upper, tolerance=tolerance, reference=reference, relation=relation,
            delta_mode=delta_mode, baseline_years=baseline_years, gap_between=gap_between, sex=sex,
            area_type=area_type, area=area, goal_no=goal_no, section=section,
            text_zh=str(raw.get("text_zh") or goal_text), reading=str(raw.get("reading", "")), proxy=proxy,
        )
    except ValueError as error:
        c.add(where, raw.get("id") or default_id, str(error), "目标定义无效")
        return None


def _parse_proxy(raw: Any, where: str, c: _Collector, indicators: Mapping[str, Indicator], main_kind: TargetKind,
                 main: Indicator | None, main_values: Mapping[int, float], start: int | None, end: int | None) -> Any:
    """A target's proxy (see :mod:`wdmonitor.proxies`): its indicator, kind, target, years and reading, checked."""
    from .proxies import MAIN_KINDS, PROXY_KINDS, Proxy

    if not c.keys(where, raw, _PROXY_KEYS, ("indicator", "years", "reading")):
        return None
    before = len(c.problems)
    if main_kind.value not in MAIN_KINDS:
        c.add(f"{where}", main_kind.value, f"a proxy stands in for a target judged on one series ({', '.join(MAIN_KINDS)}); "
              f"a {main_kind.value} target cannot have one", "替代性指标只适用于基于单一数据序列判断的目标")
    proxy_id = raw.get("indicator")
    proxy = indicators.get(proxy_id) if _known(proxy_id, indicators) else None
    if proxy is None:
        import difflib

        close = difflib.get_close_matches(str(proxy_id), list(indicators), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        c.add(f"{where}.indicator", proxy_id, f"the proxy must be an indicator of the catalogue or of the plan{hint}",
              "替代性指标须为目录或规划中的指标")
    elif main is not None and proxy.id == main.id:
        c.add(f"{where}.indicator", proxy_id, "a proxy must be another indicator than the target's own", "替代性指标不能是目标本身的指标")
    elif main is not None and proxy.proxy_for is not None and proxy.proxy_for != main.id:
        c.add(f"{where}.indicator", proxy_id, f"{proxy.id} is declared a proxy for {proxy.proxy_for} (proxy_for), not for "
              f"{main.id}", f"该指标在proxy_for中声明替代的是{proxy.proxy_for}，不是{main.id}")
    kind_text = raw.get("kind")
    if kind_text is None:
        kind = main_kind
        if kind.value not in PROXY_KINDS:
            c.add(f"{where}.kind", None, f"the target is {kind.value}: state the proxy's own kind, one of {', '.join(PROXY_KINDS)}",
                  "须为替代性指标指定判断类型")
    else:
        kind = c.enum(f"{where}.kind", kind_text, TargetKind, "kind")
        if kind is not None and kind.value not in PROXY_KINDS:
            c.add(f"{where}.kind", kind_text, f"a proxy is judged by one of {', '.join(PROXY_KINDS)}", "替代性指标的判断类型无效")
    if proxy is not None and kind is not None and kind.value in PROXY_KINDS and proxy.direction.sign != 0 \
            and PROXY_KINDS[kind.value] != proxy.direction.sign:
        c.add(f"{where}.kind", kind.value, f"{kind.value} judges a rise as progress{'' if PROXY_KINDS[kind.value] > 0 else ' when falling'}; "
              f"{proxy.id} is {proxy.direction.value}-is-better: the proxy's direction must agree with its kind (state the kind "
              f"and target that fit it)", f"替代性指标的方向（{proxy.direction.value}）与判断类型{kind.value}不一致")
    # the years at which the proxy may stand in
    years_raw = raw.get("years")
    years: list[int] = []
    if isinstance(years_raw, Mapping) and set(years_raw) <= {"from", "to"}:
        first, last = _as_year(years_raw.get("from", start)), _as_year(years_raw.get("to", end))
        years = list(range(first, last + 1)) if first is not None and last is not None and first <= last else []
        if not years:
            c.add(f"{where}.years", years_raw, "years must be a list of years or {from: year, to: year}", "years须为年份列表或起止年份")
    elif isinstance(years_raw, list) and years_raw:
        for y in years_raw:
            year = _as_year(y)
            if year is None:
                c.add(f"{where}.years", y, f"years must be whole years from {MIN_YEAR} to {MAX_YEAR}", "years须为年份列表")
            else:
                years.append(year)
    elif years_raw is not None:
        c.add(f"{where}.years", years_raw, "years must be a list of years or {from: year, to: year}", "years须为年份列表或起止年份")
    for year in years:
        if start is not None and end is not None and not start <= year <= end:
            c.add(f"{where}.years", year, f"the years a proxy applies must lie in the plan period {start}–{end}", f"替代年份须在规划期{start}—{end}内")
    reading = raw.get("reading")
    if not isinstance(reading, str) or not reading.strip():
        c.add(f"{where}.reading", reading, "a proxy needs its reading: why it may stand in and how its target was set",
              "须说明替代的理由及替代目标的确定方法")
    sex = c.enum(f"{where}.sex", raw["sex"], Sex, "sex") if raw.get("sex") is not None else None
    if sex is not None and proxy is not None and sex not in proxy.sex_scope.allowed_sexes:
        c.add(f"{where}.sex", raw["sex"], "sex must be one the proxy indicator is measured on", "性别与替代性指标的性别范围不符")
    # the proxy's own target: stated, or derived from the main target by the reading
    values: dict[int, float] = {}
    derived = ""
    derive = raw.get("derive")
    stated = "values" in raw or "value" in raw
    if stated and derive is not None:
        c.add(f"{where}.derive", derive, "give the proxy's target either stated (values) or derived (derive), not both",
              "替代目标只能直接给出或按方法推算，二者择一")
    elif "values" in raw:
        values.update(_year_values(raw["values"], where, c))
    elif "value" in raw:
        value, year = _as_number(raw["value"]), _as_year(raw.get("year", end))
        if value is None or year is None:
            c.add(f"{where}.value", raw["value"], "value must be a number (with year a whole year)", "目标值须为数字")
        else:
            values[year] = value
    elif derive is not None:
        factor = None
        if derive == "same":
            factor, derived = 1.0, "same"
        elif isinstance(derive, Mapping) and set(derive) == {"scale"} and (_as_number(derive["scale"]) or 0.0) > 0:
            factor = _as_number(derive["scale"])
            derived = f"scale ×{factor:g}"
        else:
            c.add(f"{where}.derive", derive, "derive must be same (the target's values) or {scale: a positive number}",
                  "derive须为same或{scale: 正数}")
        if factor is not None:
            if main is None or proxy is None:
                pass
            elif main.direction.sign != proxy.direction.sign:
                c.add(f"{where}.derive", derive, f"a target derived from {main.id} ({main.direction.value}-is-better) cannot "
                      f"carry over to {proxy.id} ({proxy.direction.value}-is-better): state the proxy's values",
                      "主指标与替代性指标方向相反，替代目标须直接给出")
            else:
                try:
                    unit_factor = conversion_factor(main.unit, proxy.unit)
                except UnitError:
                    c.add(f"{where}.derive", derive, f"the target in {main.unit} cannot be derived in the proxy's unit "
                          f"{proxy.unit}: state the proxy's values", "主指标与替代性指标单位不能换算，替代目标须直接给出")
                else:
                    values = {y: v * unit_factor * factor for y, v in main_values.items()}
    if "unit" in raw and proxy is not None and values and derive is None:
        try:
            unit_factor = conversion_factor(str(raw["unit"]), proxy.unit)
            values = {y: v * unit_factor for y, v in values.items()}
        except UnitError:
            c.add(f"{where}.unit", raw["unit"], f"unit must be convertible to the proxy's unit {proxy.unit}", "单位须可换算为替代性指标的单位")
    if kind is not None and kind.needs_value and not values and len(c.problems) == before:
        c.add(f"{where}", None, f"the {kind.value} proxy needs its own target: values (stated) or derive (same, or "
              "{scale: f}) with the reading saying why", "替代性指标须有替代目标：直接给出（values）或按方法推算（derive）")
    if kind is not None and not kind.needs_value and not values:
        values = {y: float("nan") for y in (main_values or ({end: 0.0} if end is not None else {}))}
    for year in values:
        if start is not None and end is not None and not start <= year <= end:
            c.add(f"{where}.values.{year}", year, f"target years must lie in the plan period {start}–{end}", f"目标年份须在规划期 {start}—{end} 内")
    if len(c.problems) > before or proxy is None or kind is None:
        return None
    return Proxy(indicator=proxy.id, kind=kind, values=values, years=tuple(years), reading=str(reading).strip(),
                 derived=derived, sex=sex)
