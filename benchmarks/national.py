"""National-scale benchmark: the yearly cycle over every county-level unit.

Generates a SYNTHETIC panel (seeded): about 2,850 county-level units × the indicators of the
葫芦岛 plan's numeric targets (70 indicators, with references and urban/rural series) × 11
years (2015–2025) × the sexes each needs, with counts behind rates, 2% of the rows missing
and a few defects; then times and prints, each on its own line: rows, read + validate,
evaluate (mid-term), early warnings, total and peak memory. ``--scale 0.1`` runs a tenth of
the units; ``--growth`` also runs 10%, 30% and 100% of that scale to show how cost grows. A per-series
reference loop (one statsmodels fit and one comparison per series, the way an analyst
would write it) runs on a sample of series and is timed against the library on the same
sample.

Usage::

    python benchmarks/national.py               # the whole national cycle
    python benchmarks/national.py --scale 0.1   # a tenth
    python benchmarks/national.py --growth      # 10%, 30%, 100%
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

UNITS = 2850
YEARS = np.arange(2015, 2026)


def national_plan(units: int):
    """The 葫芦岛 plan's targets over ``units`` synthetic county-level units of one nation."""
    from wdmonitor import Jurisdiction, Region, load_plan

    base = load_plan("huludao-2021-2030")
    nation = Jurisdiction(code="100000", name_zh="全国（合成）", name_en="Nation (synthetic)", level="nation")
    regions = tuple(
        Region(code=f"{11 + i // 100:02d}{i % 100:04d}", name_zh=f"合成县{i}", level="county", parent="100000")
        for i in range(units)
    )
    return replace(base, id="national-benchmark", jurisdiction=nation, regions=regions, baselines=())


