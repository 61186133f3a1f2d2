"""``Store``: the facade. Each public method hands its work to the module of its concern.

The public file API at the end of the class (``folder``, ``lock``,
``write_table``, ``list_files``, ``read_table``, ``read_cases``,
``write_bytes``, ``read_bytes``, ``invalidate``) is what other modules
(the access log, retention, person codes, and features that keep their own
table in the store) build on; nothing outside this package uses a private
name of the store.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from cocdata import config, crypto, settings, storeio, vocab
from cocdata.errors import NotFound, StoreError
from cocdata.model import Case, Event, Evidence
from cocdata.revisions import RevisionMeta, is_expunged
from cocdata.store import (
    blobs,
    compact,
    drafts,
    encrypt,
    events,
    files,
    heads,
    reading,
    saving,
    verify,
)
from cocdata.store.cache import Cache
from cocdata.store.encrypt import new_store_key
from cocdata.store.keys import StoreKeys
from cocdata.store.stored import FORMAT, MAX_EVIDENCE_BYTES, StoredCase, now
from cocdata.team import permissions

if TYPE_CHECKING:
    from cocdata.tables import Frames

FOLDERS = ("cases", "events", "blobs", "drafts", "access", "quarantine", "tmp")


class Store(StoreKeys):
    """A cocdata store folder. Open with ``Store.open(path)``; create with ``Store.init``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.vocab = vocab.load(self.root / "cocdata.toml")
        self.encryption: crypto.Encryption | None = None
        self._encryption_stamp: tuple[int, int, int] | None = None
        self._load_encryption()
        self.cache = Cache()
        """What is known of the store's files; ``invalidate`` forgets it."""
        self._settings: settings.Settings | None = None

    # -- opening ---------------------------------------------------------

    @classmethod
    def init(
        cls,
        path: str | os.PathLike[str] | None = None,
        encrypt: bool = False,
        passphrase: str | None = None,
        key_file: str | os.PathLike[str] | None = None,
    ) -> Store:
        """Create a store (or open the one already there) with the default vocabularies.

        With ``encrypt`` a new store is encrypted with a new random store key,
        sealed with ``passphrase`` and/or written to ``key_file`` (a key file
        that already exists is used instead: one key for several stores); an
        existing plain store is re-written encrypted (see ``encrypt``).
        """
        root = config.store_path(path)
        toml = root / "cocdata.toml"
        sealed = None
        if encrypt and not toml.exists():
            # Before anything is made: a refused passphrase leaves no half store.
            key, sealed = new_store_key(passphrase, key_file)
            crypto.remember(key)
        text = None
        if not toml.exists():
            text = f"[store]\nformat = {FORMAT}\n\n" + vocab.default().to_toml()
            text += "\n" + settings.default_toml()
            if sealed is not None:
                text += "\n" + sealed.to_toml()
        files.make_layout(root, FOLDERS, text)
        store = cls(root)
        if encrypt and store.encryption is None:
            store.encrypt(passphrase=passphrase, key_file=key_file)
        elif (passphrase is not None or key_file is not None) and store.encryption is not None:
            store.unlock(passphrase=passphrase, key_file=key_file)
        return store

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, create: bool = True) -> Store:
        """Open the store at ``path`` (or ``$COCDATA_STORE``, or the default), creating it if asked."""
        root = config.store_path(path)
        if not (root / "cocdata.toml").exists():
            if create and (not root.exists() or not any(root.iterdir())):
                return cls.init(root)
            if root.exists() and any(root.iterdir()):
                raise StoreError(
                    f"{root} is not a cocdata store (it has no cocdata.toml).",
                    "Name an empty folder or an existing store with --store, or run 'cocdata init'.",
                )
            raise StoreError(
                f"There is no store at {root}.", "Create one with 'cocdata init --store PATH'."
            )
        return cls(root)

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    @property
    def settings(self) -> settings.Settings:
        """Retention and forwarding settings from the store's ``cocdata.toml``."""
        if self._settings is None:
            self._settings = settings.load(self.root / "cocdata.toml")
        return self._settings

    def encrypt(
        self, passphrase: str | None = None, key_file: str | os.PathLike[str] | None = None
    ) -> encrypt.EncryptReport:
        """Encrypt a plain store in place, or finish an interrupted run; return what was done.

        For a plain store, a new random store key is sealed with ``passphrase``
        and/or written to ``key_file`` (an existing key file's key is used
        instead). For an encrypted one they unlock it. Then, under the store's
        lock, every case file, evidence file, draft and quarantined file
        still in the clear is re-written encrypted, one at a time: written
        beside, read back and compared, then renamed over the original. An
        interruption at any moment leaves every file either as it was or
        encrypted, never lost; running ``encrypt`` again finishes the job.
        Finally the store is verified.

        Old plain bytes are unlinked, not wiped: on SSDs and copy-on-write
        file systems they can linger in free space until overwritten. Use
        full-disk encryption too.
        """
        return encrypt.encrypt(self, passphrase, key_file)

    # -- events ----------------------------------------------------------

    def events(self) -> dict[str, Event]:
        """Every event by id, at its newest saved version."""
        return dict(events.refresh(self))

    def event(self, event_id: str) -> Event:
        """One event at its newest version (``NotFound`` if there is none)."""
        known = events.refresh(self)
        if event_id not in known:
            raise NotFound(
                f"There is no event {event_id!r} in the store.",
                "List the events with 'cocdata event list', or save the event first.",
            )
        return known[event_id]

    def save_event(self, event: Event, by: str | None = None) -> None:
        """Save a new event or a new version of one (attendance, dates, ...)."""
        events.save(self, [event], permissions.actor(self, "event", by=by), now())

    # -- reading cases ---------------------------------------------------

    def case_ids(self) -> list[str]:
        """Every case id in the store, sorted."""
        return sorted(heads.refresh(self))

    def head_rev(self, case_id: str) -> int | None:
        """The newest revision number of a case (None if there is no such case)."""
        head = heads.refresh(self).get(case_id)
        return head.rev if head else None

    def get(self, case_id: str, rev: int | None = None) -> StoredCase:
        """The case at its newest revision (or at revision ``rev``)."""
        self.key_for(f"reading case {case_id}")
        return reading.get(self, case_id, rev)

    def is_expunged(self, case_id: str) -> bool:
        """True when the case's identifying data was expunged (``cocdata expunge``)."""
        self.get(case_id)  # the usual "no such case" error, and a fresh index
        row = reading.head_row(self, case_id)
        return row is not None and is_expunged(row)

    def rows_of(self, case_ids: Iterable[str]) -> pa.Table:
        """Every revision row of the named cases, reading only the files and row groups
        that hold them (a few cases out of a large store cost little)."""
        return reading.rows_of(self, case_ids)

    def history(self, case_id: str, since: int = 0) -> list[RevisionMeta]:
        """Every revision of a case after ``since``, oldest first: who saved it, when, what changed."""
        return reading.history(self, case_id, since)

    def load_all(self) -> list[StoredCase]:
        """Every case at its newest revision, sorted by case id."""
        self.key_for("reading the cases")
        return reading.load_all(self)

    def frames(self) -> Frames:
        """The current state as flat DataFrames: cases, people, timeline, actions,
        evidence, events and every revision, one row per entity.

        From an encrypted store without its key, the statistics are all there
        and the identifying columns (names, contacts, texts) are empty;
        ``Frames.locked`` says so.
        """
        locked = self.locked
        frames = self.frames_of(self.read_cases())
        frames.locked = locked
        return frames

    def frames_of(self, table: pa.Table) -> Frames:
        """Frames of the revision rows in ``table`` (every revision of the cases it holds)."""
        return reading.frames_of(self, table)

    def read_heads(self, columns: Sequence[str]) -> pa.Table:
        """The newest revision of every case, with only ``columns`` read from disk.

        A column may name one field of a struct or of a list of structs, as
        parquet paths do (``identity.public_summary``,
        ``actions.list.element.kind``): nothing else of the row is read.
        Public reports use this to keep identifying text out of memory
        altogether. ``case_id`` and ``rev`` are always read.
        """
        return reading.read_heads(self, columns)

    def fingerprint(self, event_id: str | None = None) -> str:
        """A short digest of the current state (of one event's cases, if named).

        Equal fingerprints mean nothing was saved in between: reports use it to
        skip rendering what has not changed.
        """
        return reading.fingerprint(self, event_id)

    # -- writing cases ---------------------------------------------------

    def save(self, case: Case, by: str | None = None, base_rev: int | None = None) -> StoredCase:
        """Save a new revision of ``case`` as team member ``by``.

        ``base_rev`` is the revision the edit started from (``None`` for a new
        case). If someone saved the case after that, nothing is written and
        ``Conflict`` says who changed what meanwhile.
        """
        return self.save_many([(case, base_rev)], by=by)[0]

    def save_many(
        self,
        items: Sequence[tuple[Case, int | None]],
        by: str | None = None,
        update: bool = False,
        checked: bool = False,
    ) -> list[StoredCase]:
        """Save many cases at once, all or nothing, in one new file.

        Each item is ``(case, base_rev)``. With ``update`` an item with no base
        revision may replace an existing case (the import's ``--update``).
        ``checked`` says the caller already ran ``model.check_case`` on every
        case against this store's vocabularies (the import does, to report
        problems by line). A full disk raises ``DiskFull``: nothing was saved.
        """
        self.key_for("saving a case")
        return saving.save_many(self, items, by, update, checked)

    # -- evidence and drafts ---------------------------------------------

    def put_blob(
        self,
        content: bytes,
        name: str,
        media_type: str,
        note: str | None = None,
        by: str | None = None,
        limit: int = MAX_EVIDENCE_BYTES,
    ) -> Evidence:
        """Keep a file's bytes in the store; return the evidence entry to attach to a case."""
        return blobs.put(self, content, name, media_type, note, by, limit)

    def blob_digests(self) -> list[str]:
        """The SHA-256 of every evidence file kept in the store."""
        return blobs.digests(self)

    def remove_blob(self, digest: str) -> bool:
        """Delete one evidence file for good (``cocdata expunge``); True if it was there."""
        return blobs.remove(self, digest)

    def read_blob(self, digest: str) -> bytes:
        """The bytes of an evidence file (decrypted in an encrypted store)."""
        return blobs.read(self, digest)

    def save_draft(self, draft_id: str, data: dict[str, Any], by: str | None = None) -> Path:
        """Keep a half-written form so that a closed tab or a dead kernel loses nothing."""
        return drafts.save(self, draft_id, data, by)

    def drafts(self) -> list[dict[str, Any]]:
        """Every kept draft, newest first."""
        return drafts.every(self)

    def load_draft(self, draft_id: str) -> dict[str, Any] | None:
        """One kept draft, or None."""
        return drafts.load(self, draft_id)

    def discard_draft(self, draft_id: str) -> None:
        """Delete a kept draft."""
        drafts.discard(self, draft_id)

    # -- maintenance ------------------------------------------------------

    def compact(self) -> compact.CompactReport:
        """Merge every case file into one, keeping every revision exactly once.

        Safe to interrupt: the merged file is complete before any old file is
        removed, and readers drop the duplicates an interruption can leave.
        """
        return compact.compact(self)

    def verify(self, quarantine: bool = True) -> verify.VerifyReport:
        """Check every file, every case's chain of revisions and every evidence file.

        Unreadable files are moved to ``quarantine/`` (when asked) so the rest
        still loads; a missing or altered revision, and an evidence file a
        case names but the store lacks, are reported by case. In an encrypted
        store, a file left in the clear is a problem; without the key, only
        the statistics and the links of each chain can be checked
        (``VerifyReport.locked``).
        """
        return verify.verify(self, quarantine)

    def expunge_pending(self) -> bool:
        """Whether an interrupted expunge still has evidence files or drafts to delete."""
        return (self.root / "expunge-pending.json").exists()

    # -- the file API ------------------------------------------------------

    def folder(self, name: str) -> Path:
        """The path of one of the store's folders (``cases``, ``access``, ...)."""
        return self.root / name

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's exclusive write lock (across processes) for a block of writes."""
        with files.locked(self.root):
            yield

    def write_table(self, folder: str, table: pa.Table, suffix: str = "") -> Path:
        """Write ``table`` as one new immutable parquet file in ``folder``; return its path.

        Atomic (temp file, fsync, rename, fsync of the folder), made if the
        folder is new. In an encrypted store every column that is not a
        statistic (``tables.READABLE_COLUMNS``) is encrypted; without the key
        nothing is written. A refused write raises ``StoreWriteFailed``.
        """
        key = self.key_for("writing to it")
        target = self.folder(folder)
        if not target.exists():  # a folder newer than the store (access/)
            try:
                files.make_dir(self.root, target)
            except OSError as exc:
                raise files.write_failed(exc, self.root) from exc
        return files.write_parquet(self.root, target / files.segment_name(suffix), table, key)

    def list_files(self, folder: str, missing_ok: bool = False) -> list[str]:
        """The names of the parquet files in ``folder``, in the order they were written."""
        return files.parquet_names(self.root, folder, missing_ok)

    def read_table(self, folder: str, name: str, columns: list[str] | None = None) -> pa.Table:
        """One parquet file of ``folder`` (``LockedStore`` for encrypted columns without the key)."""
        return files.read_file(self.folder(folder) / name, columns)

    def read_cases(self, columns: list[str] | None = None, statistics: bool = False) -> pa.Table:
        """Every revision row of every readable case file (unreadable files are skipped).

        With ``statistics``, only the columns readable without the key, as each
        file has them; a locked store reads that way when no ``columns`` are
        named, and gives an empty ``identity``.
        """
        return reading.read_cases(self, columns, statistics)

    def write_bytes(self, path: Path, content: bytes, what: str = "writing to it") -> None:
        """Write a store file that is not parquet atomically; sealed in an encrypted store.

        Every such file (evidence, drafts, and whatever else the store keeps)
        goes through here, and is read back with ``read_bytes``.
        """
        key = self.key_for(what)
        files.atomic_write_bytes(self.root, path, storeio.seal(content, key, self.root, path))

    def read_bytes(self, path: Path) -> bytes:
        """The content of a file written by ``write_bytes`` (``LockedStore`` without the key,
        ``storeio.InvalidTag`` if it was altered)."""
        return storeio.unseal(path.read_bytes(), self.root, path)

    def invalidate(self) -> None:
        """Forget what is known of the store's files (after files were replaced or moved)."""
        self.cache.clear()
