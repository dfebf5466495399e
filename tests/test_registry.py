"""Loaders: bundled files found with importlib.resources, and every problem reported at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import wdmonitor
from wdmonitor import PlanError, UnknownIndicatorError, UnknownPlanError, load_indicators, load_plan
from wdmonitor.vocabulary import Area, Direction, Scale, SexScope, TargetKind

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "plans" / "minimal.yaml"


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_bundled_catalogue_loads_typed_indicators():
    catalogue = load_indicators()
    mmr = catalogue["maternal_mortality_ratio"]
    assert mmr.name_zh == "孕产妇死亡率"
    assert mmr.unit == "per_100k"
    assert mmr.direction is Direction.LOWER
    assert mmr.scale is Scale.GEOMETRIC
    assert mmr.sex_scope is SexScope.FEMALE
    assert mmr.area is Area.HEALTH
    assert catalogue["cervical_cancer_screening_rate"].natural_limit == 100.0


def test_minimal_plan_loads_with_derived_years_and_baseline():
    plan = load_plan(MINIMAL)
    assert (plan.midterm_year, plan.final_year) == (2025, 2030)
    assert plan.jurisdiction.code == "211400"
    assert plan.baseline_for("maternal_mortality_ratio").value == 7.35
    target = plan.targets[0]
    assert target.kind is TargetKind.AT_MOST
    assert dict(target.values) == {2025: 10.5, 2030: 10.0}
    assert [g.id for g in plan.goals] == ["health-2", "education-4", "decision_making-2", "family-1"]
    assert plan.targets[-1].kind is TargetKind.QUALITATIVE


def test_to_frame_has_one_row_per_target_year():
    frame = load_plan(MINIMAL).to_frame()
    for column in ["area", "goal_no", "indicator", "name_zh", "kind", "year", "value", "lower", "upper", "unit", "text_zh"]:
        assert column in frame.columns
    mmr = frame[frame["target_id"] == "health-2a"]
    assert mmr[["year", "value"]].to_dict("records") == [{"year": 2025, "value": 10.5}, {"year": 2030, "value": 10.0}]
    # a parity target without a band of its own: the rule set's parity_band applies when judged
    parity = frame[frame["kind"] == "parity"].iloc[0]
    assert pd.isna(parity["lower"]) and pd.isna(parity["upper"])


def test_five_year_plan_has_midterm_in_its_third_year(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("period: [2021, 2030]", "period: [2021, 2025]")
    text = text.replace("values: {2025: 10.5, 2030: 10}", "values: {2025: 10.5}")
    plan = load_plan(write(tmp_path, text))
    assert plan.evaluation_years == (2023, 2025)


def test_unknown_plan_id_lists_the_bundled_ones():
    with pytest.raises(UnknownPlanError) as info:
        load_plan("atlantis-2021-2030")
    assert str(info.value).startswith("unknown plan 'atlantis-2021-2030': not a bundled plan (")
    assert isinstance(info.value, KeyError)


def test_every_problem_of_a_plan_is_reported_at_once(tmp_path):
    path = write(
        tmp_path,
        """\
        id: broken
        title_zh: 坏规划
        title_en: Broken plan
        jurisdiction: {code: "2114", name_zh: 某市, level: city}
        period: [2021, 2030]
        baseline_year: 2020
        colour: blue
        goals:
          - area: health
            goal_no: 1
            text_zh: 宫颈癌人群筛查率达到170%以上
            targets:
              - {indicator: cervical_cancer_screening_rate, kind: atleast, value: 70}
              - {indicator: cervical_cancer_screening_rate, kind: at_least, value: 170}
              - {indicator: cervix_screening, kind: at_least, value: 70}
              - {indicator: maternal_mortality_ratio, kind: at_most, value: 10, unit: 岁}
          - area: wealth
            goal_no: 2
            text_zh: 财富
        """,
    )
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value) == "\n".join(
        [
            "7 problems found / 发现7个问题:",
            f"  - {path}, colour: unknown key; allowed keys are baseline_year, baselines, draft, goals, id, indicators, jurisdiction, notes, period, regions, source_document, title_en, title_zh (got 'colour') / 未知的键",
            f"  - {path}, jurisdiction.code: code must be a six-digit GB/T 2260 code written as text (got '2114') / 地区代码须为6位GB/T 2260代码",
            f"  - {path}, goals[0].targets[0].kind: kind must be one of at_least, at_most, around, band, maintain_at_least, maintain_at_most, increase, decrease, slower_increase, gap_narrowing, parity, relative_to, relative_to_baseline, count, coverage, qualitative (got 'atleast') / kind取值必须为 at_least, at_most, around, band, maintain_at_least, maintain_at_most, increase, decrease, slower_increase, gap_narrowing, parity, relative_to, relative_to_baseline, count, coverage, qualitative 之一",
            f"  - {path}, goals[0].targets[1].values.2030: a percent target must lie between 0 and 100 (got 170.0) / 百分比目标须在0到100之间",
            f"  - {path}, goals[0].targets[2].indicator: indicator must be a catalogue id (did you mean cervical_cancer_screening_rate?) (got 'cervix_screening') / 指标须为目录中的编号",
            f"  - {path}, goals[0].targets[3].unit: unit must be convertible to the indicator's unit per_100k (got '岁') / 单位须可换算为指标单位 per_100k",
            f"  - {path}, goals[1].area: area must be one of health, education, economy, decision_making, social_security, family, environment, law (got 'wealth') / area取值必须为 health, education, economy, decision_making, social_security, family, environment, law 之一",
        ]
    )
    assert len(info.value.problems) == 7


def test_duplicate_ids_in_a_catalogue_are_refused(tmp_path):
    path = write(
        tmp_path,
        """\
        indicators:
          - {id: a, name_zh: 甲, name_en: A, area: health, unit: "%", direction: higher, sex_scope: female}
          - {id: a, name_zh: 乙, name_en: B, area: health, unit: 公斤, direction: up, sex_scope: female}
        """,
        "catalogue.yaml",
    )
    with pytest.raises(PlanError) as info:
        load_indicators(path)
    assert str(info.value) == "\n".join(
        [
            "2 problems found / 发现2个问题:",
            f"  - {path}, indicators[1].direction: direction must be one of higher, lower, none (got 'up') / direction取值必须为 higher, lower, none 之一",
            f"  - {path}, indicators[1].unit: unit must be a known unit (%, /10万, ‰, 岁, 人, 所, ratio …) (got '公斤') / 单位无法识别",
        ]
    )


def test_duplicate_id_alone_is_named(tmp_path):
    path = write(
        tmp_path,
        """\
        indicators:
          - {id: a, name_zh: 甲, name_en: A, area: health, unit: "%", direction: higher, sex_scope: female}
          - {id: a, name_zh: 乙, name_en: B, area: health, unit: "%", direction: higher, sex_scope: female}
        """,
        "catalogue.yaml",
    )
    with pytest.raises(PlanError) as info:
        load_indicators(path)
    assert str(info.value) == (
        "1 problem found / 发现1个问题:\n"
        f"  - {path}, indicators[1].id: indicator ids must be unique; this id is defined twice (got 'a') / 指标编号重复"
    )


def test_python_tags_are_refused_by_safe_load(tmp_path):
    path = write(tmp_path, "id: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    message = str(info.value)
    assert message.startswith(f"1 problem found / 发现1个问题:\n  - {path}, line 1, column 5: the file must be valid YAML (safe subset: no Python tags)")
    assert "python/object/apply:os.system" in message


def test_non_yaml_content_is_a_plan_error(tmp_path):
    path = write(tmp_path, "goals: [unclosed\n")
    with pytest.raises(PlanError, match="the file must be valid YAML"):
        load_plan(path)


def test_relative_to_needs_a_catalogue_reference(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("reference: female_share_party_members", "reference: nothing_here")
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert str(info.value).endswith(
        "goals[2].targets[0].reference: relative_to needs reference: a catalogue indicator id (got 'nothing_here') / relative_to须指定参照指标"
    )


def test_plan_indicator_lookup_names_close_matches():
    plan = load_plan(MINIMAL)
    with pytest.raises(UnknownIndicatorError) as info:
        plan.indicator("maternal_mortality")
    assert str(info.value) == (
        "unknown indicator 'maternal_mortality': not in the catalogue; did you mean maternal_mortality_ratio? / "
        "未知指标 'maternal_mortality'：目录中没有该指标"
    )


def test_definitions_render_as_html_in_notebooks():
    plan = load_plan(MINIMAL)
    html = plan._repr_html_()
    assert "示例市妇女发展规划" in html and "Example City" in html and "孕产妇死亡率" in html
    indicator_html = plan.indicators["maternal_mortality_ratio"]._repr_html_()
    assert "孕产妇死亡率 / Maternal mortality ratio" in indicator_html
    assert "health-2a" in plan.targets[0]._repr_html_()


def test_definitions_are_frozen():
    import dataclasses

    plan = load_plan(MINIMAL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.id = "other"  # type: ignore[misc]


@pytest.mark.slow
def test_data_files_are_found_from_a_built_wheel(tmp_path):
    root = Path(__file__).parents[1]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("wdmonitor-*.whl"))
    code = (
        "import wdmonitor, sys; "
        "assert wdmonitor.__file__.startswith(sys.argv[1]), wdmonitor.__file__; "
        "plans = wdmonitor.list_plans(); assert plans, plans; "
        "[wdmonitor.load_plan(p) for p in plans]; "
        "print(len(wdmonitor.load_indicators()), len(plans))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(wheel)],
        env={"PYTHONPATH": str(wheel), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    n_indicators, n_plans = map(int, result.stdout.split())
    assert n_indicators == len(load_indicators())
    assert n_plans == len(wdmonitor.list_plans())


def test_data_files_are_found_from_the_editable_install():
    assert Path(wdmonitor.__file__).parent.name == "wdmonitor"
    assert wdmonitor.list_plans() == sorted(p.stem for p in (Path(wdmonitor.__file__).parent / "plans").glob("*.yaml"))


def test_importing_wdmonitor_leaves_heavy_libraries_for_later():
    """Import cost matters in notebooks: pandera, pint, scipy, statsmodels and matplotlib load on first use."""
    import subprocess
    import sys

    code = ("import sys, wdmonitor; print(sorted(m for m in ('pandera', 'pint', 'scipy', 'statsmodels', 'matplotlib', 'openpyxl') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
