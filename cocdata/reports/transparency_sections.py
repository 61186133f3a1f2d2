"""The sections of an event's transparency report that count its own cases.

Each function takes the :class:`~cocdata.reports.transparency.PublicView`
and returns ``present`` blocks: the title and the event, the reports in
numbers, by kind of behaviour, outside the code of conduct, the actions
taken, one line per described case, and the counting rules. The sections on
earlier editions, response times, the team and the incidents layout have
modules of their own (``transparency_history``, ``transparency_times``,
``transparency_team``, ``transparency_incidents``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from cocdata.reports.disclosure import Shown, all_withheld
from cocdata.reports.present import Block, field_list, heading, table, text
from cocdata.reports.transparency_charts import bar_chart
from cocdata.reports.wording import say

if TYPE_CHECKING:
    from cocdata.reports.transparency import PublicView


def day(value: dt.date) -> str:
    """'28 December 2000'."""
    return f"{value.day} {value:%B %Y}"


def period(start: dt.date, end: dt.date) -> str:
    """An event's dates as people write them: '27–30 December 2000'."""
    if start == end:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{day(start)} – {day(end)}"


def months(first: dt.date, last: dt.date) -> str:
    """The months reports were received in: 'in December 2000', or 'from ... to ...'."""
    if (first.year, first.month) == (last.year, last.month):
        return f"in {first:%B %Y}"
    return f"from {first:%B %Y} to {last:%B %Y}"


# -- the sections ----------------------------------------------------------------


def header(view: PublicView) -> list[Block]:
    """The title, the event and its period, and when the report was published."""
    e = view.event
    facts: dict[str, object] = {say("fact", "event"): e.name}
    facts[say("fact", "dates")] = period(e.start, e.end)
    if e.location:
        facts[say("fact", "location")] = e.location
    if e.attendees:
        facts[say("fact", "attendees")] = f"{e.attendees:,}"
    if e.organiser:
        facts[say("fact", "organiser")] = e.organiser
    facts[say("fact", "published")] = day(view.published_on)
    facts[say("fact", "edition")] = say("edition", view.edition)
    if view.preliminary:
        title = say("preliminary_title", e.name)
        notice = [text(say("preliminary_notice"))]
    else:
        title, notice = say("title", e.name), []
    return [heading(title, 1), *notice, text(say("intro")), field_list(facts)]


def numbers(view: PublicView) -> list[Block]:
    """Reports received, under the code and outside it, open and decided."""
    s, c = view.shown, view.counts
    blocks = [heading(say("heading", "numbers"), 2)]
    if c.total == 0:
        return [*blocks, text(say("nothing", "reports"))]
    facts = {
        say("fact", key): getattr(s, key)
        for key in ("total", "within", "outside", "decided", "open")
    }
    if c.received is not None and s.total.exact:
        facts[say("fact", "received")] = months(*c.received)
    return [*blocks, field_list({k: str(v) for k, v in facts.items()})]


def _count_table(shown: dict[str, Shown], labels: dict[str, str], what: str, unit: str) -> Block:
    rows = _ordered(shown, labels)
    return table(
        pd.DataFrame({what: [labels[k] for k in rows], unit: [shown[k].text for k in rows]})
    )


def _ordered(shown: dict[str, Shown], labels: dict[str, str]) -> list[str]:
    """Largest first by what is published; ties (all suppressed ones among them) in
    vocabulary order, so the order never tells a suppressed 1 from a 2."""
    position = {key: i for i, key in enumerate(shown)}
    return sorted(shown, key=lambda k: (-shown[k].height, position[k]))


def behaviour(view: PublicView) -> list[Block]:
    """Reports under the code of conduct by kind of behaviour (clause), as a table and a chart."""
    s = view.shown
    blocks = [heading(say("heading", "behaviour"), 2)]
    if not s.coc:
        return [*blocks, text(say("nothing", "behaviour"))]
    if all_withheld(s.coc):
        return [*blocks, text(say("withheld", view.min_count))]
    unit = say("column", "reports")
    blocks.append(_count_table(s.coc, s.labels, say("column", "behaviour"), unit))
    blocks.append(
        bar_chart(
            [(s.labels[k], s.coc[k]) for k in _ordered(s.coc, s.labels)],
            say("chart_title", "behaviour"),
            unit,
        )
    )
    return blocks


def outside(view: PublicView) -> list[Block]:
    """Matters outside the code of conduct (police matters, theft, ...), counted apart."""
    s = view.shown
    blocks = [heading(say("heading", "outside"), 2)]
    if not s.outside_kinds:
        return [*blocks, text(say("nothing", "outside"))]
    if all_withheld(s.outside_kinds):
        return [*blocks, text(say("withheld", view.min_count))]
    unit = say("column", "reports")
    return [*blocks, _count_table(s.outside_kinds, s.labels, say("column", "outside"), unit)]


def actions(view: PublicView) -> list[Block]:
    """Actions taken in decided and closed cases, as a table and a chart."""
    s = view.shown
    blocks = [heading(say("heading", "actions"), 2)]
    if not s.actions:
        return [*blocks, text(say("nothing", "actions"))]
    if all_withheld(s.actions):
        return [*blocks, text(say("withheld", view.min_count))]
    order = _ordered(s.actions, s.labels)
    # Actions count decided cases, not reports: the table and its chart say so alike.
    unit = say("column", "cases")
    return [
        *blocks,
        _count_table(s.actions, s.labels, say("column", "action"), unit),
        bar_chart(
            [(s.labels[k], s.actions[k]) for k in order], say("chart_title", "actions"), unit
        ),
    ]


def described(view: PublicView) -> list[Block]:
    """One anonymised line per described case: its public summary and the actions taken."""
    blocks = [heading(say("heading", "described"), 2)]
    if view.preliminary:
        return [*blocks, text(say("nothing", "preliminary"))]
    if not view.lines:
        blocks.append(text(say("nothing", "described")))
        return blocks
    blocks += [text(f"• {line}") for line in view.lines]
    blocks.append(text(say("not_described")))
    return blocks


def rules(view: PublicView) -> list[Block]:
    """How the report counts (see this module's docstring)."""
    outside_labels = [
        view.vocab.label("categories", c)
        for c in view.vocab.categories
        if c in view.vocab.outside_coc
    ]
    named = ", ".join(_short(label) for label in outside_labels) or say("none_defined")
    lines = say("rules", named).splitlines()
    if view.min_count > 1:
        lines.append(say("suppression", view.min_count))
    if view.history:
        lines.append(say("history_rule"))
    return [heading(say("heading", "rules"), 2), *[text(f"• {line}") for line in lines]]


def _short(label: str) -> str:
    """'Theft (outside the code of conduct)' -> 'theft'."""
    return label.split(" (")[0].strip().lower()
