"""Re-applying a user's edit on top of a newer revision after a ``Conflict``.

An edit is what differs between the revision the user loaded and what the
form would save: whole fields (sub-fields of report, occurrence, decisions
and transparency one by one), and entries appended to the timeline, actions
and evidence lists. ``reapply`` puts exactly those onto the newest revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cocdata.model import Case

NESTED = ("report", "occurred", "decisions", "transparency", "event")
APPENDED = ("timeline", "actions", "evidence")


@dataclass
class Edit:
    """The user's changes: field paths with their new values, and appended list entries."""

    fields: dict[str, Any] = field(default_factory=dict)
    appended: dict[str, list[Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields or self.appended)

    def describe(self) -> list[str]:
        """The changed fields in words (``status``, ``timeline (+1)``)."""
        out = list(self.fields)
        out += [f"{key} (+{len(items)})" for key, items in self.appended.items()]
        return out


def edit_between(base: Case | None, edited: Case) -> Edit:
    """What the user changed, going from ``base`` (as loaded) to ``edited`` (as in the form)."""
    after = edited.model_dump(mode="json", by_alias=True)
    if base is None:
        return Edit(fields={key: value for key, value in after.items() if key != "case_id"})
    before = base.model_dump(mode="json", by_alias=True)
    edit = Edit()
    for key, new in after.items():
        old = before.get(key)
        if new == old or key == "case_id":
            continue
        if key in NESTED and isinstance(old, dict) and isinstance(new, dict):
            for sub, value in new.items():
                if old.get(sub) != value:
                    edit.fields[f"{key}.{sub}"] = value
        elif (
            key in APPENDED
            and isinstance(old, list)
            and isinstance(new, list)
            and (len(new) > len(old) and new[: len(old)] == old)
        ):
            edit.appended[key] = new[len(old) :]
        else:
            edit.fields[key] = new
    return edit


def reapply(edit: Edit, newest: Case) -> Case:
    """The newest revision with the user's edit put on top of it."""
    data = newest.model_dump(mode="json", by_alias=True)
    for path, value in edit.fields.items():
        if "." in path:
            head, sub = path.split(".", 1)
            data.setdefault(head, {})[sub] = value
        else:
            data[path] = value
    for key, items in edit.appended.items():
        present = data.setdefault(key, [])
        for item in items:
            if item not in present:
                present.append(item)
    return Case.model_validate(data)


def overlap(edit: Edit, their_changes: list[str]) -> list[str]:
    """Fields both the user and someone else changed (the user's value will win)."""
    theirs = {c.split(" ")[0] for c in their_changes}
    return sorted(path for path in edit.fields if path in theirs or path.split(".")[0] in theirs)
