"""The leak guard: a public report is written only if it shows nothing the store holds about people.

Before a transparency report is written, :class:`LeakGuard` reads its
rendered HTML and Markdown and looks for everything in the store that points
at a person (the *needles*):

- **names**: everyone involved in any case (``people.N.name``, the reporter
  in ``report.made_by``, the people met in ``timeline.N.with``) and every
  team member (``report.received_by``, ``timeline.N.by``, ``actions.N.by``,
  ``evidence.N.added_by``, who saved a revision);
- **contacts**: e-mail addresses, handles, phone numbers (``people.N.contact``);
- **code names**: every case code name and every person code name;
- **exact times** of the event's own cases: when each report was received,
  when the incident happened (where known to the hour or minute), each
  timeline step, action and evidence file.

What is scanned: the HTML as written, with HTML entities and the ``\\u``
escapes of embedded JSON undone (so text, attributes and the chart data are
all covered); the page's visible text, its descriptive attributes (labels,
titles, links) and the string values of each chart's data, read apart; and
the Markdown, with its backslash escapes undone.

How text matches a needle (the word rule):

- Both are folded (:func:`cocdata.reports.disguises.fold`): case, accents,
  compatibility forms and invisible characters are ignored (``José Núñez``
  matches ``JOSE NUNEZ``), look-alike letters of other scripts read as
  Latin ones, and cut into words at every character that is not a letter
  or a digit.
- Each surface is read as written, and also as rendered (Markdown and
  inline HTML marks gone, words split by a hyphen or a line break joined,
  spaced-out letters read as a word) and, for contacts, with e-mail
  disguises (``[at]``, `` dot ``) undone. A phone number is found by what
  it is, in any national or international form (``phonenumbers``).
- A needle matches whole words only: ``Ann`` does not match ``annual``.
- A needle of several words (``Jean-Luc Picard``, ``amber-falcon``,
  ``jo.smith@example.org``) matches those words in a row, joined by at most
  three spaces, hyphens, underscores, dots, apostrophes, ``@``, ``+`` or
  backslashes, and not by a full stop and a space: ``Jean_Luc.Picard``
  matches, ``... a person. A case ...`` never matches ``Person A``, nor do
  words in two table cells or on two lines.
- A needle of one word (a one-word name, each part of a longer name, a
  handle) is checked only when it has at least 3 characters and is not a
  common word (:data:`COMMON_WORDS`) or a word of the report's own text
  (the template's sentences, the vocabulary labels, event names): a person
  called ``Hall`` or ``Will`` is caught by their full name, not by "hall"
  or "will" in a sentence. Each needle is looked for in the page's text,
  descriptive attributes and chart strings, and in the Markdown.
- A needle that is itself part of the report's own words (a person named
  like an event) cannot be told apart from them and is not checked.
- A time matches when a date and a time of day in a common format
  (``2000-12-28T22:30``, ``28 December 2000, 22:30``, ``Dec 28, 2000
  10:30 pm``, ``28/12/2000 22.30``, ``29th December 2000, 9am``, or
  seconds or milliseconds since 1970 as chart data may hold them) name the
  same minute as a time of one of the event's cases. A date alone is never
  a finding: the event's dates are public.

A finding names the case and the field the needle comes from, and where in
the report it was seen, never the value itself: messages go to the
terminal, and even there a name should not be repeated.
"""

from __future__ import annotations

import hashlib
import html as _html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cocdata.errors import Leak, LeakFound
from cocdata.reports.disguises import Phones, fold, phone_number, variants
from cocdata.reports.times import Minute, find_times, minute_of

if TYPE_CHECKING:
    import pandas as pd

    from cocdata.store import Store

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

# The needle kinds, as findings say them.
NAME = "a name"
PART = "part of a name"
TEAM = "a team member's name"
TEAM_PART = "part of a team member's name"
CONTACT = "a contact"
CASE_CODE = "a case code name"
PERSON_CODE = "a person code name"
TIME = "an exact time"

_WORD = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"(?:[^\S\r\n]|[-_.'’@+\\]){1,3}")
_SENTENCE_BREAK = re.compile(r"\.\s")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|td|th|tr|li|ul|ol|dl|dt|dd|br|hr|h[1-6]|table|thead|tbody|caption|figure"
    r"|section|main|body|head|html|title|pre|blockquote)\b[^>]*>",
    re.IGNORECASE,
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
    return tuple(_WORD.findall(fold(text)))


# -- needles ------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where the store holds a needle: a case (None for the store as a whole) and a field."""

    case_id: str | None
    field: str

    def __str__(self) -> str:
        return f"{self.field} of case {self.case_id}" if self.case_id else self.field


