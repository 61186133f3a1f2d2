"""The report form driven from Python: quick capture, every field, validation, conflicts, drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cocdata import config
from cocdata.examples import GUIDE_EXAMPLE, guide_example
from cocdata.forms.fields import is_hidden
from cocdata.forms.intake import NEW_EVENT, CaseForm, FormUnavailable, intake_form
from cocdata.store import Store, StoredCase
from tests.forms.conftest import MEMBER, NOW

Form = Callable[..., CaseForm]


def type_guide_event(form: CaseForm) -> None:
    form.event.choice.value = NEW_EVENT
    form.event.name.value = "Django* conference 2000"
    form.event.id.value = "djangocon-2000"
    form.event.start.value = "2000-12-27"
    form.event.end.value = "2000-12-30"
    form.event.attendees.value = "300"
    form.event.location.value = "Conference venue"


def type_guide_report(form: CaseForm) -> None:
    """The guide's verbal report, as a team member types it into the quick capture."""
    type_guide_event(form)
    form.made_by.value = "Person A"
    form.made_where.value = "conference venue"
    form.occurred_at.value = "yesterday 22:30"
    form.occurred_where.value = "Conference party"
    form.reporter_is_target.value = True
    form.people.rows[1].name.value = "Person B"
    form.description.value = GUIDE_EXAMPLE["description"]


def test_the_event_series_typed_is_saved_with_the_event(store: Store, make_form: Form) -> None:
    form = make_form()
    type_guide_report(form)
    form.event.series.value = "djangocon"
    form.save_button.click()
    assert form.board.text == ""
    assert store.event("djangocon-2000").series == "djangocon"


def test_quick_capture_saves_the_guide_report_in_one_click(store: Store, make_form: Form) -> None:
    form = make_form()
    type_guide_report(form)
    form.save_button.click()

    assert form.board.text == ""
    stored = store.get(store.case_ids()[0])
    case, guide = stored.case, guide_example()
    assert case.event.model_dump(exclude={"organiser"}) == guide.event.model_dump(
        exclude={"organiser"}
    )
    assert case.report == guide.report
    assert case.occurred == guide.occurred.model_copy(update={"space": None})
    assert [(p.name, p.role) for p in case.people] == [(p.name, p.role) for p in guide.people]
    assert case.description == guide.description
    assert stored.rev == 1 and stored.saved_by == MEMBER
    assert f"Saved as case {stored.case_id} (revision 1)" in form.status.text
    assert not is_hidden(form.new_button)
    assert store.drafts() == []


def test_the_minimum_takes_defaults(store: Store, make_form: Form, guide_case: StoredCase) -> None:
    form = make_form()
    assert form.event.choice.value == "djangocon-2000", "the event running today is chosen"
    form.made_by.value = "Person C"
    form.description.value = "Told me someone kept following them after the keynote."
    saved = form.save()
    assert saved is not None
    report = saved.case.report
    assert report.received_by == [MEMBER]
    assert report.made_at == NOW
    assert report.channel == "verbal"
    assert saved.case.occurred.at is None and saved.case.occurred.precision == "unknown"
    assert [(p.name, p.role) for p in saved.case.people] == [("Person C", "reporter")]


def test_anonymous_report(store: Store, make_form: Form, guide_case: StoredCase) -> None:
    form = make_form()
    form.made_by.value = "typed before ticking"
    form.anonymous.value = True
    assert form.made_by.value == "" and form.made_by.widget.disabled
    form.reporter_is_target.value = True
    form.description.value = "An anonymous note left at the desk."
    saved = form.save()
    assert saved is not None
    assert saved.case.report.made_by is None
    assert [(p.name, p.role) for p in saved.case.people] == [(None, "target")]


def fill_everything(form: CaseForm) -> None:
    type_guide_report(form)
    form.channel.value = "verbal"
    form.space.value = "social-event"
    form.categories.value = ["inappropriate-language"]
    form.safety_risk.value = False
    form.ongoing.value = "no"
    form.status_field.value = "closed"
    form.reported_to.value = "Django Software Foundation Code of Conduct"
    form.organisers_must.value = "Nothing further."
    form.transparency_include.value = True
    form.public_summary.value = GUIDE_EXAMPLE["transparency"]["summary"]
    form.forwarded_to.value = "Django Software Foundation Code of Conduct"


