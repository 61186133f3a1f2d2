"""A store's own settings in ``cocdata.toml``: how long cases are kept, what forwarding hides.

Beside the vocabularies (``vocab.py``), a store's ``cocdata.toml`` holds two
sections an organisation tunes to its own policy::

    [retention]
    months = 12                 # minor cases: months after closure, then expunged
    months_no_action = 6        # ... closed with no action, not a violation or out of scope
    never_actions = ["suspension", "ban", "removed-from-event"]
    never_if_safety_risk = true
    never_if_forwarded = true   # reported or forwarded to another body
    reset_roles = ["reported"]  # a new report naming the same person restarts the clock

    [forwarding]
    redact = ["names", "contacts", "evidence", "history"]

A missing section or key takes the default shown; a wrong value is refused
with the key and what it must be.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from cocdata.errors import StoreError, UsageError
from cocdata.vocab import toml_string


@dataclass(frozen=True)
class Retention:
    """When a case's identifying data is expunged (``retention.py`` applies it)."""

    months: int = 12
    months_no_action: int = 6
    never_actions: tuple[str, ...] = ("suspension", "ban", "removed-from-event")
    never_if_safety_risk: bool = True
    never_if_forwarded: bool = True
    reset_roles: tuple[str, ...] = ("reported",)


@dataclass(frozen=True)
class Forwarding:
    """What ``cocdata forward`` leaves out of the case report by default."""

    redact: tuple[str, ...] = ("names", "contacts", "evidence", "history")


@dataclass(frozen=True)
class Settings:
    retention: Retention = field(default_factory=Retention)
    forwarding: Forwarding = field(default_factory=Forwarding)


_COMMENTS = {
    "months": "months after closure before a minor case's identifying data is expunged",
    "months_no_action": "the same for cases closed with no action, not a violation or out of scope",
    "never_actions": "cases with any of these actions keep their identifying data",
    "never_if_safety_risk": "cases marked as a safety risk keep their identifying data",
    "never_if_forwarded": "cases reported or forwarded to another body keep their identifying data",
    "reset_roles": "a newer report naming the same person in one of these roles restarts the clock",
    "redact": "parts a forwarded case report leaves out: names (shown as person code names), "
    "contacts, description, timeline, evidence, history",
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(toml_string(v) for v in value) + "]"
    return toml_string(str(value))


def default_toml() -> str:
    """The settings sections a new store's ``cocdata.toml`` starts with."""
    out: list[str] = []
    for section, obj in (("retention", Retention()), ("forwarding", Forwarding())):
        out.append(f"[{section}]")
        for f in fields(obj):
            out.append(f"# {_COMMENTS[f.name]}")
            out.append(f"{f.name} = {_toml_value(getattr(obj, f.name))}")
        out.append("")
    return "\n".join(out)


def _section(data: dict[str, Any], name: str, cls: type, source: str) -> Any:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise StoreError(
            f"[{name}] in {source} must be a section.", f"Write it as a [{name}] heading."
        )
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(cls)}
    for key, value in section.items():
        if key not in known:
            raise StoreError(
                f"[{name}] in {source} has an unknown setting {key!r}.",
                f"Known settings: {', '.join(known)}.",
            )
        default = getattr(cls(), key)
        where = f"{name}.{key} in {source}"
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise StoreError(f"{where} must be true or false, not {value!r}.")
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise StoreError(
                    f"{where} must be a whole number of months, 1 or more, not {value!r}.",
                    "Common practice is 6 to 12 months for minor cases.",
                )
        elif isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise StoreError(f'{where} must be a list of texts, like ["ban"].')
            value = tuple(value)
        values[key] = value
    return cls(**values)


def parse(text: str, source: str = "cocdata.toml") -> Settings:
    """Settings from the text of a ``cocdata.toml`` (defaults where it is silent)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(
            f"{source} is not valid TOML: {exc}.", "Fix the line named above."
        ) from exc
    # Which parts forwarding may leave out is the case report's to say: it is
    # checked when a case is forwarded, so a slip there never blocks an expunge.
    forwarding = _section(data, "forwarding", Forwarding, source)
    return Settings(_section(data, "retention", Retention, source), forwarding)


def load(path: Path) -> Settings:
    """The settings in a store's ``cocdata.toml`` (all defaults when the file is missing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    return parse(text, str(path))


# -- [transparency]: how an event's public report reads ---------------------------------

