"""Judge chosen mutmut mutants quickly: the tests collected once, then a forked child per mutant.

A scoped run of tools/mutation.sh leaves a snapshot whose ``mutants/`` holds the mutated tree and
``mutants/mutmut-stats.json`` the tests that reach each function. This tool reuses them: it
imports pytest, the libraries and the test modules once (``--collect-only``), then forks a child
per mutant that sets ``MUTANT_UNDER_TEST`` and runs, with mutmut's own pytest arguments (``-x``),
only the tests recorded as reaching the mutated function. A failing run (exit code != 0) kills the
mutant; a child over its CPU limit is a timeout, which mutmut also counts as killed. ::

    SNAPSHOT=/tmp/me/snap TESTS="tests/test_rule_boundaries.py tests/test_mutation_kills.py" \\
        tools/mutation.sh 'wdmonitor.attainment.x__status__mutmut_1'    # makes mutants/ and the stats
    cd /tmp/me/snap && nice -n 15 /path/to/wdmonitor/.venv/bin/python /path/to/wdmonitor/tools/mutation_fork.py \\
        wdmonitor.attainment.x__status__mutmut_132 wdmonitor.attainment.x__status__mutmut_133 [--jobs 1]

One line per mutant: its name, killed / survived / timeout / no tests, and the seconds it took.
The test files are the snapshot's (tools/mutation.sh writes a commit to it only once): to judge a
test added since, copy its file into ``mutants/tests/`` and name it with ``--tests``, as
``--tests tests/test_mutation_kills_attainment.py::test_name`` (the mutant names then come first).
``mutmut show NAME`` in the snapshot shows a mutant's diff.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tomllib
from pathlib import Path


def pytest_arguments(snapshot: Path, tests: list[str]) -> list[str]:
    """The arguments mutmut itself gives pytest for a mutant (runners/harness.py)."""
    settings = tomllib.loads((snapshot / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return ["--rootdir=.", "--tb=native", "-x", "-q", "-p", "no:randomly", "-p", "no:random-order", *tests,
            *settings.get("pytest_add_cli_args", [])]


def tests_of(mutant: str, stats: dict) -> list[str]:
    """The test node ids recorded as reaching the mutant's function, the fastest first."""
    function = mutant.rsplit("__mutmut_", 1)[0]
    durations = stats["duration_by_test"]
    return sorted(stats["tests_by_mangled_function_name"].get(function, []), key=lambda t: (durations.get(t, 0), t))


def start(mutant: str, arguments: list[str], cpu_seconds: int) -> int:
    """Fork a child that runs pytest with ``arguments`` against ``mutant``; its process id."""
    pid = os.fork()
    if pid:
        return pid
    try:
        import pytest

        os.environ["MUTANT_UNDER_TEST"] = mutant
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        os._exit(int(pytest.main(arguments)))
    except BaseException:
        os._exit(3)


def verdict(exit_code: int) -> str:
    if exit_code == 0:
        return "survived"
    if exit_code in (5, 33):
        return "no tests"
    if exit_code in (-24, 24, 152, -9):  # SIGXCPU, or SIGKILL at the hard CPU limit
        return "timeout"
    return "killed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants", nargs="+", help="mutant names, as wdmonitor.attainment.x__status__mutmut_132")
    parser.add_argument("--jobs", type=int, default=1, help="children running at once (default 1)")
    parser.add_argument("--tests", nargs="+", metavar="NODE_ID",
                        help="run these tests (under mutants/, e.g. a test file added since) instead of the recorded ones")
    options = parser.parse_args()

    snapshot = Path.cwd()
    stats = json.loads((snapshot / "mutants" / "mutmut-stats.json").read_text(encoding="utf-8"))
    # the mutated tree, not the original, is what the tests import (as mutmut's setup_source_paths)
    sys.path[:0] = [str(snapshot / "mutants" / "src"), str(snapshot / "mutants")]
    os.chdir(snapshot / "mutants")
    os.environ["MUTANT_UNDER_TEST"] = ""

    import pytest

    planned = {mutant: options.tests or tests_of(mutant, stats) for mutant in options.mutants}
    files = sorted({test.split("::")[0] for tests in planned.values() for test in tests})
    if files:  # import the libraries and the test modules once, in the parent the children copy
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                pytest.main(["--rootdir=.", "--collect-only", "-qq", "-p", "no:cacheprovider", *files])
            finally:
                sys.stdout = stdout
    module = sys.modules.get("wdmonitor")
    if module is None or "mutants" not in Path(module.__file__).parts:
        print("the tests did not import wdmonitor from mutants/", file=sys.stderr)
        return 2

    running: dict[int, tuple[str, float]] = {}
    queue = list(options.mutants)
    while queue or running:
        while queue and len(running) < options.jobs:
            mutant = queue.pop(0)
            tests = planned[mutant]
            if not tests:
                print(f"{mutant} no tests 0", flush=True)
                continue
            budget = sum(stats["duration_by_test"].get(t, 0) for t in tests)
            cpu_seconds = max(60, int(10 * (budget + 1)))  # mutmut's rule: timeout_multiplier 5, twice
            running[start(mutant, pytest_arguments(snapshot, tests), cpu_seconds)] = (mutant, time.monotonic())
        if running:
            pid, status = os.wait()
            mutant, began = running.pop(pid)
            print(f"{mutant} {verdict(os.waitstatus_to_exitcode(status))} {time.monotonic() - began:.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