def test_full_form_covers_every_item_of_the_guide(store: Store, make_form: Form) -> None:
    form = make_form()
    fill_everything(form)
    saved = form.save()
    assert saved is not None, form.board.text
    case, guide = saved.case, guide_example()
    assert case.occurred == guide.occurred
    assert case.categories == guide.categories
    assert case.status == "closed"
    assert case.decisions.reported_to == guide.decisions.reported_to
    assert case.decisions.organisers_must == "Nothing further."
    assert case.transparency == guide.transparency
    assert case.forwarded_to == guide.forwarded_to
    assert "will be published" in form.public_summary.help_text
    assert "Name no one" in form.public_summary.help_text


Setter = Callable[[CaseForm], None]


def _set(**values: Any) -> Setter:
    def apply(form: CaseForm) -> None:
        for name, value in values.items():
            target = form.event if name.startswith("event_") else form
            attr = name.removeprefix("event_")
            getattr(target, attr).value = value

    return apply


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (_set(made_at="2000-13-45"), "report.made_at", "is not a real date"),
        (_set(made_at=""), "report.made_at", "write when the report was made"),
        (_set(occurred_at="last tuesday-ish"), "occurred.at", "is not a date and time"),
        (_set(made_by=""), "report.made_by", "tick 'Anonymous'"),
        (_set(description=""), "description", "write what happened"),
        (_set(received_by="", channel="verbal"), "report.received_by", "needs the team member"),
        (_set(event_name=""), "event.name", "write the event's name"),
        (_set(event_start="27.12.2000"), "event.start", "like 2000-12-27"),
        (_set(event_end="2000-12-01"), "event.end", "ends (2000-12-01) before it starts"),
        (_set(event_attendees="lots"), "event.attendees", "whole number"),
        (_set(event_id="Django Con"), "event.id", "not a usable event id"),
        (_set(event_series="Django Con"), "event.series", "not a usable series id"),
        (
            _set(transparency_include=True, public_summary=""),
            "transparency.summary",
            "needs a public summary",
        ),
        (_set(occurred_at="2000-12-30 10:00"), "report.made_at", "before the incident happened"),
    ],
)
def test_problems_show_next_to_their_field_and_nothing_is_written(
    store: Store, make_form: Form, change: Setter, path: str, message: str
) -> None:
    form = make_form()
    type_guide_report(form)
    change(form)
    typed = form.values()
    assert form.save() is None
    field = form.board.field_for(path)
    assert field is not None and field.path.startswith(path.split(".")[0])
    assert message in field.error_text, form.board.text
    assert "nothing was saved" in form.board.text
    assert store.case_ids() == []
    assert form.values() == typed, "what was typed must stay in the form"


def test_every_problem_is_shown_at_once(make_form: Form) -> None:
    form = make_form()
    type_guide_report(form)
    form.made_at.value = "soon"
    form.occurred_at.value = "2000-99-99"
    form.event.attendees.value = "many"
    form.description.value = ""
    assert form.save() is None
    for field in (form.made_at, form.occurred_at, form.event.attendees, form.description):
        assert field.error_text, field.path
    assert form.board.text.startswith("4 problems")
    form.made_at.value = "2000-12-29 09:00"
    form.occurred_at.value = "2000-12-28 22:30"
    form.event.attendees.value = "300"
    form.description.value = "Now complete."
    assert form.save() is not None
    assert not form.made_at.error_text and form.board.text == ""


def test_a_new_event_cannot_take_an_existing_id(make_form: Form, guide_case: StoredCase) -> None:
    form = make_form()
    type_guide_report(form)
    assert form.save() is None
    assert "already an event 'djangocon-2000'" in form.event.id.error_text


def test_precision_follows_what_is_typed(make_form: Form) -> None:
    form = make_form()
    for typed, precision in [("2000-12", "month"), ("2000-12-28", "day"), ("2000-12-28 22:30", "minute"), ("", "unknown")]:  # fmt: skip
        form.occurred_at.value = typed
        assert form.precision.value == precision
    form.occurred_at.value = "2000-12-28 22:00"
    form.precision.value = "hour"
    form.occurred_at.value = "2000-12-28 23:00"
    assert form.precision.value == "hour", "a precision chosen by hand stays"


