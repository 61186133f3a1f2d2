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
    expunge-pending.json    only while an interrupted expunge has files left to delete

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
``cocdata expunge`` (``store.expunge``), which replaces the files holding an
expired case's revisions under the same lock; readers and savers notice
that files went away and read the index again.

The package, by concern: ``core`` (the ``Store`` facade and its public file
API), ``files`` (paths, the lock, atomic writes), ``cache`` (what is known
of the files, forgotten at once), ``heads`` (the index of newest revisions),
``reading``, ``rows`` (arrow helpers), ``saving``, ``events``, ``persons``
(person code names), ``blobs`` (evidence), ``drafts``, ``verify``,
``compact``, ``encrypt`` and ``expunge`` (the rewriting; the policy is in
``cocdata.retention``).
"""

from cocdata.store.compact import CompactReport
from cocdata.store.core import Store
from cocdata.store.encrypt import EncryptReport
from cocdata.store.files import (
    LOCK_TIMEOUT_S,
    ROW_GROUP,
    fsync_dir,
    read_case_rows,
    read_file,
    remove_store,
)
from cocdata.store.rows import dedupe, half_expunged, heads_of
from cocdata.store.stored import FORMAT, GENESIS, MAX_EVIDENCE_BYTES, StoredCase
from cocdata.store.verify import VerifyReport

__all__ = [
    "FORMAT",
    "GENESIS",
    "LOCK_TIMEOUT_S",
    "MAX_EVIDENCE_BYTES",
    "ROW_GROUP",
    "CompactReport",
    "EncryptReport",
    "Store",
    "StoredCase",
    "VerifyReport",
    "dedupe",
    "fsync_dir",
    "half_expunged",
    "heads_of",
    "read_case_rows",
    "read_file",
    "remove_store",
]
