"""Rendered transparency reports with earlier editions, a preliminary one and the incidents
layout, opened in Chromium and read from the PDF."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cocdata.demo import build_demo
from cocdata.reports import publish
from cocdata.store import Store

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """djangocon-2002 (two earlier editions) as HTML, Markdown and PDF; pycon-north-2024 as
    a preliminary report, and in the incidents layout."""
    base = tmp_path_factory.mktemp("pages")
    build_demo(base / "store")
    store = Store.open(base / "store", create=False)
    runs = {
        "history": dict(event_ids=["djangocon-2002"], formats=("html", "md", "pdf"), min_count=3),
        "preliminary": dict(event_ids=["pycon-north-2024"], edition="preliminary"),
        "incidents": dict(event_ids=["pycon-north-2024"], layout="incidents", formats=("pdf",)),
    }
    out = {}
    for name, options in runs.items():
        outcome = publish.publish_transparency(
            store, out_dir=base / name, workers=1, progress=False, **options
        )
        assert outcome.ok, [str(e) for e in outcome.events]
        out[name] = base / name
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_manifest_says_which_edition_and_layout_each_event_has(pages) -> None:
    def entry(name: str, event_id: str) -> dict:
        return json.loads((pages[name] / "manifest.json").read_text())["events"][event_id]

    assert (entry("history", "djangocon-2002")["edition"], entry("history", "djangocon-2002")[
        "layout"]) == ("final", "summary")  # fmt: skip
    assert entry("preliminary", "pycon-north-2024")["edition"] == "preliminary"
    assert entry("incidents", "pycon-north-2024")["layout"] == "incidents"


def test_markdown_has_the_history_table(pages) -> None:
    md = (pages["history"] / "djangocon-2002" / "report.md").read_text()
    assert "## Earlier editions" in md
    assert "| Django\\* conference 2000 | 300 | fewer than 3 |" in md
    assert "Django\\* conference 2002 (this report)" in md


@pytest.mark.browser
def test_history_table_and_chart_are_drawn(pages, page) -> None:
    from tests.reports.test_rendered_pages import open_offline

    tried = open_offline(page, pages["history"] / "djangocon-2002" / "report.html")
    page.wait_for_selector(".plot-container .main-svg", timeout=15_000)
    main = page.inner_text("main")
    assert "Earlier editions" in main and "Reports per 100 attendees" in main
    chart = page.locator(".cocdata-chart", has_text="Reports received, edition by edition")
    assert chart.count() == 1
    assert chart.locator(".bars .point").count() == 3
    assert tried == []
    assert [e for e in page.events if e[0] == "pageerror"] == []


@pytest.mark.browser
def test_a_preliminary_report_says_so_at_the_top(pages, page) -> None:
    from tests.reports.test_rendered_pages import open_offline

    open_offline(page, pages["preliminary"] / "pycon-north-2024" / "report.html")
    assert page.inner_text("h1") == "Preliminary transparency report: PyCon North 2024"
    main = page.inner_text("main")
    assert "Preliminary report: the counts so far, open cases included" in main
    assert "A preliminary report describes no case" in main
    assert "Action taken:" not in main


def test_pdf_holds_the_history_and_the_incidents(pages) -> None:
    history = pdf_text(pages["history"] / "djangocon-2002" / "report.pdf")
    assert "Earlier editions" in history and "Django* conference 2001" in history
    incidents = pdf_text(pages["incidents"] / "pycon-north-2024" / "report.pdf")
    assert "The incidents" in incidents and "Incident 2024-" in incidents
    assert "The reports in brief" not in incidents
