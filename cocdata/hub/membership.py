"""Inside the hub: only the team's members get in, asked again at every step.

The team is read from the store's ``cocdata.toml`` at each login, each
refresh of a login (every ``REFRESH_S`` seconds and before every spawn) and
each spawn, so a member a lead removed is refused at their next step even
while the hub runs: the login page turns them away, a hub cookie they still
hold stops working, and no server of theirs starts again. What a server
already running may do is checked by cocdata itself at every action
(``cocdata.team``), and the hub's ``removal`` service stops a removed
member's running server within seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyterhub.auth import PAMAuthenticator
from tornado import web
from traitlets import Unicode

from cocdata.hub import removal, workspace

REFRESH_S = 60
LAB_SETTINGS_OPTION = "--LabApp.app_settings_dir="


def team_members(store: str | Path) -> set[str]:
    """The names of the team's members now (empty when the store is not a team store)."""
    return removal.team_members(str(store))


class TeamAuthenticator(PAMAuthenticator):
    """PAM login (the members' Unix passwords), allowed for the team's members only."""

    store = Unicode(help="The team store whose members may log in.").tag(config=True)

    def is_member(self, username: str) -> bool:
        return username in team_members(self.store)

    async def check_allowed(self, username: str, authentication: Any = None) -> bool:
        if self.is_member(username):
            return True
        self.log.warning("Refused %s: not a member of the team of %s", username, self.store)
        return False

    async def refresh_user(self, user: Any, handler: Any = None) -> bool:
        if self.is_member(user.name):
            return True
        self.log.warning("%s is no longer a member of the team: logged out", user.name)
        spawner = user.spawners.get("")
        if spawner is not None and spawner.active:
            await user.stop("")
        return False


def before_spawn(spawner: Any) -> None:
    """The spawner's hook: a member's server starts only while they are a member."""
    name = spawner.user.name
    store = spawner.environment.get("COCDATA_STORE", "")
    if name not in team_members(store):
        raise web.HTTPError(403, f"{name} is not a member of this cocdata team.")
    folder = workspace.prepare(name)
    spawner.notebook_dir = str(folder)
    settings = workspace.lab_settings_folder(folder)
    others = [arg for arg in spawner.args if not arg.startswith(LAB_SETTINGS_OPTION)]
    spawner.args = [*others, f"{LAB_SETTINGS_OPTION}{settings}"]
