"""What a form shows when it cannot open (no store, a locked store): why, and what to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cocdata import notebook_errors
from cocdata.errors import CocdataError
from cocdata.forms import fields as F
from cocdata.store import Store

Form = TypeVar("Form")


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


def open_form(
    make: Callable[..., Form], store: Store | str | None, member: str | None, **options: Any
) -> Form | FormUnavailable:
    """``make(store, member, **options)`` on the store at ``store`` (or ``$COCDATA_STORE``),
    or, when the store cannot be opened, a ``FormUnavailable`` that says why."""
    notebook_errors.install()  # a mistake shows as a message, not a traceback
    try:
        if not isinstance(store, Store):
            store = Store.open(store)
        return make(store, member, **options)
    except CocdataError as exc:
        return FormUnavailable(exc)
