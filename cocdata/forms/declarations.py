"""Every field of the report form, declared once: label, help, kind of widget, and where it maps in a case.

Both screens build their inputs from this table (``build``): the report form
in ``intake.py`` and, through it, the *Edit fields* tab of the case view.
``maps_to`` is the path in a ``Case`` (see ``mapping.py``); ``None`` marks
a form-only field (the reporter's contact lives on the reporter's person
entry). ``options`` names a vocabulary or one of the label tables below.
The table is long on purpose: splitting it would hide a field from whoever
looks for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cocdata.forms import fields as F
from cocdata.forms.labels import ONGOING_LABELS, OTHER_LABELS, PUBLIC_HINT, STATUS_LABELS
from cocdata.forms.times import PRECISION_LABELS, PRECISIONS
from cocdata.vocab import ONGOING, STATUSES, Vocabularies

PASSING_ON = (
    "Passing a case on has three places, one for each step: “Decided to report it to” is the "
    "team's decision about who should hear of it; “Written report sent to” is where the "
    "written report went once it was sent (`cocdata forward` fills it in and adds the "
    "timeline entry “Forwarded to another body” itself); the action “Referred onward” in the "
    "case view records that the team's response was to hand the matter to another body."
)


@dataclass(frozen=True)
class Decl:
    """One input: its attribute on the form, label, help, widget kind and case path."""

    attr: str
    path: str
    label: str
    help: str = ""
    kind: str = "text"  # text, area, choice, check, checkboxes
    maps_to: str | None = None
    options: str | None = None  # a vocabulary name, or "precision", "ongoing", "status"
    value: Any = None
    blank: str | None = None
    rows: int = 3
    css: str | None = None

    @property
    def on_person(self) -> bool:
        """Kept on a person entry (the reporter's contact, the reporter as target): its
        problems are shown on the person rows, not at this input."""
        return (self.maps_to or "").startswith("people.")


REPORT_FIELDS: tuple[Decl, ...] = (
    Decl("made_by", "report.made_by", "Who reported it",
         "The person who told you, by name or as they introduced themselves.",
         maps_to="report.made_by"),
    Decl("anonymous", "report.anonymous", "Anonymous: they did not give a name",
         "Leave the name empty.", kind="check", maps_to="report.made_by"),
    Decl("reporter_contact", "reporter.contact", "How to reach the reporter (optional)",
         "E-mail, phone or handle, so the team can follow up.", maps_to="people.reporter.contact"),
    Decl("received_by", "report.received_by", "Who received it",
         "Team members who took the report; separate names with commas.",
         maps_to="report.received_by"),
    Decl("made_at", "report.made_at", "When it was reported",
         "Now, unless you write it up later. Like 2000-12-29 09:00.", maps_to="report.made_at"),
    Decl("made_where", "report.made_where", "Where it was reported",
         "For example: at the registration desk.", maps_to="report.made_where"),
    Decl("channel", "report.channel", "How it was reported", kind="choice",
         maps_to="report.channel", options="channels", value="verbal"),
    Decl("occurred_at", "occurred.at", "When it happened",
         "As precisely as known: 2000-12-28 22:30, 2000-12-28, 2000-12, 'yesterday 22:30'. "
         "Leave empty if unknown.", maps_to="occurred.at"),
    Decl("precision", "occurred.precision", "How precisely the time is known",
         "Follows what you type; choose here only to say the time is less sure than written.",
         kind="choice", maps_to="occurred.precision", options="precision", value="unknown"),
    Decl("approximate", "occurred.approximate", "The time is approximate",
         "Tick when they said 'around' or 'about'.", kind="check", maps_to="occurred.approximate"),
    Decl("occurred_where", "occurred.where", "Where it happened",
         "For example: at the conference party.", maps_to="occurred.where"),
    Decl("space", "occurred.space", "Kind of space", "Used to count incidents by kind of space.",
         kind="choice", maps_to="occurred.space", options="spaces", blank="Not set yet"),
    Decl("reporter_is_target", "reporter.is_target", "The person who reported it was the target",
         "The target is the person harmed or made uncomfortable.", kind="check",
         maps_to="people.target"),
    Decl("description", "description", "What happened",
         "In the reporter's words where you can: what was said or done, by whom, to whom. "
         "Neutral; no judgement yet.", kind="area", maps_to="description", rows=6),
    Decl("categories", "categories", "Kind of behaviour",
         "Tick every kind that applies; entries marked 'outside the code of conduct' are "
         "counted apart.", kind="checkboxes", maps_to="categories", options="categories"),
    Decl("safety_risk", "safety_risk", "There is a safety risk: someone may be in danger",
         "Tell the team lead at once; consider venue security or the police.", kind="check",
         maps_to="safety_risk"),
    Decl("ongoing", "ongoing", "Is this ongoing harassment?",
         "Ongoing harassment needs a plan to stop it, not only a decision about the past.",
         kind="choice", maps_to="ongoing", options="ongoing", value="no"),
    Decl("status_field", "status", "Status of the case", kind="choice", maps_to="status",
         options="status", value="new"),
    Decl("reported_to", "decisions.reported_to", "Decided to report it to",
         "The team's decision: who should hear of this case (the organisers, a foundation's CoC "
         "committee, the venue). Commas between names.", maps_to="decisions.reported_to"),
    Decl("organisers_must", "decisions.organisers_must", "What the organisers must do",
         "Actions the organisers are asked to take, such as not publishing a talk video.",
         kind="area", maps_to="decisions.organisers_must"),
    Decl("transparency_include", "transparency.include", "Include in the transparency report",
         "The public report counts cases and describes the ones included here.", kind="check",
         maps_to="transparency.include"),
    Decl("public_summary", "transparency.summary", "Public summary (will be published)",
         PUBLIC_HINT, kind="area", maps_to="transparency.summary", css="cocdata-public-hint"),
    Decl("forwarded_to", "forwarded_to", "Written report sent to",
         "Where the written report was actually sent, once it was: for example a foundation's "
         "CoC committee. Commas between names.", maps_to="forwarded_to"),
)  # fmt: skip

# The form's label for each stored path, so that messages about a case (a
# conflict, a change list) speak the form's words, not the record's paths.
FIELD_LABELS = {
    **OTHER_LABELS,
    **{d.maps_to: d.label for d in REPORT_FIELDS if d.maps_to and d.kind != "check"},
    **{d.maps_to: d.label for d in REPORT_FIELDS if d.maps_to and d.kind == "check"
       and d.maps_to not in ("report.made_by", "people.target")},
}  # fmt: skip


def field_label(path: str) -> str:
    """The form's label for a stored path (``decisions.organisers_must``) or a change like
    ``timeline (+1)``; an unknown path is shown as it is."""
    head, _, rest = path.partition(" ")
    label = FIELD_LABELS.get(head) or FIELD_LABELS.get(head.split(".")[0]) or head
    return f"{label} {rest}".strip()


def options_for(name: str, vocab: Vocabularies) -> list[tuple[str, Any]]:
    """The choices of a dropdown or checkbox group named in the table."""
    fixed: dict[str, Callable[[], list[tuple[str, Any]]]] = {
        "precision": lambda: [(PRECISION_LABELS[p], p) for p in PRECISIONS],
        "ongoing": lambda: [(ONGOING_LABELS[o], o) for o in ONGOING],
        "status": lambda: [(STATUS_LABELS[s], s) for s in STATUSES],
    }
    if name in fixed:
        return fixed[name]()
    return vocab.choices(name)


def build(decl: Decl, vocab: Vocabularies) -> F.Field:
    """The labelled input of one declared field."""
    if decl.kind == "text":
        field = F.text(decl.path, decl.label, decl.help)
    elif decl.kind == "area":
        field = F.area(decl.path, decl.label, decl.help, rows=decl.rows)
    elif decl.kind == "check":
        field = F.check(decl.path, decl.label, decl.help)
    elif decl.kind == "checkboxes":
        field = F.checkboxes(
            decl.path, decl.label, options_for(str(decl.options), vocab), decl.help
        )
    elif decl.kind == "choice":
        field = F.choice(
            decl.path,
            decl.label,
            options_for(str(decl.options), vocab),
            decl.help,
            value=decl.value,
            blank=decl.blank,
        )
    else:
        raise ValueError(f"unknown kind of field {decl.kind!r} for {decl.path}")
    if decl.css:
        field.box.add_class(decl.css)
    return field


def build_all(decls: tuple[Decl, ...], vocab: Vocabularies) -> dict[str, F.Field]:
    """Every declared field, by attribute name, in the table's order."""
    return {d.attr: build(d, vocab) for d in decls}
