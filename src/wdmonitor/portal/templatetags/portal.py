"""Template tags: one text in the page's language (Chinese by default, English when switched)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


def page_lang() -> str:
    """``en`` when the English pages were chosen, else ``zh``."""
    return "en" if (get_language() or "").startswith("en") else "zh"


@register.simple_tag
def tr(zh: str, en: str) -> str:
    """``{% tr "报送进度" "Progress" %}``: the text in the page's language (escaped as any variable)."""
    return en if page_lang() == "en" else zh


@register.filter
def pick(pair: Any) -> str:
    """A (Chinese, English) pair in the page's language: ``{{ names|pick }}``."""
    zh, en = pair
    return en if page_lang() == "en" else zh


@register.filter
def message(problem: dict[str, Any]) -> str:
    """A problem's message in the page's language."""
    return str(problem.get("message_en" if page_lang() == "en" else "message_zh", ""))


@register.filter
def state(name: str) -> str:
    """A submission's status, a board cell's state or an output's kind in the page's language."""
    from ..services import KIND_NAMES, STATE_NAMES

    zh, en = {**STATE_NAMES, **KIND_NAMES}.get(str(name), (str(name), str(name)))
    return en if page_lang() == "en" else zh


_TERMS = {"female": ("女", "female"), "male": ("男", "male"), "total": ("合计", "total"),
          "urban": ("城镇", "urban"), "rural": ("农村", "rural")}


@register.filter
def term(value: str) -> str:
    """A sex or an area type (female, urban …) in the page's language."""
    zh, en = _TERMS.get(str(value), (str(value), str(value)))
    return en if page_lang() == "en" else zh
