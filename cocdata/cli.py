"""The ``cocdata`` command: parses arguments and hands over to the package.

Every command works on the store named by ``--store``, else ``$COCDATA_STORE``,
else the embedded default (``~/.local/share/cocdata/store``). The key of an
encrypted store comes from ``cocdata --key-file FILE``, ``$COCDATA_KEY_FILE``,
``$COCDATA_PASSPHRASE``, or a passphrase prompt when there is a terminal.
Mistakes end in a message on stderr and a non-zero exit code, never in a
traceback.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cocdata import config, crypto
from cocdata.errors import CocdataError, LockedStore
from cocdata.handoff import commands as handoff_commands

app = typer.Typer(
    name="cocdata",
    help="Code of Conduct incident records: capture, store, analyse and report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Store folder. Default: $COCDATA_STORE, else ~/.local/share/cocdata/store.",
        show_default=False,
    ),
]
MemberOption = Annotated[
    str | None,
    typer.Option(
        "--as", help="Team member recorded on the revision. Default: you.", show_default=False
    ),
]


NewKeyFileOption = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="Keep the store key in this file (made if missing; an existing key file's key "
        "is used). Without it, a passphrase protects the key.",
        show_default=False,
    ),
]


@app.callback(
    epilog="Example: cocdata --key-file ~/coc/team.key show amber-falcon",
)
def _options(
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            help="Key file of an encrypted store. Default: $COCDATA_KEY_FILE, else "
            "$COCDATA_PASSPHRASE, else a passphrase prompt.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Code of Conduct incident records: capture, store, analyse and report."""
    if key_file is not None:
        os.environ[crypto.KEY_FILE_ENV] = str(key_file.expanduser().resolve())


def _open(store: Path | None, create: bool = True, need_key: bool = True):
    """Open the store; with ``need_key``, unlock an encrypted one (asking on a terminal)."""
    from cocdata.store import Store

    opened = Store.open(store, create=create)
    if need_key and opened.locked:
        if not sys.stdin.isatty():
            raise crypto.locked_error(opened.root, "this command")
        _ask_passphrase(opened)
    return opened


def _ask_passphrase(opened) -> None:
    for attempt in range(3):
        passphrase = getpass.getpass(f"Passphrase of the store at {opened.root}: ")
        try:
            opened.unlock(passphrase=passphrase)
            return
        except LockedStore as exc:
            if attempt == 2:
                raise
            _say(exc.message)


