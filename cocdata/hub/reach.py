"""Whether the members' Unix accounts can run this Python and this cocdata, and reach the store.

Each member's server runs as that member, with the interpreter the hub runs
on. Installed under ``/root`` (pyenv, ``pip install --user``) it is out of
their reach and every spawn would fail with a bare "permission denied";
``cocdata hub`` checks first and says what to do instead. The same goes for
the folders above the store: a store made in a new ``/srv/coc`` leaves that
folder private to root (``0700``), and every member's form would fail.
"""

from __future__ import annotations

import grp
import os
import stat
import sys
from pathlib import Path

import cocdata
from cocdata.errors import HubRefused

VENV_RECIPE = (
    "python3 -m venv /opt/cocdata && /opt/cocdata/bin/pip install cocdata, "
    "then start the hub with /opt/cocdata/bin/cocdata hub"
)


def _closed_folders(path: Path) -> list[Path]:
    """The folders on the way to ``path`` that other accounts may not enter."""
    closed = []
    for folder in [*reversed(path.parents)]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            closed.append(folder)
            continue
        if not mode & stat.S_IXOTH:
            closed.append(folder)
    return closed


def _unreadable(path: Path, need: int) -> bool:
    try:
        return (path.stat().st_mode & need) != need
    except OSError:
        return True


def unreachable(paths: list[Path] | None = None) -> list[Path]:
    """What of the interpreter, its library and cocdata other accounts cannot reach."""
    if paths is None:
        paths = [
            Path(os.path.realpath(sys.executable)),
            Path(os.__file__).resolve().parent,
            Path(cocdata.__file__).resolve().parent,
        ]
    found: list[Path] = []
    for path in paths:
        for folder in _closed_folders(path):
            if folder not in found:
                found.append(folder)
        need = stat.S_IROTH | (
            stat.S_IXOTH if path.is_dir() or path.name.startswith("python") else 0
        )
        if _unreadable(path, need) and path not in found:
            found.append(path)
    return found


def check_members_can_run(paths: list[Path] | None = None) -> None:
    """Refuse (``HubRefused``) when members' accounts could not start their servers."""
    closed = unreachable(paths)
    if closed:
        names = ", ".join(str(p) for p in closed)
        raise HubRefused(
            f"The team's accounts cannot run this Python ({sys.executable}): they may not "
            f"enter {names}, so no member's server could start.",
            f"Install cocdata where every account can run it: {VENV_RECIPE}. "
            f"Or let other accounts through those folders (chmod o+x {names}), "
            "if nothing in them must stay private.",
        )


def closed_above(store: Path, group: str) -> list[Path]:
    """The folders above ``store`` the team's members may not enter (neither ``o+x`` nor
    ``g+x`` of the team's group)."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        gid = -1
    closed = []
    for folder in reversed(Path(store).resolve().parents):
        try:
            info = folder.stat()
        except OSError:
            closed.append(folder)
            continue
        by_group = info.st_gid == gid and info.st_mode & stat.S_IXGRP
        if not (info.st_mode & stat.S_IXOTH or by_group):
            closed.append(folder)
    return closed


def check_members_can_reach_store(store: Path, group: str) -> None:
    """Refuse (``HubRefused``) when a folder above the store keeps the members out of it."""
    closed = closed_above(store, group)
    if closed:
        names = " ".join(str(p) for p in closed)
        raise HubRefused(
            f"The team's members cannot reach the store at {store}: they may not enter "
            f"{', '.join(str(p) for p in closed)}, so every form would fail to open it.",
            f"Let them through: chmod o+x {names} (the store itself stays closed to "
            "everyone outside the team's group).",
        )
