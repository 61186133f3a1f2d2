"""Trends across events: how many reports, of what, where, when, how, and to whom.

Each case is one report: a follow-up on an open case is written into that
case's timeline, so it never counts as a new report. A case with several
categories counts once in each, so category shares can add up to more than 1.

The breakdowns take ``per``: ``"all"`` (one row per value), ``"event"``
(``event_id`` and ``event`` name columns in front) or ``"year"`` (a ``year``
column in front, the year the report was received); ``share`` is then of
the cases of that event or year.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from cocdata.analysis.tidy import (
    UNKNOWN,
    event_table,
    explode_list,
    isin,
    label,
    lookup,
    share,
    take,
    vocabularies,
)
from cocdata.tables import Frames
from cocdata.vocab import Vocabularies

Per = Literal["all", "event", "year"]

KNOWN_HOUR = ("minute", "hour")
"""Occurrence precisions that tell the hour of day."""
KNOWN_DAY = ("minute", "hour", "day")
"""Occurrence precisions that tell the day."""
NOT_RECORDED = "not recorded"


def reports_per_event(frames: Frames) -> pd.DataFrame:
    """Reports per event and per 100 attendees, every event included, oldest first.

    Columns: ``event_id, event, start, attendees, reports, per_100_attendees,
    note``. Events with no report have ``reports`` 0. Where attendance is
    unknown (or zero) the rate is NaN and ``note`` says so.
    """
    events = event_table(frames.events)
    counts = frames.cases["event_id"].value_counts()
    out = pd.DataFrame(
        {
            "event_id": events["id"],
            "event": events["name"],
            "start": events["start"],
            "attendees": events["attendees"],
            "reports": lookup(counts, events["id"]).fillna(0).astype("int64"),
        }
    )
    known = out["attendees"] > 0
    out["per_100_attendees"] = (100.0 * out["reports"] / out["attendees"]).where(known)
    out["note"] = np.where(known, "", "attendance unknown: no rate")
    out["note"] = out["note"].astype("str")
    return out


def _groups(frames: Frames, per: Per) -> pd.DataFrame:
    """Each case's group key (``group``) and display name (``group_name``), in case order."""
    cases = frames.cases
    if per == "all":
        return pd.DataFrame(
            {"group": np.full(len(cases), "all"), "group_name": np.full(len(cases), "All events")},
        ).astype("str")
    if per == "year":
        year = cases["made_at"].dt.year.astype("Int64").astype("str").reset_index(drop=True)
        return pd.DataFrame({"group": year, "group_name": year})
    if per == "event":
        names = frames.events.set_index("id")["name"]
        event_ids = cases["event_id"].reset_index(drop=True)
        return pd.DataFrame(
            {"group": event_ids, "group_name": lookup(names, event_ids).fillna(event_ids)}
        ).astype({"group_name": "str"})
    raise ValueError(f"per must be 'all', 'event' or 'year', not {per!r}")


def _breakdown(
    frames: Frames,
    rows: np.ndarray,
    values: pd.Series,
    column: str,
    labels: dict[str, str],
    per: Per,
) -> pd.DataFrame:
    """Distinct cases per group and value; ``rows`` are the case positions of ``values``."""
    groups = _groups(frames, per)
    totals = groups.groupby("group", sort=False).size()
    pairs = pd.DataFrame(
        {
            "row": rows,
            "group": take(groups["group"], rows),
            "group_name": take(groups["group_name"], rows),
            column: values.fillna(UNKNOWN).astype("str").reset_index(drop=True),
        }
    ).astype({column: "str"})
    counts = (
        pairs.drop_duplicates(["row", column])
        .groupby(["group", "group_name", column], sort=False, observed=True)
        .size()
        .rename("cases")
        .reset_index()
    )
    counts["label"] = label(counts[column], labels)
    counts["share"] = share(counts["cases"], lookup(totals, counts["group"]))
    value_columns = [column, "label", "cases", "share"]
    if per == "all":
        counts = counts[value_columns]
        return counts.sort_values(["cases", column], ascending=[False, True], ignore_index=True)
    if per == "event":
        counts = counts.rename(columns={"group": "event_id", "group_name": "event"})
        key_columns = ["event_id", "event"]
    else:
        counts = counts.rename(columns={"group": "year"})
        key_columns = ["year"]
    counts = counts[[*key_columns, *value_columns]]
    if per == "event":
        # Events in the order they took place.
        starts = event_table(frames.events).set_index("id")["start"]
        order = lookup(starts, counts["event_id"])
        counts = counts.assign(_start=order.to_numpy())
        keys = ["_start", "event_id", "cases", column]
        counts = counts.sort_values(keys, ascending=[True, True, False, True], ignore_index=True)
        return counts.drop(columns="_start")
    return counts.sort_values(
        [key_columns[0], "cases", column], ascending=[True, False, True], ignore_index=True
    )


def _case_rows(frames: Frames) -> np.ndarray:
    return np.arange(len(frames.cases))


def category_mix(
    frames: Frames, vocab: Vocabularies | None = None, per: Per = "all"
) -> pd.DataFrame:
    """Cases per category, overall, per event or per year of receipt.

    Columns: ``[group,] category, label, cases, share, outside_coc``.
    """
    vocab = vocabularies(vocab)
    values = explode_list(frames.cases, "categories", [])
    out = _breakdown(
        frames, values["row"].to_numpy(), values["categories"], "category", vocab.categories, per
    )
    out["outside_coc"] = isin(out["category"], vocab.outside_coc)
    return out


