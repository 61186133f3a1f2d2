"""The event a report belongs to: choose one from the store, add one inline, or correct one.

Correcting an event (the attendee count that "can be added later", a date, the
organiser) saves a new version of it with ``Store.save_event``, as the command
line does; cases and reports then use the newest version.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from cocdata import config
from cocdata.errors import CocdataError, Problem
from cocdata.forms import fields as F
from cocdata.model import Event
from cocdata.store import Store

NEW_EVENT = "__new_event__"


def slugify(text: str) -> str:
    """An event id from its name: 'PyCon DE 2024' -> 'pycon-de-2024'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].strip("-")


class EventPicker:
    """Choose the event from the store, create one inline, or correct the chosen one."""

    def __init__(
        self,
        store: Store,
        today: dt.date,
        current: Event | None = None,
        member: Callable[[], str] | None = None,
    ) -> None:
        self.store = store
        self.member = member or (lambda: config.team_member())
        self.editing = False
        self.today = today
        self.choice = F.choice(
            "event",
            "Event",
            [("New event…", NEW_EVENT)],
            "The conference, meetup or online space this report belongs to. "
            "Choose “New event…” to add one.",
        )
        self.name = F.text(
            "event.name", "Event name", "Its public name.", "e.g. PyCon Example 2026"
        )
        self.id = F.text(
            "event.id",
            "Event id",
            "Short id for files and reports: lowercase letters, digits and -. Leave it empty to make it from the name.",
            "made from the name",
        )
        self.start = F.text(
            "event.start", "First day", "Year-month-day, like 2000-12-27.", "YYYY-MM-DD"
        )
        self.end = F.text("event.end", "Last day", "Year-month-day, like 2000-12-30.", "YYYY-MM-DD")
        # The hint shows the very id the form will make, as the name is typed.
        self.name.observe(self._name_typed)
        self.attendees = F.text(
            "event.attendees",
            "Number of attendees (optional)",
            "Lets reports give rates per attendee; can be added later.",
        )
        self.location = F.text("event.location", "Location (optional)", "City or venue.")
        self.organiser = F.text(
            "event.organiser", "Organiser (optional)", "Who runs the event, as reports name them."
        )
        self.series = F.text(
            "event.series",
            "Series (optional)",
            "The conference this is an edition of, like djangocon (lowercase letters, digits "
            "and -): its transparency report then shows the earlier editions.",
            "e.g. djangocon",
        )
        self.new_fields = [
            self.name,
            self.id,
            self.start,
            self.end,
            self.attendees,
            self.location,
            self.organiser,
            self.series,
        ]
        self.edit_button = F.button(
            "Correct this event",
            "cocdata-event-edit",
            tip="Change its name, dates, location, attendees, organiser or series",
        )
        self.edit_button.on_click(lambda _: self.start_edit())
        self.save_button = F.button(
            "Save the event", "cocdata-event-save", "success", "Save a new version of the event"
        )
        self.save_button.on_click(lambda _: self.save_edit())
        self.cancel_button = F.button(
            "Cancel", "cocdata-event-cancel", tip="Leave the event as it is"
        )
        self.cancel_button.on_click(lambda _: self.stop_edit())
        self.edit_buttons = F.row([self.save_button, self.cancel_button], "cocdata-buttons")
        self.board = F.ProblemBoard()
        self.board.register(*self.new_fields)
        # Its own class: "cocdata-problems" is the report's list of problems.
        self.board.summary.remove_class("cocdata-problems")
        self.board.summary.add_class("cocdata-event-problems")
        self.status = F.Status("cocdata-event-status")
        self.new_box = F.vbox(
            [
                F.row([f.box for f in self.new_fields]),
                self.board.summary,
                self.edit_buttons,
            ],
            "cocdata-new-event",
            hidden=True,
        )
        self.widget = F.vbox(
            [F.row([self.choice.box, self.edit_button]), self.new_box, self.status.widget]
        )
        self.choice.observe(self._chosen)
        self.refresh(current, today)

    @property
    def fields(self) -> list[F.Field]:
        return [self.choice, *self.new_fields]

    def _name_typed(self, _: object = None) -> None:
        slug = slugify(self.name.value or "")
        self.id.widget.placeholder = (
            f"{slug} (made from the name)" if slug else "made from the name"
        )

    @staticmethod
    def _default(events: list[Event], today: dt.date) -> str:
        """The event on today, else the most recent one that has started, else the next one."""
        for event in events:
            if event.start - dt.timedelta(days=1) <= today <= event.end + dt.timedelta(days=1):
                return event.id
        started = [e for e in events if e.start <= today]
        if started:
            return max(started, key=lambda e: (e.start, e.id)).id
        return min(events, key=lambda e: (e.start, e.id)).id if events else NEW_EVENT

    def refresh(self, current: Event | None = None, today: dt.date | None = None) -> None:
        """Read the store's events again and select ``current`` (or the one on today)."""
        self.known = self.store.events()
        if current is not None:
            self.known.setdefault(current.id, current)
        events = sorted(self.known.values(), key=lambda e: (e.start, e.id), reverse=True)
        options = [(f"{e.name} ({e.start} to {e.end})", e.id) for e in events]
        self.choice.widget.options = [*options, ("New event…", NEW_EVENT)]
        if current is not None:
            self.choice.value = current.id
        else:
            self.choice.value = self._default(events, today or self.today)
        self._chosen()

    def chosen_event(self) -> Event | None:
        """The stored event chosen in the list (None for a new one)."""
        return self.known.get(self.choice.value)

    def _chosen(self, _: object = None) -> None:
        if self.editing and self.choice.value == NEW_EVENT:
            self.editing = False
        if self.editing and _ is not None:
            self.stop_edit()  # another event was chosen: its values, not the edited ones
            return
        new = self.choice.value == NEW_EVENT
        F.hide(self.new_box, not (new or self.editing))
        F.hide(self.edit_button, new or self.editing)
        F.hide(self.edit_buttons, not self.editing)
        self.id.widget.disabled = self.editing

    def start_edit(self) -> None:
        """Show the chosen event's fields to correct them."""
        event = self.chosen_event()
        if event is None:
            return
        self.editing = True
        self.show_event(event)
        self.status.clear()
        self._chosen()

    def show_event(self, event: Event) -> None:
        self.name.value = event.name
        self.id.value = event.id
        self.start.value = event.start.isoformat()
        self.end.value = event.end.isoformat()
        self.attendees.value = "" if event.attendees is None else str(event.attendees)
        self.location.value = event.location or ""
        self.organiser.value = event.organiser or ""
        self.series.value = event.series or ""

    def stop_edit(self) -> None:
        self.editing = False
        self.board.clear()
        for field in self.new_fields:
            field.value = ""
        self._chosen()

    @property
    def edited(self) -> bool:
        """True while a correction is open that differs from the stored event."""
        event = self.chosen_event()
        if not self.editing or event is None:
            return False
        data = self.parse([])
        return any(data.get(k) != v for k, v in event.model_dump(mode="json").items())

    def save_edit(self) -> Event | None:
        """Save the corrected event as a new version; None (problems shown) when it cannot be."""
        event = self.chosen_event()
        if not self.editing or event is None:
            return None
        self.board.clear()
        problems: list[Problem] = []
        data = {**self.parse(problems), "id": event.id}
        if not problems:
            try:
                corrected = Event.model_validate(data)
            except ValidationError as exc:
                problems += [
                    Problem(
                        "event." + ".".join(map(str, e["loc"])) if e["loc"] else "event.end",
                        e["msg"],
                    )
                    for e in exc.errors()
                ]
        if problems:
            self.board.show(problems, "The event was not saved. Correct the fields marked in red:")
            return None
        try:
            self.store.save_event(corrected, by=self.member())
        except CocdataError as exc:
            self.board.message(str(exc))
            return None
        self.editing = False
        self.refresh(corrected)
        for field in self.new_fields:
            field.value = ""
        self._chosen()
        self.status.ok(
            f"Event “{corrected.name}” saved as a new version; reports use it from now on."
        )
        return corrected

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {"choice": self.choice.value, "editing": self.editing}
        out.update({f.path: f.value for f in self.new_fields})
        return out

    def load(self, values: dict[str, Any]) -> None:
        choice = values.get("choice")
        options = {v for _, v in self.choice.widget.options}
        self.editing = False
        self.choice.value = choice if choice in options else NEW_EVENT
        self.editing = bool(values.get("editing")) and self.choice.value != NEW_EVENT
        for f in self.new_fields:
            if f.path in values:
                f.value = values[f.path] or ""
        self._chosen()

    def build(self, problems: list[Problem]) -> dict[str, Any] | None:
        """The event as interchange data; problems with typed values go to ``problems``."""
        chosen = self.choice.value
        if chosen != NEW_EVENT:
            return self.known[chosen].model_dump(mode="json")
        data = self.parse(problems)
        if data["id"] in self.known:
            data["id_taken"] = True
        return data

    def parse(self, problems: list[Problem]) -> dict[str, Any]:
        """The typed event fields as interchange data; what cannot be read goes to ``problems``."""
        data: dict[str, Any] = {
            "id": self.id.value.strip() or slugify(self.name.value),
            "name": self.name.value.strip(),
            "location": self.location.value.strip() or None,
            "organiser": self.organiser.value.strip() or None,
            "series": self.series.value.strip() or None,
            "attendees": None,
        }
        if not data["name"]:
            problems.append(Problem("event.name", "write the event's name"))
            data["id"] = data["id"] or "unnamed-event"  # the name's message says it all
        for key, field in (("start", self.start), ("end", self.end)):
            typed = field.value.strip()
            try:
                data[key] = dt.date.fromisoformat(typed).isoformat()
            except ValueError:
                what = "the first day" if key == "start" else "the last day"
                problems.append(
                    Problem(
                        f"event.{key}",
                        f"write {what} of the event like 2000-12-27"
                        + (f" ({typed!r} is not a date)" if typed else ""),
                    )
                )
                data[key] = None
        typed = self.attendees.value.strip().replace(",", "").replace(" ", "")
        if typed:
            if typed.isdigit():
                data["attendees"] = int(typed)
            else:
                problems.append(
                    Problem("event.attendees", f"write a whole number, like 300 (got {typed!r})")
                )
        return data
