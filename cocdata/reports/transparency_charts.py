"""The charts of a transparency report: bars of published counts, never of true ones."""

from __future__ import annotations

from typing import Any

from cocdata.reports.disclosure import WITHHELD, Shown
from cocdata.reports.present import Block, chart
from cocdata.reports.wording import say

BAR_COLOUR = "#4c72b0"


def bar_chart(bars: list[tuple[str, Shown]], title: str, unit: str = "Reports") -> Block:
    """Horizontal bars of published counts, (label, shown count) from top to bottom.

    A suppressed count is drawn hatched at height k and a coarsened one at
    its lower bound; hover texts and bar labels are the published words,
    so the figure's data holds no count the table does not show. ``unit``
    is the axis title: the same word as the table's count column.
    """
    bars = bars[::-1]  # plotly draws the first bar at the bottom
    labels = [label for label, _ in bars]
    counts, categories = _axes(bars, unit)
    return _figure(
        bars,
        title,
        horizontal=True,
        height=max(240, 90 + 34 * len(bars)),
        margin={"l": 10, "r": 40, "t": 60, "b": 40},
        xaxis=counts,
        yaxis={"automargin": True, **categories, "categoryarray": labels},
    )


def column_chart(bars: list[tuple[str, Shown]], title: str, unit: str) -> Block:
    """Vertical bars of published counts, left to right in the order given (editions, oldest
    first), drawn as :func:`bar_chart` draws its bars."""
    counts, categories = _axes(bars, unit)
    return _figure(
        bars,
        title,
        horizontal=False,
        height=360,
        margin={"l": 40, "r": 20, "t": 60, "b": 60},
        xaxis={"type": "category", **categories},
        yaxis=counts,
    )


def _axes(bars: list[tuple[str, Shown]], unit: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The count axis (titled ``unit``, room for the bar labels) and the category axis."""
    top = max((s.height for _, s in bars), default=1)
    counts = {"title": {"text": unit}, "range": [0, top * 1.25 + 1], "dtick": _dtick(top)}
    categories = {"categoryorder": "array", "categoryarray": [label for label, _ in bars]}
    return counts, categories


def _figure(bars: list[tuple[str, Shown]], title: str, horizontal: bool, **layout: Any) -> Block:
    import plotly.graph_objects as go

    labels = [label for label, _ in bars]
    heights = [s.height for _, s in bars]
    fig = go.Figure(
        go.Bar(
            x=heights if horizontal else labels,
            y=labels if horizontal else heights,
            orientation="h" if horizontal else "v",
            text=[s.text for _, s in bars],
            textposition="outside",
            customdata=[s.text for _, s in bars],
            hovertemplate=("%{y}" if horizontal else "%{x}") + ": %{customdata}<extra></extra>",
            marker={
                "color": BAR_COLOUR,
                "pattern": {"shape": ["" if s.exact else "/" for _, s in bars]},
            },
        )
    )
    fig.update_layout(template="simple_white", title={"text": title}, showlegend=False, **layout)
    return chart(fig, alt=say("chart_alt", title), height=fig.layout.height)


def _dtick(top: int) -> int:
    return max(1, round(top / 6))


def warm_up() -> None:
    """Draw both kinds of chart once from made-up counts.

    Called by the fork server (see :mod:`cocdata.reports.forkserver`) before it
    forks any kernel, so that every report's kernel inherits plotly's property
    validators and the page template already built: they cost each kernel about
    0.15 s on its first chart otherwise.
    """
    bars = [("a", Shown("1", 1)), ("b", Shown("fewer than 3", 3, "fewer"))]
    bar_chart([*bars, ("c", Shown(WITHHELD, 0, "withheld"))], "Warm-up")
    column_chart(bars, "Warm-up", "Reports")
