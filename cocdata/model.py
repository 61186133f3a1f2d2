"""The incident record: one case with its event, report, occurrence, people and timeline.

The models follow the guide's "Write up internal report" list item by item
(who, when, where and how the report was made; who received it; when and where
it happened; who was involved and in which role; what happened; actions,
reactions, e-mails, third parties; decisions) and the interchange format
documented in the README. They check structure and single fields;
``check_case`` adds the rules that need the organisation's vocabularies and
several fields at once, and collects every problem before reporting.

Times are local to the event and carry no offset; seconds are kept, smaller
parts are dropped so that a record survives a round trip through parquet and
JSON unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from cocdata.errors import Problem
from cocdata.vocab import ONGOING, STATUSES, Vocabularies

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


def _usable_id(value: str, what: str, example: str, words: str) -> str:
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
_ID_SCHEMA = {"maxLength": MAX_ID_LENGTH, "pattern": SLUG.pattern}


def _clean_text(value: Any) -> Any:
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


Text = Annotated[str | None, BeforeValidator(_clean_text)]
Names = Annotated[list[str], BeforeValidator(_clean_names)]


class Record(BaseModel):
    """Base of every record model: strict about unknown fields, tolerant of blanks."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=False)


class Event(Record):
    """A conference, meetup or online community period that cases belong to."""

    id: str = Field(
        description=f"Short id such as djangocon-2000: lowercase letters, digits, -; "
        f"at most {MAX_ID_LENGTH} characters.",
        json_schema_extra=_ID_SCHEMA,
    )
    name: str = Field(min_length=1, description="The event's public name.")
    start: LocalDate
    end: LocalDate
    location: Text = None
    attendees: Attendees | None = None
    organiser: Text = None
    series: str | None = Field(
        default=None,
        description="The series the event is an edition of, such as djangocon: lowercase "
        "letters, digits, -. Transparency reports show the counts of the series' previous "
        "editions.",
        json_schema_extra=_ID_SCHEMA,
    )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return _usable_id(value, "an event", "djangocon-2000", "lowercase letters, digits and -")

    @field_validator("series", mode="before")
    @classmethod
    def _series_slug(cls, value: Any) -> Any:
        value = _clean_text(value)
        if isinstance(value, str):
            return _usable_id(value, "a series", "djangocon", "lowercase letters, digits and -")
        return value

    @model_validator(mode="after")
    def _dates(self) -> Event:
        if self.end < self.start:
            raise ValueError(f"the event ends ({self.end}) before it starts ({self.start})")
        return self


class ReportBlock(Record):
    """How, by whom, when and where the report was made, and who received it."""

    channel: str = Field(description="How the report was made: verbal, email, online-form, ...")
    made_by: Text = Field(default=None, description="Who made the report; empty when anonymous.")
    made_at: LocalTime = Field(description="When the report was made.")
    made_where: Text = None
    received_by: Names = Field(default_factory=list, description="Team members who received it.")

    @property
    def anonymous(self) -> bool:
        return self.made_by is None


class Occurrence(Record):
    """When and where the incident happened; the time may be approximate or unknown."""

    at: LocalTime | None = None
    precision: Precision = "minute"
    approximate: bool = False
    where: Text = None
    space: str | None = None

    @model_validator(mode="after")
    def _truncate(self) -> Occurrence:
        # A time is kept only as precisely as it is known, so "the 28th" never
        # reads as "the 28th at midnight" after a round trip.
        if self.at is None:
            self.precision = "unknown"
        elif self.precision == "unknown":
            self.at = None
        elif self.precision == "hour":
            self.at = self.at.replace(minute=0, second=0)
        elif self.precision == "day":
            self.at = self.at.replace(hour=0, minute=0, second=0)
        elif self.precision == "month":
            self.at = self.at.replace(day=1, hour=0, minute=0, second=0)
        return self

    def describe(self) -> str:
        """The time as a person would say it: 'about 2000-12-28 22:30', 'unknown'."""
        if self.at is None:
            return "unknown"
        shown = {
            "minute": self.at.strftime("%Y-%m-%d %H:%M" + (":%S" if self.at.second else "")),
            "hour": self.at.strftime("%Y-%m-%d around %H:00"),
            "day": self.at.strftime("%Y-%m-%d"),
            "month": self.at.strftime("%B %Y"),
        }[self.precision]
        return f"about {shown}" if self.approximate else shown


class Person(Record):
    """Someone involved in the case, in one role."""

    name: Text = Field(default=None, description="Name, or how the person is known.")
    contact: Text = Field(default=None, description="E-mail, phone or handle.")
    role: str = Field(description="reporter, target, reported, witness or other.")
    person: Text = Field(default=None, description="Stable person code name across cases.")
    links: list[str] = Field(
        default_factory=list,
        description="Keyed pseudonyms of the person's name and contact, from received case "
        "packages: they link later packages to the same person without naming anyone.",
    )


