"""Reading JSON Lines safely: one line at a time, a size limit, UTF-8 errors by line and column.

A file is read line by line with at most ``MAX_LINE_BYTES`` held at once, so
one huge line is refused by its number without being read into memory. A
UTF-8 byte-order mark at the very start is accepted (editors on Windows add
one); anywhere else it is named. Each line is parsed as one JSON object;
what is not is a ``Problem`` with its line number, never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from cocdata.errors import Problem

MAX_LINE_BYTES = 1024 * 1024
"""The largest line (one case) an import reads: 1 MiB of UTF-8, far more than any case needs."""

BOM = b"\xef\xbb\xbf"
_SKIP_CHUNK = 64 * 1024
_LONE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

Numbered = Iterator[tuple[int, str | Problem]]
"""Lines with their numbers (from 1); a line that could not be read is a ``Problem``."""


def file_lines(fh: BinaryIO) -> Numbered:
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


def text_lines(lines: Iterable[str]) -> Numbered:
    """Lines given as text (the Python API), with their numbers and the same size limit."""
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_BYTES // 4 and _utf8_size(line) > MAX_LINE_BYTES:
            yield number, _too_long(f"line {number}")
            continue
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        yield number, line


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def first_unencodable(value: Any, path: str = "") -> str | None:
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
            found = first_unencodable(key, path) if isinstance(key, str) else None
            found = found or first_unencodable(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    return None


def parse_object(text: str, where: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One line as a JSON object, or the problems that say why it is not one."""
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
    # A lone surrogate comes from a \\ud800-style escape, or from a Python string:
    # only then is the (slower) walk over every value needed.
    suspect = _LONE_ESCAPE.search(stripped) is not None or not _encodable(stripped)
    bad = first_unencodable(data) if suspect else None
    if bad:
        return None, [
            Problem(bad, "holds an escape (like \\ud800) that is no character; remove it", where)
        ]
    return data, []
