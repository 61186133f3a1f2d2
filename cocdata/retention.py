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

The files are rewritten (the one exception to "never rewritten") under the
store's lock, so no save is lost or slips in between. One new file holds
the rewritten rows; the old files are deleted only after it is durable. A
crash at any point leaves a readable store, and running ``expunge`` again
finishes the job: a case with both expunged and intact revisions is always
taken up again. Expunged revisions are chained by ``tables.expunged_hash``,
which covers only what they still hold, so ``verify`` still finds a lost or
altered revision, and no hash is left that could confirm a guessed name.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc

from cocdata import accesslog, codenames
from cocdata.analysis.tidy import explode_list
from cocdata.errors import NotFound, StoreError, UsageError
from cocdata.settings import Retention
from cocdata.store import (
    GENESIS,
    Store,
    _dedupe,
    _fsync_dir,
    _heads_of,
    half_expunged,
    read_file,
)
from cocdata.tables import CASE_SCHEMA, EXPUNGED_MARK, Frames, expunged_hash

State = Literal["date", "open", "never", "expunged"]

KEEP_CODE_ROLES = ("reported",)
"""Roles whose person code stays on expunged revisions (the statistics count them)."""

NO_ACTION_OUTCOMES = ("no action", "not a violation", "out of scope", "no outcome yet")
"""Outcomes (``analysis.yearly``) after which the shorter ``months_no_action`` applies."""

STALE_TMP_S = 600
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
    people = store._read_cases(["case_id", "rev", "people"])
    heads = _heads_of(people)
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


@dataclass
class ExpungeReport:
    """What an expunge removed (or, for a dry run, would remove)."""

    cases: list[CaseRetention] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    revisions: int = 0
    blobs: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    quarantine: list[str] = field(default_factory=list)
    tmp: list[str] = field(default_factory=list)
    dry_run: bool = False
    asked: bool = False

    @property
    def case_ids(self) -> list[str]:
        return sorted({c.case_id for c in self.cases} | set(self.unfinished))

    def text(self) -> str:
        """The report in words for the terminal."""
        if not (self.case_ids or self.drafts or self.tmp):
            return "No case is due for expunging; nothing was changed."
        done = "would be" if self.dry_run else "were"
        lines = ["Dry run, nothing was changed."] if self.dry_run else []
        if self.case_ids:
            lines.append(
                f"Identifying data {'would be ' if self.dry_run else ''}removed from "
                f"{len(self.case_ids)} case(s):"
            )
            for item in self.cases:
                rule = item.describe()
                lines.append(
                    f"  {item.case_id} ({item.event_id}): "
                    + (f"asked for by name; its rule: {rule}" if self.asked else rule)
                )
            for cid in self.unfinished:
                lines.append(f"  {cid}: finishing an expunge that was interrupted")
            lines.append(
                f"{len(self.files)} case file(s) and {len(self.quarantine)} set-aside file(s) "
                f"{done} rewritten or deleted ({self.revisions} revision(s) stripped); "
                f"{len(self.blobs)} evidence file(s) {done} deleted."
            )
            lines += [f"  quarantine: {name}" for name in self.quarantine]
        else:
            lines.append("No case is due for expunging.")
        if self.drafts:
            lines.append(
                f"{len(self.drafts)} draft(s) of these cases or left untouched for longer than "
                f"cases are kept {done} deleted."
            )
        if self.tmp:
            lines.append(f"{len(self.tmp)} temporary file(s) left by a crash {done} deleted.")
        return "\n".join(lines)


