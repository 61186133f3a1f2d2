"""Expunge's file work: strip due cases from every case file, then delete what only they held.

Which cases are due is policy (``cocdata.retention``); this module does the
rewriting, in an order that loses nothing when it is interrupted at any step:

1. the evidence files and drafts to delete are written to
   ``expunge-pending.json`` (sealed in an encrypted store);
2. every file holding a due case's rows is rewritten into one new file, which
   is durable before the old files are deleted;
3. set-aside files in ``quarantine/`` lose the rows of expunged cases;
4. only then are the evidence files, drafts and stale temporary files
   deleted, and the pending list last.

Until step 2 is complete, a due case's rows are intact (still due, taken up
again by a re-run) and its evidence is still there; after it, the pending
list tells a re-run what is left to delete. An evidence file is deleted only
when no revision row in the store names it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from cocdata.errors import CorruptStore
from cocdata.store.files import read_file, settle
from cocdata.store.rows import dedupe, evidence_of
from cocdata.store.stripping import chained, expunged_rows
from cocdata.tables import CASE_SCHEMA, Frames

if TYPE_CHECKING:
    from cocdata.retention import CaseRetention
    from cocdata.store.core import Store

STALE_TMP_S = 600
"""Temporary files older than this are leftovers of a crash, removed by an expunge."""

PENDING = "expunge-pending.json"
"""What an expunge still has to delete once its rewrite is durable."""


@dataclass
class ExpungeReport:
    """What an expunge removed (or, for a dry run, would remove)."""

    cases: list[CaseRetention] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    revisions: int = 0
    blobs: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    quarantine: list[str] = field(default_factory=list)
    tmp: list[str] = field(default_factory=list)
    dry_run: bool = False
    asked: bool = False

    @property
    def case_ids(self) -> list[str]:
        return sorted({c.case_id for c in self.cases} | set(self.unfinished))

    def text(self) -> str:
        """The report in words for the terminal."""
        if not (self.case_ids or self.drafts or self.tmp):
            return "No case is due for expunging; nothing was changed."
        done = "would be" if self.dry_run else "were"
        lines = ["Dry run, nothing was changed."] if self.dry_run else []
        if self.case_ids:
            lines.append(
                f"Identifying data {'would be ' if self.dry_run else ''}removed from "
                f"{len(self.case_ids)} case(s):"
            )
            for item in self.cases:
                rule = item.describe()
                lines.append(
                    f"  {item.case_id} ({item.event_id}): "
                    + (f"asked for by name; its rule: {rule}" if self.asked else rule)
                )
            for cid in self.unfinished:
                lines.append(f"  {cid}: finishing an expunge that was interrupted")
            lines.append(
                f"{len(self.files)} case file(s) and {len(self.quarantine)} set-aside file(s) "
                f"{done} rewritten or deleted ({self.revisions} revision(s) stripped); "
                f"{len(self.blobs)} evidence file(s) {done} deleted."
            )
            lines += [f"  quarantine: {name}" for name in self.quarantine]
        else:
            lines.append("No case is due for expunging.")
        if self.drafts:
            lines.append(
                f"{len(self.drafts)} draft(s) of these cases or left untouched for longer than "
                f"cases are kept {done} deleted."
            )
        if self.tmp:
            lines.append(f"{len(self.tmp)} temporary file(s) left by a crash {done} deleted.")
        return "\n".join(lines)


@dataclass
class Scan:
    """Every case file read whole, under the store's lock."""

    tables: dict[str, pa.Table]
    frames: Frames
    all_rows: pa.Table


def scan(store: Store) -> Scan:
    """Read every case file whole (an unreadable one stops the expunge before anything)."""
    tables: dict[str, pa.Table] = {}
    for name in store.list_files("cases"):
        try:
            tables[name] = read_file(store.folder("cases") / name)
        except (OSError, pa.ArrowException) as exc:
            raise CorruptStore(
                f"cases/{name} cannot be read ({exc}); nothing was expunged.",
                "Run 'cocdata verify' first: it sets damaged files aside in quarantine/, "
                "and a later expunge removes them.",
            ) from exc
    full = (
        pa.concat_tables(list(tables.values()), promote_options="permissive")
        if tables
        else CASE_SCHEMA.empty_table()
    )
    return Scan(tables, store.frames_of(full), full)


@dataclass
class Work:
    """What one expunge changes on disk."""

    targets: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)
    blobs: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    quarantine: list[tuple[str, pa.Table | None]] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    """Cases whose rows leave set-aside files: the targets and those expunged before."""
    tmp: list[str] = field(default_factory=list)


def pending(store: Store) -> dict[str, list[str]]:
    """The evidence files and drafts an interrupted expunge still has to delete."""
    path = store.root / PENDING
    if not path.exists():
        return {"blobs": [], "drafts": []}
    data = json.loads(store.read_bytes(path).decode("utf-8"))
    return {"blobs": list(data.get("blobs", [])), "drafts": list(data.get("drafts", []))}


def drafts_of(store: Store, targets: set[str], stale_before: dt.date) -> list[str]:
    """Drafts of the cases being expunged, and drafts nobody touched since ``stale_before``
    (an abandoned report form holds names too, and was never a case to expunge)."""
    out = []
    for draft in store.drafts():
        draft_id = str(draft.get("draft_id", ""))
        case_id = (draft.get("data") or {}).get("case_id")
        updated = str(draft.get("updated_at") or "")[:10]
        if (
            case_id in targets
            or any(draft_id == f"case-{c}" or draft_id.startswith(f"case-{c}-") for c in targets)
            or (updated and updated < stale_before.isoformat())
        ):
            out.append(draft_id)
    return sorted(out)


