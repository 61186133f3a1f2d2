"""What a browser page showed besides its content: console messages, dialogs, uncaught errors.

Only the standard library: the suite's root ``conftest.py`` imports this for every run.
"""

from __future__ import annotations


def record_events(page) -> None:
    """Keep the page's console messages, dialogs and uncaught errors in ``page.events``."""
    page.events = []
    page.on("console", lambda msg: page.events.append(("console", msg.type, msg.text)))
    page.on("dialog", lambda d: (page.events.append(("dialog", d.type, d.message)), d.dismiss()))
    page.on("pageerror", lambda exc: page.events.append(("pageerror", "error", str(exc))))


def page_events(page, last: int = 40) -> str:
    """The page's last recorded events as lines, for a failure message (none unrecorded)."""
    events = getattr(page, "events", [])[-last:]
    return "\n".join(f"{kind} {level}: {text[:500]}" for kind, level, text in events) or "(none)"
