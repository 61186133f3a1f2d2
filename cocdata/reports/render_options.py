"""What a transparency report's template is given beyond the store and the event: its
``edition`` and ``layout`` (checked before anything renders) and any other parameters, the
same for every event or by event id. They are part of each event's key in the manifest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cocdata.store import Store

RenderOptions = Mapping[str, Any] | Callable[[str], Mapping[str, Any]] | None
"""More parameters of an event's template (``edition``, ``layout``, ...), the same for
every event or by event id; they are part of its key, and ``edition`` and ``layout``
are shown in the index."""


def options_of(render_options: RenderOptions) -> Callable[[str], dict[str, Any]]:
    """The parameters of one event's template, by its id."""
    if render_options is None:
        return lambda _: {}
    if callable(render_options):
        return lambda event_id: dict(render_options(event_id))
    return lambda _: dict(render_options)


def with_edition(
    store: Store,
    ids: Sequence[str],
    edition: str,
    layout: str | None,
    render_options: RenderOptions,
) -> RenderOptions:
    """``render_options`` with each event's ``edition`` and ``layout``, both checked first.

    A preliminary report is refused for an event whose cases are all closed; a
    layout not given is each event's own from ``cocdata.toml`` (read once).
    """
    from cocdata.settings import check_layout, report_settings

    if edition != "final":
        # The report's module (and its templates) only loads when there is more to check.
        from cocdata.reports.transparency import PRELIMINARY, check_edition, check_preliminary

        check_edition(edition)
        if edition == PRELIMINARY:
            check_preliminary(store, ids)
    if layout is not None:
        check_layout(layout)
    given = options_of(render_options)
    events = store.events()
    path = store.root / "cocdata.toml"
    text = path.read_text(encoding="utf-8") if path.exists() else ""

    def options(event_id: str) -> dict[str, Any]:
        event = events.get(event_id)
        own = layout or (report_settings(text, event_id, event.series).layout if event else None)
        return {"edition": edition, "layout": own or "summary", **given(event_id)}

    return options
