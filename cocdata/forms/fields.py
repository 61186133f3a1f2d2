"""Labelled inputs with help text and an error slot, and the small widgets forms share.

Every input carries its label as the ipywidgets ``description``, which the
browser renders as a ``<label for=...>`` tied to the input, so screen readers
and ``getByLabel`` find it. Under the input sit a short help line and an error
line that stays hidden until a problem is shown. Each field's box gets the CSS
class ``cocdata-f-<path>`` (dots and underscores become dashes) so tests and
styles find it without counting positions.

Record text is never put into an HTML widget unescaped: use ``esc``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from cocdata.errors import Problem

_SHARED: dict[str, Any] = {}


def _shared(key: str, make: Callable[[], Any]) -> Any:
    # One Layout or Style object serves many widgets: every widget model costs
    # a message to the browser, and a form has a hundred inputs.
    found = _SHARED.get(key)
    if found is None or getattr(found, "comm", None) is None:
        found = _SHARED[key] = make()
    return found


_LAYOUTS: dict[str, dict[str, str]] = {
    "full": {"width": "100%"},
    "auto": {"width": "auto"},
    "box": {},
    "row": {"flex_flow": "row wrap", "width": "100%"},
    "button": {"width": "auto", "min_width": "120px", "height": "36px"},
    "choice": {"width": "auto", "min_width": "260px", "flex": "1 1 300px"},
}
_STYLES: dict[str, Callable[[], Any]] = {
    "text": lambda: TextStyle(description_width="initial"),
    "description": lambda: DescriptionStyle(description_width="initial"),
    "checkbox": lambda: CheckboxStyle(description_width="initial"),
    "html": lambda: HTMLStyle(),
    "button": lambda: W.ButtonStyle(),
}


def layout(kind: str = "full") -> W.Layout:
    """A shared layout: ``full``, ``auto``, ``box``, ``row``, ``button`` or ``choice``.

    Never change a shared layout; hide and show widgets with ``hide``.
    """
    return _shared(f"layout-{kind}", lambda: W.Layout(**_LAYOUTS[kind]))


def style(kind: str) -> Any:
    """A shared style object for one kind of widget (labels sized to their text)."""
    return _shared(f"style-{kind}", _STYLES[kind])


def hide(widget: W.DOMWidget, hidden: bool = True) -> None:
    """Hide or show a widget through a CSS class (its layout is shared)."""
    if hidden:
        widget.add_class("cocdata-hidden")
    else:
        widget.remove_class("cocdata-hidden")


def is_hidden(widget: W.DOMWidget) -> bool:
    return "cocdata-hidden" in widget._dom_classes


def esc(value: object) -> str:
    """Text made safe for an HTML widget (record text must always pass through here)."""
    return html.escape("" if value is None else str(value), quote=True)


def css_name(path: str) -> str:
    """The CSS class of a field path: ``report.made_at`` -> ``cocdata-f-report-made-at``."""
    return "cocdata-f-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def split_names(text: str | None) -> list[str]:
    """Names typed as a list: one per line or separated by commas or semicolons."""
    if not text:
        return []
    out: list[str] = []
    for part in re.split(r"[,;\n]", text):
        name = part.strip()
        if name and name not in out:
            out.append(name)
    return out


def join_names(names: Iterable[str]) -> str:
    return ", ".join(names)


def html_widget(value: str = "", css: str | None = None) -> W.HTML:
    """An HTML widget; ``value`` must already be escaped (see ``esc``)."""
    widget = W.HTML(value, layout=layout("box"), style=style("html"))
    if css:
        widget.add_class(css)
    return widget


def vbox(children: Sequence[W.Widget] = (), css: str | None = None, hidden: bool = False) -> W.VBox:
    box = W.VBox(list(children), layout=layout("box"))
    if css:
        box.add_class(css)
    if hidden:
        hide(box)
    return box


def row(children: Sequence[W.Widget], css: str | None = None) -> W.Box:
    """Children side by side that wrap onto new lines when the window is narrow."""
    box = W.Box(list(children), layout=layout("row"))
    box.add_class("cocdata-row")
    if css:
        box.add_class(css)
    return box


def style_tag() -> W.HTML:
    """The form's style sheet as a widget (place it once in each form)."""
    from cocdata.forms.templating import style_sheet

    widget = html_widget(style_sheet(), "cocdata-style")
    hide(widget)
    return widget


def heading(text: str, css: str | None = None) -> W.HTML:
    widget = html_widget(f"<div role='heading' aria-level='3'>{esc(text)}</div>", "cocdata-heading")
    if css:
        widget.add_class(css)
    return widget


def help_line(text: str, css: str = "cocdata-help") -> W.HTML:
    return html_widget(esc(text), css)


def button(text: str, css: str, kind: str = "", tip: str = "", icon: str = "") -> W.Button:
    """A button; ``kind`` is ipywidgets' button_style (``success``, ``warning``, ...)."""
    widget = W.Button(
        description=text,
        button_style=kind,
        tooltip=tip or text,
        icon=icon,
        layout=layout("button"),
        style=style("button"),
    )
    widget.add_class(css)
    return widget


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
    if value is not None or blank is not None:
        widget.value = value
    return Field(path, widget, help_text)


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
