"""A plain per-series reference for methodology sections 2 and 3, written from the text.

Slow on purpose: one Python call per series, no arrays, no import from wdmonitor. The
vectorised engine must agree with it on generated data (tests/test_evaluation_properties.py).
It covers the kinds whose rules need one series: at_least, at_most, count, coverage,
maintain_at_least/at_most, relative_to_baseline (points or relative), around, band,
increase and decrease — with substituted baselines, provisional values, milestones,
提前实现, the natural-limit factor and the small-number interval (Garwood, from counts).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

#: Every threshold of the method, written from the text of methodology.md (sections 1-4 and
#: 7), not imported from the library: a changed default in wdmonitor.rules is caught by
#: tests/test_rule_boundaries.py instead of silently moving this reference with it.
METHOD_RULES = {
    "around_tolerance": 0.03,  # §1: band T·(1±0.03)
    "parity_band": (0.97, 1.03),  # §1: female/male ratio in [0.97, 1.03] (UNESCO GPI)
    "commensurate_tolerance": 0.03,  # §2: 相适应 within ±3% of R_E
    "basic_share_of_distance": 0.05,  # §2: 0 < s ≤ 0.05·|T − y_b|
    "basic_share_of_target": 0.005,  # §2: when the baseline already met T, 0.5% of T
    "basic_share_of_delta": 0.05,  # §2: relative_to_baseline within 5% of Δ
    "provisional_lag": 1,  # §2: the latest within one year before E
    "on_track": 0.95,  # §3: R ≥ 0.95 on_track
    "acceleration_needed": 0.60,  # §3: 0.60 ≤ R < 0.95
    "substantial_growth": 0.015,  # §3: ≥ 1.5%/yr substantial
    "moderate_growth": 0.005,  # §3: ≥ 0.5% moderate
    "natural_limit_exponent": 4.44,  # §3: C = 1 − (y_b/limit)^4.44
    "trend_window": 5,  # §3-4: the last ≤ 5 years
    "ci_level": 0.95,  # §2, §7: a 95% interval
    "w1_none": 0.95,  # §4 W1: P ≥ 0.95 none
    "w1_alert": 0.10,  # §4 W1: < 0.10 alert
    "w1_hold_alert_share": 0.05,  # §4 W1: failing T by more than 5% of T → alert
    "w2_z_threshold": 3.5,  # §4 W2a: > 3.5 → warning
    "w2_min_changes": 4,  # §4 W2a: needs ≥ 4 earlier changes
    "w2_relative_change": 0.10,  # §4 W2b: ≥ 10% → watch
    "hb_u": 0.5,  # §4 W2c: U = 0.5
    "hb_a": 0.05,  # §4 W2c: A = 0.05
    "hb_c": 4.0,  # §4 W2c: C = 4
    "hb_min_regions": 4,  # docs/methodology.md W2c: with at least four regions (library choice)
    "w4_alert_widening": 0.10,  # §4 W4: ≥ 10% wider than baseline → alert
    "stale_after": 2,  # §4 W5: latest year older than as_of − 2
    "min_points_projection": 3,  # §4 W5: < 3 points
    "materiality": 0.5,  # §8: smaller than half a unit of the last reported decimal is nil
    "w1_min_distance_units": 10,  # docs/methodology.md §4 W1: P needs ≥ 10 reporting units of distance (library choice)
    "count_min_events": 20,  # §7: NCHS, rates from fewer than 20 events are unreliable
    "w1_count_warning": 0.20,  # §7 W1: warning when P(meeting T) < 0.20
    "w1_count_alert": 0.05,  # §7 W1: alert when < 0.05
    "count_alpha": 0.01,  # §7 W2: only when p < 0.01
    "count_level": 0.95,  # §7 W3: the slope's 95% interval
    "pool_rates": True,  # §7: pooling on by default
    "pool_years": 3,  # §7: the 3-year pooled rate
    "pool_min_events": 20,  # §7: fewer than 20 events
    "pool_units": ("per_100k", "per_10k", "per_mille"),  # §7: rates per 10万 (and the other event rates)
}
#: The same numbers as attributes, the default rule set of this reference.
METHOD = SimpleNamespace(**METHOD_RULES)

SIGN = {"at_least": 1, "at_most": -1, "count": 1, "coverage": 1, "maintain_at_least": 1, "maintain_at_most": -1,
        "increase": 1, "decrease": -1}
MILESTONE = ("at_least", "at_most", "count", "coverage")
ONE_SIDED = (*MILESTONE, "maintain_at_least", "maintain_at_most", "relative_to_baseline")
EPS = 1e-9


def _cagr(a, c, years):
    if a is None or c is None or a <= 0 or c <= 0 or years <= 0:
        return math.nan
    return (c / a) ** (1 / years) - 1


def _slack(target):
    return EPS * max(abs(target), 1)


def _poisson(events, exposure, multiplier, level):
    """Garwood's exact interval: χ²(α/2; 2k)/2 and χ²(1 − α/2; 2k + 2)/2 events, per exposure."""
    from scipy.stats import chi2

    alpha = 1 - level
    lower = chi2.ppf(alpha / 2, 2 * events) / 2 if events > 0 else 0.0
    upper = chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    return lower * multiplier / exposure, upper * multiplier / exposure


