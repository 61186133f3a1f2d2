"""Commands that render reports: ``report case``, ``report transparency``, ``report yearly``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cocdata.cli.options import (
    Command,
    KeyFileOption,
    StoreOption,
    group,
    open_store,
    report_formats,
    say,
)
from cocdata.errors import UsageError

app = typer.Typer()
report_app = group(
    "Render reports: per-case internal reports and public transparency reports.",
    epilog="Example: cocdata report transparency --all",
)
app.add_typer(report_app, name="report")

JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", help="Reports rendered at once. Default: one per CPU core.", min=1
    ),
]
MinCountOption = Annotated[
    int,
    typer.Option(
        "--min-count",
        "-k",
        help="Show any count below K as 'fewer than K' and describe no case that would "
        "single one out. 1 (the default) shows every count; 3 or more hides small ones.",
        min=1,
    ),
]
AcceptOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Publish despite the leak guard's finding with this id (shown when a report "
        "is blocked); repeat for several. Recorded in the store.",
        show_default=False,
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

# Public reports default to a page to put online and its Markdown for a blog or a wiki.
PublicFormatOption = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        help="html, md or pdf; repeat for several. Default: html and md.",
        show_default=False,
    ),
]


def _report_outcome(results: list, what: str) -> None:
    from cocdata.reports import raise_for_failures

    for result in results:
        if result.ok:
            for path in result.written:
                say(f"wrote {path}")
    raise_for_failures(results)
    say(f"{len(results)} {what} written.")


@report_app.command(
    "case",
    cls=Command,
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
    key_file: KeyFileOption = None,
) -> None:
    """Render the internal report of one or more cases (it holds names: keep it in the team)."""
    from cocdata.reports.case import render_case_reports

    opened = open_store(store, create=False, key_file=key_file)
    ids = list(case_ids or [])
    if event:
        ids += [
            c for c in opened.frames().cases.query("event_id == @event")["case_id"] if c not in ids
        ]
        if not ids:
            raise UsageError(
                f"The event {event!r} has no cases in the store.",
                "List events and their cases with 'cocdata cases'.",
            )
    if not ids:
        raise UsageError(
            "Name the case(s) to report on, or --event for every case of an event.",
            "Example: cocdata report case amber-falcon",
        )
    results = render_case_reports(opened, ids, report_formats(fmt), out, workers=jobs)
    _report_outcome(results, "case report(s)")


@report_app.command(
    "transparency",
    cls=Command,
    epilog=(
        "Example: cocdata report transparency --all --min-count 3\n\n"
        "Example: cocdata report transparency --event pycon-north-2024 --format pdf\n\n"
        "Example: cocdata report transparency --event pycon-north-2024 --preliminary\n\n"
        "Example: cocdata report transparency --all --layout incidents"
    ),
)
def report_transparency(
    event: Annotated[
        list[str] | None,
        typer.Option(help="Event id; repeat for several.", show_default=False),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every event of the store.")] = False,
    fmt: PublicFormatOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder. Default: reports/transparency/ (kept out of git).",
            show_default=False,
        ),
    ] = None,
    min_count: MinCountOption = 1,
    force: Annotated[
        bool, typer.Option(help="Render every event again, even those unchanged since last time.")
    ] = False,
    accept: AcceptOption = None,
    preliminary: Annotated[
        bool,
        typer.Option(
            help="The preliminary report of the closing session: counts so far, open cases "
            "included, no case described. Default: the final report.",
        ),
    ] = False,
    layout: Annotated[
        str | None,
        typer.Option(
            help="summary (counts, one line per described case) or incidents (one numbered "
            "entry per described case). Default: as set in cocdata.toml, else summary.",
            show_default=False,
        ),
    ] = None,
    jobs: JobsOption = None,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Render the public, anonymised transparency report of each event, and an index of them.

    Every page is checked for names, contacts, code names and exact times held
    in the store before it is written; a finding blocks that event's report.
    """
    from cocdata.reports.publish import DEFAULT_FORMATS, publish_transparency

    if bool(event) == all_:
        raise UsageError(
            "Name the event(s) with --event ID, or --all for every event (not both).",
            "Example: cocdata report transparency --all",
        )
    from cocdata.settings import check_layout

    if layout is not None:
        check_layout(layout)
    formats = report_formats(fmt) if fmt else DEFAULT_FORMATS
    outcome = publish_transparency(
        open_store(store, create=False, key_file=key_file),
        event_ids=None if all_ else event,
        out_dir=out,
        formats=formats,
        min_count=min_count,
        workers=jobs,
        force=force,
        accept=accept or (),
        edition="preliminary" if preliminary else "final",
        layout=layout,
    )
    _publish_outcome(outcome)


def _publish_outcome(outcome) -> None:
    """Say what a publishing run did, and end with its error if one report is not out."""
    for line in outcome.events:
        say(str(line))
    for path, why in outcome.removed:
        say(f"removed {path}: {why}")
    for finding in outcome.ignored_accepts:
        say(f"note: --accept {finding} matched no finding")
    if outcome.index:
        say(f"index: {', '.join(str(p) for p in outcome.index)}")
    say(outcome.summary())
    error = outcome.error()
    if error is not None:
        raise error


@report_app.command(
    "yearly",
    cls=Command,
    epilog=(
        "Example: cocdata report yearly --all\n\n"
        "Example: cocdata report yearly --year 2024 --half --min-count 3"
    ),
)
def report_yearly(
    year: Annotated[
        int | None,
        typer.Option(
            help="Only this year (the year reports were received), e.g. 2024.",
            show_default=False,
            min=1900,
            max=2199,
        ),
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Every year, one row each (the default).")
    ] = False,
    half: Annotated[
        bool, typer.Option("--half", help="One row per half-year instead of per year.")
    ] = False,
    fmt: PublicFormatOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder, the one of the events' reports and their index. "
            "Default: reports/transparency/ (kept out of git).",
            show_default=False,
        ),
    ] = None,
    min_count: MinCountOption = 1,
    force: Annotated[
        bool, typer.Option(help="Render the report again, even if unchanged since last time.")
    ] = False,
    accept: AcceptOption = None,
    jobs: JobsOption = None,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Render the organisation's public yearly report across all events, and add it to the index.

    Per year (or half-year, with --half): reports, people named, actions by
    the organisation and by local event teams, not a violation, out of
    scope, warned, suspended, banned, other, no action; then the reports per
    event. Checked for names before it is written, like every public page.
    """
    from cocdata.reports.publish import DEFAULT_FORMATS
    from cocdata.reports.yearly_publish import publish_yearly

    if year is not None and all_:
        raise UsageError(
            "Name one year with --year, or every year with --all (not both).",
            "Example: cocdata report yearly --year 2024",
        )
    outcome = publish_yearly(
        open_store(store, create=False, key_file=key_file),
        year=year,
        half=half,
        out_dir=out,
        formats=report_formats(fmt) if fmt else DEFAULT_FORMATS,
        min_count=min_count,
        workers=jobs,
        force=force,
        accept=accept or (),
    )
    _publish_outcome(outcome)
