#!/usr/bin/env bash
# Mutation testing of the rules that decide verdicts and warnings (docs/testing.md).
#
#   tools/mutation.sh                      # every rule function ([tool.mutmut] in pyproject.toml)
#   tools/mutation.sh 'wdmonitor.intervals.*' 'wdmonitor.early_warning.x__gap_widening__*'
#   JOBS=4 tools/mutation.sh               # more workers (default 2)
#   TESTS="tests/test_rule_boundaries.py tests/test_mutation_kills.py" \
#       tools/mutation.sh 'wdmonitor.attainment.x__band__*'
#                                          # a scoped run: the committed code (HEAD) in a snapshot,
#                                          # only the modules the patterns name, only these tests
#
# With TESTS set the run works in a snapshot of HEAD (git archive into SNAPSHOT, default a new
# temporary folder; an existing snapshot is reused, so an interrupted run continues), with
# [tool.mutmut] narrowed there to the modules the patterns name and the tests given: edits in
# the working tree do not disturb it, and the commit it measured is printed with the scores.
#
# mutmut changes one operator, number, comparison or name at a time in a copy of the code
# (mutants/) and runs the tests that reach the changed function; a mutant no test kills is a
# gap in the tests, or an equivalent change recorded in docs/testing.md. It takes hours for
# every rule function, so it is run by hand or nightly, never by .ci/run. Results stay in
# mutants/ (ignored by git): `mutmut results`, `mutmut show NAME`, `mutmut browse`.
# To judge a list of mutants again in a snapshot this made, tools/mutation_fork.py (faster).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=$(cd "${VENV:-.venv}" && pwd)
if ! "$VENV/bin/python" -c "import mutmut" >/dev/null 2>&1; then
    "$VENV/bin/python" -m pip install --quiet -e ".[test,mutation]"
fi

if [ "$#" -eq 0 ]; then
    # the functions that hold the method's rules (display and export code is left out)
    set -- \
        'wdmonitor.attainment.*' \
        'wdmonitor.targets.x__sign__*' 'wdmonitor.targets.x_target_rows__*' 'wdmonitor.targets.x_attach_series__*' \
        'wdmonitor.targets.x__pair__*' \
        'wdmonitor.early_warning.x__projected_miss__*' 'wdmonitor.early_warning.x__volatility_and_deterioration__*' \
        'wdmonitor.early_warning.x__gap_widening__*' 'wdmonitor.early_warning.x__data_flags__*' \
        'wdmonitor.early_warning.x__last_two__*' 'wdmonitor.early_warning.x_hb_flags__*' \
        'wdmonitor.early_warning.x__one_sided__*' 'wdmonitor.early_warning.x__significant__*' \
        'wdmonitor.early_warning.x__all_zero__*' 'wdmonitor.early_warning.x__window_events__*' \
        'wdmonitor.early_warning.x__counted__*' \
        'wdmonitor.trends.x_project__*' 'wdmonitor.trends.x__weighted_fit__*' 'wdmonitor.trends.x_meeting_probability__*' \
        'wdmonitor.intervals.*' \
        'wdmonitor.validation.x_check_submission__*' \
        'wdmonitor.store.x__latest_versions__*'
fi

if [ -n "${TESTS:-}" ]; then
    commit=$(git rev-parse HEAD)
    SNAPSHOT=${SNAPSHOT:-$(mktemp -d "${TMPDIR:-/tmp}/wdmonitor-mutation.XXXXXX")}
    if [ ! -f "$SNAPSHOT/.mutation-commit" ]; then
        git archive HEAD | tar -x -C "$SNAPSHOT"
        echo "$commit" > "$SNAPSHOT/.mutation-commit"
    elif [ "$(cat "$SNAPSHOT/.mutation-commit")" != "$commit" ]; then
        echo "note: $SNAPSHOT holds $(cat "$SNAPSHOT/.mutation-commit"), HEAD is $commit; the scores are of the snapshot" >&2
    fi
    "$VENV/bin/python" - "$SNAPSHOT/pyproject.toml" "$TESTS" "$@" <<'PY'
import re
import sys

path, tests, patterns = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
modules = sorted({p.split(".")[1] for p in patterns if p.startswith("wdmonitor.") and p.count(".") >= 2})
text = open(path, encoding="utf-8").read()

def toml_list(items):
    return "[" + ", ".join('"%s"' % item for item in items) + "]"

text = re.sub(r"(?ms)^pytest_add_cli_args_test_selection = \[.*?\]", "pytest_add_cli_args_test_selection = " + toml_list(tests), text)
if modules:
    text = re.sub(r"(?ms)^only_mutate = \[.*?\]", "only_mutate = " + toml_list("src/wdmonitor/%s.py" % m for m in modules), text)
open(path, "w", encoding="utf-8").write(text)
PY
    echo "mutation run of commit $(cat "$SNAPSHOT/.mutation-commit") in $SNAPSHOT, tests: $TESTS"
    cd "$SNAPSHOT"
fi

"$VENV/bin/mutmut" run --max-children "${JOBS:-2}" "$@" || true
# the score per module: killed / (killed + survived + timeout), over the mutants that ran
"$VENV/bin/mutmut" results --all true > mutants/results.txt
"$VENV/bin/python" - "$@" <<'PY'
import collections
import fnmatch
import re
import sys

patterns = sys.argv[1:]
counts = collections.defaultdict(collections.Counter)
with open("mutants/results.txt", encoding="utf-8") as results:
    for line in results:
        match = re.match(r"\s*(\S+): (.+)$", line)
        if match and any(fnmatch.fnmatch(match[1], p) for p in patterns):
            counts[match[1].split(".")[1]][match[2].strip()] += 1
row = "%-14s %7s %9s %8s %9s %8s %7s"
print(row % ("module", "killed", "survived", "timeout", "no tests", "not run", "score"))
for module, c in sorted(counts.items()):
    ran = c["killed"] + c["survived"] + c["timeout"]
    score = "%.1f%%" % (100 * (c["killed"] + c["timeout"]) / ran) if ran else "-"
    print(row % (module, c["killed"], c["survived"], c["timeout"], c["no tests"], c["not checked"], score))
PY