def _new_passphrase(what: str = "the store") -> str | None:
    """A new passphrase: $COCDATA_PASSPHRASE, else typed twice at a terminal, else None."""
    given = os.environ.get(crypto.PASSPHRASE_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        return None
    for _ in range(3):
        first = getpass.getpass(f"New passphrase for {what} (four or more random words): ")
        try:
            crypto.check_new_passphrase(first)
        except LockedStore as exc:
            _say(exc.message)
            continue
        if getpass.getpass("The same passphrase again: ") == first:
            return first
        _say("The two passphrases differ.")
    raise LockedStore("No passphrase was set; nothing was changed.", "Run the command again.")


def _say(text: str) -> None:
    typer.echo(text, err=True)


def _private_file(path: Path):
    """A file readable by its owner only from the moment it exists (exports hold names)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8")


@app.command(
    epilog="Example: cocdata init --store ~/coc/pycon-store\n\n"
    "Encrypted: cocdata init --encrypt --store ~/coc/pycon-store   (asks for a passphrase)\n\n"
    "With a key file instead: cocdata init --encrypt --key-file ~/coc/team.key"
)
def init(
    store: StoreOption = None,
    encrypt: Annotated[
        bool,
        typer.Option(
            help="Encrypt names, contacts, texts, evidence and drafts (statistics stay readable). "
            "On an existing store this re-writes it, as 'cocdata encrypt' does."
        ),
    ] = False,
    key_file: NewKeyFileOption = None,
) -> None:
    """Create an empty store (a folder readable only by you) with the default vocabularies."""
    from cocdata.store import Store

    path = config.store_path(store)
    if not encrypt:
        opened = Store.init(path)
        _say(
            f"Store ready at {opened.root}. Vocabularies can be edited in "
            f"{opened.root / 'cocdata.toml'}."
        )
        return
    if (path / "cocdata.toml").exists():
        _encrypt_existing(path, key_file)
        return
    passphrase = _new_passphrase() if key_file is None else os.environ.get(crypto.PASSPHRASE_ENV)
    opened = Store.init(path, encrypt=True, passphrase=passphrase, key_file=key_file)
    _say(f"Encrypted store ready at {opened.root}.")
    _say_how_to_unlock(passphrase is not None, key_file)


def _say_how_to_unlock(passphrase: bool, key_file: Path | None) -> None:
    ways, things = [], []
    if passphrase:
        ways.append("its passphrase (typed when asked, or in COCDATA_PASSPHRASE)")
        things.append("the passphrase")
    if key_file is not None:
        ways.append(f"the key file {key_file} (--key-file or COCDATA_KEY_FILE)")
        things.append("a copy of the key file")
    _say(
        "It opens with " + " or ".join(ways) + ". Without that, nothing identifying in it can "
        "ever be read again: keep " + " and ".join(things) + " somewhere safe, away from the store."
    )


def _encrypt_existing(store: Path | None, key_file: Path | None) -> None:
    opened = _open(store, create=False, need_key=False)
    passphrase = None
    if opened.encrypted:
        if opened.locked:
            _open(store, create=False)  # unlock, asking if need be
    elif key_file is None:
        passphrase = _new_passphrase()
    else:
        passphrase = os.environ.get(crypto.PASSPHRASE_ENV)
    report = opened.encrypt(passphrase=passphrase, key_file=key_file)
    done = report.cases + report.blobs + report.drafts + report.quarantine
    _say(
        f"Encrypted {done} file(s) at {opened.root}: {report.cases} case file(s), "
        f"{report.blobs} evidence file(s), {report.drafts} draft(s), "
        f"{report.quarantine} quarantined file(s)"
        + (f"; removed {report.temp_removed} leftover temp file(s)" if report.temp_removed else "")
        + "."
    )
    if report.new_key:
        _say_how_to_unlock(passphrase is not None, key_file)
    for line in report.problems + (report.verify.problems if report.verify else []):
        _say(f"  problem: {line}")
    if not report.ok:
        raise typer.Exit(7)
    _say(
        "Verified: every revision is present and unaltered. The old unencrypted bytes were "
        "deleted, but the disk may keep them until they are overwritten: use disk encryption too."
    )


@app.command(
    epilog="Example: cocdata encrypt   (asks for a new passphrase)\n\n"
    "With a key file instead: cocdata encrypt --key-file ~/coc/team.key\n\n"
    "Finishing an interrupted run: COCDATA_PASSPHRASE=... cocdata encrypt"
)
def encrypt(store: StoreOption = None, key_file: NewKeyFileOption = None) -> None:
    """Encrypt an existing store in place: every case file, evidence file and draft.

    Each file is re-written encrypted, read back and compared before it
    replaces the original, so an interruption loses nothing; run the command
    again to finish. Close open forms first: they cannot save until they are
    restarted with the key.
    """
    _encrypt_existing(store, key_file)


key_app = typer.Typer(
    help="The key of an encrypted store: change its passphrase, or write it to a key file.",
    no_args_is_help=True,
)
app.add_typer(key_app, name="key")


@key_app.command(
    "passphrase",
    epilog="Example: cocdata key passphrase   (asks for the current, then the new passphrase)",
)
def key_passphrase(store: StoreOption = None) -> None:
    """Set or change the passphrase that unlocks the store (nothing else is re-written).

    The new passphrase is typed twice, or taken from $COCDATA_NEW_PASSPHRASE.
    """
    opened = _open(store, create=False)
    if not opened.encrypted:
        raise LockedStore(
            f"The store at {opened.root} is not encrypted, so it has no passphrase.",
            "Encrypt it with 'cocdata encrypt'.",
        )
    new = os.environ.get("COCDATA_NEW_PASSPHRASE")
    if not new:
        if not sys.stdin.isatty():
            raise LockedStore(
                "No new passphrase was given; nothing was changed.",
                "Run the command at a terminal, or set COCDATA_NEW_PASSPHRASE.",
            )
        saved = os.environ.pop(crypto.PASSPHRASE_ENV, None)
        try:
            new = _new_passphrase()
        finally:
            if saved is not None:
                os.environ[crypto.PASSPHRASE_ENV] = saved
    assert new is not None
    opened.set_passphrase(new)
    _say(f"The store at {opened.root} now opens with the new passphrase (and its key files).")


@key_app.command("file", epilog="Example: cocdata key file ~/coc/team.key")
def key_file_(
    out: Annotated[Path, typer.Argument(help="The new key file (it must not exist yet).")],
    store: StoreOption = None,
) -> None:
    """Write the store key to a new key file, readable only by you (for a server or CI)."""
    opened = _open(store, create=False)
    path = opened.write_key_file(out)
    _say(
        f"Wrote the key of {opened.root} to {path}. Anyone holding it can read the store: "
        "keep it out of git and away from copies of the store."
    )


@app.command("import", epilog="Example: cocdata import reports.jsonl --update")
def import_(
    file: Annotated[
        Path, typer.Argument(help="JSON Lines file, one case per line (see 'cocdata schema').")
    ],
    update: Annotated[
        bool, typer.Option(help="Replace cases whose id is already in the store.")
    ] = False,
    store: StoreOption = None,
    member: MemberOption = None,
) -> None:
    """Import cases from JSON Lines: every line is checked first; all or nothing."""
    from cocdata.interchange import import_file

    result = import_file(file, _open(store), by=member, update=update)
    _say(
        f"Imported {result.created + result.updated} case(s): {result.created} new, "
        f"{result.updated} updated, {result.unchanged} unchanged."
    )


@app.command(
    epilog="Example: cocdata export --case amber-falcon --out amber-falcon.jsonl\n\n"
    "Example: cocdata export --person quiet-otter --out subject-access-quiet-otter.json"
)
def export(
    case: Annotated[
        list[str] | None, typer.Option("--case", help="Case id; repeat for several. Default: all.")
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(
            help="Person code name: everything held about that person (a data-protection "
            "request), as one JSON document, instead of cases.",
            show_default=False,
        ),
    ] = None,
    code_names: Annotated[
        bool,
        typer.Option(
            "--code-names",
            help="Person code names instead of names; no contacts, no evidence file names "
            "(to share outside the team).",
        ),
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Output file. Default: standard output.")] = None,
    store: StoreOption = None,
    member: MemberOption = None,
) -> None:
    """Export cases as JSON Lines (the interchange format), or everything about one person.

    Every export is written to the store's access log.
    """
    from cocdata.interchange import write_export
    from cocdata.people import write_subject_access

    opened = _open(store, create=False)
    if person and case:
        raise CocdataError(
            "--person and --case cannot be used together.",
            "A subject-access export (--person) already covers every case naming the person.",
        )
    fh = sys.stdout if out is None else _private_file(out)
    try:
        if person:
            summary = write_subject_access(opened, person, fh, by=member)
        else:
            count = write_export(
                opened, fh, case, member, str(out or "standard output"), code_names
            )
    finally:
        if out is not None:
            fh.close()
    where = f" to {out}" if out else ""
    if person:
        _say(
            f"Exported everything held about {person}{where}: {summary['cases']} case(s), "
            f"{summary['revisions']} revision(s), {summary['evidence_naming_them']} evidence "
            f"file(s) naming them, {summary['other_cases_mentioning_them']} other case(s) "
            f"mentioning them, {summary['access_log_entries']} access-log entries. "
            "It holds other people's data too: review it before sending."
        )
    else:
        _say(f"Exported {count} case(s){where}.")


@app.command(epilog="Example: cocdata cases --event pycon-north-2024 --status investigating")
def cases(
    event: Annotated[str | None, typer.Option(help="Only cases of this event id.")] = None,
    status: Annotated[str | None, typer.Option(help="Only cases with this status.")] = None,
    person: Annotated[
        str | None, typer.Option(help="Only cases naming this person code name.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """List cases as a table: code name, event, status, received, categories, space."""
    from cocdata.summary import case_table

    opened = _open(store, create=False, need_key=False)
    typer.echo(case_table(opened, event=event, status=status, person=person))


@app.command(epilog="Example: cocdata show amber-falcon --history --access")
def show(
    case_id: Annotated[str, typer.Argument(help="The case's code name.")],
    history: Annotated[
        bool, typer.Option(help="Also list every revision: who changed what, when.")
    ] = False,
    access: Annotated[
        bool, typer.Option(help="Also list who exported, reported or forwarded it, and when.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Show one case as a readable summary, people, timeline and expunge date included."""
    from cocdata.accesslog import entries, entries_text
    from cocdata.retention import case_retention
    from cocdata.summary import case_text, history_text

    opened = _open(store, create=False)
    stored = opened.get(case_id)
    typer.echo(
        case_text(stored, opened.vocab, retention=case_retention(opened, case_id).describe())
    )
    if history:
        typer.echo(history_text(opened.history(case_id)))
    if access:
        typer.echo("\n" + entries_text(entries(opened, case_id), case_id))


@app.command(epilog="Example: cocdata schema > case.schema.json")
def schema(
    package: Annotated[bool, typer.Option(help="The schema of a case package instead.")] = False,
) -> None:
    """Print the JSON Schema of one line of the interchange format."""
    from cocdata.interchange import json_schema

    if package:
        return handoff_commands.package_schema()

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command(epilog="Example: cocdata verify --store ~/coc/pycon-store")
def verify(
    quarantine: Annotated[
        bool, typer.Option(help="Move unreadable files to quarantine/ so the rest loads.")
    ] = True,
    store: StoreOption = None,
) -> None:
    """Check every file and every case's chain of revisions; set damaged files aside."""
    report = _open(store, create=False, need_key=False).verify(quarantine=quarantine)
    _say(
        f"Checked {report.files} file(s), {report.revisions} revision(s) of {report.cases} case(s), "
        f"{report.blobs} evidence file(s)."
    )
    if report.locked:
        _say(
            "The store is encrypted and no key was given: only the statistics and the links "
            "between revisions were checked. " + crypto.HOW_TO_GIVE_KEY
        )
    for line in report.problems:
        _say(f"  problem: {line}")
    for name in report.quarantined:
        _say(f"  moved to quarantine: {name}")
    if not report.ok:
        _say("The store has problems (listed above). Cases in the other files still load.")
        raise typer.Exit(7)
    if report.locked:
        _say("All good as far as it could be checked without the key.")
        return
    _say("All good: every revision is present and unaltered.")


@app.command(epilog="Example: cocdata compact")
def compact(store: StoreOption = None) -> None:
    """Merge the store's many small files into one; every revision is kept exactly once."""
    report = _open(store, create=False).compact()
    _say(
        f"Compacted {report.files_before} file(s) into {report.files_after}: "
        f"{report.revisions} revision(s) kept, {report.duplicates_dropped} duplicate(s) dropped."
    )


@app.command(epilog="Example: cocdata expunge --dry-run")
def expunge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list what would be removed; change nothing.")
    ] = False,
    case: Annotated[
        list[str] | None,
        typer.Option(
            "--case",
            help="Expunge this closed case now, whatever its date (an erasure request); "
            "repeat for several. Default: every case whose expunge date has passed.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    member: MemberOption = None,
) -> None:
    """Remove for good the identifying data of cases past their expunge date; keep statistics.

    Names, contacts, descriptions, timeline texts, evidence files and drafts go
    from every revision and file; the event, dates by month, categories, space,
    actions and outcome stay, so the yearly statistics do not change. The
    expunge dates follow [retention] in the store's cocdata.toml; 'cocdata show
    ID' shows a case's date. Safe to interrupt: run it again to finish.
    """
    from cocdata import retention

    opened = _open(store, create=False)
    if dry_run:
        report = retention.dry_run(opened, case_ids=case)
    else:
        report = retention.expunge(opened, case_ids=case, by=member)
    typer.echo(report.text())


person_app = typer.Typer(
    help="Person code names: merge two that are one person, split one that joins two.",
    epilog="Example: cocdata person merge quiet-otter brave-heron",
    no_args_is_help=True,
)
app.add_typer(person_app, name="person")


@person_app.command("merge", epilog="Example: cocdata person merge quiet-otter brave-heron")
def person_merge(
    keep: Annotated[str, typer.Argument(help="The person code name to keep.")],
    other: Annotated[str, typer.Argument(help="A code name of the same person, to merge in.")],
    store: StoreOption = None,
    member: MemberOption = None,
) -> None:
    """Record that two person code names are one person: every case naming OTHER names KEEP.

    Each case changed gets a new revision by you; the history keeps the old code.
    """
    from cocdata.people import merge

    result = merge(_open(store, create=False), keep, other, by=member)
    _say(result.text(f"{other} merged into {keep}"))


@person_app.command("split", epilog="Example: cocdata person split quiet-otter --case amber-falcon")
def person_split(
    code: Annotated[str, typer.Argument(help="The person code name that joins two people.")],
    case: Annotated[
        list[str],
        typer.Option(
            "--case",
            help="A case whose person with this code is someone else; repeat for several.",
            show_default=False,
        ),
    ],
    store: StoreOption = None,
    member: MemberOption = None,
) -> None:
    """Give the person with CODE in the named cases a new code name of their own."""
    from cocdata.people import split

    result = split(_open(store, create=False), code, case, by=member)
    _say(result.text(f"The person with {code} in {', '.join(case)} is now {result.code}"))


@app.command(epilog="Example: cocdata access --case amber-falcon")
def access(
    case: Annotated[
        str | None, typer.Option(help="Only entries naming this case.", show_default=False)
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(help="Only subject-access exports of this person code.", show_default=False),
    ] = None,
    store: StoreOption = None,
) -> None:
    """List the access log: every export, report, forward and expunge (who, when, what)."""
    from cocdata.accesslog import entries, entries_text

    opened = _open(store, create=False)
    if case:
        opened.get(case)
    typer.echo(entries_text(entries(opened, case, person=person), case))


@app.command(epilog="Example: cocdata demo --store /tmp/demo-store")
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data.")] = 0,
    events: Annotated[int, typer.Option(help="How many events.")] = 12,
    fresh: Annotated[
        bool, typer.Option(help="Delete the demo store first and build it anew.")
    ] = False,
    reports: Annotated[
        bool,
        typer.Option(
            help="Also render every event's transparency report and their index "
            "(into reports/transparency/, as 'cocdata report transparency --all')."
        ),
    ] = True,
    store: StoreOption = None,
) -> None:
    """Fill a store with synthetic events and cases (the guide's example among them)."""
    from cocdata.demo import build_demo, render_demo_reports

    path = config.store_path(store)
    if (path / "cocdata.toml").exists() and not fresh:
        _open(store, create=False)  # unlock an encrypted store, asking if need be
    _say(build_demo(path, seed=seed, n_events=events, fresh=fresh))
    if reports:
        _say(render_demo_reports(path))


