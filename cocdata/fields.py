"""The single fields of a record: ids, local times and dates, counts, text and names.

Times are local to the event and carry no offset; seconds are kept, smaller
parts are dropped so that a record survives a round trip through parquet and
JSON unchanged. Each type says in its JSON Schema what it accepts, and its
messages say how to write it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
Precision = Literal["minute", "hour", "day", "month", "unknown"]

MAX_ID_LENGTH = 64
"""Longest case or event id: each becomes a folder name of reports, and 64 characters
(plus a file name inside) stay well within every file system's limits."""

EARLIEST = dt.datetime(1900, 1, 1)
LATEST = dt.datetime(2199, 12, 31, 23, 59, 59)
"""The range of dates and times a record may hold: wide enough for any real case,
narrow enough that date arithmetic, parquet and pandas never overflow."""

MAX_ATTENDEES = 100_000_000
MAX_EVIDENCE_SIZE = 2**30
"""The largest attendance (a hundred million) and evidence size (1 GiB) a record may state."""

_TIME_FORMS = "2000-12-29T09:00, 2000-12-29T09:00:30 or 2000-12-29"
_DATE_FORMS = "2000-12-29"


def _as_text_time(value: Any, forms: str) -> Any:
    """Refuse a number or true/false where a time belongs.

    JSON numbers would otherwise be read as seconds since 1970 in UTC, skipping
    the rule that times are local and carry no offset.
    """
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a date; write it as text, like {forms}")
    if isinstance(value, int | float):
        raise ValueError(
            f"{value!r} is a number, not a date; write it as text in quotes, like {forms}"
        )
    return value


def _in_range(value: dt.datetime) -> dt.datetime:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(
            f"{value.isoformat()} is outside the years {EARLIEST.year} to {LATEST.year}; "
            "check the date"
        )
    return value


def _local_time(value: Any) -> Any:
    """Parse an ISO time, refuse an offset, drop sub-second parts."""
    value = _as_text_time(value, _TIME_FORMS)
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            try:
                value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a date and time; write it like 2000-12-29T09:00"
                ) from None
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError(
                f"{value.isoformat()} has a time-zone offset; write the local time of the event "
                "without one, like 2000-12-29T09:00"
            )
        return _in_range(value.replace(microsecond=0))
    if value is not None:
        raise ValueError(f"must be a date and time written as text, like {_TIME_FORMS}")
    return value


def _local_date(value: Any) -> Any:
    """A date as ISO text (or a ``date``): never a number."""
    value = _as_text_time(value, _DATE_FORMS)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write it like {_DATE_FORMS}") from None
    if isinstance(value, dt.datetime):
        raise ValueError(f"must be a date without a time, like {_DATE_FORMS}")
    if isinstance(value, dt.date):
        _in_range(dt.datetime.combine(value, dt.time()))
        return value
    raise ValueError(f"must be a date written as text, like {_DATE_FORMS}")


def _whole_number(value: Any) -> Any:
    """Refuse true/false where a number belongs (pydantic would read true as 1)."""
    if isinstance(value, bool):
        raise ValueError(f"must be a whole number, not {str(value).lower()}")
    return value


def usable_id(value: str, what: str, example: str, words: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(
            f"is {len(value)} characters long; {what} id may have at most {MAX_ID_LENGTH} "
            f"(it becomes a folder name); use a short one like {example}"
        )
    if not SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a usable {what.split()[-1]} id; use {words}, like {example}"
        )
    return value


def format_time(value: dt.datetime | None) -> str | None:
    """ISO text of a local time: minutes when the seconds are zero, else seconds."""
    if value is None:
        return None
    return value.isoformat(timespec="seconds" if value.second else "minutes")


LocalTime = Annotated[
    dt.datetime,
    BeforeValidator(_local_time),
    PlainSerializer(format_time, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": f"Local time of the event, no offset, like {_TIME_FORMS}; "
            f"years {EARLIEST.year} to {LATEST.year}.",
        }
    ),
]
LocalDate = Annotated[
    dt.date,
    BeforeValidator(_local_date),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "description": f"A date like {_DATE_FORMS}; years {EARLIEST.year} to {LATEST.year}.",
        }
    ),
]


def _count(maximum: int, description: str) -> Any:
    return Annotated[
        int,
        # The bounds come first so that they reach the integer's schema.
        Field(ge=0, le=maximum, description=description),
        BeforeValidator(_whole_number),
    ]


Attendees = _count(MAX_ATTENDEES, f"Attendance, for rates: 0 to {MAX_ATTENDEES:,}.")
EvidenceSize = _count(MAX_EVIDENCE_SIZE, f"Size in bytes: 0 to {MAX_EVIDENCE_SIZE:,} (1 GiB).")
ID_SCHEMA = {"maxLength": MAX_ID_LENGTH, "pattern": SLUG.pattern}


def clean_text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _clean_names(value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple):
        out: list[Any] = []
        for item in value:
            item = item.strip() if isinstance(item, str) else item
            if item and item not in out:
                out.append(item)
        return out
    return value


Text = Annotated[str | None, BeforeValidator(clean_text)]
Names = Annotated[list[str], BeforeValidator(_clean_names)]
