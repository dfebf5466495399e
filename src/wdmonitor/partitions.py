"""Evaluation and early warnings partition by partition: a province at a time, the same results as one frame.

Every verdict and every warning stands on one series (a region's indicator, sex and area
type) or on a pair of series of the same region (a gap between the sexes or between town
and country), so a national or township panel splits exactly along its regions: each
partition is validated, judged and flagged on its own, and only its verdict rows and flags
are kept. Memory is bounded by the largest partition (plus the results), not by the panel;
:func:`iter_partitions` and :func:`write_partitions` let each partition's results go as well,
for a township panel whose results alone outgrow memory.
The one verdict that spans regions, a jurisdiction's spread across its sub-regions (区域差距),
is judged at the end on the rows of the indicators it needs, kept from every partition.

Partitions run one after another by default; ``n_jobs`` runs that many at once: this process
judges one while ``n_jobs − 1`` of joblib's worker processes (``pip install wdmonitor[parallel]``)
judge the others, each sent the plan and its partition (a frame, or the paths it reads itself)
and sending back its verdict rows, flags and the rows the last pass needs.

Examples
--------
>>> from wdmonitor import evaluate, load_plan
>>> from wdmonitor.partitions import by_region, evaluate_partitions
>>> from wdmonitor.sample import generate_sample
>>> plan = load_plan("huludao-2021-2030")
>>> frame = generate_sample(plan)  # SYNTHETIC
>>> evaluation = evaluate_partitions(by_region(frame, plan, level="county"), plan, 2025)
>>> evaluation.provenance["partitions"]  # each county, and the city's own rows
7
>>> evaluation.table.equals(evaluate(frame, plan, 2025).table)
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .engine import judge_all
from .errors import ArgumentError
from .readers import read_files, read_submission
from .rules import DEFAULT_RULES, RuleSet
from .validation import prepare_submission, valid_or_raise
from .vocabulary import GapBetween

if TYPE_CHECKING:
    from .early_warning import EarlyWarnings
    from .engine import Judged
    from .evaluation import Evaluation
    from .indicators import Plan

__all__ = ["by_province", "by_region", "evaluate_partitions", "flag_early_warnings_partitions", "iter_partitions",
           "monitor_partitions", "write_partitions"]


def by_province(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """The frame's rows by province: the first two digits of the GB/T 2260 region code.

    A row without a six-digit code goes with the rows of the same first two characters
    (validation then names it), so no row is left out.
    """
    region = frame["region"].astype(str)
    for _, part in frame.groupby(region.str[:2], sort=True, observed=True):
        yield part


def by_region(frame: pd.DataFrame, plan: Plan, level: str = "county") -> Iterator[pd.DataFrame]:
    """The frame's rows by the plan's regions of ``level`` and everything below each.

    The jurisdiction's own rows, and any region above ``level``, form a partition of their own.
    """
    parent = {r.code: r.parent for r in plan.regions}
    levels = {r.code: r.level for r in plan.regions}

    def head(code: str) -> str:
        seen = code
        while seen in parent and levels.get(seen) != level:
            seen = parent[seen]
        return seen if levels.get(seen) == level else ""

    region = frame["region"].astype(object)
    heads = region.map({code: head(code) for code in pd.unique(region) if isinstance(code, str)})
    for _, part in frame.groupby(heads.fillna(""), sort=True):
        yield part


def _part(partition: pd.DataFrame | str | Path | list[str | Path], plan: Plan, year: int | None, as_of: int | None, method: str,
          rules: RuleSet, refused: str, finish: bool = False) -> dict[str, Any]:
    """One partition read (a path), validated once, judged at ``year`` and flagged as of ``as_of``.

    The jurisdiction's rows and the comparisons across regions are left to the last pass:
    the rows they stand on are kept (``kept``), and W2c's candidates are returned. With
    ``finish`` the verdict rows and flags are finished here, as the tables print them
    (:func:`_finished_part`), for a caller that lets each partition go once it is written.
    """
    from .early_warning import finished_flags, flags_for_valid, shared_run
    from .evaluation import evaluation_of, traced

    if isinstance(partition, (str, Path)):
        frame = read_submission(partition, plan)
    elif isinstance(partition, (list, tuple)):  # files read together as one partition (a group of provinces)
        frame = read_files(partition, plan)
    else:
        frame = partition
    report = prepare_submission(frame, plan)
    valid = valid_or_raise(report) if refused == "raise" else report.valid
    jurisdiction = plan.jurisdiction.code
    out: dict[str, Any] = {"kept": _kept(valid, jurisdiction, _spread_indicators(plan)), "rows_in": len(frame),
                           "rows_valid": len(valid)}
    judged = None
    if year is not None:
        judged = judge_all(valid, plan, year, rules)
        table = _verdict_columns(traced(judged.table, year))  # each row's trace where it is judged: in the worker with n_jobs
        if finish:  # the qualitative rows of the partition's regions are copied from the jurisdiction's
            table = evaluation_of(table, judged.unjudged, plan, year, None, rules, {}).table
        out.update(table=table[table["region"] != jurisdiction].reset_index(drop=True), unjudged=judged.unjudged)
    if as_of is not None:
        candidates: list[pd.DataFrame] = []
        flags = flags_for_valid(valid, plan, as_of, method=method, rules=rules, judged=shared_run(judged, valid, as_of),
                                hb_candidates=candidates)
        flags = flags[flags["region"] != jurisdiction]
        out.update(flags=finished_flags([flags], plan, as_of, rules) if finish else flags, candidates=candidates)
    return out


def _finished_part(numbered: tuple[int, Any], folder: Path | None, *args: Any) -> dict[str, Any]:
    """Partition ``numbered = (number, partition)`` finished (:func:`_part`); with a ``folder``, its
    verdict rows and flags written there by the worker itself (``evaluation-NNN.csv``,
    ``warnings-NNN.csv``) and only their regions and sizes returned."""
    number, partition = numbered
    part = _part(partition, *args, finish=True)
    part["regions"] = pd.unique(pd.concat([part[k]["region"].astype(object) for k in ("table", "flags") if k in part]))
    if folder is not None:
        from .writers import write_csv

        for key, stem in (("table", "evaluation"), ("flags", "warnings")):
            if key in part:
                part.setdefault("files", []).append(write_csv(part[key], folder / f"{stem}-{number:03d}.csv"))
                part[f"{key}_rows"] = len(part.pop(key))
    return part


def _verdict_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of the engine's verdict rows an evaluation keeps, and their place in the plan
    (``spec``, for :func:`_ordered`): what a worker sends back, a third of the engine's columns."""
    from .evaluation import TABLE_COLUMNS

    return table[[c for c in (*TABLE_COLUMNS, "spec") if c in table.columns]]


