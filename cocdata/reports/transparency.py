"""The public transparency report of one event: what it counts, what it says, what it shows.

The template ``notebooks/templates/transparency.ipynb`` takes a store, an
event id and the small-count threshold, calls :func:`load`, and shows one
section per cell: the event and its period; the reports in numbers; reports
by kind of behaviour (the code of conduct clause); matters outside the code
of conduct, counted apart; actions taken; one anonymised line per described
case; and the counting rules.

What the report can see is decided here, once, by :data:`PUBLIC_COLUMNS`:
:func:`public_records` asks the store for these columns only, and parquet
reads nothing else from disk. Names, contacts, descriptions, timelines,
evidence, who received a report and who acted never enter the kernel that
renders a public report; the only free text read is the public summary,
which the team writes for publication. A case line is built from that
summary and the labels of the actions taken, nothing else.

Counting rules (stated in the report by :func:`rules`):

- Each case is one report. A follow-up report about an incident while its
  case is open is added to that case, so it is never counted again.
- Cases count with the event they concern, whenever the report was received;
  the report says over which months they were received.
- A case with several kinds of behaviour counts once under each.
- A case whose every category is outside the code of conduct (police
  matters, theft, ...) is a matter outside the code, counted apart from the
  reports under it; it still counts in the total of reports received.
- Actions count for decided and closed cases, once per kind of action.
  Open cases count in the totals and by kind of behaviour, and are not
  described.
- A case is described only when the team marked it for the transparency
  report, it is decided or closed, it has a public summary, and every
  count it falls under is published exactly (see
  :mod:`cocdata.reports.disclosure`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

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
from cocdata.reports.present import Block, chart, field_list, heading, table, text
from cocdata.reports.wording import say

if TYPE_CHECKING:
    from cocdata.model import Event
    from cocdata.store import Store
    from cocdata.tables import Frames
    from cocdata.vocab import Vocabularies

PUBLIC_COLUMNS = (
    "event_id",
    "status",
    "categories",
    "report.made_at",
    "actions.list.element.kind",
    "include_public",
    "identity.public_summary",
)
"""Every column a public report reads (with the case id and revision): statistics and
the public summary. Parquet paths: one field of a struct, or of a list of structs."""

DECIDED = ("decided", "closed")
"""Statuses of cases whose outcome is settled: their actions count and they may be described."""

UNCATEGORISED = "not-categorised"
UNCATEGORISED_LABEL = say("uncategorised")
NO_ACTION_RECORDED = "none-recorded"
NO_ACTION_RECORDED_LABEL = say("no_action")

BAR_COLOUR = "#4c72b0"


# -- reading only what may be published ---------------------------------------


def public_records(store: Store, event_ids: Collection[str] | None = None) -> Frames:
    """The cases of ``event_ids`` (all events if None) as frames, read from public columns only.

    ``cases`` has ``case_id, event_id, status, categories, made_at,
    include_public, public_summary``; ``actions`` has ``case_id, pos, kind``;
    ``events`` every event of the store. ``people``, ``timeline``,
    ``evidence`` and ``revisions`` are empty: a public report never reads them.
    """
    import pyarrow.compute as pc

    from cocdata.tables import Frames

    table = store.read_heads(PUBLIC_COLUMNS)
    _check_public(table)
    if event_ids is not None:
        table = table.filter(pc.is_in(table["event_id"], pa.array(list(event_ids), pa.string())))
    report = table["report"].combine_chunks()
    identity = table["identity"].combine_chunks()
    cases = pa.table(
        {
            "case_id": table["case_id"],
            "event_id": table["event_id"],
            "status": table["status"],
            "categories": table["categories"],
            "made_at": pc.struct_field(report, "made_at"),
            "include_public": pc.fill_null(table["include_public"], False),
            "public_summary": pc.struct_field(identity, "public_summary"),
        }
    )
    actions = table["actions"].combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(actions), 0).to_numpy(zero_copy_only=False)
    owners = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum(lengths) - lengths
    action_table = pa.table(
        {
            "case_id": table["case_id"].take(pa.array(owners, pa.int64())),
            "pos": pa.array(np.arange(len(owners)) - np.repeat(starts, lengths), pa.int32()),
            "kind": pc.struct_field(pc.list_flatten(actions), "kind"),
        }
    )
    events = pd.DataFrame(
        [e.model_dump() for e in store.events().values()],
        columns=["id", "name", "start", "end", "location", "attendees", "organiser"],
    )
    empty = pd.DataFrame({"case_id": pd.Series(dtype="str")})
    return Frames(
        cases=_pandas(cases),
        people=empty,
        timeline=empty,
        actions=_pandas(action_table),
        evidence=empty,
        events=events,
        revisions=empty,
    )


def _pandas(table: pa.Table) -> pd.DataFrame:
    # List columns stay arrow lists, as in the store's own frames.
    return table.to_pandas(types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_list(t) else None)


def _check_public(table: pa.Table) -> None:
    """Refuse a table holding more than the public columns (a store that ignored the selection)."""
    allowed = {*PUBLIC_COLUMNS, "case_id", "rev"}
    extra = [
        path
        for path in _leaf_paths(table.schema)
        if not any(path == a or path.startswith(f"{a}.") for a in allowed)
    ]
    if extra:
        raise ReportFailed(
            f"The store returned columns a public report must not read: {', '.join(extra)}.",
            "This is a bug in cocdata; nothing was rendered. Please report it.",
        )


def _leaf_paths(fields: Iterable[pa.Field], prefix: str = "") -> list[str]:
    """Every leaf column as a parquet path: ``report.made_at``, ``actions.list.element.kind``."""
    out = []
    for f in fields:
        path, kind = f"{prefix}{f.name}", f.type
        while pa.types.is_list(kind) or pa.types.is_large_list(kind):
            path, kind = f"{path}.list.element", kind.value_type
        if pa.types.is_struct(kind):
            out += _leaf_paths(list(kind), f"{path}.")
        else:
            out.append(path)
    return out


# -- counting ---------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The exact counts of one event's cases. Never shown as such: see :class:`Published`."""

    total: int
    within: int
    outside: int
    open: int
    decided: int
    coc: pd.DataFrame
    """``category, label, cases``: cases under the code per code-of-conduct category."""
    outside_kinds: pd.DataFrame
    """``category, label, cases``: cases per category outside the code."""
    actions: pd.DataFrame
    """``action, label, cases``: decided or closed cases per kind of action taken."""
    received: tuple[dt.date, dt.date] | None
    """First and last day a report was received, or None without reports."""


