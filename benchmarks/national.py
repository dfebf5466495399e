"""National-scale benchmark: the yearly cycle over every county-level unit, and township scale.

Generates a SYNTHETIC panel (seeded): about 2,850 county-level units × the indicators of the
葫芦岛 plan's numeric targets (70 indicators, with references and urban/rural series) × 11
years (2015–2025) × the sexes each needs, with counts behind rates, each total made of its
urban and rural parts, levels inside each indicator's plausible range, 2% of the rows missing
and a few defects, written as one CSV per province. Then, each in a fresh Python process so
that imports are included, it times and prints, each on its own line:

- the floor: pandas reading the same CSV files and one groupby over the series keys;
- the library's cycle: read + validate, evaluate (mid-term), early warnings (as of the mid-term year,
  on the evaluation's engine run, unless `--as-of` says otherwise), their total,
  the whole process (imports included) from its start until the results are in, then how long it
  took to exit (not counted), peak memory, and the ratio library / floor (the floor timed alike).

``--units 40000`` simulates township scale (about 33 million rows) and ``--partitions`` runs
the cycle province by province (:func:`wdmonitor.partitions.monitor_partitions`), so memory is
bounded by the largest province; ``--jobs 2`` runs the provinces in joblib's processes. ``--jobs 2``
alone runs the in-memory cycle on two cores: the provinces in four groups, each read, validated,
judged, traced and flagged in one process (this one or a worker), the evaluation and the warnings
returned whole.
``--scale 0.1`` runs a tenth of the units; ``--growth`` also runs 10%, 30% and 100% of that
scale to show how cost grows. A per-series reference loop (one statsmodels fit and one
comparison per series, the way an analyst would write it) runs on a sample of series.

Usage::

    python benchmarks/national.py                              # the national cycle
    python benchmarks/national.py --jobs 2                     # the same in memory on 2 cores (4 groups of provinces)
    python benchmarks/national.py --partitions --jobs 2        # province by province, 2 processes
    python benchmarks/national.py --partitions --jobs 2 --groups 2   # the provinces in 2 partitions, one per core
    python benchmarks/national.py --units 40000 --partitions   # township scale, bounded memory
    python benchmarks/national.py --scale 0.1 --growth         # a tenth, and how cost grows
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

UNITS = 2850
YEARS = np.arange(2015, 2026)


PROVINCES = 31


def unit_code(i: int, units: int) -> str:
    """The six-digit code of synthetic unit ``i``: 31 provinces (11–41), the units spread evenly over them."""
    per_province = -(-units // PROVINCES)
    return f"{11 + i // per_province:02d}{i % per_province:04d}"


def national_plan(units: int):
    """The 葫芦岛 plan's targets over ``units`` synthetic county-level (or township) units of one nation."""
    from wdmonitor import Jurisdiction, Region, load_plan

    base = load_plan("huludao-2021-2030")
    nation = Jurisdiction(code="100000", name_zh="全国（合成）", name_en="Nation (synthetic)", level="nation")
    regions = tuple(
        Region(code=unit_code(i, units), name_zh=f"合成县{i}", level="county", parent="100000") for i in range(units)
    )
    return replace(base, id="national-benchmark", jurisdiction=nation, regions=regions, baselines=())


def write_panel(plan, folder: Path, seed: int = 7) -> list[Path]:
    """The panel written province by province (one CSV each): only one province's rows in memory at once."""
    paths = []
    provinces: dict[str, list] = {}
    for region in plan.regions:
        provinces.setdefault(region.code[:2], []).append(region)
    for number, (province, regions) in enumerate(sorted(provinces.items())):
        part = panel(replace(plan, regions=tuple(regions)), seed=seed + number)
        paths.append(folder / f"province_{province}.csv")
        part.to_csv(paths[-1], index=False)
    return paths