def spaces(frames: Frames, vocab: Vocabularies | None = None, per: Per = "all") -> pd.DataFrame:
    """Cases per kind of space (talk, party, online, ...); no space recorded shows as unknown.

    Columns: ``[group,] space, label, cases, share``.
    """
    vocab = vocabularies(vocab)
    cases = frames.cases
    return _breakdown(frames, _case_rows(frames), cases["space"], "space", vocab.spaces, per)


def channels(frames: Frames, vocab: Vocabularies | None = None, per: Per = "all") -> pd.DataFrame:
    """Cases per reporting channel, with how many of them were anonymous.

    Columns: ``[group,] channel, label, cases, share, anonymous``.
    """
    vocab = vocabularies(vocab)
    cases = frames.cases
    rows = _case_rows(frames)
    out = _breakdown(frames, rows, cases["channel"], "channel", vocab.channels, per)
    flags = _groups(frames, per).assign(
        channel=cases["channel"].fillna(UNKNOWN).astype("str").to_numpy(),
        anonymous=cases["anonymous"].to_numpy(dtype=bool),
    )
    anonymous = (
        flags.groupby(["group", "channel"])["anonymous"].sum().rename("anonymous").reset_index()
    )
    key = {"all": None, "event": "event_id", "year": "year"}[per]
    if key is None:
        merged = out.merge(anonymous.drop(columns="group"), on="channel", how="left")
    else:
        merged = out.merge(
            anonymous.rename(columns={"group": key}), on=[key, "channel"], how="left"
        )
    merged["anonymous"] = merged["anonymous"].fillna(0).astype("int64")
    return merged


def receivers(frames: Frames, per: Per = "all") -> pd.DataFrame:
    """Reports received per team member; reports with nobody recorded show as 'not recorded'.

    A report received by two members counts for each, so shares can add up to
    more than 1. Columns: ``[group,] received_by, cases, share``.
    """
    cases = frames.cases
    values = explode_list(cases, "received_by", [])
    nobody = np.flatnonzero(cases["received_by"].map(len).to_numpy() == 0)
    rows = np.concatenate([values["row"].to_numpy(), nobody])
    names = pd.concat(
        [values["received_by"], pd.Series(NOT_RECORDED, index=nobody, dtype="str")],
        ignore_index=True,
    )
    out = _breakdown(frames, rows, names, "received_by", {}, per)
    return out.drop(columns=["label"])


def time_of_day(frames: Frames) -> pd.DataFrame:
    """Incidents per hour of day (0–23, every hour listed) and one row for unknown times.

    Only times known at least to the hour count (approximate ones included);
    the last row (``hour`` missing, ``label`` 'unknown') counts the cases left
    out because their time is unknown or known only to the day or month.
    Columns: ``hour, label, cases, share`` (share of the cases with a known hour).
    """
    cases = frames.cases
    known = isin(cases["occurred_precision"], KNOWN_HOUR) & cases["occurred_at"].notna().to_numpy()
    counts = np.bincount(cases.loc[known, "occurred_at"].dt.hour.to_numpy(), minlength=24)
    out = pd.DataFrame(
        {
            "hour": pd.array([*range(24), None], dtype="Int64"),
            "label": [f"{h:02d}:00" for h in range(24)] + [UNKNOWN],
            "cases": np.append(counts, int((~known).sum())).astype("int64"),
        }
    ).astype({"label": "str"})
    out["share"] = share(out["cases"], float(counts.sum())).where(out["hour"].notna())
    return out


def day_of_event(frames: Frames) -> pd.DataFrame:
    """Incidents per day of their event (day 1 is the first day), before, after and unknown.

    Only dates known at least to the day count; cases whose date is known
    only to the month, or not at all, are counted in the 'unknown' row.
    Columns: ``day, label, cases, share`` (``day`` is missing for the rows
    before, after and unknown; share is of the cases with a known day).
    """
    cases = frames.cases
    events = event_table(frames.events).set_index("id")
    start = lookup(events["start"], cases["event_id"])
    end = lookup(events["end"], cases["event_id"])
    known = isin(cases["occurred_precision"], KNOWN_DAY) & cases["occurred_at"].notna().to_numpy()
    occurred = cases["occurred_at"].dt.normalize()
    day = (occurred - start).dt.days + 1
    length = int(((events["end"] - events["start"]).dt.days.max() or 0) + 1) if len(events) else 1
    before = known & (occurred < start)
    after = known & (occurred > end)
    within = known & ~before & ~after
    counts = np.bincount(day[within].astype("int64").to_numpy(), minlength=length + 1)[1:]
    labels = [f"day {d}" for d in range(1, len(counts) + 1)]
    out = pd.DataFrame(
        {
            "day": pd.array([*range(1, len(counts) + 1), None, None, None], dtype="Int64"),
            "label": [*labels, "before the event", "after the event", UNKNOWN],
            "cases": np.append(counts, [before.sum(), after.sum(), (~known).sum()]).astype("int64"),
        }
    ).astype({"label": "str"})
    out["share"] = share(out["cases"], float(known.sum())).where(out["label"] != UNKNOWN)
    return out
