"""What a publishing run did: each report's outcome, and what the command says and returns.

:class:`PublishOutcome` lists every event's (and yearly report's)
:class:`EventOutcome`, the index files written and the files taken out of
the output folder; its ``error()`` is what a command ends with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cocdata.errors import CocdataError, LeakFound, ReportFailed

if TYPE_CHECKING:
    from cocdata.reports.leaks import Finding

# Statuses of one event in an outcome.
WRITTEN = "written"
UNCHANGED = "unchanged"
BLOCKED = "blocked"
FAILED = "failed"


@dataclass
class EventOutcome:
    """What happened to one event's report. ``message`` is for the terminal only."""

    event_id: str
    title: str
    status: str
    files: list[Path] = field(default_factory=list)
    message: str | None = None
    accepted: list[Finding] = field(default_factory=list)

    def __str__(self) -> str:
        if self.status == WRITTEN:
            names = ", ".join(p.name for p in self.files)
            note = (
                f" (published despite finding(s) {', '.join(f.id for f in self.accepted)}, "
                "as accepted; recorded)"
                if self.accepted
                else ""
            )
            folder = self.files[0].parent if self.files else ""
            return f"{self.event_id}: wrote {names} in {folder}{note}"
        if self.status == UNCHANGED:
            return f"{self.event_id}: unchanged since the last run, not rendered again (--force renders it)"
        word = "BLOCKED by the leak guard" if self.status == BLOCKED else "FAILED"
        return f"{self.event_id}: {word}, nothing written.\n{self.message or ''}".rstrip()


@dataclass
class PublishOutcome:
    """Every event's outcome, the index files, and what the CLI should say and return."""

    events: list[EventOutcome]
    index: list[Path] = field(default_factory=list)
    index_problem: str | None = None
    removed: list[tuple[Path, str]] = field(default_factory=list)
    """Files taken out of the output folder: the guard now finds something in them, or their
    event is no longer in the store."""
    ignored_accepts: list[str] = field(default_factory=list)
    what: str = "Transparency reports of {n} event(s)"
    """How the summary names the reports, ``{n}`` their number."""

    def count(self, status: str) -> int:
        return sum(e.status == status for e in self.events)

    @property
    def ok(self) -> bool:
        return (
            not any(e.status in (BLOCKED, FAILED) for e in self.events) and not self.index_problem
        )

    def summary(self) -> str:
        parts = [
            f"{self.count(WRITTEN)} written",
            f"{self.count(UNCHANGED)} unchanged",
            f"{self.count(BLOCKED)} blocked by the leak guard",
            f"{self.count(FAILED)} failed",
        ]
        return self.what.format(n=len(self.events)) + ": " + ", ".join(parts) + "."

    def error(self) -> CocdataError | None:
        """The error to end the command with, or None when every report is out."""
        if self.ok:
            return None
        failed = [e.event_id for e in self.events if e.status == FAILED]
        blocked = [e.event_id for e in self.events if e.status == BLOCKED]
        lines = []
        if blocked:
            lines.append(f"Blocked by the leak guard (nothing written): {', '.join(blocked)}.")
        if failed:
            lines.append(f"Failed (nothing written): {', '.join(failed)}.")
        if self.index_problem:
            lines.append(self.index_problem)
        if failed or self.index_problem:
            return ReportFailed(
                "\n".join(lines),
                "Fix what is named above for each event and run the command again; "
                "the reports that were written are kept.",
            )
        return LeakFound(
            "\n".join(lines),
            "Each finding above names the case and field it comes from. Rewrite that part "
            "(usually the public summary) and run the command again, or publish despite a "
            "finding that is not a leak with --accept ID.",
        )