def _kept(valid: pd.DataFrame, jurisdiction: str, keep: frozenset[str]) -> pd.DataFrame:
    """The rows the jurisdiction's verdicts stand on: its own, and every region's of a spread indicator."""
    return valid[(valid["region"] == jurisdiction).to_numpy() | valid["indicator"].isin(keep).to_numpy()]


def _spread_indicators(plan: Plan) -> frozenset[str]:
    """Indicators with a target on the spread across regions (区域差距): judged on every region's rows."""
    return frozenset(t.indicator for t in plan.numeric_targets if t.gap_between is GapBetween.REGION)


def _run(function: Callable[..., dict[str, Any]], frames: Iterable[pd.DataFrame], n_jobs: int | None,
         *args: Any) -> Iterator[dict[str, Any]]:
    """``function(frame, *args)`` for every partition, each result as soon as it (and every one
    before it) is done: one after another, or ``n_jobs`` at once — this process judging one and
    joblib's worker processes the others, so a two-core run starts one worker, not two."""
    if n_jobs in (None, 1):
        return (function(frame, *args) for frame in frames)
    try:
        from joblib import effective_n_jobs
        from joblib.externals.loky import get_reusable_executor
    except ImportError as error:  # pragma: no cover - the optional extra
        raise ArgumentError("n_jobs needs joblib: pip install 'wdmonitor[parallel]' / 并行计算需要安装 joblib") from error
    workers = effective_n_jobs(n_jobs) - 1
    if workers < 1:
        return (function(frame, *args) for frame in frames)
    return _shared(function, iter(frames), get_reusable_executor(max_workers=workers), workers, args)


