"""Events: each saved version is a row in ``events/``; the newest per id is current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyarrow as pa

from cocdata.model import Event
from cocdata.store import damage
from cocdata.store.files import read_file
from cocdata.tables import EVENT_SCHEMA, event_row

if TYPE_CHECKING:
    from cocdata.store.core import Store


def refresh(store: Store) -> dict[str, Event]:
    """Every event by id, reading only event files not read before."""
    cache = store.cache
    names = store.list_files("events")
    if cache.events is None or not cache.events_files.issubset(names):
        cache.events, cache.events_files = {}, set()
    for name in names:
        if name in cache.events_files:
            continue
        path = store.folder("events") / name
        try:
            with damage.reading(path):
                table = read_file(path)
        except FileNotFoundError:
            continue
        for row in table.to_pylist():
            row.pop("saved_at"), row.pop("saved_by")
            cache.events[row["id"]] = Event.model_validate(row)
        cache.events_files.add(name)
    return cache.events


def save(store: Store, events: Iterable[Event], by: str, now: dt.datetime) -> None:
    """Write the events that differ from what is saved, in one new file."""
    known = refresh(store)
    changed = {e.id: e for e in events if known.get(e.id) != e}
    if not changed:
        return
    rows = [event_row(e, now, by) for e in changed.values()]
    path = store.write_table("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
    store.cache.events_files.add(path.name)
    known.update(changed)
