"""Rendered reports opened in a real Chromium, offline: charts draw, record text cannot run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def open_offline(page, path: Path) -> list[str]:
    """Load a report with every non-file request refused; return the URLs that were tried."""
    tried: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            tried.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    return tried


def test_chart_is_drawn_without_any_network(rendered, page) -> None:
    tried = open_offline(page, rendered["summary"].job.path("html"))
    page.wait_for_selector(".plot-container .main-svg", timeout=15_000)
    assert page.locator(".plotly-graph-div .bars .point").count() > 0
    assert "Reports per day by category" in page.inner_text(".cocdata-chart")
    assert tried == []
    assert [e for e in page.events if e[0] == "pageerror" or e[1] == "error"] == []


@pytest.mark.parametrize("report", ["summary", "hostile", "plain"])
def test_no_page_loads_scripts_from_elsewhere(rendered, report) -> None:
    html = rendered[report].job.path("html").read_text()
    assert "<script src" not in html
    assert "<link" not in html


def test_hostile_record_text_is_shown_not_run(rendered, page, payload) -> None:
    tried = open_offline(page, rendered["hostile"].job.path("html"))
    page.wait_for_selector(".plot-container .main-svg", timeout=15_000)
    assert page.evaluate("window.__pwned") is None
    assert [e for e in page.events if e[0] == "dialog"] == []
    main = page.inner_text("main")
    # heading, text, field name and value, table header, index and cell, caption-free table.
    assert main.count("<script>window.__pwned=1</script>") >= 5
    assert '<img src=x onerror="window.__pwned=1;alert(1)">' in main
    assert page.title() == payload
    assert page.locator("main img, main iframe, main a[href^='javascript']").count() == 0
    assert tried == []


def test_hostile_record_text_is_escaped_in_markdown(rendered, payload) -> None:
    import mistune

    md = rendered["hostile"].job.path("md").read_text()
    assert "<script" not in md and "<img" not in md and "{{<" not in md
    # Even a renderer that lets raw HTML through produces none from it.
    html = mistune.create_markdown(escape=False)(md)
    assert "<script" not in html and "<img" not in html and "href=" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is missing: install it with 'apt-get install -y poppler-utils'")
    return subprocess.run(
        [pdftotext, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        # The chart's title and axis labels are drawn by plotly.js, so their
        # presence shows the chart was drawn before printing.
        (
            "summary",
            [
                "Transparency summary for EV-7",
                "Reports by category",
                "Reports per day by category",
                "harassment",
                "End of summary.",
            ],
        ),
        ("hostile", ["<script>window.__pwned=1</script>"]),
    ],
)
def test_pdf_holds_the_report_text_and_the_drawn_chart(rendered, report, expected) -> None:
    path = rendered[report].job.path("pdf")
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    for snippet in expected:
        assert snippet in text


def test_missing_chromium_is_explained(monkeypatch, tmp_path) -> None:
    from cocdata.errors import ReportFailed
    from cocdata.reports import pdf

    monkeypatch.setenv("COCDATA_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(ReportFailed, match="apt-get install chromium"):
        pdf.chromium_path()
