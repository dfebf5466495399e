"""The closed vocabularies of wdmonitor, each an enum with one home.

They live in their own module (rather than in ``indicators.py`` as the style guide
proposes) because every step of the pipeline uses them, and keeping them free of the
definition classes lets the readers and the engine import them without the YAML loader.
Each enum's value is the string used in YAML files and frames.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "COLUMN_VOCABULARIES",
    "KIND_FAMILIES",
    "Area",
    "AreaType",
    "Direction",
    "GapBetween",
    "Level",
    "ProgressClass",
    "Relation",
    "Scale",
    "Section",
    "Severity",
    "Sex",
    "SexScope",
    "Status",
    "TargetKind",
    "WarningFlag",
    "name_of",
]


class _StrEnum(StrEnum):
    """A string enum whose ``str()`` is its value (YAML and frames speak values)."""


class Area(_StrEnum):
    """The eight areas of a women's development plan."""

    HEALTH = "health"
    EDUCATION = "education"
    ECONOMY = "economy"
    DECISION_MAKING = "decision_making"
    SOCIAL_SECURITY = "social_security"
    FAMILY = "family"
    ENVIRONMENT = "environment"
    LAW = "law"

    @property
    def name_zh(self) -> str:
        return _AREA_ZH[self]

    @property
    def name_en(self) -> str:
        return _AREA_EN[self]


_AREA_ZH = {
    Area.HEALTH: "妇女与健康",
    Area.EDUCATION: "妇女与教育",
    Area.ECONOMY: "妇女与经济",
    Area.DECISION_MAKING: "妇女参与决策和管理",
    Area.SOCIAL_SECURITY: "妇女与社会保障",
    Area.FAMILY: "妇女与家庭建设",
    Area.ENVIRONMENT: "妇女与环境",
    Area.LAW: "妇女与法律",
}
_AREA_EN = {
    Area.HEALTH: "Women and health",
    Area.EDUCATION: "Women and education",
    Area.ECONOMY: "Women and the economy",
    Area.DECISION_MAKING: "Women in decision-making and management",
    Area.SOCIAL_SECURITY: "Women and social security",
    Area.FAMILY: "Women and family",
    Area.ENVIRONMENT: "Women and the environment",
    Area.LAW: "Women and the law",
}


