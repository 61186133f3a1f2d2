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

from cocdata.analysis.tidy import explode_list, hours, isin, lookup, positions
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

AGE_BANDS = (
    ("under a week", 7),
    ("1–4 weeks", 28),
    ("1–3 months", 91),
    ("3–12 months", 365),
    ("over a year", None),
)
"""Bands of open-case age: label and upper bound in days (exclusive)."""


def _steps(frames: Frames) -> pd.DataFrame:
    """Every dated step of the selected cases: row (case position), at, decision."""
    cases, timeline, actions = frames.cases, frames.timeline, frames.actions
    rows = positions(pd.concat([timeline["case_id"], actions["case_id"]]), cases["case_id"])
    steps = pd.DataFrame(
        {
            "row": rows,
            "at": np.concatenate([timeline["at"].to_numpy(), actions["at"].to_numpy()]),
            "decision": np.concatenate(
                [(timeline["kind"] == "decision").to_numpy(dtype=bool), np.ones(len(actions), bool)]
            ),
        }
    )
    return steps[(steps["row"] >= 0).to_numpy() & steps["at"].notna().to_numpy()]


def _per_case(values: pd.Series, rows: pd.Series | np.ndarray, n: int, how: str) -> pd.Series:
    """``how`` ('min' or 'max') of ``values`` per case position, NaT where a case has none."""
    grouped = values.groupby(np.asarray(rows))
    result = grouped.min() if how == "min" else grouped.max()
    return result.reindex(pd.RangeIndex(n))


