"""Safe display helpers for report templates.

Record text is hostile: a reporter can type ``<script>`` into a description,
and that text ends up in a report page. Every helper here escapes every
string it is given, for HTML and for Markdown, and publishes both forms, so
the HTML page and the Markdown export read well and neither runs anything.
Never pass record text to ``IPython.display.HTML`` or ``Markdown`` (nor use
a pandas ``Styler``, which does not escape): nbconvert keeps raw HTML as it
is, and its sanitiser would also strip the charts.

Each helper returns a :class:`Block`; a cell shows the block it ends with,
and :func:`show` shows several::

    show(
        heading("Reports by category", 2),
        text(summary),
        table(counts),
        chart(fig, alt="Reports by category, 2024"),
    )

Charts: build a plotly figure and pass it to :func:`chart` instead of
calling ``fig.show()``. The report page then draws it with one copy of
plotly.js embedded in the page, JupyterLab draws it with its plotly
renderer, and the Markdown export gets a line of text in its place.
"""

from __future__ import annotations

import html as _html
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"

# Characters that are Markdown syntax anywhere in a line; CommonMark lets
# any ASCII punctuation be backslash-escaped.
_MD_INLINE = re.compile(r"([\\`*_\[\]#|~$^])")
# Syntax only at the start of a line: list items, setext underlines, "1." lists.
_MD_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+(?=[.)]))", re.MULTILINE)
# As entities, not backslashes: raw HTML, and the {{ }} / {% %} of blog
# engines (Hugo shortcodes, Jekyll's Liquid), which run before Markdown.
_MD_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;"})


@dataclass(frozen=True)
class Block:
    """A piece of a report, already escaped, in every form a report is exported to."""

    html: str
    markdown: str
    plain: str
    extra: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        data = {
            "text/plain": self.plain,
            "text/html": self.html,
            "text/markdown": self.markdown,
            **self.extra,
        }
        return data, dict(self.metadata)

    def __str__(self) -> str:
        return self.plain


def escape_html(value: object) -> str:
    """``value`` as text safe anywhere in HTML (element content or a quoted attribute)."""
    return _html.escape(_as_text(value), quote=True)


def escape_markdown(value: object) -> str:
    """``value`` as Markdown that shows exactly these characters, with no markup or HTML."""
    s = _MD_INLINE.sub(r"\\\1", _as_text(value))
    s = _MD_LINE_START.sub(_escape_line_start, s)
    return s.translate(_MD_ENTITIES)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.groups()
    if mark.isdigit():
        # "1." starts a list; "1\." does not.
        return f"{indent}{mark}\\"
    return f"{indent}\\{mark}"


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # the helpers work without pandas, only table() needs it
        pass
    return str(value)


def _one_line(s: str) -> str:
    return " ".join(s.split())


def text(value: object) -> Block:
    """A paragraph of text, line breaks kept."""
    s = _as_text(value)
    # No newline after <br>: the page keeps the text's own spacing
    # (white-space: pre-wrap), which would turn one into a blank line.
    html_lines = "<br>".join(escape_html(line) for line in s.splitlines())
    md_lines = "  \n".join(escape_markdown(line) for line in s.splitlines())
    return Block(html=f'<p class="cocdata-text">{html_lines}</p>', markdown=md_lines, plain=s)


def heading(value: object, level: int = 2) -> Block:
    """A heading; ``level`` 1 is the page title, 2 a section, down to 6."""
    if not 1 <= level <= 6:
        raise ValueError(f"heading level must be 1 to 6, not {level}")
    s = _one_line(_as_text(value))
    return Block(
        html=f"<h{level}>{escape_html(s)}</h{level}>",
        markdown=f"{'#' * level} {escape_markdown(s)}",
        plain=s,
    )


def notice(value: object) -> Block:
    """A boxed warning line, such as a report's CONFIDENTIAL banner."""
    s = _one_line(_as_text(value))
    return Block(
        html=f'<p class="cocdata-notice" role="note">{escape_html(s)}</p>',
        markdown=f"> **{escape_markdown(s)}**",
        plain=s,
    )


def field_list(pairs: Mapping[str, object] | Iterable[tuple[object, object]]) -> Block:
    """Labelled values, e.g. ``field_list({"Event": name, "Reports": 12})``."""
    items = list(pairs.items() if isinstance(pairs, Mapping) else pairs)
    html_rows = "\n".join(
        f"<dt>{escape_html(_one_line(_as_text(k)))}</dt><dd>{escape_html(v)}</dd>" for k, v in items
    )
    md_rows = "\n".join(
        f"- **{escape_markdown(_one_line(_as_text(k)))}:** {escape_markdown(_one_line(_as_text(v)))}"
        for k, v in items
    )
    plain = "\n".join(f"{_as_text(k)}: {_as_text(v)}" for k, v in items)
    return Block(
        html=f'<dl class="cocdata-fields">\n{html_rows}\n</dl>', markdown=md_rows, plain=plain
    )


