"""The report form's layout: the quick capture first, every other item of the guide under "More details".

A part of ``CaseForm`` (``intake.py``): the order in which the declared fields
(``declarations.py``) appear, and the sticky bar that keeps Save in reach.
"""

from __future__ import annotations

import ipywidgets as W

from cocdata.forms import fields as F
from cocdata.forms.declarations import PASSING_ON, REPORT_FIELDS


class ReportLayout:
    """Part of ``CaseForm``: see the module's docstring; uses the form's widgets."""

    def _simple_fields(self) -> list[F.Field]:
        # Every declared input in the table's order, then the evidence note.
        return [*(getattr(self, d.attr) for d in REPORT_FIELDS), self.evidence.note]

    def _layout(self) -> W.VBox:
        self.title = F.html_widget("")
        self.title.add_class("cocdata-title")
        self._render_title()
        quick = F.vbox(
            [
                self.event.widget,
                F.heading("The report"),
                F.row([self.made_by.box, self.anonymous.box]),
                F.row([self.received_by.box, self.made_at.box, self.made_where.box]),
                F.heading("The incident"),
                F.row([self.occurred_at.box, self.precision.box, self.approximate.box]),
                self.time_notice,
                self.date_notice,
                self.occurred_where.box,
                F.heading("Who was involved"),
                F.help_line(
                    "Start with the target: the person harmed or made uncomfortable. Then the person "
                    "whose behaviour is reported. Add witnesses with 'Add a person'."
                ),
                self.reporter_is_target.box,
                self.people.widget,
                self.description.box,
            ]
        )
        quick.add_class("cocdata-quick")
        details = F.vbox(
            [
                F.heading("The report"),
                F.row([self.channel.box, self.reporter_contact.box]),
                F.heading("The incident"),
                self.space.box,
                self.categories.box,
                F.row([self.safety_risk.box, self.ongoing.box]),
                F.heading("Decisions"),
                self.status_field.box,
                F.help_line(PASSING_ON, "cocdata-passing-on"),
                self.reported_to.box,
                self.organisers_must.box,
                F.heading("Transparency report"),
                self.transparency_include.box,
                self.public_summary.box,
                self.forwarded_to.box,
                F.heading("Evidence"),
                self.evidence.widget,
                F.row([self.save_bottom], "cocdata-buttons"),
            ]
        )
        details.add_class("cocdata-details")
        self.more = W.Accordion(
            children=[details], titles=("More details (can be filled in later)",)
        )
        self.more.selected_index = None if self.stored is None else 0
        self.more.add_class("cocdata-more")
        buttons = F.row([self.save_button, self.new_button], "cocdata-buttons")
        # Save stays on screen however long the form: the bar is the form's last
        # child and sticks to the window's foot while the form is in view.
        bar = F.vbox([buttons, self.status.widget, self.drafts.status.widget], "cocdata-actionbar")
        form = F.vbox(
            [
                F.style_tag(),
                self.title,
                *([self.member_bar.widget] if self.own_member_bar else []),
                self.offer.widget,
                quick,
                self.board.summary,
                self.conflict_box,
                self.more,
                bar,
            ],
        )
        form.add_class("cocdata-form")
        form.add_class("cocdata-case-form" if self.stored else "cocdata-intake")
        return form

    def _render_title(self) -> None:
        # A new report has its heading in the notebook; a saved one shows its code name.
        if self.stored is None:
            self.title.value = ""
            return
        text = f"Case {self.stored.case_id} (revision {self.stored.rev})"
        self.title.value = f"<h3 style='margin:4px 0'>{F.esc(text)}</h3>"
