"""Commands of the hand-off to a foundation: ``forward``, ``receive``, ``link new-key``,
``link people``, and what ``schema --package`` calls.

They only parse and hand over to ``cocdata.handoff``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cocdata.cli.options import (
    Command,
    KeyFileOption,
    MemberOption,
    StoreOption,
    group,
    open_store,
    report_formats,
    say,
    show,
)
from cocdata.errors import UsageError
from cocdata.handoff import linkage

app = typer.Typer()
link_app = group(
    "Linkage keys: recognise the same person across teams without sharing names.",
    epilog="Example: cocdata link new-key --out ~/coc/dsf-link.key",
)
app.add_typer(link_app, name="link")

LinkKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--link-key",
        help="The linkage key file the foundation gave you ('cocdata link new-key').",
        show_default=False,
    ),
]


@link_app.command(
    "new-key",
    cls=Command,
    epilog="Example: cocdata link new-key --out ~/coc/dsf-link.key",
)
def new_key(
    out: Annotated[Path, typer.Option("--out", help="The new key file (never overwritten).")],
) -> None:
    """Make a linkage key for the event teams that forward cases to you.

    Give the file to those teams over a private channel; they pass it to
    'cocdata forward --package --link-key FILE', and you to 'cocdata receive
    --link-key FILE'. Keep it secret: whoever holds it can test a guessed name
    against the pseudonyms in packages.
    """
    key = linkage.new_key()
    path = linkage.write_key(key, out)
    say(f"Wrote the linkage key {key.key_id} to {path} (readable by you only).")


@link_app.command(
    "people",
    cls=Command,
    epilog="Example: cocdata link people --link-key ~/coc/dsf-link.key",
)
def link_people(
    link_key: Annotated[
        Path,
        typer.Option("--link-key", help="This store's own linkage key ('cocdata link new-key')."),
    ],
    store: StoreOption = None,
    key_file: KeyFileOption = None,
    member: MemberOption = None,
) -> None:
    """Link people entered here since a receipt to the received people they are.

    Everyone entered in this store (with a name or contact) gets their keyed
    pseudonyms worked out with your linkage key; whoever matches a person
    received in a case package gets that person's code name, so both show
    together in 'cocdata cases --person CODE' and the repeat-people view. Run
    it after entering cases about people who may have been forwarded to you.
    """
    from cocdata.handoff.relink import link_people as relink

    key = linkage.read_key(link_key)
    done = relink(open_store(store, create=False, key_file=key_file), key, by=member)
    for item in done:
        say(item.line())
    say(f"{len(done)} person code(s) linked to received people.")


@app.command(
    cls=Command,
    epilog="Example: cocdata receive guide-example-r1.cocpkg.json "
    '--body "Django Software Foundation Code of Conduct" --link-key ~/coc/dsf-link.key '
    "--receipt-out receipt.json",
)
def receive(
    files: Annotated[list[Path], typer.Argument(help="Case package files (*.cocpkg.json).")],
    body: Annotated[
        str,
        typer.Option(
            "--body", help="Who this store belongs to; packages meant for another are refused."
        ),
    ],
    link_key: LinkKeyOption = None,
    receipt_out: Annotated[
        Path | None,
        typer.Option(
            "--receipt-out",
            help="Write a receipt for the sending team: this file for one package, one file "
            "per package in this folder for several.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
    member: MemberOption = None,
) -> None:
    """Import case packages forwarded by event teams into this store.

    Each package is checked first (hash, format version, recipient, the case);
    if one fails nothing is written. A case is imported once; a newer revision
    updates it unless it was changed here since (then it is kept as a timeline
    note with what differs). People matching someone already in the store by
    their pseudonyms get that person's code name. The receipt is logged in the
    access log.
    """
    from cocdata.handoff.receipts import write_receipts
    from cocdata.handoff.receive import receive as receive_packages

    key = linkage.read_key(link_key) if link_key is not None else None
    opened = open_store(store, create=False, key_file=key_file)
    report = receive_packages(opened, files, body, key, by=member)
    say(report.text())
    if receipt_out is not None:
        if len(report.received) > 1:
            receipt_out.mkdir(parents=True, exist_ok=True)
        for path in write_receipts(report.received, receipt_out, by=member):
            say(f"wrote receipt {path}")


def forward_receipt(
    store: Path | None, receipt: Path, member: str | None, key_file: Path | None = None
) -> None:
    """``cocdata forward --receipt FILE``: record a receipt on the forwarded case."""
    from cocdata.handoff.receipts import record_receipt

    got, saved = record_receipt(
        open_store(store, create=False, key_file=key_file), receipt, by=member
    )
    if saved is None:
        say(f"The receipt for case {got.case_id} (revision {got.rev}) was recorded before.")
    else:
        say(
            f"Recorded on case {got.case_id} as revision {saved.rev}: {got.recipient} received "
            f"revision {got.rev} on {got.received_at:%Y-%m-%d %H:%M}."
        )


def package_schema() -> None:
    """``cocdata schema --package``: print the JSON Schema of a case package."""
    from cocdata.handoff.package import json_schema

    show(json.dumps(json_schema(), indent=2))


@app.command(
    cls=Command,
    epilog='Example: cocdata forward guide-example --to "Django Software Foundation Code of Conduct"',
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
        bool,
        typer.Option(
            "--package", help="Also write a case package the recipient's cocdata imports."
        ),
    ] = False,
    link_key: LinkKeyOption = None,
    receipt: Annotated[
        Path | None,
        typer.Option(help="Record the recipient's receipt file on the case.", show_default=False),
    ] = None,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
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
        forward_receipt(store, receipt, member, key_file)
        return
    if case_id is None or not to:
        raise UsageError(
            "Name the case to forward and who it goes to.",
            'Example: cocdata forward guide-example --to "Django Software Foundation Code of '
            'Conduct"',
        )

    parts = None if redact is None else [p for p in redact if p != "none"]
    result = forward_case(
        open_store(store, create=False, key_file=key_file),
        case_id,
        to,
        redact=parts,
        formats=report_formats(fmt or ["pdf"]),
        out_dir=out,
        why=why,
        by=member,
        package=package,
        link_key=read_key(link_key) if link_key is not None else None,
    )
    say(result.text())
