"""The committee's recorded assessments of qualitative goals (机制建立, 体系完善 …).

Qualitative targets are never computed: their verdict comes from a YAML or CSV file the
committee fills in, one entry per target (and optionally per region) with the status and
the evidence. Without an entry the target is ``needs_assessment``, listed, never hidden.

CSV columns (YAML: a list of mappings with the same keys, or ``{assessments: [...]}``):
``target_id, region (optional: the plan's jurisdiction), status, evidence, assessed_by,
assessed_on``. ``status`` is one of ``attained, basically_attained, not_attained`` or their
Chinese names 已实现, 基本实现, 未实现.

Examples
--------
>>> import pandas as pd
>>> from wdmonitor import load_plan
>>> plan = load_plan("huludao-2021-2030")
>>> table = read_assessments(pd.DataFrame({"target_id": ["health-4"], "status": ["已实现"],
...                                        "evidence": ["市妇儿工委2025年评估报告"]}), plan)
>>> table[["target_id", "region", "status"]].values.tolist()
[['health-4', '211400', 'attained']]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import AssessmentError, WdmonitorError  # noqa: F401 - AssessmentError is imported from here too
from .indicators import Plan
from .vocabulary import Status, TargetKind

__all__ = ["AssessmentError", "read_assessments"]

_STATUS = {
    "attained": Status.ATTAINED.value, "已实现": Status.ATTAINED.value, "实现": Status.ATTAINED.value,
    "attained_early": Status.ATTAINED_EARLY.value, "提前实现": Status.ATTAINED_EARLY.value,
    "basically_attained": Status.BASICALLY_ATTAINED.value, "基本实现": Status.BASICALLY_ATTAINED.value,
    "not_attained": Status.NOT_ATTAINED.value, "未实现": Status.NOT_ATTAINED.value,
}
COLUMNS = ("target_id", "region", "status", "evidence", "assessed_by", "assessed_on")




def read_assessments(source: str | Path | pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Read and check the committee's assessments; every problem is reported at once.

    Raises
    ------
    AssessmentError
        Naming the file, row, column and value of each problem, in English and Chinese.
    """
    if isinstance(source, pd.DataFrame):
        frame, name = source.copy(), "<frame>"
    else:
        path = Path(source)
        name = str(path)
        if path.suffix.lower() in (".yaml", ".yml"):
            from .registry import read_yaml

            data = read_yaml(path)
            entries = data.get("assessments", data) if isinstance(data, dict) else data
            if not isinstance(entries, list):
                raise AssessmentError(f"{name}: expected a list of assessments / 评估记录应为列表")
            frame = pd.DataFrame(entries)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for column in COLUMNS:
        if column not in frame:
            frame[column] = ""
    frame = frame[list(COLUMNS)].astype(object).where(frame[list(COLUMNS)].notna(), "").astype(str)
    frame["region"] = frame["region"].str.strip().replace("", plan.jurisdiction.code).replace(plan.region_names())
    qualitative = {t.id for t in plan.targets if t.kind is TargetKind.QUALITATIVE}
    known = {t.id for t in plan.targets}
    problems = []
    records: list[dict[str, str]] = frame.to_dict("records")  # type: ignore[assignment]  # every column is text here
    for number, row in enumerate(records, start=2):  # a committee file has tens of rows
        where = f"{name}, row {number}"
        target_id, status, evidence, region = row["target_id"], row["status"], row["evidence"], row["region"]
        if target_id not in known:
            problems.append(f"{where}, column target_id: unknown target {target_id!r} of plan {plan.id} / 规划中没有目标 {target_id!r}")
        elif target_id not in qualitative:
            problems.append(f"{where}, column target_id: {target_id!r} is computed from data, not assessed / 目标 {target_id!r} 由数据计算，不能人工评估")
        if status.strip() not in _STATUS:
            problems.append(f"{where}, column status: {status!r} is not one of attained, basically_attained, not_attained (已实现, 基本实现, 未实现) / 状态 {status!r} 无效")
        if not evidence.strip():
            problems.append(f"{where}, column evidence: an assessment needs its evidence / 评估须注明依据")
        if region not in plan.region_codes:
            problems.append(f"{where}, column region: unknown region {region!r} / 未知地区 {region!r}")
    duplicated = frame.duplicated(["target_id", "region"], keep=False)
    if duplicated.any():
        problems.append(f"{name}: targets assessed twice for one region: {', '.join(sorted(set(frame.loc[duplicated, 'target_id'])))} / 同一目标重复评估")
    if problems:
        raise AssessmentError(f"{len(problems)} problem(s) in the assessments / 评估记录有 {len(problems)} 处问题:\n" + "\n".join(problems))
    frame["status"] = frame["status"].str.strip().map(_STATUS)
    return frame.reset_index(drop=True)
