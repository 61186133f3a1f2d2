"""What trips a tired volunteer: default roles, placeholders that look like answers, unmarked fields."""

from __future__ import annotations

import datetime as dt
import getpass
import time
from collections.abc import Callable

import pytest

from cocdata.examples import guide_example
from cocdata.forms.case_html import timeline_html
from cocdata.forms.casework import CaseWorkspace
from cocdata.forms.fields import is_hidden
from cocdata.forms.intake import NEW_EVENT, CaseForm, slugify
from cocdata.store import Store, StoredCase
from cocdata.summary import case_text
from tests.forms.conftest import NOW
from tests.forms.test_forms_intake import type_guide_report, upload

Form = Callable[..., CaseForm]
Workspace = Callable[..., CaseWorkspace]


def test_an_added_person_has_no_role_until_one_is_chosen(store: Store, make_form: Form) -> None:
    form = make_form()
    type_guide_report(form)
    form.people.add.click()
    row = form.people.rows[-1]
    assert row.role.value is None
    row.name.value = "Person W"
    assert form.save() is None, "a person without a role is not saved"
    assert "choose this person's role" in row.role.error_text
    assert store.load_all() == []
    row.role.value = "witness"
    saved = form.save()
    assert saved is not None
    assert ("Person W", "witness") in {(p.name, p.role) for p in saved.case.people}


def test_placeholders_read_as_hints_and_the_id_hint_is_the_id_made(make_form: Form) -> None:
    form = make_form()
    assert form.made_by.widget.placeholder == ""
    event = form.event
    assert event.name.widget.placeholder.startswith("e.g. ")
    assert event.start.widget.placeholder == "YYYY-MM-DD"
    event.choice.value = NEW_EVENT
    event.name.value = "PyCon Example 2026"
    assert event.id.widget.placeholder.startswith("pycon-example-2026 ")
    built = event.build([])
    assert built is not None and built["id"] == slugify("PyCon Example 2026")


def test_a_refused_save_marks_each_field_and_focuses_the_first(make_form: Form) -> None:
    form = make_form()
    type_guide_report(form)
    form.made_by.value = ""
    form.occurred_at.value = "2000-13-45"
    assert form.save() is None
    for field in (form.made_by, form.occurred_at):
        assert "cocdata-bad" in field.box._dom_classes
    assert form.board.focused is form.made_by, "the first field in reading order gets the cursor"
    assert "cursor is in the first one" in form.board.text


