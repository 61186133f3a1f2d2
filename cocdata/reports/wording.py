"""The words of transparency reports, from Jinja templates shipped with the package.

``templates/transparency/`` holds the report's fixed text (``wording.j2``:
one macro per heading, label or sentence) and the index page
(``index.html.j2``, ``index.md.j2``). :func:`say` gives one piece of fixed
text as plain text (the report's display helpers escape it where it is
shown); :func:`render_index` renders the index, every value escaped for
HTML by autoescaping and for Markdown by the ``md`` filter.

The leak guard takes the words of these templates as the report's own
(:func:`own_text`): whatever a template writes is never taken for a
person's name, and a sentence added to a template needs no list kept by
hand beside it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).with_name("templates") / "transparency"
"""Where the templates of transparency reports and their index are."""

WORDING = "wording.j2"


@functools.cache
def _environment(autoescape: bool) -> Any:
    import jinja2

    from cocdata.reports.present import escape_markdown

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(FOLDER),
        autoescape=autoescape,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = escape_markdown
    return env


@functools.cache
def _macros() -> Any:
    return _environment(False).get_template(WORDING).module


def say(name: str, *args: Any, **kwargs: Any) -> str:
    """One piece of the report's fixed text: ``say("heading", "numbers") == "In numbers"``."""
    return str(getattr(_macros(), name)(*args, **kwargs))


def render_index(fmt: str, **context: Any) -> str:
    """The index page in ``fmt`` (``html`` or ``md``) from its template."""
    env = _environment(fmt == "html")
    return env.get_template(f"index.{fmt}.j2").render(**context)


def templates() -> list[Path]:
    """Every template file of transparency reports (what shapes their words)."""
    return sorted(FOLDER.glob("*.j2"))


@functools.cache
def own_text() -> tuple[str, ...]:
    """The text the templates write themselves: their literal text and string constants,
    with Jinja's syntax, comments and HTML tags left out."""
    import re

    env = _environment(False)
    tag = re.compile(r"<[^>]*>")
    out: list[str] = []
    for path in templates():
        for _, kind, value in env.lex(path.read_text(encoding="utf-8")):
            if kind == "data":
                out.append(tag.sub(" ", value))
            elif kind == "string":
                out.append(value)
    return tuple(" ".join(piece.split()) for piece in out if piece.strip())
