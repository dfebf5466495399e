"""A writer killed in the middle of ``Store.add`` leaves the store intact: unchanged, or wholly added.

The writer is a child process whose SQLite connections report what they are doing: it
prints ``batch`` once its first batch of observation rows has been handed to SQLite (the
rows are being written inside the transaction), ``commit`` just before the transaction
commits and ``done`` after ``add`` returned. The parent waits for the signal and kills the
child with SIGKILL at several points: paused after the first batch, paused after most rows,
paused on the commit, running free a few moments after the first batch, and after the add.
Only the public API reads the store afterwards, plus SQLite's own integrity check.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from wdmonitor import Store, load_plan

MINIMAL = Path(__file__).parent / "data" / "plans" / "minimal.yaml"
ROWS = 60_000
BATCH = 1_000

WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time
    import numpy as np, pandas as pd

    path, plan_path, rows, batch, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    pause_at = {"first_batch": batch, "most_rows": rows - batch}.get(mode)

    def say(word):
        print(word, flush=True)

    def hold():
        time.sleep(120)  # until killed

    class Reporting(sqlite3.Connection):
        '''Counts observation rows as SQLite takes them; reports the first batch and the commit.'''
        taken = 0

        def _count(self, records):
            for record in records:
                yield record
                Reporting.taken += 1
                if Reporting.taken == batch:
                    say("batch")
                if pause_at is not None and Reporting.taken == pause_at:
                    hold()

        def executemany(self, sql, records):
            if "observations" in sql and "INSERT" in sql.upper():
                records = self._count(records)
            return super().executemany(sql, records)

        def _committing(self):
            if Reporting.taken >= batch:
                say("commit")
                if mode == "commit":
                    hold()

        def execute(self, sql, *args):
            if sql.strip().upper().startswith(("COMMIT", "END")):
                self._committing()
            return super().execute(sql, *args)

        def commit(self):
            self._committing()
            return super().commit()

    import sqlite3.dbapi2

    original = sqlite3.connect

    def connect(*args, **kwargs):
        kwargs.setdefault("factory", Reporting)
        return original(*args, **kwargs)

    sqlite3.connect = sqlite3.dbapi2.connect = connect  # the module and the DB-API name drivers import

    from wdmonitor import Store, check_submission, load_plan

    plan = load_plan(plan_path)
    frame = pd.DataFrame({"region": "211402", "year": np.arange(rows) % 10 + 2021, "indicator": "maternal_mortality_ratio",
                          "sex": "female", "age_group": (np.arange(rows) // 10).astype(str), "value": 10.0})
    report = check_submission(frame, plan)
    store = Store(path, plan=plan, timeout=30)
    say("ready")
    store.add(report, department="killed", submitted_at="2024-03-01")
    say("done")
    if mode == "after":
        hold()
    """
)


@pytest.fixture(scope="module")
def plan():
    return load_plan(MINIMAL)


def start(tmp_path, store_path, mode):
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), str(store_path), str(MINIMAL), str(ROWS), str(BATCH), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(writer, word, timeout=240.0):
    """Read the writer's signals until ``word``; the signals seen on the way."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = writer.stdout.readline().strip()
        if not line:
            if writer.poll() is not None:
                raise AssertionError(f"writer ended before {word!r} (seen {seen}): {writer.stderr.read()[-2000:]}")
            continue
        seen.append(line)
        if line == word:
            return seen
    raise AssertionError(f"no {word!r} from the writer within {timeout} s (seen {seen})")


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "kill_on", "delay", "outcome"), [
    ("first_batch", "batch", 0.0, "unchanged"),  # paused with its first batch written
    ("most_rows", "batch", 0.5, "unchanged"),  # paused with all but one batch written
    ("commit", "commit", 0.0, "unchanged"),  # paused on the commit
    ("free", "batch", 0.05, "either"),  # running, a moment after its first batch
    ("free", "batch", 0.3, "either"),
    ("after", "done", 0.0, "added"),  # after add returned
])
def test_a_writer_killed_during_add_leaves_the_store_unchanged_or_wholly_added(tmp_path, plan, mode, kill_on, delay,
                                                                               outcome):
    path = tmp_path / "m.sqlite"
    store = Store(path, plan=plan)
    store.add(pd.DataFrame({"region": "211400", "year": [2021, 2022], "indicator": "maternal_mortality_ratio",
                            "sex": "female", "value": [9.8, 9.1]}), department="卫健委", submitted_at="2023-03-01")
    before_frame, before_submissions = store.frame(), store.submissions()

    writer = start(tmp_path, path, mode)
    try:
        seen = wait_for(writer, kill_on)
        assert "ready" in seen and (kill_on != "commit" or "batch" in seen)
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL

    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    after = Store(path, plan=plan)
    frame, submissions = after.frame(), after.submissions()
    old = frame[frame["department"] == "卫健委"].reset_index(drop=True)
    cols = ["region", "year", "indicator", "sex", "age_group", "value", "submission_id"]
    pd.testing.assert_frame_equal(old[cols], before_frame[cols])
    added = frame[frame["department"] == "killed"]
    unchanged = len(submissions) == len(before_submissions) and added.empty
    wholly = (len(submissions) == len(before_submissions) + 1 and len(added) == ROWS
              and set(added["region"]) == {"211402"} and added["value"].eq(10.0).all()
              and submissions.loc[submissions["department"] == "killed", "n_rows"].tolist() == [ROWS])
    assert unchanged or wholly, (len(submissions), len(added))
    if outcome == "unchanged":
        assert unchanged
    elif outcome == "added":
        assert wholly