def _month(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def stripped_row(row: dict[str, Any], when: str, codes: dict[str, str]) -> dict[str, Any]:
    """A revision row with only statistical facts left (hashes are set by the caller).

    ``codes`` maps the person codes of people not in ``KEEP_CODE_ROLES`` to
    fresh ones.
    """
    occurred = dict(row["occurred"] or {})
    if occurred.get("at") is not None:
        occurred["at"] = _month(occurred["at"])
        if occurred.get("precision") in ("minute", "hour", "day"):
            occurred["precision"] = "month"
    report = dict(row["report"] or {})
    report["made_at"] = _month(report.get("made_at"))
    people = []
    for p in row["people"] or []:
        code = p.get("person")
        if code and p.get("role") not in KEEP_CODE_ROLES:
            code = codes[code]
        people.append({"role": p.get("role"), "person": code})
    return {
        **row,
        "prev_hash": "",
        "hash": "",
        "saved_at": _month(row["saved_at"]),
        "changes": [*(row["changes"] or []), f"{EXPUNGED_MARK} {when}"],
        "report": report,
        "occurred": occurred,
        "people": people,
        "timeline": [{**t, "at": _month(t.get("at"))} for t in row["timeline"] or []],
        "actions": [{**a, "at": _month(a.get("at"))} for a in row["actions"] or []],
        "evidence": [],
        "identity": None,
    }


def _evidence_of(table: pa.Table) -> set[str]:
    """SHA-256 of every evidence file the rows of ``table`` name (attached or in the timeline)."""
    attached = pc.struct_field(pc.list_flatten(table["evidence"]), "sha256")
    steps = pc.list_flatten(pc.struct_field(table["identity"], "timeline"))
    named = pc.list_flatten(pc.struct_field(steps, "evidence"))
    return set(pc.unique(attached).drop_null().to_pylist()) | set(
        pc.unique(named).drop_null().to_pylist()
    )


def _expunged_rows(
    rows: list[dict[str, Any]], when: str, taken: set[str], rng: random.Random
) -> list[dict[str, Any]]:
    """Every revision of one case stripped, oldest first (hashes are set by ``_chained``).

    ``rows`` may hold a revision twice (intact and already expunged, after an
    interrupted run); the expunged one is kept as it is.
    """
    by_rev: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["rev"] not in by_rev or row.get("identity") is None:
            by_rev[row["rev"]] = row
    codes: dict[str, str] = {}
    for row in by_rev.values():
        if row.get("identity") is None:
            continue
        for p in row["people"] or []:
            code = p.get("person")
            if code and p.get("role") not in KEEP_CODE_ROLES and code not in codes:
                codes[code] = codenames.new_code_name(taken, rng)
                taken.add(codes[code])
    return [
        stripped_row(by_rev[rev], when, codes)
        if by_rev[rev].get("identity") is not None
        else by_rev[rev]
        for rev in sorted(by_rev)
    ]


def _chained(rows: list[dict[str, Any]]) -> pa.Table:
    """Expunged rows (each case's revisions together, oldest first) with their hash chain.

    The hashes are computed on the rows as they read back from parquet, so
    that ``verify`` computes the same.
    """
    normal = pa.Table.from_pylist(rows, schema=CASE_SCHEMA).to_pylist()
    previous, case_id = GENESIS, None
    for row in normal:
        if row["case_id"] != case_id:
            previous, case_id = GENESIS, row["case_id"]
        row["prev_hash"] = previous
        row["hash"] = expunged_hash(row)
        previous = row["hash"]
    return pa.Table.from_pylist(normal, schema=CASE_SCHEMA)


@dataclass
class _Scan:
    """Every case file read whole, and what an expunge would do with them."""

    tables: dict[str, pa.Table]
    frames: Frames
    all_rows: pa.Table


def _scan(store: Store) -> _Scan:
    tables: dict[str, pa.Table] = {}
    for name in store._files("cases"):
        try:
            tables[name] = read_file(store.root / "cases" / name)
        except (OSError, pa.ArrowException) as exc:
            raise StoreError(
                f"cases/{name} cannot be read ({exc}); nothing was expunged.",
                "Run 'cocdata verify' first: it sets damaged files aside in quarantine/, "
                "and a later expunge removes them.",
            ) from exc
    full = (
        pa.concat_tables(list(tables.values()), promote_options="permissive")
        if tables
        else CASE_SCHEMA.empty_table()
    )
    return _Scan(tables, store.frames_of(full), full)


def _targets(
    store: Store, scan: _Scan, today: dt.date, case_ids: Sequence[str] | None
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


def _drafts_of(store: Store, targets: set[str], stale_before: dt.date) -> list[str]:
    """Drafts of the cases being expunged, and drafts nobody touched since ``stale_before``
    (an abandoned report form holds names too, and was never a case to expunge)."""
    out = []
    for draft in store.drafts():
        draft_id = str(draft.get("draft_id", ""))
        case_id = (draft.get("data") or {}).get("case_id")
        updated = str(draft.get("updated_at") or "")[:10]
        if (
            case_id in targets
            or any(draft_id == f"case-{c}" or draft_id.startswith(f"case-{c}-") for c in targets)
            or (updated and updated < stale_before.isoformat())
        ):
            out.append(draft_id)
    return sorted(out)


def _quarantined(store: Store, targets: set[str]) -> list[tuple[str, pa.Table | None]]:
    """Set-aside files that may hold a target's data: (name, readable rows or None)."""
    out: list[tuple[str, pa.Table | None]] = []
    folder = store.root / "quarantine"
    if not folder.exists() or not targets:
        return out
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        try:
            table = read_file(path)
        except (OSError, pa.ArrowException):
            out.append((path.name, None))  # unreadable: it may hold anything
            continue
        if "case_id" not in table.column_names:
            continue  # an events or access-log file: no one's story in it
        if pc.any(pc.is_in(table["case_id"], pa.array(sorted(targets)))).as_py():
            out.append((path.name, table))
    return out


def _stale_tmp(store: Store) -> list[str]:
    folder = store.root / "tmp"
    if not folder.exists():
        return []
    limit = time.time() - STALE_TMP_S
    out = []
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                out.append(path.name)
        except FileNotFoundError:
            continue
    return sorted(out)


def _plan(
    store: Store, today: dt.date, case_ids: Sequence[str] | None
) -> tuple[ExpungeReport, _Scan, dict[str, Any]]:
    scan = _scan(store)
    cases, unfinished = _targets(store, scan, today, case_ids)
    targets = {c.case_id for c in cases} | set(unfinished)
    report = ExpungeReport(cases=cases, unfinished=unfinished, asked=bool(case_ids))
    report.drafts = _drafts_of(store, targets, add_months(today, -store.settings.retention.months))
    report.tmp = _stale_tmp(store)
    if not targets:
        return report, scan, {"targets": targets, "quarantine": []}
    ids = pa.array(sorted(targets))
    target_refs: set[str] = set()
    other_refs: set[str] = set()
    for name, table in scan.tables.items():
        mask = pc.is_in(table["case_id"], ids)
        if not pc.any(mask).as_py():
            other_refs |= _evidence_of(table)
            continue
        report.files.append(name)
        target_refs |= _evidence_of(table.filter(mask))
        other_refs |= _evidence_of(table.filter(pc.invert(mask)))
    stored_blobs = set(store.blob_digests())
    report.blobs = sorted((target_refs - other_refs) & stored_blobs)
    expunged_before = set(expunged_cases(scan.frames))
    quarantine = _quarantined(store, targets | expunged_before)
    report.quarantine = [
        f"{name} ({'unreadable: deleted' if table is None else 'rows of expunged cases removed'})"
        for name, table in quarantine
    ]
    rows = scan.all_rows.select(["case_id", "rev"])
    report.revisions = _dedupe(rows.filter(pc.is_in(rows["case_id"], ids))).num_rows
    return report, scan, {"targets": targets, "quarantine": quarantine, "expunged": expunged_before}


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

    Runs under the store's lock; see the module docstring for what stays and
    why it is safe to interrupt.
    """
    today = today or dt.date.today()
    when = f"{today:%Y-%m}"
    with store._lock():
        report, scan, extra = _plan(store, today, case_ids)
        targets: set[str] = extra["targets"]
        if targets:
            # Logged first: whatever happens next, the log says it was started.
            accesslog.record(
                store,
                "expunge",
                sorted(targets),
                "identifying data removed; statistics kept"
                + (" (asked for by name)" if case_ids else " (retention period over)"),
                by=by,
            )
        # Everything outside the case files goes first: while a case's files
        # are intact it is still due, so a re-run after a crash takes it up again.
        for draft_id in report.drafts:
            store.discard_draft(draft_id)
        for digest in report.blobs:
            store.remove_blob(digest)
        _clean_quarantine(store, extra["quarantine"], targets | extra.get("expunged", set()))
        for name in report.tmp:
            (store.root / "tmp" / name).unlink(missing_ok=True)
        if targets:
            _rewrite_cases(store, scan, targets, report.files, when)
        store._forget_index()
    return report


def _clean_quarantine(
    store: Store, quarantine: list[tuple[str, pa.Table | None]], gone: set[str]
) -> None:
    folder = store.root / "quarantine"
    ids = pa.array(sorted(gone))
    for name, table in quarantine:
        if table is not None:
            keep = table.filter(pc.invert(pc.is_in(table["case_id"], ids)))
            if keep.num_rows:
                store._write_table("quarantine", keep, suffix="-kept")
        (folder / name).unlink(missing_ok=True)
    if quarantine:
        _fsync_dir(folder)


def _rewrite_cases(
    store: Store, scan: _Scan, targets: set[str], files: Iterable[str], when: str
) -> None:
    """One new file with every row of ``files``, targets expunged; then the old files go."""
    files = list(files)
    ids = pa.array(sorted(targets))
    taken = set(scan.frames.people["person"].dropna().tolist())
    taken |= set(scan.frames.cases["case_id"].tolist())
    kept: list[pa.Table] = []
    for name in files:
        table = scan.tables[name]
        kept.append(table.filter(pc.invert(pc.is_in(table["case_id"], ids))))
    rows = scan.all_rows.filter(pc.is_in(scan.all_rows["case_id"], ids)).to_pylist()
    by_case: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_case.setdefault(row["case_id"], []).append(row)
    # Fresh code names must not be guessable from anything in the store: the
    # generator is seeded from the operating system's randomness.
    rng = random.Random(secrets.randbits(128))
    new_rows: list[dict[str, Any]] = []
    for cid in sorted(by_case):
        new_rows += _expunged_rows(by_case[cid], when, taken, rng)
    merged = pa.concat_tables([*(t.cast(CASE_SCHEMA) for t in kept), _chained(new_rows)])
    merged = _dedupe(merged).sort_by([("case_id", "ascending"), ("rev", "ascending")])
    store._write_table("cases", merged, suffix="-expunge")
    for name in files:
        (store.root / "cases" / name).unlink(missing_ok=True)
    _fsync_dir(store.root / "cases")