class Direction(_StrEnum):
    """Which way is good for an indicator; ``NONE`` for band targets (sex ratio, parity)."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"

    @property
    def sign(self) -> int:
        """``d`` in the methodology: +1 higher is better, -1 lower is better, 0 none."""
        return {"higher": 1, "lower": -1, "none": 0}[self.value]


class SexScope(_StrEnum):
    """Which sexes an indicator is measured on.

    ``FEMALE``: a rate measured on women (MMR, screening rate) — rows with sex ``female``.
    ``FEMALE_SHARE``: women's share of a group (村委会成员中女性比例) — sex ``female`` only,
    never ``male``.
    ``BOTH``: needs both sexes (gaps, parity, income) — ``female`` and ``male`` rows,
    ``total`` optional.
    ``NEUTRAL``: not about a sex (农村自来水普及率) — sex ``total``.
    """

    FEMALE = "female"
    FEMALE_SHARE = "female_share"
    BOTH = "both"
    NEUTRAL = "neutral"

    @property
    def sexes(self) -> tuple[Sex, ...]:
        """The sexes a submission must carry for this scope."""
        return {
            "female": (Sex.FEMALE,),
            "female_share": (Sex.FEMALE,),
            "both": (Sex.FEMALE, Sex.MALE),
            "neutral": (Sex.TOTAL,),
        }[self.value]

    @property
    def allowed_sexes(self) -> tuple[Sex, ...]:
        """The sexes a submission may carry for this scope."""
        return {
            "female": (Sex.FEMALE,),
            "female_share": (Sex.FEMALE,),
            "both": (Sex.FEMALE, Sex.MALE, Sex.TOTAL),
            "neutral": (Sex.TOTAL,),
        }[self.value]


class Sex(_StrEnum):
    FEMALE = "female"
    MALE = "male"
    TOTAL = "total"

    @property
    def name_zh(self) -> str:
        return {"female": "女", "male": "男", "total": "合计"}[self.value]

    @property
    def name_en(self) -> str:
        return {"female": "women", "male": "men", "total": "total"}[self.value]


class AreaType(_StrEnum):
    URBAN = "urban"
    RURAL = "rural"
    TOTAL = "total"

    @property
    def name_zh(self) -> str:
        return {"urban": "城镇", "rural": "农村", "total": "合计"}[self.value]

    @property
    def name_en(self) -> str:
        return {"urban": "urban", "rural": "rural", "total": "total"}[self.value]


class Scale(_StrEnum):
    """How progress is measured: linear distance, or compound rate for rates such as MMR."""

    LINEAR = "linear"
    GEOMETRIC = "geometric"


class Level(_StrEnum):
    """Administrative level of a jurisdiction (GB/T 2260)."""

    NATION = "nation"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class Section(_StrEnum):
    """Where in a plan a goal sits."""

    MAIN_GOAL = "main_goal"  # 主要目标
    STRATEGY = "strategy"  # 策略措施
    KEY_PROJECT = "key_project"  # 重点工程

    @property
    def name_zh(self) -> str:
        return {"main_goal": "主要目标", "strategy": "策略措施", "key_project": "重点工程"}[self.value]

    @property
    def name_en(self) -> str:
        return {"main_goal": "main goal", "strategy": "strategy", "key_project": "key project"}[self.value]


class TargetKind(_StrEnum):
    """Target kinds of methodology section 1."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    AROUND = "around"
    BAND = "band"
    MAINTAIN_AT_LEAST = "maintain_at_least"
    MAINTAIN_AT_MOST = "maintain_at_most"
    INCREASE = "increase"
    DECREASE = "decrease"
    SLOWER_INCREASE = "slower_increase"
    GAP_NARROWING = "gap_narrowing"
    PARITY = "parity"
    RELATIVE_TO = "relative_to"
    RELATIVE_TO_BASELINE = "relative_to_baseline"
    COUNT = "count"
    COVERAGE = "coverage"
    QUALITATIVE = "qualitative"

    @property
    def needs_value(self) -> bool:
        """Whether the kind needs a numeric target value per year."""
        return "valued" in _FAMILIES[self]

    @property
    def sign(self) -> int | None:
        """d fixed by the kind (+1 higher is met, −1 lower is met), None where the indicator decides."""
        return 1 if self.belongs_to("higher_is_met") else -1 if self.belongs_to("lower_is_met") else None

    def belongs_to(self, family: str) -> bool:
        """Whether the kind is in ``family`` (a key of :data:`KIND_FAMILIES`)."""
        return family in _FAMILIES[self]

    @classmethod
    def family(cls, name: str) -> tuple[str, ...]:
        """The values of every kind in the family ``name``, for ``np.isin`` over a kind column.

        >>> TargetKind.family("banded")
        ('around', 'band', 'parity')
        """
        if name not in KIND_FAMILIES:
            raise KeyError(f"unknown target-kind family {name!r}; known: {', '.join(KIND_FAMILIES)}")
        return tuple(kind.value for kind in cls if name in _FAMILIES[kind])

    @property
    def is_numeric(self) -> bool:
        return self is not TargetKind.QUALITATIVE

    @property
    def name_zh(self) -> str:
        return _KIND_NAMES[self][0]

    @property
    def name_en(self) -> str:
        return _KIND_NAMES[self][1]


_KIND_NAMES = {
    TargetKind.AT_LEAST: ("达到或高于", "at least"),
    TargetKind.AT_MOST: ("控制在以下", "at most"),
    TargetKind.AROUND: ("左右", "around"),
    TargetKind.BAND: ("区间", "within a band"),
    TargetKind.MAINTAIN_AT_LEAST: ("保持在以上", "maintain at least"),
    TargetKind.MAINTAIN_AT_MOST: ("保持在以下", "maintain at most"),
    TargetKind.INCREASE: ("提高", "increase"),
    TargetKind.DECREASE: ("降低", "decrease"),
    TargetKind.SLOWER_INCREASE: ("增长趋缓", "slower increase"),
    TargetKind.GAP_NARROWING: ("差距缩小", "gap narrowing"),
    TargetKind.PARITY: ("均衡", "parity"),
    TargetKind.RELATIVE_TO: ("相对参照指标", "relative to a reference"),
    TargetKind.RELATIVE_TO_BASELINE: ("比基期提高", "relative to the baseline"),
    TargetKind.COUNT: ("数量", "count"),
    TargetKind.COVERAGE: ("覆盖", "coverage"),
    TargetKind.QUALITATIVE: ("定性目标", "qualitative"),
}


