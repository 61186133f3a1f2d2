"""The case on screen and its saves: each a new revision on top of the one shown."""

from __future__ import annotations

from collections.abc import Callable

from cocdata.errors import CocdataError, Conflict, InvalidRecord
from cocdata.forms import fields as F
from cocdata.forms.conflict import ConflictNotice, NewerWatch
from cocdata.forms.merge import edit_between, reapply
from cocdata.model import Case
from cocdata.store import Store, StoredCase


class CaseSession:
    """The case on screen and its saves: each a new revision on top of the one shown.

    ``save(edited, what)`` saves; on ``Conflict`` it keeps the user's change,
    shows what someone else changed, and ``reapply`` puts the change on top of
    the newest revision.
    """

    def __init__(
        self,
        store: Store,
        member: Callable[[], str],
        unnamed: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.store = store
        self.member = member
        # Why nothing may be saved yet (no team member named), see MemberBar.problem.
        self.unnamed = unnamed
        self.stored: StoredCase | None = None
        self.listeners: list[Callable[[StoredCase], None]] = []
        self.board = F.ProblemBoard()
        self.status = F.Status("cocdata-case-status")
        self.notice = ConflictNotice()
        self.newer_watch = NewerWatch(store)
        self.conflict = self.notice.widget
        self._pending: tuple[Case, Case, str, Callable[[StoredCase], None] | None] | None = None

    def load(self, case_id: str) -> StoredCase:
        self.stored = self.store.get(case_id)
        self.conflict.children = ()
        self._pending = None
        self._notify()
        return self.stored

    def check_newer(self, force: bool = False) -> None:
        """While the user types an addition, say when someone saved a newer revision."""
        if self.stored is None or self._pending is not None:
            return
        found = self.newer_watch.newer(self.stored.case_id, self.stored.rev, force)
        if found is not None:
            case_id = self.stored.case_id
            self.notice.newer(*found, self.member(), lambda: self.load(case_id))

    def _notify(self) -> None:
        assert self.stored is not None
        for listener in self.listeners:
            listener(self.stored)

    def save(
        self,
        edited: Case,
        what: str,
        board: F.ProblemBoard | None = None,
        done: Callable[[StoredCase], None] | None = None,
    ) -> StoredCase | None:
        """Save ``edited`` on top of the revision shown; report problems on ``board``."""
        assert self.stored is not None
        board = board or self.board
        board.clear()
        self.status.clear()
        unnamed = self.unnamed()
        if unnamed:
            board.message(unnamed)
            return None
        base = self.stored
        try:
            saved = self.store.save(edited, by=self.member(), base_rev=base.rev)
        except Conflict as exc:
            self._pending = (base.case, edited, what, done)
            self._show_conflict(exc, base.case, edited)
            return None
        except InvalidRecord as exc:
            board.show(exc.problems)
            return None
        except CocdataError as exc:
            board.message(str(exc))
            return None
        self._saved(saved, what, done)
        return saved

    def _saved(
        self, saved: StoredCase, what: str, done: Callable[[StoredCase], None] | None
    ) -> None:
        self.stored = saved
        self.conflict.children = ()
        self._pending = None
        if done:
            done(saved)
        self._notify()
        # Last, so that whoever sees the confirmation also sees the case updated.
        self.status.ok(
            f"{what} Saved as revision {saved.rev} of {saved.case_id} by {saved.saved_by} "
            f"at {saved.saved_at:%H:%M:%S}."
        )

    def _show_conflict(self, exc: Conflict, base: Case, edited: Case) -> None:
        self.notice.show(
            exc,
            edit_between(base, edited),
            self.member(),
            self.reapply,
            lambda: self.load(exc.case_id),
            what="change",
        )

    def reapply(self) -> StoredCase | None:
        """Put the refused change on top of the newest revision and save it."""
        if self._pending is None or self.stored is None:
            return None
        base, edited, what, done = self._pending
        newest = self.store.get(self.stored.case_id)
        try:
            merged = reapply(edit_between(base, edited), newest.case)
        except ValueError as exc:
            self.board.message(
                f"Your change no longer fits the newest version ({exc}); show the newest "
                "version and make it again."
            )
            return None
        self.stored = newest
        return self.save(merged, what, done=done)
