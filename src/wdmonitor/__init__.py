"""wdmonitor: monitoring women's development plans (妇女发展规划).

The pipeline, top to bottom:

1. :func:`load_plan` reads a plan and the indicator catalogue (:func:`load_indicators`)
   into frozen :class:`Plan`, :class:`Goal`, :class:`Target` and :class:`Indicator` objects.
2. ``read_submission`` turns a department's CSV/Excel into the canonical long frame.
3. ``prepare_submission`` computes indicators from the counts sent and checks every row
   (``check_submission`` / ``validate_submission`` check a frame of indicators as it is).
4. ``compute_indicators`` builds indicators from the counts departments send.
5. ``evaluate`` computes attainment and progress for every region, indicator and sex.
6. ``flag_early_warnings`` projects each series and flags 预计达标困难、波动较大.
7. ``Evaluation`` tables, ``annual_report`` and :mod:`wdmonitor.plotting` render the result.
"""

from .aggregation import aggregate
from .annual import AnnualReport, annual_report
from .early_warning import EarlyWarnings, flag_early_warnings
from .errors import (
    AggregationError,
    FormulaError,
    PlanError,
    StoreBusyError,
    StoreError,
    SubmissionError,
    UnitError,
    UnknownIndicatorError,
    UnknownPlanError,
    WdmonitorError,
)
from .evaluation import Evaluation, evaluate
from .formulas import component_ids, compute_indicators
from .indicators import Baseline, Component, Goal, Indicator, Jurisdiction, Plan, Region, Target
from .readers import read_submission
from .registry import list_plans, load_components, load_indicators, load_plan
from .store import Store
from .templates import submission_template, write_template
from .validation import SubmissionReport, check_submission, prepare_submission, validate_submission
from .vocabulary import (
    Area,
    AreaType,
    Direction,
    ProgressClass,
    Scale,
    Severity,
    Sex,
    SexScope,
    Status,
    TargetKind,
)

__version__ = "0.1.0"

__all__ = [
    "AggregationError",
    "AnnualReport",
    "Area",
    "AreaType",
    "Baseline",
    "Component",
    "Direction",
    "EarlyWarnings",
    "Evaluation",
    "FormulaError",
    "Goal",
    "Indicator",
    "Jurisdiction",
    "Plan",
    "PlanError",
    "ProgressClass",
    "Region",
    "Scale",
    "Severity",
    "Sex",
    "SexScope",
    "Status",
    "Store",
    "StoreBusyError",
    "StoreError",
    "SubmissionError",
    "SubmissionReport",
    "Target",
    "TargetKind",
    "UnitError",
    "UnknownIndicatorError",
    "UnknownPlanError",
    "WdmonitorError",
    "__version__",
    "aggregate",
    "annual_report",
    "check_submission",
    "component_ids",
    "compute_indicators",
    "evaluate",
    "flag_early_warnings",
    "list_plans",
    "load_components",
    "load_indicators",
    "load_plan",
    "prepare_submission",
    "read_submission",
    "submission_template",
    "validate_submission",
    "write_template",
]
