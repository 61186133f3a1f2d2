"""The access log: who exported, reported, forwarded or expunged which cases, and when.

Every entry is one small immutable parquet file in the store's ``access/``
folder, written atomically through the store's own file writer (so a crash
leaves a whole entry or none, and whatever protects case files protects the
log). Entries are never changed or removed; ``cocdata compact`` merges them
into one file like the rest. The log holds case and person code names, team
members and destinations (in a team store the member is the login, and
refused attempts and recusals are logged too), never a name or contact of someone involved, so
it outlives an expunge: the team can still account for what left the store.

An entry is written before the thing it records happens: an export that
fails halfway is still logged, an export that escaped the log is not
possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from cocdata.errors import StoreError
from cocdata.tables import ACCESS_SCHEMA
from cocdata.team.identity import acting_member

if TYPE_CHECKING:  # the store writes refusals here: no import of it at run time
    from cocdata.store import Store

ACTIONS = {
    "export": "exported",
    "subject-access": "subject access export",
    "report": "report rendered",
    "forward": "forwarded",
    "receive": "received from another team",
    "expunge": "expunged",
    "refused": "refused",
    "recuse": "recused",
    "team": "changed the team",
}
"""The kinds of access logged, with how each reads in a listing."""

FOLDER = "access"


@dataclass(frozen=True)
class AccessEntry:
    """One logged access: when, who, what kind, which cases (and person), in words."""

    at: dt.datetime
    by: str
    action: str
    cases: tuple[str, ...]
    person: str | None
    detail: str

    def line(self, case_id: str | None = None) -> str:
        """The entry on one line; the case list is left out when listing one case's log."""
        what = ACTIONS.get(self.action, self.action)
        text = f"{self.at:%Y-%m-%d %H:%M}  {self.by}: {what}"
        if self.person:
            text += f" (person {self.person})"
        if self.detail:
            text += f" — {self.detail}"
        if case_id is None or len(self.cases) > 1:
            shown = ", ".join(self.cases[:8]) + (
                f" and {len(self.cases) - 8} more" if len(self.cases) > 8 else ""
            )
            text += f" [{len(self.cases)} case(s): {shown}]" if self.cases else ""
        return text


def record(
    store: Store,
    action: str,
    cases: Iterable[str],
    detail: str = "",
    by: str | None = None,
    person: str | None = None,
) -> AccessEntry:
    """Append one entry to the store's access log and return it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access-log action {action!r}; one of {', '.join(ACTIONS)}")
    now = dt.datetime.now()
    entry = AccessEntry(
        at=now.replace(microsecond=now.microsecond // 1000 * 1000),
        by=acting_member(store.root, by),
        action=action,
        cases=tuple(dict.fromkeys(cases)),
        person=person,
        detail=detail,
    )
    row = {
        "at": entry.at,
        "by": entry.by,
        "action": entry.action,
        "cases": list(entry.cases),
        "person": entry.person,
        "detail": entry.detail,
    }
    store.write_table(FOLDER, pa.Table.from_pylist([row], schema=ACCESS_SCHEMA))
    return entry


def entries(
    store: Store, case_id: str | Sequence[str] | None = None, person: str | None = None
) -> list[AccessEntry]:
    """Every logged access, oldest first; only those naming ``case_id`` (one or several)
    or ``person`` when given (an entry matches if it names either)."""
    wanted = {case_id} if isinstance(case_id, str) else set(case_id or ())
    out: list[AccessEntry] = []
    for row in _rows(store):
        entry = AccessEntry(
            at=row["at"],
            by=row["by"],
            action=row["action"],
            cases=tuple(row["cases"] or ()),
            person=row.get("person"),
            detail=row.get("detail") or "",
        )
        if (wanted or person) and not (
            wanted.intersection(entry.cases) or (person and entry.person == person)
        ):
            continue
        out.append(entry)
    # A compaction leaves merged copies beside originals only if interrupted: drop repeats.
    unique = list(dict.fromkeys(out))
    return sorted(unique, key=lambda e: e.at)


def _rows(store: Store) -> list[dict]:
    for _ in range(5):
        rows: list[dict] = []
        for name in store.list_files(FOLDER, missing_ok=True):
            try:
                rows += store.read_table(FOLDER, name).to_pylist()
            except FileNotFoundError:
                break  # merged by a compaction meanwhile: list the folder again
            except (OSError, pa.ArrowException):
                continue  # 'cocdata verify' reports and quarantines it
        else:
            return rows
    raise StoreError(
        f"The access log in {store.root} kept changing while it was read.", "Try again."
    )


def entries_text(found: Sequence[AccessEntry], case_id: str | None = None) -> str:
    """The log as text for the terminal, one entry a line."""
    head = f"Access log{f' of case {case_id}' if case_id else ''}:"
    if not found:
        return f"{head}\n  (nothing exported, reported, forwarded or expunged)"
    return "\n".join([head, *(f"  {e.line(case_id)}" for e in found)])