@dataclass
class Needle:
    """Something that points at a person, as folded words, with every place it comes from."""

    kind: str
    words: tuple[str, ...]
    sources: list[Source] = field(default_factory=list)

    @property
    def key(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Finding:
    """One needle seen in a report, named by where it comes from and where it was seen."""

    id: str
    kind: str
    sources: tuple[Source, ...]
    where: str
    formats: tuple[str, ...]

    def __str__(self) -> str:
        first = str(self.sources[0]) if self.sources else "the store"
        cases = {s.case_id for s in self.sources if s.case_id}
        more = len(cases - {self.sources[0].case_id}) if self.sources else 0
        also = f" (and {more} more case{'s' if more != 1 else ''})" if more else ""
        fmts = " and ".join({"html": "HTML", "md": "Markdown"}.get(f, f) for f in self.formats)
        return f"[{self.id}] {self.kind}: {first}{also}, seen in {self.where} ({fmts})"


class LeakGuard:
    """The needles of one store, ready to check any number of reports against.

    ``allowed`` is the report's own text (template sentences, vocabulary
    labels, event names): its words are never taken for names on their own.
    """

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._needles: dict[tuple[str, ...], Needle] = {}
        self._times: dict[str, dict[Minute, list[Source]]] = {}
        self.allowed_words: set[str] = set(COMMON_WORDS)
        self._allowed_runs: set[tuple[str, ...]] = set()
        for text in allowed:
            found = words(text)
            self.allowed_words.update(found)
            for n in range(2, MAX_RUN + 1):
                self._allowed_runs.update(found[i : i + n] for i in range(len(found) - n + 1))
        self.unchecked = 0
        """Needles left out because they are the report's own words (see the module docstring)."""
        self._first: dict[str, list[Needle]] = {}
        self._single: dict[str, Needle] = {}
        self._phones: Phones[Needle] = Phones()
        self._ready = False

    # -- gathering ---------------------------------------------------------

    def add(self, kind: str, value: str | None, source: Source) -> None:
        """Hold ``value`` (a name, contact or code name) as a needle."""
        if not value or not value.strip():
            return
        found = words(value)
        if not found:
            return
        self._put(kind, found, source)
        if kind in (NAME, TEAM):
            # "Dr. Jo Smith" is also written "Jo Smith", and "Smith
            # apologised" leaks as much as the full name does.
            core = _without_titles(found)
            if core and core != found:
                self._put(kind, core, source)
            if len(core) > 1:
                for part in core:
                    self._put(PART if kind == NAME else TEAM_PART, (part,), source)
        digits = re.sub(r"\D", "", value)
        if (
            kind == CONTACT
            and len(digits) >= 7
            and len(digits) >= len(re.sub(r"\s", "", value)) - 4
        ):
            # A phone number, whatever its spacing or punctuation.
            needle = self._put(kind, (digits,), source)
            number = phone_number(value)
            if number is not None:
                # ... and in every national and international form.
                self._phones.add(number, needle)

    def _put(self, kind: str, found: tuple[str, ...], source: Source) -> Needle:
        needle = self._needles.get(found)
        if needle is None:
            needle = self._needles[found] = Needle(kind, found)
        if len(needle.sources) < 50 and source not in needle.sources:
            needle.sources.append(source)
        self._ready = False
        return needle

    def add_time(self, event_id: str, value: Any, source: Source) -> None:
        """Hold an exact time of one of the event's cases."""
        minute = minute_of(value)
        if minute is not None:
            self._times.setdefault(event_id, {}).setdefault(minute, []).append(source)

    @classmethod
    def from_store(cls, store: Store, allowed: Iterable[str] = ()) -> LeakGuard:
        """Every needle of the store: all names, contacts and code names, and each event's times."""
        from cocdata.team.recusal import seeing_all

        guard = cls(allowed)
        with seeing_all():  # a lead recused from a case still must not publish its names
            guard.add_frames(store.frames())
        return guard

    def add_frames(self, frames: Any) -> None:
        """Gather the needles of a store's frames (see :meth:`from_store`)."""
        cases = frames.cases
        event_of = dict(zip(cases["case_id"], cases["event_id"], strict=True))
        for case_id in cases["case_id"]:
            self.add(CASE_CODE, case_id, Source(case_id, "the case code name"))
        for row in _rows(frames.people, ["case_id", "pos", "name", "contact", "person"]):
            n = row["pos"] + 1
            self.add(NAME, row["name"], Source(row["case_id"], f"people.{n}.name"))
            self.add(CONTACT, row["contact"], Source(row["case_id"], f"people.{n}.contact"))
            self.add(PERSON_CODE, row["person"], Source(row["case_id"], f"people.{n}.person"))
        for row in _rows(cases, ["case_id", "made_by", "received_by", "made_at"]):
            cid = row["case_id"]
            self.add(NAME, row["made_by"], Source(cid, "report.made_by"))
            for member in _list(row["received_by"]):
                self.add(TEAM, member, Source(cid, "report.received_by"))
            self.add_time(event_of[cid], row["made_at"], Source(cid, "report.made_at"))
        for row in _rows(cases, ["case_id", "occurred_at", "occurred_precision"]):
            if row["occurred_precision"] in ("minute", "hour"):
                self.add_time(
                    event_of[row["case_id"]],
                    row["occurred_at"],
                    Source(row["case_id"], "occurred.at"),
                )
        for row in _rows(frames.timeline, ["case_id", "pos", "at", "by", "with"]):
            cid, n = row["case_id"], row["pos"] + 1
            for member in _list(row["by"]):
                self.add(TEAM, member, Source(cid, f"timeline.{n}.by"))
            for name in _list(row["with"]):
                self.add(NAME, name, Source(cid, f"timeline.{n}.with"))
            self.add_time(event_of.get(cid, ""), row["at"], Source(cid, f"timeline.{n}.at"))
        for row in _rows(frames.actions, ["case_id", "pos", "at", "by"]):
            cid, n = row["case_id"], row["pos"] + 1
            for member in _list(row["by"]):
                self.add(TEAM, member, Source(cid, f"actions.{n}.by"))
            self.add_time(event_of.get(cid, ""), row["at"], Source(cid, f"actions.{n}.at"))
        for row in _rows(frames.evidence, ["case_id", "pos", "added_at", "added_by"]):
            cid, n = row["case_id"], row["pos"] + 1
            self.add(TEAM, row["added_by"], Source(cid, f"evidence.{n}.added_by"))
            self.add_time(
                event_of.get(cid, ""), row["added_at"], Source(cid, f"evidence.{n}.added_at")
            )
        for member in frames.revisions["saved_by"].dropna().unique():
            self.add(TEAM, str(member), Source(None, "who saved a revision"))

    # -- matching ------------------------------------------------------------

    def _prepare(self) -> None:
        if self._ready:
            return
        self._first, self._single = {}, {}
        self.unchecked = 0
        for found, needle in self._needles.items():
            if self._is_own_words(found):
                self.unchecked += 1
            elif len(found) == 1:
                self._single[found[0]] = needle
            else:
                self._first.setdefault(found[0], []).append(needle)
        self._ready = True

    def _is_own_words(self, found: tuple[str, ...]) -> bool:
        if len(found) == 1:
            word = found[0]
            return len(word) < MIN_WORD or word in self.allowed_words or word in TITLES
        return found in self._allowed_runs

    def _scan(
        self, text: str, singles: bool, only: str | None = None
    ) -> dict[tuple[str, ...], Needle]:
        """The needles in ``text`` (already folded); one-word ones only if ``singles``,
        and only needles of kind ``only`` if given.

        A word inside a longer needle found there (the surname of a full
        name) is not a finding of its own.
        """
        hits: dict[tuple[str, ...], Needle] = {}
        present = set(_WORD.findall(text))
        if present.isdisjoint(self._first):
            # No longer needle can start here (the usual case, found at C speed):
            # only one-word needles, and none of them is inside a longer one.
            if singles:
                for word in present.intersection(self._single):
                    needle = self._single[word]
                    if only in (None, needle.kind):
                        hits[needle.words] = needle
            return hits
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        covered: set[int] = set()
        for i, (_, _, word) in enumerate(tokens):
            for needle in self._first.get(word, ()):
                n = len(needle.words)
                if only is not None and needle.kind != only:
                    continue
                if i + n > len(tokens):
                    continue
                if all(
                    tokens[i + j][2] == needle.words[j]
                    and _joined(text[tokens[i + j - 1][1] : tokens[i + j][0]])
                    for j in range(1, n)
                ):
                    hits[needle.words] = needle
                    covered.update(range(i, i + n))
        if singles:
            for i, (_, _, word) in enumerate(tokens):
                needle = self._single.get(word)
                if needle is not None and i not in covered and only in (None, needle.kind):
                    hits[needle.words] = needle
        return hits

    def _scan_all(self, surface: str, singles: bool) -> list[Needle]:
        """The needles in a folded surface, plainly written or in disguise (see
        :mod:`cocdata.reports.disguises`)."""
        hits = self._scan(surface, singles)
        if singles:
            shown, unmasked = variants(surface)
            if shown != surface:
                hits.update(self._scan(shown, singles))
            if unmasked != shown:
                hits.update(self._scan(unmasked, singles, only=CONTACT))
            for needle in self._phones.find(surface):
                hits[needle.words] = needle
        return list(hits.values())

    def _scan_times(self, text: str, event_id: str) -> list[tuple[Minute, list[Source]]]:
        times = self._times.get(event_id)
        if not times:
            return []
        return [(m, times[m]) for m in sorted(find_times(text)) if m in times]

    def findings(
        self,
        event_id: str,
        texts: Mapping[str, str],
        summaries: Mapping[str, str] | None = None,
    ) -> list[Finding]:
        """Every needle seen in the rendered ``texts`` (by format: ``html``, ``md``).

        ``summaries`` (case id to public summary) lets a finding say which
        case's summary holds it.
        """
        self._prepare()
        seen: dict[tuple[str, str], tuple[str, tuple[Source, ...], set[str]]] = {}

        def note(kind: str, key: str, sources: Sequence[Source], where: str, fmt: str) -> None:
            entry = seen.setdefault((key, where), (kind, tuple(sources), set()))
            entry[2].add(fmt)

        folded_summaries = {
            cid: "\n".join(dict.fromkeys((fold(s), *variants(fold(s)))))
            for cid, s in (summaries or {}).items()
            if s
        }
        for fmt, text in texts.items():
            if fmt not in ("html", "md"):
                continue
            noted: set[str] = set()  # each needle once per format, where it shows most plainly
            for where, surface, singles in _surfaces(fmt, text):
                for needle in self._scan_all(surface, singles):
                    if needle.key not in noted:
                        noted.add(needle.key)
                        place = _in_summary(self, needle.words, folded_summaries) or where
                        note(needle.kind, needle.key, needle.sources, place, fmt)
                for minute, sources in self._scan_times(surface, event_id):
                    key = "{:04d}-{:02d}-{:02d} {:02d}:{:02d}".format(*minute)
                    if key not in noted:
                        noted.add(key)
                        note(TIME, key, sources, where, fmt)
        out = []
        for (key, where), (kind, sources, fmts) in seen.items():
            digest = hashlib.sha256(f"{event_id}\n{kind}\n{key}\n{where}".encode()).hexdigest()
            out.append(Finding(digest[:8], kind, sources, where, tuple(sorted(fmts))))
        return sorted(out, key=lambda f: (f.where, f.kind, f.id))

    def check(
        self,
        event_id: str,
        title: str,
        texts: Mapping[str, str],
        summaries: Mapping[str, str] | None = None,
        accept: Iterable[str] = (),
    ) -> list[Finding]:
        """Raise :class:`LeakFound` unless every finding's id is in ``accept``; return the accepted."""
        found = self.findings(event_id, texts, summaries)
        accepted = set(accept)
        blocking = [f for f in found if f.id not in accepted]
        if blocking:
            raise LeakFound(
                f"{title} was not written: it shows {len(blocking)} thing(s) the store holds "
                "about people:\n" + "\n".join(f"  - {f}" for f in blocking),
                "Rewrite the part named (usually the public summary) so that it names no one, "
                "and render again. If a finding is not a leak (an ordinary word that is also "
                "someone's name), publish anyway with --accept ID for each; that is recorded.",
                [
                    Leak(f.id, f.kind, s.field, s.case_id, f.where)
                    for f in blocking
                    for s in f.sources
                ],
            )
        return found


def _in_summary(
    guard: LeakGuard, needle: tuple[str, ...], summaries: Mapping[str, str]
) -> str | None:
    """'the public summary of case X' where the needle is in that case's summary."""
    for case_id, summary in summaries.items():
        tokens = _WORD.findall(summary)
        n = len(needle)
        if any(tuple(tokens[i : i + n]) == needle for i in range(len(tokens) - n + 1)):
            return f"the public summary of case {case_id}"
    return None


def _without_titles(found: tuple[str, ...]) -> tuple[str, ...]:
    start, end = 0, len(found)
    while start < end and found[start] in TITLES:
        start += 1
    while end > start and found[end - 1] in TITLES:
        end -= 1
    return found[start:end]


def _joined(gap: str) -> bool:
    """Whether the characters between two words join them into one name."""
    return bool(_JOINER.fullmatch(gap)) and not _SENTENCE_BREAK.search(gap)


def _rows(frame: pd.DataFrame, columns: list[str]) -> Iterable[dict[str, Any]]:
    present = [c for c in columns if c in frame.columns]
    for values in frame[present].itertuples(index=False, name=None):
        row = dict(zip(present, values, strict=True))
        yield {c: _value(row.get(c)) for c in columns}


def _value(value: Any) -> Any:
    """None for pandas' missing values (NaN, NA, NaT), else the value."""
    if value is None or isinstance(value, list | tuple | dict):
        return value
    try:
        import pandas as pd

        return None if pd.isna(value) is True else value
    except (TypeError, ValueError):
        return value


def _list(value: Any) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    try:
        return [str(v) for v in value if v]
    except TypeError:
        return []


# -- what is scanned -------------------------------------------------------------


def _unescape(text: str) -> str:
    """HTML entities and JSON \\u escapes undone, so escaped text reads as it shows."""
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return _html.unescape(text)


TEXT = "the report's text"


def _surfaces(fmt: str, text: str) -> list[tuple[str, str, bool]]:
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
