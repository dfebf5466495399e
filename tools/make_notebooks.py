"""Build the example notebooks in ``notebooks/`` from the Python source below.

The notebooks are written here, cell by cell, so that a change to them is reviewed as an
ordinary Python diff; the ``.ipynb`` files are generated, committed without outputs, and
executed by ``tests/test_notebooks.py``.

    python tools/make_notebooks.py            # (re)write notebooks/*.ipynb
    python tools/make_notebooks.py --check    # exit 1 when a committed notebook is stale

Cells are given as ``md(...)`` (Markdown) and ``code(...)`` (Python); cell ids are derived
from the notebook's name and the cell's position so that rebuilding gives identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def md(text: str) -> tuple[str, str]:
    return ("markdown", dedent(text).strip("\n"))


def code(text: str) -> tuple[str, str]:
    return ("code", dedent(text).strip("\n"))


def embedded(variable: str, content: str, quotes: str, rest: str) -> tuple[str, str]:
    """A code cell assigning ``content`` to ``variable`` as a triple-quoted literal, then ``rest``."""
    assert quotes not in content and "\\" not in content
    return ("code", f"{variable} = {quotes}\\\n{content}{quotes}\n" + dedent(rest).strip("\n"))


SYNTHETIC = """
> **注意 / Note**：本笔记本使用的是 wdmonitor 自带的**合成（虚构）样例数据**（葫芦岛市及所辖6个县级单位，2020—2024年），
> 数值由固定随机种子生成，**不是真实统计数据**，不能用于任何实际判断。
> The data used here are the **SYNTHETIC sample** shipped with wdmonitor (葫芦岛市 and its six county-level
> units, 2020–2024), drawn from a fixed seed. **They are not real statistics.**
"""

SETUP = """
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import wdmonitor as wm
from wdmonitor.sample import faulty_workbook_path, load_sample, sample_path

pd.set_option("display.max_columns", 40)
pd.set_option("display.width", 200)

