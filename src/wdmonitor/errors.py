"""Errors raised by wdmonitor.

Every error is a :class:`WdmonitorError` and also the builtin it refines
(``ValueError``, ``KeyError``), so generic ``except ValueError`` code keeps working.
Messages name the place (file, key or row), show the offending value and say what was
expected, in English and Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "AggregationError",
    "ArgumentError",
    "AssessmentError",
    "FormulaError",
    "PlanError",
    "Problem",
    "StoreBusyError",
    "StoreError",
    "SubmissionError",
    "UnitError",
    "UnknownIndicatorError",
    "UnknownPlanError",
    "UsageError",
    "WdmonitorError",
]


class WdmonitorError(Exception):
    """Base class of every error wdmonitor raises on purpose.

    Every error survives pickling with its attributes (a worker process's error reaches the
    parent whole): errors whose constructor takes other arguments than the message define
    ``__reduce__`` with those arguments.
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One problem found in a definition file (catalogue or plan).

    Parameters
    ----------
    file : str
        The file the problem was found in.
    key : str
        Where in the file: a dotted path such as ``goals[3].targets[0].kind``.
    value : Any
        The offending value, as read.
    expected : str
        What was allowed, in English.
    expected_zh : str
        What was allowed, in Chinese.
    """

    file: str
    key: str
    value: Any
    expected: str
    expected_zh: str = ""

    def __str__(self) -> str:
        zh = f" / {self.expected_zh}" if self.expected_zh else ""
        return f"{self.file}, {self.key}: {self.expected} (got {self.value!r}){zh}"


class PlanError(WdmonitorError, ValueError):
    """A catalogue or plan file has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found / 发现{n}个问题:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


class UnknownIndicatorError(WdmonitorError, KeyError):
    """An indicator id (or name) is not in the catalogue."""

    def __init__(self, indicator_id: str, known: list[str] | None = None) -> None:
        self.indicator_id = indicator_id
        self.known = list(known) if known else None
        hint = ""
        if known:
            import difflib

            close = difflib.get_close_matches(indicator_id, known, n=3)
            if close:
                hint = f"; did you mean {', '.join(close)}?"
        self.message = (
            f"unknown indicator {indicator_id!r}: not in the catalogue{hint} / "
            f"未知指标 {indicator_id!r}：目录中没有该指标"
        )
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.indicator_id, self.known))


class UnknownPlanError(WdmonitorError, KeyError):
    """A plan id is neither bundled nor a readable path."""

    def __init__(self, plan_id: str, known: list[str]) -> None:
        self.plan_id = plan_id
        self.known = list(known)
        self.message = (
            f"unknown plan {plan_id!r}: not a bundled plan ({', '.join(known)}) and not a file / "
            f"未知规划 {plan_id!r}：既不是内置规划，也不是文件"
        )
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.plan_id, self.known))


class UnitError(WdmonitorError, ValueError):
    """A unit is unknown, or cannot be converted to the unit asked for."""


class SubmissionError(WdmonitorError, ValueError):
    """A submitted frame failed validation; ``failure_cases`` holds every failure."""

    def __init__(self, message: str, failure_cases: Any = None) -> None:
        self.failure_cases = failure_cases
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.failure_cases))


class FormulaError(WdmonitorError, ValueError):
    """An indicator formula cannot be computed (missing component, zero denominator …);
    ``failure_cases`` holds the rows concerned, when there are any."""

    def __init__(self, message: str, failure_cases: Any = None) -> None:
        self.failure_cases = failure_cases
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.failure_cases))


class AggregationError(WdmonitorError, ValueError):
    """Regions cannot be aggregated as asked (for example rates without weights)."""


class StoreError(WdmonitorError, RuntimeError):
    """The monitoring database refused an operation."""


class StoreBusyError(StoreError):
    """Another process holds the monitoring database's write lock."""


class AssessmentError(WdmonitorError, ValueError):
    """An assessments file cannot be read, or names an unknown target, region or status, or gives
    no evidence; ``failure_cases`` holds every problem (file, sheet, row, column, value, expected,
    expected_zh)."""

    def __init__(self, message: str, failure_cases: Any = None) -> None:
        self.failure_cases = failure_cases
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.failure_cases))


class UsageError(WdmonitorError, ValueError):
    """The command line was given an impossible combination of options."""


class ArgumentError(WdmonitorError, TypeError, ValueError):
    """A function was called with an argument of the wrong type or outside its allowed values.

    Both a ``TypeError`` and a ``ValueError`` (as scikit-learn's parameter errors are); the
    message names the function, the parameter, what is allowed and what was given.
    """
