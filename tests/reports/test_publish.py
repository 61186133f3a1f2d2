"""Publishing transparency reports: rendered pages, the batch, the leak guard at work, skipping.

These render through the report engine (kernels), so they are slow; the
browser test opens a page with hostile record text offline in Chromium.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cocdata.demo import build_demo
from cocdata.errors import LeakFound, ReportFailed
from cocdata.reports import publish
from cocdata.reports.notebooks import TRANSPARENCY, YEARLY
from cocdata.store import Store
from tests.reports.conftest import PAYLOAD
from tests.reports.test_rendered_pages import open_offline, pdf_text
from tests.reports.test_transparency import (
    EVENT,
    OTHER_EVENT,
    SECRET_CONTACT,
    SECRET_NAME,
    build_fixture_store,
    fixture_case,
)

pytestmark = pytest.mark.slow

SECTIONS = [
    "In numbers",
    "Reports by kind of behaviour",
    "Matters outside the code of conduct",
    "Actions taken",
    "How fast the team responded",
    "The team and the process",
    "The reports in brief",
    "How we count",
]


def plant(store: Store, case_id: str, summary: str) -> None:
    """Give a case a new public summary (a team member's mistake, for the guard to catch)."""
    stored = store.get(case_id)
    transparency = stored.case.transparency.model_copy(update={"include": True, "summary": summary})
    store.save(
        stored.case.model_copy(update={"transparency": transparency}),
        by="Team Member",
        base_rev=stored.rev,
    )


def every_file(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


# -- one event, rendered ---------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("published")
    store = build_fixture_store(base / "store")
    plant(store, "case-four", PAYLOAD)
    outcome = publish.publish_transparency(
        store,
        [EVENT["id"]],
        base / "out",
        formats=("html", "md", "pdf"),
        progress=False,
    )
    assert outcome.ok, [str(e) for e in outcome.events]
    return base / "out", outcome


def test_an_event_is_written_as_html_markdown_and_pdf(rendered) -> None:
    out, outcome = rendered
    folder = out / EVENT["id"]
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.md", "report.pdf"]
    assert [str(p) for p in outcome.events[0].files] == [
        str(folder / f"report.{f}") for f in ("html", "md", "pdf")
    ]


def test_markdown_has_every_section_and_no_html(rendered) -> None:
    md = (rendered[0] / EVENT["id"] / "report.md").read_text()
    assert md.startswith("# Transparency report: Fixture Conference 2024")
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == SECTIONS
    assert "| Harassment | 4 |" in md
    assert "Summary one. Action taken: Verbal warning." in md
    assert "*Chart: Reports by kind of behaviour" in md
    assert "<script" not in md and "<img" not in md and "<div" not in md


def test_the_public_files_hold_nothing_identifying(rendered) -> None:
    out = rendered[0]
    text = every_file(out)
    for secret in (SECRET_NAME, SECRET_CONTACT, "case-one", "Response Team Member", "2024-05-02"):
        assert secret not in text


def test_pdf_has_the_sections_and_drawn_charts(rendered) -> None:
    text = " ".join(pdf_text(rendered[0] / EVENT["id"] / "report.pdf").split())
    for heading in SECTIONS:
        assert heading in text
    # The chart's own title is drawn by plotly.js in the page before printing.
    assert "Actions taken in decided and closed cases" in text


@pytest.mark.browser
def test_offline_page_draws_charts_and_runs_no_record_text(rendered, page) -> None:
    tried = open_offline(page, rendered[0] / EVENT["id"] / "report.html")
    page.wait_for_selector(".plot-container .main-svg", timeout=15_000)
    assert page.locator(".plotly-graph-div").count() == 2
    assert page.locator(".plotly-graph-div .bars .point").count() >= 5
    assert page.evaluate("window.__pwned") is None
    assert [e for e in page.events if e[0] in ("dialog", "pageerror")] == []
    main = page.inner_text("main")
    assert "<script>window.__pwned=1</script>" in main
    assert page.locator("main img, main iframe, main a[href^='javascript']").count() == 0
    assert tried == []


@pytest.mark.browser
def test_index_links_open_offline(rendered, page) -> None:
    tried = open_offline(page, rendered[0] / "index.html")
    page.click("text=Fixture Conference 2024")
    page.wait_for_selector(".plot-container .main-svg", timeout=15_000)
    assert page.url.endswith(f"/{EVENT['id']}/report.html")
    assert tried == []


# -- a batch over the demo store, with one broken and one leaking event ----------------

BROKEN = "rust-camp-2023"
LEAKING = "writedocs-2024"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):
    """The demo store, rendered with a template that fails for one event, and with a
    person's name planted in the public summary of a case of another."""
    from cocdata.reports import notebooks

    base = tmp_path_factory.mktemp("batch")
    store_path = base / "store"
    build_demo(store_path)
    store = Store.open(store_path, create=False)
    frames = store.frames()
    victim = str(frames.people["name"].dropna().iloc[0])
    leaking = frames.cases.query("event_id == @LEAKING and status == 'closed'")["case_id"].iloc[0]
    plant(store, leaking, f"An attendee and {victim} argued.")
    templates = base / "templates"
    templates.mkdir()
    nb = json.loads(notebooks.template_path(TRANSPARENCY).read_text())
    load_cell = next(c for c in nb["cells"] if "report.load(" in "".join(c["source"]))
    load_cell["source"] = [
        f"if event_id == {BROKEN!r}:\n",
        "    raise RuntimeError('broken on purpose')\n",
        *load_cell["source"],
    ]
    (templates / TRANSPARENCY).write_text(json.dumps(nb))
    (templates / YEARLY).write_text(notebooks.template_path(YEARLY).read_text())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(notebooks, "TEMPLATES", templates)
        outcome = publish.publish_transparency(
            store, out_dir=base / "out", workers=2, progress=False
        )
    return base / "out", outcome, victim, leaking


def test_one_events_failure_does_not_stop_the_others(batch) -> None:
    out, outcome, _, _ = batch
    status = {e.event_id: e.status for e in outcome.events}
    assert status.pop(BROKEN) == publish.FAILED
    assert status.pop(LEAKING) == publish.BLOCKED
    assert set(status.values()) == {publish.WRITTEN}
    assert len(status) == 14
    for event_id in status:
        assert (out / event_id / "report.html").is_file()
        assert (out / event_id / "report.md").is_file()
    assert not (out / BROKEN).exists() and not (out / LEAKING).exists()


def test_the_outcome_names_what_went_wrong_and_ends_in_an_error(batch) -> None:
    _, outcome, victim, leaking = batch
    by_id = {e.event_id: e for e in outcome.events}
    assert "broken on purpose" in str(by_id[BROKEN])
    blocked = str(by_id[LEAKING])
    assert f"the public summary of case {leaking}" in blocked
    assert victim not in blocked
    error = outcome.error()
    assert isinstance(error, ReportFailed)
    assert BROKEN in str(error) and LEAKING in str(error)
    assert "14 written" in outcome.summary() and "1 failed" in outcome.summary()


def test_the_index_is_written_and_links_every_report_that_exists(batch) -> None:
    out = batch[0]
    html = (out / "index.html").read_text()
    md = (out / "index.md").read_text()
    links = re.findall(r'href="([^"]+)"', html)
    assert len(links) == 14
    for link in links:
        assert (out / link).is_file()
    assert len(re.findall(r"\]\(<([^>]+)>\)", md)) == 14
    assert md.count("(report not available yet)") == 2
    assert "| All events |" in md
    # The demo's guide example is an event of its own.
    assert "Django\\* conference 2000" in md


def test_the_demo_reports_are_free_of_names(batch) -> None:
    """Every name, contact and code name of the demo store, looked for in every written file."""
    out, _, victim, _ = batch
    store = Store.open(out.parent / "store", create=False)
    guard = publish.leak_guard(store)
    for path in out.rglob("report.*"):
        text = path.read_text()
        texts = {path.suffix[1:]: publish._strip_plotly(text) if path.suffix == ".html" else text}
        assert guard.findings(path.parent.name, texts) == [], path
    assert victim not in every_file(out)


# -- skipping what has not changed ------------------------------------------------------


def _mtimes(out: Path) -> dict[str, float]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("report.*")}


