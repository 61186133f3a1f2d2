"""The one notice both screens show when a save meets a newer revision, and a watch for newer ones.

A save on top of an outdated revision is refused by the store (``Conflict``).
``ConflictNotice`` says who saved meanwhile ("you (in another window)" when it
was the same team member), what they changed and what the user changed, in
the form's own labels, and offers to re-apply or to load the newest version.
``NewerWatch`` lets a page that saved first learn, as its user goes on
typing, that a newer revision exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cocdata.errors import ChangeSeen, CocdataError, Conflict
from cocdata.forms import fields as F
from cocdata.forms.declarations import field_label
from cocdata.forms.merge import Edit, overlap
from cocdata.store import Store

CHECK_EVERY_S = 5.0


def who(saved_by: str, member: str) -> str:
    """'you (in another window)' for the member's own save, their name otherwise."""
    return "you (in another window)" if saved_by == member else saved_by


def describe_seen(change: ChangeSeen, member: str) -> str:
    """One revision saved meanwhile, in the form's words."""
    fields = ", ".join(field_label(c) for c in change.changed) or "nothing visible"
    return f"Revision {change.rev}, saved by {who(change.saved_by, member)} at {change.saved_at}: changed {fields}"


class ConflictNotice:
    """Shows a refused save: who saved meanwhile, what changed on both sides, what to do."""

    def __init__(self) -> None:
        self.widget = F.vbox()
        self.widget.add_class("cocdata-conflict")

    @property
    def shown(self) -> bool:
        return bool(self.widget.children)

    @property
    def text(self) -> str:
        return " ".join(
            getattr(w, "value", "") for box in self.widget.children for w in box.children
        )

    def clear(self) -> None:
        self.widget.children = ()

    def show(
        self,
        exc: Conflict,
        edit: Edit,
        member: str,
        on_apply: Callable[[], object],
        on_load: Callable[[], object],
        what: str = "changes",
    ) -> None:
        """Put the notice on screen; the buttons call ``on_apply`` and ``on_load``."""
        mine_only = all(c.saved_by == member for c in exc.seen)
        by = "you, in another window," if mine_only else "someone else"
        theirs = "".join(f"<li>{F.esc(describe_seen(c, member))}</li>" for c in exc.seen)
        clash = overlap(edit, [f for c in exc.seen for f in c.changed])
        mine = ", ".join(field_label(p) for p in edit.describe()) or "nothing"
        clash_text = (
            f"<p>Changed on both sides: {F.esc(', '.join(field_label(p) for p in clash))}. "
            "Re-applying puts your values there.</p>"
            if clash
            else ""
        )
        note = F.html_widget(
            f"<div role='alert'><b>Not saved: {F.esc(by)} saved this case while you edited it.</b>"
            f"<ul>{theirs}</ul><p>Your {F.esc(what)}: {F.esc(mine)}.</p>{clash_text}"
            f"<p>Apply your {F.esc(what)} on top of the newest version, or load the newest "
            "version and leave yours (your draft stays kept until you choose).</p></div>"
        )
        apply_button = F.button(
            f"Apply my {what} to the newest version", "cocdata-reapply", "warning"
        )
        load_button = F.button("Load the newest version, drop mine", "cocdata-load-newest")
        apply_button.on_click(lambda _: on_apply())
        load_button.on_click(lambda _: on_load())
        box = F.vbox([note, F.row([apply_button, load_button], "cocdata-buttons")])
        box.add_class("cocdata-notice")
        self.widget.children = (box,)

    def newer(self, rev: int, saved_by: str, member: str, on_load: Callable[[], object]) -> None:
        """Say that a newer revision exists than the one on screen (nothing refused yet)."""
        note = F.html_widget(
            "<div role='status'>"
            + F.esc(
                f"A newer revision ({rev}) of this case was saved by {who(saved_by, member)}. "
                "Load it before you change more, or your next save will ask what to keep."
            )
            + "</div>"
        )
        load_button = F.button("Load the newest version", "cocdata-load-newest")
        load_button.on_click(lambda _: on_load())
        box = F.vbox([note, F.row([load_button], "cocdata-buttons")])
        box.add_class("cocdata-notice")
        box.add_class("cocdata-newer")
        self.widget.children = (box,)


class NewerWatch:
    """Asks the store, at most every few seconds, whether a case has a revision newer than shown."""

    def __init__(self, store: Store, every_s: float = CHECK_EVERY_S) -> None:
        self.store = store
        self.every_s = every_s
        self._last = 0.0

    def newer(self, case_id: str, shown_rev: int, force: bool = False) -> tuple[int, str] | None:
        """The newest revision and who saved it, when it is newer than ``shown_rev``."""
        now = time.monotonic()
        if not force and now - self._last < self.every_s:
            return None
        self._last = now
        try:
            head = self.store.head_rev(case_id)
            if head is None or head <= shown_rev:
                return None
            return head, self.store.history(case_id, since=shown_rev)[-1].saved_by
        except (CocdataError, IndexError):
            return None
