"""Names as people write them: header spellings, indicator names, region names, sexes.

One home for the vocabulary the reader matches cells against. An indicator may be written
with footnote marks (``孕产妇死亡率*``, ``①``), full- or half-width brackets, ``《》`` for
``（）``, ``的`` added or dropped, its unit in the name (``孕产妇系统管理率（%）``), a leading
number (``1.``, ``（一）``), by its catalogue name, an alias, its id or the plan's own wording
(the words of a target's clause before 达到/控制在/保持 …); a count by its Chinese name
(孕产妇死亡人数, 活产数). A region by its name, its short name (绥中 for 绥中县) or, for the
plan's own jurisdiction, 全市/全区/全县/全省/本市. :class:`Names` resolves each once per
distinct spelling and suggests the closest names where nothing matches.

Examples
--------
>>> from wdmonitor import load_plan
>>> names = Names.for_plan(load_plan("huludao-2021-2030"))
>>> names.indicator("孕产妇系统管理率（%）*")
('maternal_systematic_management_rate', '%')
>>> names.region("绥中"), names.region("全市")
('211421', '211400')
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import schema as col

if TYPE_CHECKING:
    from .indicators import Plan

__all__ = ["HEADER_ALIASES", "Names", "canonical_header", "header_key", "normalise_text"]

#: Header spellings (after NFKC, lower case, spaces removed) → canonical column.
HEADER_ALIASES: dict[str, str] = {
    **dict.fromkeys(["region", "地区", "地区名称", "行政区划代码", "区划代码", "统计用区划代码", "代码", "地区代码", "区域", "单位名称", "县区", "县(市、区)", "县(市区)", "地区(县市区)"], col.REGION),
    **dict.fromkeys(["year", "年份", "年度", "年", "统计年度"], col.YEAR),
    **dict.fromkeys(["indicator", "指标", "指标代码", "指标名称", "指标编号", "项目", "指标项目", "统计指标", "监测指标", "指标项"], col.INDICATOR),
    **dict.fromkeys(["sex", "性别"], col.SEX),
    **dict.fromkeys(["value", "数值", "值", "指标值", "数据", "监测值", "统计值"], col.VALUE),
    **dict.fromkeys(["unit", "单位", "计量单位"], col.UNIT),
    **dict.fromkeys(["numerator", "分子"], col.NUMERATOR),
    **dict.fromkeys(["denominator", "分母"], col.DENOMINATOR),
    **dict.fromkeys(["source", "来源", "数据来源", "报送部门", "填报部门", "责任单位"], col.SOURCE),
    **dict.fromkeys(["area_type", "城乡", "城乡类别"], col.AREA_TYPE),
    **dict.fromkeys(["age_group", "年龄组", "年龄"], col.AGE_GROUP),
}
#: Headers of columns that hold a row number, not data (序号 1, (1), （一）, 一、).
SERIAL_HEADERS = frozenset({"序号", "序", "编号", "行次", "no", "no.", "#", "代码序号"})
#: Headers that name a region by its code, beside a column naming it (system exports).
CODE_HEADERS = frozenset({"行政区划代码", "区划代码", "代码", "地区代码", "统计用区划代码"})
_CANONICAL = set(HEADER_ALIASES.values())
PASS_THROUGH = {"name_zh", "region_name"}  # template columns kept for readability

SEXES: dict[str, str] = {
    **dict.fromkeys(["女", "女性", "f", "female", "妇女", "女童", "女生", "女职工", "女孩", "其中女", "其中女性", "其中女童", "其中妇女"], "female"),
    **dict.fromkeys(["男", "男性", "m", "male", "男童", "男生", "男孩"], "male"),
    **dict.fromkeys(["合计", "总计", "全部", "t", "total", "两性", "小计", "计", "总数", "总体", "合计数"], "total"),
}
AREAS: dict[str, str] = {
    **dict.fromkeys(["城镇", "城市", "urban"], "urban"),
    **dict.fromkeys(["农村", "乡村", "rural"], "rural"),
    **dict.fromkeys(["合计", "全部", "total", "总计"], "total"),
}
#: Words for the plan's own jurisdiction in a region column (全市 in a city's table).
JURISDICTION_WORDS = frozenset({"全市", "全区", "全县", "全省", "全旗", "本市", "本区", "本县", "全盟", "全州", "市本级合计"})
_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "新区", "县", "区", "市", "旗", "镇", "乡")
_FOOTNOTES = re.compile(r"[*＊※△▲☆★#①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳¹²³⁴⁵⁶⁷⁸⁹⁰]+|\[\d+\]|\(注\d*\)")
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.、．)]?(?=\D)|\(\d+\)|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+[、.．])\s*")
_BRACKETS = str.maketrans({"《": "(", "》": ")", "〈": "(", "〉": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_UNIT_SUFFIX = re.compile(r"\(([^()]{1,12})\)$")
_CLAUSE_VERBS = re.compile(r"(达到|提高到|提高至|控制在|下降到|下降至|降低到|降至|保持在|保持|稳定在|巩固在|不低于|不高于|逐步|有所|明显|持续|力争|高于|低于|稳步|增加|减少|缩小|均衡|以上|以下|左右|≥|≤|>|<)")
_UNIT_WORDS = frozenset({"%", "‰", "/10万", "1/10万", "/万", "1/万", "/千", "岁", "人", "个", "所", "张", "元", "万人", "人次", "小时", "年",
                         "户", "家", "张/千名儿童", "次", "件", "‱", "百分比", "比例"})


def normalise_text(value: Any) -> str:
    """NFKC-normalised, stripped text (full-width digits and brackets become half-width)."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _marks_dropped(value: Any) -> str:
    """Text without footnote marks, taken off before NFKC turns ① into 1."""
    return normalise_text(_FOOTNOTES.sub("", str(value)))


