"""Proxy indicators (替代性指标): judged where the main indicator has no data, visibly; refused when ill-defined."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from wdmonitor import evaluate, load_plan
from wdmonitor.errors import PlanError

PLAN = Path(__file__).parent / "data" / "plans" / "proxies.yaml"
CITY, GULOU, JINAN = "350100", "350102", "350111"


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN)


def frame() -> pd.DataFrame:
    """鼓楼区 reports women's health literacy; 晋安区 and the city only the residents' rate (the proxy)."""
    rows = [{"region": r, "year": y, "indicator": "health_literacy_residents", "sex": "total", "value": v}
            for r in (CITY, GULOU, JINAN) for y, v in ((2020, 20.0), (2025, 31.0))]
    rows += [{"region": GULOU, "year": y, "indicator": "health_literacy_female", "sex": "female", "value": v}
             for y, v in ((2020, 22.0), (2025, 29.0))]
    return pd.DataFrame(rows)


def test_the_plan_names_its_proxies_with_reading_years_and_target(plan):
    literacy = next(t for t in plan.targets if t.id == "health-7")
    proxy = literacy.proxy
    assert (proxy.indicator, proxy.kind.value, dict(proxy.values), proxy.years, proxy.derived) == (
        "health_literacy_residents", "at_least", {2025: 30.0}, (2024, 2025), "same")
    assert proxy.reading.startswith("妇女健康素养水平 is not collected by sex")
    screening = next(t for t in plan.targets if t.id == "health-3").proxy
    assert (screening.indicator, dict(screening.values), screening.years) == ("cervical_cancer_screening_rate", {2025: 75.0}, (2023, 2024, 2025))
    # a plan's own indicator stands in for a catalogue one (proxy_for), and submissions of the proxies are accepted
    assert plan.indicators["health_literacy_residents"].proxy_for == "health_literacy_female"
    assert {"health_literacy_residents", "cervical_cancer_screening_rate"} <= set(plan.indicator_ids)


def test_a_proxy_is_used_for_one_county_and_not_for_another(plan):
    result = evaluate(frame(), plan, 2025)
    rows = result.table[result.table["target_id"] == "health-7"].set_index("region")
    # 鼓楼区 has its own series at E: judged on it, not attained (29 < 30)
    assert rows.loc[GULOU, ["sex", "value", "target", "status", "proxy_for", "judged_on"]].tolist() == [
        "female", 29.0, 30.0, "not_attained", "", ""]
    assert not rows.loc[GULOU, "trace"].startswith("proxy")
    # 晋安区 has none: judged on the residents' rate against the proxy's target (30, derived: the same)
    assert rows.loc[JINAN, ["sex", "value", "target", "status", "proxy_for", "judged_on"]].tolist() == [
        "total", 31.0, 30.0, "attained", "health_literacy_female", "health_literacy_residents"]
    assert rows.loc[JINAN, "name_zh"] == "妇女健康素养水平（替代指标：居民健康素养水平）"
    assert rows.loc[JINAN, "trace"].startswith(
        "proxy: judged on health_literacy_residents for health_literacy_female (no value of health_literacy_female at E) — "
        "妇女健康素养水平 is not collected by sex in every county before 2026")
    assert rows.loc[JINAN, "trace"].endswith("y_b(2020, observed)=20; y_E(2025)=31; T(2025, stated)=30; s=d·(T−y)=-1, "
                                             "basic≤0.5; ratio=1.1 at 2025 → attained")
    # the breast screening target has no data and its proxy none either: 无法评估 on its own indicator
    screening = result.table[result.table["target_id"] == "health-3"]
    assert set(screening["status"]) == {"not_assessable"} and set(screening["judged_on"]) == {""}
    # the summary counts the proxy verdicts, and the report says so
    assert int(result.summary().iloc[-1]["proxy"]) == 1 and int(result.summary(GULOU).iloc[-1]["proxy"]) == 0
    overview = result.report(charts=False).sections[0].paragraphs[0]
    assert overview.endswith("2项结论（本级1项目标，共涉及2个地区）因主指标缺少2025年数据，依据替代性指标（居民健康素养水平）判断，表中已注明。")
    english = result.report(lang="en", charts=False).sections[0].paragraphs[0]
    assert english.endswith("2 verdicts (1 of the jurisdiction's targets, in 2 regions in all) rest on proxy indicators "
                            "(Health literacy level, residents) where the target's own indicator has no 2025 data; they are "
                            "marked as such in the tables.")


def test_the_exports_and_the_chart_mark_the_proxy(tmp_path, plan):
    result = evaluate(frame(), plan, 2025)
    book = load_workbook(result.to_excel(tmp_path / "评估.xlsx"))
    sheet = book["妇女与健康"]
    header = [c.value for c in sheet[1]]
    judged = header.index("判断依据（替代指标）") + 1
    assert [sheet.cell(row=r, column=judged).value for r in range(2, sheet.max_row + 1)].count("替代指标：居民健康素养水平") == 2
    trace = book["计算过程"]
    trace_header = [c.value for c in trace[1]]
    assert {"被替代指标", "判断所依据的指标"} <= set(trace_header)
    csv = pd.read_csv(result.to_csv(tmp_path / "评估.csv"), dtype=str).fillna("")
    assert (csv["判断依据（替代指标）"] == "替代指标：居民健康素养水平").sum() == 2
    english = pd.read_csv(result.to_csv(tmp_path / "en.csv", lang="en"), dtype=str).fillna("")
    assert (english["Judged on (proxy)"] == "proxy: Health literacy level, residents").sum() == 2
    import matplotlib

    matplotlib.use("Agg")
    from wdmonitor.plotting import plot_area_status

    ax = plot_area_status(result, "health", lang="en")
    marks = [t.get_text() for t in ax.texts]
    assert marks.count("proxy") == 2  # the two cells judged on the proxy, and no other


def test_a_proxy_stands_in_only_in_the_years_it_applies(plan):
    early = frame().assign(year=lambda f: f["year"].replace({2025: 2023}))
    rows = evaluate(early, plan, 2023).table
    literacy = rows[rows["target_id"] == "health-7"].set_index("region")
    assert literacy.loc[JINAN, ["status", "judged_on"]].tolist() == ["not_assessable", ""]  # 2023 is not among [2024, 2025]


def write(tmp_path: Path, proxy: str, *, indicators: str = "") -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(textwrap.dedent(f"""\
        id: proxy-test
        title_zh: 测试规划
        title_en: Test plan
        jurisdiction: {{code: "350111", name_zh: 晋安区, level: county}}
        period: [2021, 2030]
        baseline_year: 2020
        {indicators}
        goals:
          - area: health
            goal_no: 7
            text_zh: 提高妇女健康素养水平
            targets:
              - indicator: health_literacy_female
                kind: at_least
                value: 30
                year: 2025
                proxy:
        """) + textwrap.indent(textwrap.dedent(proxy), " " * 10), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(path)
    return [str(p) for p in info.value.problems]


def test_a_proxy_without_a_reading_years_or_a_target_is_refused_naming_the_file_goal_and_field(tmp_path):
    path = write(tmp_path, """\
        indicator: mental_health_literacy_female
        """)
    listed = problems(path)
    assert listed[0] == f"{path}, goals[0].targets[0].proxy.years: required key is missing (got None) / 缺少必填项"
    assert listed[1] == f"{path}, goals[0].targets[0].proxy.reading: required key is missing (got None) / 缺少必填项"
    assert listed[2] == (f"{path}, goals[0].targets[0].proxy.reading: a proxy needs its reading: why it may stand in and "
                         "how its target was set (got None) / 须说明替代的理由及替代目标的确定方法")
    assert len(listed) == 3  # a missing target is reported once the proxy names its years and reading


def test_a_proxy_with_no_target_is_refused(tmp_path):
    path = write(tmp_path, """\
        indicator: mental_health_literacy_female
        years: [2025]
        reading: 心理健康素养 stands in.
        """)
    assert problems(path) == [
        f"{path}, goals[0].targets[0].proxy: the at_least proxy needs its own target: values (stated) or derive (same, or "
        "{scale: f}) with the reading saying why (got None) / 替代性指标须有替代目标：直接给出（values）或按方法推算（derive）"]


def test_a_proxy_whose_direction_contradicts_its_kind_is_refused(tmp_path):
    path = write(tmp_path, """\
        indicator: anxiety_depression_prevalence_female
        derive: same
        years: [2025]
        reading: a lower prevalence stands in for a higher literacy.
        """)
    assert problems(path) == [
        f"{path}, goals[0].targets[0].proxy.kind: at_least judges a rise as progress; anxiety_depression_prevalence_female "
        "is lower-is-better: the proxy's direction must agree with its kind (state the kind and target that fit it) (got "
        "'at_least') / 替代性指标的方向（lower）与判断类型at_least不一致",
        f"{path}, goals[0].targets[0].proxy.derive: a target derived from health_literacy_female (higher-is-better) cannot "
        "carry over to anxiety_depression_prevalence_female (lower-is-better): state the proxy's values (got 'same') / "
        "主指标与替代性指标方向相反，替代目标须直接给出"]
    fitted = write(tmp_path, """\
        indicator: anxiety_depression_prevalence_female
        kind: at_most
        values: {2025: 8}
        years: [2025]
        reading: a lower prevalence stands in, against its own ceiling.
        """)
    proxy = load_plan(fitted).targets[0].proxy
    assert (proxy.kind.value, dict(proxy.values)) == ("at_most", {2025: 8.0})


def test_an_unknown_proxy_or_one_declared_for_another_indicator_is_refused(tmp_path):
    path = write(tmp_path, """\
        indicator: health_literacy_mothers
        derive: same
        years: [2025, 2035]
        reading: x
        """)
    assert problems(path) == [
        f"{path}, goals[0].targets[0].proxy.indicator: the proxy must be an indicator of the catalogue or of the plan "
        "(did you mean health_literacy_female, mental_health_literacy_female?) (got 'health_literacy_mothers') / 替代性指标须为目录或规划中的指标",
        f"{path}, goals[0].targets[0].proxy.years: the years a proxy applies must lie in the plan period 2021–2030 (got "
        "2035) / 替代年份须在规划期2021—2030内"]
    other = write(tmp_path, """\
        indicator: girls_literacy
        derive: same
        years: [2025]
        reading: x
        """, indicators=textwrap.dedent("""\
        indicators:
          - {id: girls_literacy, name_zh: 女童健康素养, name_en: Girls' health literacy, area: health, unit: percent,
             direction: higher, sex_scope: female, proxy_for: mental_health_literacy_female}
        """).replace("\n", "\n        "))
    assert problems(other) == [
        f"{other}, goals[0].targets[0].proxy.indicator: girls_literacy is declared a proxy for mental_health_literacy_female "
        "(proxy_for), not for health_literacy_female (got 'girls_literacy') / 该指标在proxy_for中声明替代的是"
        "mental_health_literacy_female，不是health_literacy_female"]


def test_a_proxy_target_derived_by_a_scale(tmp_path):
    path = write(tmp_path, """\
        indicator: mental_health_literacy_female
        derive: {scale: 0.8}
        years: {from: 2024, to: 2026}
        reading: 心理健康素养 runs at about four fifths of general health literacy in the provincial survey.
        """)
    proxy = load_plan(path).targets[0].proxy
    assert (dict(proxy.values), proxy.years, proxy.derived) == ({2025: 24.0}, (2024, 2025, 2026), "scale ×0.8")
    frame = pd.DataFrame({"region": "350111", "year": [2020, 2025], "indicator": "mental_health_literacy_female",
                          "sex": "female", "value": [18.0, 25.0]})
    row = evaluate(frame, load_plan(path), 2025).table.iloc[0]
    assert (row.status, row.target, row.judged_on) == ("attained", 24.0, "mental_health_literacy_female")
