"""The organisation's yearly report: every event's reports by year (or half-year), in the
columns the Django Software Foundation publishes, what it counts, says and shows.

The template ``report_notebooks/yearly.ipynb`` takes a store, a year (or
None for every year), ``half`` and the small-count threshold, calls
:func:`load`, and shows one section per cell: the title and the period; the
table of reports and outcomes per year (or half-year) with a chart of the
reports; the reports per event; and how it counts.

What the report can see is decided here, once, by :data:`YEARLY_COLUMNS`:
statistics only (no free text at all, not even the public summary). The
tallies are :func:`cocdata.analysis.yearly.period_statistics`, whose module
docstring holds the mapping of the action vocabulary to the published
columns; every count goes through :mod:`cocdata.reports.disclosure` with all
the figures of the page checked together.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cocdata.analysis import yearly as tallies
from cocdata.errors import NotFound, ReportFailed
from cocdata.reports.disclosure import (
    DEFAULT_MIN_COUNT,
    Group,
    Shown,
    all_withheld,
    check_min_count,
    protect,
    protect_page,
    show,
)
from cocdata.reports.present import Block, field_list, heading, table, text

if TYPE_CHECKING:
    from cocdata.store import Store
    from cocdata.tables import Frames

YEARLY_COLUMNS = (
    "event_id",
    "status",
    "report.made_at",
    "actions.list.element.kind",
    "people",
    "reported_to",
    "forwarded_to",
)
"""Every column the yearly report reads (with the case id and revision): statistics only.
``people`` holds each person's role and person code name, never a name."""

COUNT_COLUMNS = tallies.YEARLY_COLUMNS[1:]
"""The published columns after the year, in the analysis module's words."""
OUTCOMES = COUNT_COLUMNS[4:]
"""The outcome columns: each report counts in exactly one of them."""
ACTED = COUNT_COLUMNS[2:4]
"""Actions by the organisation and by local event teams: each at most the reports."""


@functools.cache
def _macros() -> Any:
    import jinja2

    from cocdata.reports.wording import FOLDER

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(FOLDER), undefined=jinja2.StrictUndefined
    )
    return env.get_template("yearly.j2").module


def say(name: str, *args: Any) -> str:
    """One piece of the yearly report's fixed text (``templates/transparency/yearly.j2``)."""
    return str(getattr(_macros(), name)(*args))


# -- reading only statistics -------------------------------------------------------


def yearly_records(store: Store) -> Frames:
    """Every case's statistics the yearly report counts, as frames.

    ``cases``: ``case_id, event_id, status, made_at, reported_to,
    forwarded_to``; ``actions``: ``case_id, pos, kind``; ``people``:
    ``case_id, role, person``; ``events`` every event. The rest is empty.
    """
    import pyarrow.compute as pc

    from cocdata.tables import Frames

    heads = store.read_heads(YEARLY_COLUMNS)
    if "identity" in heads.column_names:
        raise ReportFailed(
            "The store returned identifying columns to the yearly report.",
            "This is a bug in cocdata; nothing was rendered. Please report it.",
        )
    ids = heads["case_id"]
    cases = pa.table(
        {
            "case_id": ids,
            "event_id": heads["event_id"],
            "status": heads["status"],
            "made_at": pc.struct_field(heads["report"].combine_chunks(), "made_at"),
            "reported_to": heads["reported_to"],
            "forwarded_to": heads["forwarded_to"],
        }
    )

    def flat(column: str, fields: tuple[str, ...]) -> pa.Table:
        lists = heads[column].combine_chunks()
        lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
        owners = pa.array(np.repeat(np.arange(len(lengths)), lengths), pa.int64())
        values = pc.list_flatten(lists)
        starts = np.cumsum(lengths) - lengths
        return pa.table(
            {
                "case_id": ids.take(owners),
                "pos": pa.array(np.arange(len(owners)) - np.repeat(starts, lengths), pa.int32()),
                **{f: pc.struct_field(values, f) for f in fields},
            }
        )

    events = pd.DataFrame(
        [e.model_dump() for e in store.events().values()],
        columns=["id", "name", "start", "end", "location", "attendees", "organiser"],
    )
    empty = pd.DataFrame({"case_id": pd.Series(dtype="str")})
    as_pandas = functools.partial(
        pa.Table.to_pandas,
        types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_list(t) else None,
    )
    return Frames(
        cases=as_pandas(cases),
        people=as_pandas(flat("people", ("role", "person"))),
        timeline=empty,
        actions=as_pandas(flat("actions", ("kind",))),
        evidence=empty,
        events=events,
        revisions=empty,
    )


