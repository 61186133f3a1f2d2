"""How fast the team responds, what stays open, and who carries the work.

The moments of a case, as measured here:

- **incident**: ``occurred_at``, used only when known at least to the hour
  (a date alone would add up to a day of noise).
- **report**: ``made_at``, when the report was received.
- **first team step**: the earliest timeline entry or action dated at or
  after the report (an entry dated before the report is background, not a
  response).
- **decision**: the earliest timeline entry of kind ``decision`` or dated
  action, at or after the report.
- **closure**, for cases whose status is now ``closed``: when the store
  saved the revision that last changed the status (``frames.revisions``: the
  newest revision whose ``changes`` list ``status``), which is the moment the
  case became closed, also after a reopening. A case that was entered
  already closed (written up after the fact) has no such revision; its
  closure is its last dated step, and ``closure_source`` says which rule
  applied. Save times are the team's clock, report times the event's local
  time; both are naive local times.

Durations are in hours; a duration that would be negative (inconsistent
records) is left out (NaN) rather than shown as a response before the report.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from cocdata.analysis.tidy import explode_list, hours, lookup
from cocdata.tables import Frames
from cocdata.vocab import STATUSES

CLOSED = "closed"
OPEN_STATUSES = tuple(s for s in STATUSES if s != CLOSED)

STAGES = {
    "incident_to_report": "Incident → report",
    "report_to_first_step": "Report → first team step",
    "report_to_decision": "Report → decision",
    "report_to_closure": "Report → closure",
}
"""Measured durations, column name -> label, in the order of a case's life."""

CLOSURE_SOURCES = {
    "status_change": "status change saved",
    "last_step": "last recorded step (case entered already closed)",
    "unknown": "not known (entered closed, no dated step)",
    "open": "still open",
}

AGE_BANDS = (
    ("under a week", 7),
    ("1–4 weeks", 28),
    ("1–3 months", 91),
    ("3–12 months", 365),
    ("over a year", None),
)
"""Bands of open-case age: label and upper bound in days (exclusive)."""


def _steps(frames: Frames) -> pd.DataFrame:
    """Every dated step of every case: case_id, at, decision (bool)."""
    timeline = frames.timeline
    actions = frames.actions
    steps = pd.concat(
        [
            pd.DataFrame(
                {
                    "case_id": timeline["case_id"],
                    "at": timeline["at"],
                    "decision": (timeline["kind"] == "decision").to_numpy(dtype=bool),
                }
            ),
            pd.DataFrame({"case_id": actions["case_id"], "at": actions["at"], "decision": True}),
        ],
        ignore_index=True,
    )
    return steps[steps["at"].notna()]