def panel(plan, seed: int = 7) -> pd.DataFrame:
    """The synthetic panel: counties only, counts behind every rate and share."""
    from wdmonitor.sample import _levels, _needed

    rng = np.random.default_rng(seed)
    codes = np.array([r.code for r in plan.regions])
    n = len(codes)
    parts = []
    for indicator_id, spec in _needed(plan).items():
        unit = plan.indicators[indicator_id].unit
        scale = {"percent": 100.0, "per_100k": 1e5, "per_10k": 1e4}.get(unit)
        for sex in spec["sexes"]:
            areas = {}
            for area_type in ("urban", "rural", "total"):  # a total with urban and rural parts is made of them
                if area_type not in spec["area_types"]:
                    continue
                frame = pd.DataFrame({"region": np.repeat(codes, len(YEARS)), "year": np.tile(YEARS, n),
                                      "indicator": indicator_id, "sex": sex, "area_type": area_type})
                if area_type == "total" and areas:
                    frame = _total_of(frame, areas["urban"], areas["rural"], scale)
                else:
                    frame = _observed(rng, frame, _levels(rng, unit, spec["goal"], spec["sign"], n, YEARS).ravel(), unit, scale)
                areas[area_type] = frame
                parts.append(frame)
    data = pd.concat(parts, ignore_index=True)
    data = data[rng.random(len(data)) > 0.02]  # missing years
    defects = rng.choice(len(data), size=max(len(data) // 20000, 1), replace=False)
    data.iloc[defects, data.columns.get_loc("value")] = -1.0  # a few defects the validation refuses
    return data.reset_index(drop=True)


def _observed(rng: np.random.Generator, frame: pd.DataFrame, values: np.ndarray, unit: str, scale: float | None) -> pd.DataFrame:
    """Values as a county reports them: with the counts behind a rate or share (a county's few
    hundred to fifty thousand births or women), else rounded to two decimals."""
    if scale is None:
        return frame.assign(value=np.round(values, 2))
    denominator = np.round(np.exp(rng.uniform(np.log(500), np.log(50000), len(values))))
    numerator = np.round(values / scale * denominator) if unit == "percent" else rng.poisson(values / scale * denominator)
    return frame.assign(numerator=numerator.astype(float), denominator=denominator, value=numerator / denominator * scale)


def _total_of(frame: pd.DataFrame, urban: pd.DataFrame, rural: pd.DataFrame, scale: float | None) -> pd.DataFrame:
    """The total of an urban and a rural series: their counts summed, or (values alone) their mean,
    so that a total lies between its parts as real totals do."""
    if scale is None:
        return frame.assign(value=np.round((urban["value"].to_numpy() + rural["value"].to_numpy()) / 2, 2))
    numerator = urban["numerator"].to_numpy() + rural["numerator"].to_numpy()
    denominator = urban["denominator"].to_numpy() + rural["denominator"].to_numpy()
    return frame.assign(numerator=numerator, denominator=denominator, value=numerator / denominator * scale)


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def _floor_child(folder: Path) -> dict[str, float]:
    """pandas alone on the same files: read every CSV, then one groupby over the series keys."""
    started = time.perf_counter()
    data = pd.concat([pd.read_csv(path) for path in sorted(folder.glob("*.csv"))], ignore_index=True)
    read = time.perf_counter() - started
    started = time.perf_counter()
    series = data.groupby(["region", "indicator", "sex", "area_type"])["value"].mean()
    return {"read": read, "groupby": time.perf_counter() - started, "series": len(series), "rows": len(data),
            "done_at": time.time()}


def _cycle_child(folder: Path, units: int, partitions: bool, jobs: int, groups: int = 0, as_of: int = 0) -> dict[str, float]:
    """The library's cycle on the files, in this (fresh) process: evaluated at the mid-term and
    warned as of ``as_of`` (the mid-term year when 0: one engine run for both, as the annual report runs)."""
    from wdmonitor import check_submission
    from wdmonitor.early_warning import flags_for_valid, shared_run
    from wdmonitor.engine import judge_all
    from wdmonitor.readers import read_files

    plan = national_plan(units)
    as_of = as_of or plan.midterm_year
    paths = sorted(folder.glob("*.csv"))
    if jobs != 1 and not partitions:
        return _in_memory_on_cores(paths, plan, as_of, jobs)
    if partitions:
        from wdmonitor.partitions import write_partitions

        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:  # each province's verdicts and flags written, then let go
            parts = [paths[number::groups] for number in range(groups)] if groups else paths  # provinces, or groups of them
            run = write_partitions(parts, plan, out, plan.midterm_year, as_of, n_jobs=jobs, refused="skip")
        figures = {"partitioned": time.perf_counter() - started, "rows_valid": run["rows_valid"],
                   "table_rows": run["verdict_rows"], "flags": run["flags"], "done_at": time.time()}
        return {**figures, "peak_workers_mb": _workers_peak_mb(jobs)}
    started = time.perf_counter()
    report = check_submission(read_files(paths, plan), plan)
    read_validate = time.perf_counter() - started
    started = time.perf_counter()
    judged = judge_all(report.valid, plan, plan.midterm_year)
    table = judged.table
    evaluate_s = time.perf_counter() - started
    started = time.perf_counter()
    flags = flags_for_valid(report.valid, plan, as_of, judged=shared_run(judged, report.valid, as_of))
    return {"read_validate": read_validate, "evaluate": evaluate_s, "warnings": time.perf_counter() - started,
            "rows_valid": len(report.valid), "table_rows": len(table), "flags": len(flags), "done_at": time.time()}


def _in_memory_on_cores(paths: list[Path], plan, as_of: int, jobs: int) -> dict[str, float]:
    """The cycle on ``jobs`` cores, in memory: the provinces in two groups a core, each group read,
    validated, judged, traced and flagged in one process, the evaluation and warnings returned whole."""
    from wdmonitor.partitions import monitor_partitions

    started = time.perf_counter()
    # the provinces dealt out in turn, groups of like size, two a core: a worker holds two (one
    # waiting), this process takes the next and the last, and has no start-up and no results to
    # send, so the largest groups go last
    groups = [paths[number::2 * jobs] for number in range(2 * jobs)][::-1]
    evaluation, warnings = monitor_partitions(groups, plan, plan.midterm_year, as_of, n_jobs=jobs, refused="skip")
    figures = {"in_memory": time.perf_counter() - started, "rows_valid": evaluation.provenance["rows_valid"],
               "table_rows": len(evaluation.table), "flags": len(warnings.table), "done_at": time.time()}
    return {**figures, "peak_workers_mb": _workers_peak_mb(jobs)}


def _workers_peak_mb(jobs: int) -> float:
    """The largest worker's peak memory, once joblib's workers have exited (0 when none ran)."""
    if jobs != 1:
        from joblib.externals.loky import get_reusable_executor

        get_reusable_executor().shutdown(wait=True)
    return peak_mb(resource.RUSAGE_CHILDREN)


def _in_fresh_process(*args: str) -> dict[str, float]:
    """Run this script's child mode in a new interpreter: its figures; ``process``, the wall time from
    starting it until its results are in (imports included); ``exit``, the rest, until it has ended
    (measuring the workers' peak, stopping them, releasing memory)."""
    spawned = time.time()
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    ended = time.time()
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    figures = json.loads(done.stdout.splitlines()[-1])
    return {**figures, "process": figures["done_at"] - spawned, "exit": ended - figures["done_at"]}


def cycle(scale: float | None = None, quiet: bool = False, *, units: int | None = None, partitions: bool = False,
          jobs: int = 1, groups: int = 0, as_of: int = 0) -> dict[str, float]:
    units = units or max(int(UNITS * (scale or 1.0)), 4)
    plan = national_plan(units)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_panel(plan, Path(tmp))
        floor = _in_fresh_process("floor", tmp)
        run = _in_fresh_process("cycle", tmp, str(units), str(int(partitions)), str(jobs), str(groups), str(as_of))
    rows = floor["rows"]
    figures = {"units": units, "rows": rows, "refused": rows - run["rows_valid"], "floor": floor["process"], **run}
    if "read_validate" in run:
        figures["total"] = run["read_validate"] + run["evaluate"] + run["warnings"]
    if not quiet:
        print(f"units: {units} (files: {len(paths)}, one per province)")
        print(f"rows: {rows:,} ({figures['refused']:,} refused by validation)")
        print(f"floor: {floor['process']:.2f} s (pandas alone, imports included: read the CSV files {floor['read']:.2f} s, "
              f"one groupby over the {floor['series']:,} series {floor['groupby']:.2f} s)")
        if "in_memory" in run:
            print(f"read + validate + evaluate + early warnings in memory on {jobs} cores, the provinces in {2 * jobs} groups: "
                  f"{run['in_memory']:.2f} s ({run['table_rows']:,} verdict rows with their traces and the qualitative "
                  f"rows, {run['flags']:,} flags)")
        elif partitions:
            print(f"read + validate + evaluate + early warnings, {f'in {groups} groups of provinces' if groups else 'by province'}"
                  f" with {jobs} process(es): {run['partitioned']:.2f} s ({run['table_rows']:,} verdict rows, "
                  f"{run['flags']:,} flags, each partition's written to CSV by its worker)")
        else:
            print(f"read + validate: {run['read_validate']:.2f} s")
            print(f"evaluate (mid-term): {run['evaluate']:.2f} s ({run['table_rows']:,} verdict rows)")
            shared = "on the evaluation's engine run" if as_of in (0, plan.midterm_year) else "a second engine run"
            print(f"early warnings (as of {as_of or plan.midterm_year}, {shared}): {run['warnings']:.2f} s ({run['flags']:,} flags)")
            print(f"total: {figures['total']:.2f} s")
        print(f"process (imports included): {run['process']:.2f} s")
        print(f"process exit: {run['exit']:.2f} s (once the results are in: the workers' peak read, workers stopped, "
              f"memory released; not counted)")
        print(f"library / floor: {run['process'] / floor['process']:.1f}x")
        workers = f", largest worker {run['peak_workers_mb']:,.0f} MB" if jobs != 1 else ""
        print(f"peak memory: {run['peak_mb']:,.0f} MB{workers}")
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


def _child(args: list[str]) -> int:
    """``--child floor FOLDER`` or ``--child cycle FOLDER UNITS PARTITIONS JOBS GROUPS AS_OF``: one JSON line of figures."""
    if args[0] == "floor":
        figures = _floor_child(Path(args[1]))
    else:
        figures = _cycle_child(Path(args[1]), int(args[2]), bool(int(args[3])), int(args[4]), int(args[5]), int(args[6]))
    print(json.dumps({**figures, "peak_mb": peak_mb()}))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 2,850 units (default 1.0)")
    parser.add_argument("--units", type=int, help="number of units instead of --scale (40000: about township level)")
    parser.add_argument("--partitions", action="store_true", help="run the cycle province by province (bounded memory)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="processes (joblib): with --partitions the provinces at once; without, the in-memory cycle on "
                             "this many cores, the provinces in two groups a core")
    parser.add_argument("--groups", type=int, default=0,
                        help="with --partitions: the provinces' files in this many partitions (2 with --jobs 2: one per core)")
    parser.add_argument("--growth", action="store_true",
                        help="also run 10%%, 30%% and 100%% of --scale and print the cost per million rows")
    parser.add_argument("--as-of", type=int, default=0,
                        help="warn as of this year (default the mid-term year, on the evaluation's engine run; "
                             "2024: the warnings a year earlier, a second engine run)")
    parser.add_argument("--reference-series", type=int, default=300, help="series in the per-series comparison (default 300; 0 leaves it out)")
    args = parser.parse_args(argv)
    import platform

    print(f"machine: {platform.processor() or platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}")
    cycle(args.scale, units=args.units, partitions=args.partitions, jobs=args.jobs, groups=args.groups, as_of=args.as_of)
    if args.units is None and args.reference_series > 0:
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