def test_evidence_shows_what_was_chosen_and_its_note_everywhere(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = make_workspace()
    work.open(guide_case.case_id)
    adder = work.evidence
    adder.upload.note.value = "e-mail from Person B, 30 December"
    adder.upload.upload.value = upload("mail.eml", b"From: Person B")
    assert len(adder.upload.upload.value) == 1, "the button reads 'Attach files (1)'"
    listing = adder.upload.listing.value
    assert "mail.eml" in listing and "Attach to the case" in listing
    assert "next save" not in listing
    adder.button.click()
    stored = store.get(guide_case.case_id)
    assert [(e.name, e.note) for e in stored.case.evidence] == [
        ("mail.eml", "e-mail from Person B, 30 December")
    ]
    assert "e-mail from Person B, 30 December" in work.summary.value
    assert adder.upload.upload.value == ()
    assert "e-mail from Person B, 30 December" in case_text(stored, store.vocab)


def test_a_conflict_speaks_the_forms_labels_and_knows_it_was_you(
    store: Store, make_form: Form, guide_case: StoredCase
) -> None:
    here = make_form(stored=guide_case)
    there = make_form(stored=guide_case, draft_id="another-window")
    there.organisers_must.value = "Do not publish the talk video."
    assert there.save() is not None
    here.made_where.value = "at the registration desk"
    here.organisers_must.value = "Ask the venue to check the cameras."
    assert here.save() is None
    shown = here.conflict.text
    assert "saved by you (in another window)" in shown
    assert "What the organisers must do" in shown and "Where it was reported" in shown
    assert "decisions.organisers_must" not in shown and "report.made_where" not in shown
    assert "someone else" not in shown


def test_the_page_that_saved_first_learns_of_a_newer_revision(
    store: Store, make_form: Form, guide_case: StoredCase
) -> None:
    first = make_form(stored=guide_case)
    first.made_where.value = "at the desk"
    assert first.save() is not None
    other = make_form(stored=store.get(guide_case.case_id), member="Response Team Member C")
    other.description.value = "Corrected description."
    assert other.save() is not None
    first.newer_watch.every_s = 0
    first.occurred_where.value = "At the party"  # first goes on typing
    assert "cocdata-newer" in first.conflict.widget.children[0]._dom_classes
    assert "A newer revision (3)" in first.conflict.text
    assert "Response Team Member C" in first.conflict.text
    first.conflict.widget.children[0].children[1].children[0].click()
    assert first.stored.rev == 3 and first.description.value == "Corrected description."


@pytest.fixture
def account_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """No name given anywhere; the computer's account is root."""
    monkeypatch.setattr(getpass, "getuser", lambda: "root")


def test_outside_jupyterhub_the_first_save_asks_for_the_name(
    store: Store, account_root: None
) -> None:
    form = CaseForm(store, None, now=NOW, autosave_delay=None)
    assert not form.member_bar.confirmed
    assert not is_hidden(form.member_bar.editor)
    assert "Who is recording?" in form.member_bar.shown.value
    assert form.received_by.value == "", "the account name is not put in as a receiver"
    type_guide_report(form)
    assert form.save() is None
    assert "write your name as a team member" in form.board.text
    assert store.load_all() == []
    form.member_bar.name.value = "Response Team Member Q"
    form.member_bar.use.click()
    assert form.received_by.value == "Response Team Member Q"
    saved = form.save()
    assert saved is not None and saved.saved_by == "Response Team Member Q"
    again = CaseForm(store, None, now=NOW, autosave_delay=None)
    assert again.member_bar.confirmed and again.member == "Response Team Member Q"


def test_an_account_name_is_recorded_only_when_confirmed(
    store: Store, account_root: None, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = CaseWorkspace(store, None, autosave_delay=None)
    work.open(guide_case.case_id)
    work.composer.kind.value = "note"
    work.composer.text.value = "Called the reporter back."
    assert work.composer.add() is None
    assert "write your name as a team member" in work.composer.board.text
    assert store.head_rev(guide_case.case_id) == guide_case.rev
    work.member_bar.keep.click()
    saved = work.composer.add()
    assert saved is not None and saved.saved_by == "root"


def test_an_event_is_corrected_as_a_new_version(
    store: Store, make_form: Form, guide_case: StoredCase
) -> None:
    form = make_form()
    picker = form.event
    assert picker.choice.value == "djangocon-2000"
    assert not is_hidden(picker.edit_button)
    picker.edit_button.click()
    assert not is_hidden(picker.new_box) and picker.id.widget.disabled
    assert picker.attendees.value == "300"
    picker.attendees.value = "350"
    picker.organiser.value = "Django* conference organisers and friends"
    picker.end.value = "2000-12-26"  # before the first day
    assert picker.save_edit() is None
    assert "ends" in picker.end.error_text or "ends" in picker.board.text
    assert store.event("djangocon-2000").attendees == 300, "nothing written"
    picker.end.value = "2000-12-31"
    saved = picker.save_edit()
    assert saved is not None
    event = store.event("djangocon-2000")
    assert (event.attendees, event.end.isoformat()) == (350, "2000-12-31")
    assert event.organiser == "Django* conference organisers and friends"
    assert "saved as a new version" in picker.status.text
    assert is_hidden(picker.new_box)
    assert "2000-12-31" in picker.choice.widget.label


def test_saving_a_case_saves_an_open_event_correction_first(
    store: Store, make_form: Form, guide_case: StoredCase
) -> None:
    form = make_form(stored=guide_case)
    form.event.edit_button.click()
    form.event.attendees.value = "310"
    saved = form.save()
    assert saved is not None
    assert store.event("djangocon-2000").attendees == 310
    assert saved.case.event.attendees == 310


def test_the_event_list_defaults_to_the_most_recent_started_event(
    store: Store, make_form: Form, guide_case: StoredCase
) -> None:
    from cocdata.model import Event

    store.save_event(
        Event(id="pycon-2026", name="PyCon 2026", start="2026-05-01", end="2026-05-03")
    )
    store.save_event(
        Event(id="pycon-2027", name="PyCon 2027", start="2027-05-01", end="2027-05-03")
    )
    form = make_form(now=dt.datetime(2026, 12, 1, 10, 0))
    assert form.event.choice.value == "pycon-2026"


def test_drafts_are_grouped_newest_first_and_older_ones_can_go(
    store: Store, make_form: Form
) -> None:
    for i in range(3):
        if i:
            time.sleep(1.1)  # drafts are dated to the second
        form = make_form()
        form.made_by.value = f"Person {i}"
    offer = make_form().offer
    assert len(offer.pending) == 3
    first_line = offer.widget.children[0].children[0].value
    assert "Person 2" in first_line, "the newest first"
    assert is_hidden(offer.older) and "Show 2 older drafts" in offer.more.description
    offer.more.click()
    assert not is_hidden(offer.older) and len(offer.older.children) == 2
    offer.drop_older.click()
    assert offer.pending == [offer.pending[0]] and len(store.drafts()) == 1


def test_the_case_view_says_an_unsaved_edit_waits_in_edit_fields(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    first = make_workspace()
    first.open(guide_case.case_id)
    assert is_hidden(first.waiting)
    first.editor.description.value = "An edit left unsaved."
    again = make_workspace()
    again.open(guide_case.case_id)
    assert not is_hidden(again.waiting)
    assert "waits in the Edit fields tab" in again.waiting_note.value
    again.waiting_go.click()
    assert again.tabs.selected_index == 3


@pytest.mark.parametrize(
    ("made_at", "warned"),
    [("2000-12-29 09:00", False), ("2026-12-01 09:00", True), ("2001-09-01 09:00", True)],
)
def test_a_report_date_far_from_the_event_is_questioned_not_refused(
    store: Store, make_form: Form, guide_case: StoredCase, made_at: str, warned: bool
) -> None:
    form = make_form()
    type_guide_report(form)
    form.event.choice.value = "djangocon-2000"
    form.made_at.value = made_at
    assert (not is_hidden(form.date_notice)) is warned
    if warned:
        assert "Check the year, or choose the right event" in form.date_notice.value
    assert form.save() is not None, "a warning never stops the save"


def test_an_action_keeps_its_time_and_questions_a_far_date(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = make_workspace()
    work.open(guide_case.case_id)
    actions = work.actions
    actions.at.value = "2026-12-01 10:00"
    assert not is_hidden(actions.date_notice)
    actions.at.value = "2000-12-29 11:00"
    assert is_hidden(actions.date_notice)
    actions.kind.value = "conversation"
    actions.text.value = "Talked to Person B."
    assert actions.add() is not None
    assert actions.at.value == "2000-12-29 11:00", "the last chosen time stays"


@pytest.mark.parametrize(
    ("at", "warned"),
    [("2000-12-29 10:00", False), ("2001-03-01 10:00", False), ("2026-12-01 10:00", True),
     ("2000-11-01 10:00", True), ("now", False), ("not a date", False)],
)  # fmt: skip
def test_a_timeline_entry_far_from_the_event_is_questioned_not_refused(
    store: Store, make_workspace: Workspace, guide_case: StoredCase, at: str, warned: bool
) -> None:
    work = make_workspace()
    work.open(guide_case.case_id)
    composer = work.composer
    composer.at.value = at
    assert (not is_hidden(composer.date_notice)) is warned
    if warned:
        assert "Check the year, or choose the right event" in composer.date_notice.value
        composer.kind.value = "note"
        composer.text.value = "Checked in with the venue."
        assert composer.add() is not None, "a warning never stops the entry"
        assert composer.at.value == at, "the last chosen time stays for the next entry"


def test_a_timeline_entry_keeps_its_time_for_the_next_one(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = make_workspace()
    work.open(guide_case.case_id)
    composer = work.composer
    composer.at.value = "2000-12-29 10:00"
    composer.with_.value = "Person B"
    composer.text.value = "Met Person B."
    assert composer.add() is not None
    assert composer.at.value == "2000-12-29 10:00"
    assert composer.text.value == "" and composer.with_.value == ""
    work.open(guide_case.case_id)
    assert composer.at.value == "now", "another opening starts from now"


def test_the_places_for_passing_a_case_on_say_which_is_which(
    make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = make_workspace()
    work.open(guide_case.case_id)
    form = work.editor
    assert form.reported_to.label == "Decided to report it to"
    assert form.forwarded_to.label == "Written report sent to"
    details = form.more.children[0].children
    guide = [w.value for w in details if "cocdata-passing-on" in w._dom_classes]
    assert guide and "Referred onward" in guide[0] and "Forwarded to another body" in guide[0]
    assert "Written report sent to" in work.actions.text.help_text
    assert "Decided to report it to" in work.summary.value
    assert "Written report sent to" in work.summary.value


def test_save_sits_in_a_sticky_bar_and_the_timeline_reflows(
    store: Store, make_form: Form, guide_case: StoredCase
) -> None:
    form = make_form()
    bar = form.widget.children[-1]
    assert "cocdata-actionbar" in bar._dom_classes
    assert form.save_button in bar.children[0].children
    html = timeline_html(guide_example(), store)
    assert "data-label='Details'" in html and "data-label='When'" in html


def test_the_case_view_learns_of_a_newer_revision_while_typing(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    mine = make_workspace()
    mine.open(guide_case.case_id)
    theirs = make_workspace(member="Response Team Member C")
    theirs.open(guide_case.case_id)
    theirs.composer.kind.value = "note"
    theirs.composer.text.value = "Called the reporter back."
    assert theirs.composer.add() is not None
    mine.session.newer_watch.every_s = 0
    mine.composer.text.value = "Met Person B."
    assert "A newer revision (2)" in mine.session.notice.text
    assert "Response Team Member C" in mine.session.notice.text
