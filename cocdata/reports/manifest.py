"""The manifest of a folder of published reports: what each page was made from.

``<out>/manifest.json`` keeps, per event (``events``) and per yearly report
(``yearly``), a key of everything its page depends on, the files written,
the findings accepted, and what can be reused on the next run without
reading the store again:

- ``checked``: the key of the leak guard the files were last checked
  against (the whole store's state, its settings and the code), with
  ``stamps`` (size and modification time of each file). While both are the
  same, the files need no new check: neither the names held nor the files
  have changed.
- ``counts``: the counts the index shows for the event, valid while its
  ``counts_key`` (the event's state, the code, the settings and the
  threshold) is the same.

``index`` keeps the key of what the index pages were made from. Every key
is a digest: the manifest holds event ids, hashes, file names and finding
ids only, never a name or a count that is not published.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cocdata.store import Store

MANIFEST = "manifest.json"
FORMAT = 2
SECTIONS = ("events", "yearly")


def write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stage = path.with_name(f".{path.name}.{os.getpid()}.partial")
    stage.write_text(text, encoding="utf-8")
    os.replace(stage, path)


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of an output folder; an unreadable one counts as empty (all is rendered)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    for section in SECTIONS:
        if not isinstance(data.get(section), dict):
            data[section] = {}
    if not isinstance(data.get("index"), dict):
        data["index"] = {}
    return data


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    manifest = {**manifest, "format": FORMAT}
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def digest(*parts: object) -> str:
    """A short key of ``parts`` (text, or anything JSON can write)."""
    text = "\n".join(p if isinstance(p, str) else json.dumps(p, sort_keys=True) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def code_digest(files: Iterable[Path]) -> str:
    """Digest of the files that shape a report besides the data: templates and code."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


REPORT_CODE = (
    "disclosure.py",
    "present.py",
    "disguises.py",
    "times.py",
    "wording.py",
    "index.py",
    "yearly.py",
)
"""The modules of ``cocdata.reports`` that shape a public page or the guard that checks it."""


def report_code() -> str:
    """Digest of the public reports' template notebooks, their code and every page template."""
    from cocdata.reports import export
    from cocdata.reports.notebooks import TRANSPARENCY, YEARLY, template_path

    here = Path(__file__).parent
    analysis = here.parent / "analysis"
    return code_digest(
        [
            template_path(TRANSPARENCY),
            template_path(YEARLY),
            *(here / name for name in REPORT_CODE),
            *sorted(here.glob("transparency*.py")),
            *sorted(here.glob("leak*.py")),
            here.parent / "settings.py",
            here.parent / "events.py",
            analysis / "yearly.py",
            analysis / "trends.py",
            *sorted(p for p in export.TEMPLATES.rglob("*") if p.is_file()),
        ]
    )


@dataclass(frozen=True)
class StoreState:
    """Digests of what a store holds now: of each event (its record and its cases'
    revisions), of the whole store, and of its settings file (vocabularies and the rest).

    Read in one pass over the newest revisions, whatever the number of events.
    """

    events: dict[str, str]
    whole: str
    settings: str

    @classmethod
    def of(cls, store: Store) -> StoreState:
        import pyarrow.compute as pc

        heads = store.read_heads(["hash", "event_id"])
        order = pc.sort_indices(heads, [("event_id", "ascending"), ("hash", "ascending")])
        heads = heads.take(order)
        per_event: dict[str, hashlib._Hash] = {}
        for event_id, value in zip(
            heads["event_id"].to_pylist(), heads["hash"].to_pylist(), strict=True
        ):
            per_event.setdefault(event_id, hashlib.sha256()).update(value.encode() + b"\0")
        events = store.events()
        out = {}
        whole = hashlib.sha256()
        for event_id in sorted(set(events) | set(per_event)):
            h = per_event.get(event_id, hashlib.sha256())
            if event_id in events:
                h.update(events[event_id].model_dump_json().encode())
            out[event_id] = h.hexdigest()[:24]
            whole.update(f"{event_id}={out[event_id]}\n".encode())
        settings = hashlib.sha256((store.root / "cocdata.toml").read_bytes()).hexdigest()
        return cls(events=out, whole=whole.hexdigest()[:24], settings=settings[:24])


def stamps(files: Sequence[Path], out: Path) -> dict[str, list[int]]:
    """Size and modification time of each file, by its name in ``out``."""
    found = {}
    for path in files:
        st = path.stat()
        found[str(path.relative_to(out))] = [st.st_size, st.st_mtime_ns]
    return found


def unchanged_since(entry: dict[str, Any], files: Sequence[Path], out: Path, guard: str) -> bool:
    """Whether ``files`` are as they were when last checked by the guard of key ``guard``."""
    if entry.get("checked") != guard:
        return False
    try:
        return entry.get("stamps") == stamps(files, out)
    except OSError:
        return False


def mark_checked(entry: dict[str, Any], files: Sequence[Path], out: Path, guard: str) -> None:
    """Record that ``files`` were checked clean by the guard of key ``guard``."""
    entry["checked"] = guard
    entry["stamps"] = stamps(files, out)