# every file this notebook writes goes to a temporary folder, never into the repository
work = Path(tempfile.mkdtemp(prefix="wdmonitor-{name}-"))
print("working directory / 工作目录:", work)
"""


# ---------------------------------------------------------------------------------------------
# 01 quickstart
# ---------------------------------------------------------------------------------------------
QUICKSTART = [
    md("""
    # 01 快速入门 / Quickstart

    从加载规划到得出评估结论的最短路径：加载规划 → 读取并校验报送数据 → 评估 → 查看汇总。

    The shortest path from a plan to a verdict: load the plan → read and validate a submission →
    evaluate → look at the summary.
    """),
    md(SYNTHETIC),
    code(SETUP.format(name="01")),
    md("""
    ## 1. 加载规划 / Load the plan

    `wm.load_plan` 按名称加载随库发布的规划（`wm.list_plans()` 列出全部），返回不可变的 `Plan` 对象，
    在 Jupyter 中显示为表格。中期评估年份和终期评估年份由规划期推导。

    `wm.load_plan` loads a bundled plan by name (`wm.list_plans()` lists them) into a frozen `Plan`,
    shown as a table in Jupyter. The mid-term and final evaluation years follow from the period.
    """),
    code("""
    wm.list_plans()
    """),
    code("""
    plan = wm.load_plan("huludao-2021-2030")
    print(plan.title_zh, "| mid-term 中期:", plan.midterm_year, "| final 终期:", plan.final_year)
    plan
    """),
    code("""
    # one row per target and target year / 每个目标、每个目标年份一行
    plan.to_frame().head(10)
    """),
    md("""
    ## 2. 读取并校验报送数据 / Read and validate a submission

    `wm.read_submission` 读取部门报送的 CSV 或 Excel（中文或英文表头、长表或宽表均可），
    `wm.check_submission` 按规划逐行校验，返回 `SubmissionReport`：`.valid` 为通过校验的规范化数据，
    `.failure_cases` 逐条列出问题，`.summary()` 给出一句话汇总。

    `wm.read_submission` reads a department's CSV or Excel file (Chinese or English headers, long or
    wide layout); `wm.check_submission` checks every row against the plan and returns a
    `SubmissionReport`: `.valid` holds the rows that passed, `.failure_cases` lists each problem,
    `.summary()` says it in one line.
    """),
    code("""
    submission = wm.read_submission(sample_path(), plan)
    report = wm.check_submission(submission, plan)
    print(report.summary())
    assert report.ok  # no row refused / 没有被拒收的行
    report.valid.head()
    """),
    code("""
    # warnings do not refuse a row, but are worth reading / 警告不拒收，但值得查看
    report.warnings[["source_row", "column", "value", "check", "message_zh"]].head()
    """),
    md("""
    ### 一份有问题的报表 / A faulty workbook

    样例中还有一份故意写错的部门报表（宽表、中文表头）：未知指标名称、数值写成文字、百分比超过100、
    未知地区、年份超出规划期、分子大于分母、性别不符、重复报送。校验报告指出每个问题所在的文件、行和列，
    `.to_excel` 可将其写成发回给报送部门的 Excel 文件。

    The sample also ships a deliberately faulty department workbook: an unknown indicator name, text
    in a number, a percentage over 100, an unknown region, a year outside the period, a numerator
    larger than its denominator, the wrong sex, duplicate rows. The report names the file, row and
    column of each; `.to_excel` writes it as a workbook to send back to the department.
    """),
    code("""
    faulty = wm.read_submission(faulty_workbook_path(), plan)
    faulty_report = wm.check_submission(faulty, plan)
    print(faulty_report.summary())
    assert not faulty_report.ok
    faulty_report.failure_cases[["source_row", "column", "value", "check", "message_zh", "message_en"]]
    """),
    code("""
    returned = faulty_report.to_excel(work / "校验结果_村委会.xlsx")
    print("written / 已写出:", returned.name)
    """),
    md("""
    ## 3. 评估 / Evaluate

    `wm.evaluate(frame, plan)` 默认在规划的中期年份（2025年）评估每个目标、每个地区、每个性别。
    样例数据只到2024年，因此2025年的判断使用2024年的数据，并在 `provisional` 列标记为“暂定”。
    数据先经过校验；未通过校验时抛出 `SubmissionError`。

    `wm.evaluate(frame, plan)` judges every target for every region and sex at the plan's mid-term
    year (2025) by default. The sample ends in 2024, so the 2025 verdicts use the 2024 values and
    are marked `provisional`. The frame is validated first (a `SubmissionError` when it fails).
    """),
    code("""
    frame = load_sample()
    result = wm.evaluate(frame, plan)
    result
    """),
    code("""
    columns = ["target_id", "name_zh", "region_name", "sex", "target", "value", "data_year", "provisional",
               "status", "progress_class", "trace"]
    result.table[result.table["region"] == plan.jurisdiction.code][columns].head(10)
    """),
    md("""
    ## 4. 汇总 / The summary

    `result.summary()` 按领域统计目标数、可评估目标数、各状态数和达标率（`attainment_rate`）：
    达标率 =（提前实现 + 已实现 + 基本实现）/ 可评估目标数；无法评估和待评估（定性目标）的数目单列，不计入分母。

    `result.summary()` counts, per area, the targets, the assessable targets, each status and the
    attainment rate 达标率 = (attained early + attained + basically attained) / assessable targets;
    not-assessable and needs-assessment (qualitative) targets stand beside it.
    """),
    code("""
    summary = result.summary()
    total = summary.set_index("area").loc["total"]
    print(f"达标率 attainment rate: {total['attainment_rate']:.1%} of {total['assessable']} assessable targets")
    summary
    """),
    code("""
    # what produced these numbers / 结果的来源
    result.provenance
    """),
    md("""
    下一步 / Next: `02_annual_monitoring.ipynb`（年度监测与预警 / annual monitoring and early warning）。
    """),
]


# ---------------------------------------------------------------------------------------------
# 02 annual monitoring and early warning
# ---------------------------------------------------------------------------------------------
ANNUAL = [
    md("""
    # 02 年度监测与预警 / Annual monitoring and early warning

    每年的监测：2024年度监测报告、按严重程度查看预警、带预测区间的指标轨迹图，以及监测数据库的完整流程：
    下发模板 → 部门填报 → 校验 → 入库 → 从数据库评估。

    The yearly cycle: the 2024 monitoring report, the warnings by severity, a trajectory chart with
    its projection, and the monitoring database: template out, workbook in, validated, stored,
    evaluated from the store.
    """),
    md(SYNTHETIC),
    code(SETUP.format(name="02")),
    code("""
    plan = wm.load_plan("huludao-2021-2030")
    frame = load_sample()
    """),
    md("""
    ## 1. 2024年度监测报告 / The 2024 annual report

    `wm.annual_report(frame, plan, 2024)` 为每个数值目标 × 地区 × 性别列出最新值及其年份、
    相对终期目标的进展分类，以及最严重的预警及其说明。`.flags` 是报告背后的全部预警。

    `wm.annual_report(frame, plan, 2024)` gives, for every numeric target × region × sex, the latest
    value and year, the progress class against the final target and the worst warning with its
    message. `.flags` holds every flag behind it.
    """),
    code("""
    report = wm.annual_report(frame, plan, 2024)
    report
    """),
    code("""
    city = plan.jurisdiction.code
    columns = ["name_zh", "sex", "latest_year", "latest_value", "final_target_value", "progress_class_zh",
               "severity_zh", "checks", "message_zh"]
    # the city's rows with a warning, worst first / 全市有预警的行，最严重的在前
    rank = {"alert": 0, "warning": 1, "watch": 2, "none": 3}
    warned = report.table[(report.table["region"] == city) & (report.table["severity"] != "none")]
    warned.sort_values("severity", key=lambda s: s.map(rank), kind="stable")[columns]
    """),
    md("""
    ## 2. 按严重程度查看预警 / Warnings by severity

    预警类型：W1 预计达标困难（projected_miss），W2 波动较大（volatility），W3 退步（deterioration），
    W4 差距扩大（gap_widening），以及数据问题（data）。严重程度：none（提示）< watch（关注）< warning（预警）< alert（警报）。

    Checks: W1 projected miss, W2 volatility, W3 deterioration, W4 widening gap, and data problems.
    Severity: none (informational) < watch < warning < alert.
    """),
    code("""
    flags = report.flags
    severity_order = ["alert", "warning", "watch", "none"]
    pd.crosstab(flags["check"], flags["severity"]).reindex(columns=severity_order, fill_value=0)
    """),
    code("""
    # the alerts for the city itself / 全市层面的警报
    alerts = flags[(flags["severity"] == "alert") & (flags["region"] == city)]
    alerts[["name_zh", "sex", "check", "target_year", "message_zh", "message_en"]]
    """),
    md("""
    样例数据中刻意设计了几个“故事”：全市村委会成员中女性比例逐年下降、逼近30%的底线（W3 退步、W1 预计达标困难），
    男女收入差距扩大（W4），兴城市2024年宫颈癌筛查率突增（W2 波动）。

    The synthetic sample has stories built in: the women's share of village committee members falls
    towards its 30% floor (W3, W1), the male–female income gap widens (W4), and 兴城市's cervical
    cancer screening jumps in 2024 (W2).
    """),
    code("""
    stories = flags[
        ((flags["indicator"] == "income_gap_male_female") & (flags["check"] == "W4"))
        | ((flags["indicator"] == "cervical_cancer_screening_rate") & flags["check"].str.startswith("W2"))
    ]
    stories[["name_zh", "region_name", "sex", "check", "severity", "message_zh"]].head(10)
    """),
    md("""
    `method` 参数选择预测方法：`trend`（近5年趋势，默认）、`ols`（最小二乘，带预测区间和达标概率）、
    `escap`（ESCAP 时间加权回归）。

    `method` chooses the projection: `trend` (recent trend, the default), `ols` (least squares, with
    a prediction interval and the probability of meeting the target) or `escap` (ESCAP's
    time-weighted regression).
    """),
    code("""
    ols = wm.flag_early_warnings(frame, plan, as_of=2024, method="ols")  # an EarlyWarnings result
    ols_flags = ols.table
    w1 = ols_flags[(ols_flags["check"] == "W1") & (ols_flags["region"] == city)]
    w1[["name_zh", "sex", "target_year", "target", "projection", "lower", "upper", "probability", "severity"]]
    """),
    md("""
    ## 3. 指标轨迹与预测 / A trajectory with its projection

    `wdmonitor.trends.project_series` 将一个序列逐年外推到终期，`plot_trajectory` 画出监测值、目标值、
    中期与终期年份以及预测值和95%预测区间。

    `wdmonitor.trends.project_series` projects one series year by year to the final year;
    `plot_trajectory` draws the observed values, the targets, the mid-term and final years and the
    projection with its 95% prediction interval.
    """),
    code("""
    from wdmonitor.plotting import plot_trajectory
    from wdmonitor.trends import project_series

    indicator = "female_share_village_committee_members"
    projection = project_series(frame, plan, indicator, city, method="ols", to_year=plan.final_year)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    plot_trajectory(frame, plan, indicator, region=city, projection=projection, ax=ax)
    plt.show()
    projection
    """),
    md("""
    ## 4. 监测数据库 / The monitoring database

    `wm.Store` 是一个 SQLite 文件：每次报送都经过校验后整体入库（全部通过才入库），保留报送部门、时间和文件哈希；
    同一键的新数据取代旧数据但不删除旧版本。

    A `wm.Store` is one SQLite file: each submission is validated and stored all or nothing, with
    who sent it, when, and the file's hash; a later value for the same key supersedes the earlier one
    without erasing it.

    ### 4.1 历年数据入库 / Earlier years into the store

    先把样例中除卫健委2024年数据以外的全部数据作为一次历史报送入库。

    First the whole sample except 卫健委's 2024 figures goes in as one earlier submission.
    """),
    code("""
    department = "卫健委"
    health = [i for i in frame["indicator"].unique() if plan.indicators[i].source == department]
    due = frame["indicator"].isin(health) & (frame["year"] == 2024)

    store = wm.Store(work / "监测库.sqlite", plan)
    store.add(frame[~due], department="各部门（历年数据）", submitted_at="2024-04-01", note="2020—2023年及其他部门")
    store
    """),
    md("""
    ### 4.2 下发模板 / Template out

    `wm.write_template` 为卫健委生成2024年的填报模板（数据表 + 说明表，双语表头，单位已填好）。

    `wm.write_template` writes 卫健委's 2024 template: a data sheet with bilingual headers and the
    units filled in, and an instructions sheet.
    """),
    code("""
    template_path = wm.write_template(plan, work / "卫健委_2024_模板.xlsx", department=department, years=[2024])
    template = pd.read_excel(template_path, sheet_name="数据 data", dtype={"地区代码 region": str})
    print(len(template), "rows to fill / 行待填")
    template.head()
    """),
    md("""
    ### 4.3 部门填报 / The department fills it in

    这里用样例数据模拟卫健委的填报：按地区、年份、指标、性别等键填入数值和分子分母。

    Here the synthetic sample stands in for the department: values, numerators and denominators are
    filled in by key.

    两点说明 / Two remarks:

    * 孕产妇死亡率有城乡差距目标，模板因此同时列出城镇、乡村和合计三行。
      Maternal mortality has an urban–rural gap target, so the template lists urban, rural and total rows.
    * 建昌县2024年妇女健康素养水平尚未上报，该行数值留空。按模板说明，无数据即留空：校验把它列为“无数据”
      （`no_data`），不算错误，其余各行照常入库。
      建昌县 has not reported its 2024 health literacy, so that value is left blank. As the template's
      instructions say, a blank means no data: validation lists the row as `no_data`, not as an error,
      and the other rows are stored as usual.
    """),
    code("""
    keys = ["region", "year", "indicator", "sex", "area_type", "age_group"]
    english = {column: column.split(" ")[-1] for column in template.columns}  # "数值 value" -> "value"
    blank = template.rename(columns=english).drop(columns=["value", "numerator", "denominator"])
    filled = blank.merge(frame[keys + ["value", "numerator", "denominator"]], on=keys, how="left")
    filled = filled.rename(columns={v: k for k, v in english.items()})
    workbook = work / "卫健委_2024.xlsx"
    filled.to_excel(workbook, sheet_name="数据 data", index=False)
    print(len(filled), "rows written / 行已填写;", int(filled["数值 value"].isna().sum()), "left blank / 行留空")
    """),
    md("""
    ### 4.4 校验与入库 / Validated and stored
    """),
    code("""
    received = wm.read_submission(workbook, plan)
    checked = wm.check_submission(received, plan)
    print(checked.summary())
    checked.failure_cases[["source_row", "column", "check", "severity", "message_zh"]]
    """),
    code("""
    # the blank row is no data, not an error: the workbook is stored / 留空行为无数据而非错误，整份报送入库
    receipt = store.add(workbook, department=department, submitted_at="2025-03-15",
                        note="2024年数据（建昌县妇女健康素养水平未报）")
    print(receipt)
    store.submissions()[["department", "submitted_at", "source_name", "n_rows", "note"]]
    """),
    md("""
    ### 4.5 更正与版本 / A correction and its history

    后来的报送覆盖同一键的旧值；`store.history` 列出一个键的全部版本，`store.frame(as_of=...)` 给出某一时点已知的数据。

    A later submission supersedes a key's value; `store.history` lists every version of a key and
    `store.frame(as_of=...)` returns the figures as known at a date.
    """),
    code("""
    key = {"region": "211421", "year": 2024, "indicator": "maternal_systematic_management_rate", "sex": "female"}
    old = frame[(frame["region"] == key["region"]) & (frame["year"] == 2024) & (frame["indicator"] == key["indicator"])]
    correction = old[keys + ["value", "numerator", "denominator"]].assign(
        numerator=old["numerator"] + 10, value=(old["numerator"] + 10) / old["denominator"] * 100)
    store.add(correction, department=department, submitted_at="2025-04-20", note="绥中县更正 / correction")
    store.history(key)[["value", "numerator", "denominator", "department", "submitted_at", "note", "current"]]
    """),
    code("""
    before = store.frame(as_of="2025-04-01")
    pick = lambda f: f.loc[(f["region"] == key["region"]) & (f["year"] == 2024) & (f["indicator"] == key["indicator"]), "value"].item()
    print("as known on 2025-04-01 / 截至2025-04-01:", round(pick(before), 3), "| now / 现在:", round(pick(store.frame()), 3))
    """),
    md("""
    ### 4.6 从数据库评估 / Evaluated from the store

    `store.frame()` 返回每个键的最新版本；评估结果的 `provenance` 记录数据库的状态，便于复现。
    取更正之前的时点，从数据库评估与直接评估样例数据的结论完全一致。

    `store.frame()` returns the latest version of every key; the evaluation's `provenance` records
    the store's state. Read as of before the correction, the store gives the same verdicts as the
    sample itself.
    """),
    code("""
    from_store = wm.evaluate(store.frame(), plan)
    from_store.provenance["store"]
    """),
    code("""
    as_sent = wm.evaluate(store.frame(as_of="2025-04-01"), plan)
    direct = wm.evaluate(frame, plan)
    key_columns = ["target_id", "region", "sex", "area_type"]
    compared = as_sent.table[key_columns + ["status"]].merge(direct.table[key_columns + ["status"]], on=key_columns,
                                                              suffixes=("_store", "_sample"))
    assert len(compared) == len(direct.table)
    assert (compared["status_store"] == compared["status_sample"]).all()
    from_store.summary()[["area_zh", "targets", "assessable", "attainment_rate"]]
    """),
]


# ---------------------------------------------------------------------------------------------
# 03 mid-term tables
# ---------------------------------------------------------------------------------------------
MIDTERM = [
    md("""
    # 03 中期评估报告用表 / Mid-term evaluation tables for a report

    中期评估（2025年）报告所需的表和图：总体汇总、各领域分表、各县区汇总、状态热力图、导出 Excel。

    The tables and charts a mid-term (2025) evaluation report needs: the overall summary, a table
    per area, the summary per county, the status heatmap, and the Excel export.
    """),
    md(SYNTHETIC),
    code(SETUP.format(name="03")),
    code("""
    plan = wm.load_plan("huludao-2021-2030")
    frame = load_sample()
    result = wm.evaluate(frame, plan)  # the mid-term year by default / 默认中期年份
    print(result.stage, result.year)
    """),
    md("""
    ## 1. 总体汇总 / The overall summary

    表1：各领域目标实现情况（全市）。达标率 =（提前实现 + 已实现 + 基本实现）/ 可评估目标数。
    2025年的结论基于2024年数据，为暂定结论。

    Table 1: status of the targets by area (city). 达标率 = (attained early + attained + basically
    attained) / assessable targets. The 2025 verdicts rest on 2024 data and are provisional.
    """),
    code("""
    headers = {"area_zh": "领域", "goals": "主要目标数", "targets": "目标数", "assessable": "可评估",
               "attained_early": "提前实现", "attained": "已实现", "basically_attained": "基本实现",
               "not_attained": "未实现", "not_assessable": "无法评估", "needs_assessment": "待评估",
               "attainment_rate": "达标率"}
    table1 = result.summary()[list(headers)].rename(columns=headers)
    table1.style.format({"达标率": "{:.1%}"}, na_rep="—").hide(axis="index")
    """),
    code("""
    from wdmonitor.plotting import plot_status_summary

    # one row per target (a target judged for women and men counts once), as in the summary table
    # 每个目标一行（分性别评估的目标只计一次），与汇总表一致
    fig, ax = plt.subplots(figsize=(8, 4))
    plot_status_summary(result.target_status(), ax=ax)
    plt.show()
    """),
    md("""
    ## 2. 各领域分表 / One table per area

    每个目标一行：目标值、2024年监测值、状态、终期目标的判断和进展分类。这里以“妇女与健康”领域为例；
    `result.to_excel` 会为每个领域各写一个工作表。

    One row per target: target, 2024 value, status, the verdict against the final target and the
    progress class. Shown here for the health area; `result.to_excel` writes one sheet per area.
    """),
    code("""
    city_rows = result.table[result.table["region"] == plan.jurisdiction.code]
    per_area = {area: rows for area, rows in city_rows.groupby("area", sort=False)}
    print({area: len(rows) for area, rows in per_area.items()})
    columns = {"target_id": "目标", "name_zh": "指标", "sex": "性别", "target": "目标值", "value": "监测值",
               "data_year": "数据年份", "status": "中期状态", "final_target_value": "终期目标值",
               "final_status": "终期判断", "progress_class": "进展"}
    per_area["health"][list(columns)].rename(columns=columns)
    """),
    md("""
    每个结论都有 `trace` 一列，写明得出结论的数字，便于核对：

    Every verdict carries a `trace` with the numbers that produced it:
    """),
    code("""
    for line in per_area["health"]["trace"].head(3):
        print(line)
    """),
    md("""
    ## 3. 各县区 / Per county

    `result.summary(region=...)` 给出某一县区的汇总；`result.to_markdown(region)` 生成可粘贴进报告的 Markdown。

    `result.summary(region=...)` summarises one county; `result.to_markdown(region)` gives Markdown
    to paste into a report.
    """),
    code("""
    names = {r.code: r.name_zh for r in (plan.jurisdiction, *plan.regions)}
    rates = pd.DataFrame({
        names[code]: result.summary(region=code).set_index("area_zh")["attainment_rate"]
        for code in names
    })
    rates.style.format("{:.1%}", na_rep="—")
    """),
    code("""
    print(result.to_markdown(plan.regions[0].code)[:1500])
    """),
    md("""
    ## 4. 状态热力图 / The status heatmap

    领域 × 地区：每格取该领域最不利的状态，只要有一个目标未实现就显示为红色，所以这张图适合找出“全部实现”的格子；
    某一领域内的指标 × 地区更适合报告。灰色为无法评估（如建昌县2024年妇女健康素养水平未报）。

    Areas × regions: each cell shows the area's least favourable status, so one target not attained
    makes it red; it finds the cells where everything is attained. Indicators × regions within one
    area suit a report better. Grey is not assessable (建昌县 has not reported 2024 health literacy).
    """),
    code("""
    from wdmonitor.plotting import plot_status_heatmap

    fig, ax = plt.subplots(figsize=(9, 4))
    plot_status_heatmap(result.table, rows="area", plan=plan, ax=ax)
    plt.show()
    """),
    code("""
    fig, ax = plt.subplots(figsize=(9, 7))
    plot_status_heatmap(result.table[result.table["area"] == "health"], rows="indicator", plan=plan, ax=ax)
    plt.show()
    """),
    md("""
    一个指标的轨迹：传入 `evaluation=result` 时，图中还会画出评估所用的序时进度目标（空心圆）——
    规划只规定了2030年目标时，2025年按基期到目标的时间比例计算的中期目标。

    One indicator's trajectory: with `evaluation=result` the chart also shows the time-proportional
    milestone the evaluation used (hollow circle), the 2025 target interpolated from the baseline
    when the plan states only a 2030 target.
    """),
    code("""
    from wdmonitor.plotting import plot_trajectory
    from wdmonitor.trends import project_series

    city, indicator = plan.jurisdiction.code, "cervical_cancer_screening_rate"
    projection = project_series(frame, plan, indicator, city, method="ols")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    plot_trajectory(frame, plan, indicator, region=city, projection=projection, evaluation=result, ax=ax)
    plt.show()
    result.table.loc[(result.table["region"] == city) & (result.table["indicator"] == indicator), ["target", "trace"]]
    """),
    md("""
    报告所需的全部图表可用 `write_charts` 一次写成 PNG 文件（命令行：`wdmonitor evaluate ... --charts 目录`）。

    `write_charts` writes all of the report's charts as PNG files at once (from a shell:
    `wdmonitor evaluate ... --charts DIR`).
    """),
    code("""
    from wdmonitor.plotting import write_charts

    charts = write_charts(result, frame, work / "charts")
    print(len(charts), "charts:", ", ".join(p.name for p in charts[:4]), "…")
    """),
    md("""
    ## 5. 导出 / Export

    `to_excel` 写出可直接用于报告的工作簿：汇总表（达标率按百分比）、每个领域一个工作表（按规划顺序，
    中文状态与着色，数值按指标的小数位显示）、计算过程和来源信息；`to_csv` 写出同样的表格；`to_docx`
    写出中期评估报告的 Word 草稿，`to_html` 写出可在浏览器中打开的网页。`lang="en"` 输出英文。
    这里写到临时目录。

    `to_excel` writes a report-ready workbook: the summary (达标率 as percentages), one sheet per
    area in the plan's order (statuses by name and coloured, numbers at each indicator's precision),
    the trace and the provenance; `to_csv` the same table; `to_docx` the Word draft of the mid-term
    report and `to_html` a page to open in a browser. `lang="en"` writes them in English. All go to
    the temporary folder here.
    """),
    code("""
    excel = result.to_excel(work / "中期评估_2025.xlsx")
    csv = result.to_csv(work / "中期评估_2025.csv")
    draft = result.to_docx(work / "中期评估报告.docx", charts=False)
    page = result.to_html(work / "中期评估报告.html", charts=False)
    sheets = pd.ExcelFile(excel).sheet_names
    print(excel.name, sheets)
    print(csv.name, csv.stat().st_size, "bytes;", draft.name, draft.stat().st_size, "bytes;", len(page), "characters of HTML")
    assert len(sheets) >= 1 + len(per_area)
    """),
    code("""
    pd.read_excel(excel, sheet_name=sheets[0]).head(12)
    """),
]


# ---------------------------------------------------------------------------------------------
# 04 final evaluation, regions and ranking
# ---------------------------------------------------------------------------------------------
FINAL = [
    md("""
    # 04 终期评估、地区汇总与排序 / Final evaluation, regions and ranking

    终期（2030年）评估、县区汇总到市、县区排序和性别差距图。

    The final (2030) evaluation, counties aggregated to the city, the ranking of the counties and a
    sex-gap chart.
    """),
    md(SYNTHETIC),
    code(SETUP.format(name="04")),
    code("""
    plan = wm.load_plan("huludao-2021-2030")
    frame = load_sample()
    """),
    md("""
    ## 1. 终期评估 / The final evaluation

    `wm.evaluate(frame, plan, plan.final_year)` 在2030年评估。样例数据只到2024年：评估年份之前一年的数据可作为
    暂定结论（provisional）使用，更早的数据不能代表2030年的情况，因此所有数值目标都是“无法评估”（not_assessable），
    定性目标是“待评估”（needs_assessment）。真实的终期评估要等2030年（或至少2029年）的数据报送后进行。
    在此之前，进展（`progress`、`progress_class`）仍按最新数据计算，可用于排序和预警。

    `wm.evaluate(frame, plan, plan.final_year)` evaluates at 2030. The sample ends in 2024: data of
    the year before the evaluation year may stand in as a provisional verdict, older data cannot
    speak for 2030, so every numeric target is `not_assessable` and every qualitative one
    `needs_assessment`. A real final evaluation waits for the 2030 (or at least 2029) figures.
    Progress (`progress`, `progress_class`) is still computed from the latest data, and the ranking
    and the warnings use it.
    """),
    code("""
    final = wm.evaluate(frame, plan, plan.final_year)
    print(final.stage, final.year)
    final.table["status"].value_counts()
    """),
    code("""
    assert set(final.table["status"]) <= {"not_assessable", "needs_assessment"}
    final.summary()[["area_zh", "targets", "assessable", "not_assessable", "needs_assessment", "attainment_rate"]]
    """),
    code("""
    city = plan.jurisdiction.code
    columns = ["target_id", "name_zh", "sex", "target_year", "target", "latest_year", "latest_value", "status",
               "progress", "progress_class"]
    final.table[(final.table["region"] == city) & (final.table["kind"] != "qualitative")][columns].head(10)
    """),
    md("""
    作为对照，中期（2025年）评估使用2024年数据得出暂定结论：

    For comparison, the mid-term (2025) evaluation reaches provisional verdicts from the 2024 data:
    """),
    code("""
    midterm = wm.evaluate(frame, plan)
    pd.DataFrame({"mid-term 2025": midterm.table["status"].value_counts(),
                  "final 2030": final.table["status"].value_counts()}).fillna(0).astype(int)
    """),
    md("""
    ## 2. 县区汇总到市 / Counties aggregated to the city

    `wm.aggregate` 由各县区数据汇总出市级数据：比率和比例由分子、分母之和重新计算（不取平均），人数、机构数等
    计数直接相加；只有数值没有分子分母的比率，除非给出权重列，否则拒绝汇总并说明原因。

    `wm.aggregate` builds the city's rows from its counties: rates and shares from the summed
    numerators and denominators (never averaged), counts summed; a value sent without counts is
    refused unless a weight column is named, and the error says which.
    """),
    code("""
    counties = frame[frame["region"] != city]
    try:
        wm.aggregate(counties, plan)
    except wm.AggregationError as error:
        lines = str(error).splitlines()
        print("\\n".join(lines[:4]), f"\\n… ({len(lines) - 4} more lines)")
    """),
    code("""
    units = counties["indicator"].map(lambda i: plan.indicators[i].unit)
    summable = counties[counties["numerator"].notna() | units.isin(["person", "institution"])]
    aggregated = wm.aggregate(summable, plan)
    print(len(aggregated), "city rows from", len(summable), "county rows /", aggregated["indicator"].nunique(), "indicators")
    aggregated.head()
    """),
    code("""
    # the shipped city rows were built the same way / 样例中的市级数据也是这样汇总的
    keys = ["region", "year", "indicator", "sex", "area_type", "age_group"]
    check = aggregated.merge(frame[frame["region"] == city], on=keys, suffixes=("_aggregated", "_sample"))
    difference = (check["value_aggregated"] - check["value_sample"]).abs().max()
    print(f"{len(check)} rows compared, largest difference {difference:.2g}")
    assert len(check) == len(aggregated) and difference < 1e-5
    """),
    code("""
    mmr = aggregated[(aggregated["indicator"] == "maternal_mortality_ratio") & (aggregated["area_type"] == "total")]
    mmr[["year", "numerator", "denominator", "value", "n_regions"]]
    """),
    md("""
    ## 3. 县区排序 / Ranking the counties

    `final.ranking()` 按重点指标（默认为主要目标中的数值目标）排序：先看达标目标占可评估目标的比例，再看平均进展得分
    （进展比率截断到 [−1, 1]，已达标计1）；并列者名次相同。由于2030年尚无可评估目标，这里的排序完全由进展得分决定。
    `indicator_ranking()` 给出每个重点指标下各县区的排序。

    `final.ranking()` ranks the counties on the key indicators (the numeric main-goal targets by
    default): first the share of assessable key targets attained, then the mean progress score (the
    progress ratio clipped to [−1, 1], achieved targets counting 1); ties share a rank. With nothing
    assessable yet at 2030, the progress score alone decides here. `indicator_ranking()` ranks the
    counties per key indicator.
    """),
    code("""
    ranking = final.ranking()
    ranking
    """),
    code("""
    midterm.ranking()[["rank", "region_name", "assessable", "attained", "attained_share", "mean_score"]]
    """),
    code("""
    by_indicator = final.indicator_ranking()
    by_indicator[by_indicator["indicator"] == "maternal_mortality_ratio"][
        ["region_name", "progress", "progress_class", "score", "rank"]]
    """),
    md("""
    ## 4. 性别差距 / The gap between the sexes

    `plot_sex_gap` 画出同一指标男女两条线及其差距。这里是全市九年义务教育巩固率和男女收入（样例中设计为差距扩大）。
    全市收入是各县区人均收入按（合成的）人口权重加权的平均值：人均收入不是计数，`wm.aggregate` 不会把它相加。

    `plot_sex_gap` draws women's and men's values of one indicator with the gap shaded: here the
    city's compulsory education retention rate and its income, whose gap widens in the synthetic
    sample. The city's income is the counties' per-capita incomes averaged with (synthetic) population weights:
    an income is not a count, and `wm.aggregate` never sums it.
    """),
    code("""
    from wdmonitor.plotting import plot_sex_gap

    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    plot_sex_gap(frame, plan, "compulsory_education_retention_rate", city, ax=axes[0])
    plot_sex_gap(frame, plan, "income_gap_male_female", city, ax=axes[1])
    fig.tight_layout()
    plt.show()
    """),
    code("""
    # the same chart with English labels / 英文标签
    ax = plot_sex_gap(frame, plan, "income_gap_male_female", city, lang="en")
    plt.show()
    """),
]


# ---------------------------------------------------------------------------------------------
# 05 own plan and formula tests
# ---------------------------------------------------------------------------------------------
OWN_PLAN_YAML = '''\
# 一个最小的规划 / a minimal plan (see docs/writing-a-plan.md)
id: demo-2021-2030
title_zh: 示例规划（2021—2030年）
title_en: Demo Women's Development Plan (2021–2030)
jurisdiction: {code: "211400", name_zh: 葫芦岛市, name_en: Huludao, level: city}
regions:
  - {code: "211421", name_zh: 绥中县, name_en: Suizhong County, level: county, parent: "211400"}
  - {code: "211422", name_zh: 建昌县, name_en: Jianchang County, level: county, parent: "211400"}
period: [2021, 2030]
baseline_year: 2020
goals:
  - area: health
    goal_no: 1
    text_zh: 孕产妇死亡率到2025年控制在12/10万以下，到2030年控制在10/10万以下。
    targets:
      - indicator: maternal_mortality_ratio
        kind: at_most
        values: {2025: 12, 2030: 10}
        unit: /10万
        text_zh: 孕产妇死亡率到2025年控制在12/10万以下，到2030年控制在10/10万以下
  - area: decision_making
    goal_no: 1
    text_zh: 村委会成员中女性比例保持在30%以上。
    targets:
      - indicator: female_share_village_committee_members
        kind: maintain_at_least
        value: 30
        unit: "%"
        text_zh: 村委会成员中女性比例保持在30%以上
  - area: education
    goal_no: 1
    text_zh: 在园男童女童比例保持均衡。
    targets:
      - {indicator: kindergarten_enrolment, kind: parity, text_zh: 在园男童女童比例保持均衡}
  - area: family
    goal_no: 1
    text_zh: 大力倡扬新时代家庭观。
'''

FORMULA_TESTS = '''\
"""Tests of two indicator formulas, written the way docs/formulas.md suggests."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from wdmonitor import check_submission, evaluate, load_plan
from wdmonitor.formulas import compute_indicators
from wdmonitor.testing import assert_frame_close, assert_status, submissions

