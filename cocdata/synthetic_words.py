"""What synthetic data is made of: the series, the patterns of incidents, and the words of
their texts, weighted as published transparency reports (DOMAIN.md) suggest."""

from __future__ import annotations

from collections.abc import Sequence

SERIES = [
    ("pycon-north", "PyCon North", "Lakeside Congress Centre"),
    ("djangocon-west", "DjangoCon West", "Harbour Hall"),
    ("datasci-summit", "Data Science Summit", "University Campus"),
    ("writedocs", "Write the Docs Meetup Days", "Old Library"),
    ("rust-camp", "Rust Camp", "Riverside Venue"),
    ("jupytercon-east", "JupyterCon East", "Expo Centre"),
    ("open-source-days", "Open Source Days", "City Arena"),
    ("ml-community", "ML Community Online", None),
]

# (category, weight, likely spaces, likely actions)
PATTERNS: list[tuple[str, int, Sequence[str], Sequence[str]]] = [
    (
        "inappropriate-language",
        24,
        ("talk", "hallway", "social-event", "online"),
        ("conversation", "verbal-warning", "no-action", "written-warning"),
    ),
    (
        "unwelcome-sexual-attention",
        18,
        ("social-event", "hallway", "off-site"),
        ("verbal-warning", "no-contact-request", "removed-from-event", "barred-from-social-events"),
    ),
    (
        "exclusionary-jokes",
        9,
        ("talk", "social-event", "online"),
        ("conversation", "talk-video-not-published", "verbal-warning"),
    ),
    (
        "unwelcome-physical-contact",
        6,
        ("social-event", "hallway"),
        ("removed-from-event", "verbal-warning", "ban"),
    ),
    (
        "harassment",
        8,
        ("online", "hallway", "off-site"),
        ("written-warning", "suspension", "ban", "referred-onward"),
    ),
    (
        "intimidation",
        4,
        ("hallway", "workshop", "online"),
        ("verbal-warning", "removed-from-event"),
    ),
    ("discrimination", 6, ("talk", "workshop", "online"), ("conversation", "written-warning")),
    ("unwanted-photography", 5, ("talk", "social-event"), ("conversation", "verbal-warning")),
    ("offensive-imagery", 3, ("talk", "online"), ("talk-video-not-published", "talk-cancelled")),
    ("disruption", 4, ("talk", "workshop"), ("conversation", "volunteer-role-ended")),
    ("online-abuse", 5, ("online",), ("suspension", "ban", "written-warning")),
    ("police-matter", 2, ("off-site", "hallway"), ("referred-onward", "other")),
    ("theft", 2, ("hallway", "workshop"), ("referred-onward", "no-action")),
    ("other-coc", 4, ("hallway", "other"), ("not-a-violation", "out-of-scope", "no-action")),
]

WHAT = {
    "inappropriate-language": "made remarks with sexual innuendo during {place}",
    "unwelcome-sexual-attention": "kept approaching {target} with personal comments during {place} after being asked to stop",
    "exclusionary-jokes": "told jokes about a group of attendees during {place}",
    "unwelcome-physical-contact": "touched {target} on the back several times during {place}",
    "harassment": "sent {target} repeated private messages after {place}",
    "intimidation": "raised their voice at {target} and stood in the way during {place}",
    "discrimination": "made a dismissive remark about {target}'s background during {place}",
    "unwanted-photography": "took photos of {target} without asking during {place}",
    "offensive-imagery": "showed a slide with offensive imagery during {place}",
    "disruption": "interrupted the speaker repeatedly during {place}",
    "online-abuse": "posted insulting messages about {target} in the event chat",
    "police-matter": "was involved in a confrontation outside the venue near {place}",
    "theft": "was seen taking a laptop bag that was not theirs from {place}",
    "other-coc": "had a heated argument with {target} during {place}",
}
PLACE = {
    "talk": "a talk",
    "hallway": "a break in the hallway",
    "workshop": "a workshop",
    "social-event": "the evening party",
    "online": "the online chat",
    "off-site": "a dinner after the event",
    "other": "the registration queue",
}
PUBLIC = {
    "inappropriate-language": "An attendee used language inappropriate for a professional audience",
    "unwelcome-sexual-attention": "An attendee paid unwelcome attention to another attendee",
    "exclusionary-jokes": "An attendee made exclusionary jokes",
    "unwelcome-physical-contact": "An attendee made unwelcome physical contact",
    "harassment": "An attendee harassed another attendee",
    "intimidation": "An attendee behaved in an intimidating way",
    "discrimination": "An attendee made a discriminatory remark",
    "unwanted-photography": "An attendee took photographs without consent",
    "offensive-imagery": "Offensive imagery was shown",
    "disruption": "A session was repeatedly disrupted",
    "online-abuse": "Abusive messages were posted in an event channel",
    "police-matter": "A matter was referred to the police",
    "theft": "A theft was reported",
    "other-coc": "A conflict between attendees was reported",
}
ACTION_PHRASE = {
    "no-action": "no action was needed",
    "not-a-violation": "it was found not to breach the code",
    "out-of-scope": "it was outside the code's scope",
    "conversation": "the team spoke with them",
    "verbal-warning": "they received a verbal warning",
    "written-warning": "they received a written warning",
    "no-contact-request": "they were asked not to contact the reporter",
    "talk-video-not-published": "the talk video was not published",
    "talk-cancelled": "the talk was cancelled",
    "barred-from-social-events": "they were barred from social events",
    "removed-from-event": "they were removed from the event",
    "volunteer-role-ended": "their volunteer role ended",
    "suspension": "they were suspended",
    "ban": "they were banned from future events",
    "referred-onward": "it was referred onward",
    "other": "the team took other action",
}
CHANNELS = [("verbal", 45), ("email", 25), ("online-form", 22), ("phone", 4), ("other", 4)]
REACTIONS = [("apologised", 50), ("disputed", 25), ("further-problems", 8), ("no-response", 17)]
FOUNDATION = "Foundation Code of Conduct Committee"
