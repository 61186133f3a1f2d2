"""Gathering the leak guard's needles quickly holds exactly what gathering them slowly held.

The references below are the code the guard used before it was made fast (one value
folded at a time, each row a dict, distinct rows found by ``repr``): on the same store the
fast code must give the same needles, from the same sources, and the same findings.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from cocdata import synthetic
from cocdata.names import fold_text
from cocdata.reports.disguises import _confusables, fold
from cocdata.reports.guarding import leak_guard, own_words, statistics_guard
from cocdata.reports.leak_needles import (
    CASE_CODE,
    CONTACT,
    NAME,
    PERSON_CODE,
    TEAM,
    Source,
    column_values,
    first_rows,
    minutes,
)
from cocdata.reports.leaks import LeakGuard
from cocdata.reports.times import minute_of
from cocdata.store import Store

# -- folding ---------------------------------------------------------------------------

TRICKY = [
    "José Núñez",
    "JOSE NUNEZ",
    "Zé\u200bphyrine",
    "Straße",
    "ﬁona ﬂynn",
    "Ｊｏｈｎ Ｓｍｉｔｈ",
    "Аnna Kаrenina",  # Cyrillic А and а
    "Σίσυφος",
    "İstanbul Ölçer",
    "Ǆemal",
    "Jo\x00hn",
    "Ann\tLee",
    "Line\nBreak\r\nAgain",
    "\x7fDel\x1bEsc",
    "Soft\u00adhyphen",
    "O'Brien-Smith",
    "Dr. Jo Smith",
    "jo.smith@example.org",
    "<mailto:Ann@Example.org>",
    "+44 (0)20 7946 0958",
    "amber-falcon",
    "",
    "   ",
    "ALL CAPS 123",
]


def reference_fold(text: str) -> str:
    folded = fold_text(text)
    return folded if folded.isascii() else folded.translate(_confusables())


@pytest.mark.parametrize("text", TRICKY)
def test_fold_is_what_it_was(text: str) -> None:
    assert fold(text) == reference_fold(text)


# -- distinct rows ---------------------------------------------------------------------


def reference_first_rows(series: pd.Series) -> list[int]:
    seen = pd.Series([repr(v) for v in column_values(series)]).duplicated().to_numpy()
    return [i for i, s in enumerate(seen) if not s]


LISTS = [
    ["Ann", "Bo"],
    ["Bo", "Ann"],
    ["Ann", "Bo"],
    [],
    [""],
    None,
    [],
    None,
    ["Ann"],
    ["Ann\x00Bo"],
    ["Ann", "Bo", ""],
    ["Ann"],
]


@pytest.mark.parametrize(
    "series",
    [
        pd.Series(LISTS, dtype=pd.ArrowDtype(pa.list_(pa.string()))),
        pd.Series(LISTS[:9], dtype=pd.ArrowDtype(pa.list_(pa.string()))),  # no "\x00"
        pd.Series(
            [["Ann", None], ["Ann"], [None], ["Ann", None]],
            dtype=pd.ArrowDtype(pa.list_(pa.string())),
        ),
        pd.Series(["Ann", None, "ann", "Ann", None, "", "Bo", ""], dtype="str"),
        pd.Series(["Ann", None, "ann", "Ann", float("nan"), ["Ann"], ["Ann"]], dtype=object),
        pd.Series([], dtype="str"),
    ],
    ids=["lists", "lists-plain", "null-items", "text", "objects", "empty"],
)
def test_first_rows_are_those_found_one_value_at_a_time(series: pd.Series) -> None:
    assert first_rows(series) == reference_first_rows(series)


def test_minutes_are_those_found_one_value_at_a_time() -> None:
    series = pd.Series(pd.to_datetime(["2000-12-28 22:30:59", None, "2024-01-02 03:04:00"]))
    assert minutes(series) == [minute_of(v) for v in column_values(series)]


# -- the needles of a store --------------------------------------------------------------


def reference_gather(guard: LeakGuard, frames: Any) -> None:
    """The guard's gathering as it was: a dict per row, one value at a time."""

    def rows(frame: pd.DataFrame, columns: list[str]):
        absent = [None] * len(frame)
        lists = [column_values(frame[c]) if c in frame.columns else absent for c in columns]
        for values in zip(*lists, strict=True):
            yield dict(zip(columns, values, strict=True))

    def members(value: Any) -> list[str]:
        return [str(v) for v in value if v] if isinstance(value, list) else []

    cases = frames.cases
    event_of = dict(zip(cases["case_id"], cases["event_id"], strict=True))
    for case_id in cases["case_id"]:
        guard.add(CASE_CODE, case_id, Source(case_id, "the case code name"))
    for row in rows(frames.people, ["case_id", "pos", "name", "contact", "person"]):
        n = row["pos"] + 1
        guard.add(NAME, row["name"], Source(row["case_id"], f"people.{n}.name"))
        guard.add(CONTACT, row["contact"], Source(row["case_id"], f"people.{n}.contact"))
        guard.add(PERSON_CODE, row["person"], Source(row["case_id"], f"people.{n}.person"))
    for row in rows(cases, ["case_id", "made_by", "received_by", "made_at"]):
        cid = row["case_id"]
        guard.add(NAME, row["made_by"], Source(cid, "report.made_by"))
        for member in members(row["received_by"]):
            guard.add(TEAM, member, Source(cid, "report.received_by"))
        guard.add_time(event_of[cid], row["made_at"], Source(cid, "report.made_at"))
    for row in rows(cases, ["case_id", "occurred_at", "occurred_precision"]):
        if row["occurred_precision"] in ("minute", "hour"):
            cid = row["case_id"]
            guard.add_time(event_of[cid], row["occurred_at"], Source(cid, "occurred.at"))
    for row in rows(frames.timeline, ["case_id", "pos", "at", "by", "with"]):
        cid, n = row["case_id"], row["pos"] + 1
        for member in members(row["by"]):
            guard.add(TEAM, member, Source(cid, f"timeline.{n}.by"))
        for name in members(row["with"]):
            guard.add(NAME, name, Source(cid, f"timeline.{n}.with"))
        guard.add_time(event_of.get(cid, ""), row["at"], Source(cid, f"timeline.{n}.at"))
    for row in rows(frames.actions, ["case_id", "pos", "at", "by"]):
        cid, n = row["case_id"], row["pos"] + 1
        for member in members(row["by"]):
            guard.add(TEAM, member, Source(cid, f"actions.{n}.by"))
        guard.add_time(event_of.get(cid, ""), row["at"], Source(cid, f"actions.{n}.at"))
    for member in frames.revisions["saved_by"].dropna().unique():
        guard.add(TEAM, str(member), Source(None, "who saved a revision"))


