"""Autosaved drafts: what is typed is in the store within a second, and offered back on reopen.

``DraftKeeper`` saves a form's values to ``store.save_draft`` shortly after
typing stops (debounced on the kernel's event loop, or on a timer thread
where there is no loop). ``DraftOffer`` shows the drafts a form may take
back ("You have an unsaved report from 22:41 — Restore / Discard").
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as W

from cocdata.errors import CocdataError
from cocdata.forms.fields import Status, button, esc, hide, html_widget, is_hidden, row, vbox
from cocdata.forms.times import describe_saved_at
from cocdata.store import Store
from cocdata.team import recusal

DEFAULT_DELAY_S = 0.7


class DraftKeeper:
    """Keeps one form's draft in the store, at most ``delay`` seconds after the last change.

    ``delay=None`` saves on every change at once (tests use it). ``flush``
    saves a pending change now; ``discard`` removes the draft once the form
    was saved.
    """

    def __init__(
        self,
        store: Store,
        draft_id: str,
        collect: Callable[[], dict[str, Any] | None],
        member: Callable[[], str],
        delay: float | None = DEFAULT_DELAY_S,
    ) -> None:
        self.store = store
        self.draft_id = draft_id
        self.collect = collect
        self.member = member
        self.dirty = False
        self.delay = delay
        self.status = Status("cocdata-draft-status")
        self.saved_at: dt.datetime | None = None
        self.error: str | None = None
        self._pending = False
        self._paused = 0
        self._handle: asyncio.TimerHandle | threading.Timer | None = None
        self._lock = threading.RLock()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Changes made inside (loading a case, restoring a draft) are not drafts."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    @property
    def is_paused(self) -> bool:
        return self._paused > 0

    def touch(self, _change: object = None) -> None:
        """Something changed: save the draft once typing stops."""
        if self._paused:
            return
        with self._lock:
            self.dirty = True
            self._pending = True
            if self.delay is None:
                self.flush()
                return
            self._cancel()
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                timer = threading.Timer(self.delay, self.flush)
                timer.daemon = True
                timer.start()
                self._handle = timer
            else:
                self._handle = loop.call_later(self.delay, self.flush)

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def flush(self) -> bool:
        """Save a pending change now; True when a draft was written."""
        with self._lock:
            self._cancel()
            if not self._pending:
                return False
            self._pending = False
            data = self.collect()
            if data is None:
                return False
            try:
                self.store.save_draft(self.draft_id, data, by=self.member())
            except (OSError, CocdataError) as exc:
                self.error = str(exc)
                self.status.note(
                    f"Could not keep a draft ({exc}). What you typed is still in the form; "
                    "save the report to keep it."
                )
                return False
            self.error = None
            self.saved_at = dt.datetime.now()
            self.status.note(
                f"Draft kept at {self.saved_at:%H:%M:%S}; it comes back if this window closes."
            )
            return True

    def discard(self) -> None:
        """Drop the draft (the form was saved)."""
        with self._lock:
            self._cancel()
            self._pending = False
            self.dirty = False
            self.store.discard_draft(self.draft_id)
            self.saved_at = None
            self.status.clear()


def drafts_for(
    store: Store, form: str, member: str | None = None, **match: Any
) -> list[dict[str, Any]]:
    """Kept drafts of one kind of form, newest first, by ``member`` when given (never of a
    case the acting member is recused from)."""
    out = []
    hidden = recusal.hidden(store)
    for draft in store.drafts():
        if recusal.draft_hidden(draft, hidden):
            continue
        data = draft.get("data") or {}
        if data.get("form") != form:
            continue
        if member is not None and draft.get("by") != member:
            continue
        if any(data.get(k) != v for k, v in match.items()):
            continue
        out.append(draft)
    return sorted(out, key=lambda d: str(d.get("updated_at") or ""), reverse=True)


class DraftOffer:
    """A notice offering drafts back, newest first: one line each, with Restore and Discard.

    Only the newest shows at first; older ones (abandoned forms pile up) wait
    behind "Show N older drafts", with one button to discard them all.
    """

    def __init__(
        self,
        store: Store,
        drafts: list[dict[str, Any]],
        on_restore: Callable[[dict[str, Any]], None],
        what: str = "report",
    ) -> None:
        self.store = store
        self.on_restore = on_restore
        self.what = what
        self.widget = vbox()
        self.widget.add_class("cocdata-draft-offer")
        self.rows: dict[str, W.Widget] = {}
        self.older = vbox(css="cocdata-draft-older", hidden=True)
        self.more = button("", "cocdata-draft-more", tip="Show the older drafts")
        self.more.on_click(lambda _: self._toggle_older())
        self.drop_older = button(
            "Discard the older drafts", "cocdata-draft-discard-older", tip="Delete them for good"
        )
        self.drop_older.on_click(lambda _: self.discard_older())
        self.older_bar = row([self.more, self.drop_older], "cocdata-buttons")
        for draft in drafts:
            self._add(draft)
        self._refresh()

    def _add(self, draft: dict[str, Any]) -> None:
        draft_id = draft["draft_id"]
        when = describe_saved_at(draft.get("updated_at") or dt.datetime.now().isoformat())
        summary = (draft.get("data") or {}).get("summary") or ""
        text = f"You have an unsaved {self.what} from {when}"
        if summary:
            text += f": “{summary}”"
        note = html_widget(f"<span role='status'>{esc(text)}</span>")
        restore = button(
            "Restore", "cocdata-draft-restore", "warning", "Put the draft back in the form"
        )
        discard = button("Discard", "cocdata-draft-discard", "", "Delete this draft for good")
        line = row([note, restore, discard])
        line.add_class("cocdata-notice")

        def do_restore(_: object) -> None:
            self._remove(draft_id)
            self.on_restore(draft)

        def do_discard(_: object) -> None:
            self.store.discard_draft(draft_id)
            self._remove(draft_id)

        restore.on_click(do_restore)
        discard.on_click(do_discard)
        self.rows[draft_id] = line

    def _remove(self, draft_id: str) -> None:
        self.rows.pop(draft_id, None)
        self._refresh()

    def _toggle_older(self) -> None:
        hide(self.older, not is_hidden(self.older))
        self._refresh()

    def discard_older(self) -> None:
        """Delete every draft but the newest."""
        for draft_id in self.pending[1:]:
            self.store.discard_draft(draft_id)
            self.rows.pop(draft_id, None)
        self._refresh()

    def _refresh(self) -> None:
        lines = list(self.rows.values())
        self.older.children = tuple(lines[1:])
        count = len(lines) - 1
        if count <= 0:
            self.widget.children = tuple(lines)
            return
        shown = "Hide" if not is_hidden(self.older) else "Show"
        self.more.description = f"{shown} {count} older draft{'s' if count != 1 else ''}"
        self.widget.children = (lines[0], self.older_bar, self.older)

    @property
    def pending(self) -> list[str]:
        return list(self.rows)

    def restore(self, draft_id: str | None = None) -> None:
        """Restore the named draft (or the newest) as the Restore button does."""
        draft_id = draft_id or next(iter(self.rows))
        self.rows[draft_id].children[1].click()

    def discard(self, draft_id: str | None = None) -> None:
        draft_id = draft_id or next(iter(self.rows))
        self.rows[draft_id].children[2].click()
