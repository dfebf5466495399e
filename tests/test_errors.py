"""Every wdmonitor error survives pickling with its message and attributes (a worker's error
reaches the parent whole), and is both a WdmonitorError and the builtin it refines."""

from __future__ import annotations

import inspect
import pickle

import pandas as pd
import pytest

from wdmonitor import errors
from wdmonitor.errors import Problem

EXAMPLES = {
    errors.PlanError: lambda: errors.PlanError([Problem(file="p.yaml", key="goals[0].kind", value="atmost",
                                                        expected="kind must be one of …", expected_zh="类型须为…")]),
    errors.UnknownIndicatorError: lambda: errors.UnknownIndicatorError("mmr", ["maternal_mortality_ratio"]),
    errors.UnknownPlanError: lambda: errors.UnknownPlanError("x", ["huludao-2021-2030"]),
    errors.SubmissionError: lambda: errors.SubmissionError("a.csv: bad / 错误", pd.DataFrame({"row": [1]})),
    errors.FormulaError: lambda: errors.FormulaError("1 formula problem / 发现1个公式问题", pd.DataFrame({"row": [2]})),
}


def every_error_class() -> list[type]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.WdmonitorError)]


@pytest.mark.parametrize("cls", every_error_class(), ids=lambda c: c.__name__)
def test_every_error_round_trips_through_pickle(cls):
    error = EXAMPLES.get(cls, lambda: cls("something went wrong / 出错了"))()
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls and str(back) == str(error)
    for name, value in vars(error).items():
        restored = getattr(back, name)
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(restored, value)
        else:
            assert restored == value, name


def test_a_plan_error_with_one_problem_comes_back_with_one_problem():
    error = EXAMPLES[errors.PlanError]()
    assert len(pickle.loads(pickle.dumps(error)).problems) == 1


def test_every_error_lives_in_errors_and_is_also_a_builtin():
    from wdmonitor.assessments import AssessmentError
    from wdmonitor.commands import UsageError

    assert AssessmentError is errors.AssessmentError and UsageError is errors.UsageError
    for cls in every_error_class():
        if cls is not errors.WdmonitorError:
            assert any(issubclass(cls, b) for b in (ValueError, KeyError, RuntimeError, TypeError, OSError)), cls
