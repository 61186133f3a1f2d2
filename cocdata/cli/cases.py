"""Commands on cases, people and events: cases, show, access, person ..., event ..."""

from __future__ import annotations

from typing import Annotated

import typer

from cocdata.cli.options import (
    Command,
    KeyFileOption,
    MemberOption,
    StoreOption,
    group,
    open_store,
    say,
    show,
)
from cocdata.vocab import STATUSES

app = typer.Typer()
person_app = group(
    "Person code names: merge two that are one person, split one that joins two.",
    epilog="Example: cocdata person merge quiet-otter brave-heron",
)
app.add_typer(person_app, name="person")
event_app = group(
    "Events: list them, show one, correct one (name, dates, location, attendance, organiser).",
    epilog="Example: cocdata event edit djangocon-2000 --attendees 450",
)
app.add_typer(event_app, name="event")


@app.command(
    cls=Command, epilog="Example: cocdata cases --event pycon-north-2024 --status investigating"
)
def cases(
    event: Annotated[str | None, typer.Option(help="Only cases of this event id.")] = None,
    status: Annotated[
        str | None,
        typer.Option(help=f"Only cases with this status: {', '.join(STATUSES)}."),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(help="Only cases naming this person code name.", show_default=False),
    ] = None,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """List cases as a table: code name, event, status, received, categories, space."""
    from cocdata.summary import case_table

    opened = open_store(store, create=False, need_key=False, key_file=key_file)
    show(case_table(opened, event=event, status=status, person=person))


@app.command("show", cls=Command, epilog="Example: cocdata show amber-falcon --history --access")
def show_case(
    case_id: Annotated[str, typer.Argument(help="The case's code name.")],
    history: Annotated[
        bool, typer.Option(help="Also list every revision: who changed what, when.")
    ] = False,
    access: Annotated[
        bool, typer.Option(help="Also list who exported, reported or forwarded it, and when.")
    ] = False,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Show one case as a readable summary, people, timeline and expunge date included."""
    from cocdata.accesslog import entries, entries_text
    from cocdata.retention import case_retention
    from cocdata.summary import case_text, history_text

    opened = open_store(store, create=False, key_file=key_file)
    stored = opened.get(case_id)
    show(case_text(stored, opened.vocab, retention=case_retention(opened, case_id).describe()))
    if history:
        show(history_text(opened.history(case_id)))
    if access:
        show("\n" + entries_text(entries(opened, case_id), case_id))


@app.command(cls=Command, epilog="Example: cocdata access --case amber-falcon")
def access(
    case: Annotated[
        str | None, typer.Option(help="Only entries naming this case.", show_default=False)
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(help="Only subject-access exports of this person code.", show_default=False),
    ] = None,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """List the access log: every export, report, forward and expunge (who, when, what)."""
    from cocdata.accesslog import entries, entries_text

    opened = open_store(store, create=False, key_file=key_file)
    if case:
        opened.get(case)
    show(entries_text(entries(opened, case, person=person), case))


@person_app.command(
    "merge", cls=Command, epilog="Example: cocdata person merge quiet-otter brave-heron"
)
def person_merge(
    keep: Annotated[str, typer.Argument(help="The person code name to keep.")],
    other: Annotated[str, typer.Argument(help="A code name of the same person, to merge in.")],
    store: StoreOption = None,
    key_file: KeyFileOption = None,
    member: MemberOption = None,
) -> None:
    """Record that two person code names are one person: every case naming OTHER names KEEP.

    Each case changed gets a new revision by you; the history keeps the old code.
    """
    from cocdata.people import merge

    result = merge(open_store(store, create=False, key_file=key_file), keep, other, by=member)
    say(result.text(f"{other} merged into {keep}"))


@person_app.command(
    "split", cls=Command, epilog="Example: cocdata person split quiet-otter --case amber-falcon"
)
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
    key_file: KeyFileOption = None,
    member: MemberOption = None,
) -> None:
    """Give the person with CODE in the named cases a new code name of their own."""
    from cocdata.people import split

    result = split(open_store(store, create=False, key_file=key_file), code, case, by=member)
    say(result.text(f"The person with {code} in {', '.join(case)} is now {result.code}"))


def _case_counts(opened) -> dict[str, int]:
    cases = opened.frames().cases
    if cases.empty:
        return {}
    return {str(k): int(v) for k, v in cases["event_id"].value_counts().items()}


@event_app.command("list", cls=Command, epilog="Example: cocdata event list")
def event_list(store: StoreOption = None, key_file: KeyFileOption = None) -> None:
    """List the events: id, dates, name, series, attendance and how many cases each has."""
    from cocdata.events import events_text

    opened = open_store(store, create=False, need_key=False, key_file=key_file)
    show(events_text(opened.events(), _case_counts(opened)))


@event_app.command("show", cls=Command, epilog="Example: cocdata event show djangocon-2000")
def event_show(
    event_id: Annotated[str, typer.Argument(help="The event's id.")],
    store: StoreOption = None,
    key_file: KeyFileOption = None,
) -> None:
    """Show one event as it is now (its newest version)."""
    from cocdata.events import event_text

    opened = open_store(store, create=False, need_key=False, key_file=key_file)
    show(event_text(opened.event(event_id), _case_counts(opened).get(event_id, 0)))


@event_app.command(
    "edit",
    cls=Command,
    epilog="Example: cocdata event edit djangocon-2000 --attendees 450 "
    '--location "Lisbon, Portugal"\n\n'
    "Example: cocdata event edit djangocon-2000 --series djangocon\n\n"
    "Example: cocdata event edit djangocon-2000 --clear organiser",
)
def event_edit(
    event_id: Annotated[str, typer.Argument(help="The event's id (it cannot be changed).")],
    name: Annotated[
        str | None, typer.Option(help="The event's public name.", show_default=False)
    ] = None,
    starts: Annotated[
        str | None,
        typer.Option(help="First day, like 2000-12-27.", show_default=False),
    ] = None,
    ends: Annotated[
        str | None, typer.Option(help="Last day, like 2000-12-29.", show_default=False)
    ] = None,
    location: Annotated[
        str | None, typer.Option(help="Where it took place.", show_default=False)
    ] = None,
    attendees: Annotated[
        int | None,
        typer.Option(help="How many attended (for reports per 100 attendees).", show_default=False),
    ] = None,
    organiser: Annotated[
        str | None, typer.Option(help="Who organised it.", show_default=False)
    ] = None,
    series: Annotated[
        str | None,
        typer.Option(
            help="The series it is an edition of, like djangocon (lowercase letters, digits, -): "
            "its transparency report shows the previous editions.",
            show_default=False,
        ),
    ] = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            help="Leave this field empty: location, attendees, organiser or series; "
            "repeat for several.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
    key_file: KeyFileOption = None,
    member: MemberOption = None,
) -> None:
    """Correct an event: saves a new version with the fields given; earlier versions are kept.

    Every value is checked first (dates, an end not before the start, a
    non-negative attendance); if one is wrong nothing is saved. Transparency
    reports pick up the change the next time they are rendered.
    """
    from cocdata.events import edit_event

    changes = {
        "name": name,
        "start": starts,
        "end": ends,
        "location": location,
        "attendees": attendees,
        "organiser": organiser,
        "series": series,
    }
    opened = open_store(store, create=False, key_file=key_file)
    result = edit_event(
        opened, event_id, {k: v for k, v in changes.items() if v is not None}, clear or (), member
    )
    say(result.text())
