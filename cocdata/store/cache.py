"""What a ``Store`` remembers of its files between calls, and the one way to forget it.

Saves and reads stay cheap in a large store because each file is read once:
the heads index, the rows read, the events and the person codes are kept
here. Files only ever appear, except when a compaction, an expunge or a
verify replaces or moves them; then everything is forgotten at once with
``clear`` (an expunge changes hashes and person codes, so no part of what
was known can be kept).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from cocdata.model import Event

ROWS_KEPT = 256


@dataclass(frozen=True)
class Head:
    """A case's newest revision, and the file holding it."""

    rev: int
    hash: str
    file: str


@dataclass
class Cache:
    """Everything a store knows of its files; ``clear`` forgets all of it."""

    heads: dict[str, Head] = field(default_factory=dict)
    where: dict[str, dict[int, str]] = field(default_factory=dict)
    """case -> revision -> file holding it"""
    known_files: set[str] = field(default_factory=set)
    rows: OrderedDict[tuple[str, int], dict[str, Any]] = field(default_factory=OrderedDict)
    events: dict[str, Event] | None = None
    events_files: set[str] = field(default_factory=set)
    people: dict[str, str] | None = None
    people_at: dict[str, dt.datetime] = field(default_factory=dict)
    person_codes: set[str] = field(default_factory=set)
    """Every person code seen in the store, so a new one is never a reused one."""
    people_files: set[str] = field(default_factory=set)

    def clear(self) -> None:
        """Forget everything (after files were replaced, moved or deleted)."""
        self.heads.clear()
        self.where.clear()
        self.known_files.clear()
        self.rows.clear()
        self.events = None
        self.events_files.clear()
        self.forget_people()

    def forget_people(self) -> None:
        """Forget the person-code index (rebuilt from every case file on next use)."""
        self.people = None
        self.people_at.clear()
        self.person_codes.clear()
        self.people_files.clear()

    def note_revision(self, case_id: str, rev: int, digest: str, file: str) -> None:
        """Record that ``file`` holds revision ``rev`` of ``case_id``."""
        head = self.heads.get(case_id)
        if head is None or rev >= head.rev:
            self.heads[case_id] = Head(rev, digest, file)
        self.where.setdefault(case_id, {})[rev] = file

    def remember_row(self, row: dict[str, Any]) -> None:
        """Keep a revision row read or written (revisions never change once written)."""
        self.rows[(row["case_id"], row["rev"])] = row
        while len(self.rows) > ROWS_KEPT:
            self.rows.popitem(last=False)
