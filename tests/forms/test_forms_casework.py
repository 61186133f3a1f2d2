"""Case work driven from Python: find, read, add every kind of timeline entry, act, edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cocdata.forms.case_html import summary_html, timeline_html
from cocdata.forms.casework import CaseWorkspace
from cocdata.forms.fields import is_hidden
from cocdata.forms.timeline import ENTRY_FIELDS
from cocdata.store import Store, StoredCase
from tests.forms.conftest import MEMBER
from tests.forms.test_forms_intake import upload
from tests.helpers import new_case

Workspace = Callable[..., CaseWorkspace]
MEMBER_B = "Response Team Member B"


@pytest.mark.parametrize(
    ("query", "event", "status", "found"),
    [
        ("guide-example", None, None, ["guide-example"]),
        ("GUIDE", None, None, ["guide-example"]),
        ("person b", None, None, ["guide-example"]),
        ("Person Q", None, None, ["other-case"]),
        ("", "other-2001", None, ["other-case"]),
        ("", None, "closed", ["other-case"]),
        ("", None, "new", ["guide-example"]),
        ("nobody", None, None, []),
    ],
)
def test_finder(
    store: Store,
    make_workspace: Workspace,
    guide_case: StoredCase,
    query: str,
    event: str | None,
    status: str | None,
    found: list[str],
) -> None:
    other = new_case(case_id="other-case", status="closed")
    other = other.model_copy(
        update={
            "case_id": "other-case",
            "event": other.event.model_copy(update={"id": "other-2001", "name": "Other 2001"}),
            "people": [p.model_copy(update={"name": "Person Q"}) for p in other.people],
            "report": other.report.model_copy(update={"made_by": "Person Q"}),
        }
    )
    store.save(other, by=MEMBER)
    work = make_workspace()
    finder = work.finder
    finder.query.value = query
    if event:
        finder.event.value = event
    if status:
        finder.status.value = status
    assert [value for _, value in finder.results.options] == found
    assert f"{len(found)} case" in finder.count.value


def open_guide(make_workspace: Workspace, **options: Any) -> CaseWorkspace:
    work = make_workspace(**options)
    work.finder.query.value = "guide-example"
    work.finder.open_button.click()
    assert not is_hidden(work.case_box)
    return work


def test_opening_shows_the_summary_timeline_and_revisions(
    make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = open_guide(make_workspace)
    assert "Case guide-example, revision 1" in work.summary.value
    assert "Person B" in work.summary.value
    assert "Nothing on the timeline yet" in work.timeline.value
    assert "revision 1" in work.history.value and "created" in work.history.value
    assert "Recording as <b>Response Team Member B</b>" in work.member_bar.shown.value


ENTRIES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "meeting",
        {"with_": "Person B", "text": "They apologised at once.", "reaction": "apologised"},
        {"with_": ["Person B"], "reaction": "apologised", "why": None},
    ),
    (
        "email-sent",
        {"with_": "Person B", "why": "To confirm the meeting time", "text": "Dear Person B, ..."},
        {"with_": ["Person B"], "why": "To confirm the meeting time"},
    ),
    (
        "third-party",
        {"with_": "Venue security", "why": "Person B was seen near the reporter again", "text": "They will keep watch."},
        {"with_": ["Venue security"], "why": "Person B was seen near the reporter again"},
    ),
    (
        "decision",
        {"text": "No further action.", "why": "Person B apologised"},
        {"with_": [], "why": "Person B apologised"},
    ),
    (
        "reaction",
        {"with_": "Person B", "reaction": "disputed", "text": "Says it was a joke."},
        {"with_": ["Person B"], "reaction": "disputed"},
    ),
    (
        "problem",
        {"with_": "Person B", "text": "Sent the reporter a hostile message during the process."},
        {"with_": ["Person B"], "reaction": None},
    ),
    ("note", {"text": "Reporter asked to be kept informed."}, {"with_": [], "why": None}),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "typed", "expected"), ENTRIES, ids=[e[0] for e in ENTRIES])
def test_every_kind_of_timeline_entry(
    store: Store,
    make_workspace: Workspace,
    guide_case: StoredCase,
    kind: str,
    typed: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    work = open_guide(make_workspace)
    composer = work.composer
    composer.kind.value = kind
    for name, field in (("with_", composer.with_), ("why", composer.why), ("reaction", composer.reaction)):  # fmt: skip
        assert is_hidden(field.box) == (ENTRY_FIELDS[kind].get(name.rstrip("_")) is None)
    composer.at.value = "2000-12-29 10:00"
    for name, value in typed.items():
        getattr(composer, name).value = value
    composer.add_button.click()

    saved = store.get(guide_case.case_id)
    assert saved.rev == 2 and saved.saved_by == MEMBER_B
    entry = saved.case.timeline[-1]
    assert entry.kind == kind
    assert entry.at == dt.datetime(2000, 12, 29, 10, 0)
    assert entry.by == [MEMBER_B]
    assert entry.text == typed["text"]
    for name, value in expected.items():
        assert getattr(entry, name) == value
    assert "added to the timeline" in work.session.status.text
    assert composer.text.value == "" and composer.kind.value == "meeting", "ready for the next one"
    assert store.drafts() == []
    assert "timeline (+1)" in work.history.value


def test_a_problem_entry_carries_its_evidence(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = open_guide(make_workspace)
    composer = work.composer
    composer.kind.value = "problem"
    composer.with_.value = "Person B"
    composer.text.value = "Hostile direct message to the reporter."
    composer.evidence.upload.value = upload("dm.png", b"screenshot bytes")
    composer.add_button.click()
    case = store.get(guide_case.case_id).case
    (item,) = case.evidence
    assert case.timeline[-1].evidence == [item.sha256]
    assert store.read_blob(item.sha256) == b"screenshot bytes"
    assert "dm.png" in work.timeline.value


@pytest.mark.parametrize(
    ("typed", "path", "message"),
    [
        ({"at": "tomorrow-ish", "text": "x", "with_": "Person B"}, "entry.at", "not a date and time"),
        ({"at": "2000-12-29 10:00", "text": "", "with_": "Person B"}, "entry.text", "write what happened"),
        ({"at": "2000-12-29 10:00", "text": "Met.", "with_": ""}, "entry.with", "who you met"),
        ({"at": "1990-01-01 10:00", "text": "Met.", "with_": "Person B"}, "entry.at", "more than a year before"),
    ],
)  # fmt: skip
def test_timeline_problems_show_next_to_the_field(
    store: Store,
    make_workspace: Workspace,
    guide_case: StoredCase,
    typed: dict[str, str],
    path: str,
    message: str,
) -> None:
    work = open_guide(make_workspace)
    composer = work.composer
    for name, value in typed.items():
        getattr(composer, name).value = value
    composer.add_button.click()
    field = composer.board.field_for(path)
    assert field is not None and message in field.error_text, composer.board.text
    assert store.head_rev(guide_case.case_id) == 1
    assert composer.text.value == typed["text"], "what was typed stays"


def test_recording_an_action(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = open_guide(make_workspace)
    work.actions.kind.value = "verbal-warning"
    work.actions.text.value = "Told Person B to stop."
    work.actions.button.click()
    (action,) = store.get(guide_case.case_id).case.actions
    assert (action.kind, action.text, action.by) == (
        "verbal-warning",
        "Told Person B to stop.",
        [MEMBER_B],
    )
    assert action.at == dt.datetime(2000, 12, 29, 10, 30)


def test_status_moves_respect_the_lifecycle(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = open_guide(make_workspace)
    changer = work.status_changer
    changer.status.value = "closed"
    changer.note.value = "Person B apologised; nothing more to do."
    changer.button.click()
    saved = store.get(guide_case.case_id)
    assert saved.case.status == "closed"
    assert saved.case.timeline[-1].text.startswith("Status changed from new to closed")
    options = [value for _, value in changer.status.widget.options]
    assert options == ["acknowledged", "investigating", "closed"]
    changer.button.click()
    assert "already closed" in changer.status.error_text


def test_editing_fields_in_the_workspace(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = open_guide(make_workspace)
    editor = work.editor
    assert editor is not None and editor.made_by.value == "Person A"
    editor.forwarded_to.value = "Django Software Foundation Code of Conduct"
    editor.save_button.click()
    saved = store.get(guide_case.case_id)
    assert saved.rev == 2 and saved.saved_by == MEMBER_B
    assert saved.case.forwarded_to == ["Django Software Foundation Code of Conduct"]
    assert "Fields saved as revision 2" in work.session.status.text
    assert "Django Software Foundation" in work.summary.value


def test_two_team_members_adding_at_once(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    mine = open_guide(make_workspace)
    theirs = open_guide(make_workspace, member="Response Team Member C")
    theirs.composer.kind.value = "note"
    theirs.composer.text.value = "Called the reporter back."
    theirs.composer.add_button.click()
    assert store.head_rev(guide_case.case_id) == 2

    mine.composer.with_.value = "Person B"
    mine.composer.text.value = "Met Person B."
    mine.composer.add_button.click()
    assert store.head_rev(guide_case.case_id) == 2, "a refused save writes nothing"
    shown = mine.session.conflict.children[0].children[0].value
    assert "Revision 2, saved by Response Team Member C" in shown and "Timeline (+1)" in shown

    saved = mine.session.reapply()
    assert saved is not None and saved.rev == 3
    assert [e.text for e in saved.case.timeline] == ["Called the reporter back.", "Met Person B."]
    assert mine.session.conflict.children == ()


def test_entry_drafts_come_back_when_the_case_is_opened_again(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    first = open_guide(make_workspace)
    first.composer.with_.value = "Person B"
    first.composer.text.value = "Half-written meeting notes"
    assert len(store.drafts()) == 1
    second = open_guide(make_workspace)
    offer = second.composer.draft_offer
    assert len(offer.pending) == 1
    offer.restore()
    assert second.composer.text.value == "Half-written meeting notes"
    second.composer.add_button.click()
    assert store.drafts() == []


HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def test_record_text_is_always_escaped(store: Store, guide_case: StoredCase) -> None:
    case = guide_case.case.model_copy(
        update={
            "description": HOSTILE,
            "people": [p.model_copy(update={"name": HOSTILE}) for p in guide_case.case.people],
        }
    )
    data = case.to_dict()
    data["timeline"] = [
        {"at": "2000-12-29T10:00", "by": [HOSTILE], "kind": "note", "text": HOSTILE, "why": HOSTILE}
    ]
    saved = store.save(type(case).model_validate(data), base_rev=1)
    for shown in (summary_html(saved, store), timeline_html(saved.case, store)):
        assert "<img" not in shown and "<script" not in shown
        assert "&lt;img src=x onerror=alert(1)&gt;" in shown
