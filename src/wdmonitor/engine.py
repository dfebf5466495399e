"""One engine run: plan → target rows → series → verdicts, shared by every result.

:func:`~wdmonitor.evaluate`, :func:`~wdmonitor.flag_early_warnings` and
:func:`~wdmonitor.annual_report` all go through :func:`judge_all`; the annual report runs it
once and hands the same :class:`Judged` to the warnings. The steps:

1. :func:`prepared` — indicators computed from the counts sent, then validated
   (:func:`wdmonitor.validation.prepare_submission`); refused rows raise.
2. :func:`~wdmonitor.targets.matrix_for` — one row per series, one column per year.
3. :func:`~wdmonitor.targets.target_rows` and :func:`~wdmonitor.targets.attach_series` —
   one row per target × region × sex, pointing at its (observed or derived) series.
   :func:`~wdmonitor.proxies.apply_proxies` then points the rows whose own series has no
   value at E at their target's proxy (替代性指标), where the plan names one.
4. :func:`~wdmonitor.attainment.judge` — the verdict, final status, progress and interval
   columns, for every row at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .attainment import judge
from .indicators import Plan
from .proxies import apply_proxies
from .rules import DEFAULT_RULES, RuleSet
from .series import SeriesMatrix
from .targets import attach_series, matrix_for, target_rows

__all__ = ["Judged", "judge_all", "prepared"]


@dataclass(frozen=True, slots=True, eq=False)
class Judged:
    """What one engine run produced: the inputs the verdicts stand on, and the verdicts.

    Attributes
    ----------
    valid : DataFrame
        The validated canonical rows judged.
    year : int
        The evaluation year E (``as_of`` for the warnings).
    regions : list of str
        The plan's regions present in ``valid`` (the jurisdiction always included).
    matrix : SeriesMatrix
        The observed series, years up to the plan's last evaluation year (projections need it).
    full : SeriesMatrix
        ``matrix`` with the derived series (gaps, ratios) the targets need.
    table : DataFrame
        One verdict row per target × region × sex (:func:`wdmonitor.attainment.judge`).
    """

    valid: pd.DataFrame
    year: int
    regions: list[str]
    matrix: SeriesMatrix
    full: SeriesMatrix
    table: pd.DataFrame


def prepared(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The valid rows of ``frame`` after the indicators are computed from its counts.

    Raises
    ------
    SubmissionError
        Any row fails validation (every failure case attached).
    """
    from .validation import prepare_submission, valid_or_raise

    return valid_or_raise(prepare_submission(frame, plan))


def judge_all(valid: pd.DataFrame, plan: Plan, year: int, rules: RuleSet = DEFAULT_RULES) -> Judged:
    """Judge every target of ``plan`` for every region and sex of ``valid`` at ``year``.

    Parameters
    ----------
    valid : DataFrame
        Validated canonical rows (see :func:`prepared`); not validated again, so benchmarks
        and property tests may pass values validation would refuse.
    plan : Plan
    year : int
        Evaluation year E.
    rules : RuleSet

    Returns
    -------
    Judged
    """
    horizon = max([int(year), *plan.evaluation_years])
    matrix, regions = matrix_for(valid, plan, horizon, rules.trend_window)
    rows, full = attach_series(target_rows(plan, int(year), regions), matrix, plan)
    rows = apply_proxies(rows, full, plan, int(year), regions)
    table = judge(rows, full, int(year), rules)
    return Judged(valid=valid, year=int(year), regions=regions, matrix=matrix, full=full, table=table)