class TimelineEntry(Record):
    """One dated step: a note, meeting, e-mail, consultation, decision, reaction or problem."""

    at: LocalTime
    by: Names = Field(default_factory=list, description="Team members who did it.")
    kind: str
    with_: Names = Field(default_factory=list, alias="with", description="Who else took part.")
    text: Text = None
    reaction: str | None = Field(default=None, description="Reaction of the involved side.")
    why: Text = Field(default=None, description="Why (for e-mails and third parties).")
    evidence: list[str] = Field(default_factory=list, description="SHA-256 of evidence items.")


class Action(Record):
    """An action the team decided on or took."""

    kind: str
    text: Text = None
    at: LocalTime | None = None
    by: Names = Field(default_factory=list)


class Decisions(Record):
    """Decisions about further actions: reported onward to whom; what organisers must do."""

    reported_to: Names = Field(default_factory=list)
    organisers_must: Text = None


class Transparency(Record):
    """Whether the case is described in the public report, and the text written for it."""

    include: bool = False
    summary: Text = Field(
        default=None,
        description="Written for publication: no names, no quotes, no exact times.",
    )


class Evidence(Record):
    """A copied e-mail, screenshot or file kept in the store by its SHA-256."""

    name: str
    media_type: str = "application/octet-stream"
    size: EvidenceSize
    sha256: str
    note: Text = None
    added_at: LocalTime | None = None
    added_by: Text = None

    @field_validator("sha256")
    @classmethod
    def _hex(cls, value: str) -> str:
        value = value.lower()
        if not SHA256.match(value):
            raise ValueError("is not a SHA-256 digest (64 hexadecimal digits)")
        return value


