"""Evidence files: kept whole under ``blobs/<ab>/<sha256>``, named by their SHA-256.

Files are written as soon as a form chooses them, before any case names
them; a file no case names is removed only by an expunge of the cases that
named it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from cocdata import storeio
from cocdata.errors import InvalidRecord, NotFound, Problem, StoreError
from cocdata.model import Evidence
from cocdata.store.files import make_dir, remove_file, write_failed
from cocdata.store.stored import now
from cocdata.team import permissions

if TYPE_CHECKING:
    from cocdata.store.core import Store


def blob_path(store: Store, digest: str) -> Path:
    """Where the evidence file with SHA-256 ``digest`` is kept."""
    return store.folder("blobs") / digest[:2] / digest


def put(
    store: Store,
    content: bytes,
    name: str,
    media_type: str,
    note: str | None,
    by: str | None,
    limit: int,
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
    store.key_for("keeping evidence")
    member = permissions.actor(store, "evidence", by=by)
    digest = hashlib.sha256(content).hexdigest()
    path = blob_path(store, digest)
    if not path.exists():
        try:
            make_dir(store.root, path.parent)
        except OSError as exc:
            raise write_failed(exc, store.root) from exc
        store.write_bytes(path, content, "keeping evidence")
    return Evidence(
        name=name,
        media_type=media_type or "application/octet-stream",
        size=len(content),
        sha256=digest,
        note=note,
        added_at=now().replace(microsecond=0),
        added_by=member,
    )


def digests(store: Store) -> list[str]:
    """The SHA-256 of every evidence file kept in the store."""
    return sorted(p.name for p in store.folder("blobs").glob("*/*") if len(p.name) == 64)


def remove(store: Store, digest: str) -> bool:
    """Delete one evidence file for good; True if it was there."""
    return remove_file(blob_path(store, digest))


def read(store: Store, digest: str) -> bytes:
    """The bytes of an evidence file (decrypted in an encrypted store)."""
    store.key_for("reading evidence")
    path = blob_path(store, digest)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"The evidence file {digest[:12]}… is not in the store.") from None
    content = storeio.try_unseal(raw, store.root, path)
    if content is None:
        if hashlib.sha256(raw).hexdigest() == digest:
            return raw  # a plain file that happens to start like a sealed one
        raise StoreError(
            f"The evidence file {digest[:12]}… was altered or damaged; it cannot be decrypted.",
            "Run 'cocdata verify'; restore the file from a backup if you have one.",
        )
    return content
