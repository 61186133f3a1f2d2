"""What every chart shares: the layout, an empty chart that says why, a title with a note."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.colors import qualitative

NOTHING_SELECTED = "No cases match the selection."
NAMED_EVENTS = 40
"""Reports per event are bars named by event up to this many events, points on a time axis beyond."""
HEATMAP_FROM = 25
"""Breakdowns per event switch from stacked bars to a heatmap from this many events."""
LAYOUT = {
    # Enough distinct colours for every default category, none repeated.
    "colorway": qualitative.Dark24,
    "margin": {"l": 60, "r": 30, "t": 90, "b": 60},
    "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
}


def figure(title: str, **layout: object) -> go.Figure:
    """A new figure with the shared layout and ``title``; ``layout`` adds to it."""
    fig = go.Figure()
    fig.update_layout(title={"text": title}, **{**LAYOUT, **layout})
    return fig


def empty(title: str, message: str = NOTHING_SELECTED) -> go.Figure:
    """A chart with no axes that says why there is nothing to draw."""
    fig = figure(title)
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def with_note(title: str, note: str) -> str:
    """The title with a smaller line under it saying what is left out."""
    return f"{title}<br><sup>{note}</sup>" if note else title
