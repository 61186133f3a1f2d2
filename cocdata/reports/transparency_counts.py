"""The counts of one event's transparency report: exact, then as they may be published.

Counting rules (stated in the report by
:func:`cocdata.reports.transparency_sections.rules`):

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
  :mod:`cocdata.reports.disclosure`). A preliminary report describes none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from cocdata.reports.disclosure import (
    Group,
    Shown,
    check_min_count,
    protect,
    protect_page,
    show,
)
from cocdata.reports.wording import say

if TYPE_CHECKING:
    from cocdata.tables import Frames
    from cocdata.vocab import Vocabularies

DECIDED = ("decided", "closed")
"""Statuses of cases whose outcome is settled: their actions count and they may be described."""

UNCATEGORISED = "not-categorised"
UNCATEGORISED_LABEL = say("uncategorised")
NO_ACTION_RECORDED = "none-recorded"
NO_ACTION_RECORDED_LABEL = say("no_action")


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


def _present(value: Any) -> bool:
    return value is not None and not _missing(value)


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


@dataclass
class PageCells:
    """Figures of a page for :func:`cocdata.reports.disclosure.protect_page`: true counts,
    each as shown on its own table, how they relate, and which are coarsened last."""

    counts: dict[str, int] = field(default_factory=dict)
    shown: dict[str, Shown] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)

    def add(self, other: PageCells) -> None:
        self.counts.update(other.counts)
        self.shown.update(other.shown)
        self.groups += other.groups
        self.keep += other.keep


_TABLES = {"coc": "coc", "out": "outside_kinds", "act": "actions"}
_TABLE_TOTALS = {"coc": "within", "out": "outside", "act": "decided"}
_HEADLINE = ("total", "within", "outside", "open", "decided")


def edition_cells(counts: Tally, k: int, prefix: str = "") -> PageCells:
    """Every figure of one edition's counts, each table protected on its own first.

    ``prefix`` sets the figures of one edition apart from another's on the same page.
    """
    p = prefix
    cells = PageCells(keep=[f"{p}total"])
    cells.counts.update({f"{p}{key}": getattr(counts, key) for key in _HEADLINE})
    cells.shown[f"{p}total"] = show(counts.total, k)
    split = protect({"within": counts.within, "outside": counts.outside}, k, counts.total)
    progress = protect({"open": counts.open, "decided": counts.decided}, k, counts.total)
    cells.shown.update({f"{p}{key}": s for key, s in {**split, **progress}.items()})
    cells.groups += [
        Group(f"{p}total", (f"{p}within", f"{p}outside")),
        Group(f"{p}total", (f"{p}open", f"{p}decided")),
    ]
    for table_key, attr in _TABLES.items():
        key_column = "action" if table_key == "act" else "category"
        series = _series(getattr(counts, attr), key_column)
        of = _TABLE_TOTALS[table_key]
        protected = protect(series, k, getattr(counts, of))
        keys = tuple(f"{p}{table_key}:{key}" for key in series)
        cells.counts.update(zip(keys, series.values(), strict=True))
        cells.shown.update(zip(keys, protected.values(), strict=True))
        cells.groups += [Group(f"{p}{of}", keys), Group(f"{p}total", keys, sums=False)]
    return cells


def published_of(counts: Tally, shown: dict[str, Shown], k: int, prefix: str = "") -> Published:
    """One edition's :class:`Published` from the protected figures of its page."""
    p = prefix
    labels = {
        **dict(zip(counts.coc["category"], counts.coc["label"], strict=True)),
        **dict(zip(counts.outside_kinds["category"], counts.outside_kinds["label"], strict=True)),
        **dict(zip(counts.actions["action"], counts.actions["label"], strict=True)),
    }

    def table_of(table_key: str) -> dict[str, Shown]:
        key_column = "action" if table_key == "act" else "category"
        frame = getattr(counts, _TABLES[table_key])
        return {str(key): shown[f"{p}{table_key}:{key}"] for key in frame[key_column]}

    return Published(
        min_count=k,
        **{key: shown[f"{p}{key}"] for key in _HEADLINE},
        coc=table_of("coc"),
        outside_kinds=table_of("out"),
        actions=table_of("act"),
        labels=labels,
    )


def publish(counts: Tally, k: int) -> Published:
    """Apply small-count suppression with threshold ``k`` to every count of ``counts``.

    Each table is protected on its own first; then every figure of the page
    is checked together (:func:`cocdata.reports.disclosure.protect_page`),
    so that no hidden count can be worked out from the totals, the other
    tables or their sums.
    """
    k = check_min_count(k)
    cells = edition_cells(counts, k)
    shown = protect_page(cells.counts, cells.shown, cells.groups, k, keep=cells.keep)
    return published_of(counts, shown, k)


def _series(frame: pd.DataFrame, key: str) -> dict[str, int]:
    return {str(k): int(n) for k, n in zip(frame[key], frame["cases"], strict=True)}


@dataclass(frozen=True)
class CaseLine:
    """One described case: its public summary and the actions taken, nothing else; for the
    incidents layout also its number (``YYYY-N``) and the kind of space it happened in."""

    summary: str
    actions: tuple[str, ...]
    number: str = ""
    space: str | None = None

    def __str__(self) -> str:
        taken = "; ".join(self.actions) if self.actions else NO_ACTION_RECORDED_LABEL.lower()
        return say("case_line", self.summary, taken)


def incident_numbers(cases: pd.DataFrame, year: int) -> dict[str, str]:
    """Each case's number ``YYYY-N``: the event's year and the case's place among the event's
    cases in the order they were reported (then by id). A case reported later never
    renumbers an earlier one, so a number stays the same from one rendering to the next."""
    order = cases.sort_values(["made_at", "case_id"], kind="stable")["case_id"]
    return {str(case_id): f"{year}-{n}" for n, case_id in enumerate(order, start=1)}


def case_lines(
    records: Frames, vocab: Vocabularies, shown: Published, year: int | None = None
) -> list[CaseLine]:
    """The described cases (the inclusion rule of this module's docstring), in a fixed order.

    The order follows the category and action vocabularies, then the text:
    never the order the reports came in, which could date them. With ``year``
    each line has its incident number.
    """
    cases = records.cases
    numbers = incident_numbers(cases, year) if year is not None else {}
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
        line = CaseLine(
            summary,
            tuple(vocab.label("actions", a) for a in kinds),
            numbers.get(str(row.case_id), ""),
            vocab.label("spaces", row.space) if _present(row.space) else None,
        )
        first = min((cat_order.get(c, len(cat_order)) for c in keys), default=len(cat_order))
        lines.append(((first, kinds and act_order.get(kinds[0], 0), summary), line))
    return [line for _, line in sorted(lines, key=lambda item: item[0])]
