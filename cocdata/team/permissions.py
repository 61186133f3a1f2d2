"""Roles: which actions need which role, checked in the package before anything is written.

``require`` is called by the store (saves, events, evidence, drafts,
compact, encrypt, expunge) and by the features that act on many cases
(forwarding, publishing, person merge and split, team changes), so the
command line, the forms and the Python API are refused alike. Outside a
team store it allows everything and costs one ``stat``.

A refusal is logged in the store's access log before ``NotPermitted`` is
raised; nothing else is written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cocdata import config
from cocdata.errors import NotPermitted, StoreError
from cocdata.team.config import Role, Team, load_team
from cocdata.team.identity import current_member

if TYPE_CHECKING:
    from cocdata.store import Store

ACTIONS: dict[str, tuple[Role, str]] = {
    "read": (Role.OBSERVER, "reading cases"),
    "save": (Role.MEMBER, "saving a case"),
    "event": (Role.MEMBER, "saving an event"),
    "evidence": (Role.MEMBER, "keeping evidence"),
    "draft": (Role.MEMBER, "keeping a draft"),
    "import": (Role.MEMBER, "importing cases"),
    "receive": (Role.MEMBER, "receiving a case package"),
    "compact": (Role.MEMBER, "compacting the store"),
    "verify": (Role.MEMBER, "moving damaged files aside"),
    "expunge": (Role.LEAD, "expunging cases"),
    "encrypt": (Role.LEAD, "encrypting the store or changing its key"),
    "forward": (Role.LEAD, "forwarding a case"),
    "publish": (Role.LEAD, "publishing transparency reports"),
    "person": (Role.LEAD, "merging or splitting people"),
    "team": (Role.LEAD, "changing the team"),
    "recuse": (Role.LEAD, "recusing another member from a case"),
}
"""Each checked action: the least role it needs and how it reads in a refusal."""

RANK = {Role.OBSERVER: 0, Role.MEMBER: 1, Role.LEAD: 2}


def may(team: Team, member: str, action: str) -> bool:
    """Whether ``member`` may do ``action`` in ``team`` (recusals aside)."""
    if member == "root":
        return True
    if action in ("team", "recuse") and member in team.admins:
        return True
    role = team.role_of(member)
    return role is not None and RANK[role] >= RANK[ACTIONS[action][0]]


def refusal(team: Team, member: str, action: str, root: Path) -> NotPermitted:
    """The refusal in words: who is asking, as what, what it needs, who the leads are."""
    needed, what = ACTIONS[action]
    leads = team.leads()
    ask = f"the leads: {', '.join(leads)}" if leads else "whoever ran 'cocdata team init'"
    role = team.role_of(member)
    if role is None:
        message = (
            f"{member} is not on the team of the store at {root}; {what} needs a team {needed}. "
            "Nothing was written."
        )
        hint = f"Ask {ask} to add you with 'cocdata team add {member} --role {needed}'."
    else:
        message = f"{what.capitalize()} needs a team {needed}; {member} is a {role}. "
        message += "Nothing was written."
        hint = f"Ask {ask} to do it, or to make you a {needed}."
    return NotPermitted(message, hint, member=member, role=role, needed=needed, leads=leads)


def recused_refusal(team: Team, member: str, case_id: str) -> NotPermitted:
    """The refusal of an action on a case the member is recused from."""
    leads = team.leads()
    return NotPermitted(
        f"{member} is recused from case {case_id} (a conflict of interest) and cannot see or "
        "change it. Nothing was written.",
        f"Another member works on this case; ask {', '.join(leads) or 'a lead'} if this is wrong.",
        member=member,
        role=team.role_of(member),
        needed=None,
        leads=leads,
    )


def log_refusal(store: Store, member: str, what: str, cases: Iterable[str]) -> None:
    """Put a refused attempt in the access log (a refusal is raised whether or not it could)."""
    from cocdata import accesslog  # the log is written through the store, which calls us

    with contextlib.suppress(OSError, StoreError):
        accesslog.record(store, "refused", cases, what, by=member)


QUIET = {"draft"}
"""Actions refused without a log entry: a form keeps drafts by itself, not on request."""


def require(store: Store, action: str, cases: Iterable[str] = ()) -> str | None:
    """Allow ``action`` on ``cases`` for the acting member, or log and raise ``NotPermitted``.

    Returns the acting member in a team store, None in a single-user store.
    """
    team = load_team(store.root)
    if team is None:
        return None
    member = current_member()
    cases = list(cases)
    if not may(team, member, action):
        if action not in QUIET:
            log_refusal(store, member, ACTIONS[action][1], cases)
        raise refusal(team, member, action, store.root)
    recused = [c for c in cases if team.is_recused(member, c)]
    if recused and member != "root":
        log_refusal(store, member, f"{ACTIONS[action][1]} (recused)", recused)
        raise recused_refusal(team, member, recused[0])
    return member


def actor(store: Store, action: str, cases: Iterable[str] = (), by: str | None = None) -> str:
    """``require`` the action, then say who is recorded doing it (see ``acting_member``)."""
    return require(store, action, cases) or config.team_member(by)


def hidden_cases(root: str | os.PathLike[str]) -> set[str]:
    """The cases the acting member is recused from (none outside a team store)."""
    team = load_team(root)
    if team is None:
        return set()
    return team.recused(current_member())
