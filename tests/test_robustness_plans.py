"""Plans that are hostile or merely unlucky: alias bombs, deep nesting, absurd years, pipes and
folders given as plan files. Each is a PlanError naming the file and what to do, found while
parsing (before anything is expanded), and quickly."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from wdmonitor import load_plan
from wdmonitor.errors import PlanError
from wdmonitor.limits import MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_NODES, MAX_YEAR, MIN_YEAR
from wdmonitor.registry import read_yaml

MINIMAL = Path(__file__).parent / "data" / "plans" / "minimal.yaml"


def _write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _only_problem(error: pytest.ExceptionInfo[PlanError]) -> str:
    assert len(error.value.problems) == 1
    return str(error.value.problems[0])


def test_an_alias_bomb_is_refused_before_it_is_expanded(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = _write(tmp_path, "\n".join(lines) + "\n")
    assert path.stat().st_size < 1_000  # a few hundred bytes that would expand to 9**10 strings
    start = time.perf_counter()
    with pytest.raises(PlanError) as error:
        load_plan(path)
    assert time.perf_counter() - start < 5
    assert _only_problem(error) == (
        f"{path}, line 7, column 15: a definition file may hold at most {MAX_YAML_NODES} values, aliases expanded; "
        f"remove aliases that repeat large parts (got 'more than {MAX_YAML_NODES} values once aliases are expanded') / "
        f"展开别名后，定义文件的值不得超过{MAX_YAML_NODES}个")


def test_many_small_aliases_are_refused(tmp_path):
    path = _write(tmp_path, "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_YAML_ALIASES + 1)) + "]\n")
    with pytest.raises(PlanError) as error:
        read_yaml(path)
    assert _only_problem(error).endswith(
        f"a definition file may use at most {MAX_YAML_ALIASES} aliases (*name); write the values out "
        f"(got 'more than {MAX_YAML_ALIASES} aliases') / 别名（*name）不得超过{MAX_YAML_ALIASES}个")


def test_a_few_aliases_still_read(tmp_path):
    path = _write(tmp_path, "a: &a {x: 1}\nb: *a\nc: [*a, *a]\n")
    assert read_yaml(path) == {"a": {"x": 1}, "b": {"x": 1}, "c": [{"x": 1}, {"x": 1}]}


@pytest.mark.parametrize("nesting", ["[" * 5_000 + "]" * 5_000, "{a: " * 5_000 + "1" + "}" * 5_000])
def test_deep_nesting_is_a_plan_error_not_a_recursion_error(tmp_path, nesting):
    path = _write(tmp_path, f"id: x\ngoals: {nesting}\n")
    with pytest.raises(PlanError) as error:
        load_plan(path)
    message = _only_problem(error)
    assert message.startswith(f"{path}, line 2, column ")
    assert message.endswith(
        f": lists and mappings may be nested at most {MAX_YAML_DEPTH} levels deep; flatten the file "
        f"(got 'more than {MAX_YAML_DEPTH} levels') / 列表和映射的嵌套不得超过{MAX_YAML_DEPTH}层")


def test_nesting_at_the_limit_reads(tmp_path):
    path = _write(tmp_path, "[" * MAX_YAML_DEPTH + "]" * MAX_YAML_DEPTH + "\n")
    value = read_yaml(path)
    for _ in range(MAX_YAML_DEPTH - 1):
        (value,) = value
    assert value == []


@pytest.mark.parametrize("years", ["[2021, 100000000000000000000]", "[-5, 2030]", f"[2021, {MAX_YEAR + 1}]"])
def test_an_absurd_period_year_names_the_range(tmp_path, years):
    path = _write(tmp_path, MINIMAL.read_text(encoding="utf-8").replace("period: [2021, 2030]", f"period: {years}"))
    with pytest.raises(PlanError) as error:
        load_plan(path)
    assert _only_problem(error) == (
        f"{path}, period: period years must be whole years from {MIN_YEAR} to {MAX_YEAR} (got {years}) / "
        f"规划期限须为{MIN_YEAR}至{MAX_YEAR}之间的年份")


@pytest.mark.parametrize("year", ["-5", "100000000000000000000"])
def test_an_absurd_baseline_year_names_the_range(tmp_path, year):
    path = _write(tmp_path, MINIMAL.read_text(encoding="utf-8").replace("baseline_year: 2020", f"baseline_year: {year}"))
    with pytest.raises(PlanError) as error:
        load_plan(path)
    assert _only_problem(error) == (
        f"{path}, baseline_year: baseline_year must be a whole year from {MIN_YEAR} to {MAX_YEAR} (got {year}) / "
        f"基期年份须为{MIN_YEAR}至{MAX_YEAR}之间的年份")


def test_an_absurd_target_year_and_a_huge_value_are_plan_errors(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("values: {2025: 10.5, 2030: 10}",
                                                      "values: {100000000000000000000: 10.5, 2030: " + "9" * 400 + "}")
    path = _write(tmp_path, text)
    with pytest.raises(PlanError) as error:
        load_plan(path)
    problems = [str(p) for p in error.value.problems]
    shown = "9" * 200 + "… (400 characters)"
    assert problems == [
        f"{path}, goals[0].targets[0].values.100000000000000000000: values must map years to numbers (got 10.5) / values须为年份到数值的映射",
        f"{path}, goals[0].targets[0].values.2030: values must map years to numbers (got {shown!r}) / values须为年份到数值的映射",
    ]


def test_a_folder_is_not_a_plan(tmp_path):
    folder = tmp_path / "plans.yaml"
    folder.mkdir()
    with pytest.raises(PlanError) as error:
        load_plan(folder)
    assert _only_problem(error) == (
        f"{folder}, (file): the path is a folder; give the path of a plan file (got {str(folder)!r}) / "
        "该路径不是普通文件，请给出规划文件的路径")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    with pytest.raises(PlanError) as error:
        load_plan(fifo)
    assert _only_problem(error) == (
        f"{fifo}, (file): the path is not a regular file (a pipe, device or socket); give the path of a plan file "
        f"(got {str(fifo)!r}) / 该路径不是普通文件，请给出规划文件的路径")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_without_reading_it():
    with pytest.raises(PlanError) as error:
        read_yaml("/dev/zero")
    assert _only_problem(error) == (
        "/dev/zero, (file): the path is not a regular file (a pipe, device or socket); give the path of a plan file "
        "(got '/dev/zero') / 该路径不是普通文件，请给出规划文件的路径")


def test_a_list_given_as_an_indicator_id_is_a_plan_error(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("reference: female_share_party_members", "reference: [a, b]")
    text = text.replace("  - indicator: maternal_mortality_ratio\n        kind: at_most",
                        "  - indicator: {x: 1}\n        kind: at_most")
    path = _write(tmp_path, text)
    with pytest.raises(PlanError) as error:
        load_plan(path)
    assert [str(p) for p in error.value.problems] == [
        f"{path}, goals[0].targets[0].indicator: indicator must be a catalogue id (got {{'x': 1}}) / 指标须为目录中的编号",
        f"{path}, goals[2].targets[0].reference: relative_to needs reference: a catalogue indicator id (got ['a', 'b']) / "
        "relative_to须指定参照指标",
    ]
