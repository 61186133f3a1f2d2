"""The forms in a real browser: JupyterLab and the Voilà app on Debian's Chromium.

A team member records the guide's example report through the quick capture,
gets a clear message for a bad date, gets a draft back after a kernel restart,
adds the meeting with Person B in case work, and does the same capture in the
app on a tablet-width window. Timings are written to
``benchmarks/.data/forms-browser.json`` for docs/performance.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cocdata.store import Store
from tests.forms.servers import (
    SAVE_TIMEOUT_MS,
    Server,
    click_save,
    field_input,
    fill,
    fill_quick_capture,
    median,
    new_report,
    open_in_lab,
    open_in_voila,
    restart_kernel,
    run_all,
    running,
    wait_idle_kernel,
    wait_visible,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNLABELED_CONTROLS = """() => Array.from(
  document.querySelectorAll('.cocdata-form input, .cocdata-form select, .cocdata-form textarea'))
  .filter(e => e.offsetParent !== null)
  .filter(e => !(e.labels && e.labels.length && e.labels[0].textContent.trim()))
  .map(e => e.outerHTML.slice(0, 120))"""
RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / ".data" / "forms-browser.json"
SAVES_TO_TIME = 5


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running("lab", tmp_path_factory.mktemp("lab")) as server:
        yield server
        _write_timings("lab", server)


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running("voila", tmp_path_factory.mktemp("voila")) as server:
        yield server
        _write_timings("voila", server)


def _write_timings(kind: str, server: Server) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        data = {}
    data[kind] = {
        name: {"median": round(median(values), 3), "runs": [round(v, 3) for v in values]}
        for name, values in server.timings.items()
    }
    data[kind]["recorded_at"] = time.strftime("%Y-%m-%d %H:%M")
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")


@pytest.fixture
def tab(chromium):
    """A fresh page of the size of a laptop screen."""
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _cases(server: Server) -> list:
    return Store.open(server.store).load_all()


def _guide_case(server: Server):
    found = [
        s
        for s in _cases(server)
        if s.case.report.made_by == "Person A" and any(p.name == "Person B" for p in s.case.people)
    ]
    return found[0] if found else None


def _time_more_saves(page, server: Server, label: str) -> None:
    """Record a few more quick captures to get a median save time."""
    for i in range(SAVES_TO_TIME):
        new_report(page)
        fill(page, "cocdata-f-report-made-by", f"Timing reporter {i}")
        fill(page, "cocdata-f-description", f"Timing report {i}: a short verbal report.")
        server.record(label, click_save(page, server))


def test_lab_quick_capture_saves_the_guide_report(tab, lab: Server) -> None:
    seconds = open_in_lab(tab, lab)
    assert (
        tab.locator(".cocdata-member").inner_text().strip() == "Recording as Response Team Member A"
    )
    # Labels are tied to their inputs (screen readers and getByLabel find them).
    assert tab.get_by_label("Who reported it", exact=True).count() == 1
    fill_quick_capture(tab)
    lab.record("lab_save_s", click_save(tab, lab))

    stored = _guide_case(lab)
    assert stored is not None, "the saved report is not in the store"
    case = stored.case
    assert case.event.id == "djangocon-2000" and case.event.attendees == 300
    assert case.report.made_by == "Person A"
    assert case.report.received_by == ["Response Team Member A"]
    assert case.report.made_at.isoformat() == "2000-12-29T09:00:00"
    assert case.occurred.at.isoformat() == "2000-12-28T22:30:00"
    assert case.occurred.precision == "minute"
    assert {(p.name, p.role) for p in case.people} == {
        ("Person A", "reporter"),
        ("Person A", "target"),
        ("Person B", "reported"),
    }
    assert stored.saved_by == "Response Team Member A"
    assert not Store.open(lab.store).drafts(), "saving must clear the report's draft"
    assert seconds < 60
    _time_more_saves(tab, lab, "lab_save_s")


def test_lab_bad_date_shows_message_and_writes_nothing(tab, lab: Server) -> None:
    open_in_lab(tab, lab)
    before = len(_cases(lab))
    fill_quick_capture(tab)
    fill(tab, "cocdata-f-report-made-at", "2000-13-45")
    tab.locator("button.cocdata-save").click()
    error = tab.locator(".cocdata-f-report-made-at .cocdata-error")
    error.wait_for(state="visible", timeout=SAVE_TIMEOUT_MS)
    assert "not a real date" in error.inner_text()
    assert "nothing was saved" in tab.locator(".cocdata-problems").inner_text()
    assert field_input(tab, "cocdata-f-report-made-at").input_value() == "2000-13-45"
    assert field_input(tab, "cocdata-f-report-made-by").input_value() == "Person A"
    assert len(_cases(lab)) == before


def test_lab_draft_comes_back_after_a_kernel_restart(tab, lab: Server) -> None:
    open_in_lab(tab, lab)
    fill(tab, "cocdata-f-report-made-by", "Person C")
    fill(tab, "cocdata-f-description", "Half-written report, typed just before the kernel died.")
    wait_visible(
        tab,
        ".cocdata-draft-status:has-text('Draft kept')",
        10_000,
        lab,
        "the draft confirmation",
    )
    restart_kernel(tab, lab)
    run_all(tab, lab, ".cocdata-draft-restore")
    offer = tab.locator(".cocdata-notice", has_text="Person C").first
    assert "You have an unsaved report from" in offer.inner_text()
    offer.locator("button.cocdata-draft-restore").click()
    tab.locator(".cocdata-save-status", has_text="Draft restored").wait_for(timeout=10_000)
    assert field_input(tab, "cocdata-f-report-made-by").input_value() == "Person C"
    assert field_input(tab, "cocdata-f-description").input_value().startswith("Half-written")


def test_lab_case_work_adds_the_meeting_with_person_b(tab, lab: Server) -> None:
    stored = _guide_case(lab)
    if stored is None:  # run alone: record the report through the form first
        open_in_lab(tab, lab)
        fill_quick_capture(tab)
        click_save(tab, lab)
        stored = _guide_case(lab)
    tab.goto(lab.link("/lab/tree/case.ipynb?reset"), wait_until="domcontentloaded")
    wait_idle_kernel(tab, lab, "case.ipynb")
    run_all(tab, lab, "button.cocdata-open-case")
    _add_meeting_with_person_b(tab, lab, stored)


def _add_meeting_with_person_b(tab, server: Server, stored) -> None:
    """Find the case in case work and add the meeting with Person B, with a copied e-mail."""
    fill(tab, "cocdata-f-find-text", stored.case_id)
    tab.locator(".cocdata-find-count", has_text="1 case found").wait_for(timeout=10_000)
    tab.locator("button.cocdata-open-case").click()
    wait_visible(tab, ".cocdata-composer", 20_000, server, "the opened case")
    fill(tab, "cocdata-f-entry-at", "2000-12-29 10:00")
    fill(tab, "cocdata-f-entry-with", "Person B")
    fill(tab, "cocdata-f-entry-text", "Met Person B in an empty room; <b>they apologised</b>.")
    field_input(tab, "cocdata-f-entry-reaction").select_option(label="Apologised")
    with tab.expect_file_chooser() as chooser:
        tab.locator(".cocdata-composer button.cocdata-upload").click()
    chooser.value.set_files(
        files=[{"name": "note.txt", "mimeType": "text/plain", "buffer": b"copied e-mail text"}]
    )
    tab.locator(".cocdata-evidence-list", has_text="note.txt").wait_for(timeout=10_000)
    tab.locator("button.cocdata-add-entry").click()
    tab.locator(".cocdata-case-status", has_text="added to the timeline").wait_for(
        timeout=SAVE_TIMEOUT_MS
    )
    timeline = tab.locator(".cocdata-timeline")
    timeline.filter(has_text="Met Person B").wait_for(timeout=10_000)
    assert "<b>they apologised</b>" in timeline.inner_text(), "record text must show escaped"
    assert timeline.locator("b").count() == 0

    after = Store.open(server.store).get(stored.case_id)
    assert after.rev == stored.rev + 1
    entry = after.case.timeline[-1]
    assert (entry.kind, entry.with_, entry.reaction) == ("meeting", ["Person B"], "apologised")
    assert entry.by == ["Response Team Member A"]
    assert [e.name for e in after.case.evidence] == ["note.txt"]
    assert entry.evidence == [after.case.evidence[0].sha256]


def test_voila_app_quick_capture_on_a_tablet(chromium, voila: Server) -> None:
    context = chromium.new_context(viewport={"width": 800, "height": 1000})
    page = context.new_page()
    try:
        open_in_voila(page, voila)
        assert "import intake_form" not in page.locator("body").inner_text(), (
            "the app must show no code"
        )
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the form is {overflow}px wider than an 800px window"
        unlabeled = page.evaluate(UNLABELED_CONTROLS)
        assert unlabeled == [], f"inputs without a label tied to them: {unlabeled}"
        field_input(page, "cocdata-f-report-made-by").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('.cocdata-field').className")
        assert "cocdata-f-report-anonymous" in focused, (
            "Tab goes to the next field in reading order"
        )
        fill_quick_capture(page)
        voila.record("voila_save_s", click_save(page, voila))
        stored = _guide_case(voila)
        assert stored is not None, "the report saved in the app is not in the store"
        assert stored.case.event.id == "djangocon-2000"
        assert stored.saved_by == "Response Team Member A"
        _time_more_saves(page, voila, "voila_save_s")

        page.goto(voila.link("/voila/render/case.ipynb"), wait_until="domcontentloaded")
        wait_visible(page, "button.cocdata-open-case", 60_000, voila, "the app's case view")
        _add_meeting_with_person_b(page, voila, stored)
    finally:
        context.close()
