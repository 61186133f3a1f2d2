"""The incident record: one case with its event, report, occurrence, people and timeline.

The models follow the guide's "Write up internal report" list item by item
(who, when, where and how the report was made; who received it; when and where
it happened; who was involved and in which role; what happened; actions,
reactions, e-mails, third parties; decisions) and the interchange format
documented in the README. They check structure and single fields (their types
are in ``fields``); ``case_checks`` adds the rules that need the organisation's
vocabularies and several fields at once, and collects every problem before
reporting.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cocdata.fields import (
    ID_SCHEMA,
    MAX_ID_LENGTH,
    SHA256,
    Attendees,
    EvidenceSize,
    LocalDate,
    LocalTime,
    Names,
    Precision,
    Text,
    clean_text,
    usable_id,
)


class Record(BaseModel):
    """Base of every record model: strict about unknown fields, tolerant of blanks."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=False)


class Event(Record):
    """A conference, meetup or online community period that cases belong to."""

    id: str = Field(
        description=f"Short id such as djangocon-2000: lowercase letters, digits, -; "
        f"at most {MAX_ID_LENGTH} characters.",
        json_schema_extra=ID_SCHEMA,
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
        json_schema_extra=ID_SCHEMA,
    )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return usable_id(value, "an event", "djangocon-2000", "lowercase letters, digits and -")

    @field_validator("series", mode="before")
    @classmethod
    def _series_slug(cls, value: Any) -> Any:
        value = clean_text(value)
        if isinstance(value, str):
            return usable_id(value, "a series", "djangocon", "lowercase letters, digits and -")
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
        json_schema_extra=ID_SCHEMA,
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
        return usable_id(value, "a case", "amber-falcon", "lowercase words joined by -")

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