def plan(
    store: Store, scanned: Scan, targets: set[str], expunged_before: set[str], stale_before: dt.date
) -> Work:
    """The files, evidence, drafts and set-aside files an expunge of ``targets`` touches.

    What an interrupted run had still to delete (``pending``) is added; an
    evidence file is listed only when no revision left in the store names it.
    """
    left = pending(store)
    known_drafts = {str(d.get("draft_id", "")) for d in store.drafts()}
    drafts = set(drafts_of(store, targets, stale_before)) | (set(left["drafts"]) & known_drafts)
    work = Work(targets=targets, drafts=sorted(drafts), tmp=stale_tmp(store))
    stored_blobs = set(store.blob_digests())
    named_anywhere = evidence_of(scanned.all_rows) if scanned.all_rows.num_rows else set()
    leftover = (set(left["blobs"]) - named_anywhere) & stored_blobs
    if not targets:
        work.blobs = sorted(leftover)
        return work
    ids = pa.array(sorted(targets))
    target_refs: set[str] = set()
    other_refs: set[str] = set()
    for name, table in scanned.tables.items():
        mask = pc.is_in(table["case_id"], ids)
        if not pc.any(mask).as_py():
            other_refs |= evidence_of(table)
            continue
        work.files.append(name)
        target_refs |= evidence_of(table.filter(mask))
        other_refs |= evidence_of(table.filter(pc.invert(mask)))
    work.blobs = sorted(((target_refs - other_refs) & stored_blobs) | leftover)
    work.gone = targets | expunged_before
    work.quarantine = quarantined(store, work.gone)
    return work


def apply(store: Store, scanned: Scan, work: Work, when: str) -> None:
    """Do ``work`` in the order the module docstring gives; the caller holds the lock."""
    journal = store.root / PENDING
    if work.blobs or work.drafts:
        content = json.dumps({"blobs": work.blobs, "drafts": work.drafts}).encode("utf-8")
        store.write_bytes(journal, content, "expunging")
    if work.targets:
        rewrite_cases(store, scanned, work.targets, work.files, when)
    clean_quarantine(store, work.quarantine, work.gone)
    for draft_id in work.drafts:
        store.discard_draft(draft_id)
    for digest in work.blobs:
        store.remove_blob(digest)
    for name in work.tmp:
        (store.folder("tmp") / name).unlink(missing_ok=True)
    if journal.exists():
        journal.unlink()
        settle(store.root)
    store.invalidate()


def quarantined(store: Store, targets: set[str]) -> list[tuple[str, pa.Table | None]]:
    """Set-aside files that may hold a target's data: (name, readable rows or None)."""
    out: list[tuple[str, pa.Table | None]] = []
    folder = store.folder("quarantine")
    if not folder.exists() or not targets:
        return out
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        try:
            table = read_file(path)
        except (OSError, pa.ArrowException):
            out.append((path.name, None))  # unreadable: it may hold anything
            continue
        if "case_id" not in table.column_names:
            continue  # an events or access-log file: no one's story in it
        if pc.any(pc.is_in(table["case_id"], pa.array(sorted(targets)))).as_py():
            out.append((path.name, table))
    return out


def stale_tmp(store: Store) -> list[str]:
    """Temporary files old enough to be leftovers of a crash."""
    folder = store.folder("tmp")
    if not folder.exists():
        return []
    limit = time.time() - STALE_TMP_S
    out = []
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                out.append(path.name)
        except FileNotFoundError:
            continue
    return sorted(out)


def clean_quarantine(
    store: Store, quarantine: list[tuple[str, pa.Table | None]], gone: set[str]
) -> None:
    """Set-aside files without the rows of ``gone`` (unreadable ones are deleted)."""
    folder = store.folder("quarantine")
    ids = pa.array(sorted(gone))
    for name, table in quarantine:
        if table is not None:
            keep = table.filter(pc.invert(pc.is_in(table["case_id"], ids)))
            if keep.num_rows:
                store.write_table("quarantine", keep, suffix="-kept")
        (folder / name).unlink(missing_ok=True)
    if quarantine:
        settle(folder)


def rewrite_cases(
    store: Store, scanned: Scan, targets: set[str], files: Iterable[str], when: str
) -> None:
    """One new file with every row of ``files``, targets expunged; then the old files go."""
    files = list(files)
    ids = pa.array(sorted(targets))
    taken = set(scanned.frames.people["person"].dropna().tolist())
    taken |= set(scanned.frames.cases["case_id"].tolist())
    kept: list[pa.Table] = []
    for name in files:
        table = scanned.tables[name]
        kept.append(table.filter(pc.invert(pc.is_in(table["case_id"], ids))))
    rows = scanned.all_rows.filter(pc.is_in(scanned.all_rows["case_id"], ids)).to_pylist()
    by_case: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_case.setdefault(row["case_id"], []).append(row)
    # Fresh code names must not be guessable from anything in the store: the
    # generator is seeded from the operating system's randomness.
    rng = random.Random(secrets.randbits(128))
    new_rows: list[dict[str, Any]] = []
    for cid in sorted(by_case):
        new_rows += expunged_rows(by_case[cid], when, taken, rng)
    merged = pa.concat_tables([*(t.cast(CASE_SCHEMA) for t in kept), chained(new_rows)])
    merged = dedupe(merged).sort_by([("case_id", "ascending"), ("rev", "ascending")])
    store.write_table("cases", merged, suffix="-expunge")
    for name in files:
        (store.folder("cases") / name).unlink(missing_ok=True)
    settle(store.folder("cases"))
