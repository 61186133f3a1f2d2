"""Key files: the store key itself, one ``cocdata-key-1 <key id> <base64>`` line per key,
readable by its owner only and written whole or not at all."""

from __future__ import annotations

import errno
import os
import re
import secrets
from pathlib import Path

from cocdata.crypto.sealing import KEY_BYTES, StoreKey, b64, unb64
from cocdata.errors import DiskFull, LockedStore, StoreError

KEY_FILE_TAG = "cocdata-key-1"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def read_key_file(path: Path) -> list[StoreKey]:
    """Every key in a key file; raises ``LockedStore`` for a missing or malformed file."""
    try:
        text = Path(path).expanduser().read_text(encoding="ascii")
    except FileNotFoundError:
        raise LockedStore(
            f"The key file {path} does not exist.", "Check the path (or COCDATA_KEY_FILE)."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LockedStore(
            f"The key file {path} cannot be read ({exc}).",
            "Name the file 'cocdata key file' wrote, or 'cocdata init --encrypt --key-file' made.",
        ) from None
    keys = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == KEY_FILE_TAG and _KEY_ID.fullmatch(parts[1]):
            try:
                secret = unb64(parts[2])
            except ValueError:
                continue
            if len(secret) == KEY_BYTES:
                keys.append(StoreKey(parts[1], secret))
    if not keys:
        raise LockedStore(
            f"{path} is not a cocdata key file (it holds no '{KEY_FILE_TAG}' line).",
            "Name the file 'cocdata key file' wrote, or 'cocdata init --encrypt --key-file' made.",
        )
    return keys


def key_file_text(keys: list[StoreKey]) -> str:
    lines = [
        "# cocdata store key. Anyone holding this file can read the store: keep it",
        "# as safe as the passphrase, never in git, never next to a copy of the store.",
    ]
    lines += [f"{KEY_FILE_TAG} {k.key_id} {b64(k.secret)}" for k in keys]
    return "\n".join(lines) + "\n"


def write_key_file(path: Path, keys: list[StoreKey], replace: bool = False) -> Path:
    """Write a key file readable by its owner only; refuses to overwrite unless asked.

    The key is written whole to a temp file beside it first, so a full disk
    never leaves an empty or partial key file (nor truncates the one replaced).
    """
    path = Path(path).expanduser()
    if not replace and path.exists():
        raise _key_file_exists(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _key_file_failed(path, exc) from None
    try:
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, key_file_text(keys).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except FileExistsError:
        raise _key_file_exists(path) from None
    except OSError as exc:
        raise _key_file_failed(path, exc) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _link_new(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` unless a file has that name (never overwriting it)."""
    try:
        os.link(tmp, path)  # fails if the file appeared meanwhile
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        # A file system without hard links (a FAT-formatted USB stick): check, then rename.
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.rename(tmp, path)


def _key_file_exists(path: Path) -> StoreError:
    return StoreError(
        f"{path} already exists; it was not overwritten.", "Name a new file for the key."
    )


def _key_file_failed(path: Path, exc: OSError) -> StoreError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(
            f"The disk holding the key file {path} is full; the key file was not written "
            "and nothing was changed.",
            "Free space and try again.",
            errno=exc.errno,
        )
    return StoreError(f"The key file {path} cannot be written ({exc}).")
