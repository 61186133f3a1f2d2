"""``cocdata team``'s work: make a team store, add and remove members, recuse, show.

Every change re-reads ``cocdata.toml`` under the store's lock and writes it
back atomically with only the ``[team]`` tables replaced, and is logged in
the access log. Only a lead, an admin named at ``team init`` or root may
change the team; a member may recuse themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cocdata import accesslog
from cocdata.errors import NotFound, StoreError
from cocdata.store import Store, files
from cocdata.team import accounts
from cocdata.team.config import (
    SETTINGS,
    Recusal,
    Role,
    Team,
    check_user_name,
    load_team,
    stamp_now,
    team_text,
)
from cocdata.team.identity import current_member
from cocdata.team.permissions import require


@dataclass
class Outcome:
    """What a team command did, and what an administrator still has to do."""

    team: Team
    done: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)


def team_of(store: Store) -> Team:
    """The store's team, or ``StoreError`` saying it is not a team store yet."""
    team = load_team(store.root)
    if team is None:
        raise StoreError(
            f"The store at {store.root} is not a team store.",
            "Make it one with 'cocdata team init --group GROUP'.",
        )
    return team


def _write(store: Store, team: Team) -> None:
    path = store.root / SETTINGS
    text = team_text(path.read_text(encoding="utf-8"), team)
    files.atomic_write_bytes(store.root, path, text.encode("utf-8"))


def init_team(store: Store, group: str) -> Outcome:
    """Make ``store`` a team store of the Unix ``group`` (made if missing, as root).

    The folder and everything in it go to the group (folders 2770 with the
    setgid bit, files 0660); who runs this (and root) administers the team.
    Running it again re-applies the modes.
    """
    check_user_name(group)
    me = current_member()
    team = load_team(store.root)
    if team is not None:
        if team.group != group:
            raise StoreError(
                f"The store at {store.root} is already the team store of the group {team.group}.",
                f"Run 'cocdata team init --group {team.group}' to re-apply its modes.",
            )
        require(store, "team")
    out = Outcome(team or Team(group, {}, tuple(sorted({"root", me}))))
    if accounts.ensure_group(group):
        out.done.append(f"made the Unix group {group}")
    if not accounts.is_root() and not accounts.in_group(me, group):
        raise StoreError(
            f"{me} is not in the group {group}, so cannot give it the store; nothing was changed.",
            f"Ask an administrator to run 'usermod -aG {group} {me}' (then log in again), "
            "or run this command as root.",
        )
    if team is None:
        with store.lock():
            _write(store, out.team)
        admins = ", ".join(out.team.admins)
        out.done.append(f"made the store a team store, administered by {admins}")
    changed = accounts.share_tree(store.root, group)
    out.done.append(f"gave {changed} folders and files to the group {group} (2770 / 0660)")
    accesslog.record(store, "team", [], f"team store of the group {group}")
    return out


def add_member(store: Store, user: str, role: Role) -> Outcome:
    """Add ``user`` with ``role`` (or change their role); as root, make the account and
    put it in the group."""
    check_user_name(user)
    team = team_of(store)
    require(store, "team")
    out = Outcome(team)
    if accounts.ensure_user(user):
        out.done.append(f"made the account {user}")
        out.todo.append(f"set {user}'s password with 'passwd {user}' so they can log in")
    note = accounts.join_group(user, team.group)
    if note:
        out.todo.append(note)
    with store.lock():
        team = team_of(store)
        before = team.role_of(user)
        out.team = team.with_member(user, role)
        _write(store, out.team)
    what = f"{user} is now a {role}" if before else f"{user} added as a {role}"
    out.done.append(what)
    accesslog.record(store, "team", [], what)
    return out


def remove_member(store: Store, user: str) -> Outcome:
    """Take ``user`` off the team (refused from their next action on) and out of the group."""
    team = team_of(store)
    require(store, "team")
    if user not in team.members:
        raise NotFound(
            f"{user} is not on the team of the store at {store.root}.",
            "See who is with 'cocdata team show'.",
        )
    me = current_member()
    if team.leads() == [user] and me != "root" and me not in team.admins:
        raise StoreError(
            f"{user} is the team's only lead; removing them would leave no one to manage it. "
            "Nothing was changed.",
            "Make another member a lead first with 'cocdata team add USER --role lead'.",
        )
    with store.lock():
        out = Outcome(team_of(store).without_member(user))
        _write(store, out.team)
    out.done.append(f"{user} removed from the team")
    note = accounts.leave_group(user, out.team.group)
    if note:
        out.todo.append(note)
    accesslog.record(store, "team", [], f"{user} removed")
    return out


def recuse(store: Store, user: str, case_id: str, why: str = "") -> Outcome:
    """Recuse ``user`` from ``case_id``: they no longer see its identifying data anywhere
    and cannot save it. A lead recuses anyone; a member may recuse themselves."""
    team = team_of(store)
    me = current_member()
    require(store, "read" if user == me else "recuse")
    if user not in team.members:
        raise NotFound(
            f"{user} is not on the team of the store at {store.root}.",
            "See who is with 'cocdata team show'.",
        )
    if store.head_rev(case_id) is None:
        raise NotFound(
            f"There is no case {case_id!r} in the store.", "List the cases with 'cocdata cases'."
        )
    with store.lock():
        out = Outcome(
            team_of(store).with_recusal(Recusal(user, case_id, why.strip(), me, stamp_now()))
        )
        _write(store, out.team)
    # The reason stays in cocdata.toml: the access log holds no free text about people.
    accesslog.record(store, "recuse", [case_id], f"{user} recused by {me}")
    out.done.append(f"{user} is recused from case {case_id}")
    return out


def show_text(team: Team) -> str:
    """The team for the terminal: group, admins, members by role, recusals."""
    lines = [f"Team of the group {team.group} (administered by {', '.join(team.admins)})"]
    if not team.members:
        lines.append("  no members yet: add one with 'cocdata team add USER --role lead'")
    for role in Role:
        names = sorted(u for u, r in team.members.items() if r is role)
        if names:
            lines.append(f"  {role}s: {', '.join(names)}")
    if team.recusals:
        lines.append("Recusals:")
        for r in team.recusals:
            why = f" ({r.why})" if r.why else ""
            lines.append(f"  {r.user} from {r.case}{why}, by {r.by} at {r.at}")
    return "\n".join(lines)
