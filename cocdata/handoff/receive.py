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

The receipt is logged in the access log before the save.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from cocdata import accesslog, codenames
from cocdata.errors import InvalidRecord, Problem
from cocdata.handoff import package as packages
from cocdata.handoff.linkage import LinkKey
from cocdata.handoff.package import Content, PackageError
from cocdata.model import Case, Event, TimelineEntry, check_case
from cocdata.names import fold_name
from cocdata.store import Store
from cocdata.tables import changed_fields
from cocdata.team.identity import acting_member
from cocdata.vocab import status_move_allowed

MARK = "cocdata-received: "
"""Start of the line of a provenance note that holds its facts as JSON."""


@dataclass(frozen=True)
class Mark:
    """The facts of one provenance note: which package of which sender's case, applied or not."""

    sender: str
    case: str
    rev: int
    sha256: str
    as_rev: int
    applied: bool

    def to_json(self) -> str:
        return json.dumps(
            {
                "from": self.sender,
                "case": self.case,
                "rev": self.rev,
                "sha256": self.sha256,
                "as_rev": self.as_rev,
                "applied": self.applied,
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def parse_mark(text: str | None) -> Mark | None:
    """The facts of a provenance note, or None for any other timeline text."""
    if not text or MARK not in text:
        return None
    line = text[text.rindex(MARK) + len(MARK) :].splitlines()[0]
    try:
        d = json.loads(line)
        return Mark(
            str(d["from"]), str(d["case"]), int(d["rev"]), str(d["sha256"]),
            int(d["as_rev"]), bool(d["applied"]),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None


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
    marks = _marks(frames.timeline)
    people = frames.people
    codes = set(people["person"].dropna()) if len(people) else set()
    case_ids = set(frames.cases["case_id"])
    return _Known(marks, _LazyLinks(people, link_key), codes, case_ids)


def _marks(tl: pd.DataFrame) -> dict[tuple[str, str], tuple[str, int, int]]:
    """Sender's case -> (case here, newest revision received, revision here it was applied as)."""
    marks: dict[tuple[str, str], tuple[str, int, int]] = {}
    if len(tl):
        hits = tl[tl["text"].str.contains(MARK, regex=False, na=False)]
        for cid, text in zip(hits["case_id"], hits["text"], strict=True):
            mark = parse_mark(text)
            if mark is None:
                continue
            key = (fold_name(mark.sender), mark.case)
            _case, newest, as_rev = marks.get(key, (cid, 0, 0))
            marks[key] = (cid, max(newest, mark.rev), mark.as_rev if mark.applied else as_rev)
    return marks


class _LazyLinks(dict):
    """Pseudonym -> person code of everyone in the store, worked out on first use.

    Received people bring their pseudonyms; people entered here get theirs
    from this body's key, once per distinct name and contact (a store names
    the same people many times). A batch of packages all received before
    never needs them.
    """

    def __init__(self, people: pd.DataFrame, link_key: LinkKey | None) -> None:
        super().__init__()
        self._people, self._key, self._ready = people, link_key, False

    def _fill(self) -> None:
        self._ready = True
        people = self._people
        if not len(people):
            return
        codes = people["person"].tolist()
        if "links" in people:
            found = pa.array(people["links"]).to_pylist()
            for code, links in zip(codes, found, strict=True):
                for pseudonym in links or ():
                    self.setdefault(pseudonym, code)
        if self._key is None:
            return
        key = self._key
        names = people["name"].tolist()
        contacts = people["contact"].tolist()
        by_name = {n: key.pseudonyms(n, None) for n in set(names) if isinstance(n, str)}
        by_contact = {c: key.pseudonyms(None, c) for c in set(contacts) if isinstance(c, str)}
        for code, name, contact in zip(codes, names, contacts, strict=True):
            if code is None:
                continue
            for pseudonym in by_name.get(name, ()):
                self.setdefault(pseudonym, code)
            for pseudonym in by_contact.get(contact, ()):
                self.setdefault(pseudonym, code)

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if not self._ready:
            self._fill()
        return super().get(key, default)

    def setdefault(self, key: str, default: str) -> str:  # type: ignore[override]
        if not self._ready:
            self._fill()
        return super().setdefault(key, default)


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


def _provenance(
    content: Content, sha: str, member: str, now: dt.datetime, mark: Mark, note: str = ""
) -> TimelineEntry:
    s = content.sender
    left_out = ", ".join(content.left_out) or "nothing"
    text = (
        f"Received from {s.organisation} ({s.event_name}): their case {s.case_id}, revision "
        f"{s.rev}, forwarded by {s.forwarded_by} on {s.forwarded_at:%Y-%m-%d %H:%M}. "
        f"Left out by the sender: {left_out}. Actions and the finding before this entry were "
        f"decided by {content.decided_by}. Package SHA-256 {sha}.{note}\n{MARK}{mark.to_json()}"
    )
    return TimelineEntry(at=now, by=[member], kind="note", with_=[s.organisation], text=text)


def _without_marks(case: Case) -> Case:
    return case.model_copy(
        update={"timeline": [t for t in case.timeline if parse_mark(t.text) is None]}
    )


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
    with _without_gc_pauses():
        return _receive(store, paths, body, link_key, acting_member(store.root, by))


@contextlib.contextmanager
def _without_gc_pauses() -> Iterator[None]:
    # Thousands of packages become many small objects while a large store's
    # frames are alive; the collector's full passes over all of them cost a
    # quarter of the time and find no cycles to free.
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
        case, people, linked = _coded(content, known)
        case = case.model_copy(update={"event": event})
        if previous is None:
            cid = codenames.new_code_name(known.case_ids)
            known.case_ids.add(cid)
            mark = Mark(s.organisation, s.case_id, s.rev, sha, 1, True)
            entry = _provenance(content, sha, member, now, mark)
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
        timeline = [*case.timeline, *earlier, _provenance(content, sha, member, now, mark)]
        updated = case.model_copy(update={"case_id": cid, "timeline": timeline})
        return (updated, current.rev), Received(path, sha, content, cid, "updated", people, linked)
    # This body's edits win; the package is kept as a note saying what differs.
    differs = tuple(
        changed_fields(_without_marks(current.case), case.model_copy(update={"case_id": cid}))
    ) or ("nothing but the timeline notes",)
    why = (
        f"this case was changed here since it was received (now revision {current.rev}), "
        "and those edits are kept"
        if current.rev != as_rev
        else f"its status {case.status!r} would move this case back from {current.case.status!r}"
    )
    note = f" Not applied: {why}. What differs in this package: {', '.join(differs)}."
    mark = Mark(s.organisation, s.case_id, s.rev, sha, as_rev, False)
    entry = _provenance(content, sha, member, now, mark, note)
    kept = current.case.model_copy(update={"timeline": [*current.case.timeline, entry]})
    return (kept, current.rev), Received(
        path, sha, content, cid, "kept as a note", people, linked, differs
    )


def _coded(content: Content, known: _Known) -> tuple[Case, tuple[str, ...], tuple[str, ...]]:
    """The package's case with this store's person codes; the codes, and those already known."""
    case = content.case
    groups: dict[str, list[str]] = {}
    labels = [p.person or f"#{i}" for i, p in enumerate(case.people)]
    for label, p in zip(labels, case.people, strict=True):
        groups.setdefault(label, []).extend(p.links)
    codes: dict[str, str] = {}
    linked: list[str] = []
    for label, links in groups.items():
        code = next((known.links.get(k) for k in links if known.links.get(k)), None)
        if code is not None:
            linked.append(code)
        else:
            code = codenames.new_code_name(known.person_codes)
            known.person_codes.add(code)
        for k in links:
            known.links.setdefault(k, code)
        codes[label] = code
    people = [
        p.model_copy(update={"person": codes[label]})
        for label, p in zip(labels, case.people, strict=True)
    ]
    org = content.decided_by
    actions = [
        a.model_copy(update={"by": [f"{org}: {m}" for m in a.by] or [org]}) for a in case.actions
    ]
    coded = case.model_copy(update={"people": people, "actions": actions})
    return coded, tuple(dict.fromkeys(codes.values())), tuple(dict.fromkeys(linked))
