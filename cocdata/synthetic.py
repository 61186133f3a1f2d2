"""Seeded synthetic incident data for the demo, the tests and the benchmarks.

Nothing here is real: names come from Faker, texts from templates. The mix
follows published transparency reports (DOMAIN.md): most reports concern
language and unwelcome attention, parties and hallways are hot spots, most
outcomes are conversations and warnings, a few people are reported again at
later events. The guide's example report is always one of the demo cases.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from faker import Faker

from cocdata.codenames import new_code_name
from cocdata.examples import guide_example
from cocdata.model import Case, Event
from cocdata.synthetic_words import (
    ACTION_PHRASE,
    CHANNELS,
    FOUNDATION,
    PATTERNS,
    PLACE,
    PUBLIC,
    REACTIONS,
    SERIES,
    WHAT,
)


@dataclass
class _Pool:
    """People of a community: some attend many events and are reported again."""

    people: list[tuple[str, str | None, str]]  # name, contact, person code
    repeat: list[int]  # indexes of people who tend to be reported more than once


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _events(rng: random.Random, n_events: int, years: int, first_year: int) -> list[Event]:
    events = []
    for i in range(n_events):
        slug, name, venue = SERIES[i % len(SERIES)]
        year = first_year + (i * years) // max(n_events, 1)
        cycle = i // len(SERIES)
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(20, 330))
        length = rng.choice((1, 2, 3, 3, 4, 5))
        suffix = f"{year}" if cycle == 0 or n_events <= 24 else f"{year}-{cycle}"
        events.append(
            Event(
                id=f"{slug}-{suffix}" if n_events <= 24 else f"{slug}-{year}-{i}",
                name=f"{name} {year}" if n_events <= 24 else f"{name} {year} #{i}",
                start=start,
                end=start + dt.timedelta(days=length - 1),
                location=venue,
                attendees=None if rng.random() < 0.08 else rng.randrange(80, 3000, 10),
                organiser=f"{name} organisers",
                series=slug,
            )
        )
    return events


GUIDE_SERIES = "djangocon"
"""The series of the guide's example event (its 2000 edition)."""

MORE_EDITIONS = (
    (GUIDE_SERIES, "Django* conference", "Conference venue", 2001),
    (GUIDE_SERIES, "Django* conference", "Conference venue", 2002),
    ("pycon-north", "PyCon North", "Lakeside Congress Centre", 2023),
)
"""Editions the demo adds so that two series have three editions or more."""


def _more_editions(rng: random.Random) -> list[Event]:
    events = []
    for slug, name, venue, year in MORE_EDITIONS:
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(20, 330))
        events.append(
            Event(
                id=f"{slug}-{year}",
                name=f"{name} {year}",
                start=start,
                end=start + dt.timedelta(days=rng.choice((2, 3, 4))),
                location=venue,
                attendees=rng.randrange(200, 1500, 10),
                organiser=f"{name} organisers",
                series=slug,
            )
        )
    return events


