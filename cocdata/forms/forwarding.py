"""Forwarding the case on screen to another body, and recording the recipient's receipt.

The case view's "Forward to…" tab does what ``cocdata forward ID --to BODY
[--package] [--link-key FILE]`` does, through the same call
(``cocdata.reports.forward.forward``): a redacted readable report, with the
package option a case package the recipient's cocdata imports (with keyed
pseudonyms when the recipient's linkage key is given), all written to a folder
only this user can read; the case records the forward as a new revision and
the access log gets an entry. The tab says where the files went: sending them
is left to the team. A receipt file the recipient sends back is recorded on
the case as ``cocdata forward --receipt FILE`` does.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from cocdata import config
from cocdata.errors import CocdataError, Problem
from cocdata.forms import fields as F
from cocdata.forms.session import CaseSession
from cocdata.store import StoredCase

REPORT_FORMATS = [
    ("PDF", "pdf"),
    ("Web page (HTML)", "html"),
    ("None: the case package only", "none"),
]
RECEIPT_LIMIT = 1_000_000


def default_folder() -> Path:
    """Where forwarded files go unless the user names a folder: beside the forms' own files."""
    return config.data_home() / "forwarded"


class CaseForwarder:
    """The "Forward to…" tab: forward the case on screen, or record a receipt for it."""

    def __init__(self, session: CaseSession, folder: Path | None = None) -> None:
        self.session = session
        self.board = F.ProblemBoard()
        self.to = F.text(
            "forward.to",
            "Forward to",
            "The body the case goes to, as it should read in the case's record.",
            placeholder="e.g. Django Software Foundation Code of Conduct",
        )
        self.report = F.choice(
            "forward.report",
            "Readable report",
            REPORT_FORMATS,
            "A redacted copy for people to read: no names, no contacts, no evidence by default.",
            value="pdf",
        )
        self.package = F.check(
            "forward.package",
            "Also write a case package for the recipient's cocdata",
            "One file the recipient imports into its own records, so that it can notice "
            "when the same person is reported again elsewhere. It holds no names.",
        )
        self.link_key = F.text(
            "forward.link_key",
            "Recipient's linkage key file (optional)",
            "The file the recipient gave your team ('cocdata link new-key'), on this computer. "
            "With it, people in the package carry keyed pseudonyms the recipient can match; "
            "without it, nothing in the package links to other cases.",
            placeholder="e.g. /home/team/dsf-link.key",
        )
        self.folder = F.text(
            "forward.folder",
            "Write the files to",
            "A folder on this computer; a folder for this forward is made inside it, "
            "readable by you only.",
        )
        self.folder.value = str(folder or default_folder())
        self.why = F.text("forward.why", "Why (optional)", "Recorded with the forward.")
        self.board.register(self.to, self.report, self.package, self.link_key, self.folder)
        self.button = F.button("Forward", "cocdata-forward", "success", icon="share")
        self.button.on_click(lambda _: self.forward())
        self.result = F.html_widget("", "cocdata-forward-result")
        self.package.observe(lambda _: self._package_changed())
        self.receipt = self._receipt_picker()
        self.widget = F.vbox(
            [
                F.help_line(
                    "Forwarding writes the files and records in the case who forwarded which "
                    "revision to whom; sending the files is up to you."
                ),
                self.to.box,
                F.row([self.report.box, self.package.box]),
                self.link_key.box,
                F.row([self.folder.box, self.why.box]),
                self.board.summary,
                F.row([self.button], "cocdata-buttons"),
                self.result,
                F.heading("The recipient's receipt"),
                self.receipt_field.box,
            ]
        )
        self.widget.add_class("cocdata-forwarder")
        self._package_changed()

    def _receipt_picker(self) -> Any:
        import ipywidgets as W

        picker = W.FileUpload(
            accept=".json",
            multiple=False,
            description="Record a receipt",
            layout=F.layout("auto"),
            style=F.style("button"),
        )
        picker.add_class("cocdata-receipt-upload")
        self.receipt_field = F.Field(
            "forward.receipt",
            picker,
            "The small file the recipient's 'cocdata receive --receipt' wrote: it is "
            "recorded on this case's timeline.",
        )
        picker.observe(self._receipt_chosen, names="value")
        return picker

    def _package_changed(self) -> None:
        F.hide(self.link_key.box, not self.package.value)

    def opened(self, stored: StoredCase) -> None:
        """A case was opened: the recipient it went to before is the likely one."""
        self.board.clear()
        self.result.value = ""
        if not self.to.value.strip() and stored.case.forwarded_to:
            self.to.value = stored.case.forwarded_to[-1]

    def forward(self) -> StoredCase | None:
        """Forward the case on screen as set in the tab; the revision recording it."""
        from cocdata.handoff.linkage import read_key
        from cocdata.reports.forward import forward

        stored = self.session.stored
        if stored is None:
            return None
        self.board.clear()
        self.result.value = ""
        unnamed = self.session.unnamed()
        if unnamed:
            self.board.message(unnamed)
            return None
        problems = []
        to = " ".join(self.to.value.split())
        if not to:
            problems.append(Problem("forward.to", "write who the case goes to"))
        folder = Path(self.folder.value.strip()).expanduser() if self.folder.value.strip() else None
        if folder is None:
            problems.append(Problem("forward.folder", "write a folder for the files"))
        elif not folder.is_absolute():
            problems.append(Problem("forward.folder", "write the whole path, from /"))
        formats = () if self.report.value == "none" else (self.report.value,)
        package = bool(self.package.value)
        if not formats and not package:
            problems.append(
                Problem("forward.report", "choose a readable report, or the case package")
            )
        key = None
        key_path = self.link_key.value.strip() if package else ""
        if key_path:
            try:
                key = read_key(Path(key_path).expanduser())
            except CocdataError as exc:
                problems.append(Problem("forward.link_key", exc.message))
        if problems:
            self.board.show(problems)
            return None
        self.button.disabled = True
        self.session.status.note(f"Writing the files for {to}…")
        try:
            done = forward(
                self.session.store,
                stored.case_id,
                to,
                formats=formats,
                out_dir=folder,
                why=self.why.value.strip() or None,
                by=self.session.member(),
                package=package,
                link_key=key,
            )
        except CocdataError as exc:
            self.session.status.clear()
            self.board.message(str(exc))
            return None
        finally:
            self.button.disabled = False
        self.result.value = _written_html(done.files, done.package is not None, key is not None)
        self.session.load(stored.case_id)
        self.session.status.ok(
            f"Forwarded to {to}; recorded as revision {done.saved.rev} of {done.case_id} by "
            f"{done.saved.saved_by}."
        )
        return done.saved

    def _receipt_chosen(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if files:
            self.record_receipt(files[0])

    def record_receipt(self, upload: dict[str, Any]) -> StoredCase | None:
        """Record an uploaded receipt file (an ipywidgets ``FileUpload`` entry) on its case."""
        from cocdata.handoff.receipts import record_receipt

        self.receipt_field.clear()
        stored = self.session.stored
        if stored is None:
            return None
        content = upload.get("content")
        data = content.tobytes() if isinstance(content, memoryview) else bytes(content or b"")
        if len(data) > RECEIPT_LIMIT:
            self.receipt_field.show(["this is not a receipt file: it is far too large"])
            return None
        with tempfile.TemporaryDirectory(prefix="cocdata-receipt-") as private:
            path = Path(private) / "receipt.json"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            try:
                receipt, saved = record_receipt(self.session.store, path, by=self.session.member())
            except CocdataError as exc:
                self.receipt_field.show([str(exc)])
                return None
            finally:
                self.receipt.value = ()
        if receipt.case_id != stored.case_id:
            self.receipt_field.show([f"recorded on case {receipt.case_id}, not the one on screen"])
        if saved is None:
            self.session.status.note(
                f"The receipt for revision {receipt.rev} was recorded before; nothing changed."
            )
            return None
        self.session.load(stored.case_id)
        self.session.status.ok(
            f"Receipt recorded: {receipt.recipient} received revision {receipt.rev} on "
            f"{receipt.received_at:%Y-%m-%d %H:%M}. Saved as revision {saved.rev}."
        )
        return saved


def _written_html(files: list[Path], package: bool, linked: bool) -> str:
    items = "".join(f"<li><code>{F.esc(p)}</code></li>" for p in files)
    folder = F.esc(files[0].parent) if files else ""
    note = ""
    if package:
        note = (
            " The case package carries keyed pseudonyms the recipient can match."
            if linked
            else " The case package has no linkage key: its people link to no other case."
        )
    return (
        f"<div role='status'>Written to <code>{folder}</code> (readable by you only):"
        f"<ul>{items}</ul>Send these files to the recipient.{F.esc(note)}</div>"
    )
