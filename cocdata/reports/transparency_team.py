"""The team and the process: how to report at this event, who was on the team, the channels.

It comes from the store's settings (``[transparency]`` in ``cocdata.toml``,
per series and per event: :class:`cocdata.settings.ReportSettings`), never
from the cases. The team members are named only when the team opted in
(``name_team = true``); otherwise the report says how many they were, and
the leak guard takes their names as team members' names to look for
(:func:`guard_team`), so a page that names one anyway is not written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cocdata.reports.present import Block, field_list, heading, text
from cocdata.reports.wording import say
from cocdata.settings import ReportSettings, load_report_settings, report_settings

if TYPE_CHECKING:
    from cocdata.model import Event
    from cocdata.reports.leaks import LeakGuard
    from cocdata.reports.transparency import PublicView
    from cocdata.store import Store


def settings_of(store: Store, event: Event) -> ReportSettings:
    """The ``[transparency]`` settings of ``event`` (its own over its series' over all)."""
    return load_report_settings(store.root / "cocdata.toml", event.id, event.series)


def team(view: PublicView) -> list[Block]:
    """How reports could be made, who was on the response team, and the response channels."""
    s = view.settings
    blocks = [heading(say("heading", "team"), 2)]
    facts: dict[str, str] = {}
    if s.how_to_report:
        facts[say("fact", "how_to_report")] = s.how_to_report
    if s.channels:
        facts[say("fact", "channels")] = ", ".join(s.channels)
    if s.team and s.name_team:
        facts[say("fact", "team")] = ", ".join(s.team)
    elif s.team:
        facts[say("fact", "team")] = say("team_size", len(s.team))
    if not facts:
        return [*blocks, text(say("nothing", "team"))]
    return [*blocks, field_list(facts)]


def guard_team(guard: LeakGuard, store: Store) -> None:
    """Give the guard the team members each event's report may name, and those it may not."""
    from cocdata.reports.leaks import TEAM, Source

    path = store.root / "cocdata.toml"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    for event in store.events().values():
        s = report_settings(text, event.id, event.series)
        for member in s.team:
            if s.name_team:
                guard.allow_for(event.id, member)
            else:
                guard.add(TEAM, member, Source(None, "the team in cocdata.toml"))