def header_key(name: Any) -> str:
    """A header's lookup key: NFKC, spaces removed, lower case, ``:`` and footnote marks dropped."""
    text = re.sub(r"\s+", "", _marks_dropped(name)).lower()
    return text.rstrip(":：")


def canonical_header(name: Any) -> Any:
    """The canonical column for a header, also for bilingual ones such as "地区代码 region"."""
    key = header_key(name)
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    tokens = [t for t in re.split(r"[\s/()（）]+", normalise_text(name).lower()) if t]
    for token in reversed(tokens):  # the English name of a bilingual header decides
        if token in _CANONICAL or token in PASS_THROUGH:
            return token
    for token in tokens:
        if token in HEADER_ALIASES:
            return HEADER_ALIASES[token]
    return name


def _name_key(text: str) -> str:
    """The key an indicator or region name is compared by."""
    text = _marks_dropped(text).translate(_BRACKETS)
    text = re.sub(r"\s+", "", text)
    text = _LEADING_NUMBER.sub("", text)
    return re.sub(r"[的、,，·.。:：\"'“”‘’()]", "", text).lower()


def split_unit(text: str) -> tuple[str, str | None]:
    """``"孕产妇系统管理率（%）"`` → ``("孕产妇系统管理率", "%")``; text without a unit suffix unchanged."""
    clean = re.sub(r"\s+", "", _marks_dropped(text).translate(_BRACKETS))
    match = _UNIT_SUFFIX.search(clean)
    if match and (match.group(1) in _UNIT_WORDS or re.fullmatch(r"1?/\d*[万千百]|[%‰‱]", match.group(1))):
        unit = match.group(1)
        return clean[: match.start()], unit[1:] if unit.startswith("1/") else unit
    return clean, None


def sex_word(text: Any) -> str | None:
    """``female``/``male``/``total`` for a sex word (女, 其中：女童, 男性, 合计 …), else None."""
    key = header_key(text).replace("其中:", "其中").replace("其中：", "其中")
    return SEXES.get(key)


