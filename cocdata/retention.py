"""Retention: when each case's identifying data goes, and ``cocdata expunge``, which removes it.

The rules follow the practice of established CoC teams (DOMAIN.md), with the
numbers in the store's ``cocdata.toml`` (``settings.Retention``):

- a **minor** case is expunged ``months`` after it was closed (default 12),
  or ``months_no_action`` after (default 6) when it ended with no action,
  not a violation or out of scope (outcomes as ``analysis.yearly`` counts
  them). Closure is when the status last changed to closed, or, for a case
  entered already closed, its last dated step (``analysis.response``);
- a **serious** case is never expunged: a safety risk, an action in
  ``never_actions`` (suspension, ban, removal from the event), or reported or
  forwarded to another body;
- an open case is kept; its date is set when it is closed;
- **reset**: a newer report naming the same person (by person code, in a
  role of ``reset_roles``, the reported person by default) restarts the
  clock: a case is kept at least as long as every later case naming the same
  reported person. Only the reported person resets, so that a target or a
  witness named again is not kept longer for it.

``expunge`` removes, for good, everything that identifies someone or tells
their story from every revision of a due case, in every case file
(compacted or not), with its evidence files, drafts, stale temporary files
and anything set aside in ``quarantine/`` that may hold it. What stays is
statistical: the event, dates at month precision, categories, space,
channel, status, safety risk, actions and reactions, where it was reported
or forwarded, the team members who worked on it, and the person code of
each *reported* person (the yearly "people named" count and repeat counts
need it; once the names are gone it is a random word pair that links only
to cases the team still holds about the same reported person). Everyone
else in the case gets a fresh code name, so nothing links them to cases the
team keeps.

This module is the policy: which cases are due, and why. The file work is
``cocdata.store.expunge``, under the store's lock, so no save is lost or
slips in between: one new file holds the rewritten rows, the old files are
deleted only after it is durable, and evidence files and drafts only after
that. A crash at any point leaves a readable store in which no case still
held has lost evidence, and running ``expunge`` again finishes the job: a
case with both expunged and intact revisions is always taken up again, and
what was left to delete is listed in ``expunge-pending.json``. Expunged
revisions are chained by ``revisions.expunged_hash``, which covers only what
they still hold, so ``verify`` still finds a lost or altered revision, and no
hash is left that could confirm a guessed name.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from cocdata import accesslog
from cocdata.analysis.tidy import explode_list
from cocdata.errors import NotFound, UsageError
from cocdata.revisions import EXPUNGED_MARK
from cocdata.settings import Retention
from cocdata.store import Store, dedupe, half_expunged, heads_of, stripping
from cocdata.store import expunge as rewriting
from cocdata.store.expunge import ExpungeReport
from cocdata.store.files import reworded
from cocdata.tables import Frames
from cocdata.team import permissions

State = Literal["date", "open", "never", "expunged"]

KEEP_CODE_ROLES = stripping.KEEP_CODE_ROLES
"""Roles whose person code stays on expunged revisions (the statistics count them)."""

NO_ACTION_OUTCOMES = ("no action", "not a violation", "out of scope", "no outcome yet")
"""Outcomes (``analysis.yearly``) after which the shorter ``months_no_action`` applies."""

STALE_TMP_S = rewriting.STALE_TMP_S
"""Temporary files older than this are leftovers of a crash, removed by an expunge."""


@dataclass(frozen=True)
class CaseRetention:
    """When one case's identifying data goes, and why."""

    case_id: str
    event_id: str
    state: State
    expunge_on: dt.date | None = None
    reason: str = ""
    held_by: str | None = None

    def due(self, today: dt.date | None = None) -> bool:
        """True when the case's identifying data should be expunged now."""
        today = today or dt.date.today()
        return self.state == "date" and self.expunge_on is not None and self.expunge_on <= today

    def describe(self) -> str:
        """The rule in words, for the case view and ``cocdata show``."""
        held = f"case {self.held_by}, a later report naming the same person"
        if self.state == "expunged":
            return f"expunged {self.reason}: identifying data removed, statistics kept"
        if self.state == "never":
            if self.held_by:
                return f"never expunged: {held}, is kept ({self.reason})"
            return f"never expunged: {self.reason}"
        if self.state == "open":
            if self.held_by:
                return f"kept while {held}, is open"
            return f"kept while the case is open; {self.reason}"
        when = f"expunge on {self.expunge_on:%Y-%m-%d}"
        if self.held_by:
            return f"{when}, reset by {held} ({self.reason})"
        return f"{when} ({self.reason})"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _order(item: CaseRetention) -> tuple[int, int]:
    """Sorts from the earliest expunge to the latest: a date < open (no date yet) < never."""
    if item.state == "date" and item.expunge_on is not None:
        return (0, item.expunge_on.toordinal())
    return (1, 0) if item.state == "open" else (2, 0)


def expunged_cases(frames: Frames) -> dict[str, str]:
    """Cases whose revisions carry the expunge mark -> the month it was done ('2025-06')."""
    changes = explode_list(frames.revisions, "changes", ["case_id"])
    marked = changes[changes["changes"].astype("str").str.startswith(EXPUNGED_MARK + " ")]
    return {
        row.case_id: str(row.changes)[len(EXPUNGED_MARK) + 1 :]
        for row in marked.drop_duplicates("case_id").itertuples()
    }


