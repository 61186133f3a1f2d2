"""The forms under stress in Chromium, on a laptop and on a 390×844 phone, typed at human speed.

The guide's example is entered through the case view's *Edit fields* one key
every 150 ms and must be stored exactly as typed (the time to the minute); on
a phone every control is a 44 px touch target, nothing is clipped or scrolls
sideways, tab names are whole and Save stays reachable. The report form marks
refused fields, asks for a new person's role, counts a chosen file, and lets
an event be corrected.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cocdata.examples import guide_example
from cocdata.model import Case
from cocdata.store import Store
from tests.forms.servers import (
    FORM_TIMEOUT_MS,
    SAVE_TIMEOUT_MS,
    Server,
    field_input,
    fill,
    open_in_voila,
    running,
    wait_visible,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
HUMAN_MS = 150
CASE = ".cocdata-case-form"

SMALL_CONTROLS = """() => Array.from(document.querySelectorAll(
    '.cocdata-form input, .cocdata-form select, .cocdata-form textarea, .cocdata-form button'))
  .filter(e => e.offsetParent !== null && e.type !== 'file')
  .map(e => [e, e.type === 'checkbox' ? (e.closest('label') || e) : e])
  .filter(([e, t]) => t.getBoundingClientRect().height < 44)
  .map(([e, t]) => `${e.tagName} ${e.className} '${(e.textContent || e.value || '').trim().slice(0, 30)}' `
       + `${Math.round(t.getBoundingClientRect().height)}px`)"""
CUT_TABS = """() => Array.from(document.querySelectorAll('.cocdata-case-tabs .lm-TabBar-tab'))
  .filter(t => t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > innerWidth + 1)
  .map(t => t.textContent.trim())"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
TIMELINE_CLIPPED = """() => { const t = document.querySelector('.cocdata-timeline');
  const r = t.getBoundingClientRect();
  return t.scrollWidth > t.clientWidth + 1 || r.right > innerWidth + 1; }"""
IN_VIEW = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight && r.height > 0; }"""
BAD_MARK = """(sel) => { const s = getComputedStyle(document.querySelector(sel));
  return s.borderTopColor; }"""


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running("voila", tmp_path_factory.mktemp("voila-stress")) as server:
        yield server


@pytest.fixture(params=list(VIEWPORTS))
def screen(request: pytest.FixtureRequest, chromium):
    context = chromium.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.viewport_name = request.param
    page.set_default_navigation_timeout(FORM_TIMEOUT_MS)  # Voilà runs the notebook first
    try:
        yield page
    finally:
        context.close()


def _seed_case(server: Server, case_id: str) -> None:
    """The guide's report as first written down in a hurry: no incident time, place or contact."""
    data = guide_example().to_dict()
    data.update(case_id=case_id, timeline=[], actions=[], status="new", forwarded_to=[])
    data["occurred"] = {"at": None, "precision": "unknown"}
    data["report"]["made_where"] = None
    data["decisions"] = {"reported_to": [], "organisers_must": None}
    store = Store.open(server.store)
    store.save(Case.model_validate(data), by="Response Team Member A")


def _text(locator) -> str:
    # Dropdown options are shown with non-breaking spaces.
    return locator.inner_text().replace("\xa0", " ").strip()


def _type(page, css: str, text: str, scope: str) -> None:
    """Select what the field holds and type over it, one key every 150 ms."""
    selector = f"{scope} .{css} input, {scope} .{css} textarea"
    page.locator(selector).first.click()
    page.keyboard.press("Control+A")
    page.type(selector, text, delay=HUMAN_MS)


def test_case_view_stores_the_guide_example_exactly_as_typed(screen, voila: Server) -> None:
    case_id = f"typed-{screen.viewport_name}"
    _seed_case(voila, case_id)
    screen.goto(voila.link("/voila/render/case.ipynb"), wait_until="domcontentloaded")
    wait_visible(screen, "button.cocdata-open-case", FORM_TIMEOUT_MS, voila, "the case view")
    fill(screen, "cocdata-f-find-text", case_id)
    screen.locator(".cocdata-find-count", has_text="1 case found").wait_for(timeout=10_000)
    screen.locator("button.cocdata-open-case").click()
    wait_visible(screen, ".cocdata-composer", 20_000, voila, "the opened case")
    if screen.viewport_name == "phone":
        assert screen.evaluate(CUT_TABS) == [], "tab names must be readable whole"
        assert not screen.evaluate(TIMELINE_CLIPPED)
    screen.locator(".cocdata-case-tabs .lm-TabBar-tab", has_text="Edit fields").click()
    wait_visible(screen, f"{CASE} .cocdata-f-occurred-at", 20_000, voila, "the Edit fields tab")

    example = guide_example()
    _type(screen, "cocdata-f-occurred-at", "2000-12-28 22:30", CASE)
    _type(screen, "cocdata-f-occurred-where", example.occurred.where, CASE)
    _type(screen, "cocdata-f-report-made-where", example.report.made_where, CASE)
    _type(screen, "cocdata-f-report-made-at", "2000-12-29 09:00", CASE)
    precision = screen.locator(f"{CASE} .cocdata-f-occurred-precision select option:checked")
    assert _text(precision) == "To the minute", "the precision follows the final text"
    assert not screen.locator(f"{CASE} .cocdata-time-notice").is_visible()

    if screen.viewport_name == "phone":
        assert screen.evaluate(OVERFLOW) <= 1, "nothing may scroll sideways on a phone"
        assert screen.evaluate(SMALL_CONTROLS) == [], "every control is a 44 px touch target"
        field_input(screen, "cocdata-f-occurred-at", CASE).scroll_into_view_if_needed()
        assert screen.evaluate(IN_VIEW, f"{CASE} button.cocdata-save"), "Save stays reachable"
    screen.locator(f"{CASE} button.cocdata-save").click()
    screen.locator(".cocdata-case-status", has_text="Fields saved as revision").wait_for(
        timeout=SAVE_TIMEOUT_MS
    )
    stored = Store.open(voila.store).get(case_id)
    assert stored.case.occurred.at == example.occurred.at
    assert stored.case.occurred.precision == "minute"
    assert stored.case.occurred.where == example.occurred.where
    assert stored.case.report.made_where == example.report.made_where
    assert stored.case.report.made_at == example.report.made_at


