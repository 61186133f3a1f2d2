"""The people involved in a case, one row each: name, role, contact, and the unseen person code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cocdata.forms import fields as F


class PersonRow:
    """One person involved: name, role, contact; the stable person code is kept unseen."""

    def __init__(
        self, number: int, roles: list[tuple[str, str]], on_remove: Callable[[PersonRow], None]
    ):
        self.number = number
        self.name = F.text(
            "person.name",
            f"Person {number}: name",
            "Name, or how they are known (a badge, a handle).",
        )
        # No role until one is chosen: a default role is too easily saved unread
        # (a reported person recorded as the reporter).
        self.role = F.choice(
            "person.role",
            f"Person {number}: role",
            roles,
            "Target, reported person, witness, …",
            blank="Choose a role",
        )
        self.contact = F.text(
            "person.contact", f"Person {number}: contact (optional)", "E-mail, phone or handle."
        )
        self.code: str | None = None
        self.remove = F.button(
            f"Remove person {number}", "cocdata-person-remove", tip="Remove this person"
        )
        self.remove.on_click(lambda _: on_remove(self))
        self.widget = F.row([self.name.box, self.role.box, self.contact.box, self.remove])
        self.widget.add_class("cocdata-person-row")
        self.widget.add_class(f"cocdata-person-{number}")

    @property
    def fields(self) -> list[F.Field]:
        return [self.name, self.role, self.contact]

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.value,
            "role": self.role.value,
            "contact": self.contact.value,
            "person": self.code,
        }

    def load(self, values: dict[str, Any]) -> None:
        self.name.value = values.get("name") or ""
        roles = {v for _, v in self.role.widget.options}
        if values.get("role") in roles:
            self.role.value = values["role"]
        self.contact.value = values.get("contact") or ""
        self.code = values.get("person")

    def empty(self) -> bool:
        return not self.name.value.strip() and not self.contact.value.strip()


class PeopleEditor:
    """The people involved, one row each, starting with the target and the reported person."""

    def __init__(self, roles: list[tuple[str, str]], on_change: Callable[[object], None]) -> None:
        self.roles = roles
        self.on_change = on_change
        self.rows: list[PersonRow] = []
        self.add = F.button(
            "Add a person", "cocdata-person-add", tip="Add a witness or someone else involved"
        )
        self.add.on_click(lambda _: self.add_row())
        self.list = F.vbox()
        self.widget = F.vbox([self.list, self.add])
        self.widget.add_class("cocdata-people")

    def add_row(self, values: dict[str, Any] | None = None) -> PersonRow:
        row = PersonRow(len(self.rows) + 1, self.roles, self._remove)
        if values:
            row.load(values)
        for field in row.fields:
            field.observe(self.on_change)
        self.rows.append(row)
        self.list.children = tuple(r.widget for r in self.rows)
        return row

    def _remove(self, row: PersonRow) -> None:
        values = [r.values() for r in self.rows if r is not row]
        self.load(values)
        self.on_change(None)

    def load(self, people: list[dict[str, Any]]) -> None:
        self.rows = []
        self.list.children = ()
        for values in people:
            self.add_row(values)

    def values(self) -> list[dict[str, Any]]:
        return [r.values() for r in self.rows]
