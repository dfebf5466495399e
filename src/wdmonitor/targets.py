"""From a plan to target rows: one per target × region × sex, each pointing at a series.

:func:`target_rows` expands the plan's targets over the regions present in the data (a
loop over targets, never over series), and :func:`attach_series` adds the derived series
the comparison kinds need to the matrix — sex gaps, female/male ratios, urban–rural gaps
and the spread across regions, each computed for all regions at once — and resolves every
row to its series.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .indicators import Indicator, Plan, Target
from .series import SERIES_KEY, SeriesMatrix
from .vocabulary import GapBetween, Scale, Sex, TargetKind

__all__ = ["attach_series", "derive_series", "matrix_for", "resolve_series", "target_rows"]

_MULTIPLIER = {"percent": (100.0, "wilson"), "per_100k": (1e5, "poisson"), "per_10k": (1e4, "poisson"),
               "per_mille": (1e3, "poisson"), "per_million": (1e6, "poisson")}

#: Money units: a gap between the sexes in these is judged relative to men's level (methodology §8).
MONEY_UNITS = frozenset({"yuan", "ten_thousand_yuan"})
#: The total of a both-sex indicator, judged where the data carry it (methodology §8, totals).
OPTIONAL_TOTAL = "total?"
#: Sex labels of derived series.
PAIR = "female/male"
URBAN_RURAL = "urban/rural"


def _sign(target: Target, indicator: Indicator | None) -> int:
    if target.kind.sign is not None:
        return target.kind.sign
    if target.kind is TargetKind.RELATIVE_TO:
        return 1 if target.relation is None or target.relation.value == "not_below" else (indicator.direction.sign if indicator else 0)
    if target.kind is TargetKind.RELATIVE_TO_BASELINE:
        delta = next(iter(target.values.values()), 1.0)
        return 1 if delta >= 0 else -1
    return indicator.direction.sign if indicator is not None else 0


def _series_specs(target: Target, indicator: Indicator | None) -> list[tuple[str, str, str, str]]:
    """(series indicator id, sex label, area_type, derivation) for one target."""
    if indicator is None:
        return [("", "", "", "")]
    sexes = [target.sex.value] if target.sex else [s.value for s in indicator.sexes]
    area_type = target.area_type.value
    if target.kind is TargetKind.PARITY:
        return [(f"{indicator.id}::parity", PAIR, area_type, "parity")]
    if target.kind is TargetKind.GAP_NARROWING:
        between = target.gap_between or GapBetween.SEX
        if between is GapBetween.SEX and indicator.sex_scope.value == "both":
            if indicator.unit in MONEY_UNITS:  # in yuan a gap widens with nominal growth: judged relative to men's
                return [(f"{indicator.id}::relative_gap", PAIR, area_type, "relative_gap")]
            return [(f"{indicator.id}::sex_gap", PAIR, area_type, "sex_gap")]
        if between is GapBetween.AREA_TYPE:
            return [(f"{indicator.id}::area_gap", sex, URBAN_RURAL, "area_gap") for sex in sexes]
        if between is GapBetween.REGION:
            return [(f"{indicator.id}::region_gap", sex, area_type, "region_gap") for sex in sexes]
        # the indicator is itself a gap (a difference already computed by the sender)
        return [(indicator.id, sex, area_type, "") for sex in sexes]
    if target.sex is None and indicator.sex_scope.value == "both":
        # judged on every sex the data carry: the total too (kept only where it has data)
        sexes = [*sexes, OPTIONAL_TOTAL]
    return [(indicator.id, sex, area_type, "") for sex in sexes]


def matrix_for(valid: pd.DataFrame, plan: Plan, last_year: int, history: int) -> tuple[SeriesMatrix, list[str]]:
    """The series matrix of a validated frame (from ``history`` years before the baseline to
    ``last_year``) and the plan's regions present in it, the jurisdiction always included."""
    from .series import to_matrix

    years = valid["year"]
    first = min([plan.baseline_year - history, *([int(years.min())] if len(valid) else [])])
    last = max([last_year, *([int(years.max())] if len(valid) else [])])
    present = set(valid["region"].astype(str).unique())
    regions = [code for code in plan.region_codes if code in present or code == plan.jurisdiction.code]
    return to_matrix(valid, years=(first, last)), regions


