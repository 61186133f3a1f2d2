"""Correcting person code names: merging two codes into one, splitting one into two.

See ``cocdata.people`` for why matching people by name is a guess that the
team corrects here, and how each change is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cocdata import codenames, config
from cocdata.errors import Conflict, NotFound, UsageError
from cocdata.store import Store
from cocdata.tables import Frames
from cocdata.team import permissions


@dataclass(frozen=True)
class CodeChange:
    """What a merge or split changed: the cases saved, and the expunged cases left alone."""

    code: str
    changed: list[str]
    expunged: list[str]

    def text(self, what: str) -> str:
        lines = [f"{what}: {len(self.changed)} case(s) saved with a new revision"]
        if self.changed:
            lines[0] += f" ({', '.join(self.changed)})"
        if self.expunged:
            lines.append(
                f"{len(self.expunged)} expunged case(s) keep the old code: {', '.join(self.expunged)}"
            )
        return ".\n".join(lines) + "."


def _cases_naming(frames: Frames, code: str) -> tuple[list[str], list[str]]:
    """Case ids whose newest revision names ``code``: (open to change, expunged)."""
    from cocdata.retention import expunged_cases

    people = frames.people
    ids = sorted(set(people.loc[people["person"] == code, "case_id"]))
    gone = expunged_cases(frames)
    return [c for c in ids if c not in gone], [c for c in ids if c in gone]


def _save_recoded(
    store: Store, case_ids: Sequence[str], recode: dict[str, str], by: str | None
) -> list[str]:
    items = []
    for cid in case_ids:
        stored = store.get(cid)
        people = [
            p.model_copy(update={"person": recode.get(p.person or "", p.person)})
            for p in stored.case.people
        ]
        items.append((stored.case.model_copy(update={"people": people}), stored.rev))
    try:
        saved = store.save_many(items, by=config.team_member(by))
    except Conflict as exc:
        exc.hint = (
            "No case was changed; run the same command again to apply it to the newest revisions."
        )
        raise
    return [s.case_id for s in saved]


def merge(store: Store, keep: str, other: str, by: str | None = None) -> CodeChange:
    """Record that person codes ``keep`` and ``other`` are one person: ``other`` becomes ``keep``."""
    if keep == other:
        raise UsageError(
            f"Both codes are {keep!r}; there is nothing to merge.",
            "Name two different person codes: the one to keep first, then the one to merge into it.",
        )
    permissions.require(store, "person")
    frames = store.frames()
    if not any(_cases_naming(frames, keep)):
        raise NotFound(*unknown_code(store, keep))
    changing, expunged = _cases_naming(frames, other)
    if not changing and not expunged:
        raise NotFound(*unknown_code(store, other))
    changed = _save_recoded(store, changing, {other: keep}, by)
    return CodeChange(keep, changed, expunged)


def split(store: Store, code: str, case_ids: Sequence[str], by: str | None = None) -> CodeChange:
    """Give the people with ``code`` in ``case_ids`` a new code of their own (returned)."""
    if not case_ids:
        raise UsageError(
            "Name the cases whose person should get a new code (--case, one or more).",
            f"See the cases naming {code} with 'cocdata export --person {code}'.",
        )
    permissions.require(store, "person", case_ids)
    frames = store.frames()
    naming, expunged = _cases_naming(frames, code)
    if not naming and not expunged:
        raise NotFound(*unknown_code(store, code))
    wrong = [c for c in case_ids if c not in naming]
    if wrong:
        gone = [c for c in wrong if c in expunged]
        raise UsageError(
            f"Person code {code} is not named in case(s) {', '.join(wrong)}"
            + (f" ({', '.join(gone)} expunged)" if gone else "")
            + "; nothing was changed.",
            f"It is named in: {', '.join(naming) or 'no case that can still change'}.",
        )
    taken = set(frames.people["person"].dropna().astype("str")) | set(frames.cases["case_id"])
    new = codenames.new_code_name(taken)
    changed = _save_recoded(store, list(dict.fromkeys(case_ids)), {code: new}, by)
    return CodeChange(new, changed, [])


def unknown_code(store: Store, code: str) -> tuple[str, str]:
    """What ``NotFound`` says of a person code no one in the store has, and what to do."""
    if code in store.case_ids():
        return (
            f"{code!r} is a case code name, not a person's.",
            f"Person codes are shown in brackets in 'cocdata show {code}', like [quiet-otter].",
        )
    return (
        f"No one in the store at {store.root} has the person code name {code!r}.",
        "Person codes are shown in brackets after each name in 'cocdata show CASE', "
        "like [quiet-otter]; check the spelling.",
    )
