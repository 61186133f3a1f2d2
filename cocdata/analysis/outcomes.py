"""What the team did: actions per category, escalations, and reactions of involved sides.

A case counts once per distinct action kind it has; a case with no action
recorded yet shows as ``NO_ACTION_YET`` so open work stays visible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cocdata.analysis.tidy import explode_list, label, lookup, positions, share, vocabularies
from cocdata.names import fold_name
from cocdata.tables import Frames
from cocdata.vocab import Vocabularies

NO_ACTION_YET = "none-yet"
"""Action id shown for cases without any action recorded."""
NO_ACTION_YET_LABEL = "No action recorded yet"
NO_REACTION = "none-recorded"
"""Reaction id of the row counting cases where no reaction was recorded."""
PROBLEM_KIND = "problem"
"""Timeline kind for problems caused during the process; counted as further problems."""
FURTHER_PROBLEMS = "further-problems"
REPORTED_SIDE = "reported person"
OTHER_SIDE = "other involved side"
ROUTES = {"reported_to": "reported to", "forwarded_to": "forwarded to"}
NOT_PASSED_ON = "not passed on"


def actions_by_category(frames: Frames, vocab: Vocabularies | None = None) -> pd.DataFrame:
    """Cases per category and action kind (which actions we take for which behaviour).

    Columns: ``category, category_label, action, action_label, cases, share``
    where ``share`` is of the category's cases. A case with several
    categories or actions counts in each pair once.
    """
    vocab = vocabularies(vocab)
    cases = frames.cases
    categories = explode_list(cases, "categories", []).rename(columns={"categories": "category"})
    kinds = pd.DataFrame(
        {
            "row": positions(frames.actions["case_id"], cases["case_id"]),
            "kind": frames.actions["kind"].reset_index(drop=True),
        }
    ).drop_duplicates()
    kinds = kinds[(kinds["row"] >= 0).to_numpy()]
    without = np.setdiff1d(np.arange(len(cases)), kinds["row"].to_numpy())
    kinds = pd.concat(
        [kinds, pd.DataFrame({"row": without, "kind": NO_ACTION_YET})], ignore_index=True
    )
    pairs = categories.merge(kinds, on="row").rename(columns={"kind": "action"})
    counts = pairs.groupby(["category", "action"]).size().rename("cases").reset_index()
    per_category = categories.groupby("category").size()
    counts["share"] = share(counts["cases"], lookup(per_category, counts["category"]))
    counts["category_label"] = label(counts["category"], vocab.categories)
    counts["action_label"] = label(
        counts["action"], {**vocab.actions, NO_ACTION_YET: NO_ACTION_YET_LABEL}
    )
    counts = counts.astype({"category": "str", "action": "str"})
    columns = ["category", "category_label", "action", "action_label", "cases", "share"]
    return counts[columns].sort_values(
        ["category", "cases", "action"], ascending=[True, False, True], ignore_index=True
    )


def escalations(frames: Frames) -> pd.DataFrame:
    """Cases reported or forwarded onward, per route and recipient, and those kept in the team.

    Columns: ``route, recipient, cases, share`` (share of all selected cases).
    ``route`` is 'reported to' (decisions: reported onward), 'forwarded to'
    (the case sent on), or 'not passed on' (one row, empty recipient).
    """
    cases = frames.cases
    parts = []
    for column, route in ROUTES.items():
        rows = explode_list(cases, column, []).rename(columns={column: "recipient"})
        parts.append(rows.drop_duplicates().assign(route=route))
    passed = pd.concat(parts, ignore_index=True).astype({"route": "str", "recipient": "str"})
    counts = passed.groupby(["route", "recipient"]).size().rename("cases").reset_index()
    kept = len(cases) - len(np.unique(passed["row"].to_numpy()))
    counts = pd.concat(
        [counts, pd.DataFrame({"route": [NOT_PASSED_ON], "recipient": [""], "cases": [kept]})],
        ignore_index=True,
    ).astype({"route": "str", "recipient": "str", "cases": "int64"})
    counts["share"] = share(counts["cases"], float(len(cases)))
    return counts


def _name_key(names: pd.Series) -> pd.Series:
    """Names compared as every name comparison of cocdata compares them
    (:func:`cocdata.names.fold_name`: case, accents, spacing, invisible characters)."""
    values = names.astype("str").reset_index(drop=True)
    folded = {name: fold_name(name) for name in values.unique()}
    return values.map(folded)


def reactions(frames: Frames, vocab: Vocabularies | None = None) -> pd.DataFrame:
    """Cases per recorded reaction of an involved side, split by whether it was the reported person.

    A reaction belongs to the reported person when the timeline entry names,
    in ``with``, someone who has the role 'reported' in that case (names
    compared within the case by :func:`cocdata.names.fold_name`, so case,
    accents and spacing do not matter; no name is in the output). A
    timeline entry of kind 'problem' counts as 'further problems'. The last
    row (``reaction`` 'none-recorded', empty side) counts cases with no
    reaction. Columns: ``reaction, label, side, cases, share`` (share of all
    selected cases).
    """
    vocab = vocabularies(vocab)
    cases = frames.cases
    timeline = frames.timeline.reset_index(drop=True)
    problem = (timeline["kind"] == PROBLEM_KIND).to_numpy()
    reaction = timeline["reaction"].where(timeline["reaction"].notna() | ~problem, FURTHER_PROBLEMS)
    entries = pd.DataFrame(
        {
            "row": positions(timeline["case_id"], cases["case_id"]),
            "reaction": reaction,
            "with": timeline["with"],
        }
    )
    entries = entries[(entries["row"] >= 0).to_numpy() & entries["reaction"].notna().to_numpy()]
    entries = entries.reset_index(drop=True)
    met = explode_list(entries, "with", [])
    met_rows = entries["row"].to_numpy()[met["row"].to_numpy()]
    people = frames.people
    reported = people[(people["role"] == "reported").to_numpy() & people["name"].notna().to_numpy()]
    reported_rows = positions(reported["case_id"], cases["case_id"])
    keys, _ = pd.factorize(pd.concat([_name_key(met["with"]), _name_key(reported["name"])]))
    width = max(len(keys), 1)
    met_pairs = met_rows * width + keys[: len(met)]
    reported_pairs = reported_rows * width + keys[len(met) :]
    with_reported = met["row"].to_numpy()[np.isin(met_pairs, reported_pairs)]
    entries["side"] = np.where(
        np.isin(np.arange(len(entries)), with_reported), REPORTED_SIDE, OTHER_SIDE
    )
    counts = (
        entries[["row", "reaction", "side"]]
        .drop_duplicates()
        .groupby(["reaction", "side"])
        .size()
        .rename("cases")
        .reset_index()
        .astype({"reaction": "str", "side": "str"})
    )
    counts = counts.sort_values(["cases", "reaction"], ascending=[False, True], ignore_index=True)
    none = len(cases) - len(np.unique(entries["row"].to_numpy()))
    counts = pd.concat(
        [counts, pd.DataFrame({"reaction": [NO_REACTION], "side": [""], "cases": [none]})],
        ignore_index=True,
    ).astype({"reaction": "str", "side": "str", "cases": "int64"})
    counts["label"] = label(counts["reaction"], {**vocab.reactions, NO_REACTION: "None recorded"})
    counts["share"] = share(counts["cases"], float(len(cases)))
    return counts[["reaction", "label", "side", "cases", "share"]]
