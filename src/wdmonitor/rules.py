"""Named, documented rule sets: every threshold of the methodology in one frozen value.

The defaults are those of ``methodology.md``; each field says where its number comes from
(a source, or "library choice"). Every field's range is checked on construction (an
:class:`~wdmonitor.errors.ArgumentError` naming the field, its range and the value given),
and :meth:`RuleSet.digest` is recorded in provenance. Pass your own with
:func:`dataclasses.replace`:

>>> from dataclasses import replace
>>> from wdmonitor.rules import DEFAULT_RULES
>>> strict = replace(DEFAULT_RULES, name="strict", on_track=1.0)
>>> strict.on_track
1.0
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import numbers
from dataclasses import dataclass

from .errors import ArgumentError

__all__ = ["DEFAULT_RULES", "RuleSet"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    """Thresholds for attainment, progress and early warning.

    Attributes
    ----------
    name : str
        Recorded in every evaluation and flag table.
    around_tolerance : float
        Relative half-width of an ``around`` band, T·(1±0.03). Library choice.
    parity_band : tuple of float
        Female/male ratio counted as parity, [0.97, 1.03]: UNESCO gender parity index.
    commensurate_tolerance : float
        ``relative_to`` with 相适应: within ±3% (relative) of the reference. Library choice.
    basic_share_of_distance : float
        基本实现 when the shortfall is at most this share of |T − y_b| (0.05). Library
        choice echoing NBS (MMR 20.1 against 20 from a baseline of 30 was 基本实现).
    basic_share_of_target : float
        基本实现 when the baseline already met T and the shortfall is within this share
        of T (0.005); also for ``maintain_*``. Library choice.
    basic_share_of_delta : float
        ``relative_to_baseline`` is 基本实现 within this share of Δ (0.05). Library choice.
    provisional_lag : int
        An observation at most this many years before E may stand in for E, marked
        provisional (1). Library choice.
    on_track, acceleration_needed : float
        Progress ratio classes: R ≥ 0.95 on track; 0.60 ≤ R < 0.95 acceleration needed;
        0 ≤ R < 0.60 limited progress; R < 0 deterioration. Eurostat / Open SDG.
    substantial_growth, moderate_growth : float
        No numeric target: g ≥ 1.5%/yr substantial, ≥ 0.5%/yr moderate. Eurostat.
    natural_limit_exponent : float
        Thresholds near a natural limit are scaled by C = 1 − (y_b/limit)^4.44. Open SDG.
    trend_window : int
        Years used for the recent trend (≤ 5). Eurostat.
    ci_level : float
        Level of small-number intervals (0.95).
    w1_none, w1_alert : float
        W1 with the baseline short of T: P ≥ 0.95 none, 0.10 ≤ P < 0.95 warning,
        P < 0.10 alert. Library choice, aligned with the progress classes.
    w1_hold_alert_share : float
        W1 with the baseline already meeting T: a projection failing T by more than this
        share of T is an alert (0.05). Library choice.
    w2_z_threshold : float
        Modified z-score above which the latest change is volatile (3.5): Iglewicz and Hoaglin.
    w2_min_changes : int
        Earlier changes needed for the modified z-score (4). Library choice.
    w2_relative_change : float
        Year-on-year change of at least 10% → watch. Library choice.
    hb_u, hb_a, hb_c : float
        Hidiroglou–Berthelot parameters U=0.5, A=0.05, C=4 (Statistics Canada).
    hb_min_regions : int
        Regions needed (with both years) before the cross-region check runs (4): quartiles of
        fewer points say nothing. Library choice.
    w4_alert_widening : float
        Gap ≥ 10% wider than at baseline → alert. Library choice.
    stale_after : int
        Latest year older than as_of − 2 → stale data warning. Library choice.
    min_points_projection : int
        Fewer points than this (3) → too short for a projection. Library choice.
    materiality : float
        A shortfall, a change or a projected miss smaller than this share of one unit of the
        indicator's last reported decimal (0.5: half a unit, so it rounds away) is nil: no
        warning, no alert (methodology §8). Library choice; in (0, 1] (at 0 a difference of
        exactly 0 would count).
    w1_min_distance_units : int
        W1's share of the distance P needs a distance |T − y_b| of at least this many
        reporting units (10); a nearer target is judged as a level to hold (warning when the
        projection fails it, alert beyond ``w1_hold_alert_share``). Library choice: with a
        distance of one unit (99.9% against 100%) P moves by 1.0 per unit of rounding.
    count_min_events : int
        Events (summed over the trend window) below which a counted rate is too noisy to
        project or to fit a trend (20): W1 and the chart's projection are withheld, W3 uses
        the exact tests only. After NCHS, which flags rates from fewer than 20 events.
    w1_count_warning, w1_count_alert : float
        W1 on a counted rate (Poisson GLM): warning when the probability of meeting T at
        the evaluation year is below 0.20, alert below 0.05. Library choice.
    count_alpha : float
        Significance of the exact conditional test between two Poisson counts, and of
        Fisher's exact test between two years' successes of trials on a counted percentage
        (W2 on counts, W3's last change and comparison with the baseline) (0.01). Library
        choice.
    count_level : float
        Level of the Poisson GLM slope's interval (W3) and of the interval of a change in a
        gap between two counted rates (W4) (0.95).
    pool_rates : bool
        Judge a counted rate on a multi-year pooled rate Σd/Σn where the events of the last
        ``pool_years`` years sum to fewer than ``pool_min_events`` (on by default).
    pool_years : int
        Years pooled, ending at the data year (3): the usual 3-year MMR of health statistics.
    pool_min_events : int
        Events below which a rate is pooled (20). After NCHS.
    pool_units : tuple of str
        Units of the rates that are pooled: per 10万, per 1万 and per 1000 (the catalogue's
        rare-event rates with Poisson intervals).
    """

    name: str = "default"
    around_tolerance: float = 0.03
    parity_band: tuple[float, float] = (0.97, 1.03)
    commensurate_tolerance: float = 0.03
    basic_share_of_distance: float = 0.05
    basic_share_of_target: float = 0.005
    basic_share_of_delta: float = 0.05
    provisional_lag: int = 1
    on_track: float = 0.95
    acceleration_needed: float = 0.60
    substantial_growth: float = 0.015
    moderate_growth: float = 0.005
    natural_limit_exponent: float = 4.44
    trend_window: int = 5
    ci_level: float = 0.95
    w1_none: float = 0.95
    w1_alert: float = 0.10
    w1_hold_alert_share: float = 0.05
    w2_z_threshold: float = 3.5
    w2_min_changes: int = 4
    w2_relative_change: float = 0.10
    hb_u: float = 0.5
    hb_a: float = 0.05
    hb_c: float = 4.0
    hb_min_regions: int = 4
    w4_alert_widening: float = 0.10
    stale_after: int = 2
    min_points_projection: int = 3
    materiality: float = 0.5
    w1_min_distance_units: int = 10
    count_min_events: int = 20
    w1_count_warning: float = 0.20
    w1_count_alert: float = 0.05
    count_alpha: float = 0.01
    count_level: float = 0.95
    pool_rates: bool = True
    pool_years: int = 3
    pool_min_events: int = 20
    pool_units: tuple[str, ...] = ("per_100k", "per_10k", "per_mille")

    def __post_init__(self) -> None:
        for name, (whole, low, high, open_low, open_high) in _RANGES.items():
            _check_range(self, name, whole, low, high, open_low, open_high)
        if not isinstance(self.name, str) or not self.name.strip():
            raise _refused(self, "name", "a non-empty text", "非空文本")
        band = self.parity_band
        if not (isinstance(band, tuple) and len(band) == 2 and all(_is_real(x) for x in band)
                and 0 < band[0] < 1.0 < band[1] <= 10):
            raise _refused(self, "parity_band", "a tuple (low, high) of numbers with 0 < low < 1 < high <= 10",
                           "满足 0 < 下限 < 1 < 上限 <= 10 的数对", band)
        if not isinstance(self.pool_rates, bool):
            raise _refused(self, "pool_rates", "True or False", "True 或 False")
        units = self.pool_units
        if not (isinstance(units, tuple) and all(isinstance(u, str) and u.strip() for u in units)):
            raise _refused(self, "pool_units", "a tuple of unit names such as ('per_100k',)", "单位名称的元组，如 ('per_100k',)")
        for smaller, larger in (("acceleration_needed", "on_track"), ("w1_alert", "w1_none"),
                                ("moderate_growth", "substantial_growth"), ("w1_count_alert", "w1_count_warning")):
            bound = getattr(self, larger)
            if getattr(self, smaller) > bound:
                raise _refused(self, smaller, f"at most {larger} ({bound!r})", f"不大于 {larger}（{bound!r}）")

    def digest(self) -> str:
        """SHA-256 of every field (name and thresholds), recorded in provenance.

        Two rule sets with the same name but one threshold changed have different digests:

        >>> from dataclasses import replace
        >>> DEFAULT_RULES.digest() == replace(DEFAULT_RULES, on_track=0.9).digest()
        False
        >>> DEFAULT_RULES.digest() == RuleSet().digest()
        True
        """
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_real(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))


def _refused(rules: RuleSet, field: str, allowed: str, allowed_zh: str, value: object = None) -> ArgumentError:
    got = getattr(rules, field) if value is None else value
    return ArgumentError(f"RuleSet: the {field!r} parameter must be {allowed} (got {got!r}) / "
                         f"参数 {field} 须为{allowed_zh}（实际为 {got!r}）")


def _check_range(rules: RuleSet, field: str, whole: bool, low: float, high: float, open_low: bool, open_high: bool) -> None:
    value = getattr(rules, field)
    kind = "whole number" if whole else "number"
    left, right = ("(" if open_low else "["), (")" if open_high else "]")
    allowed = f"a {kind} in {left}{low}, {high}{right}"
    allowed_zh = f"{left}{low}, {high}{right} 内的{'整数' if whole else '数'}"
    ok = (isinstance(value, numbers.Integral) and not isinstance(value, bool)) if whole else _is_real(value)
    if ok:
        number = float(value)
        ok = (number > low if open_low else number >= low) and (number < high if open_high else number <= high)
    if not ok:
        raise _refused(rules, field, allowed, allowed_zh)


#: Allowed range of each numeric field: (whole number?, low, high, low excluded?, high excluded?).
_RANGES: dict[str, tuple[bool, float, float, bool, bool]] = {
    "around_tolerance": (False, 0, 1, False, True),
    "commensurate_tolerance": (False, 0, 1, False, True),
    "basic_share_of_distance": (False, 0, 1, False, False),
    "basic_share_of_target": (False, 0, 1, False, False),
    "basic_share_of_delta": (False, 0, 1, False, False),
    "provisional_lag": (True, 0, 10, False, False),
    "on_track": (False, 0, 1, False, False),
    "acceleration_needed": (False, 0, 1, False, False),
    "substantial_growth": (False, 0, 1, False, False),
    "moderate_growth": (False, 0, 1, False, False),
    "natural_limit_exponent": (False, 0, 100, True, False),
    "trend_window": (True, 2, 50, False, False),
    "ci_level": (False, 0, 1, True, True),
    "w1_none": (False, 0, 1, False, False),
    "w1_alert": (False, 0, 1, False, False),
    "w1_hold_alert_share": (False, 0, 1, False, False),
    "w2_z_threshold": (False, 0, 100, True, False),
    "w2_min_changes": (True, 1, 100, False, False),
    "w2_relative_change": (False, 0, 10, True, False),
    "hb_u": (False, 0, 1, False, False),
    "hb_a": (False, 0, 1, False, False),
    "hb_c": (False, 0, 100, True, False),
    "hb_min_regions": (True, 3, 100_000, False, False),
    "w4_alert_widening": (False, 0, 10, False, False),
    "stale_after": (True, 0, 50, False, False),
    "min_points_projection": (True, 2, 50, False, False),
    # above 0: at 0 a difference of exactly 0 would be material (a series flat at T "failing" it)
    "materiality": (False, 0, 1, True, False),
    # at least 1: at 0 a baseline exactly at T would be scored P = x/0
    "w1_min_distance_units": (True, 1, 10_000, False, False),
    "count_min_events": (True, 0, 1_000_000, False, False),
    "w1_count_warning": (False, 0, 1, False, False),
    "w1_count_alert": (False, 0, 1, False, False),
    "count_alpha": (False, 0, 1, True, True),
    "count_level": (False, 0, 1, True, True),
    "pool_years": (True, 1, 20, False, False),
    "pool_min_events": (True, 0, 1_000_000, False, False),
}


#: The methodology's defaults.
DEFAULT_RULES = RuleSet()
