"""The small widgets forms share: layouts and styles, hiding, escaping, rows, headings, buttons.

Layout and style objects are shared between widgets (every widget model is
a message to the browser). Record text is never put into an HTML widget
unescaped: use ``esc``.
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
