"""People entered here after a receipt, linked to the received people they are.

A received person carries only keyed pseudonyms; a person the body enters in
its own store carries a name and contact. Receiving links a package's people
to people entered *before* it. A person entered *after* gets a person code
from names alone, which a received person never has, so the two stay apart
until ``link_people(store, link_key)`` (``cocdata link people --link-key
FILE``) works out the pseudonyms of everyone entered here with the body's own
key and gives each one whose pseudonyms match a received person that
person's code (``people.merge``: the received code is kept, every case naming
the entered person's code is recoded, each as a new revision).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from cocdata import people
from cocdata.handoff.linkage import LinkKey
from cocdata.store import Store


@dataclass(frozen=True)
class Relinked:
    """One person entered here now known as a received person: the codes and cases changed."""

    entered: str
    received: str
    cases: tuple[str, ...]

    def line(self) -> str:
        return (
            f"{self.entered} is {self.received} (received): {len(self.cases)} case(s) now "
            f"name {self.received}: {', '.join(self.cases[:10])}"
            + (" ..." if len(self.cases) > 10 else "")
        )


def _received_links(rows: list[tuple[str, list[str] | None]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for code, links in rows:
        for pseudonym in links or ():
            found.setdefault(pseudonym, code)
    return found


def link_people(store: Store, link_key: LinkKey, by: str | None = None) -> list[Relinked]:
    """Give people entered here the code of the received person they match (see module)."""
    frames = store.frames()
    table = frames.people
    if not len(table):
        return []
    codes = table["person"].tolist()
    links = pa.array(table["links"]).to_pylist() if "links" in table else [None] * len(codes)
    received = _received_links([(c, ls) for c, ls in zip(codes, links, strict=True) if c and ls])
    if not received:
        return []
    names = table["name"].tolist()
    contacts = table["contact"].tolist()
    received_codes = set(received.values())
    pairs: dict[str, str] = {}
    for code, name, contact in zip(codes, names, contacts, strict=True):
        if not code or code in received_codes or code in pairs:
            continue
        if not isinstance(name, str) and not isinstance(contact, str):
            continue
        name = name if isinstance(name, str) else None
        contact = contact if isinstance(contact, str) else None
        match = next(
            (received[p] for p in link_key.pseudonyms(name, contact) if p in received), None
        )
        if match is not None and match != code:
            pairs[code] = match
    done = []
    for entered, keep in sorted(pairs.items()):
        change = people.merge(store, keep, entered, by=by)
        done.append(Relinked(entered, keep, tuple(change.changed)))
    return done