def _never_reason(
    safety_risk: bool,
    reported_to: list[str],
    forwarded_to: list[str],
    kinds: set[str],
    rules: Retention,
    labels: dict[str, str],
) -> str:
    """Why a case is serious enough never to be expunged ('' when it is not)."""
    if rules.never_if_safety_risk and safety_risk:
        return "marked as a safety risk"
    serious = [k for k in rules.never_actions if k in kinds]
    if serious:
        return "action taken: " + ", ".join(labels.get(k, k) for k in serious)
    onward = list(dict.fromkeys([*reported_to, *forwarded_to]))
    if rules.never_if_forwarded and onward:
        return "reported onward to " + ", ".join(onward)
    return ""


def schedule(
    frames: Frames,
    rules: Retention | None = None,
    action_labels: dict[str, str] | None = None,
) -> dict[str, CaseRetention]:
    """Every case's retention by the rules, keyed by case id (a pure function of the frames)."""
    from cocdata.analysis.response import response_times
    from cocdata.analysis.yearly import case_outcomes

    rules = rules or Retention()
    labels = action_labels or {}
    cases = frames.cases
    if cases.empty:
        return {}
    expunged = expunged_cases(frames)
    # Both come in the order of frames.cases.
    times = response_times(frames)
    closed_days = times["closed_at"].where(times["closed_at"].notna(), times["made_at"]).dt.date
    if frames.actions.empty:  # (case_outcomes warns on frames without any action)
        outcomes = ["no outcome yet"] * len(cases)
    else:
        outcomes = case_outcomes(frames)["outcome"].tolist()
    kinds: dict[str, set[str]] = {}
    actions = frames.actions
    for cid, kind in zip(actions["case_id"].tolist(), actions["kind"].tolist(), strict=True):
        kinds.setdefault(cid, set()).add(kind)
    columns = ["case_id", "event_id", "status", "safety_risk", "reported_to", "forwarded_to"]
    own: dict[str, CaseRetention] = {}
    for values in zip(
        *(cases[c].tolist() for c in columns), closed_days.tolist(), outcomes, strict=True
    ):
        cid, event, status, risk, reported_to, forwarded_to, closed_day, outcome = values
        if cid in expunged:
            own[cid] = CaseRetention(cid, event, "expunged", reason=f"in {expunged[cid]}")
            continue
        reason = _never_reason(
            bool(risk), reported_to or [], forwarded_to or [], kinds.get(cid, set()), rules, labels
        )
        if reason:
            own[cid] = CaseRetention(cid, event, "never", reason=reason)
            continue
        short = outcome in NO_ACTION_OUTCOMES
        months = rules.months_no_action if short else rules.months
        if status != "closed":
            own[cid] = CaseRetention(
                cid,
                event,
                "open",
                reason=f"then {rules.months} months after closure "
                f"({rules.months_no_action} if closed with no action)",
            )
            continue
        own[cid] = CaseRetention(
            cid,
            event,
            "date",
            add_months(closed_day, months),
            f"{months} months after closure on {closed_day:%Y-%m-%d}"
            + (", closed with no action" if short else ""),
        )
    return _with_resets(frames, own, rules)


def _with_resets(
    frames: Frames, own: dict[str, CaseRetention], rules: Retention
) -> dict[str, CaseRetention]:
    """Each case kept at least as long as every later case naming the same person."""
    people = frames.people
    named = people[people["role"].isin(rules.reset_roles) & people["person"].notna()]
    made_at = dict(zip(frames.cases["case_id"].tolist(), frames.cases["made_at"], strict=True))
    by_person: dict[str, set[str]] = {}
    for cid, code in zip(named["case_id"].tolist(), named["person"].tolist(), strict=True):
        if own[cid].state != "expunged":
            by_person.setdefault(code, set()).add(cid)
    result = dict(own)
    for ids in by_person.values():
        if len(ids) < 2:
            continue
        # Newest report first: each case takes the latest expunge of itself and what follows.
        ordered = sorted(ids, key=lambda c: (made_at[c], c), reverse=True)
        latest: CaseRetention | None = None
        for cid in ordered:
            mine = own[cid]
            if latest is not None and _order(latest) > _order(result[cid]):
                result[cid] = CaseRetention(
                    cid,
                    mine.event_id,
                    latest.state,
                    latest.expunge_on,
                    latest.reason,
                    latest.held_by or latest.case_id,
                )
            if latest is None or _order(mine) > _order(latest):
                latest = mine
    return result


def store_schedule(store: Store) -> dict[str, CaseRetention]:
    """Every case's retention in ``store`` by the rules in its ``cocdata.toml``."""
    return schedule(store.frames(), store.settings.retention, store.vocab.actions)