def _shared(function: Callable[..., dict[str, Any]], frames: Iterator[Any], executor: Any, workers: int,
            args: tuple[Any, ...]) -> Iterator[dict[str, Any]]:
    """The partitions dealt in order, the results yielded in order.

    Each worker holds two partitions (one running, one waiting), so it never waits for this
    process; this process judges the next, and always the last (a worker would send its result
    back after a start-up of its own). Past ``2 × workers + 1`` results waiting behind an
    earlier partition, this process waits instead of taking another.
    """
    import collections

    ahead: collections.deque[Any] = collections.deque()  # the workers' futures and this process's results, in order
    pending: collections.deque[Any] = collections.deque()  # partitions read from ``frames``, not started: at most two
    bound = 2 * workers + 1

    def pull() -> None:
        while len(pending) < 2 and (frame := next(frames, _NONE_LEFT)) is not _NONE_LEFT:
            pending.append(frame)

    pull()
    while ahead or pending:
        while len(pending) == 2 and sum(not isinstance(a, dict) and not a.done() for a in ahead) < 2 * workers:
            ahead.append(executor.submit(function, pending.popleft(), *args))
            pull()
        if pending and len(ahead) <= bound:
            ahead.append(function(pending.popleft(), *args))
            pull()
        while ahead and (not pending or len(ahead) > bound or isinstance(ahead[0], dict) or ahead[0].done()):
            first = ahead.popleft()
            yield first if isinstance(first, dict) else first.result()


_NONE_LEFT = object()


def _frames(partitions: Iterable[pd.DataFrame] | Any, plan: Plan) -> Iterable[pd.DataFrame]:
    """The partitions: frames as given, or a :class:`~wdmonitor.Store` read province by province."""
    from .store import Store

    if isinstance(partitions, Store):
        return partitions.partitions(plan=plan)
    if isinstance(partitions, pd.DataFrame):
        raise ArgumentError("partitions must be an iterable of frames (e.g. by_province(frame)) or a Store, not one frame / "
                            "分区须为多个数据框（如 by_province(frame)）或监测数据库，而非单个数据框")
    return partitions


def _check_disjoint(tables: list[pd.DataFrame], jurisdiction: str) -> None:
    """A region's rows must all be in one partition: otherwise its series would be judged in pieces."""
    seen: dict[str, int] = {}
    for number, table in enumerate(tables):
        _claim(seen, table["region"], number, jurisdiction)


def _claim(seen: dict[str, int], regions: pd.Series, number: int, jurisdiction: str) -> None:
    """Note that partition ``number`` (from 0) holds ``regions``; a region another partition holds is an error."""
    for region in pd.unique(regions):
        if region != jurisdiction and seen.setdefault(region, number) != number:
            raise ArgumentError(
                f"region {region} has rows in partitions {seen[region] + 1} and {number + 1}; each region's rows must be "
                f"in one partition (split by region, e.g. by_province) / 地区{region}的数据分散在第{seen[region] + 1}和第"
                f"{number + 1}个分区，同一地区的数据须在同一分区")


def _ordered(table: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Verdict rows in the engine's order: by target and series as the plan lists them (``spec``, kept
    on a row judged on a proxy), then region, then as they came."""
    regions = {code: number for number, code in enumerate(plan.region_codes)}
    order = np.lexsort((np.arange(len(table)), table["region"].map(regions).fillna(len(regions)).to_numpy(),
                        table["spec"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def _combined_table(parts: list[dict[str, Any]], whole: pd.DataFrame, plan: Plan, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every partition's verdict rows and the jurisdiction's (``whole``), in one table, traced; and the unjudged series."""
    from .evaluation import traced

    _check_disjoint([p["table"] for p in parts], plan.jurisdiction.code)
    table = pd.concat([_verdict_columns(traced(whole, year)), *(p["table"] for p in parts)], ignore_index=True)
    return _ordered(table, plan), _combined_unjudged([p["unjudged"] for p in parts])


