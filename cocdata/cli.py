"""The ``cocdata`` command: parses arguments and hands over to the package.

Every command works on the store named by ``--store``, else ``$COCDATA_STORE``,
else the embedded default (``~/.local/share/cocdata/store``). Mistakes end in
a message on stderr and a non-zero exit code, never in a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cocdata import config
from cocdata.errors import CocdataError

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


def _open(store: Path | None, create: bool = True):
    from cocdata.store import Store

    return Store.open(store, create=create)


def _say(text: str) -> None:
    typer.echo(text, err=True)


@app.command(epilog="Example: cocdata init --store ~/coc/pycon-store")
def init(store: StoreOption = None) -> None:
    """Create an empty store (a folder readable only by you) with the default vocabularies."""
    from cocdata.store import Store

    opened = Store.init(config.store_path(store))
    _say(
        f"Store ready at {opened.root}. Vocabularies can be edited in {opened.root / 'cocdata.toml'}."
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


@app.command(epilog="Example: cocdata export --case amber-falcon --out amber-falcon.jsonl")
def export(
    case: Annotated[
        list[str] | None, typer.Option("--case", help="Case id; repeat for several. Default: all.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output file. Default: standard output.")] = None,
    store: StoreOption = None,
) -> None:
    """Export cases as JSON Lines (the interchange format)."""
    from cocdata.interchange import write_export

    opened = _open(store, create=False)
    if out is None:
        count = write_export(opened, sys.stdout, case)
    else:
        with open(out, "w", encoding="utf-8") as fh:
            count = write_export(opened, fh, case)
        out.chmod(0o600)
    _say(f"Exported {count} case(s){f' to {out}' if out else ''}.")


@app.command(epilog="Example: cocdata cases --event pycon-north-2024 --status investigating")
def cases(
    event: Annotated[str | None, typer.Option(help="Only cases of this event id.")] = None,
    status: Annotated[str | None, typer.Option(help="Only cases with this status.")] = None,
    store: StoreOption = None,
) -> None:
    """List cases as a table: code name, event, status, received, categories, space."""
    from cocdata.summary import case_table

    typer.echo(case_table(_open(store, create=False), event=event, status=status))


@app.command(epilog="Example: cocdata show amber-falcon --history")
def show(
    case_id: Annotated[str, typer.Argument(help="The case's code name.")],
    history: Annotated[
        bool, typer.Option(help="Also list every revision: who changed what, when.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Show one case as a readable summary, people and timeline included."""
    from cocdata.summary import case_text, history_text

    opened = _open(store, create=False)
    typer.echo(case_text(opened.get(case_id), opened.vocab))
    if history:
        typer.echo(history_text(opened.history(case_id)))


@app.command(epilog="Example: cocdata schema > case.schema.json")
def schema() -> None:
    """Print the JSON Schema of one line of the interchange format."""
    from cocdata.interchange import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command(epilog="Example: cocdata verify --store ~/coc/pycon-store")
def verify(
    quarantine: Annotated[
        bool, typer.Option(help="Move unreadable files to quarantine/ so the rest loads.")
    ] = True,
    store: StoreOption = None,
) -> None:
    """Check every file and every case's chain of revisions; set damaged files aside."""
    report = _open(store, create=False).verify(quarantine=quarantine)
    _say(
        f"Checked {report.files} file(s), {report.revisions} revision(s) of {report.cases} case(s), "
        f"{report.blobs} evidence file(s)."
    )
    for line in report.problems:
        _say(f"  problem: {line}")
    for name in report.quarantined:
        _say(f"  moved to quarantine: {name}")
    if not report.ok:
        _say("The store has problems (listed above). Cases in the other files still load.")
        raise typer.Exit(7)
    _say("All good: every revision is present and unaltered.")


@app.command(epilog="Example: cocdata compact")
def compact(store: StoreOption = None) -> None:
    """Merge the store's many small files into one; every revision is kept exactly once."""
    report = _open(store, create=False).compact()
    _say(
        f"Compacted {report.files_before} file(s) into {report.files_after}: "
        f"{report.revisions} revision(s) kept, {report.duplicates_dropped} duplicate(s) dropped."
    )


@app.command(epilog="Example: cocdata demo --store /tmp/demo-store")
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data.")] = 0,
    events: Annotated[int, typer.Option(help="How many events.")] = 12,
    fresh: Annotated[
        bool, typer.Option(help="Delete the demo store first and build it anew.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Fill a store with synthetic events and cases (the guide's example among them)."""
    from cocdata.demo import build_demo

    result = build_demo(config.store_path(store), seed=seed, n_events=events, fresh=fresh)
    _say(result)


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

    raise typer.Exit(
        serve_lab(store, port=port or 8888, open_browser=not no_browser, folder=folder)
    )


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