def test_unchanged_events_are_skipped_until_forced(tmp_path: Path) -> None:
    store = build_fixture_store(tmp_path / "store")
    out = tmp_path / "out"
    first = publish.publish_transparency(store, out_dir=out, progress=False)
    assert [e.status for e in first.events] == [publish.WRITTEN] * 2
    before = _mtimes(out)

    again = publish.publish_transparency(store, out_dir=out, progress=False)
    assert [e.status for e in again.events] == [publish.UNCHANGED] * 2
    assert _mtimes(out) == before
    assert (out / "index.html").is_file()

    # A change to one event's case renders that event only.
    plant(store, "case-seven", "A conflict was resolved by talking.")
    third = publish.publish_transparency(store, out_dir=out, progress=False)
    assert {e.event_id: e.status for e in third.events} == {
        EVENT["id"]: publish.WRITTEN,
        OTHER_EVENT["id"]: publish.UNCHANGED,
    }
    assert "A conflict was resolved by talking." in (out / EVENT["id"] / "report.md").read_text()

    # Other options are another report.
    fourth = publish.publish_transparency(store, out_dir=out, min_count=3, progress=False)
    assert [e.status for e in fourth.events] == [publish.WRITTEN] * 2

    forced = publish.publish_transparency(
        store, out_dir=out, min_count=3, force=True, progress=False
    )
    assert [e.status for e in forced.events] == [publish.WRITTEN] * 2


