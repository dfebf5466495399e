"""The portal's forms (Django forms: the fields are checked on the server, whatever the page sent)."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings

from .models import Output
from .services import SIGNATURES


class UploadForm(forms.Form):
    """A workbook for a collection: one file of an accepted type, within the size limit."""

    file = forms.FileField(label="工作簿 workbook", allow_empty_file=False, max_length=255)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        suffix = Path(uploaded.name or "").suffix.lower()
        if suffix not in SIGNATURES:
            raise forms.ValidationError(f"文件类型“{suffix or '无'}”不受理，请上传 .xlsx、.xlsm、.xls 或 .csv 文件 / "
                                        f"file type {suffix or '(none)'!r} is not accepted: upload .xlsx, .xlsm, .xls or .csv")
        limit = int(settings.WDMONITOR_PORTAL["max_upload_bytes"])
        if uploaded.size > limit:
            raise forms.ValidationError(f"文件超过{limit // 1_000_000} MB上限 / the file is larger than the {limit // 1_000_000} MB limit")
        return uploaded


class ReturnForm(forms.Form):
    """The reviewer's comment when returning a submission (the filler reads it)."""

    comment = forms.CharField(label="退回意见 comment", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RunForm(forms.Form):
    """Which result to run for the reviewer's region and which year's collection."""

    kind = forms.ChoiceField(choices=Output.Kind.choices, label="结果 result")
    collection = forms.IntegerField(widget=forms.HiddenInput)
    lang = forms.ChoiceField(choices=[("zh", "中文"), ("en", "English")], initial="zh", label="语言 language")
