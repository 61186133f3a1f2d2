"""Filter widgets for the analysis notebooks: events, date range, categories, one case.

A ``FilterPanel`` holds the store's frames and the current filters. Each
notebook section calls ``panel.show(analysis_function, chart_function)``:
the section is computed from the selected cases and displayed at once, as
ordinary cell outputs (so papermill and exported reports keep them), and is
redrawn in place whenever the filters are applied again in JupyterLab.
Figures and tables go through ``cocdata.reports.present`` (escaped tables,
charts that render both live and in exports).
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import display, update_display

from cocdata import notebook_errors
from cocdata.analysis.selection import DateLike, describe_selection, select
from cocdata.errors import CocdataError, NotFound, UsageError
from cocdata.reports import present
from cocdata.store import Store
from cocdata.tables import Frames
from cocdata.vocab import Vocabularies

TABLE_ROWS = 25
"""Rows of a section's table shown below its chart; the caption says when there are more."""
CASE_CHOICES = 500
"""Most recent case ids offered in the case picker (any id can still be typed)."""


@dataclass
class _Section:
    compute: Callable[..., pd.DataFrame]
    draw: Callable[[pd.DataFrame], Any] | None
    table: bool
    rows: int
    options: dict[str, Any]
    slots: list[str] = field(default_factory=list)


def _date(value: DateLike) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        raise UsageError(
            f"{value!r} is not a date.", "Write it like 2024-05-31, or leave it empty for no limit."
        ) from None


