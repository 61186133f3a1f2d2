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

import pandas as pd

from cocdata.analysis.response import CLOSED
from cocdata.analysis.tidy import explode_list, label, lookup, vocabularies
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


def _joined_labels(pairs: pd.DataFrame, key: str, value: str) -> pd.Series:
    """Per ``key``, the distinct labels of ``value`` sorted and joined with '; '."""
    distinct = pairs[[key, value]].drop_duplicates().sort_values([key, value])
    return distinct.groupby(key, sort=False)[value].agg("; ".join)


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
    cases = frames.cases.set_index("case_id")
    named = _coded(frames, role)[["person", "case_id"]].drop_duplicates()
    per_person = named.groupby("person").size()
    repeat = per_person[per_person >= min_cases].index
    named = named[named["person"].isin(repeat)].reset_index(drop=True)
    named["event_id"] = lookup(cases["event_id"], named["case_id"])
    named["made_at"] = lookup(cases["made_at"], named["case_id"])
    named["open"] = lookup(cases["status"] != CLOSED, named["case_id"]).astype("bool")
    grouped = named.groupby("person")
    out = pd.DataFrame(
        {
            "cases": grouped["case_id"].nunique(),
            "events": grouped["event_id"].nunique(),
            "first_report": grouped["made_at"].min(),
            "last_report": grouped["made_at"].max(),
            "open_cases": grouped["open"].sum().astype("int64"),
        }
    )
    categories = explode_list(
        frames.cases[frames.cases["case_id"].isin(named["case_id"])], "categories", ["case_id"]
    ).merge(named[["person", "case_id"]], on="case_id")
    categories["label"] = label(categories["categories"], vocab.categories)
    actions = frames.actions[["case_id", "kind"]].merge(named[["person", "case_id"]], on="case_id")
    actions["label"] = label(actions["kind"], vocab.actions)
    out["categories"] = lookup(_joined_labels(categories, "person", "label"), out.index.to_series())
    out["actions"] = lookup(_joined_labels(actions, "person", "label"), out.index.to_series())
    out = out.rename_axis("person").reset_index()
    out[["categories", "actions"]] = out[["categories", "actions"]].fillna("")
    out = out.astype({"person": "str", "categories": "str", "actions": "str"})
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
        wanted = set(repeat_people(frames, vocab, role, min_cases)["person"])
    else:
        wanted = {persons} if isinstance(persons, str) else set(persons)
    coded = _coded(frames, None)
    coded = coded[coded["person"].isin(wanted)]
    roles = _joined_labels(
        coded.assign(key=coded["person"] + "\x1f" + coded["case_id"]), "key", "role"
    )
    rows = coded[["person", "case_id"]].drop_duplicates().reset_index(drop=True)
    rows["role"] = lookup(roles, rows["person"] + "\x1f" + rows["case_id"])
    cases = frames.cases.set_index("case_id")
    events = frames.events.set_index("id")["name"]
    rows["event_id"] = lookup(cases["event_id"], rows["case_id"])
    rows["event"] = lookup(events, rows["event_id"])
    rows["made_at"] = lookup(cases["made_at"], rows["case_id"])
    categories = explode_list(
        frames.cases[frames.cases["case_id"].isin(rows["case_id"])], "categories", ["case_id"]
    )
    categories["label"] = label(categories["categories"], vocab.categories)
    rows["categories"] = lookup(_joined_labels(categories, "case_id", "label"), rows["case_id"])
    rows["space"] = label(lookup(cases["space"], rows["case_id"]), vocab.spaces)
    rows["status"] = lookup(cases["status"], rows["case_id"])
    actions = frames.actions[frames.actions["case_id"].isin(rows["case_id"])]
    actions = actions.assign(label=label(actions["kind"], vocab.actions))
    rows["actions"] = lookup(_joined_labels(actions, "case_id", "label"), rows["case_id"])
    rows[["categories", "actions"]] = rows[["categories", "actions"]].fillna("")
    rows = rows.astype({"categories": "str", "actions": "str"})
    columns = ["person", "case_id", "event_id", "event", "made_at", "role"]
    columns += ["categories", "space", "status", "actions"]
    return rows[columns].sort_values(["person", "made_at", "case_id"], ignore_index=True)