def test_editing_a_case_saves_a_revision_on_top_of_the_one_loaded(
    store: Store, make_form: Form, guide_case: StoredCase
) -> None:
    form = make_form(stored=guide_case, member="Response Team Member B")
    assert form.made_by.value == "Person A" and form.reporter_is_target.value
    assert [r.name.value for r in form.people.rows] == ["Person B"]
    form.categories.value = ["inappropriate-language", "harassment"]
    saved = form.save()
    assert saved is not None and saved.rev == 2
    assert saved.saved_by == "Response Team Member B"
    assert saved.case.people == guide_case.case.people, "people untouched stay as they were"
    assert store.history(guide_case.case_id)[-1].changes == ("categories",)


def test_a_closed_case_offers_only_the_allowed_status_moves(
    store: Store, make_form: Form, guide_case: StoredCase
) -> None:
    closed = store.save(guide_case.case.model_copy(update={"status": "closed"}), base_rev=1)
    form = make_form(stored=closed)
    allowed = [value for _, value in form.status_field.widget.options]
    assert allowed == ["acknowledged", "investigating", "closed"]


@pytest.mark.parametrize(
    ("their_change", "my_change", "overlap"),
    [
        ({"status": "acknowledged"}, {"safety_risk": True}, False),
        ({"description": "Theirs."}, {"description": "Mine."}, True),
    ],
)
def test_conflict_shows_their_change_and_reapplies_mine(
    store: Store,
    make_form: Form,
    guide_case: StoredCase,
    their_change: dict[str, Any],
    my_change: dict[str, Any],
    overlap: bool,
) -> None:
    mine = make_form(stored=guide_case, member="Response Team Member B")
    theirs = make_form(stored=guide_case, member="Response Team Member C")
    for key, value in their_change.items():
        getattr(theirs, "status_field" if key == "status" else key).value = value
    assert theirs.save().rev == 2
    for key, value in my_change.items():
        getattr(mine, key).value = value
    assert mine.save() is None
    assert store.head_rev(guide_case.case_id) == 2, "a refused save writes nothing"
    shown = mine.conflict_box.children[0].children[0].value
    assert "Revision 2, saved by Response Team Member C" in shown
    assert ("Changed on both sides" in shown) is overlap
    assert mine.values()[next(iter(my_change)).replace("_", "_")] is not None

    saved = mine.reapply()
    assert saved is not None and saved.rev == 3
    case = saved.case
    for key, value in my_change.items():
        assert getattr(case, key) == value
    if not overlap:
        assert case.status == their_change["status"]
    assert saved.saved_by == "Response Team Member B"
    assert mine.conflict_box.children == ()


def test_drafts_are_kept_offered_and_restored(store: Store, make_form: Form) -> None:
    first = make_form()
    type_guide_report(first)
    first.made_at.value = "2000-12-29 22:41"
    kept = store.drafts()
    assert len(kept) == 1 and kept[0]["by"] == MEMBER
    assert kept[0]["data"]["values"]["report.made_by"] == "Person A"

    second = make_form()  # the tab was closed, the kernel restarted
    assert len(second.offer.pending) == 1
    line = second.offer.widget.children[0].children[0].value
    assert "You have an unsaved report from" in line and "Person A" in line
    second.offer.restore()
    assert second.values() == first.values()
    assert second.drafts.draft_id == first.drafts.draft_id
    assert second.save() is not None
    assert store.drafts() == [], "saving clears the draft"


def test_discarding_a_draft_removes_it(store: Store, make_form: Form) -> None:
    first = make_form()
    first.made_by.value = "Person D"
    second = make_form()
    second.offer.discard()
    assert second.offer.pending == [] and store.drafts() == []


def test_drafts_of_other_team_members_are_not_offered(store: Store, make_form: Form) -> None:
    make_form(member="Someone Else").made_by.value = "Person E"
    assert make_form().offer.pending == []


def upload(name: str, content: bytes, media_type: str = "image/png") -> tuple[dict[str, Any], ...]:
    """What ipywidgets 8 puts in ``FileUpload.value`` after the browser sends a file."""
    return (
        {
            "name": name,
            "type": media_type,
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2000, 12, 29, 9, 5, tzinfo=dt.UTC),
        },
    )