#: The families of target kinds: each rule of the engine is written once per family.
KIND_FAMILIES = {
    "valued": "the plan states a numeric target value per year",
    "one_sided": "judged by a one-sided shortfall s = d·(T − y) (methodology §2)",
    "milestone": "a later target gives the time-proportional milestone (序时进度); may be 提前实现",
    "early": "judged against the final target beside a mid-term verdict (提前实现)",
    "baseline": "compares the value at E with the baseline",
    "directional": "judged on the direction of change since the baseline",
    "banded": "judged inside a band (左右, 区间, 均衡)",
    "maintain": "held in every observed year from the baseline to E",
    "ratio": "progress is the ratio R of covered to needed change (otherwise the growth g)",
    "interval": "a small-number interval around the value decides an uncertain verdict",
    "higher_is_met": "the kind itself says higher is better (d = +1) whatever the indicator's direction",
    "lower_is_met": "the kind itself says lower is better (d = −1; a gap narrows, a rise slows) whatever the indicator's direction",
}

_F = frozenset
_FAMILIES: dict[TargetKind, frozenset[str]] = {
    TargetKind.AT_LEAST: _F({"valued", "one_sided", "milestone", "early", "ratio", "interval", "higher_is_met"}),
    TargetKind.AT_MOST: _F({"valued", "one_sided", "milestone", "early", "ratio", "interval", "lower_is_met"}),
    TargetKind.COUNT: _F({"valued", "one_sided", "milestone", "early", "ratio", "interval", "higher_is_met"}),
    TargetKind.COVERAGE: _F({"valued", "one_sided", "milestone", "early", "ratio", "interval", "higher_is_met"}),
    TargetKind.MAINTAIN_AT_LEAST: _F({"valued", "one_sided", "maintain", "ratio", "interval", "higher_is_met"}),
    TargetKind.MAINTAIN_AT_MOST: _F({"valued", "one_sided", "maintain", "ratio", "interval", "lower_is_met"}),
    TargetKind.RELATIVE_TO_BASELINE: _F({"valued", "one_sided", "early", "baseline", "ratio", "interval"}),
    TargetKind.AROUND: _F({"valued", "banded", "ratio", "interval"}),
    TargetKind.BAND: _F({"banded"}),
    TargetKind.PARITY: _F({"banded"}),
    TargetKind.INCREASE: _F({"baseline", "directional", "higher_is_met"}),
    TargetKind.DECREASE: _F({"baseline", "directional", "lower_is_met"}),
    TargetKind.GAP_NARROWING: _F({"baseline", "directional", "lower_is_met"}),
    TargetKind.SLOWER_INCREASE: _F({"baseline", "lower_is_met"}),
    TargetKind.RELATIVE_TO: _F(),
    TargetKind.QUALITATIVE: _F(),
}


class Relation(_StrEnum):
    """How a ``relative_to`` target compares with its reference indicator."""

    NOT_BELOW = "not_below"  # 不低于
    COMMENSURATE = "commensurate"  # 与…相适应: within ±3% of the reference


class GapBetween(_StrEnum):
    """Which pair of series a ``gap_narrowing`` target compares."""

    SEX = "sex"  # 男女差距
    AREA_TYPE = "area_type"  # 城乡差距
    REGION = "region"  # 区域差距: spread across sub-regions


