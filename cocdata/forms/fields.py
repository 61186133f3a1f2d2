"""Labelled inputs with help text and an error slot.

Every input carries its label as the ipywidgets ``description``, which the
browser renders as a ``<label for=...>`` tied to the input, so screen readers
and ``getByLabel`` find it. Under the input sit a short help line and an error
line that stays hidden until a problem is shown. Each field's box gets the CSS
class ``cocdata-f-<path>`` (dots and underscores become dashes) so tests and
styles find it without counting positions.

Record text is never put into an HTML widget unescaped: use ``esc``.

The small widgets forms share are in ``widgets`` and the problem list in
``problems``; both are named here too, so forms import one module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as W

from cocdata.forms.problems import ProblemBoard, Status
from cocdata.forms.widgets import (
    button,
    css_name,
    esc,
    heading,
    help_line,
    hide,
    html_widget,
    is_hidden,
    join_names,
    layout,
    row,
    split_names,
    style,
    style_tag,
    vbox,
)

__all__ = [
    "Field",
    "MultiChoice",
    "ProblemBoard",
    "Status",
    "area",
    "button",
    "check",
    "checkboxes",
    "choice",
    "css_name",
    "esc",
    "heading",
    "help_line",
    "hide",
    "html_widget",
    "is_hidden",
    "join_names",
    "layout",
    "row",
    "split_names",
    "style",
    "style_tag",
    "text",
    "vbox",
]


class Field:
    """One input with its label, a help line and an error slot.

    ``value`` reads and writes the widget's value; ``show`` puts messages in
    the error slot (escaped) and marks the input; ``clear`` empties it. Help
    and errors share one HTML widget under the input.
    """

    def __init__(self, path: str, widget: W.DOMWidget, help_text: str = "", wide: bool = False):
        self.path = path
        self.widget = widget
        self.help_text = help_text
        self.errors: list[str] = []
        # Where a dropdown keeps its 'not set' option (value None), if it has one.
        self.blank_index: int | None = None
        self.note = html_widget(self._note_html(), "cocdata-note")
        self.box = vbox([widget, self.note], "cocdata-field")
        self.box.add_class(css_name(path))
        if wide:
            self.box.add_class("cocdata-wide")

    def _note_html(self) -> str:
        out = f"<div class='cocdata-help'>{esc(self.help_text)}</div>" if self.help_text else ""
        if self.errors:
            text_ = "<br>".join(esc(m[:1].upper() + m[1:]) for m in self.errors)
            out += f"<div class='cocdata-error' role='alert'>{text_}</div>"
        return out

    @property
    def value(self) -> Any:
        return self.widget.value

    @value.setter
    def value(self, new: Any) -> None:
        self.widget.value = new
        if new is None and self.blank_index is not None:
            # ipywidgets shows no option at all for a value of None, even when
            # None is an option's value: show the 'not set' option.
            self.widget.index = self.blank_index

    @property
    def label(self) -> str:
        return getattr(self.widget, "description", self.path)

    @property
    def error_text(self) -> str:
        """The messages shown next to the field, as plain text."""
        return "\n".join(self.errors)

    def set_help(self, help_text: str) -> None:
        self.help_text = help_text
        self.note.value = self._note_html()

    def show(self, messages: Sequence[str]) -> None:
        """Show problems of this field next to it, in words."""
        self.errors = list(messages)
        self.note.value = self._note_html()
        if self.errors:
            self.box.add_class("cocdata-bad")
        else:
            self.box.remove_class("cocdata-bad")

    def clear(self) -> None:
        if self.errors:
            self.show([])

    def observe(self, callback: Callable[[dict[str, Any]], None]) -> None:
        self.widget.observe(callback, names="value")

    def focus(self) -> None:
        """Put the keyboard focus on the input (the first one to correct, after a refused save)."""
        focus = getattr(self.widget, "focus", None)
        if focus is not None:
            focus()


def text(
    path: str, label: str, help_text: str = "", placeholder: str = "", wide: bool = False
) -> Field:
    widget = W.Text(
        description=label, placeholder=placeholder, layout=layout("full"), style=style("text")
    )
    return Field(path, widget, help_text, wide)


def area(path: str, label: str, help_text: str = "", placeholder: str = "", rows: int = 5) -> Field:
    widget = W.Textarea(
        description=label,
        placeholder=placeholder,
        rows=rows,
        layout=layout("full"),
        style=style("text"),
    )
    return Field(path, widget, help_text, wide=True)


def choice(
    path: str,
    label: str,
    options: Sequence[tuple[str, Any]],
    help_text: str = "",
    value: Any = None,
    blank: str | None = None,
) -> Field:
    """A dropdown; ``blank`` adds a first option meaning 'not set' (value None)."""
    opts = list(options)
    if blank is not None:
        opts = [(blank, None), *opts]
    widget = W.Dropdown(
        description=label, options=opts, layout=layout("full"), style=style("description")
    )
    field = Field(path, widget, help_text)
    if blank is not None:
        field.blank_index = 0
    if value is not None or blank is not None:
        field.value = value
    return field


def check(path: str, label: str, help_text: str = "", value: bool = False) -> Field:
    widget = W.Checkbox(
        description=label,
        value=value,
        indent=False,
        layout=layout("full"),
        style=style("checkbox"),
    )
    return Field(path, widget, help_text)


def checkboxes(
    path: str, label: str, options: Sequence[tuple[str, str]], help_text: str = ""
) -> MultiChoice:
    return MultiChoice(path, label, options, help_text)


class MultiChoice(Field):
    """A group of checkboxes (easier on a tablet than a multi-select list)."""

    def __init__(
        self, path: str, label: str, options: Sequence[tuple[str, str]], help_text: str = ""
    ) -> None:
        self.boxes = {
            key: W.Checkbox(
                description=text_,
                value=False,
                indent=False,
                layout=layout("choice"),
                style=style("checkbox"),
            )
            for text_, key in options
        }
        for key, box in self.boxes.items():
            box.add_class(f"cocdata-choice-{key}")
        group = W.Box(list(self.boxes.values()), layout=layout("row"))
        group.add_class("cocdata-checkgroup")
        group.add_class("cocdata-row")
        self.title = html_widget(f"<b role='heading' aria-level='4'>{esc(label)}</b>")
        super().__init__(path, group, help_text, wide=True)
        self.box.children = (self.title, *self.box.children)
        self._label = label

    @property
    def label(self) -> str:
        return self._label

    @property
    def value(self) -> list[str]:
        return [key for key, box in self.boxes.items() if box.value]

    @value.setter
    def value(self, new: Iterable[str]) -> None:
        chosen = set(new or ())
        for key, box in self.boxes.items():
            box.value = key in chosen

    def observe(self, callback: Callable[[dict[str, Any]], None]) -> None:
        for box in self.boxes.values():
            box.observe(callback, names="value")

    def focus(self) -> None:
        next(iter(self.boxes.values())).focus()
