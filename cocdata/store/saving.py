"""A save: plan the new rows against the heads seen, then write them under the lock.

The work (diffs, hashes, rows) is done before taking the lock; under the lock
only a check that no head moved meanwhile and the write remain, so writers
wait on each other briefly. A save based on an outdated revision raises
``Conflict`` with who changed what.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cocdata import codenames, vocab
from cocdata.case_checks import check_case
from cocdata.errors import (
    AlreadyExists,
    ChangeSeen,
    Conflict,
    Expunged,
    InvalidRecord,
    NotFound,
    Problem,
    StoreError,
)
from cocdata.model import Case
from cocdata.revisions import RevisionMeta, changed_fields, is_expunged, revision_hash
from cocdata.store import events, heads, persons
from cocdata.store.cache import Head
from cocdata.store.stored import GENESIS, StoredCase, now
from cocdata.tables import CASE_SCHEMA, case_row, row_case
from cocdata.team import permissions

if TYPE_CHECKING:
    from cocdata.store.core import Store

ATTEMPTS = 20


class _AnyOf:
    """Membership in any of several containers, without copying them into one set."""

    def __init__(self, *containers: Container[str]) -> None:
        self.containers = containers

    def __contains__(self, item: object) -> bool:
        return any(item in c for c in self.containers)


def _head_moved(head: Head | None, row: dict[str, Any]) -> bool:
    """True when the case's newest revision is no longer the one ``row`` was planned on."""
    return (head.hash if head is not None else GENESIS) != row["prev_hash"]


def save_many(
    store: Store,
    items: Sequence[tuple[Case, int | None]],
    by: str | None,
    update: bool,
    checked: bool,
) -> list[StoredCase]:
    """Save many cases at once, all or nothing, in one new file (see ``Store.save_many``)."""
    member = permissions.actor(store, "save", (c.case_id for c, _ in items if c.case_id), by)
    problems: list[Problem] = []
    for i, (case, _) in enumerate(items if not checked else ()):
        where = case.case_id or (f"case {i + 1}" if len(items) > 1 else None)
        problems += check_case(case, store.vocab, where)
    if problems:
        raise InvalidRecord(problems, "The case" if len(items) == 1 else "The cases")
    for _ in range(ATTEMPTS):
        rows, saved = _plan(store, items, member, update, heads.refresh(store))
        if not rows:
            return saved
        with store.lock():
            seen = heads.refresh(store)
            if any(_head_moved(seen.get(row["case_id"]), row) for row in rows):
                continue  # someone saved one of these meanwhile: plan again
            events.save(store, [c.case.event for c in saved], member, now())
            table = pa.Table.from_pylist(rows, schema=CASE_SCHEMA)
            path = store.write_table("cases", table)
            store.cache.known_files.add(path.name)
            for row in rows:
                store.cache.note_revision(row["case_id"], row["rev"], row["hash"], path.name)
                store.cache.remember_row(row)
            return saved
    raise StoreError(
        "The cases kept changing while they were being saved; nothing was saved.",
        "Try again in a moment.",
    )


def _previous(
    store: Store, case: Case, base_rev: int | None, head: Head | None, update: bool
) -> Case | None:
    """The case as saved, after the checks that refuse the save."""
    cid = case.case_id
    if head is None:
        if base_rev is not None:
            raise NotFound(
                f"Case {cid!r} is not in the store, so it cannot be changed.",
                "It may have been saved to another store; check --store.",
            )
        return None
    if base_rev is None and not update:
        raise AlreadyExists(
            f"A case named {cid!r} is already in the store (revision {head.rev}).",
            "To change it, open it and save on top of its newest revision "
            "(or import with --update).",
        )
    if base_rev is not None and base_rev != head.rev:
        raise Conflict(cid, base_rev, head.rev, changes_since(store, cid, base_rev))
    row = heads.read_row(store, cid, head.rev, head.file)  # type: ignore[arg-type]
    if row is not None and is_expunged(row):
        raise Expunged(
            f"Case {cid} was expunged: its identifying data is gone, "
            "so it can no longer be changed; nothing was saved.",
            "Record anything new as a new case.",
        )
    return row_case(row, case.event) if row is not None else None


def _plan(
    store: Store,
    items: Sequence[tuple[Case, int | None]],
    member: str,
    update: bool,
    seen: dict[str, Head],
) -> tuple[list[dict[str, Any]], list[StoredCase]]:
    """The rows to write for ``items`` on top of ``seen``; raises what a save must refuse."""
    ids_in_batch: set[str] = set()
    taken = _AnyOf(seen, ids_in_batch)
    rows: list[dict[str, Any]] = []
    saved: list[StoredCase] = []
    at = now()
    person_batch: dict[str, str] = {}
    coding = any(not p.person for case, _ in items for p in case.people)
    for case, base_rev in items:
        if coding:
            case = persons.with_codes(store, case, person_batch)
        if case.case_id is None:
            case = case.model_copy(update={"case_id": codenames.new_code_name(taken)})
        cid = case.case_id
        assert cid is not None
        if cid in ids_in_batch:
            raise InvalidRecord([Problem("case_id", f"{cid!r} appears twice in this batch")])
        ids_in_batch.add(cid)
        head = seen.get(cid)
        previous = _previous(store, case, base_rev, head, update)
        if previous is not None and head is not None and previous == case:
            saved.append(StoredCase(case, head.rev, member, at, head.hash))  # nothing new
            continue
        if previous is not None and not vocab.status_move_allowed(previous.status, case.status):
            raise InvalidRecord(
                [
                    Problem(
                        "status",
                        f"a case cannot go from {previous.status!r} back to {case.status!r}; "
                        "to reopen a decided or closed case set it to 'investigating'",
                        cid,
                    )
                ]
            )
        meta = RevisionMeta(
            case_id=cid,
            rev=(head.rev + 1) if head else 1,
            prev_hash=head.hash if head else GENESIS,
            saved_at=at,
            saved_by=member,
            changes=tuple(changed_fields(previous, case)),
        )
        meta = RevisionMeta(**{**meta.__dict__, "hash": revision_hash(case, meta)})
        rows.append(case_row(case, meta))
        saved.append(StoredCase(case, meta.rev, member, at, meta.hash))
    return rows, saved


def changes_since(store: Store, case_id: str, base_rev: int) -> list[ChangeSeen]:
    """Who changed what in a case after ``base_rev`` (for a ``Conflict``)."""
    return [
        ChangeSeen(m.rev, m.saved_by, m.saved_at.strftime("%Y-%m-%d %H:%M"), m.changes)
        for m in store.history(case_id, since=base_rev)
    ]