class Status(_StrEnum):
    """Attainment status at an evaluation year (NBS vocabulary)."""

    ATTAINED_EARLY = "attained_early"  # 提前实现
    ATTAINED = "attained"  # 已实现
    BASICALLY_ATTAINED = "basically_attained"  # 基本实现
    NOT_ATTAINED = "not_attained"  # 未实现
    NOT_ASSESSABLE = "not_assessable"  # 无法评估
    NEEDS_ASSESSMENT = "needs_assessment"  # 待评估 (qualitative, no assessment recorded)

    @property
    def name_zh(self) -> str:
        return {
            "attained_early": "提前实现",
            "attained": "已实现",
            "basically_attained": "基本实现",
            "not_attained": "未实现",
            "not_assessable": "无法评估",
            "needs_assessment": "待评估",
        }[self.value]

    @property
    def name_en(self) -> str:
        return {
            "attained_early": "attained early",
            "attained": "attained",
            "basically_attained": "basically attained",
            "not_attained": "not attained",
            "not_assessable": "not assessable",
            "needs_assessment": "needs assessment",
        }[self.value]


class ProgressClass(_StrEnum):
    """Progress status at any year (Eurostat / Open SDG classes)."""

    TARGET_ACHIEVED = "target_achieved"
    ON_TRACK = "on_track"
    ACCELERATION_NEEDED = "acceleration_needed"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    SUBSTANTIAL_PROGRESS = "substantial_progress"  # no numeric target, g >= 1.5%/yr
    MODERATE_PROGRESS = "moderate_progress"  # no numeric target, g >= 0.5%/yr

    @property
    def name_zh(self) -> str:
        return {
            "target_achieved": "已达标",
            "on_track": "进度正常",
            "acceleration_needed": "需加快",
            "limited_progress": "进展有限",
            "deterioration": "退步",
            "substantial_progress": "显著进步",
            "moderate_progress": "适度进步",
        }[self.value]

    @property
    def name_en(self) -> str:
        return self.value.replace("_", " ")


class Severity(_StrEnum):
    """Early-warning severity, ordered none < watch < warning < alert."""

    NONE = "none"
    WATCH = "watch"
    WARNING = "warning"
    ALERT = "alert"

    @property
    def rank(self) -> int:
        return {"none": 0, "watch": 1, "warning": 2, "alert": 3}[self.value]

    @property
    def name_zh(self) -> str:
        return {"none": "无", "watch": "关注", "warning": "预警", "alert": "警报"}[self.value]

    @property
    def name_en(self) -> str:
        return {"none": "none", "watch": "watch", "warning": "warning", "alert": "alert"}[self.value]


class WarningFlag(_StrEnum):
    """The kinds of early-warning flag (methodology section 4)."""

    PROJECTED_MISS = "projected_miss"  # W1 预计达标困难
    VOLATILITY = "volatility"  # W2 波动较大
    DETERIORATION = "deterioration"  # W3 退步
    GAP_WIDENING = "gap_widening"  # W4 差距扩大
    DATA = "data"  # W5 数据问题

    @property
    def name_zh(self) -> str:
        return {"projected_miss": "预计达标困难", "volatility": "波动较大", "deterioration": "出现退步",
                "gap_widening": "差距扩大", "data": "数据问题"}[self.value]

    @property
    def name_en(self) -> str:
        return {"projected_miss": "projected to miss", "volatility": "volatile", "deterioration": "deteriorating",
                "gap_widening": "gap widening", "data": "data problem"}[self.value]


#: The vocabularies a report shows by name, by the column that holds their codes.
COLUMN_VOCABULARIES: dict[str, type[_StrEnum]] = {
    "area": Area, "status": Status, "final_status": Status, "sex": Sex, "area_type": AreaType, "kind": TargetKind,
    "progress_class": ProgressClass, "severity": Severity, "flag": WarningFlag, "section": Section,
}


def name_of(vocabulary: type[_StrEnum], code: object, lang: str = "zh") -> str:
    """The name a reader sees for ``code`` of ``vocabulary``, in Chinese or English.

    Codes outside the vocabulary (a gap's ``female/male``, a blank) are named part by part
    or returned as they are, so nothing is lost on export.

    Examples
    --------
    >>> name_of(Status, "attained"), name_of(Status, "attained", "en"), name_of(Sex, "female/male")
    ('已实现', 'attained', '女/男')
    """
    if not isinstance(code, str) or code == "":
        return "" if code is None or (isinstance(code, float) and code != code) else str(code)
    try:
        member = vocabulary(code)
    except ValueError:
        if "/" in code:
            return "/".join(name_of(vocabulary, part, lang) for part in code.split("/"))
        return code
    return str(getattr(member, "name_en" if lang == "en" else "name_zh"))