report_app = typer.Typer(
    help="Render reports: per-case internal reports and public transparency reports.",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")

JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", help="Reports rendered at once. Default: one per CPU core.", min=1
    ),
]
FormatOption = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        help="html, md or pdf; repeat for several. Default: html.",
        show_default=False,
    ),
]


def _formats(given: list[str] | None) -> tuple[str, ...]:
    from cocdata.errors import ReportFailed

    formats = tuple(dict.fromkeys(given or ["html"]))
    unknown = [f for f in formats if f not in ("html", "md", "pdf")]
    if unknown:
        raise ReportFailed(
            f"Unknown report format {', '.join(map(repr, unknown))}.",
            "Use --format html, --format md or --format pdf (repeat for several).",
        )
    return formats


def _report_outcome(results: list, what: str) -> None:
    from cocdata.reports import raise_for_failures

    for result in results:
        if result.ok:
            for path in result.written:
                _say(f"wrote {path}")
    raise_for_failures(results)
    _say(f"{len(results)} {what} written.")


@report_app.command(
    "case",
    epilog="Example: cocdata report case amber-falcon --format html --format pdf",
)
def report_case(
    case_ids: Annotated[
        list[str] | None, typer.Argument(help="Case code names.", show_default=False)
    ] = None,
    event: Annotated[
        str | None, typer.Option(help="Every case of this event id.", show_default=False)
    ] = None,
    fmt: FormatOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder. Default: reports/cases/ (kept out of git).", show_default=False
        ),
    ] = None,
    jobs: JobsOption = None,
    store: StoreOption = None,
) -> None:
    """Render the internal report of one or more cases (it holds names: keep it in the team)."""
    from cocdata.errors import CocdataError
    from cocdata.reports.case import render_case_reports

    opened = _open(store, create=False)
    ids = list(case_ids or [])
    if event:
        ids += [
            c for c in opened.frames().cases.query("event_id == @event")["case_id"] if c not in ids
        ]
        if not ids:
            raise CocdataError(
                f"The event {event!r} has no cases in the store.",
                "List events and their cases with 'cocdata cases'.",
            )
    if not ids:
        raise CocdataError(
            "Name the case(s) to report on, or --event for every case of an event.",
            "Example: cocdata report case amber-falcon",
        )
    results = render_case_reports(opened, ids, _formats(fmt), out, workers=jobs)
    _report_outcome(results, "case report(s)")