def _outside_only(categories: pd.Series, outside: frozenset[str]) -> pd.Series:
    return pd.Series(
        [bool(len(c)) and all(x in outside for x in c) for c in _lists(categories)],
        index=categories.index,
        dtype=bool,
    )


def _lists(values: pd.Series) -> list[list[str]]:
    return [list(v) if v is not None and not _missing(v) else [] for v in values]


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def tally(records: Frames, vocab: Vocabularies) -> Tally:
    """Count one event's cases by the rules in this module's docstring."""
    from cocdata.analysis.trends import category_mix

    cases = records.cases
    total = len(cases)
    outside_only = _outside_only(cases["categories"], vocab.outside_coc)
    decided = cases["status"].isin(DECIDED).to_numpy()
    mix = category_mix(records, vocab)
    order = {c: i for i, c in enumerate(vocab.categories)}
    mix = mix.assign(_order=mix["category"].map(order).fillna(len(order))).sort_values(
        ["_order", "category"]
    )
    coc = mix.loc[~mix["outside_coc"], ["category", "label", "cases"]]
    uncategorised = int(sum(1 for c in _lists(cases["categories"]) if not c))
    if uncategorised:
        coc = pd.concat(
            [
                coc,
                pd.DataFrame(
                    {
                        "category": [UNCATEGORISED],
                        "label": [UNCATEGORISED_LABEL],
                        "cases": [uncategorised],
                    }
                ),
            ]
        )
    outside_kinds = mix.loc[mix["outside_coc"], ["category", "label", "cases"]]
    return Tally(
        total=total,
        within=int(total - outside_only.sum()),
        outside=int(outside_only.sum()),
        open=int(total - decided.sum()),
        decided=int(decided.sum()),
        coc=coc.reset_index(drop=True).astype({"cases": "int64"}),
        outside_kinds=outside_kinds.reset_index(drop=True).astype({"cases": "int64"}),
        actions=_action_counts(records, vocab),
        received=(
            (cases["made_at"].min().date(), cases["made_at"].max().date())
            if total and cases["made_at"].notna().any()
            else None
        ),
    )


def _action_counts(records: Frames, vocab: Vocabularies) -> pd.DataFrame:
    cases = records.cases
    settled = cases.loc[cases["status"].isin(DECIDED), "case_id"]
    kinds = records.actions.loc[records.actions["case_id"].isin(settled), ["case_id", "kind"]]
    per_kind = kinds.drop_duplicates().groupby("kind").size()
    order = list(vocab.actions)
    rows = [
        {"action": kind, "label": vocab.label("actions", kind), "cases": int(per_kind[kind])}
        for kind in sorted(per_kind.index, key=lambda k: (k not in order, _index(order, k), k))
    ]
    without = int(len(settled) - kinds["case_id"].nunique())
    if without:
        rows.append(
            {"action": NO_ACTION_RECORDED, "label": NO_ACTION_RECORDED_LABEL, "cases": without}
        )
    return pd.DataFrame(rows, columns=["action", "label", "cases"]).astype({"cases": "int64"})


