"""Re-applying a user's edit on top of a newer revision after a conflict (forms/merge.py)."""

from __future__ import annotations

import pytest

from cocdata.forms.merge import Edit, edit_between, overlap, reapply
from cocdata.model import Action, Case, TimelineEntry
from tests.helpers import new_case


def _note(case: Case, text: str) -> TimelineEntry:
    return TimelineEntry(at=case.report.made_at, by=["Member"], kind="note", text=text)


@pytest.fixture
def base() -> Case:
    return new_case(case_id="amber-falcon", status="investigating")


def test_nothing_changed_is_an_empty_edit(base):
    edit = edit_between(base, base)
    assert not edit and edit.describe() == []


def test_a_new_report_is_every_field_but_the_id(base):
    edit = edit_between(None, base)
    assert "case_id" not in edit.fields
    assert edit.fields["status"] == "investigating" and "report" in edit.fields


def test_sub_fields_of_nested_parts_are_taken_one_by_one(base):
    edited = base.model_copy(
        update={"occurred": base.occurred.model_copy(update={"where": "The hallway"})}
    )
    edit = edit_between(base, edited)
    assert edit.fields == {"occurred.where": "The hallway"}
    assert edit.describe() == ["occurred.where"]


def test_entries_appended_to_lists_are_kept_apart_from_field_changes(base):
    edited = base.model_copy(
        update={"timeline": [*base.timeline, _note(base, "Called the venue.")], "status": "decided"}
    )
    edit = edit_between(base, edited)
    assert edit.fields == {"status": "decided"}
    assert [e["text"] for e in edit.appended["timeline"]] == ["Called the venue."]
    assert edit.describe() == ["status", "timeline (+1)"]


def test_a_list_changed_in_place_is_a_whole_field(base):
    first = base.timeline[0].model_copy(update={"text": "Rewritten."})
    edited = base.model_copy(update={"timeline": [first, *base.timeline[1:]]})
    edit = edit_between(base, edited)
    assert "timeline" in edit.fields and not edit.appended


def test_reapply_puts_exactly_the_edit_on_the_newest_revision(base):
    mine = base.model_copy(
        update={
            "timeline": [*base.timeline, _note(base, "My note.")],
            "occurred": base.occurred.model_copy(update={"where": "The hallway"}),
        }
    )
    edit = edit_between(base, mine)
    # Meanwhile someone else added a note and an action and changed the status.
    theirs = base.model_copy(
        update={
            "timeline": [*base.timeline, _note(base, "Their note.")],
            "actions": [*base.actions, Action(at=base.report.made_at, kind="warning")],
            "status": "decided",
        }
    )
    merged = reapply(edit, theirs)
    assert [e.text for e in merged.timeline][-2:] == ["Their note.", "My note."]
    assert len(merged.actions) == len(theirs.actions)
    assert merged.status == "decided"  # theirs: the user did not touch it
    assert merged.occurred.where == "The hallway"  # mine
    assert merged.occurred.at == theirs.occurred.at  # the rest of the part stays theirs


def test_reapply_twice_appends_an_entry_once(base):
    mine = base.model_copy(update={"timeline": [*base.timeline, _note(base, "Once.")]})
    edit = edit_between(base, mine)
    again = reapply(edit, reapply(edit, base))
    assert [e.text for e in again.timeline].count("Once.") == 1


@pytest.mark.parametrize(
    ("fields", "theirs", "expected"),
    [
        ({"status": "closed"}, ["status"], ["status"]),
        ({"occurred.where": "x"}, ["occurred"], ["occurred.where"]),
        ({"occurred.where": "x"}, ["occurred.where"], ["occurred.where"]),
        ({"description": "x"}, ["timeline (+1)"], []),
        (
            {"description": "x", "status": "closed"},
            ["status", "description"],
            ["description", "status"],
        ),
        ({}, ["status"], []),
    ],
)
def test_overlap_names_the_fields_both_changed(fields, theirs, expected):
    assert overlap(Edit(fields=fields), theirs) == expected


def test_an_edit_that_breaks_the_record_is_refused_by_the_model(base):
    edit = Edit(fields={"status": 42})
    with pytest.raises(ValueError):
        reapply(edit, base)
