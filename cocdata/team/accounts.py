"""Unix groups and accounts of a team: made with the system's own tools, as root.

The team's group owns the store folder; every member's account is in it, so
their servers, kernels and commands can read and write the store and nobody
else can. Only root can make groups and accounts or change who is in a
group; run as anyone else, these say what an administrator must run.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from cocdata.errors import StoreError


def is_root() -> bool:
    return os.geteuid() == 0


def group_exists(group: str) -> bool:
    try:
        grp.getgrnam(group)
    except KeyError:
        return False
    return True


def user_exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def in_group(user: str, group: str) -> bool:
    """Whether ``user`` is in ``group`` (as a supplementary or their primary group)."""
    try:
        entry = grp.getgrnam(group)
        account = pwd.getpwnam(user)
    except KeyError:
        return False
    return user in entry.gr_mem or account.pw_gid == entry.gr_gid


def _run(*command: str) -> None:
    if shutil.which(command[0]) is None:
        raise StoreError(
            f"'{command[0]}' is not installed, so '{' '.join(command)}' could not run.",
            "Install the system's account tools (the 'passwd' package) or run it by hand.",
        )
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise StoreError(
            f"'{' '.join(command)}' failed: {done.stderr.strip() or done.returncode}.",
            "Fix what it says, then run the cocdata command again.",
        )


def ensure_group(group: str) -> bool:
    """Make the group if it is missing (root only); True if it was made."""
    if group_exists(group):
        return False
    if not is_root():
        raise StoreError(
            f"There is no Unix group {group!r}, and only root can make one; nothing was changed.",
            f"Ask an administrator to run 'groupadd {group}', or run this command as root.",
        )
    _run("groupadd", group)
    return True


def ensure_user(user: str) -> bool:
    """Make the account (with a home folder) if it is missing (root only); True if made."""
    if user_exists(user):
        return False
    if not is_root():
        raise StoreError(
            f"There is no account {user!r} on this computer, and only root can make one; "
            "nothing was changed.",
            f"Ask an administrator to run 'useradd -m {user}' (and 'passwd {user}'), "
            "or run this command as root.",
        )
    _run("useradd", "--create-home", "--shell", "/bin/bash", user)
    return True


def join_group(user: str, group: str) -> str | None:
    """Put ``user`` in ``group``; a note for the administrator when this cannot (not root)."""
    if in_group(user, group):
        return None
    if not is_root():
        return f"{user} is not in the group {group} yet: an administrator must run 'usermod -aG {group} {user}'."
    _run("usermod", "--append", "--groups", group, user)
    return None


def leave_group(user: str, group: str) -> str | None:
    """Take ``user`` out of ``group``; a note for the administrator when this cannot."""
    try:
        members = grp.getgrnam(group).gr_mem
    except KeyError:
        return None
    if user not in members:
        return None
    if not is_root():
        return f"{user} is still in the group {group}: an administrator must run 'gpasswd -d {user} {group}'."
    _run("gpasswd", "--delete", user, group)
    return None


def share_tree(root: Path, group: str) -> int:
    """Give every folder and file under ``root`` to ``group``: folders 2770, files 0660.

    Symbolic links are left alone (and not followed); files of other accounts, which
    only root may change, are skipped. Returns how many were changed.
    """
    gid = grp.getgrnam(group).gr_gid
    count = 0

    def share(path: str, mode: int) -> None:
        nonlocal count
        try:
            os.chown(path, -1, gid, follow_symlinks=False)
            os.chmod(path, mode)
        except PermissionError:  # another member's file: it was made shared already
            return
        count += 1

    share(str(root), 0o2770)
    for folder, dirs, names in os.walk(root):
        for name in dirs:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                share(path, 0o2770)
        for name in names:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                share(path, 0o660)
    return count