def _cell(value: object) -> tuple[str, bool]:
    """A table cell's text, and whether it is a number (right-aligned)."""
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        if isinstance(value, float) and not value.is_integer():
            return f"{value:,.4g}" if abs(value) >= 1e4 else f"{value:.4g}", True
        return f"{int(value):,}" if abs(value) >= 1e4 else str(int(value)), True
    return _as_text(value), False


def table(df: Any, caption: str | None = None, index: bool | None = None) -> Block:
    """A pandas DataFrame (or Series) as a table; every header and value escaped.

    The index is shown when it carries information, i.e. unless it is the
    default 0, 1, 2, ...; pass ``index`` to decide yourself.
    """
    import numbers

    import pandas as pd

    if isinstance(df, pd.Series):
        df = df.to_frame()
    if index is None:
        index = not isinstance(df.index, pd.RangeIndex) or df.index.name is not None
    headers: list[str] = []
    if index:
        headers.append(", ".join(_as_text(n) for n in df.index.names if n is not None))
    headers += [
        _as_text(c) if not isinstance(c, tuple) else " / ".join(map(str, c)) for c in df.columns
    ]
    rows: list[list[tuple[str, bool]]] = []
    for key, values in zip(df.index, df.itertuples(index=False, name=None), strict=True):
        row = []
        if index:
            key_text = " / ".join(map(_as_text, key)) if isinstance(key, tuple) else _as_text(key)
            row.append((key_text, False))
        for v in values:
            if isinstance(v, numbers.Number) and not isinstance(v, bool | int | float):
                v = v.item() if hasattr(v, "item") else float(v)  # numpy scalars
            row.append(_cell(v))
        rows.append(row)

    def td(tag: str, s: str, number: bool) -> str:
        cls = ' class="cocdata-number"' if number else ""
        return f"<{tag}{cls}>{escape_html(s)}</{tag}>"

    head = "".join(f"<th>{escape_html(h)}</th>" for h in headers)
    body = "\n".join(
        "<tr>"
        + "".join(td("th" if index and i == 0 else "td", s, n) for i, (s, n) in enumerate(r))
        + "</tr>"
        for r in rows
    )
    cap = f"<caption>{escape_html(caption)}</caption>" if caption else ""
    html_table = (
        f'<table class="cocdata-table">{cap}<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody></table>"
    )

    def md_cell(s: str, number: bool = False) -> str:
        # Numbers are formatted here, from digits and ",.-"; nothing to escape.
        return (s if number else escape_markdown(_one_line(s))) or " "

    md = [
        "| " + " | ".join(md_cell(h) for h in headers) + " |",
        "| "
        + " | ".join("---:" if rows and rows[0][i][1] else "---" for i in range(len(headers)))
        + " |",
    ]
    md += ["| " + " | ".join(md_cell(s, n) for s, n in r) + " |" for r in rows]
    if caption:
        md.insert(0, f"*{escape_markdown(_one_line(caption))}*\n")
    plain = df.to_string()
    return Block(html=html_table, markdown="\n".join(md), plain=plain)


def chart(fig: Any, alt: str | None = None, height: int = 420) -> Block:
    """A plotly figure, drawn by the page's one copy of plotly.js.

    ``alt`` describes the chart in words; it stands in for the chart in the
    Markdown export and for screen readers (the figure's title is used if
    no ``alt`` is given). plotly escapes the figure's own data in its JSON.
    """
    import plotly.io as pio

    title = alt
    if title is None:
        title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else "Chart"
    title = _one_line(_as_text(title))
    div_id = f"chart-{uuid.uuid4().hex[:12]}"
    fig_html = pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        default_height=f"{height}px",
        config={"displaylogo": False, "responsive": True},
    )
    html_block = (
        f'<figure class="cocdata-chart" role="img" aria-label="{escape_html(title)}">'
        f"{fig_html}</figure>"
    )
    return Block(
        html=html_block,
        markdown=f"*Chart: {escape_markdown(title)}*",
        plain=f"[chart: {title}]",
        # JupyterLab's plotly renderer prefers this over the HTML, which
        # needs the page's plotly.js; the exports ignore it.
        extra={PLOTLY_MIMETYPE: _figure_json(fig)},
        metadata={"cocdata": {"chart": True}},
    )


def _figure_json(fig: Any) -> dict[str, Any]:
    import json

    import plotly.io as pio

    # Round-trip through plotly's encoder: it turns numpy arrays and dates
    # into plain JSON, which the kernel's message serialiser cannot.
    return json.loads(pio.to_json(fig, validate=False))


def show(*blocks: Block) -> None:
    """Display several blocks from one cell, in order."""
    from IPython.display import display

    for block in blocks:
        if not isinstance(block, Block):
            raise TypeError(
                f"show() takes blocks from cocdata.reports.present, not {type(block).__name__}; "
                "wrap text in text(...) so it is escaped"
            )
        display(block)
