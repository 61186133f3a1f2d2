"""The hub's own folder: its database, cookie secret and configuration, apart from the store.

The sqlite database knows who logged in and holds their API tokens; the
cookie secret signs every login cookie. Either in the wrong hands opens the
hub, so the folder is this account's alone (0700) and never inside the
store, which the team's group can read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cocdata import config
from cocdata.errors import HubRefused


def default_state_folder() -> Path:
    """``<data home>/hub``: beside the default store, never inside one."""
    return config.data_home() / "hub"


def state_folder(folder: Path | None, store: Path) -> Path:
    """The hub's folder, made private (0700, owned by this account); refuses one in the store."""
    path = (Path(folder).expanduser() if folder else default_state_folder()).resolve()
    store = store.resolve()
    if path == store or store in path.parents:
        raise HubRefused(
            f"The hub's folder {path} is inside the store {store}, which the team can read.",
            "Name a folder outside the store with --state DIR.",
        )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
        raise HubRefused(
            f"The hub's folder {path} is not this account's own folder.",
            "Name a folder this account owns with --state DIR (it is made if missing).",
        )
    os.chmod(path, 0o700)
    return path
