"""``verify``: every file readable, every chain of revisions whole, every evidence file there.

Unreadable files are moved to ``quarantine/`` (when asked) so the rest still
loads; a missing or altered revision is reported by case, and so is an
evidence file that a current revision names but the store does not hold.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cocdata import crypto, storeio
from cocdata.errors import CorruptStore
from cocdata.model import Event
from cocdata.revisions import expunged_hash, is_expunged, revision_hash
from cocdata.store import blobs, damage
from cocdata.store.files import read_file
from cocdata.store.rows import (
    conflicting_duplicates,
    dedupe,
    half_expunged,
    readable_in,
    with_empty_identity,
)
from cocdata.store.stored import GENESIS
from cocdata.tables import CASE_SCHEMA, row_case, row_meta

if TYPE_CHECKING:
    from cocdata.store.core import Store

NOT_DATA = {"cocdata.toml", ".lock"}


@dataclass
class VerifyReport:
    """What ``verify`` found: files read, cases checked, and each problem in words."""

    files: int = 0
    revisions: int = 0
    cases: int = 0
    blobs: int = 0
    quarantined: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    locked: bool = False
    """The store is encrypted and no key was given: revision contents and
    evidence were not checked, only the statistics and each chain's links."""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.quarantined

    def text(self) -> str:
        """The report in words for the terminal (what ``cocdata verify`` prints)."""
        lines = [
            f"Checked {self.files} file(s), {self.revisions} revision(s) of {self.cases} case(s), "
            f"{self.blobs} evidence file(s)."
        ]
        if self.locked:
            lines.append(
                "The store is encrypted and no key was given: only the statistics and the links "
                "between revisions were checked. " + crypto.HOW_TO_GIVE_KEY
            )
        lines += [f"  problem: {line}" for line in self.problems]
        lines += [f"  moved to quarantine: {name}" for name in self.quarantined]
        if not self.ok:
            lines.append(
                "The store has problems (listed above). Cases in the other files still load."
            )
        elif self.locked:
            lines.append("All good as far as it could be checked without the key.")
        else:
            lines.append("All good: every revision is present and unaltered.")
        return "\n".join(lines)


def chain_problems(
    case_id: str, revs: list[dict[str, Any]], events: dict[str, Event], contents: bool = True
) -> list[str]:
    """What is wrong with one case's chain of revisions; without ``contents`` (no key),
    only whether every revision is there and follows on from the one before."""
    out: list[str] = []
    expected_prev, expected_rev = GENESIS, 1
    for row in revs:
        if row["rev"] != expected_rev:
            missing = ", ".join(str(r) for r in range(expected_rev, row["rev"]))
            out.append(f"case {case_id}: revision {missing} is missing")
        elif row["prev_hash"] != expected_prev:
            out.append(
                f"case {case_id}: revision {row['rev']} does not follow on from revision "
                f"{row['rev'] - 1} (a revision was altered or replaced)"
            )
        if not contents or is_expunged(row):
            if contents and expunged_hash(row) != row["hash"]:
                out.append(
                    f"case {case_id}: revision {row['rev']} was altered after it was expunged"
                )
            if row["event_id"] not in events:
                out.append(f"case {case_id}: its event {row['event_id']!r} is missing")
        elif row["event_id"] not in events:
            out.append(f"case {case_id}: its event {row['event_id']!r} is missing")
        else:
            try:
                case = row_case(row, events[row["event_id"]])
                if revision_hash(case, row_meta(row)) != row["hash"]:
                    out.append(
                        f"case {case_id}: revision {row['rev']} was altered after it was saved"
                    )
            except Exception as exc:  # a damaged row must not stop the check of others
                out.append(
                    f"case {case_id}: revision {row['rev']} cannot be read as a case ({exc})"
                )
        expected_prev, expected_rev = row["hash"], row["rev"] + 1
    return out


def missing_evidence(store: Store, case_id: str, row: dict[str, Any]) -> list[str]:
    """An evidence file the case's current revision names that the store does not hold."""
    named: dict[str, str] = {}
    # The file's name is identifying (kept in ``identity``); without the key, its SHA-256.
    names = ((row.get("identity") or {}).get("evidence")) or []
    for i, item in enumerate(row.get("evidence") or []):
        if item.get("sha256"):
            name = names[i].get("name") if i < len(names) else None
            named.setdefault(item["sha256"], name or f"{item['sha256'][:12]}…")
    for step in (row.get("identity") or {}).get("timeline") or []:
        for digest in step.get("evidence") or []:
            named.setdefault(digest, f"{digest[:12]}… (named in the timeline)")
    return [
        f"case {case_id}: its evidence file {name} ({digest[:12]}…) is missing from the store; "
        "restore it from a backup, or remove it from the case"
        for digest, name in sorted(named.items(), key=lambda kv: kv[1])
        if not blobs.blob_path(store, digest).exists()
    ]