def test_report_form_marks_fields_asks_for_roles_counts_files_and_corrects_events(
    screen, voila: Server
) -> None:
    open_in_voila(screen, voila)
    if not screen.locator(".cocdata-new-event").first.is_visible():
        # An event exists already (an earlier test): correct it in place.
        screen.locator("button.cocdata-event-edit").click()
        screen.locator(".cocdata-new-event").first.wait_for(state="visible")
        fill(screen, "cocdata-f-event-attendees", "320")
        screen.locator("button.cocdata-event-save").click()
        screen.locator(".cocdata-event-status", has_text="saved as a new version").wait_for(
            timeout=SAVE_TIMEOUT_MS
        )
        attendees = {e.attendees for e in Store.open(voila.store).events().values()}
        assert 320 in attendees, "the chosen event was corrected in the store"
    else:
        for css, value in {
            "cocdata-f-event-name": "Django* conference 2000",
            "cocdata-f-event-start": "2000-12-27",
            "cocdata-f-event-end": "2000-12-30",
        }.items():
            fill(screen, css, value)
        hint = field_input(screen, "cocdata-f-event-id").get_attribute("placeholder")
        assert hint.startswith("django-conference-2000"), "the hint is the id the form makes"
    _type(screen, "cocdata-f-occurred-at", "2000-12-28 22:30", ".cocdata-form")
    chosen = screen.locator(".cocdata-f-occurred-precision select option:checked").first
    assert _text(chosen) == "To the minute"
    fill(screen, "cocdata-f-report-made-by", "Person A")
    fill(screen, "cocdata-f-description", "A report typed on a " + screen.viewport_name)
    screen.locator("button.cocdata-person-add").click()
    new_row = screen.locator(".cocdata-person-3")
    new_row.wait_for(state="visible")
    role = new_row.locator(".cocdata-f-person-role select option:checked")
    assert _text(role) == "Choose a role", "no role until one is chosen"
    new_row.locator(".cocdata-f-person-name input").fill("Person W")

    with screen.expect_file_chooser() as chooser:
        screen.locator(".cocdata-more").get_by_text("More details").click()
        screen.locator(".cocdata-details button.cocdata-upload").click()
    chooser.value.set_files(
        files=[{"name": "chat.txt", "mimeType": "text/plain", "buffer": b"chat log"}]
    )
    screen.locator(".cocdata-evidence-list", has_text="chat.txt").wait_for(timeout=10_000)
    assert "(1)" in screen.locator(".cocdata-details button.cocdata-upload").inner_text()

    before = len(Store.open(voila.store).load_all())
    screen.locator("button.cocdata-save").click()
    problems = screen.locator(".cocdata-problems", has_text="nothing was saved").first
    problems.wait_for(state="visible", timeout=SAVE_TIMEOUT_MS)
    assert "role" in problems.inner_text()
    marked = ".cocdata-bad select, .cocdata-bad input"
    screen.locator(marked).first.wait_for(timeout=10_000)
    assert screen.evaluate(BAD_MARK, marked) == "rgb(176, 0, 32)", "the field itself is marked"
    screen.wait_for_function(
        "() => !!document.activeElement && !!document.activeElement.closest('.cocdata-bad')",
        timeout=10_000,
    )
    assert len(Store.open(voila.store).load_all()) == before, "nothing was saved"
    new_row.locator(".cocdata-f-person-role select").select_option(label="Witness")
    screen.locator("button.cocdata-save").click()
    screen.locator(".cocdata-save-status", has_text="Saved as case").wait_for(
        timeout=SAVE_TIMEOUT_MS
    )
    saved = [
        s
        for s in Store.open(voila.store).load_all()
        if s.case.description == "A report typed on a " + screen.viewport_name
    ]
    assert len(saved) == 1
    case = saved[0].case
    assert case.occurred.at.isoformat() == "2000-12-28T22:30:00"
    assert case.occurred.precision == "minute"
    assert ("Person W", "witness") in {(p.name, p.role) for p in case.people}
    assert [e.name for e in case.evidence] == ["chat.txt"]
    if screen.viewport_name == "phone":
        assert screen.evaluate(OVERFLOW) <= 1
        field_input(screen, "cocdata-f-description").scroll_into_view_if_needed()
        assert screen.evaluate(IN_VIEW, "button.cocdata-save"), "Save stays reachable"
