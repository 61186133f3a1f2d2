"""Correcting an event: new versions, every problem at once, nothing saved on a mistake."""

from __future__ import annotations

import datetime as dt

import pytest

from cocdata.errors import InvalidRecord, NotFound
from cocdata.events import edit_event, event_text, events_text
from cocdata.model import Event
from cocdata.store import Store

EVENT = Event(
    id="pycon-north-2024",
    name="PyCon North 2024",
    start=dt.date(2024, 5, 3),
    end=dt.date(2024, 5, 5),
    attendees=None,
    location="Leeds",
)


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store.init(tmp_path / "store")
    store.save_event(EVENT, by="Lead Member")
    return store


def _versions(store: Store) -> int:
    return len(list((store.root / "events").glob("*.parquet")))


def test_an_edit_saves_a_new_version_that_the_store_reads(store):
    edit = edit_event(store, EVENT.id, {"attendees": 600, "end": "2024-05-06"}, by="Lead Member")
    assert edit.changed == ["end", "attendees"]
    assert "attendees (empty) → 600" in edit.text() and "end 2024-05-05 → 2024-05-06" in edit.text()
    reopened = Store.open(store.root, create=False)
    assert reopened.event(EVENT.id) == EVENT.model_copy(
        update={"attendees": 600, "end": dt.date(2024, 5, 6)}
    )
    assert _versions(reopened) == 2


def test_clearing_a_field_empties_it(store):
    edit = edit_event(store, EVENT.id, {}, clear=["location"])
    assert edit.after.location is None and edit.changed == ["location"]


def test_an_edit_that_changes_nothing_saves_nothing(store):
    edit = edit_event(store, EVENT.id, {"name": "PyCon North 2024"})
    assert edit.changed == [] and "Nothing to change" in edit.text()
    assert _versions(store) == 1


def test_an_unknown_event_is_not_found(store):
    with pytest.raises(NotFound, match="There is no event 'nosuch'"):
        edit_event(store, "nosuch", {"attendees": 3})


@pytest.mark.parametrize(
    ("changes", "clear", "fields"),
    [
        ({"attendees": -1}, [], ["attendees"]),
        ({"end": "2024-05-01"}, [], ["record"]),
        ({"start": "soon", "attendees": -5}, [], ["start", "attendees"]),
        ({"id": "other"}, [], ["id"]),
        ({}, ["name", "start"], ["name", "start"]),
        ({"location": "York"}, ["location"], ["location"]),
    ],
    ids=["negative", "end-before-start", "two-at-once", "id", "clear-required", "set-and-clear"],
)
def test_every_mistake_is_reported_at_once_and_nothing_is_saved(store, changes, clear, fields):
    with pytest.raises(InvalidRecord) as caught:
        edit_event(store, EVENT.id, changes, clear=clear)
    assert sorted(p.field for p in caught.value.problems) == sorted(fields)
    assert "nothing was saved" in str(caught.value)
    assert _versions(store) == 1 and store.event(EVENT.id) == EVENT


def test_events_in_words(store):
    assert "Attendees: not known yet" in event_text(EVENT, 0)
    listed = events_text(store.events(), {EVENT.id: 2})
    assert listed.splitlines() == [
        "pycon-north-2024  2024-05-03 to 2024-05-05  PyCon North 2024"
        " (no series, ? attendees, 2 case(s))",
        "1 event(s)",
    ]
    assert events_text({}, {}) == "No events in the store yet."


def test_the_list_and_the_event_show_its_series(store):
    edit = edit_event(store, EVENT.id, {"series": "pycon-north"})
    assert "series (empty) → 'pycon-north'" in edit.text()
    assert "Series: pycon-north" in event_text(store.event(EVENT.id), 0)
    assert "(series pycon-north, ? attendees, 0 case(s))" in events_text(store.events(), {})
