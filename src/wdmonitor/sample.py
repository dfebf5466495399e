"""SYNTHETIC sample data: 葫芦岛市 and its six county-level units, 2020–2024.

Nothing here is real. The generator draws, from a fixed seed, sex-disaggregated
observations for every indicator the 葫芦岛 plan sets a numeric target on (and the
references, urban/rural series and pre-baseline years those targets need), with
numerators and denominators for every rate and share, so the whole path — validation,
aggregation, evaluation, early warning, charts — can be tried without real data. Every
row says ``synthetic sample (wdmonitor)`` in its ``source`` column.

The data ship inside the package (``wdmonitor/data/sample/``) so the command-line
example in the README works from any installation. Regenerate them with
``python -m wdmonitor.sample [directory]``; the test suite checks that the shipped files
are exactly what the generator writes.

Stories built into the data, so that the evaluation shows every kind of verdict:

* counties move at different speeds towards each target (some attained, some basically,
  some not);
* the share of women on village committees (a floor of 30% to maintain) falls every year
  towards the floor in the city: a W3 deterioration warning;
* the male–female income gap widens: a W4 gap warning;
* 兴城市's cervical cancer screening jumps in 2024: W2 volatility (year-on-year and across
  regions);
* 建昌县 has not reported 2024 women's health literacy: provisional and not-assessable rows;
* maternal deaths are small counts (2,000–6,000 births a county): wide Poisson intervals.

Examples
--------
>>> from wdmonitor.sample import load_sample
>>> frame = load_sample()
>>> sorted(frame["region"].unique())[:2], int(frame["year"].max())
(['211400', '211402'], 2024)
>>> frame["source"].unique().tolist()
['synthetic sample (wdmonitor)']
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .indicators import Plan

__all__ = ["COUNTS_FILE", "SAMPLE_FILE", "SEED", "counts_frame", "faulty_workbook_path", "generate_sample", "load_sample", "sample_path", "write_sample"]

SEED = 20211
SAMPLE_FILE = "huludao_2020_2024.csv"
COUNTS_FILE = "huludao_counts_2020_2024.csv"
#: Indicators whose county rows the counts file sends as components instead: (numerator, denominator).
COMPONENT_INDICATORS = {
    "maternal_mortality_ratio": (("maternal_deaths", "female"), ("live_births", "total")),
    "female_share_village_committee_members": (("village_committee_members", "female"), ("village_committee_members", "total")),
}
FAULTY_FILE = "faulty_department.xlsx"
SOURCE = "synthetic sample (wdmonitor)"
YEARS = np.arange(2020, 2025)
PRE_YEARS = np.arange(2015, 2020)

# typical levels where a target does not give one, by unit
_DEFAULT_LEVEL = {"percent": 60.0, "per_100k": 14.0, "per_10k": 3.0, "year": 80.0, "person": 2.0, "institution": 1.0,
                  "yuan": 32000.0, "hour": 3.0}
_RATE_SCALE = {"percent": 100.0, "per_100k": 1e5, "per_10k": 1e4}
#: Typical levels of indicators without a numeric target, inside their plausible range.
_TYPICAL = {"life_expectancy_female": 80.5, "mean_years_schooling_female": 10.2, "housework_time_gap": 2.6}


def _needed(plan: Plan) -> dict[str, dict]:
    """Indicator id → what the targets need: direction, goal, sexes, area types, pre-baseline years."""
    needed: dict[str, dict] = {}
    for target in plan.numeric_targets:
        for indicator_id in (target.indicator, target.reference):
            if indicator_id is None:
                continue
            indicator = plan.indicators[indicator_id]
            spec = needed.setdefault(indicator_id, {"sign": indicator.direction.sign, "goal": np.nan, "area_types": {"total"},
                                                    "pre": False, "sexes": [s.value for s in indicator.sexes]})
            if indicator_id != target.indicator:
                continue
            kind = target.kind.value
            if target.kind.sign is not None and kind != "gap_narrowing":  # a gap's d is the gap's, not the level's
                spec["sign"] = target.kind.sign
            if target.kind.needs_value and target.values and kind != "relative_to_baseline":
                spec["goal"] = float(target.values[max(target.values)])
            if target.gap_between is not None and target.gap_between.value == "area_type":
                spec["area_types"] |= {"urban", "rural"}
            if kind == "slower_increase" or (target.baseline_years and min(target.baseline_years.values()) < YEARS[0]):
                spec["pre"] = True
    for indicator_id, spec in needed.items():  # no numeric goal: a typical level, inside the plausible range
        if np.isnan(spec["goal"]):
            spec["goal"] = _TYPICAL.get(indicator_id, np.nan)
    return needed


def _levels(rng: np.random.Generator, unit: str, goal: float, sign: int, n: int, years: np.ndarray) -> np.ndarray:
    """Trajectories (counties × years) approaching ``goal`` at county-specific speeds."""
    level = _DEFAULT_LEVEL.get(unit, 50.0) if np.isnan(goal) else goal
    if unit == "percent" and level >= 99.5:
        level = 99.0
    if sign == 0:
        start = level * (1 + rng.uniform(-0.05, 0.05, n))
        slope = level * rng.uniform(-0.004, 0.004, n)
    else:
        gap = np.abs(level) * rng.uniform(-0.02, 0.16, n)  # some counties already meet the target
        start = level - sign * gap
        slope = sign * np.maximum(gap, np.abs(level) * 0.02) / 10 * rng.uniform(0.2, 1.9, n)
    t = years - YEARS[0]
    values = start[:, None] + slope[:, None] * t[None, :] + rng.normal(0, np.abs(level) * 0.004, (n, len(years)))
    if unit == "percent":
        values = np.clip(values, 0.5, 99.9)
    return np.maximum(values, 0.0)


def generate_sample(plan: Plan | None = None, seed: int = SEED) -> pd.DataFrame:
    """The synthetic canonical frame (counties and the city), deterministic for a seed."""
    from .aggregation import aggregate
    from .registry import load_plan

    plan = plan or load_plan("huludao-2021-2030")
    rng = np.random.default_rng(seed)
    counties = [r.code for r in plan.regions]
    n = len(counties)
    weights = rng.uniform(0.6, 1.4, n)
    parts = []
    for indicator_id, spec in _needed(plan).items():
        unit = plan.indicators[indicator_id].unit
        years = np.concatenate([PRE_YEARS, YEARS]) if spec["pre"] else YEARS
        for area_type in sorted(spec["area_types"]):
            for sex in spec["sexes"]:
                goal = spec["goal"]
                if area_type == "rural" and unit == "per_100k":
                    goal = goal * 1.5
                if sex == "male" and unit in ("yuan", "person") and not np.isnan(goal):
                    goal = goal * 1.02
                values = _levels(rng, unit, goal, spec["sign"], n, years)
                if sex == "male" and unit == "yuan":
                    values = values * 1.25 * (1 + 0.03 * (years - YEARS[0]))[None, :]  # the income gap widens
                elif sex == "male" and unit == "hour":
                    values = values * 0.45
                elif sex == "male" and unit == "person" and indicator_id == "kindergarten_enrolment":
                    values = values * 1.0
                frame = pd.DataFrame({
                    "region": np.repeat(counties, len(years)), "year": np.tile(years, n), "indicator": indicator_id,
                    "sex": sex, "area_type": area_type, "age_group": "total",
                })
                flat = values.ravel()
                if unit in _RATE_SCALE:
                    scale = _RATE_SCALE[unit]
                    low, high = {"per_100k": (2000, 6000), "per_10k": (20000, 60000)}.get(unit, (150, 20000))
                    base = np.exp(rng.uniform(np.log(low), np.log(high), n))
                    denominator = np.round(np.repeat(base, len(years)) * (1 + 0.02 * np.tile(years - YEARS[0], n)))
                    if unit == "percent":
                        numerator = np.round(flat / scale * denominator)
                    else:
                        numerator = rng.poisson(flat / scale * denominator).astype(float)
                    frame["numerator"] = numerator
                    frame["denominator"] = denominator
                    frame["value"] = numerator / denominator * scale
                elif unit in ("person", "institution"):
                    typical = 8000.0 if indicator_id == "kindergarten_enrolment" else 20000.0 if "insured" in indicator_id else 1.0
                    frame["value"] = np.round(flat / max(np.nanmean(flat), 1e-9) * typical if typical > 1 else np.round(flat))
                else:
                    frame["value"] = np.round(flat, 2)
                frame["_weight"] = np.repeat(weights, len(years))
                parts.append(frame)
    counties_frame = pd.concat(parts, ignore_index=True)
    counties_frame = _consistent_totals(_stories(counties_frame, counties), plan)
    counties_frame = _age_groups(counties_frame, plan, rng)
    counted = counties_frame["numerator"].notna()
    city_counts = aggregate(counties_frame[counted].drop(columns="_weight"), plan)
    city_rest = aggregate(counties_frame[~counted], plan, weight="_weight")
    city = pd.concat([city_counts, city_rest], ignore_index=True).drop(columns=["n_regions"])
    city["value"] = np.where(city["numerator"].notna(), city["value"], city["value"].round(4))
    out = pd.concat([city, counties_frame.drop(columns="_weight")], ignore_index=True)
    out["value"] = out["value"].round(6)
    out["source"] = SOURCE
    out = out.sort_values(["indicator", "region", "sex", "area_type", "year"], kind="stable").reset_index(drop=True)
    return out[["region", "year", "indicator", "sex", "area_type", "age_group", "value", "numerator", "denominator", "source"]]


def _stories(frame: pd.DataFrame, counties: list[str]) -> pd.DataFrame:
    """Overwrite a few series so the sample shows warnings worth reading (see the module docstring)."""
    frame = frame.copy()
    # a floor to maintain, approached every year
    share = frame["indicator"] == "female_share_village_committee_members"
    offsets = {2020: 3.2, 2021: 2.6, 2022: 2.0, 2023: 1.3, 2024: 0.6}
    for year, offset in offsets.items():
        rows = share & (frame["year"] == year)
        frame.loc[rows, "numerator"] = np.round((30 + offset) / 100 * frame.loc[rows, "denominator"])
    # a jump in one county's screening in 2024
    jump = (frame["indicator"] == "cervical_cancer_screening_rate") & (frame["region"] == counties[-1]) & (frame["year"] == 2024)
    frame.loc[jump, "numerator"] = np.round(np.minimum(frame.loc[jump, "numerator"] * 1.3, frame.loc[jump, "denominator"]))
    counted = frame["numerator"].notna()
    frame.loc[counted, "value"] = frame.loc[counted, "numerator"] / frame.loc[counted, "denominator"] * 100
    mmr = frame["indicator"].isin(["maternal_mortality_ratio"])
    frame.loc[mmr, "value"] = frame.loc[mmr, "numerator"] / frame.loc[mmr, "denominator"] * 1e5
    occupational = frame["indicator"] == "occupational_disease_incidence_female_workers"
    frame.loc[occupational, "value"] = frame.loc[occupational, "numerator"] / frame.loc[occupational, "denominator"] * 1e4
    # a county that has not reported its latest year
    late = (frame["indicator"] == "health_literacy_female") & (frame["region"] == counties[4]) & (frame["year"] == 2024)
    return frame[~late]


def _age_groups(frame: pd.DataFrame, plan: Plan, rng: np.random.Generator) -> pd.DataFrame:
    """The age-group populations behind head counts with a parity target, and girls' enrolment from them.

    Boys outnumber girls in the age group (a sex ratio at birth of about 113, so 0.885 girls
    per boy); girls and boys enrol at nearly the same rate, so the head counts' female/male
    ratio is near 0.88 while the parity index is near 1 (methodology §8).
    """
    parts = [frame]
    for indicator, rows in frame[frame["indicator"].isin(list(plan.indicators))].groupby("indicator", sort=True):
        reference = plan.indicators[str(indicator)].parity_reference
        male = rows[rows["sex"] == "male"]
        if reference is None or male.empty:
            continue
        rate = rng.uniform(0.86, 0.94, len(male))
        boys = np.round(male["value"].to_numpy() / rate)
        girls = np.round(boys * 0.885 * rng.uniform(0.99, 1.01, len(male)))
        keys = male.drop(columns=["indicator", "sex", "value", "numerator", "denominator"])
        parts.append(keys.assign(indicator=reference, sex="male", value=boys))
        parts.append(keys.assign(indicator=reference, sex="female", value=girls))
        female_rate = rate * rng.uniform(0.985, 1.015, len(male))
        enrolled = pd.Series(np.round(girls * female_rate), index=pd.MultiIndex.from_frame(male[["region", "year"]]))
        female = (frame["indicator"] == indicator) & (frame["sex"] == "female")
        at = pd.MultiIndex.from_frame(frame.loc[female, ["region", "year"]])
        frame.loc[female, "value"] = enrolled.reindex(at).to_numpy()
    return pd.concat(parts, ignore_index=True)


def _consistent_totals(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Totals made from their urban and rural parts: counts summed, the rate recomputed from them.

    A total drawn on its own would not lie between its parts (validation warns), nor its
    counts add up; a real bureau's totals are the sums of the same registers.
    """
    keys = ["region", "year", "indicator", "sex", "age_group"]
    counted = frame["numerator"].notna()
    parts = frame[counted & frame["area_type"].isin(["urban", "rural"])]
    sums = parts.groupby(keys, observed=True)[["numerator", "denominator"]].sum(min_count=1)
    both = parts.groupby(keys, observed=True)["area_type"].nunique() == 2
    sums = sums[both.reindex(sums.index).fillna(False).to_numpy()]
    totals = counted & (frame["area_type"] == "total")
    index = pd.MultiIndex.from_frame(frame.loc[totals, keys])
    found = sums.reindex(index)
    has = found["numerator"].notna().to_numpy()
    rows = frame.index[totals][has]
    frame = frame.copy()
    frame.loc[rows, "numerator"] = found["numerator"].to_numpy()[has]
    frame.loc[rows, "denominator"] = found["denominator"].to_numpy()[has]
    scale = frame.loc[rows, "indicator"].map(lambda i: _RATE_SCALE[plan.indicators[i].unit])
    frame.loc[rows, "value"] = frame.loc[rows, "numerator"] / frame.loc[rows, "denominator"] * scale
    return frame