def _ids(values: str | Iterable[str] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    return (values,) if isinstance(values, str) else tuple(values)


class FilterPanel:
    """Event, date-range and category filters over a store's frames, and the sections drawn from them.

    Build it with ``FilterPanel.open(store, events=..., start=..., end=...,
    categories=...)`` (the notebook's parameters), display it, then add
    sections with ``show``. ``pick_case=True`` adds a case picker for
    analyses of one case (``case_id``).
    """

    def __init__(
        self,
        frames: Frames,
        vocab: Vocabularies,
        events: str | Iterable[str] | None = None,
        start: DateLike = None,
        end: DateLike = None,
        categories: str | Iterable[str] | None = None,
        case_id: str | None = None,
        pick_case: bool = False,
    ) -> None:
        self.frames = frames
        self.vocab = vocab
        self.sections: list[_Section] = []
        self._status_id = f"cocdata-filters-{uuid.uuid4().hex[:12]}"
        ordered = frames.events.sort_values(["start", "id"], ascending=False)
        self.events_widget = widgets.SelectMultiple(
            options=[(f"{row.name} ({row.start})", row.id) for row in ordered.itertuples()],
            description="Events",
            rows=8,
            layout=widgets.Layout(width="34em"),
        )
        self.start_widget = widgets.DatePicker(description="From")
        self.end_widget = widgets.DatePicker(description="To")
        self.categories_widget = widgets.SelectMultiple(
            options=vocab.choices("categories"),
            description="Categories",
            rows=8,
            layout=widgets.Layout(width="34em"),
        )
        self.case_widget = widgets.Combobox(
            description="Case", placeholder="code name, e.g. amber-falcon", ensure_option=False
        )
        self.apply_button = widgets.Button(description="Apply filters", button_style="primary")
        self.apply_button.on_click(lambda _button: self.refresh())
        self.message = widgets.Label()
        self._pick_case = pick_case
        self.set_filters(events, start, end, categories, case_id)
        self.selection = self._select()
        self._offer_cases()

    @classmethod
    def open(
        cls,
        store: Store | str | os.PathLike[str] | None = None,
        events: str | Iterable[str] | None = None,
        start: DateLike = None,
        end: DateLike = None,
        categories: str | Iterable[str] | None = None,
        case_id: str | None = None,
        pick_case: bool = False,
    ) -> FilterPanel:
        """A panel over the store at ``store`` (``None``: ``$COCDATA_STORE`` or the default)."""
        opened = store if isinstance(store, Store) else Store.open(store, create=False)
        return cls(
            opened.frames(), opened.vocab, events, start, end, categories, case_id, pick_case
        )

    # -- filters ------------------------------------------------------------

    def set_filters(
        self,
        events: str | Iterable[str] | None = None,
        start: DateLike = None,
        end: DateLike = None,
        categories: str | Iterable[str] | None = None,
        case_id: str | None = None,
    ) -> None:
        """Put values into the widgets; unknown event or category ids are refused with the known ones."""
        event_ids, category_ids = _ids(events), _ids(categories)
        known_events = {value for _, value in self.events_widget.options}
        unknown = [e for e in event_ids if e not in known_events]
        if unknown:
            raise NotFound(
                f"There is no event {', '.join(map(repr, unknown))} in the store.",
                f"Pick events the store has, e.g. {', '.join(sorted(known_events)[:5]) or 'none yet'}.",
            )
        unknown = [c for c in category_ids if c not in self.vocab.categories]
        if unknown:
            raise UsageError(
                f"{', '.join(map(repr, unknown))} is not a category of this store.",
                f"Use category ids such as {', '.join(list(self.vocab.categories)[:5])}.",
            )
        self.events_widget.value = event_ids
        self.start_widget.value = _date(start)
        self.end_widget.value = _date(end)
        self.categories_widget.value = category_ids
        self.case_widget.value = case_id or ""

    @property
    def filters(self) -> dict[str, Any]:
        """The filters as the widgets hold them, in the keywords ``select`` takes."""
        return {
            "events": list(self.events_widget.value) or None,
            "start": self.start_widget.value,
            "end": self.end_widget.value,
            "categories": list(self.categories_widget.value) or None,
        }

    @property
    def case_id(self) -> str | None:
        """The case picked (or given as a parameter), if any."""
        value = self.case_widget.value.strip()
        return value or None

    def _select(self) -> Frames:
        return select(self.frames, **self.filters)

    def describe(self) -> str:
        """What the current selection holds, in one sentence."""
        return describe_selection(self.selection, **self.filters)

    def _offer_cases(self) -> None:
        if not self._pick_case:
            return
        recent = self.selection.cases.sort_values("made_at", ascending=False).head(CASE_CHOICES)
        self.case_widget.options = tuple(recent["case_id"])
        if self.case_id is None and len(recent):
            self.case_widget.value = recent["case_id"].iloc[0]

    # -- display ------------------------------------------------------------

    def widget(self) -> widgets.Widget:
        """The filter widgets with the apply button and the message line."""
        rows = [
            widgets.HBox([self.events_widget, self.categories_widget]),
            widgets.HBox([self.start_widget, self.end_widget]),
        ]
        if self._pick_case:
            rows.append(self.case_widget)
        rows.append(widgets.HBox([self.apply_button, self.message]))
        return widgets.VBox(rows)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.describe()
        return bundle

    def show_selection(self) -> None:
        """Display what is selected as text that exported reports keep and filters update."""
        display(present.text(self.describe()), display_id=self._status_id)

    def show(
        self,
        compute: Callable[..., pd.DataFrame],
        draw: Callable[[pd.DataFrame], Any] | None = None,
        table: bool = True,
        rows: int = TABLE_ROWS,
        **options: Any,
    ) -> None:
        """Compute ``compute(selection)``, display ``draw(result)`` as a chart and the result as a table.

        ``compute`` gets the store's vocabularies as ``vocab`` and the picked
        case as ``case_id`` when its signature takes them, and ``options``
        as keywords. A mistake (say, a case not in the selection) shows as a
        message in place of the chart.
        """
        section = _Section(compute, draw, table, rows, options)
        blocks, _ = self._render(section)
        section.slots = [f"cocdata-section-{uuid.uuid4().hex[:12]}" for _ in blocks]
        for block, slot in zip(blocks, section.slots, strict=True):
            display(block, display_id=slot)
        self.sections.append(section)

    def _render(self, section: _Section) -> tuple[list[present.Block], pd.DataFrame | None]:
        accepted = inspect.signature(section.compute).parameters
        kwargs = dict(section.options)
        if "vocab" in accepted:
            kwargs["vocab"] = self.vocab
        if "case_id" in accepted:
            kwargs["case_id"] = self.case_id
        count = int(section.draw is not None) + int(section.table)
        try:
            if "case_id" in kwargs and kwargs["case_id"] is None:
                raise UsageError(
                    "No case is picked.", "Type or pick a case code name, then apply the filters."
                )
            result = section.compute(self.selection, **kwargs)
        except CocdataError as exc:
            return [present.text(str(exc))] + [present.text("")] * (max(count, 1) - 1), None
        blocks: list[present.Block] = []
        if section.draw is not None:
            blocks.append(present.chart(section.draw(result)))
        if section.table:
            shown = result.head(section.rows)
            caption = (
                f"First {len(shown)} of {len(result):,} rows" if len(result) > len(shown) else None
            )
            blocks.append(present.table(shown, caption=caption))
        return blocks or [present.text("")], result

    def refresh(self) -> None:
        """Apply the widgets' filters and redraw every section in place."""
        try:
            self.selection = self._select()
        except CocdataError as exc:
            self.message.value = str(exc).replace("\n", " ")
            return
        self.message.value = ""
        self._offer_cases()
        update_display(present.text(self.describe()), display_id=self._status_id)
        for section in self.sections:
            blocks, _ = self._render(section)
            slots = section.slots
            # A section keeps the number of outputs it started with.
            blocks = (blocks + [present.text("")] * len(slots))[: len(slots)]
            for block, slot in zip(blocks, slots, strict=True):
                update_display(block, display_id=slot)


def filter_panel(
    store: Store | str | os.PathLike[str] | None = None,
    events: str | Iterable[str] | None = None,
    start: DateLike = None,
    end: DateLike = None,
    categories: str | Iterable[str] | None = None,
    case_id: str | None = None,
    pick_case: bool = False,
) -> FilterPanel:
    """Open the store's frames behind a ``FilterPanel`` and show what is selected.

    Display the returned panel (last line of a cell) to get the widgets.
    """
    notebook_errors.install()  # a mistake shows as a message, not a traceback
    panel = FilterPanel.open(store, events, start, end, categories, case_id, pick_case)
    panel.show_selection()
    return panel
