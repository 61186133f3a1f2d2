"""The words the forms show for stored values: statuses, ongoing harassment, the public-text hint."""

from __future__ import annotations

ONGOING_LABELS = {
    "no": "No, it was a single incident",
    "yes": "Yes, it is ongoing harassment",
    "maybe": "Maybe, or not known yet",
}


STATUS_LABELS = {
    "new": "New: just recorded",
    "acknowledged": "Acknowledged: the reporter was told we are on it",
    "investigating": "Investigating: talking to people, gathering facts",
    "decided": "Decided: the team decided what to do",
    "closed": "Closed: nothing more to do",
}


PUBLIC_HINT = (
    "This text will be published in the transparency report. Name no one, quote no one, "
    "give no exact time or place: describe the kind of behaviour and what the team did."
)

# Labels of stored paths that have no input of their own in the report form;
# the inputs' labels come from the table in ``declarations.py``.
OTHER_LABELS = {
    "event": "Event",
    "event.id": "Event",
    "event.name": "Event name",
    "event.start": "First day",
    "event.end": "Last day",
    "event.attendees": "Number of attendees",
    "event.location": "Location",
    "event.organiser": "Organiser",
    "report": "The report",
    "occurred": "When and where it happened",
    "people": "Who was involved",
    "decisions": "Decisions",
    "transparency": "Transparency report",
    "timeline": "Timeline",
    "actions": "Actions",
    "evidence": "Evidence",
}