def years_with_cases(records: Frames) -> list[int]:
    """The years in which a report was received, oldest first."""
    return sorted(int(y) for y in records.cases["made_at"].dt.year.dropna().unique())


def check_year(records: Frames, year: int | None) -> None:
    """Refuse a year in which no report was received, naming the years that have some
    (and a store without any report at all)."""
    have = years_with_cases(records)
    if not have:
        raise NotFound(
            "The store holds no report yet: there is nothing to publish in a yearly report.",
            "Record the reports first (or try 'cocdata demo' for synthetic ones).",
        )
    if year is None:
        return
    if year not in have:
        listed = ", ".join(map(str, have)) or "none yet"
        raise NotFound(
            f"No report was received in {year}: there is nothing to publish for that year.",
            f"Years with reports in the store: {listed}. Name one of them with --year, "
            "or use --all.",
        )


# -- the view a template renders ----------------------------------------------------


@dataclass(frozen=True)
class YearlyView:
    """Everything one yearly report shows, counted once from statistics."""

    year: int | None
    half: bool
    rows: pd.DataFrame
    """``year, half`` and the published columns (exact counts, never shown as such)."""
    events: pd.DataFrame
    """``event_id, name, dates, reports``: events with reports in the period, by date."""
    total: int
    shown: dict[str, Shown]
    """Every cell as the page may show it: ``total``, ``<period>:<column>``, ``event:<id>``."""
    min_count: int
    published_on: dt.date

    def period_keys(self) -> list[str]:
        return [period_key(y, h) for y, h in zip(self.rows["year"], self.rows["half"], strict=True)]


def period_key(year: int, half: int) -> str:
    return f"{year}-{half}" if half else str(year)


def period_label(year: int, half: int) -> str:
    """'2024', or 'January–June 2024' by half-year."""
    return say("half", year, half) if half else str(year)


def view_of(
    records: Frames, year: int | None = None, half: bool = False, min_count: int = 1
) -> YearlyView:
    """Count the records by year (or half-year), for ``year`` or every year, and protect them."""
    from cocdata.reports.transparency import period as event_dates

    k = check_min_count(min_count)
    check_year(records, year)
    rows = tallies.period_statistics(records, half=half)
    if year is not None:
        rows = rows[rows["year"] == year].reset_index(drop=True)
    cases = records.cases
    made = cases["made_at"].dt.year
    chosen = cases[made == year] if year is not None else cases
    per_event = chosen.groupby(chosen["event_id"].astype("str")).size()
    events = records.events.set_index("id")
    listed = events.loc[events.index.isin(per_event.index)].sort_values(["start", "name"])
    event_rows = pd.DataFrame(
        {
            "event_id": listed.index.astype("str").to_numpy(),
            "name": listed["name"].astype("str").to_numpy(),
            "dates": [
                event_dates(s, e) for s, e in zip(listed["start"], listed["end"], strict=True)
            ],
            "reports": [int(per_event[e]) for e in listed.index],
        }
    )
    total = int(rows["reports"].sum())
    keys = [period_key(y, h) for y, h in zip(rows["year"], rows["half"], strict=True)]
    return YearlyView(
        year=year,
        half=half,
        rows=rows,
        events=event_rows,
        total=total,
        shown=protect_counts(rows, keys, event_rows, total, k),
        min_count=k,
        published_on=dt.date.today(),
    )