def test_an_unchanged_report_that_now_holds_a_name_is_taken_down(tmp_path: Path) -> None:
    """A name saved later in another event's case is looked for in reports already out."""
    store = build_fixture_store(tmp_path / "store")
    out = tmp_path / "out"
    assert publish.publish_transparency(store, out_dir=out, progress=False).ok
    newcomer = fixture_case("case-one", OTHER_EVENT).model_copy(update={"case_id": "newcomer"})
    people = [newcomer.people[0].model_copy(update={"name": "Summary Eight", "person": None})]
    store.save(newcomer.model_copy(update={"people": people}), by="Team Member")
    outcome = publish.publish_transparency(store, [EVENT["id"]], out_dir=out, progress=False)
    (event,) = outcome.events
    assert event.status == publish.BLOCKED
    assert "people.1.name of case newcomer" in (event.message or "")
    assert {p.name for p, _ in outcome.removed} == {"report.html", "report.md"}
    assert not (out / EVENT["id"] / "report.html").exists()
    assert isinstance(outcome.error(), LeakFound)
    assert "Fixture Conference 2024 (report not available yet)" in (out / "index.md").read_text()


# -- the command --------------------------------------------------------------------------


def _cli(*args: str, store: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cocdata.cli", "report", "transparency", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={
            **os.environ,
            "COCDATA_STORE": str(store),
            "COCDATA_MEMBER": "Team Member",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
    )