def _faulty(sample: pd.DataFrame) -> pd.DataFrame:
    """A department workbook in the wide layout with eight documented faults (see data/sample/README.md)."""
    rows = sample[(sample["indicator"].isin(["female_share_village_committee_members", "female_share_village_committee_directors"]))
                  & (sample["year"] >= 2022)]
    sheet = pd.DataFrame({
        "地区": rows["region"].map({"211400": "葫芦岛市", "211402": "连山区", "211403": "龙港区", "211404": "南票区",
                                    "211421": "绥中县", "211422": "建昌县", "211481": "兴城市"}),
        "年份": rows["year"], "指标": rows["indicator"].map({"female_share_village_committee_members": "村委会成员中女性比例",
                                                         "female_share_village_committee_directors": "村委会主任中女性比例"}),
        "性别": "女", "数值": rows["value"].round(2).astype(object), "分子": rows["numerator"], "分母": rows["denominator"],
    }).reset_index(drop=True)
    sheet.loc[0, "指标"] = "村委会委员女性占比（新）"  # 1 unknown indicator name
    sheet.loc[1, "数值"] = "约三成"  # 2 text in a number
    sheet.loc[2, ["数值", "分子", "分母"]] = [130.0, None, None]  # 3 a percentage over 100
    sheet.loc[3, "地区"] = "葫芦岛新区"  # 4 unknown region
    sheet.loc[4, "年份"] = 2035  # 5 year outside the plan period
    sheet.loc[5, ["分子", "分母"]] = [120, 100]  # 6 numerator larger than denominator
    sheet.loc[6, "性别"] = "男"  # 7 a male row for a women's-share indicator
    sheet = pd.concat([sheet, sheet.iloc[[8]]], ignore_index=True)  # 8 a duplicated row
    return sheet