PLAN = load_plan("huludao-2021-2030")
OWN = load_plan("demo_plan.yaml")


def counts(deaths, births, women, men, region="211400", year=2022):
    return pd.DataFrame({
        "region": [region] * 4, "year": [year] * 4,
        "indicator": ["maternal_deaths", "live_births", "village_committee_members", "village_committee_members"],
        "sex": ["female", "total", "female", "male"],
        "value": [deaths, births, women, men],
    })


def test_hand_computed_example():
    # 3 deaths in 25 000 live births = 12 per 100 000; 120 women of 400 members = 30 %
    expected = pd.DataFrame({
        "region": ["211400", "211400"], "year": [2022, 2022],
        "indicator": ["maternal_mortality_ratio", "female_share_village_committee_members"],
        "sex": ["female", "female"], "value": [12.0, 30.0],
        "numerator": [3.0, 120.0], "denominator": [25_000.0, 400.0],
    })
    assert_frame_close(compute_indicators(counts(3, 25_000, 120, 280), PLAN), expected)


@settings(max_examples=25, deadline=None)
@given(deaths=st.integers(0, 50), births=st.integers(1, 100_000), factor=st.integers(2, 50))
def test_scaling_both_counts_leaves_the_ratio_unchanged(deaths, births, factor):
    one = compute_indicators(counts(deaths, births, 1, 1), PLAN)
    scaled = compute_indicators(counts(deaths * factor, births * factor, 1, 1), PLAN)
    assert_frame_close(one, scaled, rtol=1e-9, check_counts=False)


