"""People named in more than one case, by person code name only, with their history.

A person code name (``people.person``) stays the same across cases and
events; it is the only key used here. Rows without a code name are never
matched with each other (no key is made up from names), and no name or
contact ever appears in these outputs: a response team may show them on a
screen in a meeting. ``people_without_code`` says how many rows lack a code,
so the team can add codes where repeats may hide.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cocdata.analysis.response import CLOSED
from cocdata.analysis.tidy import (
    explode_list,
    isin,
    joined,
    label,
    lookup,
    positions,
    take,
    vocabularies,
)
from cocdata.tables import Frames
from cocdata.vocab import Vocabularies

REPORTED = "reported"


def _coded(frames: Frames, role: str | None) -> pd.DataFrame:
    """case_id, person, role of people rows with a code name (in ``role``, if given)."""
    people = frames.people
    rows = people[people["person"].notna() & (people["person"].astype("str").str.strip() != "")]
    if role is not None:
        rows = rows[rows["role"] == role]
    return rows[["case_id", "person", "role"]].reset_index(drop=True)


def people_without_code(frames: Frames) -> pd.DataFrame:
    """Per role, how many people rows have a person code name and how many lack one.

    Columns: ``role, people, with_code, without_code``. Repeats can only be
    found among rows with a code.
    """
    people = frames.people
    missing = people["person"].isna() | (people["person"].astype("str").str.strip() == "")
    counts = (
        pd.DataFrame({"role": people["role"], "missing": missing.to_numpy(dtype=bool)})
        .groupby("role")["missing"]
        .agg(people="size", without_code="sum")
        .reset_index()
    )
    counts["with_code"] = counts["people"] - counts["without_code"]
    counts = counts.astype({"role": "str", "people": "int64", "without_code": "int64"})
    return counts[["role", "people", "with_code", "without_code"]]


def _labelled(frame: pd.DataFrame, column: str, labels: dict[str, str]) -> pd.DataFrame:
    """``frame`` with ``column`` replaced by its labels."""
    return frame.assign(**{column: label(frame[column], labels)})


def _case_categories(frames: Frames, vocab: Vocabularies) -> pd.DataFrame:
    """row (case position), categories (label): one row per category of a case."""
    return _labelled(explode_list(frames.cases, "categories", []), "categories", vocab.categories)


def _case_actions(frames: Frames, vocab: Vocabularies) -> pd.DataFrame:
    """row (case position), actions (label): one row per action of a selected case."""
    rows = positions(frames.actions["case_id"], frames.cases["case_id"])
    actions = pd.DataFrame({"row": rows, "actions": frames.actions["kind"].reset_index(drop=True)})
    return _labelled(actions[(actions["row"] >= 0).to_numpy()], "actions", vocab.actions)


def _named(frames: Frames, role: str | None) -> pd.DataFrame:
    """person, row (case position), role of coded people in the selected cases."""
    coded = _coded(frames, role)
    rows = positions(coded["case_id"], frames.cases["case_id"])
    named = pd.DataFrame({"person": coded["person"], "row": rows, "role": coded["role"]})
    return named[(named["row"] >= 0).to_numpy()].reset_index(drop=True)


def _per_case(parts: pd.DataFrame, n: int) -> pd.Series:
    """The labels of ``parts`` (row, label column) joined per case position, '' where none."""
    column = parts.columns[-1]
    texts = joined(parts, ["row"], column)
    out = np.full(n, "", dtype=object)
    out[texts["row"].to_numpy()] = texts[column].to_numpy(dtype=object)
    return pd.Series(out, dtype="str", name=column)


def _with_joined(
    base: pd.DataFrame, by: list[str], parts: pd.DataFrame, column: str
) -> pd.DataFrame:
    """``base`` with ``column`` joined per ``by`` from ``parts`` ('' where none)."""
    if column in base.columns:
        base = base.drop(columns=column)
    out = base.merge(joined(parts, by, column), on=by, how="left")
    out[column] = out[column].fillna("").astype("str")
    return out


def _repeated(frames: Frames, role: str, min_cases: int) -> pd.DataFrame:
    """person, row: each case naming a person in ``role`` who is so named in ``min_cases`` or more."""
    named = _named(frames, role)[["person", "row"]].drop_duplicates()
    per_person = named.groupby("person").size()
    return named[isin(named["person"], per_person.index[per_person >= min_cases])]


def repeat_people(
    frames: Frames,
    vocab: Vocabularies | None = None,
    role: str = REPORTED,
    min_cases: int = 2,
) -> pd.DataFrame:
    """People named in ``role`` in at least ``min_cases`` cases, most cases first.

    Columns: ``person, cases, events, first_report, last_report, open_cases,
    categories, actions`` (labels joined with '; '). Only person code names,
    never names or contacts.
    """
    vocab = vocabularies(vocab)
    cases = frames.cases
    named = _repeated(frames, role, min_cases)
    rows = named["row"].to_numpy()
    named = named.assign(
        event_id=take(cases["event_id"], rows).to_numpy(),
        made_at=cases["made_at"].to_numpy()[rows],
        open=(cases["status"] != CLOSED).to_numpy()[rows],
    )
    grouped = named.groupby("person")
    out = pd.DataFrame(
        {
            "cases": grouped.size(),
            "events": grouped["event_id"].nunique(),
            "first_report": grouped["made_at"].min(),
            "last_report": grouped["made_at"].max(),
            "open_cases": grouped["open"].sum(),
        }
    ).rename_axis("person")
    out = out.reset_index().astype({"person": "str", "cases": "int64", "open_cases": "int64"})
    pairs = named[["person", "row"]]
    out = _with_joined(out, ["person"], pairs.merge(_case_categories(frames, vocab)), "categories")
    out = _with_joined(out, ["person"], pairs.merge(_case_actions(frames, vocab)), "actions")
    return out.sort_values(
        ["cases", "last_report", "person"], ascending=[False, False, True], ignore_index=True
    )


def person_history(
    frames: Frames,
    persons: str | Iterable[str] | None = None,
    vocab: Vocabularies | None = None,
    role: str = REPORTED,
    min_cases: int = 2,
) -> pd.DataFrame:
    """Every case naming each person code, across events, oldest first per person.

    ``persons`` are code names; by default everyone ``repeat_people`` finds
    with ``role`` and ``min_cases``. The history lists each person's cases in
    any role (a person reported twice may also have reported someone).
    Columns: ``person, case_id, event_id, event, made_at, role, categories,
    space, status, actions``. Only code names, never names or contacts.
    """
    vocab = vocabularies(vocab)
    if persons is None:
        wanted = _repeated(frames, role, min_cases)["person"]
    else:
        wanted = pd.Series([persons] if isinstance(persons, str) else list(persons), dtype="str")
    cases = frames.cases
    named = _named(frames, None)
    roles = joined(named[isin(named["person"], wanted)], ["person", "row"], "role")
    made_at = cases["made_at"].to_numpy()
    case_order = pd.factorize(cases["case_id"], sort=True)[0]
    rows = roles["row"].to_numpy()
    person_order = pd.factorize(roles["person"], sort=True)[0]
    order = np.lexsort([case_order[rows], made_at[rows], person_order])
    roles, rows = roles.iloc[order].reset_index(drop=True), rows[order]
    events = frames.events.set_index("id")["name"]
    event_ids = take(cases["event_id"], rows)
    return pd.DataFrame(
        {
            "person": roles["person"].astype("str"),
            "case_id": take(cases["case_id"], rows),
            "event_id": event_ids,
            "event": lookup(events, event_ids),
            "made_at": made_at[rows],
            "role": roles["role"].astype("str"),
            "categories": take(_per_case(_case_categories(frames, vocab), len(cases)), rows),
            "space": label(take(cases["space"], rows), vocab.spaces),
            "status": take(cases["status"], rows),
            "actions": take(_per_case(_case_actions(frames, vocab), len(cases)), rows),
        }
    )