def counts_frame(sample: pd.DataFrame) -> pd.DataFrame:
    """The counties' counts behind two indicators, as components (deaths and births; members)."""
    parts = []
    for indicator, ((numerator_id, numerator_sex), (denominator_id, denominator_sex)) in COMPONENT_INDICATORS.items():
        rows = sample[(sample["indicator"] == indicator) & (sample["region"] != "211400")]
        keys = rows[["region", "year", "area_type", "age_group"]]
        parts.append(keys.assign(indicator=numerator_id, sex=numerator_sex, value=rows["numerator"].to_numpy()))
        parts.append(keys.assign(indicator=denominator_id, sex=denominator_sex, value=rows["denominator"].to_numpy()))
    counts = pd.concat(parts, ignore_index=True).drop_duplicates(["region", "year", "indicator", "sex", "area_type", "age_group"])
    counts["unit"] = "person"
    counts["source"] = SOURCE
    return counts[["region", "year", "indicator", "sex", "area_type", "age_group", "value", "unit", "source"]].reset_index(drop=True)


def write_sample(directory: str | Path, plan: Plan | None = None) -> list[Path]:
    """Write the sample CSV, the counts CSV and the faulty department workbook into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sample = generate_sample(plan)
    csv = directory / SAMPLE_FILE
    sample.to_csv(csv, index=False, encoding="utf-8", lineterminator="\n", float_format="%.6f")
    counts_frame(sample).to_csv(directory / COUNTS_FILE, index=False, encoding="utf-8", lineterminator="\n", float_format="%.6f")
    xlsx = directory / FAULTY_FILE
    faulty = _faulty(sample)
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        faulty.to_excel(writer, sheet_name="村委会", index=False)
        writer.book.properties.creator = "wdmonitor synthetic sample"
        writer.book.properties.created = pd.Timestamp("2025-01-01").to_pydatetime()
        writer.book.properties.modified = pd.Timestamp("2025-01-01").to_pydatetime()
    _fix_zip_times(xlsx)
    return [csv, directory / COUNTS_FILE, xlsx]


def _fix_zip_times(path: Path) -> None:
    """Give every member of an xlsx, and its core properties, a fixed date (openpyxl stamps
    the save time), so regenerating the workbook gives the same bytes."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def sample_path(name: str = SAMPLE_FILE) -> Path:
    """Path of a shipped sample file."""
    return Path(str(resources.files("wdmonitor").joinpath("data", "sample", name)))


def faulty_workbook_path() -> Path:
    """Path of the deliberately faulty department workbook."""
    return sample_path(FAULTY_FILE)


def load_sample(components: bool = False) -> pd.DataFrame:
    """The shipped synthetic sample as a canonical frame.

    With ``components=True`` the counties' maternal mortality ratio and women's share of
    village committee members come as the counts departments send (maternal deaths and live
    births; women and all members), for :func:`wdmonitor.compute_indicators` to turn into
    indicators — ``evaluate`` does it when it meets them.
    """
    frame = pd.read_csv(sample_path(), dtype={"region": str})
    if components:
        counts = pd.read_csv(sample_path(COUNTS_FILE), dtype={"region": str})
        replaced = frame["indicator"].isin(list(COMPONENT_INDICATORS)) & (frame["region"] != "211400")
        frame = pd.concat([frame[~replaced], counts], ignore_index=True)
    frame.attrs["source"] = SOURCE
    return frame


if __name__ == "__main__":  # python -m wdmonitor.sample [directory]
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else sample_path().parent
    for path in write_sample(target):
        print(path)