@report_app.command(
    "transparency",
    epilog=(
        "Example: cocdata report transparency --all --min-count 3\n\n"
        "Example: cocdata report transparency --event pycon-north-2024 --format pdf"
    ),
)
def report_transparency(
    event: Annotated[
        list[str] | None,
        typer.Option(help="Event id; repeat for several.", show_default=False),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every event of the store.")] = False,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="html, md or pdf; repeat for several. Default: html and md.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder. Default: reports/transparency/ (kept out of git).",
            show_default=False,
        ),
    ] = None,
    min_count: Annotated[
        int,
        typer.Option(
            "--min-count",
            "-k",
            help="Show any count below K as 'fewer than K' and describe no case that would "
            "single one out. 1 (the default) shows every count; 3 or more hides small ones.",
            min=1,
        ),
    ] = 1,
    force: Annotated[
        bool, typer.Option(help="Render every event again, even those unchanged since last time.")
    ] = False,
    accept: Annotated[
        list[str] | None,
        typer.Option(
            help="Publish despite the leak guard's finding with this id (shown when a report "
            "is blocked); repeat for several. Recorded in the store.",
            show_default=False,
        ),
    ] = None,
    jobs: JobsOption = None,
    store: StoreOption = None,
) -> None:
    """Render the public, anonymised transparency report of each event, and an index of them.

    Every page is checked for names, contacts, code names and exact times held
    in the store before it is written; a finding blocks that event's report.
    """
    from cocdata.reports.publish import DEFAULT_FORMATS, publish_transparency

    if bool(event) == all_:
        raise CocdataError(
            "Name the event(s) with --event ID, or --all for every event (not both).",
            "Example: cocdata report transparency --all",
        )
    formats = _formats(fmt) if fmt else DEFAULT_FORMATS
    outcome = publish_transparency(
        _open(store, create=False),
        event_ids=None if all_ else event,
        out_dir=out,
        formats=formats,
        min_count=min_count,
        workers=jobs,
        force=force,
        accept=accept or (),
    )
    for line in outcome.events:
        _say(str(line))
    for path, why in outcome.removed:
        _say(f"removed {path}: {why}")
    for finding in outcome.ignored_accepts:
        _say(f"note: --accept {finding} matched no finding")
    if outcome.index:
        _say(f"index: {', '.join(str(p) for p in outcome.index)}")
    _say(outcome.summary())
    error = outcome.error()
    if error is not None:
        raise error


