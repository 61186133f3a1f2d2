"""Publishing the yearly report and re-running the batch: rendered pages, the leak guard at
work, the access log, the manifest's cache and what invalidates it, the command, Chromium.

These render through the report engine (kernels), so they are slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cocdata.errors import EXIT_CODES, NotFound, UsageError
from cocdata.reports import publish, yearly_publish
from cocdata.reports.leaks import NAME, LeakGuard, Source
from cocdata.store import Store
from tests.reports.test_rendered_pages import open_offline, pdf_text
from tests.reports.test_transparency import EVENT, OTHER_EVENT, build_fixture_store
from tests.reports.test_yearly_report import build_yearly_store, yearly_case

pytestmark = pytest.mark.slow


def no_guard(store: Store) -> LeakGuard:
    raise AssertionError("the leak guard was built, though nothing changed")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("yearly-published")
    store = build_yearly_store(base / "store")
    outcome = yearly_publish.publish_yearly(store, out_dir=base / "out", progress=False)
    assert outcome.ok, [str(e) for e in outcome.events]
    return store, base / "out", outcome


def test_the_yearly_report_is_written_with_its_table(published) -> None:
    _, out, outcome = published
    assert [p.name for p in outcome.events[0].files] == ["yearly-all.html", "yearly-all.md"]
    md = (out / "yearly-all.md").read_text()
    assert "| 2023 | 4 | 2 | 1 | 1 | 1 | 0 | 1 | 0 | 1 | 0 | 0 | 1 |" in md
    assert "| Autumn Camp 2023 | 10–11 September 2023 | 2 |" in md
    for name in ("Vex Harlowe", "Quen Ardith", "Lio Brandt", "yr-one"):
        assert name.lower() not in md.lower()
    assert "Vex Harlowe" not in (out / "yearly-all.html").read_text()


def test_the_index_lists_the_yearly_report(published) -> None:
    _, out, _ = published
    md = (out / "index.md").read_text()
    assert "## Yearly reports" in md and "[All years](<yearly-all.md>)" in md
    assert "Final (summary)" in md
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["yearly"]["yearly-all"]["files"] == ["yearly-all.html", "yearly-all.md"]


def test_rendering_is_in_the_access_log(published) -> None:
    from cocdata import accesslog

    store, out, _ = published
    (entry,) = [e for e in accesslog.entries(store) if "Yearly report" in e.detail]
    assert "statistics only" in entry.detail and str(out) in entry.detail
    assert set(entry.cases) == {"yr-one", "yr-two", "yr-three", "yr-four", "yr-five", "yr-six"}


def test_an_unchanged_yearly_report_reads_nothing_again(published, monkeypatch) -> None:
    store, out, _ = published
    monkeypatch.setattr(yearly_publish, "statistics_guard", no_guard)
    again = yearly_publish.publish_yearly(store, out_dir=out, progress=False)
    assert [e.status for e in again.events] == [publish.UNCHANGED]


@pytest.mark.browser
def test_the_printed_yearly_table_keeps_every_column(tmp_path: Path) -> None:
    store = build_yearly_store(tmp_path / "store")
    outcome = yearly_publish.publish_yearly(
        store, out_dir=tmp_path / "out", formats=["pdf"], progress=False
    )
    assert outcome.ok, [str(e) for e in outcome.events]
    words = " ".join(pdf_text(tmp_path / "out" / "yearly-all.pdf").split())
    # Paper cannot scroll: the last columns are printed, not cut off at the margin.
    assert "outcome" in words
    assert "2023 4 2 1 1 1 0 1 0 1 0 0 1" in words


@pytest.mark.browser
def test_the_yearly_chart_is_drawn_offline(published, page) -> None:
    _, out, _ = published
    page.set_viewport_size({"width": 390, "height": 844})
    tried = open_offline(page, out / "yearly-all.html")
    page.wait_for_selector(".plot-container .main-svg", timeout=15_000)
    assert page.locator(".plotly-graph-div .bars .point").count() == 2
    assert "Reports received per year" in page.inner_text(".cocdata-chart")
    assert tried == []
    assert [e for e in page.events if e[0] == "pageerror"] == []
    # The wide table scrolls in its place; the page itself fits the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("table").first.is_visible()
    open_offline(page, out / "index.html")
    text = page.inner_text("body")
    assert "All years" in text and "Final (summary)" in text
    # The index's wide table scrolls in its place too.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".cocdata-scroll table").is_visible()


def test_the_guard_blocks_a_yearly_page_and_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    store = build_yearly_store(tmp_path / "store")

    def strict(store: Store) -> LeakGuard:
        guard = LeakGuard()
        guard.add(NAME, "Autumn Camp", Source("yr-three", "people.1.name"))
        return guard

    monkeypatch.setattr(yearly_publish, "statistics_guard", strict)
    outcome = yearly_publish.publish_yearly(store, out_dir=tmp_path / "out", progress=False)
    assert [e.status for e in outcome.events] == [publish.BLOCKED]
    assert "Blocked by the leak guard (nothing written): yearly-all." in str(outcome.error())
    assert "people.1.name of case yr-three" in (outcome.events[0].message or "")
    assert not (tmp_path / "out" / "yearly-all.html").exists()


def _cli(*args: str, store: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cocdata.cli", "report", "yearly", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={
            **os.environ,
            "COCDATA_STORE": str(store),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
    )


@pytest.mark.parametrize(
    ("args", "error", "said"),
    [
        (["--year", "1999"], NotFound, "Years with reports in the store: 2023, 2024"),
        (["--year", "2023", "--all"], UsageError, "not both"),
        (["--format", "docx"], Exception, "Unknown report format 'docx'"),
        (["--min-count", "0"], Exception, "--min-count"),
    ],
)
def test_the_command_refuses_bad_input_and_writes_nothing(
    tmp_path: Path, args: list[str], error: type, said: str
) -> None:
    store = build_yearly_store(tmp_path / "store")
    done = _cli(*args, store=store.root, cwd=tmp_path)
    assert done.returncode != 0
    if error is not Exception:
        assert done.returncode == EXIT_CODES.get(error, done.returncode)
    assert said in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "reports").exists()


def test_the_command_writes_a_year_by_half_year(tmp_path: Path) -> None:
    store = build_yearly_store(tmp_path / "store")
    done = _cli("--year", "2023", "--half", "--jobs", "1", store=store.root, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "reports" / "transparency" / "yearly-2023-half.md").read_text()
    assert "| January–June 2023 | 2 | 1 |" in md and "July–December 2023" in md
    assert "2024" not in md.split("## Reports and outcomes")[1].split("## Reports by event")[0]


# -- the batch's cache: what makes it read, check or render again ---------------------


def test_the_cache_invalidates_on_what_a_page_depends_on(tmp_path: Path, monkeypatch) -> None:
    store = build_fixture_store(tmp_path / "store")
    out = tmp_path / "out"
    assert publish.publish_transparency(store, out_dir=out, progress=False).ok
    index = (out / "index.md").stat().st_mtime_ns

    def statuses() -> dict[str, str]:
        outcome = publish.publish_transparency(store, out_dir=out, progress=False)
        assert outcome.ok, [str(e) for e in outcome.events]
        return {e.event_id: e.status for e in outcome.events}

    # Nothing changed: neither the names nor any page is read, the index is not rewritten.
    with monkeypatch.context() as m:
        m.setattr(publish, "leak_guard", no_guard)
        assert set(statuses().values()) == {publish.UNCHANGED}
    assert (out / "index.md").stat().st_mtime_ns == index

    # A case of one event: that event is rendered, the other's pages are checked again.
    checked = []
    real = publish.recheck

    def spy(guard, event_id, *args):
        checked.append(event_id)
        return real(guard, event_id, *args)

    monkeypatch.setattr(publish, "recheck", spy)
    stored = store.get("elsewhere")
    store.save(
        stored.case.model_copy(update={"status": "investigating"}), by="T", base_rev=stored.rev
    )
    assert statuses() == {EVENT["id"]: publish.UNCHANGED, OTHER_EVENT["id"]: publish.WRITTEN}
    assert checked == [EVENT["id"]]
    # An event record.
    event = store.event(EVENT["id"]).model_copy(update={"attendees": 1234})
    store.save_event(event, by="T")
    assert statuses() == {EVENT["id"]: publish.WRITTEN, OTHER_EVENT["id"]: publish.UNCHANGED}
    assert "1,234" in (out / EVENT["id"] / "report.md").read_text()
    # A setting (vocabularies and the rest live in cocdata.toml).
    with (store.root / "cocdata.toml").open("a") as f:
        f.write("\n# edited\n")
    assert set(statuses().values()) == {publish.WRITTEN}
    # A template or the code.
    from cocdata.reports import manifest

    monkeypatch.setattr(manifest, "report_code", lambda: "another template")
    assert set(statuses().values()) == {publish.WRITTEN}
    # A page changed on disk is read and checked again, not trusted.
    monkeypatch.undo()
    assert set(statuses().values()) == {publish.WRITTEN}
    page = out / EVENT["id"] / "report.md"
    page.write_text(page.read_text() + "\n")
    checked.clear()
    monkeypatch.setattr(publish, "recheck", spy)
    assert set(statuses().values()) == {publish.UNCHANGED}
    assert checked == [EVENT["id"]]


def test_the_yearly_report_is_rendered_again_after_a_case_changes(published) -> None:
    store, out, _ = published
    case = yearly_case("yr-four").model_copy(update={"case_id": "yr-seven"})
    store.save(case, by="Team Member")
    again = yearly_publish.publish_yearly(store, out_dir=out, progress=False)
    assert [e.status for e in again.events] == [publish.WRITTEN]
    assert "| 2023 | 5 |" in (out / "yearly-all.md").read_text()
