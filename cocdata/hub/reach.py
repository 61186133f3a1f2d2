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
from collections.abc import Callable
from pathlib import Path

import cocdata
from cocdata.errors import HubRefused

VENV_RECIPE = (
    "/usr/bin/python3 -m venv /opt/cocdata && /opt/cocdata/bin/pip install . (in a checkout "
    "of cocdata), then start the hub with /opt/cocdata/bin/cocdata hub"
)


def _by_anyone(info: os.stat_result) -> bool:
    return bool(info.st_mode & stat.S_IXOTH)


def _closed_folders(
    path: Path, may_enter: Callable[[os.stat_result], bool] = _by_anyone
) -> list[Path]:
    """The folders on the way to ``path`` that other accounts may not enter."""
    closed = []
    for folder in reversed(path.parents):
        try:
            info = folder.stat()
        except OSError:
            closed.append(folder)
            continue
        if not may_enter(info):
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
        folders = " ".join(map(str, closed))
        raise HubRefused(
            f"The team's accounts cannot run this Python ({sys.executable}): they may not "
            f"enter {', '.join(map(str, closed))}, so no member's server could start.",
            f"Install cocdata where every account can run it: {VENV_RECIPE}. "
            f"Or let other accounts through those folders (chmod o+x {folders}), "
            "if nothing in them must stay private.",
        )


def closed_above(store: Path, group: str) -> list[Path]:
    """The folders above ``store`` the team's members may not enter (neither ``o+x`` nor
    ``g+x`` of the team's group)."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        gid = -1

    def by_member(info: os.stat_result) -> bool:
        return _by_anyone(info) or (info.st_gid == gid and bool(info.st_mode & stat.S_IXGRP))

    return _closed_folders(Path(store).resolve(), by_member)


def check_members_can_reach_store(store: Path, group: str) -> None:
    """Refuse (``HubRefused``) when a folder above the store keeps the members out of it."""
    closed = closed_above(store, group)
    if closed:
        raise HubRefused(
            f"The team's members cannot reach the store at {store}: they may not enter "
            f"{', '.join(map(str, closed))}, so every form would fail to open it.",
            f"Let them through: chmod o+x {' '.join(map(str, closed))} (the store itself "
            "stays closed to everyone outside the team's group).",
        )
