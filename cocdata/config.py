"""Where the store lives and who is working: paths and names, no side effects on import."""

from __future__ import annotations

import getpass
import os
import tomllib
from pathlib import Path

from cocdata.vocab import toml_string

STORE_ENV = "COCDATA_STORE"
MEMBER_ENV = "COCDATA_MEMBER"


def data_home() -> Path:
    """The user's data folder (``$XDG_DATA_HOME`` or ``~/.local/share``)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cocdata"


def config_file() -> Path:
    """The user's settings file (``$XDG_CONFIG_HOME/cocdata/config.toml``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "cocdata" / "config.toml"


def default_store_path() -> Path:
    """The embedded default store: one folder in the user's data folder."""
    return data_home() / "store"


def store_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The store to use: ``explicit``, else ``$COCDATA_STORE``, else the embedded default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    return default_store_path()


def _settings() -> dict[str, object]:
    try:
        return tomllib.loads(config_file().read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}


def team_member(explicit: str | None = None) -> str:
    """Who is working: explicit name, ``$COCDATA_MEMBER``, the JupyterHub user,
    the ``member`` set in the settings file, or the login name."""
    for candidate in (
        explicit,
        os.environ.get(MEMBER_ENV),
        os.environ.get("JUPYTERHUB_USER"),
        _settings().get("member"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown team member"


def remember_team_member(name: str) -> Path:
    """Store the team member's name in the settings file, once per computer."""
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    settings = {k: v for k, v in _settings().items() if k != "member" and isinstance(v, str)}
    settings["member"] = name.strip()
    lines = [f"{key} = {toml_string(value)}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
