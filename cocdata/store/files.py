"""The store's files: where they are, the lock across processes, and atomic writes.

Every byte a store writes goes through :func:`write_parquet` (a table) or
:func:`atomic_write_bytes` (anything else): a temp file in ``tmp/``, fsync,
rename over the final name, fsync of the folder. A write the disk refuses
(full, quota, read-only, I/O error) leaves no temp file behind and raises
``StoreWriteFailed`` (``DiskFull`` for a full disk) in words; the file it
would have replaced is untouched.

Who may read a file is set explicitly on every file and folder made here,
never left to the umask of the process: owner only (0600, folders 0700) in a
single-user store; in a team store (``[team]`` in ``cocdata.toml``) the
team's group too (0660, folders 2770, group-owned), whichever member's
server, kernel or command writes it.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import fcntl
import grp
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from cocdata import crypto, storeio
from cocdata.errors import DiskFull, StoreError, StoreWriteFailed
from cocdata.team.config import load_team

LOCK_TIMEOUT_S = 30.0
ROW_GROUP = 4096
FULL = (errno.ENOSPC, errno.EDQUOT)

SAVED_NOTHING = "nothing was saved"
SAVE_AGAIN = "Free space and save again."


def write_failed(
    exc: OSError, root: Path, outcome: str = SAVED_NOTHING, hint: str = SAVE_AGAIN
) -> StoreWriteFailed:
    """The error in words for a write the disk refused; ``outcome`` says what was kept."""
    if exc.errno in FULL:
        return DiskFull(
            f"The disk holding the store at {root} is full; {outcome}.", hint, errno=exc.errno
        )
    return StoreWriteFailed(
        f"The store at {root} could not be written ({exc.strerror or exc}); {outcome}.",
        "Check that the disk is mounted and writable, then try again.",
        errno=exc.errno,
    )


@contextlib.contextmanager
def reworded(root: Path, outcome: str, hint: str) -> Iterator[None]:
    """Say what a longer operation (compact, encrypt, expunge) kept when a write failed."""
    try:
        yield
    except StoreWriteFailed as exc:
        cause = exc.__cause__ if isinstance(exc.__cause__, OSError) else OSError(exc.errno, "")
        raise write_failed(cause, root, outcome, hint) from exc.__cause__
    except OSError as exc:
        raise write_failed(exc, root, outcome, hint) from exc


@dataclass(frozen=True)
class Sharing:
    """The modes (and group) of the files and folders of one store."""

    file_mode: int
    dir_mode: int
    gid: int | None = None


PRIVATE = Sharing(0o600, 0o700)


def sharing(root: Path) -> Sharing:
    """Owner only for a single-user store; the team's group too for a team store."""
    team = load_team(root)
    if team is None:
        return PRIVATE
    try:
        gid: int | None = grp.getgrnam(team.group).gr_gid
    except KeyError:  # the group went away: the folder's setgid bit still names one
        gid = None
    return Sharing(0o660, 0o2770, gid)


def share_fd(fd: int, how: Sharing, folder: bool = False) -> None:
    """Give a file (or folder) just made its store's mode and group, whatever the umask."""
    os.fchmod(fd, how.dir_mode if folder else how.file_mode)
    if how.gid is not None:
        with contextlib.suppress(PermissionError):  # the setgid folder gave it the group
            os.fchown(fd, -1, how.gid)


def make_dir(root: Path, path: Path) -> None:
    """Make one folder of the store (nothing if it is there) with the store's mode and group."""
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        share_fd(fd, sharing(root), folder=True)
    finally:
        os.close(fd)


def create_file(root: Path, path: Path, flags: int = os.O_WRONLY | os.O_CREAT | os.O_EXCL) -> int:
    """Open a new store file (``O_CREAT``) with the store's mode and group; return its fd."""
    fd = os.open(path, flags, 0o600)
    try:
        share_fd(fd, sharing(root))
    except OSError:
        os.close(fd)
        raise
    return fd


def segment_name(suffix: str = "") -> str:
    """A new parquet file name: time first so names sort in write order; pid and
    randomness keep them unique."""
    return f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}{suffix}.parquet"


def fsync_dir(path: Path) -> None:
    """Make a rename or an unlink in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read one parquet file whole (much cheaper than the dataset reader for small files).

    Encrypted columns are decrypted with the key this process unlocked;
    without it, asking for them raises ``LockedStore``.
    """
    return storeio.read_table(path, columns)


def read_case_rows(path: Path, case_id: str, columns: list[str] | None = None) -> pa.Table:
    """The rows of one case in a file, reading only row groups whose id range holds it."""
    return storeio.read_case_rows(path, case_id, columns)


