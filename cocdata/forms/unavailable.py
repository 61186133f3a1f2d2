"""What a form shows when it cannot open (no store, a locked store): why, and what to do."""

from __future__ import annotations

from cocdata.errors import CocdataError
from cocdata.forms import fields as F


class FormUnavailable:
    """Stands in for a form that cannot open (no store, a locked store): says why and what to do."""

    def __init__(self, error: CocdataError) -> None:
        self.error = error
        message = F.esc(error.message)
        hint = f"<p>{F.esc(error.hint)}</p>" if error.hint else ""
        self.widget = F.vbox(
            [
                F.style_tag(),
                F.html_widget(f"<div role='alert'><p><b>{message}</b></p>{hint}</div>"),
            ],
            "cocdata-form",
        )
        self.widget.add_class("cocdata-unavailable")