@app.command(
    epilog='Example: cocdata forward amber-falcon --to "Django Software Foundation Code of Conduct"'
)
def forward(
    case_id: Annotated[str | None, typer.Argument(help="The case's code name.")] = None,
    to: Annotated[
        str, typer.Option("--to", help="Who the case goes to, e.g. a foundation's CoC committee.")
    ] = "",
    redact: Annotated[
        list[str] | None,
        typer.Option(
            help="A part to leave out: names, contacts, description, timeline, evidence, "
            "history; repeat for several. Default: [forwarding] redact in the store's "
            "cocdata.toml. --redact none leaves nothing out.",
            show_default=False,
        ),
    ] = None,
    why: Annotated[
        str | None, typer.Option(help="Why it is forwarded, for the record.", show_default=False)
    ] = None,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="html, md or pdf; repeat for several. Default: pdf.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder. Default: reports/forwarded/ (kept out of git).",
            show_default=False,
        ),
    ] = None,
    package: Annotated[
        bool, typer.Option(help="Also write a case package the recipient's cocdata imports.")
    ] = False,
    link_key: handoff_commands.LinkKeyOption = None,
    receipt: Annotated[
        Path | None,
        typer.Option(help="Record the recipient's receipt file on the case.", show_default=False),
    ] = None,
    store: StoreOption = None,
    member: MemberOption = None,
) -> None:
    """Forward a case: a redacted case report for the recipient, recorded in the case.

    The case gets a new revision with a timeline entry (who forwarded which
    revision to whom, when, what was left out, the files' SHA-256) and the
    recipient in 'forwarded to'; the access log gets an entry too. With
    --package (and --link-key) a case package is written beside the report;
    --receipt FILE records the recipient's receipt instead.
    """
    from cocdata.handoff.linkage import read_key
    from cocdata.reports.forward import forward as forward_case

    if receipt is not None:
        return handoff_commands.forward_receipt(store, receipt, member)
    if case_id is None:
        raise CocdataError(
            "Name the case to forward.", 'Example: cocdata forward amber-falcon --to "..."'
        )
    parts = None if redact is None else [p for p in redact if p != "none"]
    result = forward_case(
        _open(store, create=False),
        case_id,
        to,
        redact=parts,
        formats=_formats(fmt or ["pdf"]),
        out_dir=out,
        why=why,
        by=member,
        package=package,
        link_key=read_key(link_key) if link_key is not None else None,
    )
    _say(result.text())