def read_cases_in(path: Path, case_ids: set[str]) -> pa.Table:
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


def _temp_path(root: Path, name: str) -> Path:
    tmp_dir = root / "tmp"
    make_dir(root, tmp_dir)
    return tmp_dir / f"{name}.{secrets.token_hex(4)}"


def atomic_write_bytes(root: Path, path: Path, content: bytes) -> None:
    """Write a small file atomically (temp file in the store, fsync, rename)."""
    try:
        tmp = _temp_path(root, path.name)
        fd = create_file(root, tmp)
    except OSError as exc:
        raise write_failed(exc, root) from exc
    try:
        try:
            view = memoryview(content)
            while view:  # os.write may write less than asked
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_failed(exc, root) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    settle(path.parent)


def write_parquet(
    root: Path, final: Path, table: pa.Table, key: crypto.StoreKey | None, check: bool = False
) -> Path:
    """Write ``final`` atomically (temp file, fsync, rename, fsync of the folder).

    With ``check`` the written file is read back and compared first, so a
    re-write replaces a file only with an equal one.
    """
    if table.num_rows > ROW_GROUP and "case_id" in table.column_names:
        # Row groups then hold narrow ranges of case ids, so reading one
        # case (read_case_rows) reads one row group, not the whole file.
        table = table.sort_by([("case_id", "ascending"), ("rev", "ascending")])
    try:
        tmp = _temp_path(root, final.name)
        fd = create_file(root, tmp)
    except OSError as exc:
        raise write_failed(exc, root) from exc
    try:
        try:
            with os.fdopen(fd, "wb", closefd=False) as fh:
                storeio.write_parquet(
                    fh, table, key, final.parent.name, row_group_size=ROW_GROUP, compression="lz4"
                )
                fh.flush()
                os.fsync(fd)
        finally:
            os.close(fd)
        if check and not read_file(tmp).equals(table):
            raise StoreError(
                f"{final.name} did not read back as it was written; it was left as it was.",
                "Run 'cocdata verify', then try again.",
            )
        os.rename(tmp, final)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_failed(exc, root) from exc
    except pa.ArrowException as exc:
        tmp.unlink(missing_ok=True)
        cause = getattr(exc, "__context__", None)
        if isinstance(cause, OSError):  # pyarrow wraps the file object's OSError
            raise write_failed(cause, root) from exc
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    settle(final.parent)
    return final


def settle(folder: Path) -> None:
    """Make a rename durable. The file is in place with its content on disk by now, so
    a refused folder fsync must not be reported as a write that failed: the next
    write's fsync of the same folder makes it durable."""
    with contextlib.suppress(OSError):
        fsync_dir(folder)


def parquet_names(root: Path, folder: str, missing_ok: bool = False) -> list[str]:
    """The parquet files of one store folder, sorted (in write order)."""
    try:
        return sorted(n for n in os.listdir(root / folder) if n.endswith(".parquet"))
    except FileNotFoundError:
        if missing_ok:
            return []
        raise StoreError(
            f"The store at {root} has no '{folder}' folder.",
            "Run 'cocdata verify' to find out what happened to it.",
        ) from None


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Exclusive write lock on ``root/.lock`` across processes, waited for up to
    ``LOCK_TIMEOUT_S``. In a team store the lock file is the group's, so members
    running as different accounts take the same lock."""
    lock = root / ".lock"
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        try:
            fd = create_file(root, lock, os.O_RDWR | os.O_CREAT | os.O_EXCL)
        except FileExistsError:  # another process made it first
            fd = os.open(lock, os.O_RDWR)
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"The store at {root} stayed busy for {LOCK_TIMEOUT_S:.0f} s; "
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


def remove_file(path: Path) -> bool:
    """Delete one store file for good, durably; True if it was there."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    return True


def remove_store(path: str | os.PathLike[str]) -> None:
    """Delete a whole store folder (tests and the demo's --fresh use this)."""
    shutil.rmtree(path, ignore_errors=True)


def make_layout(root: Path, folders: tuple[str, ...], settings_text: str | None) -> None:
    """Make a store's folders (owner only; a team store's missing ones for the team) and,
    given its text, its ``cocdata.toml``."""
    old_umask = os.umask(0o077)
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        for sub in folders:  # in a team store, a folder an older version lacked
            make_dir(root, root / sub)
        if settings_text is not None:
            atomic_write_bytes(root, root / "cocdata.toml", settings_text.encode("utf-8"))
        with contextlib.suppress(FileExistsError):
            os.close(create_file(root, root / ".lock"))
    except OSError as exc:
        raise write_failed(exc, root, "the store was not created") from exc
    finally:
        os.umask(old_umask)