def _read_folders(
    store: Store, report: VerifyReport, quarantine: bool
) -> tuple[pa.Table, set[str]]:
    """Every case file's rows and the cases the access log says were expunged."""
    readable: list[pa.Table] = []
    logged_expunges: set[str] = set()
    for folder in ("cases", "events", "access"):
        for name in store.list_files(folder, missing_ok=folder == "access"):
            path = store.folder(folder) / name
            report.files += 1
            try:
                if report.locked and folder != "events":
                    table = read_file(path, readable_in(path, folder))
                else:
                    table = read_file(path)
                if folder == "cases":
                    readable.append(damage.require(path, table))
                elif folder == "access" and {"action", "cases"} <= set(table.column_names):
                    for action, cases in zip(
                        table["action"].to_pylist(), table["cases"].to_pylist(), strict=True
                    ):
                        if action == "expunge":
                            logged_expunges.update(cases or ())
            except FileNotFoundError:
                continue
            except (OSError, pa.ArrowException, CorruptStore) as exc:
                report.problems.append(
                    exc.problems[0]
                    if isinstance(exc, CorruptStore)
                    else f"{folder}/{name} cannot be read: {exc}"
                )
                if quarantine:
                    with store.lock():
                        os.replace(path, store.folder("quarantine") / name)
                    report.quarantined.append(f"{folder}/{name}")
    table = (
        pa.concat_tables(readable, promote_options="permissive")
        if readable
        else CASE_SCHEMA.empty_table()
    )
    if report.locked or "identity" not in table.column_names:
        table = with_empty_identity(table)
    return table, logged_expunges


def verify(store: Store, quarantine: bool) -> VerifyReport:
    """Check every file, every case's chain of revisions and every evidence file."""
    report = VerifyReport(locked=store.locked)
    table, logged_expunges = _read_folders(store, report, quarantine)
    events = store.events()
    rows = dedupe(table).sort_by([("case_id", "ascending"), ("rev", "ascending")]).to_pylist()
    report.revisions = len(rows)
    by_case: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_case.setdefault(row["case_id"], []).append(row)
    report.cases = len(by_case)
    # Without the key no revision's identifying data was read, so none can be
    # told apart as expunged: only the links of each chain are checked.
    half = set() if report.locked else half_expunged(table)
    for case_id, revs in by_case.items():
        if case_id in half:
            report.problems.append(
                f"case {case_id}: an expunge of it was interrupted; "
                "run 'cocdata expunge' again to finish it"
            )
            continue
        report.problems += chain_problems(case_id, revs, events, contents=not report.locked)
        report.problems += missing_evidence(store, case_id, revs[-1])
        if report.locked:
            continue
        if is_expunged(revs[-1]) and case_id not in logged_expunges:
            # Stripping a case and chaining it again is possible outside cocdata;
            # the access log is where a real expunge leaves its trace.
            report.problems.append(
                f"case {case_id}: its identifying data is gone, but the access log has "
                "no expunge of it (removed outside cocdata, or the log was damaged)"
            )
    report.problems += conflicting_duplicates(table, skip=half)
    if store.expunge_pending():
        report.problems.append(
            "an expunge was interrupted before it removed the evidence files and drafts of "
            "the cases it expunged; run 'cocdata expunge' again to finish it"
        )
    _check_blobs(store, report)
    if store.encryption is not None:
        report.problems += exposed_problems(store)
    store.invalidate()
    return report


def _check_blobs(store: Store, report: VerifyReport) -> None:
    for path in store.folder("blobs").glob("*/*"):
        report.blobs += 1
        raw = path.read_bytes()
        if report.locked and crypto.sealed_key_id(raw) is not None:
            continue  # encrypted: its content can only be checked with the key
        content = storeio.try_unseal(raw, store.root, path)
        digests = {hashlib.sha256(raw).hexdigest()}
        if content is not None:
            digests.add(hashlib.sha256(content).hexdigest())
        if path.name not in digests:
            report.problems.append(
                f"evidence file {path.name[:12]}… does not match its SHA-256"
                + (" (or was altered after it was encrypted)" if content is None else "")
            )


def data_files(store: Store) -> list[Path]:
    """Every file that holds the store's data: all but settings, lock and temp files."""
    out = []
    for path in sorted(store.root.rglob("*")):
        rel = path.relative_to(store.root)
        if path.is_file() and rel.parts[0] != "tmp" and rel.as_posix() not in NOT_DATA:
            out.append(path)
    return out


def exposed_files(store: Store) -> list[Path]:
    """Data files an encrypted store holds in the clear."""
    return [p for p in data_files(store) if storeio.exposed(store.root, p)]


def exposed_problems(store: Store) -> list[str]:
    """Files an encrypted store holds in the clear (left by an interrupted ``encrypt``)."""
    out = []
    if store.encryption is not None and store.encryption.state != "done":
        out.append("encrypting the store was interrupted; run 'cocdata encrypt' to finish it")
    for path in exposed_files(store):
        out.append(
            f"{path.relative_to(store.root)} is not encrypted; run 'cocdata encrypt' to encrypt it"
        )
    return out
