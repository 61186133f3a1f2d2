"""Controlled vocabularies: categories, spaces, channels, roles, timeline kinds, reactions, actions.

Defaults come from common practice of CoC teams (see ``vocab.toml`` beside this
module). A store keeps its own copy in ``cocdata.toml`` so that an organisation
can add its own clauses or actions without touching code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from cocdata.errors import StoreError

KINDS = ("categories", "spaces", "channels", "roles", "timeline_kinds", "reactions", "actions")

# Case lifecycle. Forward moves may skip steps (a "no action" case goes new ->
# closed); going back is a reopen, allowed from decided and closed.
STATUSES = ("new", "acknowledged", "investigating", "decided", "closed")
REOPEN_TO = {"decided": ("investigating",), "closed": ("acknowledged", "investigating")}
ONGOING = ("yes", "no", "maybe")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def status_move_allowed(old: str, new: str) -> bool:
    """True where a case may go from status ``old`` to ``new``."""
    if old == new:
        return True
    if STATUSES.index(new) > STATUSES.index(old):
        return True
    return new in REOPEN_TO.get(old, ())


@dataclass(frozen=True)
class Vocabularies:
    """Every vocabulary as an ordered mapping from id to label."""

    categories: dict[str, str]
    spaces: dict[str, str]
    channels: dict[str, str]
    roles: dict[str, str]
    timeline_kinds: dict[str, str]
    reactions: dict[str, str]
    actions: dict[str, str]
    outside_coc: frozenset[str] = field(default_factory=frozenset)

    def label(self, kind: str, value: str | None) -> str:
        """The plain label of ``value``, or the value itself where it is unknown."""
        if value is None:
            return ""
        return getattr(self, kind).get(value, value)

    def choices(self, kind: str) -> list[tuple[str, str]]:
        """``(label, id)`` pairs in file order, as ipywidgets' options want them."""
        return [(label, key) for key, label in getattr(self, kind).items()]

    def to_toml(self) -> str:
        """This vocabulary as the text of a ``cocdata.toml`` section set."""
        out: list[str] = []
        for kind in KINDS:
            out.append(f"[{kind}]")
            out += [
                f"{toml_key(key)} = {toml_string(label)}"
                for key, label in getattr(self, kind).items()
            ]
            out.append("")
        ids = ", ".join(toml_string(x) for x in sorted(self.outside_coc))
        out += ["[outside_coc]", f"ids = [{ids}]", ""]
        return "\n".join(out)


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_key(key: str) -> str:
    """A TOML key: bare where TOML allows it (letters, digits, - and _), else quoted."""
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def parse(text: str, source: str = "vocabulary file") -> Vocabularies:
    """Read vocabularies from TOML text; missing sections fall back to the defaults."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(
            f"The {source} is not valid TOML: {exc}.",
            'Fix the line named above (each entry reads: id = "Label").',
        ) from exc
    base = default() if source != "default vocabulary" else None
    values: dict[str, object] = {}
    for kind in KINDS:
        section = data.get(kind)
        if section is None:
            if base is None:
                raise StoreError(f"The default vocabulary has no [{kind}] section.")
            values[kind] = dict(getattr(base, kind))
            continue
        if not isinstance(section, dict) or not all(isinstance(v, str) for v in section.values()):
            raise StoreError(
                f"The [{kind}] section of the {source} must map ids to labels.",
                'Write one entry per line, like: harassment = "Harassment".',
            )
        values[kind] = dict(section)
    outside = data.get("outside_coc", {}).get("ids")
    if outside is None:
        outside = sorted(base.outside_coc) if base else []
    return Vocabularies(**values, outside_coc=frozenset(outside))


def default() -> Vocabularies:
    """The vocabularies shipped with cocdata."""
    text = resources.files("cocdata").joinpath("vocab.toml").read_text(encoding="utf-8")
    return parse(text, "default vocabulary")


def load(path: Path) -> Vocabularies:
    """The vocabularies in a store's ``cocdata.toml`` (defaults where it is silent)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default()
    return parse(text, str(path))
