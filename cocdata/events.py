"""Correcting an event: a new version with the fields changed, checked before it is saved.

Events are versioned like cases: every save appends the whole event with who
saved it and when, and the newest version is the event. Transparency reports
and rates read the newest version, so a corrected attendance or date shows in
the next report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from cocdata.case_checks import problems_from
from cocdata.errors import InvalidRecord, Problem
from cocdata.model import Event

if TYPE_CHECKING:
    from cocdata.store import Store

EDITABLE = ("name", "start", "end", "location", "attendees", "organiser", "series")
"""Fields of an event that can be corrected (the id names it, so it stays)."""
CLEARABLE = ("location", "attendees", "organiser", "series")
"""Fields that may be left empty."""


@dataclass
class EventEdit:
    """What an edit did: the event before and after, and which fields changed."""

    before: Event
    after: Event
    changed: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The edit in words, for the command line."""
        if not self.changed:
            return f"Nothing to change: the event {self.after.id} already has those values."
        parts = [
            f"{name} {_shown(getattr(self.before, name))} → {_shown(getattr(self.after, name))}"
            for name in self.changed
        ]
        return f"Saved a new version of the event {self.after.id}: " + "; ".join(parts) + "."


def _shown(value: object) -> str:
    return "(empty)" if value is None else repr(value) if isinstance(value, str) else str(value)


def edit_event(
    store: Store,
    event_id: str,
    changes: Mapping[str, Any],
    clear: Sequence[str] = (),
    by: str | None = None,
) -> EventEdit:
    """Save a new version of ``event_id`` with ``changes`` applied and ``clear`` fields emptied.

    Every problem (an unknown field, a negative attendance, an end before the
    start) is reported at once as :class:`InvalidRecord` and nothing is saved;
    an unknown event is :class:`~cocdata.errors.NotFound`. Nothing is saved
    either when no value differs from the current version.
    """
    before = store.event(event_id)
    problems = [
        Problem(name, f"cannot be changed; fields that can: {', '.join(EDITABLE)}")
        for name in changes
        if name not in EDITABLE
    ]
    problems += [
        Problem(name, f"cannot be left empty; fields that can: {', '.join(CLEARABLE)}")
        for name in clear
        if name not in CLEARABLE
    ]
    problems += [
        Problem(name, "is both given a value and cleared; choose one")
        for name in clear
        if name in changes
    ]
    data = before.model_dump()
    data.update({k: v for k, v in changes.items() if k in EDITABLE and v is not None})
    data.update(dict.fromkeys(c for c in clear if c in CLEARABLE))
    try:
        after = Event.model_validate(data)
    except ValidationError as exc:
        problems += problems_from(exc)
    if problems:
        raise InvalidRecord(problems, f"The change to the event {event_id}")
    changed = [name for name in EDITABLE if getattr(before, name) != getattr(after, name)]
    if changed:
        store.save_event(after, by=by)
    return EventEdit(before, after, changed)


def event_text(event: Event, cases: int) -> str:
    """One event, field by field, with how many cases it has."""
    return "\n".join(
        [
            f"Event {event.id} — {event.name}",
            f"Dates: {event.start} to {event.end}",
            f"Location: {event.location or '—'}",
            f"Attendees: {event.attendees if event.attendees is not None else 'not known yet'}",
            f"Organiser: {event.organiser or '—'}",
            f"Series: {event.series or '—'}",
            f"Cases: {cases}",
        ]
    )


def events_text(events: Mapping[str, Event], cases: Mapping[str, int]) -> str:
    """Every event as a line: id, dates, name, series, attendance and case count, oldest first."""
    if not events:
        return "No events in the store yet."
    rows = sorted(events.values(), key=lambda e: (e.start, e.id))
    width = max(len(e.id) for e in rows)
    lines = [
        f"{e.id:<{width}}  {e.start} to {e.end}  {e.name}"
        f" ({f'series {e.series}' if e.series else 'no series'},"
        f" {e.attendees if e.attendees is not None else '?'} attendees,"
        f" {cases.get(e.id, 0)} case(s))"
        for e in rows
    ]
    return "\n".join([*lines, f"{len(rows)} event(s)"])


# -- a conference's editions ------------------------------------------------------

MAX_EDITIONS = 5
"""How many previous editions a report shows at most."""


def previous_editions(events: dict[str, Event], event: Event) -> list[Event]:
    """Up to :data:`MAX_EDITIONS` editions of ``event``'s series before it, oldest first."""
    if event.series is None:
        return []
    earlier = [
        e
        for e in events.values()
        if e.series == event.series
        and e.id != event.id
        and (e.start, e.id) < (event.start, event.id)
    ]
    earlier.sort(key=lambda e: (e.start, e.id))
    return earlier[-MAX_EDITIONS:]


def editions_shown(events: dict[str, Event]) -> dict[str, list[str]]:
    """For each event of a series, the ids of :func:`previous_editions` (oldest first), in
    one pass over the events."""
    by_series: dict[str, list[Event]] = {}
    for event in events.values():
        if event.series is not None:
            by_series.setdefault(event.series, []).append(event)
    shown: dict[str, list[str]] = {}
    for editions in by_series.values():
        editions.sort(key=lambda e: (e.start, e.id))
        for i, event in enumerate(editions):
            if i:
                shown[event.id] = [e.id for e in editions[max(0, i - MAX_EDITIONS) : i]]
    return shown
