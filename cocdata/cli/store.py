"""Commands on the store as a whole: init, import, export, schema, verify, compact, expunge, demo."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cocdata import crypto
from cocdata.cli.keys import encrypt_existing
from cocdata.cli.options import (
    Command,
    KeyFileOption,
    MemberOption,
    NewKeyFileOption,
    StoreOption,
    new_passphrase,
    open_store,
    say,
    show,
    store_path,
)
from cocdata.errors import CorruptStore, UsageError

app = typer.Typer()


@app.command(
    cls=Command,
    epilog="Example: cocdata init --store ~/coc/pycon-store\n\n"
    "Encrypted: cocdata init --encrypt --store ~/coc/pycon-store   (asks for a passphrase)\n\n"
    "With a key file instead: cocdata init --encrypt --key-file ~/coc/team.key",
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

    path = store_path(store)
    if not encrypt:
        opened = Store.init(path)
        say(
            f"Store ready at {opened.root}. Vocabularies can be edited in "
            f"{opened.root / 'cocdata.toml'}."
        )
        return
    if (path / "cocdata.toml").exists():
        encrypt_existing(path, key_file)
        return
    passphrase = new_passphrase() if key_file is None else os.environ.get(crypto.PASSPHRASE_ENV)
    opened = Store.init(path, encrypt=True, passphrase=passphrase, key_file=key_file)
    say(f"Encrypted store ready at {opened.root}.")
    say(crypto.how_to_unlock(passphrase is not None, key_file))


@app.command("import", cls=Command, epilog="Example: cocdata import reports.jsonl --update")
def import_(
    file: Annotated[
        Path, typer.Argument(help="JSON Lines file, one case per line (see 'cocdata schema').")
    ],
    update: Annotated[
        bool, typer.Option(help="Replace cases whose id is already in the store.")
    ] = False,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
    member: MemberOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="With --update, replace a case even where the line is based on an older "
            "revision than the store's.",
        ),
    ] = False,
) -> None:
    """Import cases from JSON Lines: every line is checked first; all or nothing.

    With --update, a line based on an older revision than the store's is
    refused (it would undo what was saved since), unless --force is given.
    """
    from cocdata.interchange import import_file

    opened = open_store(store, key_file=key_file)
    say(import_file(file, opened, by=member, update=update, force=force).text())


@app.command(
    cls=Command,
    epilog="Example: cocdata export --case amber-falcon --out amber-falcon.jsonl\n\n"
    "Example: cocdata export --person quiet-otter --out subject-access-quiet-otter.json",
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
    key_file: KeyFileOption = None,
    member: MemberOption = None,
) -> None:
    """Export cases as JSON Lines (the interchange format), or everything about one person.

    Every export is written to the store's access log.
    """
    from cocdata.exporting import export_file, private_file, write_export
    from cocdata.people import write_subject_access
    from cocdata.summary import subject_access_text

    opened = open_store(store, create=False, key_file=key_file)
    if person and case:
        raise UsageError(
            "--person and --case cannot be used together.",
            "A subject-access export (--person) already covers every case naming the person.",
        )
    if person and out is not None:
        with private_file(out) as fh:
            summary = write_subject_access(opened, person, fh, by=member)
    elif person:
        summary = write_subject_access(opened, person, sys.stdout, by=member)
    elif out is not None:
        count = export_file(opened, out, case, member, code_names)
    else:
        count = write_export(opened, sys.stdout, case, member, "standard output", code_names)
    where = f" to {out}" if out else ""
    if person:
        say(subject_access_text(person, summary, where))
    else:
        say(f"Exported {count} case(s){where}.")


@app.command(cls=Command, epilog="Example: cocdata schema > case.schema.json")
def schema(
    package: Annotated[
        bool, typer.Option("--package", help="The schema of a case package instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of one line of the interchange format (or of a case package)."""
    from cocdata.interchange import json_schema

    if package:
        from cocdata.cli.handoff import package_schema

        package_schema()
        return

    show(json.dumps(json_schema(), indent=2))


@app.command(cls=Command, epilog="Example: cocdata verify --store ~/coc/pycon-store")
def verify(
    quarantine: Annotated[
        bool, typer.Option(help="Move unreadable files to quarantine/ so the rest loads.")
    ] = True,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Check every file and every case's chain of revisions; set damaged files aside."""
    report = open_store(store, create=False, need_key=False, key_file=key_file).verify(
        quarantine=quarantine
    )
    say(report.text())
    if not report.ok:
        raise CorruptStore(
            "The store needs repair.",
            "Restore the files named from a backup if you have one; quarantined files are "
            "kept in quarantine/ for that.",
            problems=report.problems,
        )


@app.command(cls=Command, epilog="Example: cocdata compact")
def compact(store: StoreOption = None, key_file: KeyFileOption = None) -> None:
    """Merge the store's many small files into one; every revision is kept exactly once."""
    say(open_store(store, create=False, key_file=key_file).compact().text())


@app.command(cls=Command, epilog="Example: cocdata expunge --dry-run")
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
    key_file: KeyFileOption = None,
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

    opened = open_store(store, create=False, key_file=key_file)
    if dry_run:
        report = retention.dry_run(opened, case_ids=case)
    else:
        report = retention.expunge(opened, case_ids=case, by=member)
    show(report.text())


@app.command(cls=Command, epilog="Example: cocdata demo --store /tmp/demo-store")
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
    key_file: KeyFileOption = None,
) -> None:
    """Fill a store with synthetic events and cases (the guide's example among them)."""
    from cocdata.demo import build_demo, render_demo_reports

    path = store_path(store)
    if (path / "cocdata.toml").exists() and not fresh:
        open_store(path, create=False, key_file=key_file)  # unlock an encrypted store
    say(build_demo(path, seed=seed, n_events=events, fresh=fresh))
    if reports:
        say(render_demo_reports(path))
