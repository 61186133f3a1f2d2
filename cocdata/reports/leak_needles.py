"""What the leak guard looks for and where it comes from: needle kinds, sources, findings,
and the needles of a store's frames (:func:`gather`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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


def gather(guard: LeakGuard, frames: Any) -> None:
    """Give ``guard`` the needles of a store's frames: every name, contact, code name and time."""
    cases = frames.cases
    event_of = dict(zip(cases["case_id"], cases["event_id"], strict=True))
    for case_id in cases["case_id"]:
        guard.add(CASE_CODE, case_id, Source(case_id, "the case code name"))
    for row in _rows(frames.people, ["case_id", "pos", "name", "contact", "person"]):
        n = row["pos"] + 1
        guard.add(NAME, row["name"], Source(row["case_id"], f"people.{n}.name"))
        guard.add(CONTACT, row["contact"], Source(row["case_id"], f"people.{n}.contact"))
        guard.add(PERSON_CODE, row["person"], Source(row["case_id"], f"people.{n}.person"))
    for row in _rows(cases, ["case_id", "made_by", "received_by", "made_at"]):
        cid = row["case_id"]
        guard.add(NAME, row["made_by"], Source(cid, "report.made_by"))
        for member in _list(row["received_by"]):
            guard.add(TEAM, member, Source(cid, "report.received_by"))
        guard.add_time(event_of[cid], row["made_at"], Source(cid, "report.made_at"))
    for row in _rows(cases, ["case_id", "occurred_at", "occurred_precision"]):
        if row["occurred_precision"] in ("minute", "hour"):
            guard.add_time(
                event_of[row["case_id"]],
                row["occurred_at"],
                Source(row["case_id"], "occurred.at"),
            )
    for row in _rows(frames.timeline, ["case_id", "pos", "at", "by", "with"]):
        cid, n = row["case_id"], row["pos"] + 1
        for member in _list(row["by"]):
            guard.add(TEAM, member, Source(cid, f"timeline.{n}.by"))
        for name in _list(row["with"]):
            guard.add(NAME, name, Source(cid, f"timeline.{n}.with"))
        guard.add_time(event_of.get(cid, ""), row["at"], Source(cid, f"timeline.{n}.at"))
    for row in _rows(frames.actions, ["case_id", "pos", "at", "by"]):
        cid, n = row["case_id"], row["pos"] + 1
        for member in _list(row["by"]):
            guard.add(TEAM, member, Source(cid, f"actions.{n}.by"))
        guard.add_time(event_of.get(cid, ""), row["at"], Source(cid, f"actions.{n}.at"))
    for row in _rows(frames.evidence, ["case_id", "pos", "added_at", "added_by"]):
        cid, n = row["case_id"], row["pos"] + 1
        guard.add(TEAM, row["added_by"], Source(cid, f"evidence.{n}.added_by"))
        guard.add_time(
            event_of.get(cid, ""), row["added_at"], Source(cid, f"evidence.{n}.added_at")
        )
    for member in frames.revisions["saved_by"].dropna().unique():
        guard.add(TEAM, str(member), Source(None, "who saved a revision"))


# -- matching ------------------------------------------------------------


def _rows(frame: pd.DataFrame, columns: list[str]) -> Iterable[dict[str, Any]]:
    """Each row of ``frame`` as a dict of ``columns`` (None where missing or absent)."""
    absent = [None] * len(frame)
    lists = [column_values(frame[c]) if c in frame.columns else absent for c in columns]
    for values in zip(*lists, strict=True):
        yield dict(zip(columns, values, strict=True))


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


def _value(value: Any) -> Any:
    """None for pandas' missing values (NaN, NA, NaT), else the value."""
    if value is None or isinstance(value, list | tuple | dict):
        return value
    try:
        import pandas as pd

        return None if pd.isna(value) is True else value
    except (TypeError, ValueError):
        return value


def _list(value: Any) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    try:
        return [str(v) for v in value if v]
    except TypeError:
        return []
