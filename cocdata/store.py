"""The crash-safe parquet store: immutable revisions, atomic saves, no lost writes.

Layout of a store folder (documented in the README for DuckDB and Spark)::

    cocdata.toml            store format and the organisation's vocabularies
    cases/<segment>.parquet case revisions, one row each (``tables.CASE_SCHEMA``)
    events/<segment>.parquet event versions; the newest per id is current
    blobs/<ab>/<sha256>     evidence files, named by their SHA-256
    drafts/<id>.json        half-written forms, kept until the case is saved
    access/<segment>.parquet the access log: one entry per export, report, forward, expunge
    quarantine/             files that failed verification, moved aside
    tmp/                    files being written; never read

An encrypted store (``Store.init(path, encrypt=True, ...)`` or ``encrypt()`` on an
existing one) keeps the same layout; :mod:`cocdata.storeio` encrypts whatever
identifies someone in every file it writes, and :mod:`cocdata.crypto` holds
the key. Without the key the statistics still load (``frames()``); anything
identifying raises ``LockedStore``.

A save writes a new segment file beside the others (temp file, fsync, rename,
fsync of the folder) and never touches an existing file, so a crash at any
instant leaves every earlier save intact. Saves take a short exclusive lock on
``.lock`` to check that the case was not changed meanwhile; readers take no
lock. Each revision carries the hash of the one before it, so ``verify`` sees
a lost or altered revision. The one exception to "never rewritten" is
``cocdata expunge`` (``retention.py``), which replaces the files holding an
expired case's revisions under the same lock; readers and savers notice
that files went away and read the index again.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import time
import tomllib
from collections import OrderedDict
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cocdata import codenames, config, crypto, settings, storeio, vocab
from cocdata.errors import (
    AlreadyExists,
    ChangeSeen,
    Conflict,
    Expunged,
    InvalidRecord,
    LockedStore,
    NotFound,
    Problem,
    StoreError,
)
from cocdata.model import Case, Event, Evidence, check_case
from cocdata.names import person_keys
from cocdata.tables import (
    CASE_SCHEMA,
    EVENT_SCHEMA,
    IDENTITY_TYPE,
    KEY_COLUMNS,
    Frames,
    RevisionMeta,
    case_row,
    changed_fields,
    event_row,
    expunged_hash,
    frames_from,
    is_expunged,
    revision_hash,
    row_case,
    row_meta,
)

FORMAT = 1
GENESIS = "0" * 64
_NOT_DATA = {"cocdata.toml", ".lock"}
LOCK_TIMEOUT_S = 30.0
ROW_GROUP = 4096
MAX_EVIDENCE_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class StoredCase:
    """A case as it stands at one revision, with who saved it and when."""

    case: Case
    rev: int
    saved_by: str
    saved_at: dt.datetime
    hash: str

    @property
    def case_id(self) -> str:
        assert self.case.case_id is not None
        return self.case.case_id


@dataclass(frozen=True)
class _Head:
    rev: int
    hash: str
    file: str


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


@dataclass
class EncryptReport:
    """What ``encrypt`` did: files re-written by kind, and the verification after."""

    new_key: bool = False
    resumed: bool = False
    cases: int = 0
    blobs: int = 0
    drafts: int = 0
    quarantine: int = 0
    other: int = 0
    temp_removed: int = 0
    problems: list[str] = field(default_factory=list)
    verify: VerifyReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and (self.verify is None or self.verify.ok)


@dataclass
class CompactReport:
    files_before: int
    files_after: int
    revisions: int
    duplicates_dropped: int


def _now() -> dt.datetime:
    # Milliseconds: what parquet keeps of the save time, so hashes verify.
    now = dt.datetime.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _segment_name(suffix: str = "") -> str:
    # Time first so names sort in write order; pid and randomness keep them unique.
    return f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}{suffix}.parquet"


def read_file(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read one parquet file whole (much cheaper than the dataset reader for small files).

    Encrypted columns are decrypted with the key this process unlocked;
    without it, asking for them raises ``LockedStore``.
    """
    return storeio.read_table(path, columns)


def read_case_rows(path: Path, case_id: str, columns: list[str] | None = None) -> pa.Table:
    """The rows of one case in a file, reading only row groups whose id range holds it."""
    return storeio.read_case_rows(path, case_id, columns)