def _closed_at(frames: Frames, steps: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Closure time and the rule that gave it, per case (index: case_id)."""
    cases = frames.cases
    revisions = frames.revisions
    changes = explode_list(revisions, "changes", ["case_id", "rev", "saved_at"])
    status_saves = changes[changes["changes"] == "status"]
    last_status_save = status_saves.groupby("case_id")["saved_at"].max()
    last_step = steps.groupby("case_id")["at"].max()
    ids = cases["case_id"]
    closed = (cases["status"] == CLOSED).to_numpy()
    from_change = lookup(last_status_save, ids)
    from_step = lookup(last_step, ids)
    closed_at = from_change.where(from_change.notna(), from_step).where(closed)
    source = np.select(
        [~closed, from_change.notna().to_numpy(), from_step.notna().to_numpy()],
        ["open", "status_change", "last_step"],
        default="unknown",
    )
    return (
        pd.Series(closed_at.to_numpy(), index=ids, name="closed_at"),
        pd.Series(source, index=ids, name="closure_source", dtype="str"),
    )


def response_times(frames: Frames) -> pd.DataFrame:
    """The moments and durations of every case, one row per case.

    Columns: ``case_id, event_id, status, occurred_at, made_at,
    first_step_at, decided_at, closed_at, closure_source`` and the durations
    in hours named in ``STAGES`` (NaN where a moment is unknown or not yet
    reached).
    """
    cases = frames.cases
    steps = _steps(frames)
    made = lookup(cases.set_index("case_id")["made_at"], steps["case_id"])
    after = steps[(steps["at"] >= made).to_numpy()]
    first_step = after.groupby("case_id")["at"].min()
    decided = after[after["decision"]].groupby("case_id")["at"].min()
    closed_at, closure_source = _closed_at(frames, steps)
    ids = cases["case_id"]
    known_hour = cases["occurred_precision"].isin(("minute", "hour"))
    out = pd.DataFrame(
        {
            "case_id": ids,
            "event_id": cases["event_id"],
            "status": cases["status"],
            "occurred_at": cases["occurred_at"].where(known_hour),
            "made_at": cases["made_at"],
            "first_step_at": lookup(first_step, ids),
            "decided_at": lookup(decided, ids),
            "closed_at": closed_at.to_numpy(),
            "closure_source": closure_source.to_numpy(),
        }
    )
    for column in ("first_step_at", "decided_at", "closed_at"):
        out[column] = out[column].astype("datetime64[ms]")
    durations = {
        "incident_to_report": out["made_at"] - out["occurred_at"],
        "report_to_first_step": out["first_step_at"] - out["made_at"],
        "report_to_decision": out["decided_at"] - out["made_at"],
        "report_to_closure": out["closed_at"] - out["made_at"],
    }
    for name, delta in durations.items():
        value = hours(delta)
        out[name] = value.where(value >= 0)
    return out.astype({"closure_source": "str"})


def response_summary(
    frames: Frames,
    by: Literal["all", "event", "year"] = "all",
    times: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Median and spread of each duration, overall, per event or per year of receipt.

    ``times`` may pass ``response_times(frames)`` when already computed.
    Columns: ``[event_id | year,] stage, label, measured, not_measured,
    median_hours, p75_hours, p90_hours``; ``not_measured`` counts the cases
    where that moment is unknown or not reached yet (for example still open).
    """
    if times is None:
        times = response_times(frames)
    long = times.melt(
        id_vars=["case_id", "event_id", "made_at"],
        value_vars=list(STAGES),
        var_name="stage",
        value_name="hours",
    )
    keys = ["stage"]
    if by == "event":
        keys = ["event_id", "stage"]
    elif by == "year":
        long["year"] = long["made_at"].dt.year.astype("Int64").astype("str")
        keys = ["year", "stage"]
    elif by != "all":
        raise ValueError(f"by must be 'all', 'event' or 'year', not {by!r}")
    grouped = long.groupby(keys, sort=False)["hours"]
    out = pd.DataFrame(
        {
            "measured": grouped.count(),
            "not_measured": grouped.size() - grouped.count(),
            "median_hours": grouped.median(),
            "p75_hours": grouped.quantile(0.75),
            "p90_hours": grouped.quantile(0.9),
        }
    )
    if by == "all":
        # Every stage is listed, also when no case is selected.
        out = out.reindex(pd.Index(list(STAGES), name="stage"))
        out[["measured", "not_measured"]] = out[["measured", "not_measured"]].fillna(0)
    out = out.reset_index()
    out["label"] = lookup(pd.Series(STAGES), out["stage"]).astype("str")
    order = lookup(pd.Series({s: i for i, s in enumerate(STAGES)}), out["stage"])
    out = out.assign(order=order).sort_values([*keys[:-1], "order"], ignore_index=True)
    columns = [*keys, "label", "measured", "not_measured", "median_hours", "p75_hours", "p90_hours"]
    return out[columns].astype({"measured": "int64", "not_measured": "int64"})


def open_cases(frames: Frames, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Every case not closed, oldest report first, with its age and time since its last step.

    ``as_of`` is the moment ages are measured at (default: now). Columns:
    ``case_id, event_id, status, made_at, age_days, last_step_at,
    days_since_last_step`` (``last_step_at`` missing when nothing was done yet).
    """
    now = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.now()
    cases = frames.cases
    still_open = cases[cases["status"] != CLOSED]
    last_step = _steps(frames).groupby("case_id")["at"].max()
    last = lookup(last_step, still_open["case_id"]).astype("datetime64[ms]")
    out = pd.DataFrame(
        {
            "case_id": still_open["case_id"],
            "event_id": still_open["event_id"],
            "status": still_open["status"],
            "made_at": still_open["made_at"],
            "age_days": (now - still_open["made_at"]).dt.total_seconds() / 86400.0,
            "last_step_at": last,
            "days_since_last_step": (now - last).dt.total_seconds() / 86400.0,
        }
    )
    return out.sort_values(["made_at", "case_id"], ignore_index=True)


def age_band(age_days: pd.Series) -> pd.Series:
    """The ``AGE_BANDS`` label of each age in days, as an ordered categorical."""
    edges = [-np.inf] + [float(b) for _, b in AGE_BANDS if b is not None] + [np.inf]
    labels = [name for name, _ in AGE_BANDS]
    return pd.cut(age_days, bins=edges, labels=labels, right=False, ordered=True)


def open_cases_by_age(frames: Frames, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Open cases per age band and status, every band and open status listed (zeros too).

    Columns: ``age_band, status, cases``; bands run from under a week to over a year.
    """
    cases = open_cases(frames, as_of)
    bands = age_band(cases["age_days"])
    grid = pd.MultiIndex.from_product(
        [[name for name, _ in AGE_BANDS], list(OPEN_STATUSES)], names=["age_band", "status"]
    )
    counts = (
        pd.DataFrame({"age_band": bands.astype("str"), "status": cases["status"].astype("str")})
        .groupby(["age_band", "status"])
        .size()
        .reindex(grid, fill_value=0)
        .rename("cases")
        .reset_index()
    )
    return counts.astype({"age_band": "str", "status": "str", "cases": "int64"})


def cases_per_member(frames: Frames) -> pd.DataFrame:
    """Workload per team member: reports received, cases worked on, steps, open cases.

    A member works on a case when they received its report or are named in
    ``by`` of one of its timeline entries or actions. Columns: ``member,
    received, cases, steps, open_cases``; most cases first.
    """
    cases = frames.cases
    received = explode_list(cases, "received_by", ["case_id"]).rename(
        columns={"received_by": "member"}
    )
    timeline = explode_list(frames.timeline, "by", ["case_id"])
    actions = explode_list(frames.actions, "by", ["case_id"])
    steps = pd.concat([timeline, actions], ignore_index=True).rename(columns={"by": "member"})
    involved = pd.concat([received, steps], ignore_index=True).drop_duplicates()
    is_open = lookup(cases.set_index("case_id")["status"] != CLOSED, involved["case_id"])
    out = pd.DataFrame(
        {
            "received": received.groupby("member").size(),
            "cases": involved.groupby("member").size(),
            "steps": steps.groupby("member").size(),
            "open_cases": involved[is_open.fillna(False).to_numpy(dtype=bool)]
            .groupby("member")
            .size(),
        }
    )
    out = out.fillna(0).astype("int64").rename_axis("member").reset_index()
    out["member"] = out["member"].astype("str")
    return out.sort_values(["cases", "member"], ascending=[False, True], ignore_index=True)