LAYOUTS = ("summary", "incidents")
"""Layouts of an event's transparency report: counts with one line per described case
(``summary``), or the counts with one numbered entry per described case (``incidents``)."""


@dataclass(frozen=True)
class ReportSettings:
    """What an event's transparency report says of the team and the process, and its layout.

    Set in ``cocdata.toml`` under ``[transparency]`` for every event, under
    ``[transparency.series.SLUG]`` for the editions of a series and under
    ``[transparency.events.ID]`` for one event; the most specific wins, key by
    key::

        [transparency]
        layout = "summary"
        how_to_report = "Tell any team member, or write to coc@example.org."
        channels = ["in person", "e-mail", "online form"]
        team = ["A. Member", "B. Member"]
        name_team = false       # true: the report names the team members

        [transparency.series.djangocon]
        layout = "incidents"
    """

    layout: str = "summary"
    how_to_report: str | None = None
    channels: tuple[str, ...] = ()
    team: tuple[str, ...] = ()
    name_team: bool = False


_REPORT_KEYS = {f.name for f in fields(ReportSettings)}


def check_layout(layout: str, where: str = "--layout") -> str:
    """``layout`` if it is one of :data:`LAYOUTS`; else a message naming the valid ones."""
    if layout not in LAYOUTS:
        raise UsageError(
            f"{where} {layout!r} is not a layout of transparency reports.",
            f"Use one of: {', '.join(LAYOUTS)} (summary is the default).",
        )
    return layout


def _report_values(section: Any, where: str) -> dict[str, Any]:
    if not isinstance(section, dict):
        raise StoreError(f"{where} must be a section.", f"Write it as a [{where}] heading.")
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key in ("series", "events") and where == "transparency":
            continue
        if key not in _REPORT_KEYS:
            raise StoreError(
                f"[{where}] has an unknown setting {key!r}.",
                f"Known settings: {', '.join(sorted(_REPORT_KEYS))}.",
            )
        at = f"{where}.{key} in cocdata.toml"
        if key == "layout":
            if not isinstance(value, str) or value not in LAYOUTS:
                raise StoreError(
                    f"{at} is {value!r}, not a layout of transparency reports.",
                    f"Use one of: {', '.join(LAYOUTS)}.",
                )
        elif key == "name_team":
            if not isinstance(value, bool):
                raise StoreError(f"{at} must be true or false, not {value!r}.")
        elif key == "how_to_report":
            if not isinstance(value, str):
                raise StoreError(f'{at} must be a text, like "Tell any team member".')
            value = " ".join(value.split()) or None
        else:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise StoreError(f'{at} must be a list of texts, like ["e-mail"].')
            value = tuple(" ".join(v.split()) for v in value if v.strip())
        values[key] = value
    return values


@functools.lru_cache(maxsize=4)
def _transparency_table(text: str) -> Any:
    """The ``[transparency]`` table of a ``cocdata.toml`` text, parsed once for every
    event a batch asks about (never changed by its readers)."""
    try:
        return tomllib.loads(text).get("transparency", {})
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(f"cocdata.toml is not valid TOML: {exc}.", "Fix the line named.") from exc


def report_settings(
    text: str, event_id: str | None = None, series: str | None = None
) -> ReportSettings:
    """The ``[transparency]`` settings of one event from a ``cocdata.toml`` text: the
    general ones, then its series', then its own."""
    data = _transparency_table(text)
    values = _report_values(data, "transparency")
    for kind, name in (("series", series), ("events", event_id)):
        table = data.get(kind, {}) if isinstance(data, dict) else {}
        if not isinstance(table, dict):
            raise StoreError(
                f"transparency.{kind} in cocdata.toml must be a section.",
                f"Write [transparency.{kind}.NAME] headings.",
            )
        if name is not None and name in table:
            values.update(_report_values(table[name], f"transparency.{kind}.{name}"))
    return ReportSettings(**values)


def load_report_settings(
    path: Path, event_id: str | None = None, series: str | None = None
) -> ReportSettings:
    """:func:`report_settings` of a store's ``cocdata.toml`` (defaults when it is missing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ReportSettings()
    return report_settings(text, event_id, series)


def without_tables(text: str, table: str) -> str:
    """cocdata.toml's text without the ``[table]`` tables (and ``[table.sub]``, ``[[table.x]]``),
    wherever they are, every other line kept as written."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        header = line.strip()
        if header.startswith("["):
            name = header.strip("[]").strip()
            skipping = name == table or name.startswith(f"{table}.")
        if not skipping:
            out.append(line)
    return "".join(out)