def _pool(rng: random.Random, fake: Faker, size: int) -> _Pool:
    codes: set[str] = set()
    people = []
    for _ in range(size):
        name = fake.name()
        contact = (
            fake.email()
            if rng.random() < 0.5
            else (f"@{fake.user_name()}" if rng.random() < 0.3 else None)
        )
        code = new_code_name(codes, rng)
        codes.add(code)
        people.append((name, contact, code))
    repeat = rng.sample(range(size), k=max(1, size // 25))
    return _Pool(people, repeat)


def _pick_person(rng: random.Random, pool: _Pool, reported: bool) -> tuple[str, str | None, str]:
    if reported and rng.random() < 0.25:
        return pool.people[rng.choice(pool.repeat)]
    return pool.people[rng.randrange(len(pool.people))]


def _case(rng: random.Random, event: Event, pool: _Pool, team: list[str], taken: set[str]) -> Case:
    pattern = rng.choices(PATTERNS, weights=[p[1] for p in PATTERNS])[0]
    category, _, spaces, actions = pattern
    space = rng.choice(spaces)
    days = (event.end - event.start).days
    day = event.start + dt.timedelta(days=rng.randint(0, days))
    hour = 22 if space == "social-event" else rng.choice((9, 10, 11, 13, 14, 15, 16, 17, 19))
    occurred_at = dt.datetime.combine(day, dt.time(hour, rng.choice((0, 10, 15, 30, 45))))
    precision = rng.choices(["minute", "hour", "day", "unknown"], weights=[60, 20, 12, 8])[0]
    approximate = precision in ("hour", "minute") and rng.random() < 0.2
    made_at = occurred_at + dt.timedelta(minutes=rng.choice((20, 45, 90, 180, 600, 1440, 2880)))
    channel = _weighted(rng, CHANNELS)
    anonymous = channel == "online-form" and rng.random() < 0.3

    reporter = _pick_person(rng, pool, False)
    reported = _pick_person(rng, pool, True)
    while reported == reporter:
        reported = _pick_person(rng, pool, True)
    target_is_reporter = rng.random() < 0.6
    people = [
        {"name": reporter[0], "contact": reporter[1], "role": "reporter", "person": reporter[2]}
    ]
    target = reporter
    if not target_is_reporter:
        target = _pick_person(rng, pool, False)
        people.append(
            {"name": target[0], "contact": target[1], "role": "target", "person": target[2]}
        )
    else:
        people.append(
            {"name": reporter[0], "contact": reporter[1], "role": "target", "person": reporter[2]}
        )
    people.append(
        {"name": reported[0], "contact": reported[1], "role": "reported", "person": reported[2]}
    )
    if rng.random() < 0.3:
        w = _pick_person(rng, pool, False)
        people.append({"name": w[0], "contact": w[1], "role": "witness", "person": w[2]})

    place = PLACE[space]
    description = (
        f"{reporter[0]} reported that {reported[0]} "
        + WHAT[category].format(place=place, target=target[0])
        + f". {target[0]} felt uncomfortable."
    )
    members = rng.sample(team, k=2)
    received = members[:1] if channel == "verbal" else members[: rng.randint(1, 2)]

    # Status follows time: recent cases are more often still open.
    status = rng.choices(
        ["closed", "decided", "investigating", "acknowledged", "new"], weights=[70, 10, 9, 6, 5]
    )[0]
    timeline = []
    t = made_at + dt.timedelta(minutes=rng.choice((15, 30, 60, 240, 1440)))
    if status != "new":
        timeline.append(
            {
                "at": t,
                "by": members,
                "kind": "meeting",
                "with": [reported[0]],
                "text": f"Met {reported[0]} to talk about the report.",
                "reaction": _weighted(rng, REACTIONS),
            }
        )
        t += dt.timedelta(minutes=rng.choice((30, 120, 600)))
        if rng.random() < 0.3:
            timeline.append(
                {
                    "at": t,
                    "by": members[:1],
                    "kind": "email-sent",
                    "with": [reporter[0]],
                    "text": "Told the reporter what the team is doing.",
                    "why": "Keep the reporter informed.",
                }
            )
            t += dt.timedelta(minutes=rng.choice((60, 300)))
        if rng.random() < 0.1:
            timeline.append(
                {
                    "at": t,
                    "by": members,
                    "kind": "third-party",
                    "with": ["Venue security"],
                    "text": "Asked venue security what they saw.",
                    "why": "An independent account of the evening.",
                }
            )
            t += dt.timedelta(minutes=90)
        if rng.random() < 0.05:
            timeline.append(
                {
                    "at": t,
                    "by": members[:1],
                    "kind": "problem",
                    "with": [reported[0]],
                    "text": f"{reported[0]} sent an angry e-mail to the team.",
                }
            )
            t += dt.timedelta(minutes=60)
    action_list = []
    if status in ("decided", "closed"):
        timeline.append(
            {
                "at": t,
                "by": members,
                "kind": "decision",
                "text": "The team decided on the action below.",
            }
        )
        kind = rng.choice(actions)
        action_list.append(
            {
                "kind": kind,
                "at": t,
                "by": members,
                "text": f"{ACTION_PHRASE[kind].capitalize()} ({reported[0]}).",
            }
        )
    serious = any(a["kind"] in ("ban", "suspension", "referred-onward") for a in action_list)
    reported_to = [FOUNDATION] if serious or rng.random() < 0.05 else []
    include = status == "closed" and rng.random() < 0.8
    summary = None
    if include:
        outcome = ACTION_PHRASE[action_list[0]["kind"]] if action_list else "the team followed up"
        summary = (
            f"{PUBLIC[category]} at {place.removeprefix('the ').removeprefix('a ')}; {outcome}."
        )
    case_id = new_code_name(taken, rng)
    taken.add(case_id)
    return Case.model_validate(
        {
            "case_id": case_id,
            "event": event,
            "report": {
                "channel": channel,
                "made_by": None if anonymous else reporter[0],
                "made_at": made_at,
                "made_where": "registration desk" if channel == "verbal" else None,
                "received_by": received,
            },
            "occurred": {
                "at": occurred_at,
                "precision": precision,
                "approximate": approximate,
                "where": place.capitalize(),
                "space": space,
            },
            "people": people,
            "description": description,
            "categories": [category],
            "safety_risk": category
            in ("unwelcome-physical-contact", "intimidation", "police-matter"),
            "ongoing": rng.choices(["no", "maybe", "yes"], weights=[80, 15, 5])[0],
            "status": status,
            "timeline": timeline,
            "actions": action_list,
            "decisions": {
                "reported_to": reported_to,
                "organisers_must": "Brief the volunteers at the party."
                if rng.random() < 0.1
                else None,
            },
            "transparency": {"include": include, "summary": summary},
            "forwarded_to": reported_to,
        }
    )


def generate(
    seed: int = 0,
    n_events: int = 12,
    n_cases: int | None = None,
    years: int = 3,
    first_year: int = 2022,
    include_guide: bool = True,
    more_editions: bool = False,
) -> tuple[list[Event], list[Case]]:
    """Synthetic events and cases, the same for the same arguments.

    With ``n_cases`` unset, each event gets 3 to 12 cases (and a few events
    none), which gives 60–150 cases for the default twelve events. Every
    event is an edition of its series; ``more_editions`` adds the editions of
    :data:`MORE_EDITIONS` (the guide's event then belongs to the series
    ``djangocon``) with their cases, leaving the others as they are.
    """
    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    events = _events(rng, n_events, years, first_year)
    total = n_cases if n_cases is not None else sum(rng.randint(5, 12) for _ in events)
    pool = _pool(rng, fake, max(40, min(total, 20_000) // 2))
    team = [fake.name() for _ in range(max(4, min(12, n_events)))]
    taken: set[str] = {"guide-example"}
    weights = [rng.random() + 0.2 for _ in events]
    if n_events >= 6:
        weights[rng.randrange(n_events)] = 0  # an event with no reports at all
    owners = rng.choices(range(n_events), weights=weights, k=total)
    cases = [_case(rng, events[i], pool, team, taken) for i in sorted(owners)]
    if more_editions:
        extra = _more_editions(rng)
        events += extra
        cases += [
            _case(rng, event, pool, team, taken)
            for event in extra
            for _ in range(rng.randint(4, 9))
        ]
    if include_guide:
        guide = guide_example()
        if more_editions:
            event = guide.event.model_copy(update={"series": GUIDE_SERIES})
            guide = guide.model_copy(update={"event": event})
        events = [guide.event, *events]
        cases = [guide, *cases]
    return events, cases
