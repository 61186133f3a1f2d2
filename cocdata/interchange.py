"""The interchange format: JSON Lines, one case per line, for import and export.

Import is all or nothing: every line is parsed and checked first, every
problem is reported with its line number and field, and nothing is written
unless the whole file is sound. Lines are read by ``jsonlines`` (a size
limit, UTF-8 errors by line and column, a byte-order mark accepted).

An exported line carries the revision the case was at (``"revision": 3``).
``--update`` uses it to refuse a line based on an older revision than the
store's, which would silently undo what was saved since (``force`` replaces
the case anyway).

Export lives in ``exporting``; its functions are named here too, so the
format has one front door.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cocdata import jsonlines
from cocdata.case_checks import check_case, parse_case
from cocdata.collector import without_gc_pauses
from cocdata.errors import FileAccess, InvalidRecord, Problem
from cocdata.exporting import case_line, export_file, export_lines, write_export
from cocdata.jsonlines import MAX_LINE_BYTES
from cocdata.model import Case
from cocdata.store import Store
from cocdata.tables import row_case

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_REVISION",
    "ImportResult",
    "case_line",
    "export_file",
    "export_lines",
    "import_file",
    "import_lines",
    "json_schema",
    "read_lines",
    "write_export",
]

MAX_REVISION = 2**31 - 1
"""The largest revision number a store keeps (and a line may state)."""


@dataclass(frozen=True)
class ImportResult:
    """How many cases an import created, changed and left as they were, and their ids."""

    created: int
    updated: int
    unchanged: int
    case_ids: list[str]

    def text(self) -> str:
        """The one-line summary the command line prints."""
        return (
            f"Imported {self.created + self.updated} case(s): {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged."
        )


@dataclass(frozen=True)
class _Line:
    """One sound line: its number in the file, the case, and the revision it states."""

    number: int
    case: Case
    revision: int | None

    @property
    def where(self) -> str:
        cid = self.case.case_id
        return f"line {self.number}" + (f" ({cid})" if cid else "")


# -- parsing lines --------------------------------------------------------


def _revision(value: Any, where: str) -> tuple[int | None, list[Problem]]:
    if value is None:
        return None, []
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_REVISION:
        return None, [
            Problem(
                "revision",
                f"must be the whole number of the revision the case was exported at, "
                f"from 1 to {MAX_REVISION:,} (got {json.dumps(value)[:40]}); leave it out for a new case",
                where,
                value,
            )
        ]
    return value, []


def _parse_line(text: str, number: int, store: Store) -> tuple[_Line | None, list[Problem]]:
    where = f"line {number}"
    data, problems = jsonlines.parse_object(text, where)
    if data is None:
        return None, problems
    revision, problems = _revision(data.pop("revision", None), where)
    case, found = parse_case(data, where)
    if case is None:
        return None, problems + found
    problems += check_case(case, store.vocab, where)
    if problems:
        return None, problems
    return _Line(number, case, revision), []


def _read(
    numbered: jsonlines.Numbered, store: Store, source: str
) -> tuple[list[_Line], list[Problem]]:
    parsed: list[_Line] = []
    problems: list[Problem] = []
    for number, text in numbered:
        if isinstance(text, Problem):
            problems.append(text)
            continue
        if not text.strip():
            continue
        line, found = _parse_line(text, number, store)
        problems += found
        if line is not None:
            parsed.append(line)
    if not parsed and not problems:
        problems.append(Problem("file", f"{source} holds no cases"))
    return parsed, problems


def read_lines(
    lines: Iterable[str], store: Store, source: str = "the file"
) -> tuple[list[Case], list[Problem]]:
    """Parse and check every line; return the cases and every problem found."""
    parsed, problems = _read(jsonlines.text_lines(lines), store, source)
    return [p.case for p in parsed], problems


# -- checks against the store ---------------------------------------------


def _id_problems(
    parsed: list[_Line], existing: set[str], update: bool, source: str
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for line in parsed:
        cid = line.case.case_id
        if cid is None:
            continue
        if cid in seen:
            problems.append(Problem("case_id", f"{cid!r} appears twice in {source}", line.where))
        seen.add(cid)
        if cid in existing and not update:
            problems.append(
                Problem(
                    "case_id",
                    f"{cid!r} is already in the store; use --update to replace it with this version",
                    line.where,
                )
            )
    return problems


def _evidence_problems(parsed: list[_Line], store: Store) -> list[Problem]:
    """An evidence entry must point at a file the store holds, or the case points at nothing."""
    if not any(line.case.evidence for line in parsed):
        return []
    held = set(store.blob_digests())
    problems: list[Problem] = []
    for line in parsed:
        for i, item in enumerate(line.case.evidence):
            if item.sha256 not in held:
                problems.append(
                    Problem(
                        f"evidence.{i}",
                        f"the evidence file {item.name!r} ({item.sha256[:12]}…) of case "
                        f"{line.case.case_id or 'without an id'} is not in this store; attach "
                        "the file in the case view first (or copy the store's blobs folder "
                        "along with the export), or leave the entry out",
                        line.where,
                    )
                )
    return problems


def _without_codes(case: Case) -> Case:
    # Person codes are the store's own: a hand-written line has none.
    return case.model_copy(
        update={"people": [p.model_copy(update={"person": None}) for p in case.people]}
    )


def _stale_problems(
    parsed: list[_Line], store: Store, existing: set[str]
) -> tuple[dict[str, int], list[Problem]]:
    """The head each updated case is based on, and every line that would undo newer revisions.

    A line stating an older revision than the store's is refused unless it
    equals the newest one. A line without a revision (written by hand, by
    another tool, or exported before lines carried one) is taken as based on
    the newest revision, unless it equals an older revision: that is a file
    imported before, imported again.
    """
    bases: dict[str, int] = {}
    problems: list[Problem] = []
    updating = [line for line in parsed if line.case.case_id in existing]
    unstated = {line.case.case_id for line in updating if line.revision is None}
    older = store.rows_of(unstated).to_pylist() if unstated else []
    for line in updating:
        cid = line.case.case_id
        assert cid is not None
        head = store.get(cid)
        bases[cid] = head.rev
        mine = _without_codes(line.case)
        if mine == _without_codes(head.case):
            continue  # nothing would change
        based_on = line.revision
        if based_on is None:
            based_on = next(
                (
                    row["rev"]
                    for row in sorted(older, key=lambda r: -r["rev"])
                    if row["case_id"] == cid
                    and row["rev"] < head.rev
                    and _without_codes(row_case(row, line.case.event)) == mine
                ),
                None,
            )
            said = f"is the same as revision {based_on} of case {cid}"
        else:
            said = f"is based on revision {based_on} of case {cid}"
        if based_on is None or based_on >= head.rev:
            continue
        changed = sorted({f for m in store.history(cid, since=based_on) for f in m.changes})
        problems.append(
            Problem(
                "revision",
                f"{said}, but the store holds revision {head.rev}, saved by {head.saved_by} "
                f"on {head.saved_at:%Y-%m-%d %H:%M}; importing it would undo what changed since "
                f"({', '.join(changed) or 'nothing visible'}). Export the case again and make "
                "the change there, or import with --update --force to replace it anyway",
                line.where,
                based_on,
            )
        )
    return bases, problems


# -- importing -------------------------------------------------------------


def _import(
    numbered: jsonlines.Numbered,
    store: Store,
    by: str | None,
    update: bool,
    force: bool,
    source: str,
) -> ImportResult:
    with without_gc_pauses():
        parsed, problems = _read(numbered, store, source)
        existing = set(store.case_ids())
        problems += _id_problems(parsed, existing, update, source)
        problems += _evidence_problems(parsed, store)
        bases: dict[str, int] = {}
        if update and not force and not problems:
            bases, stale = _stale_problems(parsed, store, existing)
            problems += stale
        if problems:
            raise InvalidRecord(problems, f"The import of {source}")
        # Each replaced case is saved on top of the revision it was checked
        # against: a save by someone else meanwhile is a Conflict, not lost.
        items = [
            (line.case, None if force else bases.get(line.case.case_id or "")) for line in parsed
        ]
        saved = store.save_many(items, by=by, update=update, checked=True)
        created = sum(1 for s in saved if s.rev == 1 and s.case_id not in existing)
        unchanged = sum(1 for s in saved if bases.get(s.case_id) == s.rev)
        return ImportResult(
            created, len(saved) - created - unchanged, unchanged, [s.case_id for s in saved]
        )


def import_lines(
    lines: Iterable[str],
    store: Store,
    by: str | None = None,
    update: bool = False,
    source: str = "the file",
    force: bool = False,
) -> ImportResult:
    """Import JSON Lines into the store, all or nothing.

    A case id already in the store is refused unless ``update`` is set; cases
    without an id get a new code name. With ``update``, a line based on an
    older revision than the store's is refused unless ``force`` is set too.
    """
    return _import(jsonlines.text_lines(lines), store, by, update, force, source)


def import_file(
    path: Path, store: Store, by: str | None = None, update: bool = False, force: bool = False
) -> ImportResult:
    """Import a JSON Lines file (see ``import_lines``)."""
    path = Path(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, after the import
    except OSError as exc:
        raise FileAccess.from_os_error(exc) from None
    with fh:
        return _import(jsonlines.file_lines(fh), store, by, update, force, str(path))


# -- exporting -------------------------------------------------------------


def json_schema() -> dict[str, Any]:
    """JSON Schema of one interchange line."""
    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cocdata case (one line of the JSON Lines interchange format)"
    props = schema["properties"]
    schema["properties"] = {
        "case_id": props.pop("case_id"),
        "revision": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_REVISION,
            "description": "The revision the case was at when exported (optional). With "
            "--update, a line based on an older revision than the store's is refused "
            "unless --force is given; a line without one is taken as based on the newest.",
        },
        **props,
    }
    schema["description"] = (
        f"One case per line, UTF-8 (a byte-order mark at the start is allowed), "
        f"at most {MAX_LINE_BYTES:,} bytes a line."
    )
    return schema
