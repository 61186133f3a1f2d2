"""One error tree for everything cocdata refuses or cannot do.

Every error carries what went wrong in words a response-team member
understands, and what to do about it. The CLI prints ``str(error)`` to stderr
and exits with ``error.exit_code``; forms show the same text next to the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class CocdataError(Exception):
    """Root of every error cocdata raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one record.

    ``where`` locates the record (an import line number, a case id, a form);
    ``field`` is a dotted path such as ``report.made_at`` or ``people.1.role``.
    """

    field: str
    message: str
    where: str | None = None
    value: object = None

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        return f"{head}{self.field}: {self.message}"


class InvalidRecord(CocdataError):
    """A record (or a whole import file) has problems; nothing was written."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem], what: str = "the record") -> None:
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{what} has {count} {noun}; nothing was saved:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines), "Correct these and try again.")


class NotFound(CocdataError):
    """A case, event, draft or file that was asked for does not exist."""

    exit_code = 3


class AlreadyExists(CocdataError):
    """A new record would replace one that is already in the store."""

    exit_code = 4


@dataclass(frozen=True)
class ChangeSeen:
    """A revision someone else saved while the user was editing."""

    rev: int
    saved_by: str
    saved_at: str
    changed: Sequence[str]

    def __str__(self) -> str:
        fields = ", ".join(self.changed) or "nothing visible"
        return f"revision {self.rev} by {self.saved_by} at {self.saved_at}: changed {fields}"


class Conflict(CocdataError):
    """A save was based on an outdated revision of the case; nothing was written."""

    exit_code = 5

    def __init__(self, case_id: str, base_rev: int, head_rev: int, seen: Sequence[ChangeSeen]):
        self.case_id = case_id
        self.base_rev = base_rev
        self.head_rev = head_rev
        self.seen = list(seen)
        lines = [
            f"Case {case_id} was changed by someone else while you edited it "
            f"(you started from revision {base_rev}, it is now at revision {head_rev}); "
            "your change was not saved:"
        ]
        lines += [f"  - {c}" for c in self.seen]
        super().__init__(
            "\n".join(lines),
            "Reload the case, look at their change, and apply yours again.",
        )


class StoreError(CocdataError):
    """The store folder is missing, unreadable or not a cocdata store."""

    exit_code = 6


class CorruptStore(StoreError):
    """Files of the store failed verification."""

    exit_code = 7


class ReportFailed(CocdataError):
    """One or more reports could not be rendered; the others were written."""

    exit_code = 8


class LeakFound(CocdataError):
    """A public report would show a name, contact, code name or exact time."""

    exit_code = 9


class LockedStore(StoreError):
    """The store is encrypted and no key, or a wrong key, was given."""

    exit_code = 10


class Expunged(CocdataError):
    """A case's identifying data was expunged; it can be read for statistics, not changed."""

    exit_code = 11


class StoreWriteFailed(StoreError):
    """Writing to the store failed (the disk refused a write); nothing half-written was kept."""

    exit_code = 12

    def __init__(self, message: str, hint: str | None = None, errno: int | None = None) -> None:
        self.errno = errno
        super().__init__(message, hint)


class DiskFull(StoreWriteFailed):
    """The disk holding the store is full (or the user's quota is used up)."""
