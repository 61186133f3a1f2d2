"""Which cases an analysis looks at: loading a store's frames and narrowing them.

Every analysis takes the store's ``Frames`` and returns a tidy DataFrame. A
notebook or a widget first narrows the frames to some events, a date range
(by the date the report was received) and some categories; the narrowed
frames keep the same shape, so every analysis works on them unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from cocdata.analysis.tidy import isin
from cocdata.errors import NotFound, UsageError
from cocdata.store import Store
from cocdata.tables import Frames

DateLike = dt.date | dt.datetime | str | pd.Timestamp | None


def load_frames(store: Store | str | os.PathLike[str] | None = None) -> Frames:
    """The current state of a store as frames.

    ``store`` is an open ``Store``, a path, or ``None`` for ``$COCDATA_STORE``
    (else the default store). A missing store is an error, never created here.
    """
    if isinstance(store, Store):
        return store.frames()
    return Store.open(store, create=False).frames()


def _day(value: DateLike, name: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise UsageError(
            f"The {name} date {value!r} is not a date.",
            "Write it like 2024-05-31, or leave it empty for no limit.",
        ) from None
    return stamp.normalize()


def _as_list(values: str | Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return [values]
    return list(values)


def select(
    frames: Frames,
    events: str | Iterable[str] | None = None,
    start: DateLike = None,
    end: DateLike = None,
    categories: str | Iterable[str] | None = None,
) -> Frames:
    """The frames narrowed to the cases that match every filter given.

    - ``events``: event ids; the events frame keeps exactly these (even those
      with no reports), the cases those of these events.
    - ``start``/``end``: dates, both included, compared with the day the
      report was received (``made_at``); events keep those that overlap the
      range.
    - ``categories``: category ids; a case matches when it has at least one.

    ``None`` (or an empty list) means no filter. Unknown event ids raise
    ``NotFound`` with the ids that do exist.
    """
    event_ids = _as_list(events) or None
    category_ids = _as_list(categories) or None
    first, last = _day(start, "start"), _day(end, "end")
    if first is not None and last is not None and last < first:
        raise UsageError(
            f"The date range ends ({last:%Y-%m-%d}) before it starts ({first:%Y-%m-%d}).",
            "Swap the two dates.",
        )
    cases, event_frame = frames.cases, frames.events
    keep = np.ones(len(cases), dtype=bool)
    keep_events = np.ones(len(event_frame), dtype=bool)
    if event_ids is not None:
        unknown = sorted(set(event_ids) - set(event_frame["id"]))
        if unknown:
            known = ", ".join(sorted(event_frame["id"])[:10]) or "none"
            raise NotFound(
                f"There is no event {', '.join(map(repr, unknown))} in the store.",
                f"Pick events the store has (for example {known}).",
            )
        keep &= isin(cases["event_id"], event_ids)
        keep_events &= isin(event_frame["id"], event_ids)
    if first is not None or last is not None:
        made_day = cases["made_at"].dt.normalize()
        starts = pd.to_datetime(event_frame["start"])
        ends = pd.to_datetime(event_frame["end"])
        if first is not None:
            keep &= (made_day >= first).to_numpy()
            keep_events &= (ends >= first).to_numpy()
        if last is not None:
            keep &= (made_day <= last).to_numpy()
            keep_events &= (starts <= last).to_numpy()
        # An event outside the range still shows if one of its cases is inside.
        keep_events |= isin(event_frame["id"], cases.loc[keep, "event_id"])
    if category_ids is not None:
        wanted = set(category_ids)
        keep &= np.fromiter(
            (not wanted.isdisjoint(c) for c in cases["categories"]), dtype=bool, count=len(cases)
        )
    if keep.all() and keep_events.all():
        return frames
    chosen = cases.loc[keep, "case_id"]
    narrowed = {
        name: _rows_of(getattr(frames, name), chosen)
        for name in ("people", "timeline", "actions", "evidence", "revisions")
    }
    return dataclasses.replace(
        frames,
        cases=cases[keep].reset_index(drop=True),
        events=event_frame[keep_events].reset_index(drop=True),
        **narrowed,
    )


def _rows_of(frame: pd.DataFrame, case_ids: pd.Series) -> pd.DataFrame:
    return frame[isin(frame["case_id"], case_ids)].reset_index(drop=True)


def describe_selection(
    frames: Frames,
    events: str | Iterable[str] | None = None,
    start: DateLike = None,
    end: DateLike = None,
    categories: str | Iterable[str] | None = None,
) -> str:
    """One sentence saying what a selection holds, for the top of a notebook."""
    event_ids = _as_list(events)
    parts = [
        f"{len(frames.cases):,} case(s) from {len(frames.events):,} event(s)",
        "all events" if not event_ids else f"events: {', '.join(event_ids)}",
    ]
    first, last = _day(start, "start"), _day(end, "end")
    if first is not None or last is not None:
        lo = f"{first:%Y-%m-%d}" if first is not None else "the first report"
        hi = f"{last:%Y-%m-%d}" if last is not None else "the last report"
        parts.append(f"reports received from {lo} to {hi}")
    cats = _as_list(categories)
    if cats:
        parts.append(f"categories: {', '.join(cats)}")
    if frames.locked:
        # Without the key the texts are empty: say so rather than show thinner results.
        parts.append("the store is encrypted and no key was given, so names and texts are left out")
    return "; ".join(parts) + "."
