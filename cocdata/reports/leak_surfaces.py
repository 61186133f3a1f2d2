"""How the leak guard reads a page: its words, its surfaces, and when words make one name.

The rules are those of :mod:`cocdata.reports.leaks` (its docstring says them
in full): text is folded and cut into words (:func:`words`); a rendered page
is read as several surfaces (:func:`surfaces`: its visible text, its
descriptive attributes, its charts' data, its source; the Markdown with its
escapes undone); words in a row are one name only when little more than a
space or a hyphen joins them (:func:`joined`).
"""

from __future__ import annotations

import html as _html
import json
import re
from typing import Any

from cocdata.reports.disguises import fold, tags

MIN_WORD = 3
"""Shortest one-word needle that is checked on its own."""
MAX_RUN = 8
"""Longest needle (in words) that is recognised as part of the report's own text."""

COMMON_WORDS = frozenset(
    """
    the and for not but you all any can had her was one our out his has him how man new now old
    see two way who did its let put say she too use yes with from this that they them then than
    what when where which while about after before other each some such only also into over very
    more most much many just like well here there none unknown anonymous someone anyone nobody
    person people member members team response report reports reporter reported attendee
    attendees speaker speakers volunteer volunteers staff organiser organisers organizer venue
    security police event events conference party talk talks workshop hallway online chat demo
    admin root user guest test cocdata jovyan ubuntu case cases code conduct
    will bill mark rose may june april august grace hope joy faith summer autumn winter spring
    dawn eve art pat sue rob drew chase hunter parker porter baker cook carter mason cooper
    miller turner fisher taylor brown white black green gray grey young king hall wood woods
    stone long short day days price rich best bell ball page walker bishop dean banks field
    fields hill hills lane street west north south east rivers river lake brook ford bush rock
    moss snow frost rain storm wolf fox bird crane swan hawk finch lamb bear sky star sun ray
    max gene jack frank earl duke prince knight major marshall sterling noble love bond lord
    pope judge clay cliff dale glen forest heath moore more wells waters water power powers
    sharp strong wise good hardy hart head golden silver gold little small low high hood
    chance christian don guy victor sunny rusty buck colt cash penny ruby pearl jade amber
    crystal ivy holly hazel olive violet lily daisy iris heather fern willow sage basil rocky
    dusty destiny harmony melody journey liberty unity justice patience prudence mercy charity
    constance honor honour trinity angel reed read rush bass booth burns cross dent dodge drake
    fry gamble gates glass gross guest hale hand hay holiday horn house hunt key keys law
    leach lock luck lucky march mills monk moon nail newman oak park parks pike pine plant pool
    pound pride rice ridge ring rowe salmon salt savage seal shields spear stamp steel stern
    stock strange summers swift thorn tower towers trout vale wade walls ward wall ware weaver
    wheeler wing wren mills church chapel temple holmes cole lowe sage
    """.split()  # noqa: SIM905 (a list literal of 300 words reads worse)
)
"""Ordinary words that are also names; on its own such a word is not taken for a name."""

TITLES = frozenset(
    "mr mrs ms miss mx dr prof sir dame lord lady rev fr md phd dds dvm jr sr ii iii iv esq".split()  # noqa: SIM905
)
"""Titles and suffixes of names: a name is also looked for without them, never they alone."""

WORD = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"(?:[^\S\r\n]|[-_.'’@+\\]){1,3}")
_SENTENCE_BREAK = re.compile(r"\.\s")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = tags(
    "p|div|td|th|tr|li|ul|ol|dl|dt|dd|br|hr|h[1-6]|table|thead|tbody|caption|figure"
    "|section|main|body|head|html|title|pre|blockquote"
)
_HIDDEN = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(
    r"\s(?:aria-label|aria-description|title|alt|href|src|content|value|label|placeholder"
    r"|data-[\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')",
    re.IGNORECASE,
)
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def words(text: str) -> tuple[str, ...]:
    """The folded words of ``text``, as needles and text are compared."""
    return tuple(WORD.findall(fold(text)))


def without_titles(found: tuple[str, ...]) -> tuple[str, ...]:
    start, end = 0, len(found)
    while start < end and found[start] in TITLES:
        start += 1
    while end > start and found[end - 1] in TITLES:
        end -= 1
    return found[start:end]


def joined(gap: str) -> bool:
    """Whether the characters between two words join them into one name."""
    return bool(_JOINER.fullmatch(gap)) and not _SENTENCE_BREAK.search(gap)


def _unescape(text: str) -> str:
    """HTML entities and JSON \\u escapes undone, so escaped text reads as it shows."""
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return _html.unescape(text)


TEXT = "the report's text"


def surfaces(fmt: str, text: str) -> list[tuple[str, str, bool]]:
    """(where, folded text, one-word needles too) for each part of a rendered report."""
    if fmt == "md":
        plain = _html.unescape(_MD_ESCAPE.sub(r"\1", text))
        return [(TEXT, fold(plain), True)]
    raw = _unescape(text)
    visible = _HIDDEN.sub("\n", text)
    visible = _BLOCK_TAG.sub("\n", visible)
    visible = _html.unescape(_TAG.sub("", visible))
    attributes = "\n".join(a or b for a, b in _ATTRIBUTE.findall(text))
    charts = "\n".join(_chart_strings(script) for script in _SCRIPT.findall(text))
    return [
        (TEXT, fold(visible), True),
        ("an attribute of the page", fold(_html.unescape(attributes)), True),
        ("a chart's data", fold(charts), True),
        ("the page source", fold(raw), False),
    ]


def _chart_strings(script: str) -> str:
    """The strings and numbers of the figures a chart script draws, one per line.

    The figure's ``template`` (plotly's styling, the same on every page) is
    left out; anything that does not parse is kept whole.
    """
    out: list[str] = []
    decoder = json.JSONDecoder()
    start = script.find("Plotly.newPlot(")
    if start < 0:
        return script
    pos = start + len("Plotly.newPlot(")
    while pos < len(script):
        while pos < len(script) and script[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(script) or script[pos] == ")":
            break
        try:
            value, pos = decoder.raw_decode(script, pos)
        except json.JSONDecodeError:
            out.append(script[pos:])
            break
        _collect(value, out)
    return "\n".join(out)


def _collect(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        out.append(repr(value))
    elif isinstance(value, list):
        for item in value:
            _collect(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "template":
                _collect(item, out)