def test_the_command_blocks_a_leak_then_publishes_it_when_accepted(tmp_path: Path) -> None:
    store = build_fixture_store(tmp_path / "store")
    plant(store, "case-two", f"An attendee spoke to {SECRET_NAME} about it.")
    blocked = _cli("--event", EVENT["id"], "--jobs", "1", store=store.root, cwd=tmp_path)
    assert blocked.returncode == LeakFound.exit_code, blocked.stderr
    assert "the public summary of case case-two" in blocked.stderr
    assert "people.1.name of case" in blocked.stderr
    assert SECRET_NAME not in blocked.stderr + blocked.stdout
    assert "Traceback" not in blocked.stderr
    report = tmp_path / "reports" / "transparency" / EVENT["id"]
    assert not report.exists()

    ids = re.findall(r"\[([0-9a-f]{8})\]", blocked.stderr)
    assert ids
    args = [a for i in sorted(set(ids)) for a in ("--accept", i)]
    accepted = _cli("--event", EVENT["id"], *args, store=store.root, cwd=tmp_path)
    assert accepted.returncode == 0, accepted.stderr
    assert "published despite finding(s)" in accepted.stderr
    assert (report / "report.html").is_file()
    from cocdata import accesslog

    log = accesslog.entries(Store.open(store.root, create=False))
    override = log[-1]
    assert override.action == "report" and override.by == "Team Member"
    assert f"transparency report of event {EVENT['id']} published despite" in override.detail
    assert all(f"[{i}]" in override.detail for i in ids)
    assert "case-two" in override.cases
    # Each run that rendered is logged before it rendered: blocked, then accepted.
    rendered = [e for e in log if e.detail.startswith("transparency reports of 1 event(s)")]
    assert len(rendered) == 2 and set(rendered[0].cases) >= {"case-one", "case-nine"}
    assert SECRET_NAME not in "\n".join(e.line() for e in log)


def test_demo_renders_the_reports_and_says_where_the_index_is(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from cocdata.cli import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    index = tmp_path / "reports" / "transparency" / "index.html"
    assert f"open {index}" in result.output
    assert index.is_file()
    again = CliRunner().invoke(app, ["demo", "--store", str(tmp_path / "store")])
    assert "0 rendered, 16 unchanged" in again.output


def test_the_index_shows_each_events_counts_as_its_page_does(tmp_path: Path) -> None:
    """Index and page are checked together: the index shows the page's protected cells,
    and a column total only as a lower bound once the column holds a hidden count."""
    from cocdata.reports.index import INDEX_COLUMNS, column_total, event_counts, index_rows
    from cocdata.reports.transparency import public_records, view_of
    from tests.reports.test_transparency import build_fixture_store

    store = build_fixture_store(tmp_path / "store")
    records = public_records(store)
    events = store.events()
    rows = index_rows(
        store, {}, tmp_path / "out", lambda e: event_counts(events[e], records, store.vocab, 3)
    )
    for row in rows:
        page = view_of(events[row.event_id], records, store.vocab, 3).shown
        for key in ("total", "within", "outside", "open"):
            assert row.counts[key] == getattr(page, key), (row.event_id, key)
    for key in INDEX_COLUMNS:
        cells = [r.counts[key] for r in rows]
        if not all(c.exact for c in cells):
            assert column_total(cells).startswith("at least ")


def test_an_event_without_a_page_shows_no_counts_in_the_index() -> None:
    from cocdata.reports.disclosure import Shown
    from cocdata.reports.index import NOT_PUBLISHED, column_total

    assert column_total([Shown("4", 4), NOT_PUBLISHED, Shown("2", 2)]) == "6"


def test_counts_worked_out_while_pages_render_are_the_ones_counted_after(
    tmp_path: Path, monkeypatch
) -> None:
    from cocdata.reports.index import CountsAhead, event_counts
    from cocdata.reports.transparency import public_records
    from tests.reports.test_transparency import build_fixture_store

    store = build_fixture_store(tmp_path / "store")
    records, events = public_records(store), store.events()
    ahead = CountsAhead(store, list(events), 3)
    for event_id, event in events.items():
        assert ahead.get(event_id) == event_counts(event, records, store.vocab, 3), event_id
    assert ahead.get("no-such-event") is None, "counted where it is asked for instead"
    assert CountsAhead(store, [], 3).get("x") is None, "nothing to render: no thread"

    def broken(_store: Store) -> None:
        raise OSError("the disk went away")

    monkeypatch.setattr("cocdata.reports.transparency.public_records", broken)
    failed = CountsAhead(store, list(events), 3)
    assert failed.get(next(iter(events))) is None, "a failed thread leaves the counting to finish"
