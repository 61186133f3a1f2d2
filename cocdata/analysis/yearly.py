"""Yearly statistics in the column format the Django Software Foundation's CoC working group publishes.

Columns: year, reports, people named, actions by the foundation-level team,
actions by local event teams, not a violation, out of scope, warned,
suspended, banned, other, no action; one more column, ``no outcome yet``,
counts the reports without a recorded outcome so the columns add up.

How each is counted:

- **year** is the year the report was received (``made_at``). A year with
  an event but no report is listed with zeros; years with neither are not
  (the store cannot tell whether the team was active then). By half-year
  (:func:`period_statistics` with ``half``), January to June is the first
  half and July to December the second; both halves of every listed year
  are listed.
- **reports**: cases. A follow-up report on an open case goes into that
  case's timeline, so it is never a new report.
- **people named**: distinct reported people. People with a person code
  name count once per year (or half-year) however many cases name them; people without a
  code cannot be matched, so each such row counts as one.
- **outcome columns**: each case counts once, under the most severe outcome
  of its actions (``OUTCOME_SEVERITY``), through the one mapping table
  ``ACTION_OUTCOMES`` from the action vocabulary. Kinds not in the table
  (an organisation's own additions) count as other.
- **foundation-level or local** (``FOUNDATION_RULE``): a case counts as an
  action by the foundation-level team when it names a foundation-level body
  (a reported-to or forwarded-to recipient containing one of
  ``FOUNDATION_WORDS``, both folded by ``cocdata.names.fold_name``, so
  accents, case and spacing do not matter) *and* has a foundation-level action: referred onward,
  suspension or ban. Passing a case on for information only, as the guide's
  example does "in case similar event occur in the future", leaves the
  action with the local event team. Any other case with an outcome of
  warned, suspended, banned or other counts as an action by the local event
  team.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cocdata.analysis.tidy import explode_list, isin, lookup
from cocdata.names import fold_name
from cocdata.tables import Frames

NOT_A_VIOLATION = "not a violation"
OUT_OF_SCOPE = "out of scope"
WARNED = "warned"
SUSPENDED = "suspended"
BANNED = "banned"
OTHER = "other"
NO_ACTION = "no action"
NO_OUTCOME = "no outcome yet"

ACTION_OUTCOMES: dict[str, str | None] = {
    "no-action": NO_ACTION,
    "not-a-violation": NOT_A_VIOLATION,
    "out-of-scope": OUT_OF_SCOPE,
    "conversation": WARNED,  # "told to stop" is the event-level warning
    "verbal-warning": WARNED,
    "written-warning": WARNED,
    "no-contact-request": OTHER,
    "talk-video-not-published": OTHER,
    "talk-cancelled": OTHER,
    "barred-from-social-events": SUSPENDED,  # a temporary exclusion from part of the event
    "removed-from-event": SUSPENDED,  # a temporary exclusion from the whole event
    "volunteer-role-ended": OTHER,
    "suspension": SUSPENDED,
    "ban": BANNED,
    "referred-onward": None,  # not an outcome: it decides who acted
    "other": OTHER,
}
"""The action vocabulary mapped to the published outcome columns (None: no outcome)."""

OUTCOME_SEVERITY = (BANNED, SUSPENDED, OTHER, WARNED, NO_ACTION, OUT_OF_SCOPE, NOT_A_VIOLATION)
"""Outcomes from most to least severe; a case counts under its most severe one."""
ACTED = frozenset({WARNED, SUSPENDED, BANNED, OTHER})
"""Outcomes that are actions (the others say why nothing was done)."""

FOUNDATION_WORDS = ("foundation", "committee", "working group", "board", "council")
"""Words naming a foundation-level body in reported-to and forwarded-to recipients."""
FOUNDATION_ACTIONS = frozenset({"referred-onward", "suspension", "ban"})
"""Action kinds that, with a foundation-level recipient, make a case the foundation's."""
FOUNDATION_RULE = (
    "foundation-level: a reported-to or forwarded-to recipient names a foundation-level body "
    "and the case has a referred-onward, suspension or ban action; otherwise local"
)

FOUNDATION = "foundation-level team"
LOCAL = "local event team"
NONE = "no action taken"

YEARLY_COLUMNS = (
    "year",
    "reports",
    "people named",
    "actions by the foundation-level team",
    "actions by local event teams",
    NOT_A_VIOLATION,
    OUT_OF_SCOPE,
    WARNED,
    SUSPENDED,
    BANNED,
    OTHER,
    NO_ACTION,
    NO_OUTCOME,
)


