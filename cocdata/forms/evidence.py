"""Attaching evidence: copied e-mails, screenshots and PDFs kept in the store by SHA-256."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from cocdata.errors import CocdataError
from cocdata.forms import fields as F
from cocdata.forms.fields import Field, esc, text
from cocdata.model import Evidence
from cocdata.store import MAX_EVIDENCE_BYTES, Store

ACCEPT = "image/*,.pdf,.eml,.msg,.txt,.html,.htm,.md,.mbox"


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1e6:.1f} MB"


class EvidenceUpload:
    """A file picker that keeps each chosen file in the store and lists what was kept.

    Files are written to the store as soon as they are chosen (content-addressed,
    so a file chosen twice is kept once); ``items`` are the evidence entries to
    attach to the case on the next save. Files over the limit are refused with a
    message next to the picker.
    """

    def __init__(
        self,
        store: Store,
        member: Callable[[], str],
        path: str = "evidence",
        label: str = "Attach files",
        help_text: str = "",
        limit: int = MAX_EVIDENCE_BYTES,
        on_change: Callable[[], None] | None = None,
        pending: str = "Attached on the next save:",
    ) -> None:
        self.store = store
        self.label = label
        self.pending = pending
        self.member = member
        self.limit = limit
        self.on_change = on_change
        self.items: list[Evidence] = []
        self.upload = W.FileUpload(
            accept=ACCEPT,
            multiple=True,
            description=label,
            tooltip="Choose copied e-mails, screenshots or PDFs",
            layout=F.layout("auto"),
            style=F.style("button"),
        )
        self.upload.add_class("cocdata-upload")
        self.note = text(
            f"{path}.note",
            "What the files show (optional)",
            "For example: 'e-mail from Person B, 3 March' or 'screenshot of the chat message'.",
        )
        help_text = help_text or (
            f"Copied e-mails, screenshots, PDFs; up to {limit / 1e6:.0f} MB each. "
            "They are kept inside the store, never sent anywhere."
        )
        self.field = Field(path, self.upload, help_text)
        self.listing = F.html_widget("")
        self.listing.add_class("cocdata-evidence-list")
        self.widget = F.vbox([self.note.box, self.field.box, self.listing])
        self.widget.add_class("cocdata-evidence")
        self.upload.observe(self._received, names="value")

    def _received(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        self.add_files(files)
        # The picker's own count follows its value: keep the value, so the
        # button reads "Attach files (1)" after a file was chosen.

    def add_files(self, files: Any) -> list[Evidence]:
        """Keep uploaded files (ipywidgets 8 ``FileUpload.value`` entries) in the store."""
        refused: list[str] = []
        kept: list[Evidence] = []
        for item in files:
            name = str(item.get("name") or "file")
            content = item.get("content")
            data = content.tobytes() if isinstance(content, memoryview) else bytes(content or b"")
            if len(data) > self.limit:
                refused.append(
                    f"{name} is {human_size(len(data))}, over the limit of "
                    f"{self.limit / 1e6:.0f} MB; attach a smaller copy (a screenshot or a PDF "
                    "of the relevant part)."
                )
                continue
            try:
                evidence = self.store.put_blob(
                    data,
                    name=name,
                    media_type=str(item.get("type") or "application/octet-stream"),
                    note=self.note.value.strip() or None,
                    by=self.member(),
                    limit=self.limit,
                )
            except CocdataError as exc:
                refused.append(f"{name} could not be kept: {exc}")
                continue
            if all(e.sha256 != evidence.sha256 for e in self.items):
                self.items.append(evidence)
                kept.append(evidence)
        self.field.show(refused)
        self._render()
        if self.on_change:
            self.on_change()
        return kept

    def _render(self) -> None:
        if not self.items:
            self.listing.value = ""
            return
        lines = "".join(
            f"<li>{esc(e.name)} ({esc(human_size(e.size))})"
            + (f" — {esc(e.note)}" if e.note else "")
            + "</li>"
            for e in self.items
        )
        self.listing.value = f"<div>{esc(self.pending)}<ul>{lines}</ul></div>"

    def values(self) -> list[dict[str, Any]]:
        return [e.model_dump(mode="json") for e in self.items]

    def load(self, values: list[dict[str, Any]] | None) -> None:
        self.items = [Evidence.model_validate(v) for v in values or []]
        self.field.clear()
        self._render()

    def clear(self) -> None:
        self.items = []
        self.upload.value = ()
        self.note.value = ""
        self.field.clear()
        self._render()
