"""Processes that hammer a store, for the concurrency and crash tests."""

from __future__ import annotations

import random
import sys

from cocdata.errors import Conflict
from cocdata.model import TimelineEntry
from cocdata.store import Store


def add_note(store: Store, case_id: str, member: str, text: str) -> int:
    """Add a note to a case as ``member``, re-applying it on top of whatever someone else
    saved meanwhile; return how many times it met a conflict."""
    conflicts = 0
    while True:
        current = store.get(case_id)
        entry = TimelineEntry(at=current.case.report.made_at, by=[member], kind="note", text=text)
        edited = current.case.model_copy(update={"timeline": [*current.case.timeline, entry]})
        try:
            store.save(edited, by=member, base_rev=current.rev)
            return conflicts
        except Conflict:
            conflicts += 1


def append_notes(store_path: str, worker: int, saves: int, case_ids: list[str]) -> int:
    """Add ``saves`` notes as team member ``worker`` to random cases, re-applying on conflict."""
    store = Store.open(store_path)
    rng = random.Random(worker)
    return sum(
        add_note(store, rng.choice(case_ids), f"member-{worker}", f"w{worker}-n{n}")
        for n in range(saves)
    )


def append_notes_until(
    store_path: str, worker: int, case_ids: list[str], stop_file: str
) -> list[float]:
    """Add notes to random cases until ``stop_file`` exists; return the time of each save."""
    import os
    import time

    store = Store.open(store_path)
    rng = random.Random(worker)
    saved_at: list[float] = []
    while not os.path.exists(stop_file):
        add_note(store, rng.choice(case_ids), f"member-{worker}", f"w{worker}-n{len(saved_at)}")
        saved_at.append(time.time())
    return saved_at


def save_forever(store_path: str, case_id: str) -> None:
    """Save revision after revision, printing each one once it is durable."""
    store = Store.open(store_path)
    n = 0
    while True:
        current = store.get(case_id)
        entry = TimelineEntry(
            at=current.case.report.made_at, by=["crash-test"], kind="note", text=f"n{n}"
        )
        edited = current.case.model_copy(update={"timeline": [*current.case.timeline, entry]})
        saved = store.save(edited, by="crash-test", base_rev=current.rev)
        print(saved.rev, flush=True)
        n += 1


if __name__ == "__main__":
    save_forever(sys.argv[1], sys.argv[2])