def _combined_unjudged(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The unjudged series of every partition, counted together (regions and rows summed)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        from .engine import _UNJUDGED_COLUMNS

        return pd.DataFrame(columns=_UNJUDGED_COLUMNS)
    every = pd.concat(frames, ignore_index=True)
    labels = [c for c in every.columns if c not in ("regions", "rows")]
    summed = every.groupby(labels, sort=False, dropna=False)[["regions", "rows"]].sum().reset_index()
    return summed[list(every.columns)].sort_values(["reason", "indicator", "sex", "area_type"], kind="stable").reset_index(drop=True)


def evaluate_partitions(partitions: Iterable[pd.DataFrame | str | Path] | Any, plan: Plan | str | Path,
                        year: int | None = None, assessments: Any = None, *, rules: RuleSet = DEFAULT_RULES,
                        n_jobs: int | None = 1) -> Evaluation:
    """:func:`~wdmonitor.evaluate` over partitions of the data, with the same table as on one frame.

    Parameters
    ----------
    partitions : iterable of DataFrame or path, or Store
        Canonical frames, each holding every row of its regions (:func:`by_province`,
        :func:`by_region`), or files (one per province: each is read where it is judged,
        in the worker when ``n_jobs`` is set), or lists of files read together as one
        partition (a group of provinces: two groups a core keep every core busy and pay
        each partition's fixed cost the fewest times); or a monitoring database, read province by province
        (:meth:`Store.partitions <wdmonitor.Store.partitions>`).
    plan : Plan, str or Path
    year : int, optional
        The evaluation year; the plan's mid-term year by default.
    assessments : path or DataFrame, optional
        The committee's verdicts on qualitative targets.
    rules : RuleSet
    n_jobs : int, optional
        Partitions judged at once (-1: one per core): this process and ``n_jobs − 1`` of
        joblib's worker processes; 1 (the default) judges them one after another in this process.

    Returns
    -------
    Evaluation
        As :func:`~wdmonitor.evaluate` returns it; ``provenance`` counts the partitions.

    Raises
    ------
    ArgumentError
        A region's rows spread over several partitions, or one frame given instead of an iterable.
    SubmissionError
        A partition fails validation (its failure cases attached).
    """
    return monitor_partitions(partitions, plan, year, None, assessments, rules=rules, n_jobs=n_jobs)[0]


def flag_early_warnings_partitions(partitions: Iterable[pd.DataFrame | str | Path] | Any, plan: Plan | str | Path,
                                   as_of: int, *, method: str = "trend", rules: RuleSet = DEFAULT_RULES,
                                   n_jobs: int | None = 1) -> EarlyWarnings:
    """:func:`~wdmonitor.flag_early_warnings` over partitions of the data, with the same flags as on one frame.

    ``as_of`` is required: the latest year of data is known only once every partition is read.
    The other parameters are those of :func:`evaluate_partitions` and
    :func:`~wdmonitor.flag_early_warnings`.
    """
    if as_of is None:
        raise ArgumentError("flag_early_warnings_partitions needs as_of, the monitoring year / 分区预警须指定监测年份 as_of")
    return monitor_partitions(partitions, plan, None, as_of, method=method, rules=rules, n_jobs=n_jobs)[1]


def monitor_partitions(partitions: Iterable[pd.DataFrame | str | Path] | Any, plan: Plan | str | Path,
                       year: int | None, as_of: int | None, assessments: Any = None, *, method: str = "trend",
                       rules: RuleSet = DEFAULT_RULES, n_jobs: int | None = 1,
                       refused: str = "raise") -> tuple[Evaluation | None, EarlyWarnings | None]:
    """The year's evaluation at ``year`` and the warnings as of ``as_of``, each partition read and validated once.

    Either year may be None (that result is then None); see :func:`evaluate_partitions`.
    ``refused="skip"`` judges each partition's valid rows when some rows fail validation
    (their number is ``provenance["rows_in"] − provenance["rows_valid"]``) instead of raising
    :class:`~wdmonitor.errors.SubmissionError` as :func:`~wdmonitor.evaluate` does.
    """
    plan, year, as_of, method, rules, refused = _checked("monitor_partitions", plan, year, as_of, method, rules, refused)
    parts = list(_run(_part, _frames(partitions, plan), n_jobs, plan, year, as_of, method, rules, refused))
    counted = {"rows_in": sum(p["rows_in"] for p in parts), "rows_valid": sum(p["rows_valid"] for p in parts),
               "partitions": len(parts)}
    kept = pd.concat([p["kept"] for p in parts], ignore_index=True)
    evaluation = warnings = whole = None
    if year is not None:
        from .evaluation import evaluation_of

        # the jurisdiction alone is judged on the kept rows (its spread across regions among them)
        whole = judge_all(kept, plan, int(year), rules, only=[plan.jurisdiction.code])
        table, unjudged = _combined_table(parts, whole.table, plan, int(year))
        evaluation = evaluation_of(table, unjudged, plan, int(year), assessments, rules, dict(counted))
    if as_of is not None:
        from .early_warning import shared_run

        warnings = _combined_warnings(parts, kept, plan, int(as_of), method, rules, counted, shared_run(whole, kept, int(as_of)))
    return evaluation, warnings


def _checked(function: str, plan: Any, year: Any, as_of: Any, method: Any, rules: Any, refused: Any) -> tuple[Any, ...]:
    """The arguments of a partitioned run checked (wdmonitor's errors name ``function``); the mid-term year by default."""
    from .arguments import check_choice, check_plan, check_rules, check_year
    from .trends import METHODS

    plan = check_plan(plan, function)
    year, rules = check_year(year, function), check_rules(rules, function)
    as_of = check_year(as_of, function, "as_of")
    method = check_choice(method, "method", METHODS, function)
    refused = check_choice(refused, "refused", ("raise", "skip"), function)
    if year is None and as_of is None:
        year = plan.midterm_year
    return plan, year, as_of, method, rules, refused


def _last_flags(kept: pd.DataFrame, candidates: list[pd.DataFrame], plan: Plan, as_of: int, method: str,
                rules: RuleSet, judged: Judged | None = None) -> list[pd.DataFrame]:
    """The jurisdiction's flags, judged on the kept rows (or on ``judged``, the evaluation's run of
    them, when it can stand for it), and W2c over every partition's candidates at once."""
    from .early_warning import flags_for_valid, hb_flags

    now = judged or judge_all(kept[kept["year"].astype("int64") <= as_of], plan, as_of, rules, only=[plan.jurisdiction.code])
    whole = flags_for_valid(kept, plan, as_of, method=method, rules=rules, judged=now, hb_candidates=[])
    # W2c compares each region's change with every other region's
    return [whole, *(hb_flags(pd.concat(candidates, ignore_index=True), as_of, rules) if candidates else [])]


def _combined_warnings(parts: list[dict[str, Any]], kept: pd.DataFrame, plan: Plan, as_of: int, method: str,
                       rules: RuleSet, counted: dict[str, int], judged: Judged | None = None) -> EarlyWarnings:
    """Every partition's flags, the jurisdiction's, and W2c over every partition's candidates at once."""
    from . import __version__
    from .early_warning import EarlyWarnings, finished_flags

    _check_disjoint([p["flags"] for p in parts], plan.jurisdiction.code)
    candidates = [c for p in parts for c in p["candidates"] if len(c)]
    table = finished_flags([*(p["flags"] for p in parts), *_last_flags(kept, candidates, plan, as_of, method, rules, judged)],
                           plan, as_of, rules)
    provenance = {"plan": plan.id, "year": as_of, "projection": method, "rules": rules.name,
                  "rules_sha256": rules.digest(), "wdmonitor": __version__, **counted}
    return EarlyWarnings(table=table, plan=plan, as_of=as_of, method=method, rules=rules, provenance=provenance)


def iter_partitions(partitions: Iterable[pd.DataFrame | str | Path] | Any, plan: Plan | str | Path, year: int | None,
                    as_of: int | None, *, method: str = "trend", rules: RuleSet = DEFAULT_RULES, n_jobs: int | None = 1,
                    refused: str = "raise") -> Iterator[tuple[pd.DataFrame | None, pd.DataFrame | None]]:
    """The verdict rows and the flags partition by partition, each as soon as it is done: memory bounded by a partition.

    Yields ``(verdicts, flags)`` for each partition (its regions' rows of
    :attr:`Evaluation.table <wdmonitor.Evaluation.table>` at ``year`` and of
    :attr:`EarlyWarnings.table <wdmonitor.EarlyWarnings.table>` as of ``as_of``; None for a
    year not asked), then one last pair: the jurisdiction's verdicts (its spread across regions
    included) and flags, and W2c's flags, which compare every region. Only the rows those stand
    on (the jurisdiction's and the spread indicators') and W2c's candidates are kept between
    partitions, so a township panel runs in the memory of its largest province. Together the
    pairs hold the rows :func:`monitor_partitions` returns, partition by partition instead of in
    the tables' order. The parameters are those of :func:`monitor_partitions`; the committee's
    assessments are applied to an evaluation in memory (:func:`evaluate_partitions`).
    """
    for part in _stream(partitions, plan, year, as_of, method, rules, n_jobs, refused, None):
        yield part.get("table"), part.get("flags")


def write_partitions(partitions: Iterable[pd.DataFrame | str | Path] | Any, plan: Plan | str | Path, folder: str | Path,
                     year: int | None, as_of: int | None, *, method: str = "trend", rules: RuleSet = DEFAULT_RULES,
                     n_jobs: int | None = 1, refused: str = "raise") -> dict[str, Any]:
    """:func:`iter_partitions` written as it runs: ``evaluation-NNN.csv`` and ``warnings-NNN.csv`` per partition.

    Each partition's files are written where it is judged (in the worker with ``n_jobs``), so
    its rows never travel or wait; the last pair (the jurisdiction's rows and W2c) is
    ``evaluation-last.csv`` and ``warnings-last.csv``. Files are UTF-8 CSV
    (:func:`~wdmonitor.writers.write_csv`), every column of the tables. Returns what was run:
    rows read and valid, partitions, verdict rows, flags, the series no verdict stands on
    (``unjudged``) and the files written.
    """
    from .writers import write_csv

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"verdict_rows": 0, "flags": 0, "files": []}
    for part in _stream(partitions, plan, year, as_of, method, rules, n_jobs, refused, folder):
        if part.get("last"):
            for key, stem in (("table", "evaluation"), ("flags", "warnings")):
                if part[key] is not None:
                    summary["files"].append(write_csv(part[key], folder / f"{stem}-last.csv"))
                    part[f"{key}_rows"] = len(part[key])
            summary.update(part["counted"])
        summary["files"].extend(part.get("files", []))
        summary["verdict_rows"] += part.pop("table_rows", 0)
        summary["flags"] += part.pop("flags_rows", 0)
    return summary