def _index(order: list[str], key: str) -> int:
    return order.index(key) if key in order else len(order)


# -- what may be published --------------------------------------------------


@dataclass(frozen=True)
class Published:
    """One event's counts as the public report shows them, every one through
    :func:`cocdata.reports.disclosure.protect`."""

    min_count: int
    total: Shown
    within: Shown
    outside: Shown
    open: Shown
    decided: Shown
    coc: dict[str, Shown]
    outside_kinds: dict[str, Shown]
    actions: dict[str, Shown]
    labels: dict[str, str]
    """Plain label of every category and action id above."""


def publish(counts: Tally, k: int) -> Published:
    """Apply small-count suppression with threshold ``k`` to every count of ``counts``.

    Each table is protected on its own first; then every figure of the page
    is checked together (:func:`cocdata.reports.disclosure.protect_page`),
    so that no hidden count can be worked out from the totals, the other
    tables or their sums.
    """
    k = check_min_count(k)
    total = show(counts.total, k)
    split = protect({"within": counts.within, "outside": counts.outside}, k, counts.total)
    progress = protect({"open": counts.open, "decided": counts.decided}, k, counts.total)
    labels = {
        **dict(zip(counts.coc["category"], counts.coc["label"], strict=True)),
        **dict(zip(counts.outside_kinds["category"], counts.outside_kinds["label"], strict=True)),
        **dict(zip(counts.actions["action"], counts.actions["label"], strict=True)),
    }
    tables = {
        "coc": (_series(counts.coc, "category"), counts.within, "within"),
        "out": (_series(counts.outside_kinds, "category"), counts.outside, "outside"),
        "act": (_series(counts.actions, "action"), counts.decided, "decided"),
    }
    cells: dict[str, int] = {
        "total": counts.total,
        "within": counts.within,
        "outside": counts.outside,
        "open": counts.open,
        "decided": counts.decided,
    }
    shown: dict[str, Shown] = {"total": total, **split, **progress}
    groups = [
        Group("total", ("within", "outside")),
        Group("total", ("open", "decided")),
    ]
    for prefix, (series, of, total_key) in tables.items():
        protected = protect(series, k, of)
        keys = tuple(f"{prefix}:{key}" for key in series)
        cells.update(zip(keys, series.values(), strict=True))
        shown.update(zip(keys, protected.values(), strict=True))
        groups += [Group(total_key, keys), Group("total", keys, sums=False)]
    shown = protect_page(cells, shown, groups, k, keep=("total",))

    def table_of(prefix: str) -> dict[str, Shown]:
        return {key: shown[f"{prefix}:{key}"] for key in tables[prefix][0]}

    return Published(
        min_count=k,
        total=shown["total"],
        within=shown["within"],
        outside=shown["outside"],
        open=shown["open"],
        decided=shown["decided"],
        coc=table_of("coc"),
        outside_kinds=table_of("out"),
        actions=table_of("act"),
        labels=labels,
    )


def _series(frame: pd.DataFrame, key: str) -> dict[str, int]:
    return {str(k): int(n) for k, n in zip(frame[key], frame["cases"], strict=True)}


@dataclass(frozen=True)
class CaseLine:
    """One described case: its public summary and the actions taken, nothing else."""

    summary: str
    actions: tuple[str, ...]

    def __str__(self) -> str:
        taken = "; ".join(self.actions) if self.actions else NO_ACTION_RECORDED_LABEL.lower()
        return say("case_line", self.summary, taken)


def case_lines(records: Frames, vocab: Vocabularies, shown: Published) -> list[CaseLine]:
    """The described cases (the inclusion rule of this module's docstring), in a fixed order.

    The order follows the category and action vocabularies, then the text:
    never the order the reports came in, which could date them.
    """
    cases = records.cases
    actions = records.actions.groupby("case_id")["kind"].agg(list).to_dict()
    cat_order = {c: i for i, c in enumerate(vocab.categories)}
    act_order = {a: i for i, a in enumerate(vocab.actions)}
    exact = {
        **{k: s.exact for k, s in shown.coc.items()},
        **{k: s.exact for k, s in shown.outside_kinds.items()},
    }
    exact_actions = {k: s.exact for k, s in shown.actions.items()}
    lines: list[tuple[tuple[Any, ...], CaseLine]] = []
    for row, categories in zip(
        cases.itertuples(index=False), _lists(cases["categories"]), strict=True
    ):
        summary = " ".join(str(row.public_summary or "").split())
        if not (row.include_public and row.status in DECIDED and summary and shown.total.exact):
            continue
        kinds = list(dict.fromkeys(actions.get(row.case_id, [])))
        keys = categories or [UNCATEGORISED]
        if not all(exact.get(c, False) for c in keys):
            continue
        if not all(exact_actions.get(a, False) for a in (kinds or [NO_ACTION_RECORDED])):
            continue
        kinds.sort(key=lambda a: (act_order.get(a, len(act_order)), a))
        line = CaseLine(summary, tuple(vocab.label("actions", a) for a in kinds))
        first = min((cat_order.get(c, len(cat_order)) for c in keys), default=len(cat_order))
        lines.append(((first, kinds and act_order.get(kinds[0], 0), summary), line))
    return [line for _, line in sorted(lines, key=lambda item: item[0])]


