"""Each member's folder on the hub: the form notebooks, and room for their own.

A member's server opens in ``~/cocdata`` of their Unix account, where the
hub (as root) writes fresh intake and case notebooks before every start,
each with a line of links: the report form, the case view and JupyterLab,
one click apart. The folder belongs to the member, so everything is written
through a handle on the folder itself and never follows a link the member
could have put there.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import stat
from pathlib import Path

import nbformat

from cocdata.errors import HubRefused
from cocdata.forms.notebooks import CASE, INTAKE, notebook
from cocdata.forms.serve import LAB_OVERRIDES, LAB_SETTINGS_FOLDER

FOLDER = "cocdata"
FORM_URL = f"/voila/render/{INTAKE}"
"""Where a member's server opens: the report form, as a page with no code."""

NAVIGATION = (
    "[Record a report](./{intake}) · [Case work](./{case}) · "
    "[JupyterLab (notebooks)](../../lab/tree/{intake})"
)


def navigation_cell() -> nbformat.NotebookNode:
    """The links between the two forms and JupyterLab (relative: they work under any user's URL)."""
    cell = nbformat.v4.new_markdown_cell(NAVIGATION.format(intake=INTAKE, case=CASE))
    cell.id = "navigation"
    return cell


def hub_notebook_text(name: str) -> str:
    """A form notebook as served on the hub: the links first, then the form."""
    nb = notebook(name)
    nb.cells.insert(0, navigation_cell())
    return nbformat.writes(nb) + "\n"


def _write_in(folder_fd: int, name: str, text: str, uid: int, gid: int) -> None:
    tmp = f".{name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder_fd)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fchown(out.fileno(), uid, gid)
        os.replace(tmp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    except BaseException:
        os.unlink(tmp, dir_fd=folder_fd)
        raise


def _lab_settings_in(folder_fd: int, uid: int, gid: int) -> None:
    """JupyterLab's settings overrides (``LAB_OVERRIDES``) in the member's folder."""
    try:
        os.mkdir(LAB_SETTINGS_FOLDER, 0o700, dir_fd=folder_fd)
        os.chown(LAB_SETTINGS_FOLDER, uid, gid, dir_fd=folder_fd, follow_symlinks=False)
    except FileExistsError:
        pass
    fd = os.open(
        LAB_SETTINGS_FOLDER, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder_fd
    )
    try:
        if os.fstat(fd).st_uid != uid:
            raise HubRefused(
                f"The folder {LAB_SETTINGS_FOLDER} in the member's cocdata folder is not theirs.",
                "Move it out of the way; the hub makes it again at the member's next start.",
            )
        _write_in(fd, "overrides.json", json.dumps(LAB_OVERRIDES, indent=2) + "\n", uid, gid)
    finally:
        os.close(fd)


def lab_settings_folder(folder: Path) -> Path:
    """Where ``prepare`` put JupyterLab's settings overrides in the member's ``folder``."""
    return folder / LAB_SETTINGS_FOLDER


def prepare(user: str) -> Path:
    """``~user/cocdata`` with fresh form notebooks and JupyterLab's settings overrides in it,
    owned by ``user``; its path."""
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        raise HubRefused(
            f"{user} has no Unix account on this machine.",
            f"A lead adds it with: cocdata team add {user} --role member (as root).",
        ) from None
    home = Path(account.pw_dir)
    folder = home / FOLDER
    try:
        home_fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        raise HubRefused(
            f"The home folder {home} of {user} cannot be opened ({exc.strerror}).",
            f"Make it: mkhomedir_helper {user}",
        ) from None
    try:
        try:
            os.mkdir(FOLDER, 0o700, dir_fd=home_fd)
            os.chown(FOLDER, account.pw_uid, account.pw_gid, dir_fd=home_fd, follow_symlinks=False)
        except FileExistsError:
            pass
        folder_fd = os.open(FOLDER, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=home_fd)
    except OSError as exc:
        raise HubRefused(
            f"{folder} is not a folder cocdata can use ({exc.strerror}).",
            f"Move it out of the way; the hub makes it again at {user}'s next start.",
        ) from None
    finally:
        os.close(home_fd)
    try:
        info = os.fstat(folder_fd)
        if info.st_uid != account.pw_uid or not stat.S_ISDIR(info.st_mode):
            raise HubRefused(
                f"{folder} does not belong to {user}.",
                f"Move it out of the way; the hub makes it again at {user}'s next start.",
            )
        for name in (INTAKE, CASE):
            _write_in(folder_fd, name, hub_notebook_text(name), account.pw_uid, account.pw_gid)
        _lab_settings_in(folder_fd, account.pw_uid, account.pw_gid)
    finally:
        os.close(folder_fd)
    return folder
