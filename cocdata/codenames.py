"""Random two-word code names such as ``amber-falcon`` for cases and people.

A code name tells nothing about the case; it is easy to say aloud in a team
meeting and to type. When every two-word name is taken (tens of thousands of
cases), a number is added: ``amber-falcon-7``.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Container
from functools import cache
from importlib import resources


@cache
def words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The adjective and noun lists shipped with cocdata."""
    text = resources.files("cocdata").joinpath("codenames.txt").read_text(encoding="utf-8")
    lists: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = lists.setdefault(line.strip("[]"), [])
        else:
            current.append(line)
    return tuple(lists["adjectives"]), tuple(lists["nouns"])


def new_code_name(taken: Container[str] = (), rng: random.Random | None = None) -> str:
    """A code name not in ``taken``; random from the OS unless ``rng`` is given."""
    adjectives, nouns = words()
    choice = rng.choice if rng is not None else secrets.choice
    for attempt in range(200):
        name = f"{choice(adjectives)}-{choice(nouns)}"
        if attempt >= 20:
            # Two-word names are getting scarce: widen with a number.
            number = rng.randrange(2, 1000) if rng is not None else secrets.randbelow(998) + 2
            name = f"{name}-{number}"
        if name not in taken:
            return name
    raise RuntimeError("no free code name found after 200 tries; the store is unusually full")