PortOption = Annotated[int | None, typer.Option(help="Port on localhost.", show_default=False)]
NoBrowserOption = Annotated[
    bool, typer.Option("--no-browser", help="Do not open a browser window.")
]


@app.command("app", epilog="Example: cocdata app --port 8866")
def app_(
    store: StoreOption = None,
    port: PortOption = None,
    no_browser: NoBrowserOption = False,
    folder: Annotated[
        Path | None,
        typer.Option(help="Folder for the form notebooks. Default: in the data folder."),
    ] = None,
) -> None:
    """Serve the report form and the case view as a web app on localhost (no code shown)."""
    from cocdata.forms.serve import serve_app

    _open(store)  # create the store, or unlock an encrypted one, before the server starts
    raise typer.Exit(
        serve_app(store, port=port or 8866, open_browser=not no_browser, folder=folder)
    )


@app.command(epilog="Example: cocdata lab")
def lab(
    store: StoreOption = None,
    port: PortOption = None,
    no_browser: NoBrowserOption = False,
    folder: Annotated[
        Path | None,
        typer.Option(help="Folder for the form notebooks. Default: in the data folder."),
    ] = None,
) -> None:
    """Open JupyterLab at the report form, with the case notebook beside it."""
    from cocdata.forms.serve import serve_lab

    _open(store)  # create the store, or unlock an encrypted one, before the server starts
    raise typer.Exit(
        serve_lab(store, port=port or 8888, open_browser=not no_browser, folder=folder)
    )


app.add_typer(handoff_commands.app)


def main() -> None:
    """Entry point: run the command, turning cocdata's errors into messages and exit codes."""
    try:
        app()
    except CocdataError as exc:
        _say(f"cocdata: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _say("cocdata: interrupted; nothing half-written was kept.")
        sys.exit(130)


if __name__ == "__main__":
    main()
