"""Person codes for received people: linked by keyed pseudonyms to people already here.

A received person gets the code of a person in the store whose pseudonyms
match: one received earlier (their pseudonyms are stored with them) or one
entered here (their pseudonyms worked out from this body's own linkage key,
once per distinct name and contact). Otherwise a new code.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from cocdata import codenames
from cocdata.handoff.linkage import LinkKey
from cocdata.handoff.package import Content
from cocdata.model import Case


class KnownLinks(dict):
    """Pseudonym -> person code of everyone in the store, worked out on first use.

    Received people bring their pseudonyms; people entered here get theirs
    from this body's key, once per distinct name and contact (a store names
    the same people many times). A batch of packages all received before
    never needs them.
    """

    def __init__(self, people: pd.DataFrame, link_key: LinkKey | None) -> None:
        super().__init__()
        self._people, self._key, self._ready = people, link_key, False

    def _fill(self) -> None:
        self._ready = True
        people = self._people
        if not len(people):
            return
        codes = people["person"].tolist()
        if "links" in people:
            found = pa.array(people["links"]).to_pylist()
            for code, links in zip(codes, found, strict=True):
                for pseudonym in links or ():
                    self.setdefault(pseudonym, code)
        if self._key is None:
            return
        key = self._key
        names = people["name"].tolist()
        contacts = people["contact"].tolist()
        by_name = {n: key.pseudonyms(n, None) for n in set(names) if isinstance(n, str)}
        by_contact = {c: key.pseudonyms(None, c) for c in set(contacts) if isinstance(c, str)}
        for code, name, contact in zip(codes, names, contacts, strict=True):
            if code is None:
                continue
            for pseudonym in by_name.get(name, ()):
                self.setdefault(pseudonym, code)
            for pseudonym in by_contact.get(contact, ()):
                self.setdefault(pseudonym, code)

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if not self._ready:
            self._fill()
        return super().get(key, default)

    def setdefault(self, key: str, default: str) -> str:  # type: ignore[override]
        if not self._ready:
            self._fill()
        return super().setdefault(key, default)


def with_person_codes(
    content: Content, known: KnownLinks, person_codes: set[str]
) -> tuple[Case, tuple[str, ...], tuple[str, ...]]:
    """The package's case with this store's person codes; the codes, and those already known."""
    case = content.case
    groups: dict[str, list[str]] = {}
    labels = [p.person or f"#{i}" for i, p in enumerate(case.people)]
    for label, p in zip(labels, case.people, strict=True):
        groups.setdefault(label, []).extend(p.links)
    codes: dict[str, str] = {}
    linked: list[str] = []
    for label, links in groups.items():
        code = next((known.get(k) for k in links if known.get(k)), None)
        if code is not None:
            linked.append(code)
        else:
            code = codenames.new_code_name(person_codes)
            person_codes.add(code)
        for k in links:
            known.setdefault(k, code)
        codes[label] = code
    people = [
        p.model_copy(update={"person": codes[label]})
        for label, p in zip(labels, case.people, strict=True)
    ]
    org = content.decided_by
    actions = [
        a.model_copy(update={"by": [f"{org}: {m}" for m in a.by] or [org]}) for a in case.actions
    ]
    coded = case.model_copy(update={"people": people, "actions": actions})
    return coded, tuple(dict.fromkeys(codes.values())), tuple(dict.fromkeys(linked))