def _stream(partitions: Any, plan: Plan | str | Path, year: int | None, as_of: int | None, method: str, rules: RuleSet,
            n_jobs: int | None, refused: str, folder: Path | None) -> Iterator[dict[str, Any]]:
    """Each partition's finished result (:func:`_finished_part`), then the last: the jurisdiction's
    verdicts and flags, W2c's flags and what was run (``last``, ``table``, ``flags``, ``counted``)."""
    from .early_warning import finished_flags
    from .evaluation import evaluation_of

    plan, year, as_of, method, rules, refused = _checked("iter_partitions", plan, year, as_of, method, rules, refused)
    jurisdiction = plan.jurisdiction.code
    kept, candidates, unjudged, owner = [], [], [], {}
    counted = {"rows_in": 0, "rows_valid": 0, "partitions": 0}
    numbered = enumerate(_frames(partitions, plan), start=1)
    for part in _run(_finished_part, numbered, n_jobs, folder, plan, year, as_of, method, rules, refused):
        for key in ("rows_in", "rows_valid"):
            counted[key] += part[key]
        counted["partitions"] += 1
        _claim(owner, part.pop("regions"), counted["partitions"] - 1, jurisdiction)
        kept.append(part.pop("kept"))
        candidates.extend(c for c in part.pop("candidates", []) if len(c))
        unjudged.append(part.pop("unjudged", pd.DataFrame()))
        yield part
    rows = pd.concat(kept, ignore_index=True)
    verdicts = flags = None
    # the jurisdiction alone is judged on the kept rows (a township plan's every target for
    # every region present would be millions of rows no one reads)
    if year is not None:
        whole = judge_all(rows, plan, int(year), rules, only=[jurisdiction]).table
        verdicts = evaluation_of(whole, pd.DataFrame(), plan, int(year), None, rules, {}).table
        counted["unjudged"] = _combined_unjudged(unjudged).to_dict("records")
    if as_of is not None:
        flags = finished_flags(_last_flags(rows, candidates, plan, int(as_of), method, rules), plan, int(as_of), rules)
    yield {"last": True, "table": verdicts, "flags": flags, "counted": counted}
