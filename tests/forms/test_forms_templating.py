"""The forms' HTML comes from templates shipped in the package, with record text escaped."""

from __future__ import annotations

from cocdata.examples import guide_example
from cocdata.forms.case_html import summary_html
from cocdata.forms.templating import environment, style_sheet
from cocdata.store import Store


def test_the_style_sheet_is_package_data_and_keeps_the_class_hooks() -> None:
    sheet = style_sheet()
    assert sheet.startswith("<style>") and sheet.rstrip().endswith("</style>")
    for hook in (".cocdata-bad", ".cocdata-actionbar", ".cocdata-timeline", ".cocdata-hidden"):
        assert hook in sheet
    assert "&gt;" not in sheet, "the style sheet goes in as written"
    assert "form.css" in environment().list_templates()


def test_the_case_summary_escapes_record_text(store: Store) -> None:
    case = guide_example().model_copy(
        update={"description": "<script>alert('x')</script> & <b>bold</b>"}
    )
    stored = store.save(case, by="Response Team Member A")
    html = summary_html(stored, store)
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<dt>What happened</dt>" in html
