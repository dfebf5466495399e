"""Charts, checked by what they draw (lines, labels, colours), not by eye."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from wdmonitor import load_plan  # noqa: E402
from wdmonitor.plotting import (  # noqa: E402
    STATUS_COLOURS,
    cjk_font,
    plot_sex_gap,
    plot_status_heatmap,
    plot_status_summary,
    plot_trajectory,
    write_charts,
)

MINIMAL = Path(__file__).parent / "data" / "plans" / "minimal.yaml"


@pytest.fixture(scope="module")
def plan():
    return load_plan(MINIMAL)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


MMR = pd.DataFrame(
    {
        "region": "211400",
        "year": [2020, 2021, 2022, 2023],
        "indicator": "maternal_mortality_ratio",
        "sex": "female",
        "value": [7.35, 9.1, 8.4, 8.0],
    }
)

TABLE = pd.DataFrame(
    {
        "area": ["health", "health", "education", "family"],
        "indicator": ["maternal_mortality_ratio", "maternal_mortality_ratio", "kindergarten_enrolment", None],
        "name_zh": ["孕产妇死亡率", "孕产妇死亡率", "在园幼儿数", ""],
        "name_en": ["Maternal mortality ratio", "Maternal mortality ratio", "Children enrolled", ""],
        "region": ["211400", "211402", "211400", "211400"],
        "status": ["attained", "not_attained", "basically_attained", "needs_assessment"],
    }
)


def draw_without_missing_glyphs(ax) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax.figure.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []


def test_a_cjk_font_is_found():
    # the test extra installs mplfonts, which ships Noto Sans CJK SC
    assert cjk_font() is not None


def test_trajectory_draws_observations_targets_and_evaluation_years(plan):
    projection = pd.DataFrame({"year": [2023, 2024, 2025], "projection": [8.0, 7.8, 7.6],
                               "pi_lower": [8.0, 7.0, 6.5], "pi_upper": [8.0, 8.6, 8.9]})
    ax = plot_trajectory(MMR, plan, "maternal_mortality_ratio", region="211400", projection=projection)
    observed, projected = ax.get_lines()[0], [line for line in ax.get_lines() if line.get_linestyle() == "--" and len(line.get_xdata()) == 3][0]
    assert list(observed.get_xdata()) == [2020, 2021, 2022, 2023]
    assert list(observed.get_ydata()) == [7.35, 9.1, 8.4, 8.0]
    assert list(projected.get_ydata()) == [8.0, 7.8, 7.6]
    target_markers = ax.collections[0].get_offsets().tolist()
    assert target_markers == [[2025, 10.5], [2030, 10.0]]
    verticals = sorted(line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":")
    assert verticals == [2025, 2030]
    assert ax.get_title() == "孕产妇死亡率（女）— 葫芦岛市"  # the sex and the region
    assert ax.get_ylabel() == "/10万" and ax.yaxis.label.get_rotation() == 0  # the unit, upright
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["监测值", "目标值 (health-2a)", "预测", "95% 预测区间"]
    draw_without_missing_glyphs(ax)


def test_trajectory_in_english(plan):
    ax = plot_trajectory(MMR, plan, "maternal_mortality_ratio", region="211400", lang="en")
    assert ax.get_title() == "Maternal mortality ratio (women) — Huludao"
    assert ax.get_xlabel() == "year"
    assert ax.get_ylabel() == "per 100,000"
    draw_without_missing_glyphs(ax)  # no Chinese unit label left in an English chart


def test_year_axes_tick_on_whole_years(plan):
    ax = plot_trajectory(MMR, plan, "maternal_mortality_ratio", region="211400")
    ax.figure.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_status_heatmap_names_regions(plan):
    table = TABLE.assign(region_name=TABLE["region"].map({"211400": "葫芦岛市", "211402": "连山区"}))
    assert [t.get_text() for t in plot_status_heatmap(table).get_xticklabels()] == ["葫芦岛市", "连山区"]
    english = plot_status_heatmap(TABLE, plan=plan, lang="en")
    assert [t.get_text() for t in english.get_xticklabels()][0] == "Huludao"
    draw_without_missing_glyphs(english)


def test_status_heatmap_colours_each_cell_by_status():
    ax = plot_status_heatmap(TABLE)
    image = ax.get_images()[0]
    rgba = image.to_rgba(image.get_array())
    rows = [t.get_text() for t in ax.get_yticklabels()]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert rows == ["在园幼儿数", "孕产妇死亡率"]
    assert columns == ["211400", "211402"]
    assert to_hex(rgba[1, 0]) == STATUS_COLOURS["attained"]
    assert to_hex(rgba[1, 1]) == STATUS_COLOURS["not_attained"]
    assert to_hex(rgba[0, 0]) == STATUS_COLOURS["basically_attained"]
    draw_without_missing_glyphs(ax)


def test_status_summary_stacks_statuses_per_area():
    ax = plot_status_summary(TABLE)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["妇女与健康", "妇女与教育", "妇女与家庭建设"]
    widths = {(to_hex(p.get_facecolor()), round(p.get_y() + p.get_height() / 2)): p.get_width() for p in ax.patches}
    assert widths[(STATUS_COLOURS["attained"], 0)] == 1
    assert widths[(STATUS_COLOURS["not_attained"], 0)] == 1
    assert widths[(STATUS_COLOURS["needs_assessment"], 2)] == 1
    draw_without_missing_glyphs(ax)


def test_sex_gap_shades_between_women_and_men(plan):
    frame = pd.DataFrame({"region": "211400", "year": [2020, 2021, 2020, 2021], "indicator": "kindergarten_enrolment",
                          "sex": ["female", "female", "male", "male"], "value": [4800, 4900, 5100, 5050]})
    ax = plot_sex_gap(frame, plan, "kindergarten_enrolment", region="211400")
    women, men = ax.get_lines()
    assert list(women.get_ydata()) == [4800, 4900]
    assert list(men.get_ydata()) == [5100, 5050]
    assert len(ax.collections) == 1  # the shaded gap
    assert ax.get_title() == "在园幼儿数：男女差距"
    assert ax.get_ylabel() == "人"
    draw_without_missing_glyphs(ax)
    english = plot_sex_gap(frame, plan, "kindergarten_enrolment", region="211400", lang="en")
    assert english.get_ylabel() == "persons"
    draw_without_missing_glyphs(english)


def test_without_a_cjk_font_labels_fall_back_to_english(plan, monkeypatch):
    import wdmonitor.plotting as plotting

    monkeypatch.setattr(plotting, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="no CJK font found"):
        ax = plot_trajectory(MMR, plan, "maternal_mortality_ratio", region="211400")
    assert ax.get_title() == "Maternal mortality ratio (women) — Huludao"


def test_plots_draw_on_a_given_axes_and_return_it(plan):
    fig, ax = plt.subplots()
    assert plot_trajectory(MMR, plan, "maternal_mortality_ratio", region="211400", ax=ax) is ax
    assert plot_status_summary(TABLE, ax=ax) is ax


def test_trajectory_with_a_projection_from_the_library(plan):
    from wdmonitor.trends import project_series

    path = project_series(MMR, plan, "maternal_mortality_ratio", "211400", method="ols", to_year=2030)
    ax = plot_trajectory(MMR, plan, "maternal_mortality_ratio", region="211400", projection=path)
    projected = [line for line in ax.get_lines() if line.get_linestyle() == "--" and len(line.get_xdata()) == len(path)][0]
    assert list(projected.get_xdata()) == list(range(2024, 2031))
    band = ax.collections[-1].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(path["pi_lower"].min())
    assert band[:, 1].max() == pytest.approx(path["pi_upper"].max())


def test_a_projection_is_drawn_within_the_units_natural_range(plan):
    # a straight line through a falling rate crosses zero: the line stops at zero, in the year it
    # gets there (2 → −6 over 2025–2030 reaches 0 at 2025 + 5·2/8 = 2026.25), labelled; never flat at 0
    projection = pd.DataFrame({"year": [2025, 2030], "projection": [2.0, -6.0], "pi_lower": [-20.0, -40.0],
                               "pi_upper": [15.0, 20.0]})
    ax = plot_trajectory(MMR, plan, "maternal_mortality_ratio", region="211400", projection=projection)
    line = next(line for line in ax.get_lines() if line.get_linestyle() == "--" and line.get_xdata()[0] == 2025)
    assert list(line.get_xdata()) == [2025, 2026.25]
    assert list(line.get_ydata()) == [2.0, 0.0]
    assert "约2026年达到0（自然界限）" in [t.get_text() for t in ax.texts]
    band = ax.collections[-1].get_paths()[0].vertices
    assert band[:, 1].min() == 0.0 and band[:, 1].max() == 20.0


def test_write_charts_draws_the_report_charts(plan, tmp_path):
    from wdmonitor import evaluate

    frame = pd.concat([MMR, MMR.assign(region="211402", value=[12.0, 11.0, 10.5, 9.0])], ignore_index=True)
    result = evaluate(frame, plan)
    backend = matplotlib.get_backend()
    paths = write_charts(result, frame, tmp_path / "charts", indicators=["maternal_mortality_ratio"])
    assert plt.get_fignums() == [] and matplotlib.get_backend() == backend  # no pyplot state touched
    areas = [a for a in ("health", "education", "economy", "decision_making", "social_security", "family", "environment", "law")
             if ((result.table["area"] == a) & (result.table["kind"] != "qualitative")).any()]
    assert [p.name for p in paths] == ["status_by_area.png", "status_heatmap.png", *(f"area_{a}.png" for a in areas),
                                       "trajectory_maternal_mortality_ratio.png"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in paths)


def test_trajectory_draws_the_milestone_the_evaluation_used():
    from wdmonitor import evaluate
    from wdmonitor.sample import load_sample

    huludao = load_plan("huludao-2021-2030")  # screening: only a 2030 target, so 2025 has a milestone
    frame = load_sample()
    frame = frame[frame["indicator"] == "cervical_cancer_screening_rate"]
    result = evaluate(frame, huludao)
    milestones = result.table[(result.table["region"] == "211400") & (result.table["target_source"] == "milestone")]
    assert len(milestones) == 1
    ax = plot_trajectory(frame, huludao, "cervical_cancer_screening_rate", region="211400", evaluation=result)
    hollow = [c for c in ax.collections if len(c.get_facecolors()) == 0 and c.get_label() == "序时进度目标"]
    drawn = [tuple(xy) for c in hollow for xy in c.get_offsets()]
    assert drawn == [(2025, milestones["target"].item())]  # at the evaluation year, not the target's
    assert "序时进度目标" in [t.get_text() for t in ax.get_legend().get_texts()]
    draw_without_missing_glyphs(ax)


def test_an_around_target_is_drawn_as_its_band():
    from wdmonitor.sample import load_sample

    huludao = load_plan("huludao-2021-2030")  # education-6: 高中阶段毛入学率 95% 左右
    frame = load_sample()
    ax = plot_trajectory(frame, huludao, "upper_secondary_gross_enrolment_rate", region="211400", sex="female")
    bands = [p for p in ax.patches if p.get_alpha() == 0.12]
    assert len(bands) == 1
    low, high = ax.transData.inverted().transform(bands[0].get_window_extent().get_points())[:, 1]
    assert (low, high) == pytest.approx((95 * 0.97, 95 * 1.03), abs=1e-6)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "目标区间（左右）" in labels and not any(label.startswith("目标值 (health") for label in labels)
    draw_without_missing_glyphs(ax)


def test_the_legend_lists_only_what_is_drawn(plan):
    empty = MMR.iloc[0:0]
    ax = plot_trajectory(empty, plan, "maternal_mortality_ratio", region="211400")
    assert "监测值" not in [t.get_text() for t in ax.get_legend().get_texts()]


def test_heatmap_region_labels_stand_upright(plan):
    table = pd.DataFrame({"indicator": ["a", "a"], "name_zh": ["甲", "甲"], "region": ["211400", "211402"],
                          "status": ["attained", "not_attained"]})
    ax = plot_status_heatmap(table, plan=plan)
    assert all(label.get_rotation() == 0 for label in ax.get_xticklabels())


def test_points_with_counts_get_their_interval_as_whiskers(plan):
    from wdmonitor.intervals import poisson_interval

    deaths, births = np.array([30.0, 28.0, 25.0]), np.array([200_000.0, 201_000.0, 202_000.0])
    frame = pd.DataFrame({"region": "211400", "year": [2021, 2022, 2023], "sex": "female", "indicator": "maternal_mortality_ratio",
                          "value": deaths / births * 1e5, "numerator": deaths, "denominator": births})
    ax = plot_trajectory(frame, plan, "maternal_mortality_ratio", region="211400")
    segments = [s for c in ax.collections for s in getattr(c, "get_segments", list)() if len(s) == 2 and s[0][0] == s[1][0]]
    lower, upper = poisson_interval(deaths, births, 1e5)
    assert sorted((round(s[0][1], 6), round(s[1][1], 6)) for s in segments) == sorted(
        (round(lo, 6), round(hi, 6)) for lo, hi in zip(lower, upper, strict=True))
    assert "95%区间（按分子分母）" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_no_projection_is_drawn_through_too_few_events(plan):
    deaths, births = np.array([0.0, 1.0, 0.0, 1.0, 0.0]), np.full(5, 3300.0)
    frame = pd.DataFrame({"region": "211400", "year": range(2019, 2024), "sex": "female", "indicator": "maternal_mortality_ratio",
                          "value": deaths / births * 1e5, "numerator": deaths, "denominator": births})
    projection = pd.DataFrame({"year": [2024, 2030], "projection": [20.0, 40.0]})
    ax = plot_trajectory(frame, plan, "maternal_mortality_ratio", region="211400", projection=projection)
    assert not [line for line in ax.get_lines() if line.get_linestyle() == "--" and line.get_xdata()[0] == 2024]
    assert "近5年共2例，少于20例，不作预测" in [t.get_text() for t in ax.texts]


def test_the_heatmap_hatches_uncertain_verdicts():
    table = pd.DataFrame({"indicator": ["a", "a"], "name_zh": ["甲", "甲"], "region": ["1", "2"], "region_name": ["一", "二"],
                          "status": ["not_attained", "attained"], "uncertain": [True, False]})
    ax = plot_status_heatmap(table)
    hatched = [p for p in ax.patches if p.get_hatch() == "///"]
    assert [(p.get_x(), p.get_y()) for p in hatched] == [(-0.5, -0.5)]
    assert "不确定（区间含目标值）" in [t.get_text() for t in ax.get_legend().get_texts()]


def counted_mmr(deaths, births, region="211400", first=2020):
    deaths, births = np.asarray(deaths, dtype=float), np.asarray(births, dtype=float)
    return pd.DataFrame({"region": region, "year": range(first, first + len(deaths)), "sex": "female",
                         "indicator": "maternal_mortality_ratio", "value": deaths / births * 1e5, "numerator": deaths,
                         "denominator": births})


def charted_trajectories(monkeypatch, frame, plan, tmp_path, indicator="maternal_mortality_ratio"):
    """The axes write_charts draws each trajectory on, with the projection it passed."""
    import wdmonitor.plotting as plotting
    from wdmonitor import evaluate

    drawn = []

    def recording(*args, **kwargs):
        ax = plot_trajectory(*args, **kwargs)
        drawn.append((ax, kwargs["projection"]))
        return ax

    monkeypatch.setattr(plotting, "plot_trajectory", recording)
    write_charts(evaluate(frame, plan), frame, tmp_path / "charts", indicators=[indicator])
    return drawn


def dashed_from(ax, year):
    return [line for line in ax.get_lines() if line.get_linestyle() == "--" and line.get_xdata()[0] == year]


def test_the_charts_projection_of_a_counted_rate_is_the_count_model_w1_uses(plan, monkeypatch, tmp_path):
    from wdmonitor import flag_early_warnings
    from wdmonitor.rules import DEFAULT_RULES
    from wdmonitor.trends import poisson_trend

    deaths, births = [20, 24, 28, 33, 38], [200_000] * 5  # a large city whose MMR truly rises (methodology §5, case 11)
    frame = counted_mmr(deaths, births)
    [(ax, projection)] = charted_trajectories(monkeypatch, frame, plan, tmp_path)
    years = np.arange(2025, plan.final_year + 1)
    fit = poisson_trend(np.tile(np.asarray(deaths, dtype=float), (len(years), 1)), np.tile(np.asarray(births, dtype=float),
                        (len(years), 1)), np.arange(2020, 2025), years, window=DEFAULT_RULES.trend_window,
                        level=DEFAULT_RULES.count_level, multiplier=1e5)
    [line] = dashed_from(ax, 2025)
    assert list(line.get_xdata()) == list(years)
    np.testing.assert_allclose(line.get_ydata(), fit.projection, rtol=1e-12)  # the GLM's line, not a straight one
    assert projection.attrs["model"] == "poisson_glm"
    band = ax.collections[-1].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(fit.lower.min()) and band[:, 1].max() == pytest.approx(fit.upper.max())
    assert "95%区间（泊松回归）" in [t.get_text() for t in ax.get_legend().get_texts()]
    # the same numbers W1 judges the final year by
    w1 = flag_early_warnings(frame, plan, as_of=2024).table.query("check == 'W1' and region == '211400'")
    at_final = w1[(w1["target_year"] == plan.final_year) & (w1["method"] == "poisson_glm")]
    assert len(at_final) == 1
    assert line.get_ydata()[-1] == pytest.approx(at_final["projection"].iloc[0], rel=1e-9)
    assert band[:, 1].max() == pytest.approx(at_final["upper"].iloc[0], rel=1e-9)


def test_the_charts_projection_of_a_counted_percentage_is_the_logistic_model(plan):
    from wdmonitor.plotting import count_projection
    from wdmonitor.trends import poisson_trend

    screened, women = np.array([14_000.0, 13_800, 13_500, 13_300, 13_000]), np.full(5, 20_000.0)
    frame = pd.DataFrame({"region": "211400", "year": range(2020, 2025), "sex": "female",
                          "indicator": "cervical_cancer_screening_rate", "value": screened / women * 100,
                          "numerator": screened, "denominator": women})
    path = count_projection(frame, plan, "cervical_cancer_screening_rate", "211400", to_year=2030)
    fit = poisson_trend(np.tile(screened, (6, 1)), np.tile(women, (6, 1)), np.arange(2020, 2025), np.arange(2025, 2031),
                        multiplier=100, family="binomial")
    assert path.attrs["model"] == "binomial_glm"
    np.testing.assert_allclose(path["projection"], fit.projection, rtol=1e-12)
    np.testing.assert_allclose(path[["pi_lower", "pi_upper"]].to_numpy(), np.column_stack([fit.lower, fit.upper]), rtol=1e-12)
    ax = plot_trajectory(frame, plan, "cervical_cancer_screening_rate", region="211400", projection=path, lang="en")
    assert "95% interval (logistic regression)" in [t.get_text() for t in ax.get_legend().get_texts()]
    # without counts the same values are projected by their straight line, as before
    assert count_projection(frame.drop(columns=["numerator", "denominator"]), plan, "cervical_cancer_screening_rate",
                            "211400") is None


@pytest.mark.parametrize(("deaths", "note"), [
    ([1, 0, 2, 1, 0], "近5年共4例，少于20例，不作预测"),  # a county: 4 deaths in five years
    ([0, 0, 0, 0, 30], "近5年的计数无法估计趋势（事件集中在首年或末年），不作预测"),  # every event in the last year
])
def test_the_chart_says_when_a_counted_jurisdiction_is_too_noisy_to_project(plan, monkeypatch, tmp_path, deaths, note):
    [(ax, projection)] = charted_trajectories(monkeypatch, counted_mmr(deaths, [3300, 3320, 3340, 3360, 3380]), plan, tmp_path)
    assert projection is not None and projection.empty  # the count model withholds it, as W1 does
    assert not dashed_from(ax, 2025)
    assert note in [t.get_text() for t in ax.texts]


def test_a_counted_percentage_with_few_rare_outcomes_is_not_projected(plan):
    # 999 of 1,000 screened every year: one woman missed a year, 5 in five years (the rarer outcome)
    frame = pd.DataFrame({"region": "211400", "year": range(2020, 2025), "sex": "female",
                          "indicator": "cervical_cancer_screening_rate", "value": 99.9, "numerator": 999.0,
                          "denominator": 1000.0})
    projection = pd.DataFrame({"year": [2025, 2030], "projection": [99.9, 99.9]})
    ax = plot_trajectory(frame, plan, "cervical_cancer_screening_rate", region="211400", projection=projection, lang="en")
    assert not dashed_from(ax, 2025)
    assert "5 events in 5 years, fewer than 20: not projected" in [t.get_text() for t in ax.texts]
