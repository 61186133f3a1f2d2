"""An encrypted team store's key, for the kernels of the team's members and no one else.

The hub is started with the store unlocked (passphrase asked once, or a key
file). Its key is written to a file in memory (``/dev/shm``), owned by root
and readable by the team's group only (folder 0750, file 0640), named by
``COCDATA_KEY_FILE`` in each member's server and so in their kernels; no
notebook holds it. The file goes when the hub stops, and one a killed hub
left behind goes at the next start. A member who has a
shell on the machine can read it while the hub runs (they can read the
store anyway: that is what membership means); other accounts cannot.
"""

from __future__ import annotations

import contextlib
import grp
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cocdata import crypto

MEMORY_FOLDERS = ("/dev/shm", "/run")
PREFIX = "cocdata-team-key-"
"""Key folders are named PREFIX + the hub's process id, so a killed hub's are found."""


def _memory_folder() -> Path:
    for candidate in MEMORY_FOLDERS:
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK):
            return Path(candidate)
    return Path(tempfile.gettempdir())


def remove_stale(where: Path) -> list[Path]:
    """Remove key folders a killed hub left behind (its process is gone); what was removed."""
    removed = []
    for folder in where.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX) :].split("-", 1)[0]
        mine = folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.geteuid()
        if mine and pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def team_key_file(key: crypto.StoreKey | None, group: str) -> Iterator[Path | None]:
    """A key file the team's ``group`` can read, removed on leaving; None for a plain store."""
    if key is None:
        yield None
        return
    gid = grp.getgrnam(group).gr_gid
    where = _memory_folder()
    remove_stale(where)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=where))
    try:
        path = crypto.write_key_file(folder / "keys", [key])
        os.chown(path, -1, gid)
        os.chmod(path, 0o640)
        os.chown(folder, -1, gid)
        os.chmod(folder, 0o750)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