def target_rows(plan: Plan, year: int, regions: list[str]) -> pd.DataFrame:
    """One row per target × region × series of the plan, with the target's parameters."""
    records = []
    for target in plan.targets:
        indicator = plan.indicators.get(target.indicator) if target.indicator else None
        stated_years = sorted(target.values)
        if stated_years:
            used = year if year in target.values else next((y for y in stated_years if y > year), stated_years[-1])
        else:
            used = None
        valued = target.kind.needs_value and used is not None
        stated = target.values[used] if valued and used is not None else np.nan
        final_year = stated_years[-1] if stated_years else plan.final_year
        final_value = target.values[final_year] if valued else np.nan
        baseline_year = target.baseline_years.get(used, plan.baseline_year) if used is not None else plan.baseline_year
        unit = indicator.unit if indicator else ""
        multiplier, interval = _MULTIPLIER.get(unit, (np.nan, ""))
        base = {
            "target_id": target.id,
            "area": target.area.value,
            "goal_no": target.goal_no,
            "section": target.section.value,
            "indicator": target.indicator or "",
            "name_zh": indicator.name_zh if indicator else target.text_zh,
            "name_en": indicator.name_en if indicator else "",
            "unit": unit,
            "kind": target.kind.value,
            "text_zh": target.text_zh,
            "reading": target.reading,
            "sign": _sign(target, indicator),
            "geometric": bool(indicator is not None and indicator.scale is Scale.GEOMETRIC),
            "natural_limit": indicator.natural_limit if indicator and indicator.natural_limit is not None else np.nan,
            "baseline_year": baseline_year,
            "target_year": used if valued else (year if target.kind is not TargetKind.QUALITATIVE else final_year),
            "target_stated": stated,
            "milestone": bool(valued and used is not None and used > year and target.kind.belongs_to("milestone")),
            "final_year": final_year,
            "final_target": final_value,
            "final_baseline_year": target.baseline_years.get(final_year, baseline_year),
            "lower": target.lower if target.lower is not None else np.nan,
            "upper": target.upper if target.upper is not None else np.nan,
            "tolerance": target.tolerance if target.tolerance is not None else np.nan,
            "reference": target.reference or "",
            "relation": target.relation.value if target.relation else "",
            "delta_mode": target.delta_mode or "",
            "gap_between": target.gap_between.value if target.gap_between else "",
            "multiplier": multiplier,
            "interval": interval,
            # reporting precision (methodology §8): 2 decimals at least for a parity index
            "precision": (max(indicator.precision or 0, 2) if target.kind is TargetKind.PARITY else indicator.precision)
            if indicator is not None else 1,
        }
        for series_indicator, sex, area_type, derivation in _series_specs(target, indicator):
            row = dict(base)
            row.update(sex=sex.rstrip("?"), optional=sex == OPTIONAL_TOTAL, area_type=area_type, series_indicator=series_indicator, derivation=derivation,
                       simple=derivation == "" and indicator is not None,
                       _everywhere=not (target.kind is TargetKind.QUALITATIVE or derivation == "region_gap"))
            if derivation:  # counts behind a derived series do not give an interval
                row.update(multiplier=np.nan, interval="")
            if derivation == "relative_gap":  # (m − f)/m × 100: 1 − the female/male ratio, in percent
                row.update(unit="percent", precision=1)
            records.append(row)
    # one record per target and series; then repeated over the regions (no loop over regions)
    specs = pd.DataFrame.from_records(records)
    specs["spec"] = np.arange(len(specs))  # the rows' order: by target and series as the plan lists them, then region
    everywhere = specs["_everywhere"].to_numpy(dtype=bool)
    copies = np.where(everywhere, len(regions), 1)  # in the specs' order, each region in turn: one take
    taken = np.repeat(np.arange(len(specs)), copies)
    within = np.arange(len(taken)) - np.repeat(np.cumsum(copies) - copies, copies)
    names = np.asarray([*regions, plan.jurisdiction.code], dtype=object)
    region = names[np.where(everywhere[taken], within, len(regions))]
    rows = specs.take(taken).drop(columns="_everywhere").reset_index(drop=True)
    rows["region"] = pd.Series(region, dtype=str)  # one dtype, whichever rows the plan has
    rows["target_year"] = rows["target_year"].astype("int64")
    # the baseline stated in the plan stands in for the jurisdiction's missing observation
    rows["plan_baseline"] = np.nan
    for baseline in plan.baselines:
        hit = (
            (rows["region"] == plan.jurisdiction.code) & (rows["indicator"] == baseline.indicator) & rows["simple"]
            & (rows["baseline_year"] == baseline.year) & (rows["area_type"] == baseline.area_type.value)
        )
        if baseline.sex is not None:
            hit &= rows["sex"] == baseline.sex.value
        rows.loc[hit, "plan_baseline"] = baseline.value
    return rows


