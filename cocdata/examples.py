"""The guide's example report, as a case: always one of the demo cases, and a test fixture.

Every fact of the example in "Write up internal report" has its place here:
the verbal report by Person A, received by Response Team Member A on
29 December 2000 at 9am in the conference venue; the incident on 28 December
at 10.30pm at the conference party; the meeting of Members A and B with
Person B the next day, who apologised; the decision to take no further action;
inclusion in the transparency report; forwarding to the Django Software
Foundation Code of Conduct committee.
"""

from __future__ import annotations

from cocdata.model import Case

GUIDE_CASE_ID = "guide-example"
GUIDE_EVENT_ID = "djangocon-2000"

GUIDE_EXAMPLE: dict = {
    "case_id": GUIDE_CASE_ID,
    "event": {
        "id": GUIDE_EVENT_ID,
        "name": "Django* conference 2000",
        "start": "2000-12-27",
        "end": "2000-12-30",
        "location": "Conference venue",
        "attendees": 300,
        "organiser": "Django* conference organisers",
    },
    "report": {
        "channel": "verbal",
        "made_by": "Person A",
        "made_at": "2000-12-29T09:00",
        "made_where": "conference venue",
        "received_by": ["Response Team Member A"],
    },
    "occurred": {
        "at": "2000-12-28T22:30",
        "precision": "minute",
        "where": "Conference party",
        "space": "social-event",
    },
    "people": [
        {"name": "Person A", "role": "reporter"},
        {"name": "Person A", "role": "target"},
        {"name": "Person B", "role": "reported", "contact": None},
    ],
    "description": (
        "Person A overheard one of our attendees (later identified as Person B) speaking to "
        'his friends and saying something along the lines of "Here is a quote". The reporter '
        "went to this person and quietly asked them to tone it down. They got very "
        "confrontational (not physically) and insisted that it wasn't actually inappropriate. "
        "It was reminded him that our CoC applies but that didn't really stop them."
    ),
    "categories": ["inappropriate-language"],
    "safety_risk": False,
    "ongoing": "no",
    "status": "closed",
    "timeline": [
        {
            "at": "2000-12-29T09:30",
            "by": ["Response Team Member A", "Response Team Member B"],
            "kind": "decision",
            "text": (
                "The conference staff decided to talk to this person the next day to try to "
                "achieve common understanding of expected behaviour during the conference, or "
                "give a warning if understanding is not achieved."
            ),
        },
        {
            "at": "2000-12-29T10:00",
            "by": ["Response Team Member A", "Response Team Member B"],
            "kind": "meeting",
            "with": ["Person B"],
            "text": (
                "Response Team Member A and B took him aside to an empty room and went over what "
                "happened, explaining our stance on the issue and the reason why we don't accept "
                "it. The harasser immediately apologized on their own (without any prompt from "
                "us). They said that after thinking on it, they realized fully how their behavior "
                "was wrong and they thanked us for stepping in. The whole meeting lasted about "
                "10 minutes, was very calm and overall successful."
            ),
            "reaction": "apologised",
        },
        {
            "at": "2000-12-29T10:15",
            "by": ["Response Team Member A", "Response Team Member B"],
            "kind": "decision",
            "text": "The conference staff decided not to take any further action and consider the case closed.",
        },
    ],
    "actions": [
        {
            "kind": "conversation",
            "text": (
                "Response Team decided to talk to Person B, and during this meeting a common "
                "understanding between Response Team and Person B was achieved."
            ),
            "at": "2000-12-29T10:10",
            "by": ["Response Team Member A", "Response Team Member B"],
        }
    ],
    "decisions": {
        "reported_to": ["Django Software Foundation Code of Conduct"],
        "organisers_must": None,
    },
    "transparency": {
        "include": True,
        "summary": (
            "An attendee made remarks inappropriate for a professional audience at a social "
            "event; after a conversation with the response team they apologised."
        ),
    },
    "forwarded_to": ["Django Software Foundation Code of Conduct"],
    "evidence": [],
}


def guide_example() -> Case:
    """The guide's example report as a validated case."""
    return Case.model_validate(GUIDE_EXAMPLE)
