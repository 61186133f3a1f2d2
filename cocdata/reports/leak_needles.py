"""What the leak guard looks for and where it comes from: needle kinds, sources, findings,
and the needles of a store's frames (:func:`gather`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cocdata.reports.times import Minute, minute_of

if TYPE_CHECKING:
    import pandas as pd

    from cocdata.reports.leaks import LeakGuard

# The needle kinds, as findings say them.
NAME = "a name"
PART = "part of a name"
TEAM = "a team member's name"
TEAM_PART = "part of a team member's name"
CONTACT = "a contact"
CASE_CODE = "a case code name"
PERSON_CODE = "a person code name"
TIME = "an exact time"

# -- needles ------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where the store holds a needle: a case (None for the store as a whole) and a field."""

    case_id: str | None
    field: str

    def __str__(self) -> str:
        return f"{self.field} of case {self.case_id}" if self.case_id else self.field


@dataclass
class Needle:
    """Something that points at a person, as folded words, with every place it comes from."""

    kind: str
    words: tuple[str, ...]
    sources: list[Source] = field(default_factory=list)

    @property
    def key(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Finding:
    """One needle seen in a report, named by where it comes from and where it was seen."""

    id: str
    kind: str
    sources: tuple[Source, ...]
    where: str
    formats: tuple[str, ...]

    def __str__(self) -> str:
        first = str(self.sources[0]) if self.sources else "the store"
        cases = {s.case_id for s in self.sources if s.case_id}
        more = len(cases - {self.sources[0].case_id}) if self.sources else 0
        also = f" (and {more} more case{'s' if more != 1 else ''})" if more else ""
        fmts = " and ".join({"html": "HTML", "md": "Markdown"}.get(f, f) for f in self.formats)
        return f"[{self.id}] {self.kind}: {first}{also}, seen in {self.where} ({fmts})"


def gather(guard: LeakGuard, frames: Any, case_ids: Iterable[str] | None = None) -> None:
    """Give ``guard`` the needles of a store's frames: every name, contact, code name and time.

    ``case_ids`` are the case code names to hold (by default those of ``frames.cases``)."""
    cases = frames.cases
    event_of = dict(zip(cases["case_id"], cases["event_id"], strict=True))
    if case_ids is None:
        case_ids = column_values(cases["case_id"])
    for case_id in dict.fromkeys(case_ids):
        guard.add(CASE_CODE, case_id, Source(case_id, "the case code name"))
    people = _columns(frames.people, "case_id", "pos", "name", "contact", "person")
    for cid, pos, name, contact, person in people:
        n = pos + 1
        guard.add(NAME, name, Source(cid, f"people.{n}.name"))
        guard.add(CONTACT, contact, Source(cid, f"people.{n}.contact"))
        guard.add(PERSON_CODE, person, Source(cid, f"people.{n}.person"))
    made = _columns(cases, "case_id", "made_by", "received_by", times=["made_at"])
    for cid, made_by, received_by, made_at in made:
        guard.add(NAME, made_by, Source(cid, "report.made_by"))
        for member in _list(received_by):
            guard.add(TEAM, member, Source(cid, "report.received_by"))
        guard.hold_time(event_of[cid], made_at, Source(cid, "report.made_at"))
    occurred = _columns(cases, "case_id", "occurred_precision", times=["occurred_at"])
    for cid, precision, occurred_at in occurred:
        if precision in ("minute", "hour"):
            guard.hold_time(event_of[cid], occurred_at, Source(cid, "occurred.at"))
    timeline = _columns(frames.timeline, "case_id", "pos", "by", "with", times=["at"])
    for cid, pos, by, with_, at in timeline:
        n = pos + 1
        for member in _list(by):
            guard.add(TEAM, member, Source(cid, f"timeline.{n}.by"))
        for name in _list(with_):
            guard.add(NAME, name, Source(cid, f"timeline.{n}.with"))
        guard.hold_time(event_of.get(cid, ""), at, Source(cid, f"timeline.{n}.at"))
    for cid, pos, by, at in _columns(frames.actions, "case_id", "pos", "by", times=["at"]):
        n = pos + 1
        for member in _list(by):
            guard.add(TEAM, member, Source(cid, f"actions.{n}.by"))
        guard.hold_time(event_of.get(cid, ""), at, Source(cid, f"actions.{n}.at"))
    evidence = _columns(frames.evidence, "case_id", "pos", "added_by", times=["added_at"])
    for cid, pos, added_by, added_at in evidence:
        n = pos + 1
        guard.add(TEAM, added_by, Source(cid, f"evidence.{n}.added_by"))
        guard.hold_time(event_of.get(cid, ""), added_at, Source(cid, f"evidence.{n}.added_at"))
    for member in frames.revisions["saved_by"].dropna().unique():
        guard.add(TEAM, str(member), Source(None, "who saved a revision"))


# -- reading the frames --------------------------------------------------------


def _columns(
    frame: pd.DataFrame, *columns: str, times: Sequence[str] = ()
) -> Iterable[tuple[Any, ...]]:
    """Each row of ``frame`` as a tuple of ``columns`` and then ``times`` (each to the
    minute), None where missing or absent; a column at a time (a value at a time would cost
    seconds on a large store)."""
    absent = [None] * len(frame)
    lists = [column_values(frame[c]) if c in frame.columns else absent for c in columns]
    lists += [minutes(frame[c]) if c in frame.columns else absent for c in times]
    return zip(*lists, strict=True)


def minutes(series: pd.Series) -> list[Minute | None]:
    """The times of a column to the minute (:func:`cocdata.reports.times.minute_of`)."""
    if series.dtype.kind != "M":
        return [minute_of(v) for v in column_values(series)]
    parts = [series.dt.year, series.dt.month, series.dt.day, series.dt.hour, series.dt.minute]
    missing = series.isna().tolist()
    whole = zip(*(p.fillna(0).astype("int64").tolist() for p in parts), strict=True)
    return [None if m else t for m, t in zip(missing, whole, strict=True)]


def column_values(series: pd.Series) -> list[Any]:
    """The values of a column as Python objects, None for pandas' missing ones (NaN, NA,
    NaT), in one pass (a value at a time would cost seconds on a large store). Times stay
    pandas ``Timestamp``s."""
    import pyarrow as pa

    if series.dtype.kind not in "mM":
        try:
            return pa.array(series).to_pylist()  # arrow-backed columns: no copy made
        except (pa.ArrowException, TypeError, ValueError):
            pass
    values = series.tolist()
    missing = series.isna().tolist()
    return [None if m else v for v, m in zip(values, missing, strict=True)]


def first_rows(series: pd.Series) -> list[int]:
    """The position of the first row holding each distinct value of a column, in order
    (lists compared whole, missing values alike), found at C speed for arrow-backed
    columns of text or lists of text, else one value at a time."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pa.array(series) if series.dtype.kind not in "mM" else None
    except (pa.ArrowException, TypeError, ValueError):
        values = None
    if values is not None and pa.types.is_list(values.type):
        flat = pc.list_flatten(values)
        if (
            pa.types.is_string(flat.type)
            and flat.null_count == 0
            and not pc.any(pc.match_substring(flat, "\x00")).as_py()
        ):
            # A list is told apart by its length and its items joined with a character
            # none of them holds; a missing list stays missing.
            length = pc.cast(pc.list_value_length(values), pa.string())
            values = pc.binary_join_element_wise(length, pc.binary_join(values, "\x00"), "\x00")
        else:
            values = None
    if values is not None and (
        pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
    ):
        codes = pc.dictionary_encode(values, null_encoding="encode").indices
        _, first = np.unique(codes.to_numpy(zero_copy_only=False), return_index=True)
        return sorted(first.tolist())
    first: dict[Any, int] = {}
    for i, value in enumerate(column_values(series)):
        first.setdefault(tuple(value) if isinstance(value, list) else value, i)
    return list(first.values())


def _list(value: Any) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    try:
        return [str(v) for v in value if v]
    except TypeError:
        return []