def _closed_at(frames: Frames, steps: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """Closure time and the rule that gave it, in case order."""
    cases, revisions = frames.cases, frames.revisions
    n = len(cases)
    revision_rows = positions(revisions["case_id"], cases["case_id"])
    changes = explode_list(revisions, "changes", ["saved_at"])
    status_saves = changes[(changes["changes"] == "status").to_numpy()]
    case_rows = revision_rows[status_saves["row"].to_numpy()]
    known = case_rows >= 0
    from_change = _per_case(status_saves["saved_at"][known], case_rows[known], n, "max")
    from_step = _per_case(steps["at"], steps["row"], n, "max")
    closed = (cases["status"] == CLOSED).to_numpy()
    has_change, has_step = from_change.notna().to_numpy(), from_step.notna().to_numpy()
    closed_at = from_change.where(has_change, from_step).where(closed)
    source = np.select(
        [~closed, has_change, has_step], ["open", "status_change", "last_step"], default="unknown"
    )
    return closed_at, source


def response_times(frames: Frames) -> pd.DataFrame:
    """The moments and durations of every case, one row per case.

    Columns: ``case_id, event_id, status, occurred_at, made_at,
    first_step_at, decided_at, closed_at, closure_source`` and the durations
    in hours named in ``STAGES`` (NaN where a moment is unknown or not yet
    reached).
    """
    cases = frames.cases.reset_index(drop=True)
    n = len(cases)
    steps = _steps(frames)
    made = cases["made_at"].to_numpy()[steps["row"].to_numpy()]
    after = steps[(steps["at"].to_numpy() >= made)]
    decisions = after[after["decision"].to_numpy()]
    closed_at, closure_source = _closed_at(frames, steps)
    known_hour = isin(cases["occurred_precision"], ("minute", "hour"))
    out = pd.DataFrame(
        {
            "case_id": cases["case_id"],
            "event_id": cases["event_id"],
            "status": cases["status"],
            "occurred_at": cases["occurred_at"].where(known_hour),
            "made_at": cases["made_at"],
            "first_step_at": _per_case(after["at"], after["row"], n, "min"),
            "decided_at": _per_case(decisions["at"], decisions["row"], n, "min"),
            "closed_at": closed_at,
            "closure_source": pd.array(closure_source, dtype="str"),
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
    return out


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
    if by == "all":
        keys: list[str] = []
        group = pd.Series(np.zeros(len(times), dtype=np.int64), index=times.index)
    elif by == "event":
        keys, group = ["event_id"], times["event_id"]
    elif by == "year":
        keys, group = ["year"], times["made_at"].dt.year.astype("Int64").astype("str")
    else:
        raise ValueError(f"by must be 'all', 'event' or 'year', not {by!r}")
    grouped = times[list(STAGES)].groupby(group.rename("group"), sort=True)
    parts = {
        "measured": grouped.count(),
        "not_measured": grouped.size().to_frame().to_numpy() - grouped.count(),
        "median_hours": grouped.median(),
        "p75_hours": grouped.quantile(0.75),
        "p90_hours": grouped.quantile(0.9),
    }
    # One row per group and stage, stages in the order of a case's life.
    out = pd.concat({name: part.stack(future_stack=True) for name, part in parts.items()}, axis=1)
    out.index = out.index.set_names(["group", "stage"])
    out = out.reset_index()
    if by == "all":
        out = out.drop(columns="group").set_index("stage").reindex(list(STAGES)).reset_index()
        out[["measured", "not_measured"]] = out[["measured", "not_measured"]].fillna(0)
    else:
        out = out.rename(columns={"group": keys[0]})
    out["label"] = lookup(pd.Series(STAGES), out["stage"]).astype("str")
    columns = [*keys, "stage", "label", "measured", "not_measured"]
    columns += ["median_hours", "p75_hours", "p90_hours"]
    return out[columns].astype({"stage": "str", "measured": "int64", "not_measured": "int64"})


def open_cases(frames: Frames, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Every case not closed, oldest report first, with its age and time since its last step.

    ``as_of`` is the moment ages are measured at (default: now). Columns:
    ``case_id, event_id, status, made_at, age_days, last_step_at,
    days_since_last_step`` (``last_step_at`` missing when nothing was done yet).
    """
    now = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.now()
    cases = frames.cases.reset_index(drop=True)
    steps = _steps(frames)
    last_step = _per_case(steps["at"], steps["row"], len(cases), "max")
    still_open = (cases["status"] != CLOSED).to_numpy()
    chosen = cases[still_open]
    last = last_step[still_open].astype("datetime64[ms]")
    out = pd.DataFrame(
        {
            "case_id": chosen["case_id"],
            "event_id": chosen["event_id"],
            "status": chosen["status"],
            "made_at": chosen["made_at"],
            "age_days": (now - chosen["made_at"]).dt.total_seconds() / 86400.0,
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
    n = max(len(cases), 1)
    received = explode_list(cases, "received_by", [])
    timeline = explode_list(frames.timeline, "by", ["case_id"])
    actions = explode_list(frames.actions, "by", ["case_id"])
    step_rows = positions(pd.concat([timeline["case_id"], actions["case_id"]]), cases["case_id"])
    members = pd.concat([received["received_by"], timeline["by"], actions["by"]])
    codes, names = pd.factorize(members)
    n_received = len(received)
    case_rows = np.concatenate([received["row"].to_numpy(), step_rows])
    known = case_rows >= 0
    # Each (member, case) pair once, as one integer.
    pairs = np.unique(codes[known].astype(np.int64) * n + case_rows[known])
    pair_members, pair_cases = pairs // n, pairs % n
    is_open = (cases["status"] != CLOSED).to_numpy()
    size = len(names)
    step_codes = codes[n_received:][step_rows >= 0]
    out = pd.DataFrame(
        {
            "member": pd.Series(names, dtype="str"),
            "received": np.bincount(codes[:n_received], minlength=size),
            "cases": np.bincount(pair_members, minlength=size),
            "steps": np.bincount(step_codes, minlength=size),
            "open_cases": np.bincount(pair_members[is_open[pair_cases]], minlength=size),
        }
    )
    out = out.astype({c: "int64" for c in ("received", "cases", "steps", "open_cases")})
    return out.sort_values(["cases", "member"], ascending=[False, True], ignore_index=True)
