"""Find a case by code name, event, status or the name of someone involved."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from cocdata.forms import fields as F
from cocdata.forms.labels import STATUS_LABELS
from cocdata.store import Store, StoredCase
from cocdata.vocab import STATUSES

ALL = "__all__"
MAX_RESULTS = 200


class CaseFinder:
    """Find a case by code name, event, status or the name of someone involved."""

    def __init__(self, store: Store, on_open: Callable[[str], None]) -> None:
        self.store = store
        self.on_open = on_open
        self.cases: list[StoredCase] = []
        self.query = F.text(
            "find.text",
            "Code name or person",
            "Part of a code name (amber-falcon) or of the name of anyone involved.",
        )
        self.event = F.choice("find.event", "Event", [("All events", ALL)], value=ALL)
        self.status = F.choice(
            "find.status",
            "Status",
            [("Any status", ALL), *[(STATUS_LABELS[s], s) for s in STATUSES]],
            value=ALL,
        )
        self.results = W.Select(
            options=[],
            rows=8,
            description="Cases found",
            layout=F.layout("full"),
            style=F.style("description"),
        )
        self.results.add_class("cocdata-find-results")
        self.count = F.html_widget("")
        self.count.add_class("cocdata-find-count")
        self.open_button = F.button("Open case", "cocdata-open-case", "primary")
        self.open_button.on_click(lambda _: self.open_selected())
        self.refresh_button = F.button(
            "Refresh list", "cocdata-find-refresh", tip="Read the store again"
        )
        self.refresh_button.on_click(lambda _: self.refresh())
        for field in (self.query, self.event, self.status):
            field.observe(lambda _: self.search())
        self.widget = F.vbox(
            [
                F.row([self.query.box, self.event.box, self.status.box]),
                F.Field("find.results", self.results, wide=True).box,
                self.count,
                F.row([self.open_button, self.refresh_button], "cocdata-buttons"),
            ]
        )
        self.widget.add_class("cocdata-finder")
        self.refresh()

    def refresh(self) -> None:
        """Read the store again (new cases, new revisions)."""
        self.cases = self.store.load_all()
        events = self.store.events()
        chosen = self.event.value
        self.event.widget.options = [
            ("All events", ALL),
            *[(e.name, e.id) for e in sorted(events.values(), key=lambda e: e.start, reverse=True)],
        ]
        self.event.value = chosen if chosen in events else ALL
        self.search()

    def update(self, stored: StoredCase) -> None:
        """Show a case's newest revision in the list without reading the whole store."""
        self.cases = [c for c in self.cases if c.case_id != stored.case_id] + [stored]
        chosen = self.results.value
        self.search()
        if chosen in {v for _, v in self.results.options}:
            self.results.value = chosen

    def matches(self) -> list[StoredCase]:
        """The cases that fit the search, newest report first."""
        words = self.query.value.strip().lower()
        found = []
        for stored in self.cases:
            case = stored.case
            if self.event.value != ALL and case.event.id != self.event.value:
                continue
            if self.status.value != ALL and case.status != self.status.value:
                continue
            if words:
                names = [stored.case_id, case.report.made_by or ""]
                names += [p.name or "" for p in case.people]
                names += [p.person or "" for p in case.people]
                if not any(words in n.lower() for n in names):
                    continue
            found.append(stored)
        return sorted(found, key=lambda s: s.case.report.made_at, reverse=True)

    def search(self) -> None:
        found = self.matches()
        shown = found[:MAX_RESULTS]
        self.results.options = [
            (
                f"{s.case_id} · {s.case.event.name} · {s.case.status} · "
                f"reported {s.case.report.made_at:%Y-%m-%d %H:%M}",
                s.case_id,
            )
            for s in shown
        ]
        more = (
            f" (showing the newest {MAX_RESULTS}; narrow the search)"
            if len(found) > len(shown)
            else ""
        )
        self.count.value = F.esc(f"{len(found)} case{'s' if len(found) != 1 else ''} found{more}")
        if len(shown) == 1:
            self.results.value = shown[0].case_id

    def open_selected(self) -> None:
        if self.results.value:
            self.on_open(self.results.value)
        else:
            self.count.value = F.esc("Choose a case in the list first, then open it.")
