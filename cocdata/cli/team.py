"""``cocdata team``: a store shared by a response team (init, add, remove, show, recuse)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cocdata.cli.options import Command, StoreOption, group, open_store, say, show
from cocdata.team import Role

if TYPE_CHECKING:
    from cocdata.team import admin

app = typer.Typer()
team_app = group(
    "A store shared by a response team: its Unix group, members, roles and recusals.",
    epilog="Example: cocdata team init --group cocteam && cocdata team add alice --role lead",
)
app.add_typer(team_app, name="team")

UserArgument = Annotated[str, typer.Argument(help="The member's account (login) name.")]


def _report(outcome: admin.Outcome) -> None:
    for line in outcome.done:
        say(line)
    for line in outcome.todo:
        say(f"still to do: {line}")


@team_app.command(
    "init",
    cls=Command,
    epilog="Example: cocdata team init --group cocteam --store /srv/coc/store   (as root)",
)
def init(
    group_name: Annotated[
        str, typer.Option("--group", help="The Unix group of the team (made if missing, as root).")
    ],
    store: StoreOption = None,
) -> None:
    """Make the store a team store: its folder and every file in it belong to GROUP.

    Folders become 2770 (setgid), files 0660, whatever anyone's umask; no one
    outside the group can read anything. You (and root) administer the team
    from now on: add the first leads with 'cocdata team add'.
    """
    from cocdata.team import admin

    _report(admin.init_team(open_store(store), group_name))


@team_app.command(
    "add",
    cls=Command,
    epilog="Example: cocdata team add bob --role member   (as root it makes the account)",
)
def add(
    user: UserArgument,
    role: Annotated[
        Role,
        typer.Option("--role", help="lead (everything), member (casework) or observer (read)."),
    ],
    store: StoreOption = None,
) -> None:
    """Add a member with a role, or change a member's role (leads and admins only).

    Run as root, it also makes the Unix account if it is missing and puts it
    in the team's group.
    """
    from cocdata.team import admin

    _report(admin.add_member(open_store(store, create=False), user, role))


@team_app.command("remove", cls=Command, epilog="Example: cocdata team remove bob")
def remove(user: UserArgument, store: StoreOption = None) -> None:
    """Take a member off the team: refused from their next action, even in a running server.

    Run as root, it also takes the account out of the team's group (the
    account itself stays). A server the member still has open keeps the
    group until it stops: stop it too.
    """
    from cocdata.team import admin

    _report(admin.remove_member(open_store(store, create=False), user))


@team_app.command("show", cls=Command, epilog="Example: cocdata team show")
def show_team(store: StoreOption = None) -> None:
    """Show the team: its group, admins, members by role and recusals."""
    from cocdata.team import admin

    show(admin.show_text(admin.team_of(open_store(store, create=False, need_key=False))))


@team_app.command(
    "recuse",
    cls=Command,
    epilog='Example: cocdata team recuse bob amber-falcon --why "friend of the reporter"',
)
def recuse(
    user: UserArgument,
    case_id: Annotated[str, typer.Argument(help="The case they must not see.")],
    why: Annotated[
        str,
        typer.Option("--why", help="The reason, for the team (kept in cocdata.toml; no names)."),
    ] = "",
    store: StoreOption = None,
) -> None:
    """Recuse a member from a case (a conflict of interest): lead only, or yourself.

    They no longer see its identifying data anywhere (case list, case view,
    show, export, reports, analyses, subject access) and cannot save it; the
    case still counts in statistics. Logged in the access log.
    """
    from cocdata.team import admin

    _report(admin.recuse(open_store(store, create=False), user, case_id, why))
