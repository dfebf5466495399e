"""A plain per-series reference for methodology sections 2 and 3, written from the text.

Slow on purpose: one Python call per series, no arrays. The vectorised engine must agree
with it on generated data (tests/test_evaluation_properties.py). It covers the kinds whose
rules are self-contained: at_least, at_most, maintain_at_least/at_most, around, increase,
decrease.
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
}
#: The same numbers as attributes, the default rule set of this reference.
METHOD = SimpleNamespace(**METHOD_RULES)

SIGN = {"at_least": 1, "at_most": -1, "maintain_at_least": 1, "maintain_at_most": -1, "increase": 1, "decrease": -1}


def _cagr(a, c, years):
    if a <= 0 or c <= 0 or years <= 0:
        return math.nan
    return (c / a) ** (1 / years) - 1


def reference_status(values: dict[int, float], kind: str, targets: dict[int, float], *, E: int, b: int,
                     direction: int = 1, geometric: bool = False, rules=METHOD) -> dict:
    """Status, final status, progress and class of one series, as the methodology states them."""
    d = SIGN.get(kind, direction)
    y_b = values.get(b)
    if y_b is None:  # substitution: latest before b, else earliest after b before the judged year
        earlier = [y for y in values if y < b]
        y_b = values[max(earlier)] if earlier else None
    # the value at E, or the latest within the provisional lag
    data_year = next((E - k for k in range(rules.provisional_lag + 1) if E - k in values), None)
    y = values[data_year] if data_year is not None else None
    if y_b is None and data_year is not None:
        later = [t for t in values if b < t < data_year]
        y_b = values[min(later)] if later else None
    b_used = b
    if b not in values and y_b is not None:
        b_used = next(t for t in sorted(values) if values[t] == y_b and t != data_year)
    result = {"status": "not_assessable", "final_status": "not_assessable", "progress": math.nan, "progress_class": None}

    stated = sorted(targets)
    T = F = T_F = None
    milestone = False
    if stated and not kind.startswith(("increase", "decrease")):
        used = E if E in targets else next((t for t in stated if t > E), stated[-1])
        T = targets[used]
        F, T_F = stated[-1], targets[stated[-1]]
        if used > E and kind in ("at_least", "at_most") and y_b is not None and d * (T - y_b) > 0:
            share = (E - b_used) / (used - b_used)
            if geometric and y_b > 0 and T > 0:
                T = y_b * (T / y_b) ** share
            else:
                T = y_b + (T - y_b) * share
            milestone = True
    def one_sided(target):
        s = d * (target - y)
        if s <= 1e-9 * max(abs(target), 1):
            return "attained"
        if kind.startswith("maintain") or y_b is None or d * (target - y_b) <= 1e-9 * max(abs(target), 1):
            basic = rules.basic_share_of_target * abs(target)
        else:
            basic = rules.basic_share_of_distance * abs(target - y_b)
        return "basically_attained" if s <= basic + 1e-9 * max(abs(target), 1) else "not_attained"

    if y is None:
        status = final = "not_assessable"
    elif kind in ("at_least", "at_most", "maintain_at_least", "maintain_at_most"):
        status = one_sided(T)
        final = status
        if kind in ("at_least", "at_most") and F is not None and F > E:
            final = one_sided(T_F)
            if final == "attained":
                final = status = "attained_early"
    elif kind == "around":
        lo, hi = T * (1 - rules.around_tolerance), T * (1 + rules.around_tolerance)
        inside = lo - 1e-9 <= y <= hi + 1e-9
        beyond = (direction > 0 and y > hi) or (direction < 0 and y < lo)
        status = final = "attained" if inside or beyond else "not_attained"
    elif y_b is None:  # increase / decrease need a baseline
        status = final = "not_assessable"
    else:
        status = final = "attained" if d * (y - y_b) > 0 else "not_attained"
    result.update(status=status, final_status=final)
    del milestone

    # progress at as_of = E, from the latest observation after the baseline year
    observed = [t for t in values if t <= E]
    t_L = max(observed)
    if t_L <= b_used:
        return result
    y_L = values[t_L]
    if kind in ("increase", "decrease"):
        window = [t for t in observed if t > t_L - rules.trend_window]
        first = min(window)
        g = d * _cagr(values[first], y_L, t_L - first) if t_L > first else math.nan
        if math.isnan(g) and t_L > first and values[first] != 0:
            g = d * (y_L - values[first]) / (t_L - first) / abs(values[first])
        result["progress"] = g
        if not math.isnan(g):
            result["progress_class"] = ("substantial_progress" if g >= rules.substantial_growth else
                                        "moderate_progress" if g >= rules.moderate_growth else
                                        "limited_progress" if g >= 0 else "deterioration")
        return result
    goal, goal_year = (T_F, F) if T_F is not None else (T, E)
    step = d if d != 0 else (1 if goal > y_b else -1) if y_b is not None else 0
    if kind == "around":
        lo, hi = goal * (1 - rules.around_tolerance), goal * (1 + rules.around_tolerance)
        achieved = lo - 1e-9 <= y_L <= hi + 1e-9 or (direction > 0 and y_L > hi) or (direction < 0 and y_L < lo)
    else:
        achieved = step * (y_L - goal) >= -1e-9 * max(abs(goal), 1)
    ratio = math.nan
    if y_b is not None and t_L > b_used and goal_year > b_used and abs(goal - y_b) > 1e-9 * max(abs(goal), 1):
        if geometric and _cagr(y_b, y_L, t_L - b_used) == _cagr(y_b, y_L, t_L - b_used) and y_b > 0 and goal > 0:
            ratio = step * _cagr(y_b, y_L, t_L - b_used) / abs(_cagr(y_b, goal, goal_year - b_used))
        else:
            ratio = (step * (y_L - y_b) / (t_L - b_used)) / (abs(goal - y_b) / (goal_year - b_used))
    result["progress"] = ratio
    if achieved:
        result["progress_class"] = "target_achieved"
    elif y_b is not None and step * (y_b - goal) >= -1e-9 * max(abs(goal), 1):
        result["progress_class"] = "deterioration"
    elif not math.isnan(ratio):
        result["progress_class"] = ("on_track" if ratio >= rules.on_track else "acceleration_needed"
                                    if ratio >= rules.acceleration_needed else "limited_progress" if ratio >= 0 else "deterioration")
    return result
