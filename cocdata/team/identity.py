"""Who is acting: in a team store, the login, never a name someone typed.

Under JupyterHub a member's server runs as their own Unix account with
``JUPYTERHUB_USER`` set to the same name. Anywhere else the Unix account is
the member. A process running as an ordinary account cannot claim another
name by setting ``JUPYTERHUB_USER`` or ``COCDATA_MEMBER``: the account wins.
Only root (a hub spawning servers, an administrator's script) is taken at
its ``JUPYTERHUB_USER``.
"""

from __future__ import annotations

import functools
import os
import pwd

from cocdata import config
from cocdata.team.config import load_team


def unix_account() -> str:
    """The name of the account this process runs as."""
    return _account_of(os.geteuid())


@functools.cache
def _account_of(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def current_member() -> str:
    """The team member acting: the JupyterHub login, else the Unix account."""
    account = unix_account()
    hub_user = (os.environ.get("JUPYTERHUB_USER") or "").strip()
    if hub_user and (os.geteuid() == 0 or hub_user == account):
        return hub_user
    return account


def acting_member(root: str | os.PathLike[str], explicit: str | None = None) -> str:
    """Who is recorded on a save, draft or log entry in the store at ``root``.

    In a team store, the login (``current_member``), whatever name was passed;
    elsewhere the name given, ``$COCDATA_MEMBER``, the remembered name, or the
    account (``config.team_member``).
    """
    if load_team(root) is not None:
        return current_member()
    return config.team_member(explicit)
