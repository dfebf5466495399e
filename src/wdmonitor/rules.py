"""Named, documented rule sets: every threshold of the methodology in one frozen value.

The defaults are those of ``methodology.md``; each field says where its number comes from
(a source, or "library choice"). Pass your own with :func:`dataclasses.replace`:

>>> from dataclasses import replace
>>> from wdmonitor.rules import DEFAULT_RULES
>>> strict = replace(DEFAULT_RULES, name="strict", on_track=1.0)
>>> strict.on_track
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

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

    def __post_init__(self) -> None:
        lo, hi = self.parity_band
        if not lo < 1.0 < hi:
            raise ValueError(f"rule set {self.name}: parity_band must contain 1 (got {self.parity_band})")
        if not 0 <= self.acceleration_needed <= self.on_track:
            raise ValueError(f"rule set {self.name}: need 0 <= acceleration_needed <= on_track")
        if not 0 <= self.w1_alert <= self.w1_none:
            raise ValueError(f"rule set {self.name}: need 0 <= w1_alert <= w1_none")


#: The methodology's defaults.
DEFAULT_RULES = RuleSet()
