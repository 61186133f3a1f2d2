"""Handing the unlocked keys to child processes as a private key file in memory."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cocdata.crypto.keyfiles import read_key_file, write_key_file
from cocdata.crypto.unlocking import KEY_FILE_ENV, PASSPHRASE_ENV, held
from cocdata.errors import LockedStore


def runtime_dir() -> Path:
    """A folder in memory for this user where possible (keys must not reach the disk)."""
    for candidate in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if not candidate:
            continue
        path = Path(candidate)
        try:
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and os.access(path, os.W_OK | os.X_OK):
            return path
    return Path(tempfile.gettempdir())


@contextlib.contextmanager
def keys_for_children(env: dict[str, str]) -> Iterator[Path | None]:
    """Hand this process's unlocked keys to the processes started with ``env``.

    Writes them to a key file in a private folder in memory and points
    ``COCDATA_KEY_FILE`` in ``env`` at it (the passphrase, if set, is taken out:
    the children need not run the KDF again); the file is removed on leaving.
    Yields the file, or None when no key is unlocked.
    """
    keys = held()
    if not keys:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="cocdata-key-", dir=runtime_dir()))
    try:
        path = write_key_file(folder / "keys", keys)
        # Children still need the user's own key file for a store this process
        # has not unlocked: keep its keys too.
        user_file = env.get(KEY_FILE_ENV)
        if user_file:
            with contextlib.suppress(LockedStore):
                holding = {k.key_id for k in keys}
                extra = [k for k in read_key_file(Path(user_file)) if k.key_id not in holding]
                if extra:
                    write_key_file(path, keys + extra, replace=True)
        env[KEY_FILE_ENV] = str(path)
        # The key file opens what the passphrase opened; children need not
        # run the KDF again, nor see a passphrase people may use elsewhere.
        env.pop(PASSPHRASE_ENV, None)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