def panel(plan, seed: int = 7) -> pd.DataFrame:
    """The synthetic panel: counties only, counts behind every rate and share."""
    from wdmonitor.sample import _levels, _needed

    rng = np.random.default_rng(seed)
    codes = np.array([r.code for r in plan.regions])
    n = len(codes)
    parts = []
    for indicator_id, spec in _needed(plan).items():
        unit = plan.indicators[indicator_id].unit
        for area_type in sorted(spec["area_types"]):
            for sex in spec["sexes"]:
                values = _levels(rng, unit, spec["goal"], spec["sign"], n, YEARS).ravel()
                frame = pd.DataFrame({"region": np.repeat(codes, len(YEARS)), "year": np.tile(YEARS, n),
                                      "indicator": indicator_id, "sex": sex, "area_type": area_type})
                scale = {"percent": 100.0, "per_100k": 1e5, "per_10k": 1e4}.get(unit)
                if scale is not None:
                    denominator = np.round(np.exp(rng.uniform(np.log(500), np.log(50000), len(values))))
                    numerator = np.round(values / scale * denominator) if unit == "percent" else rng.poisson(values / scale * denominator)
                    frame["numerator"] = numerator.astype(float)
                    frame["denominator"] = denominator
                    frame["value"] = numerator / denominator * scale
                else:
                    frame["value"] = np.round(values, 2)
                parts.append(frame)
    data = pd.concat(parts, ignore_index=True)
    data = data[rng.random(len(data)) > 0.02]  # missing years
    defects = rng.choice(len(data), size=max(len(data) // 20000, 1), replace=False)
    data.iloc[defects, data.columns.get_loc("value")] = -1.0  # a few defects the validation refuses
    return data.reset_index(drop=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def cycle(scale: float, quiet: bool = False) -> dict[str, float]:
    from wdmonitor import check_submission, read_submission
    from wdmonitor.early_warning import flags_for_valid
    from wdmonitor.evaluation import judge_frame

    units = max(int(UNITS * scale), 4)
    plan = national_plan(units)
    data = panel(plan)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for province, part in data.groupby(data["region"].str[:2]):  # one file per province, as they arrive
            paths.append(Path(tmp) / f"province_{province}.csv")
            part.to_csv(paths[-1], index=False)
        started = time.perf_counter()
        frame = pd.concat([read_submission(path, plan) for path in paths], ignore_index=True)
        report = check_submission(frame, plan)
        read_validate = time.perf_counter() - started
    started = time.perf_counter()
    table = judge_frame(report.valid, plan, plan.midterm_year)
    evaluate_s = time.perf_counter() - started
    started = time.perf_counter()
    flags = flags_for_valid(report.valid, plan, 2024)
    warn_s = time.perf_counter() - started
    figures = {"units": units, "rows": len(data), "refused": len(data) - len(report.valid), "read_validate": read_validate,
               "evaluate": evaluate_s, "warnings": warn_s, "total": read_validate + evaluate_s + warn_s,
               "table_rows": len(table), "flags": len(flags)}
    if not quiet:
        print(f"units: {units} (files: {len(paths)}, one per province)")
        print(f"rows: {figures['rows']:,} ({figures['refused']} refused by validation)")
        print(f"read + validate: {read_validate:.2f} s")
        print(f"evaluate (mid-term): {evaluate_s:.2f} s ({len(table):,} verdict rows)")
        print(f"early warnings: {warn_s:.2f} s ({len(flags):,} flags)")
        print(f"total: {figures['total']:.2f} s")
        print(f"peak memory: {peak_mb():,.0f} MB")
    return figures


def reference_loop(series: int = 300) -> None:
    """One statsmodels fit and one comparison per series, against the library on the same series."""
    import statsmodels.api as sm

    from wdmonitor.early_warning import flags_for_valid
    from wdmonitor.evaluation import judge_frame
    from wdmonitor.validation import check_submission

    plan = national_plan(max(series // 70, 4))
    data = check_submission(panel(plan), plan).valid
    keys = ["region", "indicator", "sex", "area_type"]
    groups = list(data.groupby(keys, sort=False))[:series]
    subset = pd.concat([g for _, g in groups], ignore_index=True)
    targets = {t.indicator: t for t in plan.numeric_targets}
    started = time.perf_counter()
    verdicts = []
    for _key, group in groups:  # the analyst's loop: the reference, not the engine
        group = group.sort_values("year")
        recent = group[(group["year"] <= 2024) & (group["year"] >= 2020)]
        if len(recent) < 3:
            continue
        fit = sm.OLS(recent["value"].to_numpy(), sm.add_constant(recent["year"].to_numpy(dtype=float))).fit()
        projected = fit.get_prediction(np.array([[1.0, 2025.0]])).summary_frame(alpha=0.05)["mean"].iloc[0]
        target = targets.get(group["indicator"].iloc[0])
        goal = target.values.get(2030, np.nan) if target is not None else np.nan
        verdicts.append(projected >= goal)
    loop_s = time.perf_counter() - started
    from wdmonitor.series import to_matrix
    from wdmonitor.trends import project

    started = time.perf_counter()  # the same job with the library's engine: every series at once
    matrix = to_matrix(subset[subset["year"] <= 2024])
    fit = project(matrix.values, matrix.years, np.full(len(matrix), 2025), method="ols")
    goals = matrix.keys["indicator"].map({i: t.values.get(2030, np.nan) for i, t in targets.items()}).to_numpy(dtype=float)
    library_verdicts = fit.projection >= goals
    same_job_s = time.perf_counter() - started
    started = time.perf_counter()
    judge_frame(subset, plan, plan.midterm_year)
    flags_for_valid(subset, plan, 2024, method="ols")
    library_s = time.perf_counter() - started
    print(f"per-series loop ({len(groups)} series, statsmodels OLS fit + prediction + comparison, "
          f"{len(verdicts)} projected, {int(sum(verdicts))} meeting the goal): {loop_s:.2f} s")
    print(f"library, the same job (matrix + closed-form OLS + comparison, {int(np.isfinite(fit.projection).sum())} "
          f"projected, {int(library_verdicts.sum())} meeting the goal): {same_job_s:.3f} s")
    print(f"per-series loop / library, same job: {loop_s / same_job_s:.0f}x")
    ratio = loop_s / library_s
    versus = f"{ratio:.0f}x faster than" if ratio >= 1 else f"{1 / ratio:.1f}x slower than"
    print(f"library, the whole evaluation and every warning on those series: {library_s:.2f} s "
          f"({versus} the loop that does far less)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 2,850 units (default 1.0)")
    parser.add_argument("--growth", action="store_true",
                        help="also run 10%%, 30%% and 100%% of --scale and print the cost per million rows")
    parser.add_argument("--reference-series", type=int, default=300, help="series in the per-series comparison (default 300)")
    args = parser.parse_args(argv)
    import platform

    print(f"machine: {platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}")
    cycle(args.scale)
    reference_loop(args.reference_series)
    if args.growth:
        for share in (0.1, 0.3, 1.0):  # of --scale: 10%, 30% and 100% of the nation by default
            scale = share * args.scale
            f = cycle(scale, quiet=True)
            per_million = {k: f[k] / f["rows"] * 1e6 for k in ("read_validate", "evaluate", "warnings", "total")}
            print(f"scale {scale * 100:g}%: {f['rows']:,} rows, total {f['total']:.2f} s; per million rows: "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in per_million.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