class Case(Record):
    """One incident case: the whole internal record as it stands at one revision."""

    case_id: str | None = Field(
        default=None,
        description=f"Two-word code name, e.g. amber-falcon; lowercase words joined by -, "
        f"at most {MAX_ID_LENGTH} characters.",
        json_schema_extra=_ID_SCHEMA,
    )
    event: Event
    report: ReportBlock
    occurred: Occurrence = Field(default_factory=Occurrence)
    people: list[Person] = Field(default_factory=list)
    description: Text = Field(default=None, description="Neutral description of what happened.")
    categories: Names = Field(default_factory=list)
    safety_risk: bool = False
    ongoing: Literal["yes", "no", "maybe"] = "no"
    status: str = "new"
    timeline: list[TimelineEntry] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    decisions: Decisions = Field(default_factory=Decisions)
    transparency: Transparency = Field(default_factory=Transparency)
    forwarded_to: Names = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)

    @field_validator("case_id")
    @classmethod
    def _case_slug(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return _usable_id(value, "a case", "amber-falcon", "lowercase words joined by -")

    @model_validator(mode="before")
    @classmethod
    def _without_revision(cls, data: Any) -> Any:
        # An interchange line carries the revision it was exported at
        # (``interchange``): it says where the line comes from, not what the
        # case is, so the case itself leaves it aside.
        if isinstance(data, dict) and "revision" in data:
            data = {k: v for k, v in data.items() if k != "revision"}
        return data

    def to_json(self) -> str:
        """One line of the interchange format."""
        return self.model_dump_json(by_alias=True)

    def to_dict(self) -> dict[str, Any]:
        """The interchange form as plain Python data."""
        return self.model_dump(mode="json", by_alias=True)

    def people_in(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]


_PYDANTIC_WORDS = {
    "missing": "is required",
    "extra_forbidden": "is not a known field; check its spelling",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "date_from_datetime_parsing": "is not a date; write it like 2000-12-27",
    "date_parsing": "is not a date; write it like 2000-12-27",
    "date_from_datetime_inexact": "must be a date without a time, like 2000-12-27",
    "model_type": "must be an object with named fields",
    "greater_than_equal": "must not be negative",
    "string_too_short": "must not be empty",
    "int_from_float": "must be a whole number",
    "finite_number": "must be a whole number",
    "int_parsing_size": "is far too large a number",
    "dict_type": "must be an object with named fields",
}


def problems_from(error: ValidationError, where: str | None = None) -> list[Problem]:
    """pydantic's errors as plain-language problems, one per field."""
    out: list[Problem] = []
    for err in error.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or "record"
        field = field.replace("with_", "with")
        kind = err["type"]
        if kind == "json_invalid":
            field = "line"
            message = f"is not valid JSON ({err.get('ctx', {}).get('error', err['msg'])})"
            out.append(Problem(field=field, message=message, where=where))
            continue
        if kind in ("value_error", "assertion_error"):
            message = str(err.get("ctx", {}).get("error", err["msg"]))
        elif kind == "literal_error":
            message = f"must be one of {err.get('ctx', {}).get('expected', '')}"
        elif kind == "less_than_equal":
            message = f"must be at most {err.get('ctx', {}).get('le', 0):,}"
        else:
            message = _PYDANTIC_WORDS.get(kind, err["msg"][0].lower() + err["msg"][1:])
        value = err.get("input")
        if kind not in ("missing", "model_type") and isinstance(value, str | int | float | bool):
            shown = repr(value)
            # A whole pasted document in a field would drown the message.
            shown = shown if len(shown) <= 60 else f"{shown[:50]}… ({len(shown)} characters)"
            message = f"{message} (got {shown})"
        out.append(Problem(field=field, message=message, where=where, value=value))
    return out


def parse_case(
    data: dict[str, Any] | str, where: str | None = None
) -> tuple[Case | None, list[Problem]]:
    """Validate raw interchange data; return the case or every structural problem."""
    try:
        if isinstance(data, str):
            return Case.model_validate_json(data), []
        return Case.model_validate(data), []
    except ValidationError as exc:
        return None, problems_from(exc, where)


def _vocab_problems(case: Case, vocab: Vocabularies, where: str | None) -> list[Problem]:
    out: list[Problem] = []

    def need(kind: str, field: str, value: str | None, optional: bool = False) -> None:
        if value is None:
            if not optional:
                out.append(Problem(field, "is required", where))
            return
        known = getattr(vocab, kind)
        if value not in known:
            listed = ", ".join(known)
            out.append(
                Problem(
                    field,
                    f"{value!r} is not one of the {kind.replace('_', ' ')}: {listed}",
                    where,
                    value,
                )
            )

    need("channels", "report.channel", case.report.channel)
    need("spaces", "occurred.space", case.occurred.space, optional=True)
    for i, cat in enumerate(case.categories):
        need("categories", f"categories.{i}", cat)
    for i, person in enumerate(case.people):
        need("roles", f"people.{i}.role", person.role)
    for i, entry in enumerate(case.timeline):
        need("timeline_kinds", f"timeline.{i}.kind", entry.kind)
        need("reactions", f"timeline.{i}.reaction", entry.reaction, optional=True)
    for i, action in enumerate(case.actions):
        need("actions", f"actions.{i}.kind", action.kind)
    if case.status not in STATUSES:
        out.append(Problem("status", f"{case.status!r} is not one of {', '.join(STATUSES)}", where))
    if case.ongoing not in ONGOING:
        out.append(Problem("ongoing", f"must be one of {', '.join(ONGOING)}", where))
    return out


def _rule_problems(case: Case, where: str | None) -> list[Problem]:
    out: list[Problem] = []
    occ = case.occurred
    if occ.at is not None and not occ.approximate:
        # Compare at the precision the incident time is known.
        earliest = occ.at
        if case.report.made_at < earliest:
            out.append(
                Problem(
                    "report.made_at",
                    f"the report cannot be made ({format_time(case.report.made_at)}) before the "
                    f"incident happened ({occ.describe()}); check both dates",
                    where,
                )
            )
    if case.report.channel == "verbal" and not case.report.received_by:
        out.append(
            Problem(
                "report.received_by",
                "a verbal report needs the team member(s) who received it",
                where,
            )
        )
    if case.transparency.include and not case.transparency.summary:
        out.append(
            Problem(
                "transparency.summary",
                "a case included in the transparency report needs a public summary written for "
                "publication (no names)",
                where,
            )
        )
    for i, entry in enumerate(case.timeline):
        if entry.at < case.report.made_at - dt.timedelta(days=366):
            out.append(
                Problem(
                    f"timeline.{i}.at",
                    f"{format_time(entry.at)} is more than a year before the report was made; "
                    "check the date",
                    where,
                )
            )
    known = {e.sha256 for e in case.evidence}
    for i, entry in enumerate(case.timeline):
        for sha in entry.evidence:
            if sha not in known:
                out.append(
                    Problem(
                        f"timeline.{i}.evidence",
                        f"names evidence {sha[:12]}… that is not attached to the case",
                        where,
                    )
                )
    return out


def check_case(case: Case, vocab: Vocabularies, where: str | None = None) -> list[Problem]:
    """Every problem that vocabularies and cross-field rules find in a parsed case."""
    return _vocab_problems(case, vocab, where) + _rule_problems(case, where)


def validate(
    data: dict[str, Any] | str | Case, vocab: Vocabularies, where: str | None = None
) -> tuple[Case | None, list[Problem]]:
    """Parse and check a case in one go, collecting every problem."""
    if isinstance(data, Case):
        case, problems = data, []
    else:
        case, problems = parse_case(data, where)
    if case is None:
        return None, problems
    problems = check_case(case, vocab, where)
    return (case if not problems else None), problems
