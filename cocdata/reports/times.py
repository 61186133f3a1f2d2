"""Exact times in a rendered report, as the leak guard looks for them.

A time matches when a date and a time of day in a common format
(``2000-12-28T22:30``, ``28 December 2000, 22:30``, ``Dec 28, 2000 10:30
pm``, ``28/12/2000 22.30``, ``29th December 2000, 9am``, or seconds or
milliseconds since 1970 as chart data may hold them) name the same minute.
:func:`find_times` reads folded text (see :func:`cocdata.reports.disguises.fold`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

Minute = tuple[int, int, int, int, int]


def minute_of(value: Any) -> Minute | None:
    """A time (datetime or pandas timestamp) to the minute; None for a missing one."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return (value.year, value.month, value.day, value.hour, value.minute)


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MON = r"(?P<mon>[a-z]{3,9})\.?"
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_DATES = [
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})(?!\d)"),
    re.compile(rf"(?<![\w]){_DAY}(?:\s+of)?\s+{_MON},?\s+(?P<y>\d{{4}})(?!\d)"),
    re.compile(rf"(?<![\w]){_MON}\s+{_DAY},?\s+(?P<y>\d{{4}})(?!\d)"),
]
_CLOCK = (
    r"(?P<h>\d{1,2})(?:(?:[:.h])(?P<mi>\d{2}))?(?::\d{2}(?:\.\d+)?)?\s*(?P<ap>a\.?m\.?|p\.?m\.?)?"
)
_TIME_AFTER = re.compile(r"(?:\s*(?:,|t|at|@|on|-|–|—|\|)\s*|\s+)" + _CLOCK + r"(?![\d\w])")
_TIME_BEFORE = re.compile(r"(?<!\d)" + _CLOCK + r"\s*(?:,|on|the|-|–|—)?\s*(?:the\s+)?$")
_EPOCH = re.compile(r"(?<![\d.])(\d{9,13})(?:\.0+)?(?!\d|\.\d)")


def _clock(match: re.Match[str]) -> tuple[int, int] | None:
    hour, minute, ampm = match.group("h"), match.group("mi"), match.group("ap")
    if minute is None and ampm is None:
        return None  # a bare number is not a time of day
    h, m = int(hour), int(minute or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.startswith("p") else 0)
    if h > 23 or m > 59:
        return None
    return h, m


def _dates(match: re.Match[str]) -> list[tuple[int, int, int]]:
    groups = match.groupdict()
    y = int(groups["y"])
    if groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        candidates = [(y, b, a), (y, a, b)]  # day first, and month first
    elif groups.get("mon"):
        month = _MONTHS.get(groups["mon"].rstrip("."))
        if month is None:
            return []
        candidates = [(y, month, int(groups["d"]))]
    else:
        candidates = [(y, int(groups["m"]), int(groups["d"]))]
    return [(y, m, d) for y, m, d in candidates if 1 <= m <= 12 and 1 <= d <= 31]


def find_times(text: str) -> set[Minute]:
    """Every date with a time of day in ``text`` (folded), to the minute."""
    found: set[Minute] = set()
    for pattern in _DATES:
        for match in pattern.finditer(text):
            days = _dates(match)
            if not days:
                continue
            clocks = []
            after = _TIME_AFTER.match(text, match.end())
            if after is not None:
                clocks.append(_clock(after))
            before = _TIME_BEFORE.search(text[max(0, match.start() - 24) : match.start()])
            if before is not None:
                clocks.append(_clock(before))
            for clock in clocks:
                if clock is not None:
                    found.update((y, m, d, *clock) for y, m, d in days)
    for match in _EPOCH.finditer(text):
        # Seconds have 9-10 digits from 1973 to 2286, milliseconds 11-13.
        number = int(match.group(1))
        seconds = number / 1000 if len(match.group(1)) > 10 else number
        try:
            stamp = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=seconds)
        except OverflowError:
            continue
        found.add((stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute))
    return found