@settings(max_examples=25, deadline=None)
@given(women=st.integers(0, 500), men=st.integers(0, 500))
def test_a_share_stays_within_0_and_100(women, men):
    if women + men == 0:
        return
    frame = compute_indicators(counts(1, 1000, women, men), PLAN)
    share = frame.loc[frame["indicator"] == "female_share_village_committee_members", "value"].item()
    assert 0 <= share <= 100
    assert abs(share - 100 * women / (women + men)) < 1e-9


@settings(max_examples=10, deadline=None)
@given(submissions(OWN, components=True))
def test_computed_submissions_for_the_own_plan_are_valid(frame):
    assert check_submission(compute_indicators(frame, OWN), OWN).ok


def test_a_verdict_of_the_own_plan():
    frame = pd.DataFrame({
        "region": "211400", "year": [2020, 2021, 2022, 2023, 2024],
        "indicator": "maternal_mortality_ratio", "sex": "female",
        "value": [14.0, 13.0, 12.5, 11.5, 11.0],
    })
    result = evaluate(frame, OWN)
    # 11.0 in 2024 is below the 2025 target of 12 (a provisional verdict) / 2024年11.0，低于2025年目标12
    assert_status(result.table, "attained", target_id="health-1", region="211400")
'''

OWN_PLAN = [
    md("""
    # 05 编写自己的规划并为指标公式写单元测试 / Writing your own plan and testing a formula

    1. 用几行 YAML 写一个小规划，用 `wm.load_plan(path)` 加载并检查；用（合成）样例数据评估它。
    2. 用 pytest 和 hypothesis 为指标公式（由计数计算比率、比例）写单元测试并运行。

    1. Write a small plan in a few lines of YAML, load and check it with `wm.load_plan(path)`, and
       evaluate the (synthetic) sample against it.
    2. Unit-test an indicator formula (rates and shares computed from counts) with pytest and
       hypothesis, and run the tests.
    """),
    md(SYNTHETIC),
    code(SETUP.format(name="05")),
    md("""
    ## 1. 写规划 / Write the plan

    规划是一个 YAML 文件：地区、规划期、基期，以及主要目标，每个目标下是可测量的具体目标（指标 + 类型 + 目标值）。
    没有可测量内容的目标（如“大力倡扬新时代家庭观”）成为定性目标，由评估委员会记录结论。
    各字段的含义见 `docs/writing-a-plan.md`；完整示例见 `tests/data/plans/minimal.yaml`。

    A plan is one YAML file: the jurisdiction, the period, the baseline year and the goals, each
    with its measurable targets (indicator + kind + values). A goal with nothing measurable becomes a
    qualitative target, judged by the committee. `docs/writing-a-plan.md` explains every key;
    `tests/data/plans/minimal.yaml` is a complete example.
    """),
    embedded("PLAN_YAML", OWN_PLAN_YAML, '"""', """
    plan_path = work / "demo_plan.yaml"
    plan_path.write_text(PLAN_YAML, encoding="utf-8")
    own = wm.load_plan(plan_path)
    print(own.title_zh, own.midterm_year, own.final_year)
    own
    """),
    code("""
    own.to_frame()
    """),
    md("""
    ## 2. 加载器会检查规划 / The loader checks the plan

    拼错的类型、未知的指标、超出规划期的目标年份等问题会一次全部报告，并指明文件和位置。

    A misspelt kind, an unknown indicator, a target year outside the period: every problem is
    reported at once, naming the file and the key.
    """),
    code("""
    broken = (PLAN_YAML.replace("kind: at_most", "kind: atmost")
                       .replace("maternal_mortality_ratio\\n", "maternal_mortality_rate\\n", 1)
                       .replace("{2025: 12, 2030: 10}", "{2025: 12, 2035: 10}"))
    broken_path = work / "broken_plan.yaml"
    broken_path.write_text(broken, encoding="utf-8")
    try:
        wm.load_plan(broken_path)
    except wm.PlanError as error:
        print(error)
    """),
    md("""
    ## 3. 用样例数据评估自己的规划 / Evaluate the sample against your plan

    校验只接受规划中的指标和地区，因此先从（合成）样例中选出本规划用到的部分。

    Validation accepts only the plan's indicators and regions, so the part of the (synthetic) sample
    this plan uses is selected first.
    """),
    code("""
    frame = load_sample()
    regions = [own.jurisdiction.code, *own.region_codes]
    mine = frame[frame["indicator"].isin(own.indicator_ids) & frame["region"].isin(regions)]
    result = wm.evaluate(mine, own)
    result.table[["target_id", "name_zh", "region_name", "sex", "kind", "target", "value", "status", "progress_class"]]
    """),
    code("""
    result.summary()[["area_zh", "targets", "assessable", "attained", "not_attained", "needs_assessment", "attainment_rate"]]
    """),
    md("""
    ## 4. 为指标公式写单元测试 / Unit-testing an indicator formula

    部门常常报送计数而不是比率：孕产妇死亡数和活产数、村委会成员中的女性人数和男性人数。
    `compute_indicators` 按指标目录中的公式把它们算成指标（见 `docs/formulas.md`）：

    Departments often send counts rather than rates: maternal deaths and live births, women and men
    on village committees. `compute_indicators` turns them into indicators by the catalogue's
    formulas (see `docs/formulas.md`):
    """),
    code("""
    counts = pd.DataFrame({
        "region": ["211400"] * 4, "year": [2022] * 4,
        "indicator": ["maternal_deaths", "live_births", "village_committee_members", "village_committee_members"],
        "sex": ["female", "total", "female", "male"],
        "value": [3, 25_000, 120, 280],
    })
    wm.compute_indicators(counts, own)[["region", "year", "indicator", "sex", "value", "numerator", "denominator", "source"]]
    """),
    md("""
    测试文件包括：一个可以笔算核对的例子（3 / 25000 × 10万 = 12；120 / 400 = 30%），
    以及由 hypothesis 随机生成数据检验的性质：分子分母同乘一个数比率不变；比例始终在0到100之间；
    `wdmonitor.testing.submissions` 生成的报送数据经计算后能通过校验。最后用 `assert_status` 检查自己规划的一个结论。

    The test file holds an example checkable on paper (3 / 25 000 × 100 000 = 12; 120 / 400 = 30 %)
    and properties hypothesis tries on generated data: scaling both counts leaves a ratio unchanged;
    a share stays within 0–100; submissions drawn by `wdmonitor.testing.submissions` are valid once
    computed. `assert_status` checks one verdict of the plan written above.
    """),
    embedded("TESTS", FORMULA_TESTS, "'''", """
    test_path = work / "test_my_formulas.py"
    test_path.write_text(TESTS, encoding="utf-8")
    print(TESTS)
    """),
    md("""
    用 `python -m pytest` 在工作目录中运行（等同于在终端或 notebook 中执行 `!python -m pytest -q test_my_formulas.py`）。
    断言返回码为0：测试全部通过。

    Run it with `python -m pytest` in the working directory (the same as
    `!python -m pytest -q test_my_formulas.py` in a terminal or a notebook), and assert that it
    succeeded.
    """),
    code("""
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--color=no", "-p", "no:cacheprovider", test_path.name],
        cwd=work, capture_output=True, text=True, timeout=240,
    )
    print(completed.stdout[-3000:], completed.stderr[-3000:])
    assert completed.returncode == 0, "the formula tests failed / 公式测试未通过"
    """),
    md("""
    一个失败的测试是什么样子：`assert_frame_close` 指出哪一行、哪个值不同。

    What a failing test looks like: `assert_frame_close` names the row and the value that differ.
    """),
    code("""
    from wdmonitor.testing import assert_frame_close

    computed = wm.compute_indicators(counts, own)
    wrong = computed.assign(value=computed["value"] * [1.0, 1.1])
    try:
        assert_frame_close(computed, wrong)
    except AssertionError as error:
        print(error)
    """),
]


# ---------------------------------------------------------------------------------------------
# 06 a year's submissions as they arrive
# ---------------------------------------------------------------------------------------------
ARRIVALS = [
    md("""
    # 06 一年的报送，原样读取 / A year's submissions as they arrive

    各部门报来的统计报表各有各的版式：表号和标题在表格上方，表头占两三行并有合并单元格，
    有“合计”“其中：女”，有分组标题、注释和签署，有的一个县一张工作表。`wm.read_submission`
    找出表头，从标题、“填报单位”“年份”单元格或工作表名取得年份和地区，把其余的行列明原因跳过，
    并在 `report.layout` 中说明每张工作表是如何读取的。

    Departments send their 统计报表 each in its own layout: a form block and a title above the table,
    two- or three-row merged headers, 合计 and 其中：女 columns, section, note and signature rows, one
    sheet per county. `wm.read_submission` finds the header, takes the year and region from the title,
    a 填报单位 or 年份 cell or the sheet name, leaves the other rows out with their reasons, and
    `report.layout` says how every sheet was read.
    """),
    md(SYNTHETIC),
    code(SETUP.format(name="06")),
    code("""
    plan = wm.load_plan("huludao-2021-2030")
    arrived = sorted(p for p in sample_path().parent.glob("*_2024_*.xlsx"))
    [p.name for p in arrived]
    """),
    md("""
    ## 1. 卫健委的统计报表 / The health commission's form

    表号、制表机关等表头信息，标题“2024年绥中县……统计表”，填报单位，两行表头（2024年下分女、男、合计）
    和一行栏次（甲 乙 丙 1 2 3）。孕产妇死亡率等只统计女性的指标，其“男”“合计”栏填“—”，按“不适用”处理。

    The form block, a title naming the year and the county, 填报单位, a two-row header (2024年 over
    女 / 男 / 合计) and a 甲乙丙 row. Women-only indicators carry "—" under 男 and 合计: not applicable.
    """),
    code("""
    health = wm.read_submission(next(p for p in arrived if "卫健委" in p.name), plan)
    report = wm.check_submission(health, plan)
    print(report.layout.summary())
    print(report.summary())
    health[["region", "year", "indicator", "sex", "value", "unit", "source_sheet", "source_row", "source_column"]]
    """),
    code("""
    # every skipped row, with its reason / 每个跳过的行及原因
    sheet = report.layout.sheets[0]
    pd.DataFrame([(s.row, s.reason, s.text) for s in sheet.skipped], columns=["row 行", "reason 原因", "text 内容"])
    """),
    md("""
    ## 2. 一个工作簿，每县一张表 / One workbook, a sheet per county

    组织部的工作簿第一张是填表说明，第二张是隐藏的上年数据，其后每个县区一张工作表，地区只写在工作表名上。
    隐藏工作表不读取，但会列出；需要时用 `sheet=` 指定。

    The organisation department's workbook opens with instructions, then a hidden sheet of last year's
    figures, then one sheet per county named after it. The hidden sheet is listed, not read, unless named
    with `sheet=`.
    """),
    code("""
    organisation = next(p for p in arrived if "组织部" in p.name)
    frame = wm.read_submission(organisation, plan)
    print(frame.attrs["layout"].summary())
    frame[["region", "indicator", "sex", "value", "source_sheet"]]
    """),
    code("""
    wm.read_submission(organisation, plan, sheet="上年数据")[["region", "year", "indicator", "value", "source_sheet"]]
    """),
    md("""
    ## 3. 全部入库前先校验 / Everything checked before it is stored

    四份报表一起校验：百分比格式的小数（0.306 显示为 30.6%）按显示的百分数读取，县区汇总表中的“合计”行
    先与各县核对再跳过。校验通过的数据即可加入监测数据库。

    The four workbooks checked together: fractions shown with a percent format are read as the percentage
    shown, the county summary's 合计 row is checked against the counties and then left out. What passes
    can go into the monitoring database.
    """),
    code("""
    from wdmonitor.readers import combine

    everything = combine([wm.read_submission(p, plan) for p in arrived])
    report = wm.check_submission(everything, plan)
    print(report.summary())
    report.counts
    """),
    code("""
    store = wm.Store(work / "监测库.sqlite", plan=plan)
    for path in arrived:
        department = path.name.split("_")[0]
        print(store.add(path, department=department))
    store.frame().groupby("source_file").size()
    """),
]


NOTEBOOKS_SPEC: dict[str, list[tuple[str, str]]] = {
    "01_quickstart": QUICKSTART,
    "02_annual_monitoring": ANNUAL,
    "03_midterm_tables": MIDTERM,
    "04_final_evaluation_regions": FINAL,
    "05_own_plan_and_formula_tests": OWN_PLAN,
    "06_submissions_as_they_arrive": ARRIVALS,
}


def build(name: str) -> nbformat.NotebookNode:
    """The notebook ``name`` without outputs, with stable cell ids."""
    cells = []
    for index, (kind, source) in enumerate(NOTEBOOKS_SPEC[name]):
        cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
        cell["id"] = f"{name[:2]}-{index:02d}"
        cells.append(cell)
    notebook = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    nbformat.validate(notebook)
    return notebook


def text(name: str) -> str:
    return nbformat.writes(build(name)) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    NOTEBOOKS.mkdir(exist_ok=True)
    stale = []
    for name in NOTEBOOKS_SPEC:
        path = NOTEBOOKS / f"{name}.ipynb"
        content = text(name)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                stale.append(path.name)
        else:
            path.write_text(content, encoding="utf-8")
            print(path.relative_to(ROOT))
    if stale:
        print("stale notebooks (run python tools/make_notebooks.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
