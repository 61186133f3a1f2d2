"""``encrypt``: re-write a plain store encrypted, one file at a time, safe to interrupt.

Each file is written beside, read back and compared, then renamed over the
original, so an interruption (or a full disk) at any moment leaves every
file either as it was or encrypted; running ``encrypt`` again finishes the
job from whatever state it was left in.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from cocdata import crypto, storeio
from cocdata.errors import LockedStore, StoreError
from cocdata.store.files import atomic_write_bytes, read_file, reworded, write_parquet
from cocdata.store.verify import VerifyReport, exposed_files
from cocdata.team import permissions

if TYPE_CHECKING:
    from cocdata.store.core import Store


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

    def text(self, root: Path | str, how_to_unlock: str = "") -> str:
        """The report in words for the terminal (what ``cocdata encrypt`` prints).

        ``how_to_unlock`` is said after the first line when a new key was
        made: how the store opens from now on (the caller knows whether it
        was a passphrase, a key file or both).
        """
        done = self.cases + self.blobs + self.drafts + self.quarantine
        lines = [
            f"Encrypted {done} file(s) at {root}: {self.cases} case file(s), "
            f"{self.blobs} evidence file(s), {self.drafts} draft(s), "
            f"{self.quarantine} quarantined file(s)"
            + (f"; removed {self.temp_removed} leftover temp file(s)" if self.temp_removed else "")
            + "."
        ]
        if self.new_key and how_to_unlock:
            lines.append(how_to_unlock)
        problems = self.problems + (self.verify.problems if self.verify else [])
        lines += [f"  problem: {line}" for line in problems]
        if self.ok:
            lines.append(
                "Verified: every revision is present and unaltered. The old unencrypted bytes "
                "were deleted, but the disk may keep them until they are overwritten: use disk "
                "encryption too."
            )
        return "\n".join(lines)


def new_store_key(
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


def encrypt(
    store: Store, passphrase: str | None, key_file: str | os.PathLike[str] | None
) -> EncryptReport:
    """Encrypt a plain store in place, or finish an interrupted run (see ``Store.encrypt``)."""
    permissions.require(store, "encrypt")
    report = EncryptReport()
    with (
        store.lock(),
        reworded(
            store.root,
            "every file is either as it was or encrypted, none was lost",
            "Free space and run 'cocdata encrypt' again to finish.",
        ),
    ):
        store.check_encryption()
        if store.encryption is None:
            key, sealed = new_store_key(passphrase, key_file)
            crypto.remember(key)
            # From here on every process that writes sees the store as
            # encrypted (and refuses to write without the key).
            store.write_settings(sealed.with_state("encrypting"))
            report.new_key = True
        else:
            report.resumed = store.encryption.state != "done"
            store.unlock(passphrase=passphrase, key_file=key_file)
            key = store.key_for("encrypting it")
            if report.resumed is False:
                store.write_settings(store.encryption.with_state("encrypting"))
        assert key is not None and store.encryption is not None
        switched = time.time()
        reseal_all(store, key, report)
        report.temp_removed = clear_tmp(store, before=switched - 60)
        # A draft saved meanwhile by a form that had not seen the switch
        # is caught by a second pass.
        reseal_all(store, key, report)
        left = exposed_files(store)
        if left:
            report.problems += [f"{p.relative_to(store.root)} is still not encrypted" for p in left]
        else:
            store.write_settings(store.encryption.with_state("done"))
    report.verify = store.verify(quarantine=False)
    return report


def reseal_all(store: Store, key: crypto.StoreKey, report: EncryptReport) -> None:
    """Re-write encrypted every data file still in the clear, one at a time.

    Parquet that reads is re-written with modular encryption (so it still
    reads with the key, in quarantine/ too); parquet that does not read is
    set aside like verify does (and sealed whole by the next pass, or at
    once if already set aside); every other file is sealed whole.
    """
    try:
        for path in exposed_files(store):
            folder = path.relative_to(store.root).parts[0]
            table = None
            if path.suffix == ".parquet":
                try:
                    table = read_file(path)
                except FileNotFoundError:
                    continue
                except (OSError, pa.ArrowException):
                    if folder != "quarantine":
                        os.replace(path, store.folder("quarantine") / path.name)
                        continue
            if table is not None:
                write_parquet(store.root, path, table, key, check=True)
            else:
                _reseal_bytes(store, path, key, report)
            counted = folder if folder in ("cases", "blobs", "drafts", "quarantine") else "other"
            setattr(report, counted, getattr(report, counted) + 1)
    finally:
        store.invalidate()


def _reseal_bytes(store: Store, path: Path, key: crypto.StoreKey, report: EncryptReport) -> None:
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return  # a draft discarded meanwhile
    is_blob = path.parent.parent == store.folder("blobs")
    if is_blob and hashlib.sha256(content).hexdigest() != path.name:
        report.problems.append(
            f"evidence file {path.name[:12]}… did not match its SHA-256 before it was "
            "encrypted (it was damaged before)"
        )
    sealed = storeio.seal(content, key, store.root, path)
    if storeio.unseal(sealed, store.root, path) != content:
        raise StoreError(f"{path.name} did not encrypt correctly; it was left as it was.")
    atomic_write_bytes(store.root, path, sealed)


def clear_tmp(store: Store, before: float) -> int:
    """Remove temp files left by writes that crashed: all older than ``before``, and
    every one not sealed whole (under the lock no parquet write is in flight, and a
    draft or evidence file written in the clear now comes from a form started before
    the store was encrypted, which must not keep it)."""
    removed = 0
    for path in store.folder("tmp").iterdir():
        try:
            if path.is_file() and (
                path.stat().st_mtime < before or storeio.exposed(store.root, path)
            ):
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
