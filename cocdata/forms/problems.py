"""A save's problems on screen (``ProblemBoard``) and the line that says what just happened."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cocdata.errors import Problem
from cocdata.forms.widgets import esc, hide, html_widget

if TYPE_CHECKING:
    from cocdata.forms.fields import Field


class ProblemBoard:
    """Shows a save's problems: each next to its field, and all of them in one list.

    Paths are matched to fields exactly, then by the longest known prefix
    (``people.2.name`` -> ``people.2`` -> ``people``); what matches no field
    shows in the list only.
    """

    def __init__(self) -> None:
        self.fields: dict[str, Field] = {}
        self.summary = html_widget("", "cocdata-problems")
        hide(self.summary)
        self.shown: list[Field] = []
        self.focused: Field | None = None

    def register(self, *fields: Field) -> None:
        for field in fields:
            self.fields[field.path] = field

    def unregister_prefix(self, prefix: str) -> None:
        for path in [p for p in self.fields if p == prefix or p.startswith(prefix + ".")]:
            del self.fields[path]

    def field_for(self, path: str) -> Field | None:
        parts = path.split(".")
        while parts:
            found = self.fields.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return None

    def clear(self) -> None:
        for field in self.shown:
            field.clear()
        self.shown = []
        if self.summary.value:
            self.summary.value = ""
            hide(self.summary)

    @property
    def text(self) -> str:
        """The list of problems as plain text (empty when there are none)."""
        return html.unescape(re.sub(r"<[^>]+>", " ", self.summary.value)).strip()

    def show(self, problems: Sequence[Problem], head: str | None = None) -> None:
        """Put every problem next to its field and list them all above the save button."""
        self.clear()
        by_field: dict[int, tuple[Field, list[str]]] = {}
        lines: list[str] = []
        for problem in problems:
            field = self.field_for(problem.field)
            label = field.label if field is not None else problem.field
            lines.append(f"{label}: {problem.message}")
            if field is not None:
                by_field.setdefault(id(field), (field, []))[1].append(problem.message)
        for field, messages in by_field.values():
            field.show(messages)
            self.shown.append(field)
        self._focus_first()
        count = len(problems)
        head = head or (
            f"{count} {'problem' if count == 1 else 'problems'}; nothing was saved. "
            "Correct the fields marked in red (the cursor is in the first one) and save again; "
            "what you typed is still here:"
        )
        items = "".join(f"<li>{esc(line)}</li>" for line in lines)
        self.summary.value = f"<div role='alert'>{esc(head)}<ul>{items}</ul></div>"
        hide(self.summary, False)

    def _focus_first(self) -> None:
        # The first marked field in the form's order, so the user lands where to start.
        order: dict[int, int] = {}
        for i, known in enumerate(self.fields.values()):
            order.setdefault(id(known), i)
        marked = sorted(self.shown, key=lambda f: order.get(id(f), len(order)))
        self.focused = marked[0] if marked else None
        if self.focused is not None:
            self.focused.focus()

    def message(self, text_: str) -> None:
        """One message that belongs to no field (a busy store, a full disk, ...)."""
        self.clear()
        self.summary.value = f"<div role='alert'>{esc(text_)}</div>"
        hide(self.summary, False)


class Status:
    """A line that says what just happened (saved, kept as draft, ...)."""

    def __init__(self, css: str = "cocdata-status") -> None:
        self.widget = html_widget("", css)

    def ok(self, text_: str) -> None:
        self.widget.add_class("cocdata-ok")
        self.widget.value = f"<span role='status'>{esc(text_)}</span>"

    def note(self, text_: str) -> None:
        self.widget.remove_class("cocdata-ok")
        self.widget.value = f"<span role='status'>{esc(text_)}</span>"

    def clear(self) -> None:
        self.widget.remove_class("cocdata-ok")
        self.widget.value = ""

    @property
    def text(self) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", self.widget.value))