def test_evidence_is_kept_by_sha256_and_attached_on_save(store: Store, make_form: Form) -> None:
    form = make_form()
    type_guide_report(form)
    form.evidence.note.value = "screenshot of the chat"
    form.evidence.upload.value = upload("chat.png", b"\x89PNG fake screenshot")
    assert len(form.evidence.upload.value) == 1, "the button counts the chosen file"
    assert "chat.png" in form.evidence.listing.value
    saved = form.save()
    assert saved is not None
    (item,) = saved.case.evidence
    assert (item.name, item.media_type, item.note) == (
        "chat.png",
        "image/png",
        "screenshot of the chat",
    )
    assert item.added_by == MEMBER
    assert store.read_blob(item.sha256) == b"\x89PNG fake screenshot"
    assert form.evidence.items == []


def test_evidence_over_the_limit_is_refused_with_a_message(store: Store, make_form: Form) -> None:
    form = make_form()
    form.evidence.limit = 10
    form.evidence.upload.value = upload("huge.pdf", b"x" * 11, "application/pdf")
    assert "huge.pdf is 11 bytes, over the limit" in form.evidence.field.error_text
    assert "attach a smaller copy" in form.evidence.field.error_text
    assert form.evidence.items == [] and not list((store.root / "blobs").glob("*/*"))


def test_start_new_clears_the_form_for_the_next_report(store: Store, make_form: Form) -> None:
    form = make_form()
    type_guide_report(form)
    saved = form.save()
    old_draft = form.drafts.draft_id
    form.new_button.click()
    assert form.stored is None and form.made_by.value == "" and form.description.value == ""
    assert form.event.choice.value == saved.case.event.id, "the event stays chosen"
    assert form.received_by.value == MEMBER
    assert form.drafts.draft_id != old_draft
    assert [r.role.value for r in form.people.rows] == ["target", "reported"]


def test_a_cleared_dropdown_shows_its_not_set_option(store: Store, make_form: Form) -> None:
    form = make_form()
    type_guide_report(form)
    form.space.value = form.space.widget.options[1][1]
    form.save()
    form.new_button.click()
    assert form.space.value is None
    assert form.space.widget.label == "Not set yet", "not an empty box"
    form.people.add.click()
    row = form.people.rows[2]
    row.role.value = "witness"
    row.load({"name": "", "role": None})
    assert row.role.widget.label == "Choose a role"


def test_team_member_is_shown_escaped_and_can_be_changed(make_form: Form) -> None:
    form = make_form(member="<b>Member</b>")
    assert "&lt;b&gt;Member&lt;/b&gt;" in form.member_bar.shown.value
    form.member_bar.toggle.click()
    form.member_bar.name.value = "Response Team Member Z"
    form.member_bar.use.click()
    assert form.member == "Response Team Member Z"
    assert form.received_by.value == "Response Team Member Z"
    assert config.team_member() == "Response Team Member Z", "remembered on this computer"


def test_people_rows_can_be_added_and_removed(make_form: Form) -> None:
    form = make_form()
    form.people.add.click()
    assert [r.role.value for r in form.people.rows] == ["target", "reported", None]
    form.people.rows[2].name.value = "Person W"
    form.people.rows[2].role.value = "witness"
    form.people.rows[0].remove.click()
    assert [(r.name.value, r.role.value) for r in form.people.rows] == [
        ("", "reported"),
        ("Person W", "witness"),
    ]


def test_a_store_that_cannot_open_says_why(tmp_path) -> None:
    folder = tmp_path / "not-a-store"
    folder.mkdir()
    (folder / "notes.txt").write_text("something else")
    shown = intake_form(folder)
    assert isinstance(shown, FormUnavailable)
    assert "is not a cocdata store" in shown.widget.children[1].value


def test_a_form_left_open_dates_the_report_from_the_first_keystroke(make_form: Form) -> None:
    form = make_form(now=dt.datetime(2000, 12, 29, 21, 0))
    assert form.made_at.value == "2000-12-29 21:00"
    form.now = dt.datetime(2000, 12, 29, 22, 41)  # an hour and more later, someone walks up
    form.made_by.value = "Person A"
    assert form.made_at.value == "2000-12-29 22:41"
    form.now = dt.datetime(2000, 12, 29, 22, 50)
    form.description.value = "typing goes on"
    assert form.made_at.value == "2000-12-29 22:41", "only the first change dates it"


def test_a_report_time_typed_first_is_kept(make_form: Form) -> None:
    form = make_form(now=dt.datetime(2000, 12, 29, 21, 0))
    form.now = dt.datetime(2000, 12, 29, 22, 41)
    form.made_at.value = "2000-12-29 09:00"
    form.made_by.value = "Person A"
    assert form.made_at.value == "2000-12-29 09:00"
