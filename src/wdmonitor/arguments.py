"""Arguments checked at the door of every public function, before any work is done.

As scikit-learn's parameter validation does, each check names the function, the
parameter, what is allowed and what was given, in English and Chinese, and raises
:class:`~wdmonitor.errors.ArgumentError` (a ``TypeError`` and a ``ValueError``). A plan is
accepted wherever one is taken as a :class:`~wdmonitor.indicators.Plan`, a bundled plan id
or the path of a plan file.

>>> from wdmonitor.arguments import check_choice
>>> check_choice("ols", "method", ("trend", "ols", "escap"), "flag_early_warnings")
'ols'
>>> check_choice("linear", "method", ("trend", "ols", "escap"), "flag_early_warnings")
Traceback (most recent call last):
...
wdmonitor.errors.ArgumentError: flag_early_warnings: the 'method' parameter must be one of 'trend', 'ols', 'escap' (got 'linear') / 参数 method 须为 'trend'、'ols'、'escap' 之一（实际为 'linear'）
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ArgumentError
from .indicators import Plan
from .limits import MAX_YEAR, MIN_YEAR
from .rules import RuleSet

__all__ = ["check_choice", "check_frame", "check_inputs", "check_plan", "check_rules", "check_year"]

_SHOWN = 100


def _shown(value: Any) -> str:
    """The value as a message quotes it: its repr, cut after 100 characters with its length."""
    if isinstance(value, pd.DataFrame):
        return f"a DataFrame of {len(value)} rows"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a user's object whose repr fails is still named by its type
        text = f"<{type(value).__name__}>"
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}… ({len(text)} characters)"


def _refuse(function: str, parameter: str, allowed: str, allowed_zh: str, value: Any) -> ArgumentError:
    return ArgumentError(f"{function}: the {parameter!r} parameter must be {allowed} (got {_shown(value)}) / "
                         f"参数 {parameter} 须为{allowed_zh}（实际为 {_shown(value)}）")


def check_plan(plan: Any, function: str, parameter: str = "plan") -> Plan:
    """The plan itself, or the plan a bundled id or a plan file's path names.

    Raises
    ------
    ArgumentError
        ``plan`` is neither a Plan nor text nor a path.
    UnknownPlanError, PlanError
        The id or path names no plan, or a plan file with problems.
    """
    if isinstance(plan, Plan):
        return plan
    if isinstance(plan, (str, Path)):
        from .registry import load_plan

        return load_plan(plan)
    raise _refuse(function, parameter, "a Plan, a bundled plan id or the path of a plan file (see list_plans())",
                  "规划对象、内置规划编号或规划文件路径", plan)


def check_frame(frame: Any, function: str, parameter: str = "frame") -> pd.DataFrame:
    """The frame itself; a path or anything else is refused, a path with the call to read it.

    Raises
    ------
    ArgumentError
        ``frame`` is not a DataFrame.
    """
    if isinstance(frame, pd.DataFrame):
        return frame
    if isinstance(frame, (str, Path)):
        raise ArgumentError(
            f"{function}: the {parameter!r} parameter must be a DataFrame, not a path (got {_shown(str(frame))}); "
            f"read the file first: {function}(read_submission(path, plan), plan) / "
            f"参数 {parameter} 须为数据表而非文件路径（实际为 {_shown(str(frame))}），请先用 read_submission(path, plan) 读取文件")
    raise _refuse(function, parameter, "a DataFrame (read a file with read_submission(path, plan))",
                  "数据表（文件请先用 read_submission 读取）", frame)


def check_year(year: Any, function: str, parameter: str = "year") -> int | None:
    """``None``, or a whole year from MIN_YEAR to MAX_YEAR as an ``int``.

    Raises
    ------
    ArgumentError
        Text, a bool, a fraction or a year outside the range (10**20, -5).
    """
    if year is None:
        return None
    whole = isinstance(year, numbers.Integral) and not isinstance(year, bool)
    if whole and MIN_YEAR <= int(year) <= MAX_YEAR:
        return int(year)
    raise _refuse(function, parameter, f"a whole year from {MIN_YEAR} to {MAX_YEAR}, or None",
                  f"{MIN_YEAR}至{MAX_YEAR}之间的整数年份或 None", year)


def check_choice(value: Any, parameter: str, choices: Sequence[str], function: str) -> str:
    """``value`` when it is one of ``choices``."""
    if isinstance(value, str) and value in choices:
        return value
    listed = ", ".join(repr(c) for c in choices)
    raise _refuse(function, parameter, f"one of {listed}", f" {'、'.join(repr(c) for c in choices)} 之一", value)


def check_rules(rules: Any, function: str, parameter: str = "rules") -> RuleSet:
    """``rules`` when it is a :class:`~wdmonitor.rules.RuleSet`."""
    if isinstance(rules, RuleSet):
        return rules
    raise _refuse(function, parameter, "a RuleSet (wdmonitor.rules.DEFAULT_RULES or dataclasses.replace of it)",
                  "规则集（RuleSet）", rules)


def check_inputs(frame: Any, plan: Any, function: str) -> tuple[pd.DataFrame, Plan]:
    """The checks shared by every function that takes a frame and a plan (frame first, then plan).

    ``check_submission`` and the evaluation functions call it first:
    ``frame, plan = check_inputs(frame, plan, "check_submission")``.
    """
    return check_frame(frame, function), check_plan(plan, function)