def _pair(matrix: SeriesMatrix, mask: np.ndarray, column: str, first: str, second: str) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Rows of ``matrix`` with ``column == first`` and the index of their ``second`` partner."""
    codes, position = matrix.codes, SERIES_KEY.index(column)
    chosen = np.flatnonzero(mask & (codes.codes[:, position] == codes.code(column, first)))
    partners = codes.codes[chosen].copy()
    partners[:, position] = codes.code(column, second)
    partner = codes.find(partners)
    found = partner >= 0
    return chosen[found], partner[found], matrix.keys.iloc[chosen[found]].reset_index(drop=True)


def _age_group_ratio(matrix: SeriesMatrix, plan: Plan, indicator_id: str, rows: np.ndarray) -> np.ndarray:
    """The female/male ratio of the age group a head count is compared with (1 for a rate).

    A parity index of enrolment is (f/m pupils) / (f/m population of the age group): equal
    access gives 1 whatever the sex ratio at birth (methodology §8). Without the population
    of the age group the index is missing (无法评估), never the raw head-count ratio.
    ``rows`` are the matrix rows of the head count's series.
    """
    indicator = plan.indicators.get(indicator_id)
    reference = indicator.parity_reference if indicator is not None else None
    if reference is None:
        return np.ones((len(rows), len(matrix.years)))
    codes = matrix.codes
    wanted = codes.codes[rows].copy()
    wanted[:, SERIES_KEY.index("indicator")] = codes.code("indicator", reference)
    partners = []
    for sex in (Sex.FEMALE.value, Sex.MALE.value):
        wanted[:, SERIES_KEY.index("sex")] = codes.code("sex", sex)
        partners.append(codes.find(wanted))
    female, male = partners
    ratio = np.full((len(rows), len(matrix.years)), np.nan)
    found = (female >= 0) & (male >= 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        f, m = matrix.values[female[found]], matrix.values[male[found]]
        ratio[found] = np.where(m > 0, f / m, np.nan)
    return ratio


def _has(matrix: SeriesMatrix, column: str, value: str) -> np.ndarray:
    """Which series of ``matrix`` have ``value`` in key ``column`` (compared as codes)."""
    return matrix.codes.codes[:, SERIES_KEY.index(column)] == matrix.codes.code(column, value)


def attach_series(rows: pd.DataFrame, matrix: SeriesMatrix, plan: Plan) -> tuple[pd.DataFrame, SeriesMatrix]:
    """Append the derived series the rows need and resolve each row's series index."""
    full = derive_series(rows, matrix, plan)
    return resolve_series(rows, full), full


def derive_series(rows: pd.DataFrame, matrix: SeriesMatrix, plan: Plan) -> SeriesMatrix:
    """``matrix`` with the derived series the rows need appended: sex gaps, female/male ratios,
    parity indices, urban–rural gaps and spreads across regions, each for all regions at once.

    The derived series depend on the targets, never on the evaluation year, so one derivation
    serves every year judged on the same observed matrix (see :func:`resolve_series`).
    """
    additions: list[tuple[pd.DataFrame, np.ndarray]] = []
    derived = rows.loc[rows["derivation"] != "", ["series_indicator", "derivation", "indicator", "sex", "area_type"]].drop_duplicates()
    for spec in derived.itertuples(index=False):  # one pass per derived indicator, vectorised over regions
        if spec.derivation in ("sex_gap", "parity", "relative_gap"):
            new, values = _between_sexes(matrix, plan, spec)
        elif spec.derivation == "area_gap":
            new, values = _between_areas(matrix, spec)
        else:
            new, values = _across_regions(matrix, plan, spec)
        new["indicator"] = str(spec.series_indicator)
        additions.append((new, values))
    if not additions:
        return matrix
    return matrix.append(pd.concat([a[0] for a in additions], ignore_index=True), np.vstack([a[1] for a in additions]))