# -- the view a template renders ------------------------------------------------


@dataclass(frozen=True)
class PublicView:
    """Everything one transparency report shows, loaded once from public columns."""

    event: Event
    records: Frames
    vocab: Vocabularies
    counts: Tally
    shown: Published
    lines: Sequence[CaseLine]
    published_on: dt.date

    @property
    def min_count(self) -> int:
        return self.shown.min_count


def load(store: str | Path | None, event_id: str, min_count: int = DEFAULT_MIN_COUNT) -> PublicView:
    """Read one event's public records and count them, for its transparency report."""
    from cocdata.store import Store

    k = check_min_count(min_count)
    opened = Store.open(store, create=False)
    event = opened.event(event_id)
    return view_of(event, public_records(opened, [event_id]), opened.vocab, k)


def view_of(event: Event, records: Frames, vocab: Vocabularies, k: int) -> PublicView:
    """The view of one event's public records (the cases of other events are left out)."""
    mine = records.cases["event_id"] == event.id
    if not mine.all():
        keep = records.cases.loc[mine, "case_id"]
        records = dataclasses.replace(
            records,
            cases=records.cases[mine].reset_index(drop=True),
            actions=records.actions[records.actions["case_id"].isin(keep)].reset_index(drop=True),
        )
    counts = tally(records, vocab)
    shown = publish(counts, k)
    return PublicView(
        event=event,
        records=records,
        vocab=vocab,
        counts=counts,
        shown=shown,
        lines=case_lines(records, vocab, shown),
        published_on=dt.date.today(),
    )


# -- how things read ---------------------------------------------------------


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
    return [heading(say("title", e.name), 1), text(say("intro")), field_list(facts)]


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
    return [heading(say("heading", "rules"), 2), *[text(f"• {line}") for line in lines]]


def _short(label: str) -> str:
    """'Theft (outside the code of conduct)' -> 'theft'."""
    return label.split(" (")[0].strip().lower()


# -- charts --------------------------------------------------------------------


def bar_chart(bars: list[tuple[str, Shown]], title: str, unit: str = "Reports") -> Block:
    """Horizontal bars of published counts, (label, shown count) from top to bottom.

    A suppressed count is drawn hatched at height k and a coarsened one at
    its lower bound; hover texts and bar labels are the published words,
    so the figure's data holds no count the table does not show. ``unit``
    is the axis title: the same word as the table's count column.
    """
    import plotly.graph_objects as go

    bars = bars[::-1]  # plotly draws the first bar at the bottom
    labels = [label for label, _ in bars]
    fig = go.Figure(
        go.Bar(
            x=[s.height for _, s in bars],
            y=labels,
            orientation="h",
            text=[s.text for _, s in bars],
            textposition="outside",
            customdata=[s.text for _, s in bars],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
            marker={
                "color": BAR_COLOUR,
                "pattern": {"shape": ["" if s.exact else "/" for _, s in bars]},
            },
        )
    )
    top = max((s.height for _, s in bars), default=1)
    fig.update_layout(
        template="simple_white",
        title={"text": title},
        height=max(240, 90 + 34 * len(bars)),
        margin={"l": 10, "r": 40, "t": 60, "b": 40},
        showlegend=False,
        xaxis={"title": {"text": unit}, "range": [0, top * 1.25 + 1], "dtick": _dtick(top)},
        yaxis={"automargin": True, "categoryorder": "array", "categoryarray": labels},
    )
    return chart(fig, alt=say("chart_alt", title), height=fig.layout.height)


def _dtick(top: int) -> int:
    return max(1, round(top / 6))


# -- rendering -----------------------------------------------------------------


def event_ids_of(store: Store) -> list[str]:
    """Every event of the store, oldest first."""
    events = store.events()
    return sorted(events, key=lambda e: (events[e].start, e))


def check_event_ids(store: Store, event_ids: Sequence[str]) -> list[str]:
    """The ids, in order and once each; refuses unknown ones before any kernel starts."""
    known = store.events()
    missing = [e for e in event_ids if e not in known]
    if missing:
        sample = ", ".join(event_ids_of(store)[:8]) or "none yet"
        raise NotFound(
            f"There is no event {', '.join(map(repr, missing))} in the store at {store.root}.",
            f"Events in the store: {sample}. Or render every event with --all.",
        )
    return list(dict.fromkeys(event_ids))
