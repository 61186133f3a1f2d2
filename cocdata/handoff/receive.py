"""Receiving case packages into a body's own store (``cocdata receive``).

``receive(store, files, body)`` checks every package first (format, version,
hash, recipient, the case against the store's vocabularies) and writes
nothing when one fails. Then, in one save:

- a package of a case not seen before becomes a new case with the store's
  own code name; a timeline note keeps the provenance (sending organisation,
  event, their case code and revision, the package's SHA-256) and a line
  after ``MARK`` the same as JSON, which is how a later package of the same
  case is recognised;
- the same package (or an older revision) again changes nothing;
- a newer revision replaces the case, unless someone here saved the case
  since it was received: then the body's edits win and the newer package is
  kept as a timeline note saying what differs;
- people get a person code: that of a person in the store whose keyed
  pseudonyms (``linkage``) match, received earlier or entered here (their
  pseudonyms computed with this body's own key), else a new one. Cases about
  the same person from different teams then share the code, so
  ``cocdata cases --person CODE`` and the repeat-people analysis show them
  together.

The receipt is logged in the access log before the save. The provenance
notes are ``provenance``'s, the person codes ``linking``'s.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cocdata import accesslog, codenames
from cocdata.case_checks import check_case
from cocdata.collector import without_gc_pauses
from cocdata.errors import InvalidRecord, Problem
from cocdata.handoff import package as packages
from cocdata.handoff.linkage import LinkKey
from cocdata.handoff.linking import KnownLinks, with_person_codes
from cocdata.handoff.package import Content, PackageError
from cocdata.handoff.provenance import (
    Mark,
    parse_mark,
    provenance_entry,
    received_marks,
    without_marks,
)
from cocdata.model import Case, Event
from cocdata.names import fold_name
from cocdata.revisions import changed_fields
from cocdata.store import Store
from cocdata.team.identity import acting_member
from cocdata.vocab import status_move_allowed


@dataclass(frozen=True)
class Received:
    """What became of one package."""

    source: Path
    sha256: str
    content: Content
    case_id: str
    outcome: str  # "imported", "updated", "already received", "kept as a note"
    people: tuple[str, ...] = ()
    linked: tuple[str, ...] = ()
    differs: tuple[str, ...] = ()

    def line(self) -> str:
        s = self.content.sender
        text = (
            f"{self.source.name}: case {s.case_id} (revision {s.rev}) of {s.organisation} "
            f"{self.outcome} as {self.case_id}"
        )
        if self.linked:
            text += f"; already known: {', '.join(self.linked)}"
        if self.differs:
            text += (
                "; changed here since it was received, so kept as a note (differs: "
                + ", ".join(self.differs)
                + ")"
            )
        return text + "."


@dataclass
class ReceiveReport:
    """Every package received, in the order given, and a note on the linkage key."""

    received: list[Received] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.received)

    def text(self) -> str:
        lines = [r.line() for r in self.received[:50]]
        if len(self.received) > 50:
            lines.append(f"... and {len(self.received) - 50} more.")
        lines += self.notes
        lines.append(
            f"{len(self.received)} package(s): {self.count('imported')} imported, "
            f"{self.count('updated')} updated, {self.count('already received')} already "
            f"received, {self.count('kept as a note')} kept as a note. Logged in the access log."
        )
        return "\n".join(lines)


def _sender_key(content: Content) -> tuple[str, str]:
    return fold_name(content.sender.organisation), content.sender.case_id


@dataclass
class _Known:
    """What the store already holds: received cases, pseudonyms, person and case codes."""

    marks: dict[tuple[str, str], tuple[str, int, int]]  # sender key -> case, newest rev, as_rev
    links: dict[str, str]  # pseudonym -> person code
    person_codes: set[str]
    case_ids: set[str]


def _known(store: Store, link_key: LinkKey | None) -> _Known:
    frames = store.frames()
    marks = received_marks(frames.timeline)
    people = frames.people
    codes = set(people["person"].dropna()) if len(people) else set()
    case_ids = set(frames.cases["case_id"])
    return _Known(marks, KnownLinks(people, link_key), codes, case_ids)


def _check(
    store: Store, files: Sequence[Path], body: str | None
) -> list[tuple[Path, Content, str]]:
    """Every package read and checked; every problem of every file at once, else nothing."""
    read: list[tuple[Path, Content, str]] = []
    refused: list[str] = []
    problems: list[Problem] = []
    for path in files:
        try:
            content, sha = packages.read(path, body)
        except PackageError as exc:
            refused.append(f"  - {exc.message}")
            continue
        problems += check_case(content.case, store.vocab, Path(path).name)
        read.append((Path(path), content, sha))
    if refused:
        more = f" ({len(refused)} of {len(files)} files)" if len(files) > 1 else ""
        raise PackageError(
            "Nothing was received" + more + ":\n" + "\n".join(refused[:20])
            + (f"\n  ... and {len(refused) - 20} more" if len(refused) > 20 else ""),
            "Receive the other files without these, or ask the sending team to forward them "
            "again with 'cocdata forward --package'.",
        )  # fmt: skip
    if problems:
        raise InvalidRecord(
            [
                Problem(
                    p.field,
                    p.message + " (the sending team's vocabulary differs from this store's)",
                    p.where,
                    p.value,
                )
                for p in problems
            ],
            "The received cases",
        )
    return read


def receive(
    store: Store,
    files: Iterable[str | os.PathLike[str]],
    body: str | None = None,
    link_key: LinkKey | None = None,
    by: str | None = None,
) -> ReceiveReport:
    """Check and import case packages into ``store`` (see the module's description).

    ``body`` is who this store belongs to: a package meant for another body
    is refused. ``link_key`` is this body's own linkage key, to link received
    people with people entered here; received pseudonyms link without it.
    """
    paths = [Path(f) for f in files]
    if not paths:
        raise PackageError("No package to receive.", "Name one or more package files.")
    with without_gc_pauses():
        return _receive(store, paths, body, link_key, acting_member(store.root, by))


def _receive(
    store: Store, paths: list[Path], body: str | None, link_key: LinkKey | None, member: str
) -> ReceiveReport:
    read = _check(store, paths, body)
    # The newest revision of each sender's case in this batch; the rest are repeats.
    newest: dict[tuple[str, str], tuple[Path, Content, str]] = {}
    for item in read:
        key = _sender_key(item[1])
        if key not in newest or item[1].sender.rev > newest[key][1].sender.rev:
            newest[key] = item
    known = _known(store, link_key)
    events: dict[str, Event] = store.events()
    now = dt.datetime.now().replace(second=0, microsecond=0)
    report = ReceiveReport()
    if link_key is not None:
        other = {c.link_key_id for _, c, _ in read if c.link_key_id not in (None, link_key.key_id)}
        if other:
            report.notes.append(
                f"note: {len(other)} linkage key(s) in these packages are not this store's key: "
                "their people link only with each other, not with anyone here."
            )
    items: list[tuple[Case, int | None]] = []
    outcomes: dict[tuple[str, str], Received] = {}
    for key, (path, content, sha) in newest.items():
        previous = known.marks.get(key)
        s = content.sender
        if previous is not None and previous[1] >= s.rev:
            outcomes[key] = Received(path, sha, content, previous[0], "already received")
            continue
        event = events.setdefault(content.case.event.id, content.case.event)
        case, people, linked = with_person_codes(content, known.links, known.person_codes)
        case = case.model_copy(update={"event": event})
        if previous is None:
            cid = codenames.new_code_name(known.case_ids)
            known.case_ids.add(cid)
            mark = Mark(s.organisation, s.case_id, s.rev, sha, 1, True)
            entry = provenance_entry(content, sha, member, now, mark)
            items.append(
                (
                    case.model_copy(update={"case_id": cid, "timeline": [*case.timeline, entry]}),
                    None,
                )
            )
            outcomes[key] = Received(path, sha, content, cid, "imported", people, linked)
            continue
        item, outcomes[key] = _update(
            store, previous, case, (path, content, sha), member, now, people, linked
        )
        if item is not None:
            items.append(item)
    for path, content, sha in read:
        key = _sender_key(content)
        done = outcomes[key]
        if newest[key][0] == path:
            report.received.append(done)
        else:
            report.received.append(Received(path, sha, content, done.case_id, "already received"))
    senders = sorted({c.sender.organisation for _, c, _ in read})
    accesslog.record(
        store,
        "receive",
        [r.case_id for r in report.received],
        f"{len(paths)} case package(s) from {', '.join(senders)[:300]}: "
        f"{report.count('imported')} imported, {report.count('updated')} updated, "
        f"{report.count('already received')} already received, "
        f"{report.count('kept as a note')} kept as a note; "
        f"files: {', '.join(p.name for p in paths[:20])}"
        + (f" and {len(paths) - 20} more" if len(paths) > 20 else ""),
        by=member,
    )
    if items:
        store.save_many(items, by=member, checked=True)
    return report


def _update(
    store: Store,
    previous: tuple[str, int, int],
    case: Case,
    got: tuple[Path, Content, str],
    member: str,
    now: dt.datetime,
    people: tuple[str, ...],
    linked: tuple[str, ...],
) -> tuple[tuple[Case, int] | None, Received]:
    """A newer revision of a case received before: applied, or kept as a note when the
    case was changed here since (or cannot take it); the item to save and the outcome."""
    path, content, sha = got
    s = content.sender
    cid, _newest, as_rev = previous
    if store.is_expunged(cid):
        return None, Received(path, sha, content, cid, "not applied: expunged here")
    current = store.get(cid)
    earlier = [t for t in current.case.timeline if parse_mark(t.text) is not None]
    if current.rev == as_rev and status_move_allowed(current.case.status, case.status):
        mark = Mark(s.organisation, s.case_id, s.rev, sha, current.rev + 1, True)
        timeline = [*case.timeline, *earlier, provenance_entry(content, sha, member, now, mark)]
        updated = case.model_copy(update={"case_id": cid, "timeline": timeline})
        return (updated, current.rev), Received(path, sha, content, cid, "updated", people, linked)
    # This body's edits win; the package is kept as a note saying what differs.
    differs = tuple(
        changed_fields(without_marks(current.case), case.model_copy(update={"case_id": cid}))
    ) or ("nothing but the timeline notes",)
    why = (
        f"this case was changed here since it was received (now revision {current.rev}), "
        "and those edits are kept"
        if current.rev != as_rev
        else f"its status {case.status!r} would move this case back from {current.case.status!r}"
    )
    note = f" Not applied: {why}. What differs in this package: {', '.join(differs)}."
    mark = Mark(s.organisation, s.case_id, s.rev, sha, as_rev, False)
    entry = provenance_entry(content, sha, member, now, mark, note)
    kept = current.case.model_copy(update={"timeline": [*current.case.timeline, entry]})
    return (kept, current.rev), Received(
        path, sha, content, cid, "kept as a note", people, linked, differs
    )