def _between_sexes(matrix: SeriesMatrix, plan: Plan, spec: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """|m − f|, f/m, (m − f)/m × 100 or the parity index, in every region with both sexes."""
    base = _has(matrix, "indicator", spec.indicator) & _has(matrix, "area_type", spec.area_type)
    female, male, new = _pair(matrix, base, "sex", Sex.FEMALE.value, Sex.MALE.value)
    f, m = matrix.values[female], matrix.values[male]
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.abs(m - f) if spec.derivation == "sex_gap" else np.where(m != 0, f / m, np.nan)
        if spec.derivation == "relative_gap":  # how far the female/male ratio falls short of 1, in percent
            values = np.abs(1 - values) * 100
    if spec.derivation == "parity":
        values = values / _age_group_ratio(matrix, plan, str(spec.indicator), female)
    new["sex"] = PAIR
    return new, values


def _between_areas(matrix: SeriesMatrix, spec: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """|urban − rural| in every region with both."""
    base = _has(matrix, "indicator", spec.indicator) & _has(matrix, "sex", spec.sex)
    urban, rural, new = _pair(matrix, base, "area_type", "urban", "rural")
    new["area_type"] = URBAN_RURAL
    return new, np.abs(matrix.values[urban] - matrix.values[rural])


def _across_regions(matrix: SeriesMatrix, plan: Plan, spec: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """The spread (max − min) across the plan's sub-regions, at least two, as the jurisdiction's series."""
    children = {r.code for r in plan.regions if r.parent == plan.jurisdiction.code} or {r.code for r in plan.regions}
    chosen = np.flatnonzero(_has(matrix, "indicator", spec.indicator) & _has(matrix, "sex", spec.sex)
                            & _has(matrix, "area_type", spec.area_type) & matrix.keys["region"].isin(children).to_numpy())
    block = matrix.values[chosen]
    enough = (~np.isnan(block)).sum(axis=0) >= 2
    high = np.where(np.isnan(block), -np.inf, block).max(axis=0, initial=-np.inf)
    low = np.where(np.isnan(block), np.inf, block).min(axis=0, initial=np.inf)
    with np.errstate(invalid="ignore"):
        spread = high - low
    new = pd.DataFrame({"region": [plan.jurisdiction.code], "indicator": [spec.indicator], "sex": [spec.sex],
                        "area_type": [spec.area_type], "age_group": ["total"]})
    return new, np.where(enough, spread, np.nan)[None, :]


def resolve_series(rows: pd.DataFrame, matrix: SeriesMatrix) -> pd.DataFrame:
    """``rows`` with ``series`` and ``reference_series``, their rows in ``matrix`` (-1 where absent).

    ``matrix`` holds the derived series already (:func:`derive_series`); the optional totals
    the data do not carry are dropped.
    """
    wanted = pd.DataFrame({"region": rows["region"], "indicator": rows["series_indicator"], "sex": rows["sex"],
                           "area_type": rows["area_type"], "age_group": "total"})
    series = matrix.lookup(wanted[list(SERIES_KEY)])
    with_reference = (rows["reference"] != "").to_numpy()
    reference = np.full(len(rows), -1, dtype=np.int64)
    if with_reference.any():  # the few relative_to rows only
        wanted = wanted[with_reference].assign(indicator=rows["reference"][with_reference])
        reference[with_reference] = matrix.lookup(wanted[list(SERIES_KEY)])
    return _without_absent_totals(rows, series, reference)


def _without_absent_totals(rows: pd.DataFrame, series: np.ndarray, reference: np.ndarray) -> pd.DataFrame:
    """``rows`` with their series, less the optional total rows of a both-sex target where the data
    carry no total.

    Female and male rows stay (无法评估 when absent); a total sent alone is judged on its own.
    """
    if "optional" not in rows:
        return rows.assign(series=series, reference_series=reference)
    keep = ~rows["optional"].to_numpy(dtype=bool) | (series >= 0)
    kept = rows.loc[keep, [column for column in rows.columns if column != "optional"]].reset_index(drop=True)
    kept["series"], kept["reference_series"] = series[keep], reference[keep]
    return kept
