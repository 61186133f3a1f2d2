"""Times as people type them in a hurry: '2000-12-29 09:00', 'yesterday 22:30', '2000-12'.

A typed time also tells how precisely it is known: a date alone is a day, a
year and month is a month, nothing at all is unknown. Forms show times back
in the same plain shape they accept.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cocdata.model import Event

PRECISIONS = ("minute", "hour", "day", "month", "unknown")
PRECISION_LABELS = {
    "minute": "To the minute",
    "hour": "To the hour",
    "day": "Only the day",
    "month": "Only the month",
    "unknown": "Unknown",
}
EXAMPLES = "2000-12-29 09:00, 2000-12-29, 2000-12, 22:30 or yesterday 22:30"

_CLOCK = r"(?P<h>\d{1,2})[:.h](?P<m>\d{2})(?::(?P<s>\d{2}))?"
_DATE_TIME = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:[ t]+" + _CLOCK + r")?$")
_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<mo>\d{1,2})$")
_RELATIVE = re.compile(r"^(?P<day>now|today|yesterday)(?:\s+(?:at\s+)?" + _CLOCK + r")?$")
_CLOCK_ONLY = re.compile(r"^(?:at\s+)?" + _CLOCK + r"$")
_UNKNOWN = {"", "?", "unknown", "not known", "n/a"}


def parse_when(text: str, now: dt.datetime | None = None) -> tuple[dt.datetime | None, str]:
    """Read a typed time; return it with the precision the text gives.

    Raises ``ValueError`` with a message that shows how to write it.
    """
    now = (now or dt.datetime.now()).replace(second=0, microsecond=0)
    raw = " ".join(text.strip().split())
    lowered = raw.lower()
    if lowered in _UNKNOWN:
        return None, "unknown"
    try:
        if m := _DATE_TIME.match(lowered):
            day = dt.date(int(m["y"]), int(m["mo"]), int(m["d"]))
            if m["h"] is None:
                return dt.datetime.combine(day, dt.time()), "day"
            return dt.datetime.combine(day, _clock(m)), "minute"
        if m := _MONTH.match(lowered):
            return dt.datetime(int(m["y"]), int(m["mo"]), 1), "month"
        if m := _RELATIVE.match(lowered):
            if m["day"] == "now" and m["h"] is None:
                return now, "minute"
            day = now.date() - dt.timedelta(days=1 if m["day"] == "yesterday" else 0)
            if m["h"] is None:
                return dt.datetime.combine(day, dt.time()), "day"
            return dt.datetime.combine(day, _clock(m)), "minute"
        if m := _CLOCK_ONLY.match(lowered):
            return dt.datetime.combine(now.date(), _clock(m)), "minute"
    except ValueError:
        raise ValueError(f"{raw!r} is not a real date or time; write it like {EXAMPLES}") from None
    raise ValueError(
        f"{raw!r} is not a date and time this form understands; write it like {EXAMPLES}"
    )


def _clock(m: re.Match[str]) -> dt.time:
    return dt.time(int(m["h"]), int(m["m"]), int(m["s"] or 0))


def format_when(value: dt.datetime | None, precision: str = "minute") -> str:
    """A time in the shape the form accepts, only as precise as it is known."""
    if value is None or precision == "unknown":
        return ""
    if precision == "month":
        return value.strftime("%Y-%m")
    if precision == "day":
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M" + (":%S" if value.second else ""))


def describe_saved_at(when: dt.datetime | str, now: dt.datetime | None = None) -> str:
    """'22:41' for today, '28 Dec 22:41' otherwise: how a draft's age is shown."""
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    now = now or dt.datetime.now()
    if when.date() == now.date():
        return when.strftime("%H:%M")
    if when.year == now.year:
        return when.strftime("%d %b %H:%M").lstrip("0")
    return when.strftime("%d %b %Y %H:%M").lstrip("0")


def finer(a: str, b: str) -> bool:
    """True when precision ``a`` says more than precision ``b`` ('minute' is finer than 'day')."""
    return PRECISIONS.index(a) < PRECISIONS.index(b)


def settle_precision(typed: str, chosen: str, explicit: bool) -> str:
    """The precision a typed time is stored with.

    It follows the final text, never the keystrokes on the way there: '2000-12'
    on the way to '2000-12-28 22:30' must not stick. A precision the user chose
    by hand is respected when it is coarser than the text (they know the
    22:30 is a guess), but a time can never be stored finer than it was typed.
    Raises ``ValueError`` for text that is not a time, like ``parse_when``.
    """
    _, found = parse_when(typed)
    # "Unknown" beside a typed time means the dropdown was not looked at: the
    # text wins rather than the time being thrown away.
    if found == "unknown" or not explicit or chosen == "unknown" or finer(chosen, found):
        return found
    return chosen


def coarsening(typed: str, precision: str, now: dt.datetime | None = None) -> str | None:
    """What the user is told when ``precision`` drops part of the typed time; None when nothing is.

    Compares the time as typed with the time as it will be stored, so the
    message speaks before the save, not after.
    """
    try:
        when, found = parse_when(typed, now)
    except ValueError:
        return None
    if when is None or precision == "unknown" or not finer(found, precision):
        return None
    stored = _truncate(when, precision)
    if stored == when:
        return None
    shown = {
        "hour": stored.strftime("%Y-%m-%d around %H:00"),
        "day": stored.strftime("%Y-%m-%d"),
        "month": stored.strftime("%Y-%m"),
    }[precision]
    return (
        f"This will be stored as {shown} ({PRECISION_LABELS[precision].lower()}), "
        f"not as {format_when(when, found)} as typed. Choose “{PRECISION_LABELS[found]}” "
        "to keep the time you typed."
    )


def _truncate(when: dt.datetime, precision: str) -> dt.datetime:
    # Mirrors Occurrence's own truncation, so the message matches what is stored.
    if precision == "hour":
        return when.replace(minute=0, second=0)
    if precision == "day":
        return when.replace(hour=0, minute=0, second=0)
    if precision == "month":
        return when.replace(day=1, hour=0, minute=0, second=0)
    return when


# How far from an event's days a date may lie before the form asks to check it:
# reports come in weeks later, case work goes on for months.
BEFORE_EVENT = dt.timedelta(days=30)
AFTER_EVENT = dt.timedelta(days=180)


def far_from_event(what: str, when: dt.datetime | None, start: dt.date, end: dt.date) -> str | None:
    """A warning when ``when`` lies far outside the event's days (a mistyped year, the wrong event)."""
    if when is None:
        return None
    day = when.date()
    if start - BEFORE_EVENT <= day <= end + AFTER_EVENT:
        return None
    side = "before the event began" if day < start else "after the event ended"
    return (
        f"{what} ({day.isoformat()}) is long {side} ({start.isoformat()} to {end.isoformat()}). "
        "Check the year, or choose the right event; you can still save it as it is."
    )


def typed_far_from_event(
    what: str, text: str, event: Event | None, now: dt.datetime | None = None
) -> str | None:
    """:func:`far_from_event` of a time as typed (none for text that is no time yet, or no
    event): the warning an entry's or an action's "When" shows while it is typed."""
    if event is None:
        return None
    try:
        when, _precision = parse_when(text, now)
    except ValueError:
        return None
    return far_from_event(what, when, event.start, event.end)
