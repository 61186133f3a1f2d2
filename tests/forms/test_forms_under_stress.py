"""What trips a tired volunteer: default roles, placeholders that look like answers, unmarked fields."""

from __future__ import annotations

from collections.abc import Callable

from cocdata.forms.casework import CaseWorkspace
from cocdata.forms.intake import NEW_EVENT, CaseForm, slugify
from cocdata.store import Store, StoredCase
from cocdata.summary import case_text
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