@dataclass
class Names:
    """Name → id lookups for one plan, built once (see the module docstring)."""

    indicators: dict[str, str]
    regions: dict[str, str]
    scopes: dict[str, str]
    units: dict[str, str]
    display: dict[str, str]
    region_display: dict[str, str]
    _cache: dict[str, tuple[str | None, str | None]] = field(default_factory=dict, repr=False)

    @classmethod
    def for_plan(cls, plan: Plan) -> Names:
        from .registry import load_components

        by_key: dict[str, str] = {}
        scopes: dict[str, str] = {}
        units: dict[str, str] = {}
        display: dict[str, str] = {}
        items: list[Any] = [*plan.indicators.values(), *load_components().values()]
        for item in items:
            scopes[item.id] = item.sex_scope.value
            units[item.id] = item.unit
            display[item.id] = item.name_zh
            for name in (item.id, item.name_zh, getattr(item, "name_en", ""), *getattr(item, "aliases_zh", ())):
                if name:
                    by_key.setdefault(_name_key(name), item.id)
        wording: dict[str, set[str]] = {}
        for target in plan.targets:  # the plan's own wording: the clause up to its verb
            if target.indicator and target.text_zh:
                head = _CLAUSE_VERBS.split(normalise_text(target.text_zh), maxsplit=1)[0]
                if len(head) >= 4:
                    wording.setdefault(_name_key(head), set()).add(target.indicator)
        for key, ids in wording.items():
            if len(ids) == 1 and key not in by_key:
                by_key[key] = next(iter(ids))
        regions: dict[str, str] = {}
        region_display: dict[str, str] = {}
        every = [plan.jurisdiction, *plan.regions]
        for region in every:
            regions[_name_key(region.name_zh)] = region.code
            regions[region.code] = region.code
            region_display[region.code] = region.name_zh
            if region.name_en:
                regions[_name_key(region.name_en)] = region.code
        short: dict[str, set[str]] = {}
        for region in every:
            name = _name_key(region.name_zh)
            for suffix in _SUFFIXES:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    short.setdefault(name[: -len(suffix)], set()).add(region.code)
                    break
        for key, codes in short.items():
            if len(codes) == 1:
                regions.setdefault(key, next(iter(codes)))
        for word in JURISDICTION_WORDS:
            regions[_name_key(word)] = plan.jurisdiction.code
        return cls(by_key, regions, scopes, units, display, region_display)

    def indicator(self, text: Any) -> tuple[str | None, str | None]:
        """``(id, unit written in the name)`` for an indicator as written, ``(None, unit)`` if unknown."""
        raw = str(text)
        if raw in self._cache:
            return self._cache[raw]
        name, unit = split_unit(raw)
        found = self.indicators.get(_name_key(name)) or self.indicators.get(_name_key(raw))
        self._cache[raw] = (found, unit)
        return found, unit

    def region(self, text: Any) -> str | None:
        """The GB/T 2260 code of a region as written, or None."""
        key = _name_key(text)
        if key in self.regions:
            return self.regions[key]
        digits = normalise_text(text)
        if re.fullmatch(r"\d{12}", digits) and digits.endswith("000000"):  # 统计用区划代码: 12 digits
            return self.regions.get(digits[:6])
        return None

    def regions_in(self, text: Any) -> list[str]:
        """Codes of the plan's regions whose full name appears in a text (longest names first)."""
        key = _name_key(text)
        found = []
        for name in sorted(self.regions, key=len, reverse=True):
            if len(name) >= 3 and not name.isdigit() and name in key and self.regions[name] not in found:
                found.append(self.regions[name])
                key = key.replace(name, "")
        return found

    def closest_indicators(self, text: Any, n: int = 3) -> list[str]:
        """The plan's indicator names closest to a name that did not match."""
        keys = difflib.get_close_matches(_name_key(split_unit(str(text))[0]), list(self.indicators), n=n * 3, cutoff=0.5)
        names: list[str] = []
        for key in keys:
            shown = self.display[self.indicators[key]]
            if shown not in names:
                names.append(shown)
        return names[:n]