def _read_cases_in(path: Path, case_ids: set[str]) -> pa.Table:
    """The rows of several cases in one file, skipping row groups whose id range holds none."""
    pf = storeio.open_parquet(path)
    meta = pf.metadata
    ids = sorted(case_ids)
    if meta.num_row_groups > 1:
        col = pf.schema_arrow.get_field_index("case_id")
        groups = []
        for i in range(meta.num_row_groups):
            stats = meta.row_group(i).column(col).statistics
            if stats is None or not stats.has_min_max:
                groups.append(i)
                continue
            at = bisect.bisect_left(ids, stats.min)
            if at < len(ids) and ids[at] <= stats.max:
                groups.append(i)
        table = pf.read_row_groups(groups)
    else:
        table = pf.read()
    table = table.replace_schema_metadata(None)
    return table.filter(pc.is_in(table["case_id"], pa.array(ids, pa.string())))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """A cocdata store folder. Open with ``Store.open(path)``; create with ``Store.init``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.vocab = vocab.load(self.root / "cocdata.toml")
        self.encryption: crypto.Encryption | None = None
        self._encryption_stamp: tuple[int, int, int] | None = None
        self._load_encryption()
        self._heads: dict[str, _Head] = {}
        self._where: dict[str, dict[int, str]] = {}  # case -> revision -> file holding it
        self._known_files: set[str] = set()
        self._rows: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()
        self._events: dict[str, Event] | None = None
        self._events_files: set[str] = set()
        self._people: dict[str, str] | None = None
        self._people_at: dict[str, dt.datetime] = {}
        # Every person code seen in the store, so a new one is never a reused one.
        self._person_codes: set[str] = set()
        self._people_files: set[str] = set()
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
            key, sealed = _new_store_key(passphrase, key_file)
            crypto.remember(key)
        old_umask = os.umask(0o077)
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            for sub in ("cases", "events", "blobs", "drafts", "access", "quarantine", "tmp"):
                (root / sub).mkdir(exist_ok=True, mode=0o700)
            if not toml.exists():
                text = f"[store]\nformat = {FORMAT}\n\n" + vocab.default().to_toml()
                text += "\n" + settings.default_toml()
                if sealed is not None:
                    text += "\n" + sealed.to_toml()
                _atomic_write_bytes(root, toml, text.encode("utf-8"))
            (root / ".lock").touch(mode=0o600, exist_ok=True)
        finally:
            os.umask(old_umask)
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

    # -- encryption ------------------------------------------------------

    def _load_encryption(self) -> None:
        """Read the ``[encryption]`` settings; unlock from the environment if it names a key."""
        path = self.root / "cocdata.toml"
        try:
            info = path.stat()
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, tomllib.TOMLDecodeError):
            return  # vocab.load already said what is wrong with the file, if anything
        self._encryption_stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        self.encryption = crypto.Encryption.from_toml(data, str(path))
        if self.encryption is not None:
            crypto.unlock(self.encryption, self.root)

    def _encryption_changed(self) -> None:
        # Another process may have encrypted the store since it was opened: one
        # stat per write makes sure nothing is then written in the clear.
        try:
            info = (self.root / "cocdata.toml").stat()
        except FileNotFoundError:
            return
        if (info.st_mtime_ns, info.st_size, info.st_ino) != self._encryption_stamp:
            self._load_encryption()

    @property
    def encrypted(self) -> bool:
        """Whether the store encrypts what identifies people (see ``cocdata.crypto``)."""
        return self.encryption is not None

    @property
    def locked(self) -> bool:
        """Whether the store is encrypted and this process has not got its key."""
        return self.encryption is not None and crypto.known(self.encryption.key_id) is None

    def unlock(
        self, passphrase: str | None = None, key_file: str | os.PathLike[str] | None = None
    ) -> Store:
        """Unlock an encrypted store with its passphrase or key file (or the environment).

        A wrong passphrase or key raises ``LockedStore`` at once. Unlocking is
        for the whole process: every ``Store`` of this store shares it.
        """
        if self.encryption is None:
            return self
        key = crypto.unlock(self.encryption, self.root, passphrase=passphrase, key_file=key_file)
        if key is None:
            raise crypto.locked_error(self.root, "unlocking it")
        return self

    def _key(self, what: str = "this") -> crypto.StoreKey | None:
        """The key to write with: None for a plain store; ``LockedStore`` without it."""
        self._encryption_changed()
        if self.encryption is None:
            return None
        key = crypto.known(self.encryption.key_id)
        if key is None:
            raise crypto.locked_error(self.root, what)
        return key

    def set_passphrase(self, passphrase: str) -> None:
        """Seal the store key with a new passphrase (the old one stops working)."""
        key = self._key("changing its key")
        assert key is not None and self.encryption is not None
        with self._lock():
            self._write_settings(self.encryption.with_passphrase(key, passphrase))

    def write_key_file(self, path: str | os.PathLike[str]) -> Path:
        """Write the store key to a new key file (for a server, or a member's laptop)."""
        key = self._key("writing a key file")
        if key is None:
            raise StoreError(
                f"The store at {self.root} is not encrypted, so it has no key.",
                "Encrypt it first with 'cocdata encrypt'.",
            )
        return crypto.write_key_file(Path(path), [key])

    def _write_settings(self, sealed: crypto.Encryption | None) -> None:
        """Replace the ``[encryption]`` section of cocdata.toml, keeping the rest as written."""
        path = self.root / "cocdata.toml"
        text = _without_encryption(path.read_text(encoding="utf-8"))
        if sealed is not None:
            text = text.rstrip("\n") + "\n\n" + sealed.to_toml()
        _atomic_write_bytes(self.root, path, text.encode("utf-8"))
        self._load_encryption()

    # -- low-level files -------------------------------------------------

    def _dir(self, name: str) -> Path:
        return self.root / name

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Exclusive write lock, waited for up to ``LOCK_TIMEOUT_S``."""
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError(
                            f"The store at {self.root} stayed busy for {LOCK_TIMEOUT_S:.0f} s; "
                            "nothing was saved.",
                            "Another save or 'cocdata compact' may be stuck; try again in a minute.",
                        ) from None
                    time.sleep(0.002)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _write_table(self, folder: str, table: pa.Table, suffix: str = "") -> Path:
        """Write one new immutable parquet file atomically; return its path.

        In an encrypted store every column that is not a statistic is
        encrypted (``storeio``); without the key nothing is written.
        """
        key = self._key("writing to it")
        target_dir = self._dir(folder)
        if not target_dir.exists():  # a folder newer than the store (access/)
            target_dir.mkdir(mode=0o700, exist_ok=True)
        return self._write_parquet(target_dir / _segment_name(suffix), table, key)

    def _write_bytes(self, path: Path, content: bytes, what: str = "writing to it") -> None:
        """Write a store file that is not parquet atomically; sealed in an encrypted store.

        Every such file (evidence, drafts, and whatever else the store keeps)
        goes through here, and is read back with ``_read_bytes``.
        """
        key = self._key(what)
        _atomic_write_bytes(self.root, path, storeio.seal(content, key, self.root, path))

    def _read_bytes(self, path: Path) -> bytes:
        """The content of a file written by ``_write_bytes`` (``LockedStore`` without the key,
        ``storeio.InvalidTag`` if it was altered)."""
        return storeio.unseal(path.read_bytes(), self.root, path)

    def _write_parquet(
        self, final: Path, table: pa.Table, key: crypto.StoreKey | None, check: bool = False
    ) -> Path:
        """Write ``final`` atomically (temp file, fsync, rename, fsync of the folder).

        With ``check`` the written file is read back and compared first, so a
        re-write replaces a file only with an equal one.
        """
        if table.num_rows > ROW_GROUP and "case_id" in table.column_names:
            # Row groups then hold narrow ranges of case ids, so reading one
            # case (read_case_rows) reads one row group, not the whole file.
            table = table.sort_by([("case_id", "ascending"), ("rev", "ascending")])
        tmp = self._dir("tmp") / f"{final.name}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb", closefd=False) as fh:
                storeio.write_parquet(
                    fh, table, key, final.parent.name, row_group_size=ROW_GROUP, compression="lz4"
                )
                fh.flush()
                os.fsync(fd)
            if check and not read_file(tmp).equals(table):
                raise StoreError(
                    f"{final.name} did not read back as it was written; it was left as it was.",
                    "Run 'cocdata verify', then try again.",
                )
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(fd)
        os.rename(tmp, final)
        _fsync_dir(final.parent)
        return final

    def _files(self, folder: str, missing_ok: bool = False) -> list[str]:
        try:
            return sorted(n for n in os.listdir(self._dir(folder)) if n.endswith(".parquet"))
        except FileNotFoundError:
            if missing_ok:
                return []
            raise StoreError(
                f"The store at {self.root} has no '{folder}' folder.",
                "Run 'cocdata verify' to find out what happened to it.",
            ) from None

    # -- events ----------------------------------------------------------

    def _refresh_events(self) -> dict[str, Event]:
        names = self._files("events")
        new = [n for n in names if n not in self._events_files]
        if self._events is None:
            self._events = {}
        for name in new:
            try:
                table = read_file(self._dir("events") / name)
            except FileNotFoundError:
                continue
            except (OSError, pa.ArrowException):
                continue  # verify reports and quarantines it
            for row in table.to_pylist():
                row.pop("saved_at"), row.pop("saved_by")
                self._events[row["id"]] = Event.model_validate(row)
            self._events_files.add(name)
        return self._events

    def events(self) -> dict[str, Event]:
        """Every event by id, at its newest saved version."""
        return dict(self._refresh_events())

    def event(self, event_id: str) -> Event:
        events = self._refresh_events()
        if event_id not in events:
            raise NotFound(
                f"There is no event {event_id!r} in the store.",
                "List the events with 'cocdata cases' or save the event first.",
            )
        return events[event_id]

    def save_event(self, event: Event, by: str | None = None) -> None:
        """Save a new event or a new version of one (attendance, dates, ...)."""
        self._save_events([event], config.team_member(by))

    def _save_events(self, events: Iterable[Event], by: str) -> None:
        known = self._refresh_events()
        changed = {e.id: e for e in events if known.get(e.id) != e}
        if not changed:
            return
        now = _now()
        rows = [event_row(e, now, by) for e in changed.values()]
        path = self._write_table("events", pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
        self._events_files.add(path.name)
        known.update(changed)

    # -- the index of heads ----------------------------------------------

    def _read_keys(self, name: str) -> pa.Table | None:
        try:
            return read_file(self._dir("cases") / name, columns=KEY_COLUMNS)
        except FileNotFoundError:
            return None
        except (OSError, pa.ArrowException):
            return None  # verify reports and quarantines it; the rest still loads

    def _refresh_heads(self) -> dict[str, _Head]:
        """Bring the in-memory index of each case's newest revision up to date.

        Only files not seen before are read, so a save costs the same in a store
        of a thousand cases as in one of a hundred thousand.
        """
        names = self._files("cases")
        if not self._known_files.issubset(names):
            # Files went away: a compaction or an expunge replaced them, and an
            # expunge changes hashes, so what was known of every case is stale.
            self._forget_index()
        for name in names:
            if name in self._known_files:
                continue
            keys = self._read_keys(name)
            if keys is None:
                continue
            for case_id, rev, digest in zip(
                keys["case_id"].to_pylist(),
                keys["rev"].to_pylist(),
                keys["hash"].to_pylist(),
                strict=True,
            ):
                self._note_revision(case_id, rev, digest, name)
            self._known_files.add(name)
        return self._heads

    def _note_revision(self, case_id: str, rev: int, digest: str, file: str) -> None:
        head = self._heads.get(case_id)
        if head is None or rev >= head.rev:
            self._heads[case_id] = _Head(rev, digest, file)
        self._where.setdefault(case_id, {})[rev] = file

    def _forget_index(self) -> None:
        """Drop what is known of files (after a compaction or verify moved them)."""
        self._heads.clear()
        self._where.clear()
        self._known_files.clear()
        self._rows.clear()
        self._people_files.clear()
        self._people = None
        self._people_at.clear()
        self._person_codes.clear()

    def case_ids(self) -> list[str]:
        """Every case id in the store, sorted."""
        return sorted(self._refresh_heads())

    def head_rev(self, case_id: str) -> int | None:
        head = self._refresh_heads().get(case_id)
        return head.rev if head else None

    def _read_row(self, case_id: str, rev: int, file: str) -> dict[str, Any] | None:
        # Revisions never change once written, so a row read once can be reused.
        cached = self._rows.get((case_id, rev))
        if cached is not None:
            return cached
        try:
            table = read_case_rows(self._dir("cases") / file, case_id)
        except FileNotFoundError:
            return None
        rows = table.filter(pc.equal(table["rev"], rev)).to_pylist()
        if not rows:
            return None
        self._remember_row(rows[0])
        return rows[0]

    def _remember_row(self, row: dict[str, Any]) -> None:
        self._rows[(row["case_id"], row["rev"])] = row
        while len(self._rows) > 256:
            self._rows.popitem(last=False)

    # -- person code names ----------------------------------------------

    def _people_index(self) -> dict[str, str]:
        """Normalised names and contacts of everyone in the store -> person code name.

        Where revisions disagree (after a merge or a split of person codes),
        the most recently saved one wins.
        """
        names = self._files("cases")
        if self._people is None or not self._people_files.issubset(names):
            self._people, self._people_files = {}, set()
            self._people_at.clear()
            self._person_codes.clear()
        for name in names:
            if name in self._people_files:
                continue
            try:
                table = read_file(
                    self._dir("cases") / name, columns=["saved_at", "people", "identity"]
                )
            except (OSError, pa.ArrowException):
                continue
            for saved_at, stat, ident in zip(
                table["saved_at"].to_pylist(),
                table["people"].to_pylist(),
                table["identity"].to_pylist(),
                strict=True,
            ):
                for s, i in zip(stat or [], (ident or {}).get("people") or [], strict=False):
                    if s.get("person"):
                        self._person_codes.add(s["person"])
                        for key in person_keys(i.get("name"), i.get("contact")):
                            if key not in self._people or saved_at >= self._people_at[key]:
                                self._people[key] = s["person"]
                                self._people_at[key] = saved_at
            self._people_files.add(name)
        return self._people

    def _with_person_codes(self, case: Case, batch: dict[str, str]) -> Case:
        """Give everyone without a person code the code they already have elsewhere, or a new one.

        The same person gets the same code across cases and events when their
        name or contact matches, after folding case, accents and spaces.
        """
        if all(p.person for p in case.people):
            for p in case.people:
                self._person_codes.add(p.person)  # type: ignore[arg-type]
                for key in person_keys(p.name, p.contact):
                    batch.setdefault(key, p.person)  # type: ignore[arg-type]
            return case
        index = self._people_index()
        people = []
        for p in case.people:
            code = p.person
            keys = person_keys(p.name, p.contact)
            if not code:
                code = next(
                    (batch.get(k) or index.get(k) for k in keys if batch.get(k) or index.get(k)),
                    None,
                )
            if not code:
                code = codenames.new_code_name(self._person_codes)
            self._person_codes.add(code)
            for key in keys:
                batch.setdefault(key, code)
            people.append(p.model_copy(update={"person": code}))
        return case.model_copy(update={"people": people})

    # -- reading cases ---------------------------------------------------

    def get(self, case_id: str, rev: int | None = None) -> StoredCase:
        """The case at its newest revision (or at revision ``rev``)."""
        self._key(f"reading case {case_id}")
        for _attempt in range(3):
            heads = self._refresh_heads()
            head = heads.get(case_id)
            if head is None:
                raise NotFound(
                    f"There is no case {case_id!r} in the store at {self.root}.",
                    "List the cases with 'cocdata cases'; code names look like amber-falcon.",
                )
            if rev is None or rev == head.rev:
                row = self._read_row(case_id, head.rev, head.file)
            else:
                row = self._find_revision(case_id, rev)
            if row is not None:
                return self._stored(row)
            # A compaction replaced the file meanwhile: index again.
            self._forget_index()
        raise NotFound(f"Revision {rev} of case {case_id!r} could not be found.")

    def is_expunged(self, case_id: str) -> bool:
        """True when the case's identifying data was expunged (``cocdata expunge``)."""
        self.get(case_id)  # the usual "no such case" error, and a fresh index
        head = self._heads[case_id]
        row = self._read_row(case_id, head.rev, head.file)
        return row is not None and is_expunged(row)

    def _stored(self, row: dict[str, Any]) -> StoredCase:
        event = self.event(row["event_id"])
        case = row_case(row, event)
        return StoredCase(case, row["rev"], row["saved_by"], row["saved_at"], row["hash"])

    def _find_revision(self, case_id: str, rev: int) -> dict[str, Any] | None:
        file = self._where.get(case_id, {}).get(rev)
        if file is None:
            raise NotFound(
                f"Case {case_id!r} has no revision {rev}.",
                f"See its revisions with 'cocdata show {case_id} --history'.",
            )
        return self._read_row(case_id, rev, file)

    def rows_of(self, case_ids: Iterable[str]) -> pa.Table:
        """Every revision row of the named cases, reading only the files and row groups
        that hold them (a few cases out of a large store cost little)."""
        wanted = set(case_ids)
        for _attempt in range(3):
            self._refresh_heads()
            files = {f for cid in wanted for f in self._where.get(cid, {}).values()}
            tables = []
            try:
                for name in sorted(files):
                    tables.append(_read_cases_in(self._dir("cases") / name, wanted))
            except FileNotFoundError:
                self._forget_index()  # replaced by a compaction or an expunge meanwhile
                continue
            if not tables:
                return CASE_SCHEMA.empty_table()
            return _dedupe(pa.concat_tables(tables, promote_options="permissive"))
        raise StoreError(f"The store at {self.root} kept changing while it was read.", "Try again.")

    def history(self, case_id: str, since: int = 0) -> list[RevisionMeta]:
        """Every revision of a case after ``since``, oldest first: who saved it, when, what changed."""
        self._refresh_heads()
        metas: dict[int, RevisionMeta] = {}
        files = {f for rev, f in self._where.get(case_id, {}).items() if rev > since}
        for name in sorted(files):
            try:
                keys = read_case_rows(self._dir("cases") / name, case_id, KEY_COLUMNS)
            except (FileNotFoundError, OSError, pa.ArrowException):
                continue
            for row in keys.to_pylist():
                if row["rev"] > since:
                    metas[row["rev"]] = row_meta(row)
        if not metas:
            raise NotFound(f"There is no case {case_id!r} in the store.")
        return [metas[r] for r in sorted(metas)]

    def load_all(self) -> list[StoredCase]:
        """Every case at its newest revision, sorted by case id."""
        self._key("reading the cases")
        heads = self._head_table()
        events = self.events()
        return [
            StoredCase(
                row_case(row, events[row["event_id"]]),
                row["rev"],
                row["saved_by"],
                row["saved_at"],
                row["hash"],
            )
            for row in heads.to_pylist()
        ]

    # -- writing cases ---------------------------------------------------

    def _check(self, case: Case, where: str | None = None) -> list[Problem]:
        return check_case(case, self.vocab, where)

    def save(
        self,
        case: Case,
        by: str | None = None,
        base_rev: int | None = None,
    ) -> StoredCase:
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
        problems by line).
        """
        self._key("saving a case")
        member = config.team_member(by)
        problems: list[Problem] = []
        for i, (case, _) in enumerate(items if not checked else ()):
            where = case.case_id or (f"case {i + 1}" if len(items) > 1 else None)
            problems += self._check(case, where)
        if problems:
            raise InvalidRecord(problems, "The case" if len(items) == 1 else "The cases")
        # The work (diffs, hashes, rows) is done before taking the lock, against
        # the heads seen then; under the lock only a check that no head moved
        # meanwhile and the write remain, so writers wait on each other briefly.
        for _ in range(20):
            rows, saved = self._plan(items, member, update, self._refresh_heads())
            if not rows:
                return saved
            with self._lock():
                heads = self._refresh_heads()
                if any(_head_moved(heads.get(row["case_id"]), row) for row in rows):
                    continue  # someone saved one of these meanwhile: plan again
                self._save_events([c.case.event for c in saved], member)
                path = self._write_table("cases", pa.Table.from_pylist(rows, schema=CASE_SCHEMA))
                self._known_files.add(path.name)
                for row in rows:
                    self._note_revision(row["case_id"], row["rev"], row["hash"], path.name)
                    self._remember_row(row)
                return saved
        raise StoreError(
            "The cases kept changing while they were being saved; nothing was saved.",
            "Try again in a moment.",
        )

    def _plan(
        self,
        items: Sequence[tuple[Case, int | None]],
        member: str,
        update: bool,
        heads: dict[str, _Head],
    ) -> tuple[list[dict[str, Any]], list[StoredCase]]:
        """The rows to write for ``items`` on top of ``heads``; raises what a save must refuse."""
        ids_in_batch: set[str] = set()
        taken = _AnyOf(heads, ids_in_batch)
        rows: list[dict[str, Any]] = []
        saved: list[StoredCase] = []
        now = _now()
        person_batch: dict[str, str] = {}
        coding = any(not p.person for case, _ in items for p in case.people)
        for case, base_rev in items:
            if coding:
                case = self._with_person_codes(case, person_batch)
            if case.case_id is None:
                new_id = codenames.new_code_name(taken)
                case = case.model_copy(update={"case_id": new_id})
            cid = case.case_id
            assert cid is not None
            if cid in ids_in_batch:
                raise InvalidRecord([Problem("case_id", f"{cid!r} appears twice in this batch")])
            ids_in_batch.add(cid)
            head = heads.get(cid)
            previous: Case | None = None
            if head is not None:
                if base_rev is None and not update:
                    raise AlreadyExists(
                        f"A case named {cid!r} is already in the store (revision {head.rev}).",
                        "To change it, open it and save on top of its newest revision "
                        "(or import with --update).",
                    )
                if base_rev is not None and base_rev != head.rev:
                    raise Conflict(cid, base_rev, head.rev, self._changes_since(cid, base_rev))
                row = self._read_row(cid, head.rev, head.file)
                if row is not None and is_expunged(row):
                    raise Expunged(
                        f"Case {cid} was expunged: its identifying data is gone, "
                        "so it can no longer be changed; nothing was saved.",
                        "Record anything new as a new case.",
                    )
                if row is not None:
                    previous = row_case(row, case.event)
            elif base_rev is not None:
                raise NotFound(
                    f"Case {cid!r} is not in the store, so it cannot be changed.",
                    "It may have been saved to another store; check --store.",
                )
            if previous is not None and head is not None and previous == case:
                saved.append(StoredCase(case, head.rev, member, now, head.hash))  # nothing new
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
                saved_at=now,
                saved_by=member,
                changes=tuple(changed_fields(previous, case)),
            )
            meta = RevisionMeta(**{**meta.__dict__, "hash": revision_hash(case, meta)})
            rows.append(case_row(case, meta))
            saved.append(StoredCase(case, meta.rev, member, now, meta.hash))
        return rows, saved

    def _changes_since(self, case_id: str, base_rev: int) -> list[ChangeSeen]:
        return [
            ChangeSeen(m.rev, m.saved_by, m.saved_at.strftime("%Y-%m-%d %H:%M"), m.changes)
            for m in self.history(case_id, since=base_rev)
        ]

    # -- bulk reading ----------------------------------------------------

    def _read_cases(self, columns: list[str] | None = None, statistics: bool = False) -> pa.Table:
        """Every revision row of every readable file (unreadable files are skipped).

        With ``statistics``, only the columns readable without the key, as each
        file has them; a locked store reads that way when no ``columns`` are
        named, and gives an empty ``identity``.
        """
        if columns is None and not statistics and self.locked:
            return _with_empty_identity(self._read_cases(statistics=True))
        for _ in range(5):
            tables: list[pa.Table] = []
            vanished = False
            for name in self._files("cases"):
                path = self._dir("cases") / name
                try:
                    wanted = _readable_in(path, "cases") if statistics else columns
                    tables.append(read_file(path, columns=wanted))
                except FileNotFoundError:
                    vanished = True  # compacted meanwhile: list again
                    break
                except (OSError, pa.ArrowException):
                    continue
            if not vanished:
                if not tables:
                    return _empty_cases(_STATISTICS if statistics else columns)
                return pa.concat_tables(tables, promote_options="permissive")
        raise StoreError(f"The store at {self.root} kept changing while it was read.", "Try again.")

    def _head_table(self) -> pa.Table:
        table = self._read_cases()
        return _heads_of(table)

    def frames(self) -> Frames:
        """The current state as flat DataFrames: cases, people, timeline, actions,
        evidence, events and every revision, one row per entity.

        From an encrypted store without its key, the statistics are all there
        and the identifying columns (names, contacts, texts) are empty;
        ``Frames.locked`` says so.
        """
        locked = self.locked
        frames = self.frames_of(self._read_cases())
        frames.locked = locked
        return frames

    def frames_of(self, table: pa.Table) -> Frames:
        """Frames of the revision rows in ``table`` (every revision of the cases it holds)."""
        heads = _heads_of(table)
        keys = _dedupe(table.select(KEY_COLUMNS))
        events = [event_row(e, dt.datetime(1970, 1, 1), "") for e in self.events().values()]
        return frames_from(heads, keys, pa.Table.from_pylist(events, schema=EVENT_SCHEMA))

    def read_heads(self, columns: Sequence[str]) -> pa.Table:
        """The newest revision of every case, with only ``columns`` read from disk.

        A column may name one field of a struct or of a list of structs, as
        parquet paths do (``identity.public_summary``,
        ``actions.list.element.kind``): nothing else of the row is read.
        Public reports use this to keep identifying text out of memory
        altogether. ``case_id`` and ``rev`` are always read.
        """
        return _heads_of(self._read_cases(list(dict.fromkeys(["case_id", "rev", *columns]))))

    def fingerprint(self, event_id: str | None = None) -> str:
        """A short digest of the current state (of one event's cases, if named).

        Equal fingerprints mean nothing was saved in between: reports use it to
        skip rendering what has not changed.
        """
        table = self._read_cases(["case_id", "rev", "hash", "event_id"])
        heads = _heads_of(table)
        if event_id is not None:
            heads = heads.filter(pc.equal(heads["event_id"], event_id))
        digest = hashlib.sha256()
        for value in sorted(heads["hash"].to_pylist()):
            digest.update(value.encode())
        events = self.events()
        if event_id is not None and event_id in events:
            digest.update(events[event_id].model_dump_json().encode())
        elif event_id is None:
            for key in sorted(events):
                digest.update(events[key].model_dump_json().encode())
        return digest.hexdigest()[:16]

    # -- evidence ---------------------------------------------------------

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
        if len(content) > limit:
            raise InvalidRecord(
                [
                    Problem(
                        "evidence",
                        f"{name} is {len(content) / 1e6:.1f} MB, over the limit of {limit / 1e6:.0f} MB; "
                        "attach a smaller copy (a screenshot or a PDF of the relevant part)",
                    )
                ],
                "The evidence",
            )
        self._key("keeping evidence")
        digest = hashlib.sha256(content).hexdigest()
        path = self._blob_path(digest)
        if not path.exists():
            path.parent.mkdir(exist_ok=True, mode=0o700)
            self._write_bytes(path, content, "keeping evidence")
        return Evidence(
            name=name,
            media_type=media_type or "application/octet-stream",
            size=len(content),
            sha256=digest,
            note=note,
            added_at=_now().replace(microsecond=0),
            added_by=config.team_member(by),
        )

    def _blob_path(self, digest: str) -> Path:
        return self._dir("blobs") / digest[:2] / digest

    def blob_digests(self) -> list[str]:
        """The SHA-256 of every evidence file kept in the store."""
        return sorted(p.name for p in self._dir("blobs").glob("*/*") if len(p.name) == 64)

    def remove_blob(self, digest: str) -> bool:
        """Delete one evidence file for good (``cocdata expunge``); True if it was there."""
        path = self._blob_path(digest)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True

    def read_blob(self, digest: str) -> bytes:
        """The bytes of an evidence file (decrypted in an encrypted store)."""
        self._key("reading evidence")
        path = self._blob_path(digest)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"The evidence file {digest[:12]}… is not in the store.") from None
        content = storeio.try_unseal(raw, self.root, path)
        if content is None:
            if hashlib.sha256(raw).hexdigest() == digest:
                return raw  # a plain file that happens to start like a sealed one
            raise StoreError(
                f"The evidence file {digest[:12]}… was altered or damaged; it cannot be decrypted.",
                "Run 'cocdata verify'; restore the file from a backup if you have one.",
            )
        return content

    # -- drafts -----------------------------------------------------------

    def save_draft(self, draft_id: str, data: dict[str, Any], by: str | None = None) -> Path:
        """Keep a half-written form so that a closed tab or a dead kernel loses nothing."""
        payload = {
            "draft_id": draft_id,
            "by": config.team_member(by),
            "updated_at": _now().isoformat(timespec="seconds"),
            "data": data,
        }
        path = self._dir("drafts") / f"{_safe_name(draft_id)}.json"
        self._write_bytes(path, json.dumps(payload, default=str).encode("utf-8"), "keeping a draft")
        return path

    def _read_draft(self, path: Path) -> dict[str, Any]:
        return json.loads(self._read_bytes(path).decode("utf-8"))

    def drafts(self) -> list[dict[str, Any]]:
        """Every kept draft, newest first."""
        self._key("reading drafts")
        out = []
        for path in self._dir("drafts").glob("*.json"):
            try:
                out.append(self._read_draft(path))
            except (OSError, ValueError, storeio.InvalidTag):
                continue
        return sorted(out, key=lambda d: d.get("updated_at", ""), reverse=True)

    def load_draft(self, draft_id: str) -> dict[str, Any] | None:
        self._key("reading a draft")
        path = self._dir("drafts") / f"{_safe_name(draft_id)}.json"
        try:
            return self._read_draft(path)
        except FileNotFoundError:
            return None

    def discard_draft(self, draft_id: str) -> None:
        (self._dir("drafts") / f"{_safe_name(draft_id)}.json").unlink(missing_ok=True)

    # -- maintenance ------------------------------------------------------

    def compact(self) -> CompactReport:
        """Merge every case file into one, keeping every revision exactly once.

        Safe to interrupt: the merged file is complete before any old file is
        removed, and readers drop the duplicates an interruption can leave.
        """
        self._key("reading the cases")
        with self._lock():
            names = self._files("cases")
            tables = []
            for name in names:
                try:
                    tables.append(read_file(self._dir("cases") / name))
                except (OSError, pa.ArrowException) as exc:
                    raise StoreError(
                        f"{name} cannot be read ({exc}); nothing was compacted.",
                        "Run 'cocdata verify' first: it moves damaged files to quarantine/.",
                    ) from exc
            if len(names) <= 1:
                rows = tables[0].num_rows if tables else 0
                report = CompactReport(len(names), len(names), rows, 0)
            else:
                merged = pa.concat_tables(tables, promote_options="permissive")
                unique = _dedupe(merged)
                unique = unique.sort_by([("case_id", "ascending"), ("rev", "ascending")])
                self._write_table("cases", unique, suffix="-compact")
                for name in names:
                    (self._dir("cases") / name).unlink(missing_ok=True)
                _fsync_dir(self._dir("cases"))
                self._forget_index()
                report = CompactReport(
                    len(names), 1, unique.num_rows, merged.num_rows - unique.num_rows
                )
            for folder in ("events", "access"):
                # Event versions and access-log entries are merged too; all are kept.
                small = self._files(folder, missing_ok=True)
                if len(small) <= 1:
                    continue
                try:
                    parts = [read_file(self._dir(folder) / n) for n in small]
                except (OSError, pa.ArrowException) as exc:
                    raise StoreError(
                        f"A file in {folder}/ cannot be read ({exc}); the case files were "
                        f"compacted, the {folder} files not.",
                        "Run 'cocdata verify' first: it moves damaged files to quarantine/.",
                    ) from exc
                self._write_table(
                    folder, pa.concat_tables(parts, promote_options="permissive"), "-compact"
                )
                for name in small:
                    (self._dir(folder) / name).unlink(missing_ok=True)
                _fsync_dir(self._dir(folder))
            self._events_files.clear()
            self._events = None
        return report

    def verify(self, quarantine: bool = True) -> VerifyReport:
        """Check every file and every case's chain of revisions.

        Unreadable files are moved to ``quarantine/`` (when asked) so the rest
        still loads; a missing or altered revision is reported by case. In an
        encrypted store, a file left in the clear is a problem; without the
        key, only the statistics and the links of each chain can be checked
        (``VerifyReport.locked``).
        """
        report = VerifyReport(locked=self.locked)
        readable: list[pa.Table] = []
        logged_expunges: set[str] = set()
        for folder in ("cases", "events", "access"):
            for name in self._files(folder, missing_ok=folder == "access"):
                path = self._dir(folder) / name
                report.files += 1
                try:
                    if report.locked and folder != "events":
                        table = read_file(path, _readable_in(path, folder))
                    else:
                        table = read_file(path)
                    if folder == "cases":
                        readable.append(table)
                    elif folder == "access" and {"action", "cases"} <= set(table.column_names):
                        for action, cases in zip(
                            table["action"].to_pylist(), table["cases"].to_pylist(), strict=True
                        ):
                            if action == "expunge":
                                logged_expunges.update(cases or ())
                except FileNotFoundError:
                    continue
                except (OSError, pa.ArrowException) as exc:
                    report.problems.append(f"{folder}/{name} cannot be read: {exc}")
                    if quarantine:
                        with self._lock():
                            target = self._dir("quarantine") / name
                            os.replace(path, target)
                        report.quarantined.append(f"{folder}/{name}")
        table = (
            pa.concat_tables(readable, promote_options="permissive")
            if readable
            else CASE_SCHEMA.empty_table()
        )
        if report.locked or "identity" not in table.column_names:
            table = _with_empty_identity(table)
        events = self.events()
        rows = _dedupe(table).sort_by([("case_id", "ascending"), ("rev", "ascending")]).to_pylist()
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
            report.problems += _chain_problems(case_id, revs, events, contents=not report.locked)
            if report.locked:
                continue
            if is_expunged(revs[-1]) and case_id not in logged_expunges:
                # Stripping a case and chaining it again is possible outside cocdata;
                # the access log is where a real expunge leaves its trace.
                report.problems.append(
                    f"case {case_id}: its identifying data is gone, but the access log has "
                    "no expunge of it (removed outside cocdata, or the log was damaged)"
                )
        report.problems += _conflicting_duplicates(table, skip=half)
        for path in self._dir("blobs").glob("*/*"):
            report.blobs += 1
            raw = path.read_bytes()
            if report.locked and crypto.sealed_key_id(raw) is not None:
                continue  # encrypted: its content can only be checked with the key
            content = storeio.try_unseal(raw, self.root, path)
            digests = {hashlib.sha256(raw).hexdigest()}
            if content is not None:
                digests.add(hashlib.sha256(content).hexdigest())
            if path.name not in digests:
                report.problems.append(
                    f"evidence file {path.name[:12]}… does not match its SHA-256"
                    + (" (or was altered after it was encrypted)" if content is None else "")
                )
        if self.encryption is not None:
            report.problems += self._exposed_problems()
        self._forget_index()
        return report

    def _exposed_problems(self) -> list[str]:
        """Files an encrypted store holds in the clear (left by an interrupted ``encrypt``)."""
        out = []
        if self.encryption is not None and self.encryption.state != "done":
            out.append("encrypting the store was interrupted; run 'cocdata encrypt' to finish it")
        for path in self._exposed_files():
            out.append(
                f"{path.relative_to(self.root)} is not encrypted; run 'cocdata encrypt' to encrypt it"
            )
        return out

    def _data_files(self) -> list[Path]:
        """Every file that holds the store's data: all but settings, lock and temp files."""
        out = []
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if path.is_file() and rel.parts[0] != "tmp" and rel.as_posix() not in _NOT_DATA:
                out.append(path)
        return out

    def _exposed_files(self) -> list[Path]:
        return [p for p in self._data_files() if storeio.exposed(self.root, p)]

    # -- encrypting an existing store --------------------------------------

    def encrypt(
        self, passphrase: str | None = None, key_file: str | os.PathLike[str] | None = None
    ) -> EncryptReport:
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
        report = EncryptReport()
        with self._lock():
            self._encryption_changed()
            if self.encryption is None:
                key, settings = _new_store_key(passphrase, key_file)
                crypto.remember(key)
                # From here on every process that writes sees the store as
                # encrypted (and refuses to write without the key).
                self._write_settings(settings.with_state("encrypting"))
                report.new_key = True
            else:
                report.resumed = self.encryption.state != "done"
                self.unlock(passphrase=passphrase, key_file=key_file)
                key = self._key("encrypting it")
                if report.resumed is False:
                    self._write_settings(self.encryption.with_state("encrypting"))
            assert key is not None and self.encryption is not None
            switched = time.time()
            self._reseal_all(key, report)
            report.temp_removed = self._clear_tmp(before=switched - 60)
            # A draft saved meanwhile by a form that had not seen the switch
            # is caught by a second pass.
            self._reseal_all(key, report)
            left = self._exposed_files()
            if left:
                report.problems += [
                    f"{p.relative_to(self.root)} is still not encrypted" for p in left
                ]
            else:
                self._write_settings(self.encryption.with_state("done"))
        report.verify = self.verify(quarantine=False)
        return report

    def _reseal_all(self, key: crypto.StoreKey, report: EncryptReport) -> None:
        """Re-write encrypted every data file still in the clear, one at a time.

        Parquet that reads is re-written with modular encryption (so it still
        reads with the key, in quarantine/ too); parquet that does not read is
        set aside like verify does (and sealed whole by the next pass, or at
        once if already set aside); every other file is sealed whole.
        """
        for path in self._exposed_files():
            folder = path.relative_to(self.root).parts[0]
            table = None
            if path.suffix == ".parquet":
                try:
                    table = read_file(path)
                except FileNotFoundError:
                    continue
                except (OSError, pa.ArrowException):
                    if folder != "quarantine":
                        os.replace(path, self._dir("quarantine") / path.name)
                        continue
            if table is not None:
                self._write_parquet(path, table, key, check=True)
            else:
                self._reseal_bytes(path, key, report)
            counted = folder if folder in ("cases", "blobs", "drafts", "quarantine") else "other"
            setattr(report, counted, getattr(report, counted) + 1)
        self._forget_index()

    def _reseal_bytes(self, path: Path, key: crypto.StoreKey, report: EncryptReport) -> None:
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return  # a draft discarded meanwhile
        is_blob = path.parent.parent == self._dir("blobs")
        if is_blob and hashlib.sha256(content).hexdigest() != path.name:
            report.problems.append(
                f"evidence file {path.name[:12]}… did not match its SHA-256 before it was "
                "encrypted (it was damaged before)"
            )
        sealed = storeio.seal(content, key, self.root, path)
        if storeio.unseal(sealed, self.root, path) != content:
            raise StoreError(f"{path.name} did not encrypt correctly; it was left as it was.")
        _atomic_write_bytes(self.root, path, sealed)

    def _clear_tmp(self, before: float) -> int:
        """Remove temp files left by writes that crashed: all older than ``before``, and
        every one not sealed whole (under the lock no parquet write is in flight, and a
        draft or evidence file written in the clear now comes from a form started before
        the store was encrypted, which must not keep it)."""
        removed = 0
        for path in self._dir("tmp").iterdir():
            try:
                if path.is_file() and (
                    path.stat().st_mtime < before or storeio.exposed(self.root, path)
                ):
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


_STATISTICS = [c for c in CASE_SCHEMA.names if c != "identity"]


def _with_empty_identity(table: pa.Table) -> pa.Table:
    """``table`` with an all-null ``identity`` column: what a locked store shows."""
    if "identity" in table.column_names:
        table = table.drop_columns(["identity"])
    return table.append_column("identity", pa.nulls(table.num_rows, IDENTITY_TYPE))


class _AnyOf:
    """Membership in any of several containers, without copying them into one set."""

    def __init__(self, *containers: Container[str]) -> None:
        self.containers = containers

    def __contains__(self, item: object) -> bool:
        return any(item in c for c in self.containers)


def _head_moved(head: _Head | None, row: dict[str, Any]) -> bool:
    """True when the case's newest revision is no longer the one ``row`` was planned on."""
    return (head.hash if head is not None else GENESIS) != row["prev_hash"]


def _chain_problems(
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
        if not contents:
            if row["event_id"] not in events:
                out.append(f"case {case_id}: its event {row['event_id']!r} is missing")
        elif is_expunged(row):
            if expunged_hash(row) != row["hash"]:
                out.append(
                    f"case {case_id}: revision {row['rev']} was altered after it was expunged"
                )
            if row["event_id"] not in events:
                out.append(f"case {case_id}: its event {row['event_id']!r} is missing")
        elif row["event_id"] in events:
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
        else:
            out.append(f"case {case_id}: its event {row['event_id']!r} is missing")
        expected_prev, expected_rev = row["hash"], row["rev"] + 1
    return out


def half_expunged(table: pa.Table) -> set[str]:
    """Cases with both expunged and intact revision rows: an interrupted expunge."""
    if table.num_rows == 0:
        return set()
    gone = pc.is_null(table["identity"])
    expunged = set(table["case_id"].filter(gone).to_pylist())
    if not expunged:
        return set()
    intact = set(table["case_id"].filter(pc.invert(gone)).to_pylist())
    return expunged & intact


def _readable_in(path: Path, folder: str) -> list[str]:
    """The columns of a file readable without the key (an older file may lack a newer one)."""
    readable = storeio.readable_columns(folder)
    return [c for c in pq.ParquetFile(path).schema_arrow.names if c in readable]


def _conflicting_duplicates(table: pa.Table, skip: set[str] = frozenset()) -> list[str]:
    if table.num_rows == 0:
        return []
    keys = table.select(["case_id", "rev", "hash"]).to_pandas().drop_duplicates()
    dup = keys[keys.duplicated(["case_id", "rev"], keep=False)]
    return [
        f"case {cid}: revision {rev} exists in two different versions"
        for (cid, rev), _ in dup.groupby(["case_id", "rev"])
        if cid not in skip
    ]


def _sorted_keys(table: pa.Table) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Row order by (case_id, rev), and the ids and revisions in that order."""
    order = pc.sort_indices(table, [("case_id", "ascending"), ("rev", "ascending")])
    ids = table["case_id"].take(order).combine_chunks()
    revs = table["rev"].take(order).combine_chunks()
    return order, ids, revs


def _empty_cases(columns: list[str] | None) -> pa.Table:
    """No case rows, in the shape reading ``columns`` (nested paths too) from a file gives."""
    if columns is None:
        return CASE_SCHEMA.empty_table()
    sink = pa.BufferOutputStream()
    pq.write_table(CASE_SCHEMA.empty_table(), sink)
    return pq.ParquetFile(pa.BufferReader(sink.getvalue())).read(columns=columns)


def _dedupe(table: pa.Table) -> pa.Table:
    """Drop repeated (case_id, rev) rows, as an interrupted compaction leaves."""
    if table.num_rows < 2:
        return table
    order, ids, revs = _sorted_keys(table)
    same = pc.and_(pc.equal(ids[1:], ids[:-1]), pc.equal(revs[1:], revs[:-1]))
    if not pc.any(same).as_py():
        return table
    keep = pa.concat_arrays([pa.array([True]), pc.invert(same)])
    return table.take(order.filter(keep))


def _heads_of(table: pa.Table) -> pa.Table:
    """The newest revision row of each case, sorted by case id."""
    if table.num_rows == 0:
        return table
    order, ids, _ = _sorted_keys(table)
    last = pa.concat_arrays([pc.not_equal(ids[1:], ids[:-1]), pa.array([True])])
    return table.take(order.filter(last))


def _new_store_key(
    passphrase: str | None, key_file: str | os.PathLike[str] | None
) -> tuple[crypto.StoreKey, crypto.Encryption]:
    """A store key for a store being encrypted, and the settings that seal it."""
    if passphrase is None and key_file is None:
        raise LockedStore(
            "An encrypted store needs a passphrase or a key file; nothing was changed.",
            f"Type a passphrase when asked, set {crypto.PASSPHRASE_ENV}, or give --key-file FILE "
            "(a new file is made for the key).",
        )
    if passphrase is not None:
        crypto.check_new_passphrase(passphrase)
    if key_file is not None and Path(key_file).expanduser().exists():
        key = crypto.read_key_file(Path(key_file))[0]
    else:
        key = crypto.StoreKey.new()
        if key_file is not None:
            # Written before cocdata.toml names the key, so the key is never
            # only in memory while the store says it is encrypted.
            crypto.write_key_file(Path(key_file), [key])
    return key, crypto.Encryption.new(key, passphrase)


def _without_encryption(text: str) -> str:
    """cocdata.toml's text without its ``[encryption]`` tables, wherever they are."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    skipping = False
    for line in lines:
        header = line.strip()
        if header.startswith("["):
            name = header.strip("[]").strip()
            skipping = name == "encryption" or name.startswith("encryption.")
        if not skipping:
            out.append(line)
    return "".join(out)


def _safe_name(text: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_" else "_" for c in text)
    return keep[:120] or "draft"


def _atomic_write_bytes(root: Path, path: Path, content: bytes) -> None:
    """Write a small file atomically (temp file in the store, fsync, rename)."""
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(exist_ok=True, mode=0o700)
    tmp = tmp_dir / f"{path.name}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise StoreError(
                "The disk is full; nothing was saved.", "Free some space and save again."
            ) from exc
        raise
    _fsync_dir(path.parent)


def remove_store(path: Path) -> None:
    """Delete a whole store folder (tests and the demo's --fresh use this)."""
    shutil.rmtree(path, ignore_errors=True)