def case_retention(store: Store, case_id: str) -> CaseRetention:
    """One case's retention, reading only the cases that can reset it.

    Those are the cases naming one of its people in a role of ``reset_roles``:
    the people lists of every case are read (cheap), and the whole records of
    just these cases.
    """
    store.get(case_id)  # the usual "no such case" error
    rules = store.settings.retention
    people = store.read_cases(["case_id", "rev", "people"])
    heads = heads_of(people)
    flat = pc.list_flatten(heads["people"])
    owners = pc.list_parent_indices(heads["people"])
    codes = pc.struct_field(flat, "person")
    in_role = pc.is_in(pc.struct_field(flat, "role"), pa.array(rules.reset_roles, pa.string()))
    mine = pc.and_(in_role, pc.equal(heads["case_id"].take(owners), case_id))
    wanted = pc.unique(codes.filter(pc.fill_null(mine, False)).drop_null())
    related = {case_id}
    if len(wanted):
        hit = pc.fill_null(pc.and_(in_role, pc.is_in(codes, wanted)), False)
        related |= set(heads["case_id"].take(owners.filter(hit)).to_pylist())
    frames = store.frames_of(store.rows_of(related))
    return schedule(frames, rules, store.vocab.actions)[case_id]


# -- expunge -----------------------------------------------------------------


def _targets(
    store: Store, scan: rewriting.Scan, today: dt.date, case_ids: Sequence[str] | None
) -> tuple[list[CaseRetention], list[str]]:
    """The cases to expunge now (due, or named), and those an interrupted run left half done."""
    plan = schedule(scan.frames, store.settings.retention, store.vocab.actions)
    unfinished = sorted(half_expunged(scan.all_rows))
    if case_ids:
        chosen = []
        for cid in dict.fromkeys(case_ids):
            if cid not in plan:
                raise NotFound(
                    f"There is no case {cid!r} in the store at {store.root}.",
                    "List the cases with 'cocdata cases'; code names look like amber-falcon.",
                )
            item = plan[cid]
            if item.state == "expunged" and cid not in unfinished:
                continue
            status = scan.frames.cases.set_index("case_id").at[cid, "status"]
            if status != "closed":
                raise UsageError(
                    f"Case {cid} is {status}, not closed; it was not expunged (nothing was).",
                    "Close the case first: an expunged case can no longer be changed.",
                )
            chosen.append(item)
        return chosen, [c for c in unfinished if c not in {i.case_id for i in chosen}]
    due = [item for item in plan.values() if item.due(today)]
    due.sort(key=lambda i: (i.expunge_on or dt.date.min, i.case_id))
    return due, [c for c in unfinished if c not in {i.case_id for i in due}]


def _plan(
    store: Store, today: dt.date, case_ids: Sequence[str] | None
) -> tuple[ExpungeReport, rewriting.Scan, rewriting.Work]:
    """What an expunge would do now, and the work on disk that does it."""
    scan = rewriting.scan(store)
    cases, unfinished = _targets(store, scan, today, case_ids)
    targets = {c.case_id for c in cases} | set(unfinished)
    stale_before = add_months(today, -store.settings.retention.months)
    work = rewriting.plan(store, scan, targets, set(expunged_cases(scan.frames)), stale_before)
    report = ExpungeReport(
        cases=cases,
        unfinished=unfinished,
        asked=bool(case_ids),
        files=work.files,
        blobs=work.blobs,
        drafts=work.drafts,
        tmp=work.tmp,
        quarantine=[
            f"{name} ({'unreadable: deleted' if table is None else 'rows of expunged cases removed'})"
            for name, table in work.quarantine
        ],
    )
    if targets:
        rows = scan.all_rows.select(["case_id", "rev"])
        ids = pa.array(sorted(targets))
        report.revisions = dedupe(rows.filter(pc.is_in(rows["case_id"], ids))).num_rows
    return report, scan, work


def dry_run(
    store: Store, today: dt.date | None = None, case_ids: Sequence[str] | None = None
) -> ExpungeReport:
    """What ``expunge`` would remove now; nothing is changed and nothing is logged."""
    report, _, _ = _plan(store, today or dt.date.today(), case_ids)
    report.dry_run = True
    return report


def expunge(
    store: Store,
    today: dt.date | None = None,
    case_ids: Sequence[str] | None = None,
    by: str | None = None,
) -> ExpungeReport:
    """Remove the identifying data of every due case (or of ``case_ids``) for good.

    Runs under the store's lock; see the module docstring for what stays, and
    ``cocdata.store.expunge`` for the order of the file work that makes it
    safe to interrupt (a full disk included: run it again to finish).
    """
    permissions.require(store, "expunge", case_ids or ())
    today = today or dt.date.today()
    with (
        store.lock(),
        reworded(
            store.root,
            "the expunge stopped part-way; nothing was lost and no evidence of a case "
            "still held was deleted",
            "Free space and run 'cocdata expunge' again to finish it.",
        ),
    ):
        report, scan, work = _plan(store, today, case_ids)
        if work.targets:
            # Logged first: whatever happens next, the log says it was started.
            accesslog.record(
                store,
                "expunge",
                sorted(work.targets),
                "identifying data removed; statistics kept"
                + (" (asked for by name)" if case_ids else " (retention period over)"),
                by=by,
            )
        rewriting.apply(store, scan, work, f"{today:%Y-%m}")
    return report
