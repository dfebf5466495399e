"""Charts for monitoring reports, drawn with matplotlib.

Every function takes the data and ``ax=None``, draws on the given Axes (or a new
figure's), and returns the Axes; none calls ``plt.show()`` or changes global rcParams.
Chinese labels need a CJK font: :func:`cjk_font` looks for one installed on the system
(Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei …), then for the Noto Sans CJK SC file
shipped by the ``mplfonts`` package (installed with the ``notebooks`` extra). When none is
found the charts fall back to English labels with a :class:`UserWarning`.

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import load_plan
>>> from wdmonitor.plotting import plot_trajectory
>>> plan = load_plan("huludao-2021-2030")
>>> frame = pd.DataFrame({"region": "211400", "year": [2020, 2021, 2022], "sex": "female",
...     "indicator": "maternal_mortality_ratio", "value": [7.35, 9.1, 8.4]})
>>> ax = plot_trajectory(frame, plan, "maternal_mortality_ratio", region="211400")
>>> ax.get_title(), ax.get_ylabel()
('孕产妇死亡率（女）— 葫芦岛市', '/10万')
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .tables import region_names
from .units import unit_label
from .vocabulary import Area, Sex, Status, TargetKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .evaluation import Evaluation
    from .indicators import Plan

__all__ = [
    "STATUS_COLOURS",
    "cjk_font",
    "count_projection",
    "plot_area_status",
    "plot_sex_gap",
    "plot_status_heatmap",
    "plot_status_summary",
    "plot_trajectory",
    "write_charts",
]

#: One colour per status, shared by charts and table exports.
STATUS_COLOURS: dict[str, str] = {
    Status.ATTAINED_EARLY.value: "#1a7f37",
    Status.ATTAINED.value: "#4caf50",
    Status.BASICALLY_ATTAINED.value: "#c5e1a5",
    Status.NOT_ATTAINED.value: "#e53935",
    Status.NOT_ASSESSABLE.value: "#bdbdbd",
    Status.NEEDS_ASSESSMENT.value: "#90caf9",
}
_STATUS_ORDER = list(STATUS_COLOURS)
_STATUS_EN = {
    "attained_early": "attained early",
    "attained": "attained",
    "basically_attained": "basically attained",
    "not_attained": "not attained",
    "not_assessable": "not assessable",
    "needs_assessment": "needs assessment",
}

_PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans CJK JP",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a font that draws Chinese, or ``None`` when there is none.

    System fonts are preferred; the Noto Sans CJK SC file of the ``mplfonts`` package is
    registered with matplotlib's font manager when no system font is found.
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in _PREFERRED_FAMILIES:
        if family in installed:
            return family
    try:
        import mplfonts  # noqa: PLC0415 - optional dependency, looked up only when needed
    except ImportError:
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.exists():
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _language(lang: str) -> tuple[str, dict[str, Any]]:
    """The language to label in and the text properties that draw it."""
    if lang == "en":
        return "en", {}
    family = cjk_font()
    if family is None:
        warnings.warn(
            "no CJK font found (install Debian's fonts-noto-cjk or `pip install mplfonts`): "
            "labels fall back to English / 未找到中文字体，图表改用英文标注",
            UserWarning,
            stacklevel=3,
        )
        return "en", {}
    return "zh", {"fontfamily": [family, "DejaVu Sans"]}


def _axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.0)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


_NON_NEGATIVE = {"percent", "per_100k", "per_10k", "per_mille", "per_million", "ratio", "person", "institution",
                 "bed", "case", "yuan", "year", "hour", "ten_thousand_persons"}


def _within_natural_range(projection: pd.DataFrame, unit: str) -> pd.DataFrame:
    """A projection (and its interval) drawn within what the unit allows: no rate below 0,
    no percentage above 100. A straight line fitted to a falling rate crosses zero; the
    chart shows the bound, the early-warning table keeps the fitted numbers."""
    low = 0.0 if unit in _NON_NEGATIVE else None
    high = 100.0 if unit == "percent" else None
    columns = [c for c in ("projection", "pi_lower", "pi_upper") if c in projection]
    clipped = projection.copy()
    clipped[columns] = clipped[columns].clip(lower=low, upper=high)
    return clipped


def _to_the_bound(projection: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, tuple[float, float] | None]:
    """The projection line up to where it reaches the unit's natural bound (0, or 100%), and that point.

    A straight line through a falling rate crosses zero; drawing it flat at 0 afterwards
    would say "the rate will be 0". The line stops at the bound instead, at the year it is
    reached (interpolated), and the chart labels the point.
    """
    low = 0.0 if unit in _NON_NEGATIVE else None
    high = 100.0 if unit == "percent" else None
    data = projection.sort_values("year").reset_index(drop=True)
    years = data["year"].to_numpy(dtype=float)
    values = data["projection"].to_numpy(dtype=float)
    beyond = np.zeros(len(values), dtype=bool)
    if low is not None:
        beyond |= values < low
    if high is not None:
        beyond |= values > high
    if not beyond.any():
        return data, None
    first = int(np.argmax(beyond))
    bound = low if low is not None and values[first] < low else high
    assert bound is not None  # beyond one of the bounds
    if first == 0:
        return pd.DataFrame({"year": [years[0]], "projection": [bound]}), (float(years[0]), float(bound))
    y0, y1, t0, t1 = values[first - 1], values[first], years[first - 1], years[first]
    crossing = t0 + (bound - y0) / (y1 - y0) * (t1 - t0)
    kept = pd.DataFrame({"year": np.append(years[:first], crossing), "projection": np.append(values[:first], bound)})
    return kept, (float(crossing), float(bound))


def _count_intervals(series: pd.DataFrame, unit: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The 95% interval of each observed point from its numerator and denominator, if the rows carry them."""
    from .intervals import poisson_interval, wilson_interval
    from .pooling import MULTIPLIERS

    if not {"numerator", "denominator"} <= set(series.columns) or unit not in MULTIPLIERS:
        return None
    k = pd.to_numeric(series["numerator"], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(series["denominator"], errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(k) & np.isfinite(n)).any():
        return None
    interval = wilson_interval if unit == "percent" else poisson_interval
    return interval(k, n, MULTIPLIERS[unit])


def _count_fit(series: pd.DataFrame, unit: str, rules: Any, target_years: np.ndarray) -> tuple[Any, float] | None:
    """The count model W1 judges a counted series with, fitted for each of ``target_years``.

    :func:`wdmonitor.trends.poisson_trend` on the series' numerators and denominators: the
    Poisson GLM (log link, offset log n) for a rate, the logistic regression for a percentage,
    over the last ``rules.trend_window`` years, at ``rules.count_level``, exactly as the early
    warnings call it. Returns the fit (one row per target year) and the events it rests on
    (for a percentage the rarer outcome: 999 of 1,000 screened is one event); None where the
    unit has no counting scale or an observation of the trend window lacks its counts (the
    series is then projected from its values).
    """
    from .pooling import MULTIPLIERS
    from .trends import poisson_trend

    if unit not in MULTIPLIERS or not {"numerator", "denominator"} <= set(series.columns) or series.empty:
        return None
    data = series.assign(_k=pd.to_numeric(series["numerator"], errors="coerce"),
                         _n=pd.to_numeric(series["denominator"], errors="coerce"))
    data = data[pd.to_numeric(data["value"], errors="coerce").notna()].groupby("year")[["_k", "_n"]].first()
    if data.empty:
        return None
    years = data.index.to_numpy(dtype=float)
    events, exposure = data["_k"].to_numpy(dtype=float), data["_n"].to_numpy(dtype=float)
    window = years > years.max() - rules.trend_window
    counted = np.isfinite(events) & np.isfinite(exposure) & (exposure > 0)
    if not counted[window].all():
        return None
    family = "binomial" if unit == "percent" else "poisson"
    rows = len(target_years)
    fit = poisson_trend(np.tile(events, (rows, 1)), np.tile(exposure, (rows, 1)), years, target_years,
                        window=rules.trend_window, level=rules.count_level, multiplier=MULTIPLIERS[unit], family=family)
    informative = float(events[window].sum())
    if family == "binomial":  # the rarer outcome carries the information
        informative = min(informative, float(exposure[window].sum()) - informative)
    return fit, informative


def _withheld(series: pd.DataFrame, unit: str, rules: Any, language: str) -> str | None:
    """Why a counted series is too noisy to project, as the chart says it (None when it is not).

    The rule W1 applies: fewer than ``rules.count_min_events`` events in the trend window, or
    no maximum-likelihood estimate (every event in the first or the last year, or no event).
    """
    counted = _count_fit(series, unit, rules, np.array([float(series["year"].max()) + 1.0])) if len(series) else None
    if counted is None:
        return None
    fit, events = counted
    window = rules.trend_window
    if events < rules.count_min_events:
        return (f"近{window}年共{events:.0f}例，少于{rules.count_min_events}例，不作预测" if language == "zh"
                else f"{events:.0f} events in {window} years, fewer than {rules.count_min_events}: not projected")
    if not bool(fit.estimable[0]):
        return (f"近{window}年的计数无法估计趋势（事件集中在首年或末年），不作预测" if language == "zh"
                else f"the counts of the last {window} years give no trend (the events fall in the first or the last year): not projected")
    return None


def count_projection(frame: pd.DataFrame, plan: Plan, indicator: str, region: str, sex: str | None = None, *,
                     rules: Any = None, to_year: int | None = None, area_type: str = "total") -> pd.DataFrame | None:
    """The projection of a counted series by the count model its early warning (W1) uses.

    Year by year from the year after the latest observation to ``to_year`` (the plan's final
    year): ``projection`` is the fitted expected rate of :func:`wdmonitor.trends.poisson_trend`
    (Poisson GLM for a rate per 10万 or per 1000, logistic regression for a percentage), and
    ``pi_lower``, ``pi_upper`` its Wald interval at ``rules.count_level`` (on the log or logit
    scale, so never below 0 nor above 100%); ``attrs["model"]`` is ``"poisson_glm"`` or
    ``"binomial_glm"``. Empty (same columns) where the series is too noisy to project: the
    chart then says why. None where the series carries no counts (project it from its values
    with :func:`wdmonitor.trends.project_series`).

    Examples
    --------
    >>> import pandas as pd
    >>> from wdmonitor import load_plan
    >>> plan = load_plan("tests/data/plans/minimal.yaml")
    >>> deaths, births = [20, 24, 28, 33, 38], [200_000] * 5
    >>> frame = pd.DataFrame({"region": "211400", "year": range(2020, 2025), "indicator": "maternal_mortality_ratio",
    ...     "sex": "female", "value": [d / b * 1e5 for d, b in zip(deaths, births)], "numerator": deaths,
    ...     "denominator": births})
    >>> path = count_projection(frame, plan, "maternal_mortality_ratio", "211400", to_year=2026)
    >>> path["year"].tolist(), path["projection"].round(1).tolist(), path.attrs["model"]
    ([2025, 2026], [22.5, 26.3], 'poisson_glm')
    """
    from .rules import DEFAULT_RULES

    rules = DEFAULT_RULES if rules is None else rules
    definition = plan.indicator(indicator)
    series = _series(frame, indicator, region, sex or definition.sexes[0].value, area_type)
    if series.empty:
        return None
    targets = np.arange(int(series["year"].max()) + 1, (to_year or plan.final_year) + 1)
    counted = _count_fit(series, definition.unit, rules, targets.astype(float))
    if counted is None:
        return None
    fit, _ = counted
    out = pd.DataFrame({"year": targets, "projection": fit.projection, "pi_lower": fit.lower, "pi_upper": fit.upper})
    if _withheld(series, definition.unit, rules, "en") is not None:
        out = out.iloc[0:0]
    out.attrs["model"] = f"{fit.family}_glm"
    return out


def _integer_years(ax: Axes) -> None:
    """Year axes tick on whole years only (no 2020.5)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _apply_font(ax: Axes, text_props: dict[str, Any]) -> None:
    if not text_props:
        return
    for text in [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels()]:
        text.set(**text_props)
    legend = ax.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set(**text_props)
        legend.get_title().set(**text_props)


def _upright_unit(ax: Axes, unit: str) -> None:
    """The y axis labelled with its unit, written upright above the axis (Chinese reads badly on its side)."""
    ax.set_ylabel(unit, rotation=0, ha="left", va="bottom")
    ax.yaxis.set_label_coords(0.0, 1.01)


def _wrapped(label: str, width: int = 12) -> str:
    """A long tick label broken at spaces so it can stand upright."""
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) if " " in label and len(label) > width else label


def _series(frame: pd.DataFrame, indicator: str, region: str, sex: str | None, area_type: str = "total") -> pd.DataFrame:
    rows = frame[(frame["indicator"] == indicator) & (frame["region"].astype(str) == str(region))]
    if "area_type" in rows.columns:
        rows = rows[rows["area_type"].fillna("total") == area_type]
    if sex is not None:
        rows = rows[rows["sex"] == sex]
    return rows.sort_values("year")


def plot_trajectory(
    frame: pd.DataFrame,
    plan: Plan,
    indicator: str,
    region: str,
    sex: str | None = None,
    *,
    projection: pd.DataFrame | None = None,
    evaluation: Evaluation | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
    rules: Any = None,
) -> Axes:
    """An indicator's observed values against its targets, milestones and projection.

    Observations with a numerator and a denominator get their 95% interval as whiskers
    (exact Poisson for rates, Wilson for percentages); with ``evaluation``, a verdict that is
    uncertain (its interval holds the target) is marked at its value.

    Parameters
    ----------
    frame : DataFrame
        The canonical long frame.
    plan : Plan
        Gives the targets (markers at each target year, a dashed line for the final one)
        and the evaluation years (dotted verticals).
    indicator, region : str
        The series to draw.
    sex : str, optional
        Defaults to the indicator's first sex (female, or total for neutral ones).
    projection : DataFrame, optional
        Columns ``year``, ``projection`` and optionally ``pi_lower``, ``pi_upper``: drawn as
        a dashed line with a shaded interval, within the unit's natural range (rates and
        counts not below 0, percentages not above 100): a line reaching the bound stops
        there, labelled. Where the observations carry counts and the counts are too noisy to
        project by the rule W1 applies (fewer than ``rules.count_min_events`` events in the
        trend window, for a percentage of the rarer outcome, or no estimate of the count
        model), no projection is drawn and the chart says why (methodology §7).
        :func:`count_projection` gives the count model's projection.
    evaluation : Evaluation, optional
        Draws the time-proportional milestones (序时进度) the evaluation judged this series
        against, where the plan states only a later target: hollow markers.
    ax : Axes, optional
    lang : {"zh", "en"}
    rules : RuleSet, optional
        ``trend_window`` and ``count_min_events`` (the defaults).

    Returns
    -------
    Axes
    """
    from .rules import DEFAULT_RULES

    rules = DEFAULT_RULES if rules is None else rules
    language, text_props = _language(lang)
    definition = plan.indicator(indicator)
    sex = sex or definition.sexes[0].value
    ax = _axes(ax)
    series = _series(frame, indicator, region, sex)
    name = definition.name_zh if language == "zh" else definition.name_en
    observed_label = "监测值" if language == "zh" else "observed"
    if len(series):  # the legend lists only what is drawn
        ax.plot(series["year"], series["value"], marker="o", color="#1f4e79", label=observed_label)
        whiskers = _count_intervals(series, definition.unit)
        if whiskers is not None:
            points = series["value"].to_numpy(dtype=float)
            lower, upper = whiskers
            has = np.isfinite(lower) & np.isfinite(upper)
            ax.errorbar(series["year"].to_numpy()[has], points[has],
                        yerr=[np.maximum(points[has] - lower[has], 0), np.maximum(upper[has] - points[has], 0)],
                        fmt="none", ecolor="#1f4e79", alpha=0.6, capsize=3,
                        label="95%区间（按分子分母）" if language == "zh" else "95% interval (from the counts)")
    # the targets on this series: its sex (or any), the total area type, with a value
    targets = [t for t in plan.targets if t.indicator == indicator and t.values and not np.isnan(list(t.values.values())[0])
               and (t.sex is None or t.sex.value == sex) and (t.area_type is None or t.area_type.value == "total")
               and t.gap_between is None]
    for target in targets:
        years = list(target.values)
        values = list(target.values.values())
        label = ("目标值" if language == "zh" else "target") + f" ({target.id})"
        if target.kind is TargetKind.AROUND:  # 左右: the band the verdict uses, not a line
            tolerance = 0.03 if target.tolerance is None else target.tolerance
            for year, value in zip(years, values, strict=True):
                ax.errorbar([year], [value], yerr=[[value * tolerance], [value * tolerance]], fmt="D", color="#c62828",
                            capsize=6, zorder=3, label=label + (" ±" + f"{tolerance:.0%}" if year == years[0] else ""))
                label = "_nolegend_"
            ax.axhspan(values[-1] * (1 - tolerance), values[-1] * (1 + tolerance), color="#c62828", alpha=0.12,
                       label="目标区间（左右）" if language == "zh" else "target band (around)")
            continue
        if target.kind is TargetKind.BAND and target.lower is not None and target.upper is not None:
            ax.axhspan(target.lower, target.upper, color="#c62828", alpha=0.12, label=label)
            continue
        ax.scatter(years, values, marker="^" if definition.direction.value != "lower" else "v", s=70,
                   color="#c62828", zorder=3, label=label)
        ax.axhline(values[-1], color="#c62828", linestyle="--", linewidth=0.8)
    if evaluation is not None:
        table = evaluation.table
        area_type = table["area_type"].fillna("total") if "area_type" in table else "total"
        rows = table[(table["indicator"] == indicator) & (table["region"].astype(str) == str(region))
                     & (table["sex"] == sex) & (area_type == "total") & (table["target_source"] == "milestone")]
        if len(rows):
            # a milestone is the target at the evaluation year, interpolated towards target_year
            ax.scatter(np.full(len(rows), evaluation.year), rows["target"], marker="o", s=70, facecolors="none", edgecolors="#c62828",
                       zorder=3, label="序时进度目标" if language == "zh" else "milestone (time-proportional)")
        judged = table[(table["indicator"] == indicator) & (table["region"].astype(str) == str(region)) & (table["sex"] == sex)
                       & (area_type == "total")]
        unsure = judged[judged["uncertain"].fillna(False).astype(bool)] if "uncertain" in judged else judged.iloc[0:0]
        if len(unsure):  # the verdict on this value is uncertain: its interval holds the target
            ax.scatter(unsure["data_year"], unsure["value"], marker="s", s=110, facecolors="none", edgecolors="#6a1b9a",
                       zorder=4, label="评估结论不确定" if language == "zh" else "uncertain verdict")
    for year, label_zh, label_en in ((plan.midterm_year, "中期", "mid-term"), (plan.final_year, "终期", "final")):
        ax.axvline(year, color="grey", linestyle=":", linewidth=0.8)
        ax.annotate(label_zh if language == "zh" else label_en, (year, 0.98), xycoords=("data", "axes fraction"),
                    ha="right", va="top", fontsize=8, color="grey", **text_props)
    note = _withheld(series, definition.unit, rules, language) if projection is not None else None
    if note is not None:  # too noisy: a trend through these counts is chance; say so instead of drawing one
        ax.text(0.02, 0.03, note, transform=ax.transAxes, fontsize=8, color="#ef6c00", ha="left", va="bottom", **text_props)
    elif projection is not None and len(projection):
        band = _within_natural_range(projection, definition.unit)
        line, reached = _to_the_bound(projection, definition.unit)
        proj_label = "预测" if language == "zh" else "projection"
        ax.plot(line["year"], line["projection"], linestyle="--", color="#ef6c00", label=proj_label)
        if reached is not None:
            year_reached, bound = reached
            ax.scatter([year_reached], [bound], marker="x", color="#ef6c00", zorder=4)
            label = (f"约{year_reached:.0f}年达到{bound:g}（自然界限）" if language == "zh"
                     else f"reaches {bound:g} (natural bound) about {year_reached:.0f}")
            ax.annotate(label, (year_reached, bound), textcoords="offset points", xytext=(4, 6), fontsize=8,
                        color="#ef6c00", **text_props)
        model = projection.attrs.get("model")  # the count model's interval of the expected rate
        band_label = {("poisson_glm", "zh"): "95%区间（泊松回归）", ("poisson_glm", "en"): "95% interval (Poisson regression)",
                      ("binomial_glm", "zh"): "95%区间（logistic回归）", ("binomial_glm", "en"): "95% interval (logistic regression)",
                      }.get((model, language), "95% 预测区间" if language == "zh" else "95% prediction interval")
        if {"pi_lower", "pi_upper"} <= set(band.columns):
            ax.fill_between(band["year"], band["pi_lower"], band["pi_upper"], color="#ef6c00", alpha=0.15, label=band_label)
    region_name = region_names(plan, language).get(str(region), str(region))
    if sex == Sex.TOTAL.value:
        ax.set_title(f"{name} — {region_name}")
    else:  # the title names the sex and the region
        sex_name = Sex(sex).name_zh if language == "zh" else Sex(sex).name_en
        ax.set_title(f"{name}（{sex_name}）— {region_name}" if language == "zh" else f"{name} ({sex_name}) — {region_name}")
    ax.set_xlabel("年份" if language == "zh" else "year")
    _integer_years(ax)
    _upright_unit(ax, unit_label(definition.unit, language) or ("比值" if language == "zh" else "ratio"))
    ax.legend(fontsize=8)
    _apply_font(ax, text_props)
    return ax


def plot_status_heatmap(
    table: pd.DataFrame,
    *,
    rows: str = "indicator",
    plan: Plan | None = None,
    ax: Axes | None = None,
    lang: str = "zh",
) -> Axes:
    """Statuses as a coloured grid: indicators (or areas) × regions.

    Parameters
    ----------
    table : DataFrame
        :attr:`Evaluation.table` (needs ``region``, ``status`` and the ``rows`` column;
        ``name_zh``/``name_en`` label indicators). Where several rows fall in one cell
        (sexes, several targets), the cell shows the worst status.
    rows : {"indicator", "area"}
    plan : Plan, optional
        Names the regions in either language; without it, regions are named by the
        table's ``region_name`` column in Chinese and by their codes in English.
    """
    from matplotlib.colors import ListedColormap

    language, text_props = _language(lang)
    ax = _axes(ax, figsize=(8.0, max(3.0, 0.3 * table[rows].nunique() + 1.5)))
    severity = {s: i for i, s in enumerate(["attained_early", "attained", "basically_attained",
                                             "needs_assessment", "not_assessable", "not_attained"])}
    data = table.assign(_rank=table["status"].map(severity))
    grid = data.pivot_table(index=rows, columns="region", values="_rank", aggfunc="max")
    worst = {v: k for k, v in severity.items()}
    codes = grid.apply(lambda column: column.map(lambda v: _STATUS_ORDER.index(worst[int(v)]) if pd.notna(v) else np.nan))
    cmap = ListedColormap([STATUS_COLOURS[s] for s in _STATUS_ORDER])
    ax.imshow(codes.to_numpy(dtype=float), cmap=cmap, vmin=-0.5, vmax=len(_STATUS_ORDER) - 0.5, aspect="auto")
    from matplotlib.patches import Rectangle

    # a cell whose worst verdict is uncertain (its interval holds the target) is hatched
    hatched = False
    if "uncertain" in data:
        worst_rank = data.groupby([rows, "region"])["_rank"].transform("max")
        unsure = data[data["uncertain"].fillna(False).astype(bool) & (data["_rank"] == worst_rank)]
        for key, region in set(zip(unsure[rows], unsure["region"], strict=True)):
            if key in grid.index and region in grid.columns:
                x, y = float(list(grid.columns).index(region)), float(list(grid.index).index(key))
                ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False,
                                       hatch="///", edgecolor="#424242", linewidth=0))
                hatched = True
    if rows == "indicator":
        name_column = "name_zh" if language == "zh" else "name_en"
        names: dict[str, str] = {}
        if name_column in table:
            unique = table.drop_duplicates("indicator")
            names = dict(zip(unique["indicator"].astype(str), unique[name_column].astype(str), strict=True))
        labels = [str(names.get(i, i)) for i in grid.index]
    else:
        labels = [Area(a).name_zh if language == "zh" else Area(a).name_en for a in grid.index]
    ax.set_yticks(range(len(grid.index)), labels)
    if "judged_on" in table and (table["judged_on"].fillna("").astype(str) != "").any():
        # a cell whose verdict rests on a proxy indicator (替代性指标) says so
        proxied = table[table["judged_on"].fillna("").astype(str) != ""]
        for key, region in set(zip(proxied[rows], proxied["region"], strict=True)):
            if key in grid.index and region in grid.columns:
                x, y = list(grid.columns).index(region), list(grid.index).index(key)
                ax.text(x, y, "替代" if language == "zh" else "proxy",
                        ha="center", va="center", fontsize=7, color="black")
    region_labels: dict[str, str] = {}
    if plan is not None:
        region_labels = region_names(plan, language)
    elif language == "zh" and "region_name" in table:
        unique_regions = table.drop_duplicates("region")
        region_labels = dict(zip(unique_regions["region"].astype(str), unique_regions["region_name"].astype(str), strict=True))
    ax.set_xticks(range(len(grid.columns)), [_wrapped(region_labels.get(str(c), str(c))) for c in grid.columns])  # upright
    ax.set_xlabel("地区" if language == "zh" else "region")
    ax.set_title("目标实现情况" if language == "zh" else "Attainment status")
    from matplotlib.patches import Patch

    present = [s for s in _STATUS_ORDER if s in set(table["status"])]
    handles = [Patch(color=STATUS_COLOURS[s], label=Status(s).name_zh if language == "zh" else _STATUS_EN[s]) for s in present]
    if hatched:
        handles.append(Patch(facecolor="white", edgecolor="#424242", hatch="///",
                             label="不确定（区间含目标值）" if language == "zh" else "uncertain (interval holds the target)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    _apply_font(ax, text_props)
    return ax


def plot_status_summary(table: pd.DataFrame, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """A stacked bar per area of how many assessments have each status.

    Each row of the table counts once: a target assessed for several regions or both sexes
    counts once per region and sex. Filter the table first (one region, ``sex == "female"``)
    for a count of targets.

    Parameters
    ----------
    table : DataFrame
        :attr:`Evaluation.table` (needs ``area`` and ``status``).
    """
    language, text_props = _language(lang)
    ax = _axes(ax)
    counts = pd.crosstab(table["area"], table["status"]).reindex(columns=_STATUS_ORDER, fill_value=0)
    counts = counts.reindex([a.value for a in Area if a.value in counts.index])
    left = np.zeros(len(counts))
    labels = [Area(a).name_zh if language == "zh" else Area(a).name_en for a in counts.index]
    for status in _STATUS_ORDER:
        widths = counts[status].to_numpy()
        if widths.sum() == 0:
            continue
        ax.barh(labels, widths, left=left, color=STATUS_COLOURS[status],
                label=Status(status).name_zh if language == "zh" else _STATUS_EN[status])
        left += widths
    ax.invert_yaxis()
    ax.set_xlabel("评估项数（目标×地区×性别）" if language == "zh" else "assessments (target × region × sex)")
    ax.set_title("各领域目标实现情况" if language == "zh" else "Status of targets by area")
    ax.legend(fontsize=8, loc="lower right")
    _apply_font(ax, text_props)
    return ax


def plot_sex_gap(
    frame: pd.DataFrame,
    plan: Plan,
    indicator: str,
    region: str,
    *,
    ax: Axes | None = None,
    lang: str = "zh",
) -> Axes:
    """Women's and men's values of one indicator, with the gap between them shaded."""
    language, text_props = _language(lang)
    definition = plan.indicator(indicator)
    ax = _axes(ax)
    female = _series(frame, indicator, region, "female").set_index("year")["value"]
    male = _series(frame, indicator, region, "male").set_index("year")["value"]
    both = pd.concat({"female": female, "male": male}, axis=1).dropna()
    ax.plot(both.index, both["female"], marker="o", color="#ad1457", label="女" if language == "zh" else "women")
    ax.plot(both.index, both["male"], marker="s", color="#1565c0", label="男" if language == "zh" else "men")
    ax.fill_between(both.index, both["female"], both["male"], color="grey", alpha=0.2,
                    label="性别差距" if language == "zh" else "gap")
    name = definition.name_zh if language == "zh" else definition.name_en
    ax.set_title(f"{name}：男女差距" if language == "zh" else f"{name}: gap between the sexes")
    ax.set_xlabel("年份" if language == "zh" else "year")
    _integer_years(ax)
    _upright_unit(ax, unit_label(definition.unit, language))
    ax.legend(fontsize=8)
    _apply_font(ax, text_props)
    return ax


def plot_area_status(evaluation: Evaluation, area: str, *, ax: Axes | None = None, lang: str = "zh") -> Axes:
    """One area's numeric targets × regions, the worst status in each cell: the area's chart in a report.

    Parameters
    ----------
    evaluation : Evaluation
    area : str
        An :class:`~wdmonitor.vocabulary.Area` value (``health``).
    """
    table = evaluation.table
    rows = table[(table["area"] == area) & (table["kind"] != TargetKind.QUALITATIVE.value)]
    if ax is None:
        ax = _axes(None, figsize=(8.0, max(2.5, 0.32 * rows["indicator"].nunique() + 1.6)))
    language, _ = _language(lang)
    ax = plot_status_heatmap(rows, rows="indicator", plan=evaluation.plan, ax=ax, lang=language)
    area_name = Area(area).name_zh if language == "zh" else Area(area).name_en
    ax.set_title(f"{area_name}：" + ax.get_title() if language == "zh" else f"{area_name}: " + ax.get_title())
    return ax


def write_charts(
    evaluation: Evaluation,
    frame: pd.DataFrame,
    directory: str | Path,
    *,
    lang: str = "zh",
    indicators: Sequence[str] | None = None,
) -> list[Path]:
    """Write the charts of an evaluation report as PNG files into ``directory``.

    * ``status_by_area.png``: the jurisdiction's statuses per area (:func:`plot_status_summary`);
    * ``status_heatmap.png``: key indicators × regions, the worst status (over sexes and
      targets) in each cell;
    * ``area_<area>.png``: each area's numeric targets × regions (:func:`plot_area_status`);
    * ``trajectory_<indicator>.png``: for each key indicator (the indicators of the numeric
      main-goal targets, or ``indicators``), the jurisdiction's series against its targets,
      with its projection where the series allows one: for a series with counts the count
      model W1 uses (:func:`count_projection`: Poisson GLM for a rate, logistic regression for
      a percentage, its 95% interval as the band), or the chart's note that the counts are too
      noisy to project; otherwise the OLS projection and its 95% prediction interval.

    Returns the paths written, in that order. This is what ``wdmonitor evaluate --charts DIR``
    calls. The figures are drawn without pyplot, so the backend and the figures open in a
    notebook are left as they were.
    """
    from matplotlib.figure import Figure

    from .trends import project_series

    plan = evaluation.plan
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    table = evaluation.table
    top = plan.jurisdiction.code
    written: list[Path] = []

    def new_axes(height: float = 4.0) -> Axes:
        return Figure(figsize=(8.0, height), layout="constrained").subplots()

    def save(ax: Axes, name: str) -> None:
        path = out / name
        figure = ax.get_figure(root=True)
        assert figure is not None  # an Axes drawn here always belongs to a figure
        figure.savefig(path, dpi=150, bbox_inches="tight")
        written.append(path)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the CJK fallback warns once below, not per chart
        language, _ = _language(lang)
    if language != lang:
        warnings.warn("no CJK font found: charts are labelled in English / 未找到中文字体，图表改用英文标注",
                      UserWarning, stacklevel=2)
    own = table[table["region"].astype(str) == top]
    save(plot_status_summary(own if len(own) else table, ax=new_axes(), lang=language), "status_by_area.png")
    if indicators is None:  # the key indicators, as for Evaluation.ranking
        key = own[(own["section"] == "main_goal") & (own["progress_measure"] == "ratio")]
        indicators = list(dict.fromkeys(key["indicator"].astype(str)))
    key_rows = table[table["indicator"].isin(indicators)]
    heatmap_axes = new_axes(max(3.0, 0.3 * key_rows["indicator"].nunique() + 1.5))
    save(plot_status_heatmap(key_rows, rows="indicator", plan=plan, ax=heatmap_axes, lang=language), "status_heatmap.png")
    for area in Area:
        numeric = table[(table["area"] == area.value) & (table["kind"] != TargetKind.QUALITATIVE.value)]
        if len(numeric):
            area_axes = new_axes(max(2.5, 0.32 * numeric["indicator"].nunique() + 1.6))
            save(plot_area_status(evaluation, area.value, ax=area_axes, lang=language), f"area_{area.value}.png")
    for indicator in indicators:
        series = _series(frame, indicator, top, None)
        if series.empty:
            continue
        sex = plan.indicator(indicator).sexes[0].value
        observed = series[series["sex"] == sex]["year"].nunique()
        projection = None
        if observed >= 3:  # the count model where the series has counts, as W1 judges it; else a line through the values
            projection = count_projection(frame, plan, indicator, top, sex, rules=evaluation.rules)
            if projection is None:
                projection = project_series(frame, plan, indicator, top, sex, method="ols")
        ax = plot_trajectory(frame, plan, indicator, top, sex, projection=projection, evaluation=evaluation,
                             ax=new_axes(), lang=language, rules=evaluation.rules)
        save(ax, f"trajectory_{indicator}.png")
    return written
