"""Person code names: the same person gets the same code across cases and events.

A person is recognised by their name or contact after folding
(``cocdata.names.person_keys``: case, accents, spacing, e-mail forms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cocdata import codenames
from cocdata.model import Case
from cocdata.names import person_keys
from cocdata.store import damage
from cocdata.store.files import read_file

if TYPE_CHECKING:
    from cocdata.store.core import Store


def index(store: Store) -> dict[str, str]:
    """Folded names and contacts of everyone in the store -> person code name.

    Where revisions disagree (after a merge or a split of person codes),
    the most recently saved one wins.
    """
    cache = store.cache
    names = store.list_files("cases")
    if cache.people is None or not cache.people_files.issubset(names):
        cache.forget_people()
        cache.people = {}
    people, people_at = cache.people, cache.people_at
    for name in names:
        if name in cache.people_files:
            continue
        path = store.folder("cases") / name
        try:
            with damage.reading(path):
                table = read_file(path, columns=["saved_at", "people", "identity"])
        except FileNotFoundError:
            continue  # replaced by a compaction or an expunge meanwhile
        for saved_at, stat, ident in zip(
            table["saved_at"].to_pylist(),
            table["people"].to_pylist(),
            table["identity"].to_pylist(),
            strict=True,
        ):
            for s, i in zip(stat or [], (ident or {}).get("people") or [], strict=False):
                if s.get("person"):
                    cache.person_codes.add(s["person"])
                    for key in person_keys(i.get("name"), i.get("contact")):
                        if key not in people or saved_at >= people_at[key]:
                            people[key] = s["person"]
                            people_at[key] = saved_at
        cache.people_files.add(name)
    return people


def with_codes(store: Store, case: Case, batch: dict[str, str]) -> Case:
    """Give everyone without a person code the code they already have elsewhere, or a new one.

    ``batch`` holds the codes given to the other cases of the same save.
    """
    codes = store.cache.person_codes
    if all(p.person for p in case.people):
        for p in case.people:
            codes.add(p.person)  # type: ignore[arg-type]
            for key in person_keys(p.name, p.contact):
                batch.setdefault(key, p.person)  # type: ignore[arg-type]
        return case
    known = index(store)
    people = []
    for p in case.people:
        code = p.person
        keys = person_keys(p.name, p.contact)
        if not code:
            code = next(
                (batch.get(k) or known.get(k) for k in keys if batch.get(k) or known.get(k)),
                None,
            )
        if not code:
            code = codenames.new_code_name(codes)
        codes.add(code)
        for key in keys:
            batch.setdefault(key, code)
        people.append(p.model_copy(update={"person": code}))
    return case.model_copy(update={"people": people})
