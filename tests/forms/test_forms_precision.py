"""A typed time is never stored coarser than typed: keystroke by keystroke, in both screens."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cocdata.forms.casework import CaseWorkspace
from cocdata.forms.fields import is_hidden
from cocdata.forms.intake import CaseForm
from cocdata.forms.times import coarsening, settle_precision
from cocdata.model import Case
from cocdata.store import Store, StoredCase
from tests.forms.test_forms_intake import type_guide_report

Form = Callable[..., CaseForm]
Workspace = Callable[..., CaseWorkspace]


def type_slowly(field, text: str, select_all: bool = True) -> None:
    """What the browser sends while someone types: one value per keystroke."""
    start = "" if select_all else field.value
    for i in range(1, len(text) + 1):
        field.value = start + text[:i]


@pytest.mark.parametrize(
    ("typed", "chosen", "explicit", "stored"),
    [
        ("2000-12-28 22:30", "month", False, "minute"),  # left over from typing "2000-12"
        ("2000-12-28 22:30", "day", False, "minute"),
        ("2000-12-28 22:30", "day", True, "day"),  # chosen by hand: respected
        ("2000-12-28 22:30", "hour", True, "hour"),
        ("2000-12", "minute", True, "month"),  # never finer than typed
        ("2000-12-28", "unknown", True, "day"),
        ("", "minute", True, "unknown"),
    ],
)
def test_precision_is_settled_from_the_final_text(
    typed: str, chosen: str, explicit: bool, stored: str
) -> None:
    assert settle_precision(typed, chosen, explicit) == stored


@pytest.mark.parametrize(
    ("typed", "precision", "says"),
    [
        ("2000-12-28 22:30", "minute", None),
        ("2000-12-28 22:30", "day", "stored as 2000-12-28 (only the day)"),
        ("2000-12-28 22:30", "hour", "stored as 2000-12-28 around 22:00"),
        ("2000-12-28 22:00", "hour", None),
        ("2000-12-28", "month", "stored as 2000-12 (only the month)"),
        ("2000-12-01", "month", None),
        ("not a time", "day", None),
    ],
)
def test_coarsening_says_what_would_be_dropped(
    typed: str, precision: str, says: str | None
) -> None:
    note = coarsening(typed, precision)
    if says is None:
        assert note is None
    else:
        assert note is not None and says in note
        assert f"not as {typed} as typed" in note


def test_typing_a_time_key_by_key_in_the_report_form_keeps_the_minute(
    store: Store, make_form: Form
) -> None:
    form = make_form()
    type_guide_report(form)
    type_slowly(form.occurred_at, "2000-12-28 22:30")
    assert form.precision.value == "minute"
    assert is_hidden(form.time_notice)
    saved = form.save()
    assert saved is not None
    assert saved.case.occurred.at.isoformat() == "2000-12-28T22:30:00"
    assert saved.case.occurred.precision == "minute"


def test_typing_over_a_stored_time_in_the_case_view_keeps_the_minute(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    work = make_workspace()
    work.open(guide_case.case_id)
    editor = work.editor
    assert editor is not None
    type_slowly(editor.occurred_at, "2000-12")
    type_slowly(editor.occurred_at, "2000-12-28 22:31")  # select all, type again
    assert editor.precision.value == "minute"
    editor.save_button.click()
    stored = store.get(guide_case.case_id)
    assert stored.rev == guide_case.rev + 1
    assert stored.case.occurred.at.isoformat() == "2000-12-28T22:31:00"
    assert stored.case.occurred.precision == "minute"


def test_a_precision_chosen_by_hand_is_kept_and_the_form_says_what_it_drops(
    store: Store, make_form: Form
) -> None:
    form = make_form()
    type_guide_report(form)
    form.occurred_at.value = "2000-12-28 22:30"
    form.precision.value = "day"
    assert not is_hidden(form.time_notice)
    assert "stored as 2000-12-28" in form.time_notice.value
    type_slowly(form.occurred_at, "2000-12-28 23:15")
    assert form.precision.value == "day", "a choice made by hand stays"
    assert "not as 2000-12-28 23:15" in form.time_notice.value
    saved = form.save()
    assert saved is not None and saved.case.occurred.precision == "day"
    form.precision.value = "minute"
    assert is_hidden(form.time_notice)


def test_a_restored_draft_keeps_the_minute(store: Store, make_form: Form) -> None:
    first = make_form()
    type_guide_report(first)
    type_slowly(first.occurred_at, "2000-12-28 22:30")
    second = make_form()
    second.offer.restore()
    assert second.occurred_at.value == "2000-12-28 22:30"
    assert second.precision.value == "minute"
    saved = second.save()
    assert saved is not None and saved.case.occurred.at.isoformat() == "2000-12-28T22:30:00"
    assert saved.case.occurred.precision == "minute"


def test_an_old_draft_with_a_stale_precision_follows_its_text(
    store: Store, make_form: Form
) -> None:
    first = make_form()
    type_guide_report(first)
    values = first.values()
    values["occurred.at"] = "2000-12-28 22:30"
    values["occurred.precision"] = "month"  # what the old form kept while typing
    del values["occurred.precision_chosen"]
    store.save_draft("intake-old", {"form": "intake", "values": values}, by=first.member)
    second = make_form()
    second.offer.restore("intake-old")
    assert second.precision.value == "minute"
    saved = second.save()
    assert saved is not None and saved.case.occurred.precision == "minute"


def test_a_stored_hour_stays_an_hour_when_opened_and_saved(
    store: Store, make_workspace: Workspace, guide_case: StoredCase
) -> None:
    data = guide_case.case.to_dict()
    data["occurred"].update(at="2000-12-28T22:00", precision="hour")
    stored = store.save(Case.model_validate(data), by="x", base_rev=guide_case.rev)
    work = make_workspace()
    work.open(stored.case_id)
    editor = work.editor
    assert editor is not None and editor.precision.value == "hour"
    editor.made_where.value = "at the desk"
    editor.save_button.click()
    again = store.get(stored.case_id)
    assert again.rev == stored.rev + 1 and again.case.occurred.precision == "hour"