def case_outcomes(
    frames: Frames, foundation_words: tuple[str, ...] = FOUNDATION_WORDS
) -> pd.DataFrame:
    """Each case's year, outcome column and who acted, by the rules of this module.

    Columns: ``case_id, year, outcome`` (an outcome column name, or 'no
    outcome yet') ``, acted_by`` ('foundation-level team', 'local event team'
    or 'no action taken').
    """
    cases = frames.cases
    actions = frames.actions[["case_id", "kind"]]
    outcome = actions["kind"].map(lambda k: ACTION_OUTCOMES.get(k, OTHER))
    rank = outcome.map({name: i for i, name in enumerate(OUTCOME_SEVERITY)})
    ranked = pd.DataFrame({"case_id": actions["case_id"], "rank": rank}).dropna()
    best_rank = ranked.groupby("case_id")["rank"].min()
    case_rank = lookup(best_rank, cases["case_id"])
    severity = np.array((*OUTCOME_SEVERITY, NO_OUTCOME), dtype=object)
    case_outcome = severity[case_rank.fillna(len(OUTCOME_SEVERITY)).astype("int64").to_numpy()]
    # Recipients are typed by hand ("Fundación …", "WORKING  GROUP"): compare them
    # folded the one way cocdata folds names, and the words as plain text, not patterns.
    words = [re.escape(fold_name(w)) for w in foundation_words if fold_name(w)]
    recipients = pd.concat(
        [
            explode_list(cases, "reported_to", ["case_id"]).rename(columns={"reported_to": "to"}),
            explode_list(cases, "forwarded_to", ["case_id"]).rename(columns={"forwarded_to": "to"}),
        ],
        ignore_index=True,
    )
    # Few distinct recipients across many cases: fold and match each one once.
    distinct = pd.unique(recipients["to"].astype("str"))
    matching = {
        to for to in distinct if words and re.search("|".join(words), fold_name(to)) is not None
    }
    to_foundation = recipients.loc[isin(recipients["to"].astype("str"), matching), "case_id"]
    with_foundation_action = actions.loc[isin(actions["kind"], FOUNDATION_ACTIONS), "case_id"]
    foundation = isin(cases["case_id"], to_foundation) & isin(
        cases["case_id"], with_foundation_action
    )
    acted = np.isin(case_outcome, list(ACTED))
    acted_by = np.select([foundation, acted], [FOUNDATION, LOCAL], default=NONE)
    return pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "year": cases["made_at"].dt.year.astype("int64"),
            "outcome": pd.array(case_outcome, dtype="str"),
            "acted_by": pd.array(acted_by, dtype="str"),
        }
    )


def yearly_statistics(
    frames: Frames, foundation_words: tuple[str, ...] = FOUNDATION_WORDS
) -> pd.DataFrame:
    """One row per year in the published column format (``YEARLY_COLUMNS``), oldest first."""
    table = period_statistics(frames, half=False, foundation_words=foundation_words)
    return table.drop(columns=["half"])


def period_statistics(
    frames: Frames, half: bool = False, foundation_words: tuple[str, ...] = FOUNDATION_WORDS
) -> pd.DataFrame:
    """One row per year (or half-year) in the published column format, oldest first.

    Columns: ``year, half`` (1 or 2 by half-year, 0 by year), then
    ``YEARLY_COLUMNS`` after the year. People named count once per row.
    """
    outcomes = case_outcomes(frames, foundation_words)
    made = frames.cases["made_at"]
    halves = (made.dt.month > 6).astype("int64").to_numpy() + 1 if half else 0
    outcomes = outcomes.assign(half=halves)
    event_years = set(pd.to_datetime(frames.events["start"]).dt.year.tolist())
    years = sorted(set(outcomes["year"].tolist()) | event_years)
    periods = pd.MultiIndex.from_tuples(
        [(y, h) for y in years for h in ((1, 2) if half else (0,))], names=["year", "half"]
    )
    keys = [outcomes["year"], outcomes["half"]]
    counts = pd.crosstab(keys, outcomes["outcome"]).reindex(
        index=periods, columns=[*OUTCOME_SEVERITY, NO_OUTCOME], fill_value=0
    )
    acted_by = pd.crosstab(keys, outcomes["acted_by"]).reindex(
        index=periods, columns=[FOUNDATION, LOCAL], fill_value=0
    )
    people = frames.people[frames.people["role"] == "reported"][["case_id", "person"]]
    by_case = outcomes.set_index("case_id")
    people = people.assign(
        year=lookup(by_case["year"], people["case_id"]),
        half=lookup(by_case["half"], people["case_id"]),
    )
    coded = people[people["person"].notna()].drop_duplicates(["year", "half", "person"])
    uncoded = people[people["person"].isna()]
    named = pd.concat([coded, uncoded]).groupby(["year", "half"]).size()
    out = pd.DataFrame(
        {
            "reports": outcomes.groupby(["year", "half"]).size().reindex(periods, fill_value=0),
            "people named": named.reindex(periods, fill_value=0),
            "actions by the foundation-level team": acted_by[FOUNDATION],
            "actions by local event teams": acted_by[LOCAL],
            **{column: counts[column] for column in YEARLY_COLUMNS[5:]},
        },
        index=periods,
    )
    return out.reset_index().astype("int64")[["year", "half", *YEARLY_COLUMNS[1:]]]
