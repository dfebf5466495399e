"""Arguments are checked at the door of every public function (as scikit-learn's parameter
validation does): the message names the function, the parameter, what is allowed and what was
given; a plan id is accepted wherever a plan is taken; a RuleSet checks every field's range on
construction and its digest is recorded in provenance."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from wdmonitor import annual_report, evaluate, flag_early_warnings, load_plan
from wdmonitor.arguments import check_inputs
from wdmonitor.errors import ArgumentError, UnknownPlanError
from wdmonitor.rules import DEFAULT_RULES, RuleSet
from wdmonitor.sample import load_sample

PLAN = "huludao-2021-2030"


@pytest.fixture(scope="module")
def sample():
    return load_sample()


FUNCTIONS = {"evaluate": evaluate, "flag_early_warnings": flag_early_warnings, "annual_report": annual_report}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_path_for_the_frame_says_to_read_it_first(name):
    with pytest.raises(ArgumentError) as error:
        FUNCTIONS[name]("data.csv", PLAN)
    assert str(error.value) == (
        f"{name}: the 'frame' parameter must be a DataFrame, not a path (got 'data.csv'); "
        f"read the file first: {name}(read_submission(path, plan), plan) / "
        "参数 frame 须为数据表而非文件路径（实际为 'data.csv'），请先用 read_submission(path, plan) 读取文件")
    assert isinstance(error.value, TypeError) and isinstance(error.value, ValueError)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_something_else_for_the_frame_is_refused(name):
    with pytest.raises(ArgumentError) as error:
        FUNCTIONS[name]([1, 2, 3], PLAN)
    assert str(error.value) == (
        f"{name}: the 'frame' parameter must be a DataFrame (read a file with read_submission(path, plan)) "
        "(got [1, 2, 3]) / 参数 frame 须为数据表（文件请先用 read_submission 读取）（实际为 [1, 2, 3]）")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_plan_id_is_accepted_wherever_a_plan_is(sample, name):
    by_id = FUNCTIONS[name](sample, PLAN)
    by_plan = FUNCTIONS[name](sample, load_plan(PLAN))
    assert by_id.plan.id == by_plan.plan.id == PLAN
    assert by_id.table.equals(by_plan.table)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_an_unknown_plan_id_and_a_wrong_plan_type_are_refused(sample, name):
    with pytest.raises(UnknownPlanError):
        FUNCTIONS[name](sample, "no-such-plan")
    with pytest.raises(ArgumentError) as error:
        FUNCTIONS[name](sample, 42)
    assert str(error.value) == (
        f"{name}: the 'plan' parameter must be a Plan, a bundled plan id or the path of a plan file "
        "(see list_plans()) (got 42) / 参数 plan 须为规划对象、内置规划编号或规划文件路径（实际为 42）")


@pytest.mark.parametrize("name", ["flag_early_warnings", "annual_report"])
def test_a_bad_method_is_refused_before_any_work(monkeypatch, sample, name):
    def must_not_run(*args, **kwargs):
        raise AssertionError("validation ran before the arguments were checked")

    monkeypatch.setattr("wdmonitor.validation.prepare_submission", must_not_run)
    with pytest.raises(ArgumentError) as error:
        FUNCTIONS[name](sample, PLAN, method="linear")
    assert str(error.value) == (
        f"{name}: the 'method' parameter must be one of 'trend', 'ols', 'escap' (got 'linear') / "
        "参数 method 须为 'trend'、'ols'、'escap' 之一（实际为 'linear'）")


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("year", [10**20, -5, 2025.5, "2025", True])
def test_an_absurd_year_is_refused(sample, name, year):
    parameter = "as_of" if name == "flag_early_warnings" else "year"
    with pytest.raises(ArgumentError) as error:
        FUNCTIONS[name](sample, PLAN, year)
    assert str(error.value) == (
        f"{name}: the {parameter!r} parameter must be a whole year from 1800 to 2200, or None (got {year!r}) / "
        f"参数 {parameter} 须为1800至2200之间的整数年份或 None（实际为 {year!r}）")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_rules_must_be_a_rule_set(sample, name):
    with pytest.raises(ArgumentError) as error:
        FUNCTIONS[name](sample, PLAN, rules="strict")
    assert str(error.value) == (
        f"{name}: the 'rules' parameter must be a RuleSet (wdmonitor.rules.DEFAULT_RULES or dataclasses.replace of it) "
        "(got 'strict') / 参数 rules 须为规则集（RuleSet）（实际为 'strict'）")


def test_a_long_value_is_cut_in_the_message():
    with pytest.raises(ArgumentError) as error:
        check_inputs("x" * 500, PLAN, "check_submission")
    shown = repr("x" * 500)[:100] + "… (502 characters)"
    assert str(error.value).startswith(f"check_submission: the 'frame' parameter must be a DataFrame, not a path (got {shown});")


def test_check_inputs_returns_the_frame_and_the_loaded_plan(sample):
    frame, plan = check_inputs(sample, PLAN, "check_submission")
    assert frame is sample and plan.id == PLAN


@pytest.mark.parametrize(("changes", "message"), [
    ({"trend_window": 0}, "RuleSet: the 'trend_window' parameter must be a whole number in [2, 50] (got 0) / "
                          "参数 trend_window 须为[2, 50] 内的整数（实际为 0）"),
    ({"ci_level": 2.0}, "RuleSet: the 'ci_level' parameter must be a number in (0, 1) (got 2.0) / "
                        "参数 ci_level 须为(0, 1) 内的数（实际为 2.0）"),
    ({"hb_c": float("nan")}, "RuleSet: the 'hb_c' parameter must be a number in (0, 100] (got nan) / "
                             "参数 hb_c 须为(0, 100] 内的数（实际为 nan）"),
    ({"stale_after": True}, "RuleSet: the 'stale_after' parameter must be a whole number in [0, 50] (got True) / "
                            "参数 stale_after 须为[0, 50] 内的整数（实际为 True）"),
    ({"name": ""}, "RuleSet: the 'name' parameter must be a non-empty text (got '') / 参数 name 须为非空文本（实际为 ''）"),
    # at 0 a difference of exactly 0 would be material, and a baseline at T would be scored P = x/0
    ({"materiality": 0.0}, "RuleSet: the 'materiality' parameter must be a number in (0, 1] (got 0.0) / "
                           "参数 materiality 须为(0, 1] 内的数（实际为 0.0）"),
    ({"w1_min_distance_units": 0}, "RuleSet: the 'w1_min_distance_units' parameter must be a whole number in [1, 10000] "
                                   "(got 0) / 参数 w1_min_distance_units 须为[1, 10000] 内的整数（实际为 0）"),
    ({"parity_band": (1.0, 1.1)}, "RuleSet: the 'parity_band' parameter must be a tuple (low, high) of numbers with "
                                  "0 < low < 1 < high <= 10 (got (1.0, 1.1)) / 参数 parity_band 须为满足 0 < 下限 < 1 < 上限 "
                                  "<= 10 的数对（实际为 (1.0, 1.1)）"),
    ({"on_track": 0.5}, "RuleSet: the 'acceleration_needed' parameter must be at most on_track (0.5) (got 0.6) / "
                        "参数 acceleration_needed 须为不大于 on_track（0.5）（实际为 0.6）"),
])
def test_a_rule_set_out_of_range_is_refused_on_construction(changes, message):
    with pytest.raises(ArgumentError) as error:
        replace(DEFAULT_RULES, **changes)
    assert str(error.value) == message


def test_every_numeric_field_has_a_range():
    for f in fields(RuleSet):
        if f.name in ("name", "parity_band"):
            continue
        with pytest.raises(ArgumentError, match=f"the '{f.name}' parameter"):
            replace(DEFAULT_RULES, **{f.name: "text"})


def test_the_digest_covers_every_field():
    digests = {DEFAULT_RULES.digest()}
    for f in fields(RuleSet):
        value = getattr(DEFAULT_RULES, f.name)
        if f.name == "name":
            changed = "other"
        elif f.name == "parity_band":
            changed = (0.96, 1.04)
        elif isinstance(value, bool):
            changed = not value
        elif isinstance(value, tuple):
            changed = value[:-1]
        elif isinstance(value, int):
            changed = value + 1
        else:
            changed = value * 0.99
        digests.add(replace(DEFAULT_RULES, **{f.name: changed}).digest())
    assert len(digests) == len(fields(RuleSet)) + 1


def test_provenance_records_the_rules_digest(sample):
    strict = replace(DEFAULT_RULES, on_track=0.9)  # same name, one threshold changed
    for name, function in FUNCTIONS.items():
        default, changed = function(sample, PLAN).provenance, function(sample, PLAN, rules=strict).provenance
        assert default["rules"] == changed["rules"] == "default", name
        assert default["rules_sha256"] == DEFAULT_RULES.digest(), name
        assert changed["rules_sha256"] == strict.digest() != DEFAULT_RULES.digest(), name
