"""The interchange format: JSON Lines, one case per line, for import and export.

Import is all or nothing: every line is parsed and checked first, every
problem is reported with its line number and field, and nothing is written
unless the whole file is sound. A file is read line by line, each line at
most ``MAX_LINE_BYTES``, so one huge line is refused without being read into
memory; a byte that is not UTF-8 is reported by line and column.

An exported line carries the revision the case was at (``"revision": 3``).
``--update`` uses it to refuse a line based on an older revision than the
store's, which would silently undo what was saved since (``force`` replaces
the case anyway).

Export writes a file beside the target and renames it only once complete,
so an export is either whole or not there; the access log records it once
every line is written, before it becomes visible.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from cocdata.errors import CocdataError, InvalidRecord, Problem
from cocdata.model import Case, check_case, parse_case
from cocdata.store import Store, StoredCase
from cocdata.tables import row_case

MAX_LINE_BYTES = 1024 * 1024
"""The largest line (one case) an import reads: 1 MiB of UTF-8, far more than any case needs."""

MAX_REVISION = 2**31 - 1
"""The largest revision number a store keeps (and a line may state)."""

BOM = b"\xef\xbb\xbf"
_SKIP_CHUNK = 64 * 1024


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


# -- reading lines --------------------------------------------------------


def _file_lines(fh: BinaryIO) -> Iterator[tuple[int, str | Problem]]:
    """Each line of a binary file, decoded, with its number; what cannot be read, as a problem."""
    number = 0
    while True:
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        where = f"line {number}"
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            # Skip the rest in small pieces: the line is never held whole.
            rest = raw
            while rest and not rest.endswith(b"\n"):
                rest = fh.readline(_SKIP_CHUNK)
            yield number, _too_long(where)
            continue
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, _not_utf8(raw, exc.start, number)


def _text_lines(lines: Iterable[str]) -> Iterator[tuple[int, str | Problem]]:
    """Lines given as text (the Python API), with their numbers and the same size limit."""
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_BYTES // 4 and _utf8_size(line) > MAX_LINE_BYTES:
            yield number, _too_long(f"line {number}")
            continue
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        yield number, line


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _too_long(where: str) -> Problem:
    return Problem(
        "line",
        f"is longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB, the most one case may take; "
        "check that each case is on a line of its own, and attach long texts as evidence",
        where,
    )


def _not_utf8(raw: bytes, start: int, number: int) -> Problem:
    if number == 1 and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Problem("file", "is UTF-16 text; save it as UTF-8 and import it again", "line 1")
    column = len(raw[:start].decode("utf-8", "replace")) + 1
    return Problem(
        "line",
        f"is not UTF-8 text at column {column}; save the file as UTF-8 and import it again",
        f"line {number}",
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON knows")


def _first_unencodable(value: Any, path: str = "") -> str | None:
    """Where a text holds a lone surrogate (a JSON escape like \\ud800 that is no character)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "line"
        return None
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found = _first_unencodable(key, path) if isinstance(key, str) else None
            found = found or _first_unencodable(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    return None


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
    stripped = text.strip()
    if stripped.startswith("\ufeff"):
        return None, [
            Problem(
                "line",
                "starts with a byte-order mark (U+FEFF), allowed only at the start of the file; "
                "remove it",
                where,
            )
        ]
    if not stripped.startswith("{"):
        return None, [Problem("line", "must be one JSON object (one case) per line", where)]
    try:
        data = json.loads(stripped, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return None, [
            Problem("line", f"is not valid JSON ({exc.msg} at column {exc.colno})", where)
        ]
    except ValueError as exc:
        return None, [Problem("line", f"is not valid JSON ({exc})", where)]
    except RecursionError:
        return None, [Problem("line", "is not a case: its lists or objects nest too deeply", where)]
    if not isinstance(data, dict):
        return None, [Problem("line", "must be one JSON object (one case) per line", where)]
    bad = _first_unencodable(data)
    if bad:
        return None, [
            Problem(bad, "holds an escape (like \\ud800) that is no character; remove it", where)
        ]
    revision, problems = _revision(data.pop("revision", None), where)
    case, found = parse_case(data, where)
    if case is None:
        return None, problems + found
    problems += check_case(case, store.vocab, where)
    if problems:
        return None, problems
    return _Line(number, case, revision), []


def _read(
    numbered: Iterable[tuple[int, str | Problem]], store: Store, source: str
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
    parsed, problems = _read(_text_lines(lines), store, source)
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
    numbered: Iterable[tuple[int, str | Problem]],
    store: Store,
    by: str | None,
    update: bool,
    force: bool,
    source: str,
) -> ImportResult:
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
    items = [(line.case, None if force else bases.get(line.case.case_id or "")) for line in parsed]
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
    return _import(_text_lines(lines), store, by, update, force, source)


def import_file(
    path: Path, store: Store, by: str | None = None, update: bool = False, force: bool = False
) -> ImportResult:
    """Import a JSON Lines file (see ``import_lines``)."""
    path = Path(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, after the import
    except FileNotFoundError:
        raise InvalidRecord([Problem("file", f"{path} does not exist")], "The import") from None
    except IsADirectoryError:
        raise InvalidRecord(
            [Problem("file", f"{path} is a folder; name the .jsonl file inside it")], "The import"
        ) from None
    except OSError as exc:
        raise InvalidRecord(
            [Problem("file", f"{path} cannot be read ({exc.strerror}); check its permissions")],
            "The import",
        ) from None
    with fh:
        return _import(_file_lines(fh), store, by, update, force, str(path))


# -- exporting -------------------------------------------------------------


def case_line(case: Case, revision: int | None = None) -> str:
    """One interchange line (with its newline); ``revision`` goes right after the case id."""
    text = case.to_json()
    if revision is not None:
        # case_id is a slug or null, so its JSON is known exactly.
        head = '{"case_id":' + json.dumps(case.case_id)
        assert text.startswith(head)
        text = f'{head},"revision":{revision}{text[len(head) :]}'
    return text + "\n"


def export_lines(cases: Iterable[StoredCase | Case]) -> Iterator[str]:
    """One interchange line per case; a stored case's line carries its revision."""
    for item in cases:
        if isinstance(item, StoredCase):
            yield case_line(item.case, item.rev)
        else:
            yield case_line(item)


def _chosen(store: Store, case_ids: list[str] | None) -> list[StoredCase]:
    return [store.get(cid) for cid in case_ids] if case_ids else store.load_all()


def _shared(items: list[StoredCase], code_names: bool) -> Iterator[str]:
    from cocdata.people import with_code_names

    for item in items:
        yield case_line(with_code_names(item.case) if code_names else item.case, item.rev)


def _what(code_names: bool, destination: str) -> str:
    return f"JSON Lines{' with code names only' if code_names else ''} to {destination}"


def write_export(
    store: Store,
    out: IO[str],
    case_ids: list[str] | None = None,
    by: str | None = None,
    destination: str = "standard output",
    code_names: bool = False,
) -> int:
    """Write the chosen cases (default: all) as JSON Lines to a stream; return how many.

    With ``code_names`` every person's name is replaced by their person code
    name and contacts and evidence names are left out
    (``people.with_code_names``): an export to share outside the team. A
    stream cannot be taken back, so the export is logged in the store's
    access log (who, when, which cases, to ``destination``) before the first
    line is written; if writing fails halfway, a second entry says which
    cases were written. To a file, use ``export_file``.
    """
    from cocdata import accesslog

    items = _chosen(store, case_ids)
    ids = [i.case_id for i in items]
    accesslog.record(store, "export", ids, _what(code_names, destination), by=by)
    count = 0
    try:
        for line in _shared(items, code_names):
            out.write(line)
            count += 1
        out.flush()
    except OSError as exc:
        # Should this entry fail too, the first one already names every case:
        # the log errs on the safe side.
        with contextlib.suppress(OSError, CocdataError):
            accesslog.record(
                store,
                "export",
                ids[:count],
                f"interrupted: only {count} of {len(ids)} case(s) written to {destination}",
                by=by,
            )
        raise CocdataError(
            f"The export to {destination} stopped after {count} of {len(ids)} case(s) "
            f"({exc.strerror or exc}).",
            "Export again to a file with --out; the access log says which cases were written.",
        ) from None
    return count


def export_file(
    store: Store,
    path: str | os.PathLike[str],
    case_ids: list[str] | None = None,
    by: str | None = None,
    code_names: bool = False,
) -> int:
    """Write the chosen cases (default: all) to the JSON Lines file ``path``; return how many.

    The file is readable by its owner only (it holds names). It is written in
    full under a temporary name beside ``path`` and renamed only then: a full
    disk or any other failure leaves no partial file and no temporary file,
    and nothing in the access log. The access log records the export once
    every line is written, before the file appears. See ``write_export`` for
    ``code_names``.
    """
    from cocdata import accesslog

    path = Path(path)
    _check_destination(path)
    items = _chosen(store, case_ids)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    count = 0
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for line in _shared(items, code_names):
                fh.write(line)
                count += 1
            fh.flush()
            os.fsync(fh.fileno())
        accesslog.record(
            store, "export", [i.case_id for i in items], _what(code_names, str(path)), by=by
        )
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _export_failed(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def _check_destination(path: Path) -> None:
    if path.is_dir():
        raise CocdataError(
            f"{path} is a folder; nothing was exported.",
            f"Name a file inside it, like {path / 'cases.jsonl'}.",
        )
    if not path.parent.is_dir():
        raise CocdataError(
            f"The folder {path.parent} does not exist; nothing was exported.",
            "Create the folder first, or choose another file with --out.",
        )


def _export_failed(path: Path, exc: OSError) -> CocdataError:
    hints = {
        errno.ENOSPC: "Free some disk space (or choose another disk) and export again.",
        errno.EDQUOT: "Free some of your disk quota and export again.",
        errno.EACCES: "Choose a folder you can write to.",
        errno.EROFS: "The disk is read-only: choose another folder.",
    }
    return CocdataError(
        f"The export to {path} could not be written ({exc.strerror or exc}); nothing was "
        "exported and no partial file was left.",
        hints.get(exc.errno or 0, "Check the disk and the folder, and export again."),
    )


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
