"""One error tree for everything cocdata refuses or cannot do.

Every error carries what went wrong in words a response-team member
understands (``message``), what to do about it (``hint``), and the facts a
program needs to act on it without reading the words (``problems`` of an
invalid record, ``findings`` of a leak, the revisions of a conflict). The CLI
prints ``str(error)`` to stderr and exits with ``error.exit_code``, which comes
from :data:`EXIT_CODES` by the error's class; forms and notebooks show the
same text.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class _ExitCode:
    """``SomeError.exit_code`` and ``error.exit_code``, read from :data:`EXIT_CODES`."""

    def __get__(self, obj: object, owner: type[BaseException]) -> int:
        return exit_code_of(owner)


class CocdataError(Exception):
    """Root of every error cocdata raises on purpose."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message

    exit_code: int = _ExitCode()  # type: ignore[assignment]
    """The command line's exit code for this error, on the class and its instances."""


class UsageError(CocdataError):
    """A command, option or argument was used in a way that cannot work; nothing was done."""


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

    def __init__(self, problems: Iterable[Problem], what: str = "the record") -> None:
        self.problems: list[Problem] = list(problems)
        self.what = what
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{what} has {count} {noun}; nothing was saved:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines), "Correct these and try again.")


class NotFound(CocdataError):
    """A case, event, draft or file that was asked for does not exist."""


class AlreadyExists(CocdataError):
    """A new record would replace one that is already in the store."""


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


class CorruptStore(StoreError):
    """Files of the store failed verification; ``problems`` lists each in words."""

    def __init__(self, message: str, hint: str | None = None, problems: Sequence[str] = ()) -> None:
        self.problems: list[str] = list(problems)
        super().__init__(message, hint)


class ReportFailed(CocdataError):
    """One or more reports could not be rendered; the others were written."""


@dataclass(frozen=True)
class Leak:
    """One thing a public page would show: which finding, from which case and field.

    ``finding`` is the id that ``--accept`` takes; ``case_id`` is None for
    what belongs to no one case (a team member's name, say).
    """

    finding: str
    kind: str
    field: str
    case_id: str | None = None
    where: str = ""

    def __str__(self) -> str:
        of = f" of case {self.case_id}" if self.case_id else ""
        return f"[{self.finding}] {self.kind}: {self.field}{of}, seen in {self.where}"


class LeakFound(CocdataError):
    """A public report would show a name, contact, code name or exact time.

    ``leaks`` holds each finding as data (case id and field), beside the text.
    """

    def __init__(self, message: str, hint: str | None = None, leaks: Iterable[Leak] = ()) -> None:
        self.leaks: list[Leak] = list(leaks)
        super().__init__(message, hint)


class LockedStore(StoreError):
    """The store is encrypted and no key, or a wrong key, was given."""


class Expunged(CocdataError):
    """A case's identifying data was expunged; it can be read for statistics, not changed."""


class StoreWriteFailed(StoreError):
    """Writing to the store failed (the disk refused a write); nothing half-written was kept."""

    def __init__(self, message: str, hint: str | None = None, errno: int | None = None) -> None:
        self.errno = errno
        super().__init__(message, hint)


class DiskFull(StoreWriteFailed):
    """The disk holding the store is full (or the user's quota is used up)."""


class PackageError(CocdataError):
    """A file that cannot be received as a case package; nothing was written."""


class LinkKeyError(CocdataError):
    """A linkage key file that cannot be used (missing, damaged or not a linkage key)."""


class ReceiptError(CocdataError):
    """A receipt that cannot be recorded; nothing was written."""


class NotPermitted(CocdataError):
    """In a team store, the acting member's role (or a recusal) does not allow the action;
    nothing was written. ``needed`` is the role it needs, ``leads`` who can help."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        member: str = "",
        role: object = None,
        needed: object = None,
        leads: Sequence[str] = (),
    ) -> None:
        self.member = member
        self.role = role
        self.needed = needed
        self.leads = list(leads)
        super().__init__(message, hint)


class HubRefused(CocdataError):
    """``cocdata hub`` will not start as asked (no TLS beyond localhost, not root, no team)."""


_OS_HINTS = {
    errno.ENOENT: "Check the path: the file, or the folder it goes in, must exist.",
    errno.EISDIR: "Name a file, not a folder.",
    errno.ENOTDIR: "A part of the path is a file, not a folder: check the path.",
    errno.EACCES: "You may not read or write it: check its permissions, or name another path.",
    errno.EPERM: "You may not read or write it: check its permissions, or name another path.",
    errno.ENOSPC: "The disk is full: free some space and run the command again.",
    errno.EDQUOT: "Your disk quota is used up: free some of it and run the command again.",
    errno.EROFS: "The disk is read-only: name a path on a disk you can write to.",
    errno.ENAMETOOLONG: "The name is too long for the disk: use a shorter one.",
}


class FileAccess(CocdataError):
    """A file or folder could not be read or written; ``path`` and ``reason`` say which and why."""

    def __init__(self, path: str | None, reason: str, hint: str | None = None) -> None:
        self.path = path
        self.reason = reason
        where = f"{path}: " if path else ""
        super().__init__(
            f"{where}{reason}.", hint or "Check the path and its permissions, then try again."
        )

    @classmethod
    def from_os_error(
        cls, exc: OSError, path: str | os.PathLike[str] | None = None, outcome: str | None = None
    ) -> FileAccess:
        """The operating system's complaint about a path, in words with what to do.

        ``path`` names the file where the error has none (a failed write);
        ``outcome`` says what that left, e.g. "nothing was exported".
        """
        if path is None and exc.filename is not None:
            path = exc.filename
        reason = exc.strerror or str(exc) or type(exc).__name__
        reason = reason[:1].upper() + reason[1:] + (f"; {outcome}" if outcome else "")
        return cls(None if path is None else str(path), reason, _OS_HINTS.get(exc.errno or 0))


EXIT_CODES: dict[type[CocdataError], int] = {
    CocdataError: 1,
    UsageError: 1,
    InvalidRecord: 2,
    NotFound: 3,
    AlreadyExists: 4,
    Conflict: 5,
    StoreError: 6,
    CorruptStore: 7,
    ReportFailed: 8,
    LeakFound: 9,
    LockedStore: 10,
    Expunged: 11,
    FileAccess: 12,
    StoreWriteFailed: 13,
    DiskFull: 14,
    PackageError: 15,
    LinkKeyError: 16,
    ReceiptError: 17,
    NotPermitted: 18,
    HubRefused: 19,
}
"""The command line's exit code of each error class; a subclass not listed takes its parent's."""


def exit_code_of(kind: type[BaseException]) -> int:
    """The exit code of an error class: its own in :data:`EXIT_CODES`, else its nearest parent's."""
    for cls in kind.__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_CODES[FileAccess] if issubclass(kind, OSError) else 1


def error_class(name: str | None) -> type[CocdataError] | None:
    """The class of the error tree called ``name`` (as a kernel reports it), or None."""
    if not name:
        return None
    pending: list[type[CocdataError]] = [CocdataError]
    while pending:
        cls = pending.pop()
        if cls.__name__ == name:
            return cls
        pending.extend(cls.__subclasses__())
    return None


def is_error(name: str | None, kind: type[CocdataError]) -> bool:
    """Whether the error class called ``name`` is ``kind`` or one of its subclasses.

    Reports rendered in a kernel come back with the error's class name only;
    this compares it with the tree rather than as a string, so a subclass of
    ``kind`` counts as ``kind``.
    """
    found = error_class(name)
    return found is not None and issubclass(found, kind)