def reference_status(values: dict[int, float], kind: str, targets: dict[int, float], *, E: int, b: int,
                     direction: int = 1, geometric: bool = False, rules=METHOD, natural_limit: float | None = None,
                     delta_mode: str | None = None, band: tuple[float, float] | None = None,
                     counts: dict[int, tuple[float, float]] | None = None, multiplier: float = 1e5,
                     precision: int | None = None) -> dict:
    """Status, final status, progress, its class and the uncertain mark of one series, as the methodology states them.

    ``precision`` is the indicator's reporting precision: a value that, as reported (rounded
    to it), meets the target as reported is attained; a change or a band edge is read the same
    way (methodology §8).
    """
    def shown(x):
        return x if precision is None or x is None else round(x, precision)

    if kind == "relative_to_baseline":
        d = 1 if next(iter(targets.values())) >= 0 else -1
    else:
        d = SIGN.get(kind, direction)
    # the value at E, or the latest within the provisional lag
    data_year = next((E - k for k in range(rules.provisional_lag + 1) if E - k in values), None)
    y = values[data_year] if data_year is not None else None
    judged = data_year if data_year is not None else E
    # the baseline: observed; else the latest before b; else the earliest after b before the judged year
    if b in values:
        b_used = b
    else:
        earlier = [t for t in values if t < b]
        later = [t for t in values if b < t < judged]
        b_used = max(earlier) if earlier else min(later) if later else None
    y_b = values[b_used] if b_used is not None else None
    result = {"status": "not_assessable", "final_status": "not_assessable", "progress": math.nan,
              "progress_class": None, "uncertain": False, "baseline_source": "missing" if y_b is None else
              "observed" if b_used == b else "substituted", "target_source": None}

    # -- the target at E and the final one -------------------------------------------------
    T = F = T_F = None
    stated = sorted(targets)
    if stated and kind not in ("increase", "decrease", "band"):
        used = E if E in targets else next((t for t in stated if t > E), stated[-1])
        T, F = targets[used], stated[-1]
        T_F = targets[F]
        result["target_source"] = "stated" if used == E else "next_target" if used > E else "earlier_target"
        if kind == "relative_to_baseline":
            def plus(delta):
                if y_b is None:
                    return None
                return y_b + delta if delta_mode == "points" else y_b * (1 + delta / 100)
            T, T_F = plus(T), plus(T_F)
            result["target_source"] = "baseline_plus_delta"
        elif used > E and kind in MILESTONE and y_b is not None and d * (y_b - T) < -_slack(T):
            share = (E - b_used) / (used - b_used)
            T = y_b * (T / y_b) ** share if geometric and y_b > 0 and T > 0 else y_b + (T - y_b) * share
            result["target_source"] = "milestone"

    def one_sided(target):
        s = d * (target - y)
        if s <= _slack(target) or d * (shown(target) - shown(y)) <= _slack(target):
            return "attained"
        if kind.startswith("maintain") or y_b is None or d * (target - y_b) <= _slack(target):
            basic = rules.basic_share_of_target * abs(target)
        elif kind == "relative_to_baseline":
            basic = rules.basic_share_of_delta * abs(target - y_b)
        else:
            basic = rules.basic_share_of_distance * abs(target - y_b)
        return "basically_attained" if s <= basic + _slack(target) else "not_attained"

    def around_band(target):
        return target * (1 - rules.around_tolerance), target * (1 + rules.around_tolerance)

    def in_band(value, lo, hi, good_side):
        inside = lo - EPS <= value <= hi + EPS or lo - EPS <= shown(value) <= hi + EPS
        return inside or (good_side and ((direction > 0 and value > hi) or (direction < 0 and value < lo)))

    status = final = "not_assessable"
    if y is None:
        pass
    elif kind in ONE_SIDED:
        if T is not None:
            status = final = one_sided(T)
            if kind in (*MILESTONE, "relative_to_baseline") and F is not None and F > E and T_F is not None:
                final = one_sided(T_F)
                if final == "attained":
                    final = status = "attained_early"
    elif kind == "around":
        status = final = "attained" if in_band(y, *around_band(T), good_side=True) else "not_attained"
    elif kind == "band":
        status = final = "attained" if in_band(y, *band, good_side=False) else "not_attained"
    elif y_b is not None:  # increase / decrease need a baseline
        status = final = "attained" if d * (y - y_b) > 0 and d * (shown(y) - shown(y_b)) > 0 else "not_attained"
    result.update(status=status, final_status=final)

    # -- small numbers: uncertain when the target lies inside the interval of the data year --
    if counts and data_year in counts and status != "not_assessable" and (kind in ONE_SIDED or kind == "around"):
        lower, upper = _poisson(*counts[data_year], multiplier, rules.ci_level)
        result["uncertain"] = bool(T is not None and lower <= T <= upper)

    # -- progress at as_of = E, from the latest observation after the baseline year ----------
    observed = [t for t in values if t <= E]
    if y_b is None or not observed or max(observed) <= b_used:
        return result
    t_L = max(observed)
    y_L = values[t_L]
    if kind in ONE_SIDED or kind == "around":
        goal, goal_year = (T_F, F) if T_F is not None else (T, E)
        if goal is None:
            return result
        step = d if d != 0 else (1 if goal > y_b else -1 if goal < y_b else 0)
        if kind == "around":
            achieved = in_band(y_L, *around_band(goal), good_side=True)
        else:
            achieved = step * (y_L - goal) >= -_slack(goal)
        ratio = math.nan
        if goal_year > b_used and abs(goal - y_b) > _slack(goal):
            current, needed = _cagr(y_b, y_L, t_L - b_used), _cagr(y_b, goal, goal_year - b_used)
            if geometric and not math.isnan(current) and not math.isnan(needed):
                ratio = step * current / abs(needed)
            else:
                ratio = (step * (y_L - y_b) / (t_L - b_used)) / (abs(goal - y_b) / (goal_year - b_used))
        result["progress"] = ratio
        if achieved:
            result["progress_class"] = "target_achieved"
        elif step * (y_b - goal) >= -_slack(goal):
            result["progress_class"] = "deterioration"
        elif not math.isnan(ratio):
            result["progress_class"] = ("on_track" if ratio >= rules.on_track else "acceleration_needed"
                                        if ratio >= rules.acceleration_needed else "limited_progress" if ratio >= 0
                                        else "deterioration")
        return result
    # no numeric target: g = d·CAGR over the last ≤ trend_window years
    if kind == "band" and status == "attained":
        result["progress_class"] = "target_achieved"  # whatever the growth
    first = min(t for t in observed if t > t_L - rules.trend_window)
    if t_L == first:
        return result
    if kind == "band":
        middle = (band[0] + band[1]) / 2
        g_sign = 1 if middle > y_L else -1 if middle < y_L else 0
    else:
        g_sign = d
    growth = g_sign * _cagr(values[first], y_L, t_L - first)
    if math.isnan(growth) and values[first] != 0:
        growth = g_sign * (y_L - values[first]) / (t_L - first) / abs(values[first])
    if math.isnan(growth) or math.isinf(growth):
        return result
    scale = 1.0
    if d > 0 and natural_limit:
        scale = 1 - min(max(y_b / natural_limit, 0.0), 1.0) ** rules.natural_limit_exponent
    result["progress"] = growth
    if result["progress_class"] is None:
        result["progress_class"] = ("substantial_progress" if growth >= rules.substantial_growth * scale else
                                    "moderate_progress" if growth >= rules.moderate_growth * scale else
                                    "limited_progress" if growth >= 0 else "deterioration")
    return result