def protect_counts(
    rows: pd.DataFrame, keys: list[str], events: pd.DataFrame, total: int, k: int
) -> dict[str, Shown]:
    """Every figure of the page through small-count suppression, checked together.

    The outcome columns of a row add up to its reports, the actions columns
    are each at most them, the rows' reports add up to the total, and so do
    the events' reports. People named is a count of its own.
    """
    cells: dict[str, int] = {"total": total}
    shown: dict[str, Shown] = {"total": show(total, k)}
    groups: list[Group] = []
    for key, row in zip(keys, rows.to_dict("records"), strict=True):
        reports = f"{key}:reports"
        for column in COUNT_COLUMNS:
            cells[f"{key}:{column}"] = int(row[column])
        shown[reports] = show(row["reports"], k)
        shown[f"{key}:people named"] = show(row["people named"], k)
        outcome = protect({c: int(row[c]) for c in OUTCOMES}, k, int(row["reports"]))
        shown.update({f"{key}:{c}": s for c, s in outcome.items()})
        shown.update({f"{key}:{c}": show(row[c], k) for c in ACTED})
        groups += [
            Group(reports, tuple(f"{key}:{c}" for c in OUTCOMES)),
            Group(reports, tuple(f"{key}:{c}" for c in ACTED), sums=False),
        ]
    groups.append(Group("total", tuple(f"{key}:reports" for key in keys)))
    per_event = {
        f"event:{e}": int(n) for e, n in zip(events["event_id"], events["reports"], strict=True)
    }
    cells.update(per_event)
    shown.update(protect(per_event, k, total))
    groups.append(Group("total", tuple(per_event)))
    return protect_page(cells, shown, groups, k, keep=("total",))


def load(
    store: str | Path | None,
    year: int | None = None,
    half: bool = False,
    min_count: int = DEFAULT_MIN_COUNT,
) -> YearlyView:
    """Read every case's statistics and count them, for the yearly report."""
    from cocdata.store import Store

    opened = Store.open(store, create=False)
    return view_of(yearly_records(opened), year, half, min_count)


# -- the sections ------------------------------------------------------------------


def span(view: YearlyView) -> str:
    """The years the report covers: '2024', or '2000–2024'."""
    if view.year is not None:
        return str(view.year)
    years = view.rows["year"]
    if years.empty:
        return ""
    first, last = int(years.min()), int(years.max())
    return str(first) if first == last else f"{first}–{last}"


def header(view: YearlyView) -> list[Block]:
    """The title, the years covered, how many events and reports, and the day published."""
    from cocdata.reports.transparency import day

    facts = {
        say("fact", "years"): span(view),
        say("fact", "events"): str(len(view.events)),
        say("fact", "total"): view.shown["total"].text,
        say("fact", "published"): day(view.published_on),
    }
    return [heading(say("title", span(view)), 1), text(say("intro")), field_list(facts)]


def outcomes(view: YearlyView) -> list[Block]:
    """The published table, one row per year (or half-year), and a chart of the reports."""
    from cocdata.reports.transparency import bar_chart

    blocks = [heading(say("heading", "table"), 2)]
    if view.total == 0:
        return [*blocks, text(say("nothing"))]
    keys = view.period_keys()
    labels = [period_label(y, h) for y, h in zip(view.rows["year"], view.rows["half"], strict=True)]
    if all_withheld({key: view.shown[f"{key}:reports"] for key in keys}):
        return [*blocks, text(say("withheld", view.min_count))]
    first = say("column", "half" if view.half else "year")
    columns = {first: labels}
    for column in COUNT_COLUMNS:
        columns[say("column", column)] = [view.shown[f"{key}:{column}"].text for key in keys]
    unit = say("column", "reports")
    chart_title = say("chart_title", view.half)
    bars = [(label, view.shown[f"{key}:reports"]) for label, key in zip(labels, keys, strict=True)]
    return [*blocks, table(pd.DataFrame(columns)), bar_chart(bars, chart_title, unit)]


def by_event(view: YearlyView) -> list[Block]:
    """The reports of each event in the period, oldest event first."""
    blocks = [heading(say("heading", "events"), 2)]
    if view.events.empty:
        return [*blocks, text(say("nothing"))]
    cells = {e: view.shown[f"event:{e}"] for e in view.events["event_id"]}
    if all_withheld(cells):
        return [*blocks, text(say("withheld", view.min_count))]
    frame = pd.DataFrame(
        {
            say("column", "event"): view.events["name"],
            say("column", "dates"): view.events["dates"],
            say("column", "reports"): [cells[e].text for e in view.events["event_id"]],
        }
    )
    return [*blocks, table(frame)]


def rules(view: YearlyView) -> list[Block]:
    """How the report counts (see :mod:`cocdata.analysis.yearly`)."""
    lines = say("rules").splitlines()
    if view.min_count > 1:
        lines.append(say("suppression", view.min_count))
    return [heading(say("heading", "rules"), 2), *[text(f"• {line}") for line in lines]]


def index_label(year: int | None, half: bool) -> str:
    """How the index names one yearly report: '2024', 'All years, by half-year'."""
    return say("index_span", year or "", half)
