"""The team of a team store: its Unix group, members and roles, admins and recusals.

Kept in the store's ``cocdata.toml``::

    [team]
    group = "cocteam"            # the Unix group that owns the store folder
    admins = ["root", "alice"]   # who may change the team from the start (who ran init)

    [team.members]
    alice = "lead"
    bob = "member"
    carol = "observer"

    [[team.recusals]]
    user = "bob"
    case = "amber-falcon"
    why = "knows the reporter"
    by = "alice"
    at = "2026-05-01T10:00:00"

No ``[team]`` section means a single-user store. The file is read again
whenever it changed (its size, time and inode are compared on each call), so
a member removed or recused by a lead is refused at their very next action,
in a server that was running all along.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cocdata.errors import StoreError
from cocdata.settings import without_tables
from cocdata.vocab import toml_string

SETTINGS = "cocdata.toml"
USER_NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")
"""A Unix account name as ``useradd`` takes it (and so a JupyterHub login name)."""


class Role(enum.StrEnum):
    """What a team member may do: a lead everything, a member casework, an observer reading."""

    LEAD = "lead"
    MEMBER = "member"
    OBSERVER = "observer"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Recusal:
    """A team member who must not see a case (a conflict of interest)."""

    user: str
    case: str
    why: str = ""
    by: str = ""
    at: str = ""


@dataclass(frozen=True)
class Team:
    """The ``[team]`` section of a team store's ``cocdata.toml``."""

    group: str
    members: dict[str, Role] = field(default_factory=dict)
    admins: tuple[str, ...] = ()
    recusals: tuple[Recusal, ...] = ()

    def leads(self) -> list[str]:
        """The leads, sorted: who to ask when an action needs a lead."""
        return sorted(u for u, r in self.members.items() if r is Role.LEAD)

    def role_of(self, user: str) -> Role | None:
        """The member's role, or None for someone not on the team."""
        return self.members.get(user)

    def recused(self, user: str) -> set[str]:
        """The cases ``user`` is recused from."""
        return {r.case for r in self.recusals if r.user == user}

    def is_recused(self, user: str, case_id: str) -> bool:
        """Whether ``user`` is recused from ``case_id``."""
        return any(r.user == user and r.case == case_id for r in self.recusals)

    def with_member(self, user: str, role: Role) -> Team:
        return replace(self, members={**self.members, user: role})

    def without_member(self, user: str) -> Team:
        return replace(self, members={u: r for u, r in self.members.items() if u != user})

    def with_recusal(self, recusal: Recusal) -> Team:
        if self.is_recused(recusal.user, recusal.case):
            return self
        return replace(self, recusals=(*self.recusals, recusal))

    def to_toml(self) -> str:
        """The ``[team]`` tables as TOML text."""
        lines = [
            "[team]",
            "# the Unix group that owns the store folder; only its members can read it",
            f"group = {toml_string(self.group)}",
            "# accounts that may change the team besides its leads (root always may)",
            "admins = [" + ", ".join(toml_string(a) for a in self.admins) + "]",
            "",
            "[team.members]",
            "# lead: everything; member: record reports and work on cases; observer: read only",
        ]
        lines += [f"{_key(u)} = {toml_string(r.value)}" for u, r in self.members.items()]
        for rec in self.recusals:
            lines += ["", "[[team.recusals]]"]
            lines += [
                f"{k} = {toml_string(getattr(rec, k))}" for k in ("user", "case", "why", "by", "at")
            ]
        return "\n".join(lines) + "\n"


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else toml_string(name)


def check_user_name(user: str) -> str:
    """``user`` if it can be a Unix account name, else ``StoreError`` in words."""
    if not USER_NAME.match(user):
        raise StoreError(
            f"{user!r} cannot be an account name.",
            "Use lower-case letters, digits, '-', '_' or '.', starting with a letter "
            "(at most 32), as the member logs in.",
        )
    return user


def _bad(source: str, what: str, hint: str = "Correct the [team] section.") -> StoreError:
    return StoreError(f"[team] in {source}: {what}.", hint)


def parse_team(data: dict[str, Any], source: str = SETTINGS) -> Team | None:
    """The team in a parsed ``cocdata.toml`` (None when it has no ``[team]``)."""
    section = data.get("team")
    if section is None:
        return None
    if not isinstance(section, dict):
        raise _bad(source, "it must be a section")
    unknown = set(section) - {"group", "admins", "members", "recusals"}
    if unknown:
        raise _bad(source, f"unknown setting(s) {', '.join(sorted(unknown))}")
    group = section.get("group")
    if not isinstance(group, str) or not USER_NAME.match(group):
        raise _bad(source, f"group must be the name of a Unix group, not {group!r}")
    admins = section.get("admins", [])
    if not isinstance(admins, list) or not all(isinstance(a, str) for a in admins):
        raise _bad(source, 'admins must be a list of account names, like ["alice"]')
    members: dict[str, Role] = {}
    raw = section.get("members", {})
    if not isinstance(raw, dict):
        raise _bad(source, "members must be a [team.members] table")
    for user, role in raw.items():
        try:
            members[user] = Role(role)
        except ValueError:
            raise _bad(
                source, f"member {user!r} has role {role!r}", "A role is lead, member or observer."
            ) from None
    recusals = []
    for entry in section.get("recusals", []):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("user", "case")
        ):
            raise _bad(source, "each [[team.recusals]] needs a user and a case")
        recusals.append(Recusal(**{k: str(entry.get(k, "")) for k in Recusal.__dataclass_fields__}))
    return Team(group, members, tuple(admins), tuple(recusals))


_cache: dict[Path, tuple[tuple[int, int, int], Team | None]] = {}


def load_team(folder: str | os.PathLike[str]) -> Team | None:
    """The team of the store at ``folder``, or None for a single-user store.

    Cheap to call before every action: the file is parsed again only when it
    changed since the last call.
    """
    path = Path(folder) / SETTINGS
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    known = _cache.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(f"{path} is not valid TOML: {exc}.", "Fix the line named above.") from exc
    team = parse_team(data, str(path))
    _cache[path] = (stamp, team)
    return team


def without_team(text: str) -> str:
    """cocdata.toml's text without its ``[team]`` tables, wherever they are."""
    return without_tables(text, "team")


def team_text(settings_text: str, team: Team) -> str:
    """``settings_text`` with its ``[team]`` tables replaced by ``team``'s."""
    return without_team(settings_text).rstrip("\n") + "\n\n" + team.to_toml()


def stamp_now() -> str:
    """A recusal's time, to the second."""
    return dt.datetime.now().replace(microsecond=0).isoformat()