def reference_statistics_guard(store: Store) -> LeakGuard:
    """The statistics pages' guard as it was: every case's code name beside the first row
    holding each value (found by ``repr``), times and all."""
    from cocdata.reports.transparency_team import guard_team

    frames = store.frames()

    def firsts(frame: pd.DataFrame, column: str, others: list[str]) -> pd.DataFrame:
        if frame.empty:
            return frame
        return frame.iloc[reference_first_rows(frame[column])].assign(**dict.fromkeys(others))

    def each(frame: pd.DataFrame, columns: list[str], times: list[str]) -> pd.DataFrame:
        parts = [firsts(frame, c, [o for o in columns if o != c] + times) for c in columns]
        return pd.concat(parts, ignore_index=True) if parts else frame

    cases = frames.cases
    codes = cases.assign(made_by=None, received_by=None, made_at=None)
    slim = dataclasses.replace(
        frames,
        cases=pd.concat([codes, each(cases, ["made_by", "received_by"], ["made_at"])]),
        people=each(frames.people, ["name", "contact", "person"], []),
        timeline=each(frames.timeline, ["by", "with"], ["at"]),
        actions=each(frames.actions, ["by"], ["at"]),
        evidence=each(frames.evidence, ["added_by"], ["added_at"]),
    )
    guard = LeakGuard(own_words(store))
    reference_gather(guard, slim)
    guard_team(guard, store)
    return guard


TRICKY_PEOPLE = [
    ("José Núñez", "+44 20 7946 0958"),
    ("Ｊｏｈｎ Ｓｍｉｔｈ", "jo.smith@example.org"),
    ("Аnna Kаrenina", "@anna_k"),
    ("Dr. Jo Smith", "<mailto:Jo@Example.org>"),
    ("O'Brien-Smith", "020 7946 0958"),
    ("Zé\u200bphyrine Quill", None),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A synthetic store, with names and contacts in tricky spellings, held twice over."""
    _, cases = synthetic.generate(seed=5, n_events=4, n_cases=60)
    tricky = []
    for i, case in enumerate(cases[:12]):
        name, contact = TRICKY_PEOPLE[i % len(TRICKY_PEOPLE)]
        people = [p.model_copy(update={"name": name, "contact": contact}) for p in case.people]
        report = case.report.model_copy(
            update={"received_by": [*reversed(case.report.received_by), name]}
        )
        tricky.append(case.model_copy(update={"people": people, "report": report}))
    opened = Store.init(tmp_path_factory.mktemp("needles") / "store")
    opened.save_many([(c, None) for c in tricky + cases[12:]], by="Team Member")
    return opened


def held(guard: LeakGuard) -> tuple:
    return (
        [(k, n.kind, n.words, list(n.sources)) for k, n in guard._needles.items()],
        guard._phones.numbers.keys(),
        guard._named,
        guard.allowed_words,
    )


def page(store: Store) -> dict[str, str]:
    """A page showing a value of every kind the store holds, and a phone in another form."""
    frames = store.frames()
    shown = [
        *frames.people["name"].dropna().head(20),
        *frames.people["contact"].dropna().head(20),
        *frames.people["person"].dropna().head(5),
        *frames.cases["case_id"].head(5),
        *(m for ms in frames.cases["received_by"].head(10) for m in ms),
        "+442079460958",
        "28 December 2000, 22:30",
    ]
    lines = "\n".join(f"<p>{value}</p>" for value in shown)
    return {"html": f"<html><body>{lines}</body></html>", "md": "\n\n".join(shown)}


def test_the_guard_of_event_pages_holds_what_it_held(store: Store) -> None:
    fast = leak_guard(store)
    slow = LeakGuard(own_words(store))
    reference_gather(slow, store.frames())
    from cocdata.reports.transparency_team import guard_team

    guard_team(slow, store)
    assert held(fast) == held(slow)
    assert fast._times == slow._times
    event = store.frames().cases["event_id"].iloc[0]
    assert fast.findings(event, page(store)) == slow.findings(event, page(store))


def test_the_guard_of_statistics_pages_holds_the_needles_it_held(store: Store) -> None:
    fast, slow = statistics_guard(store), reference_statistics_guard(store)
    assert held(fast) == held(slow)
    found = fast.findings("", page(store))
    assert found == slow.findings("", page(store))
    assert {f.kind for f in found} >= {NAME, CONTACT, CASE_CODE, PERSON_CODE}
    # Times were held only under the cases' own events, never looked at on these pages.
    assert fast._times == {} and "" not in slow._times


def test_an_empty_store_holds_the_same(tmp_path: Path) -> None:
    empty = Store.init(tmp_path / "store")
    assert held(statistics_guard(empty)) == held(reference_statistics_guard(empty))
