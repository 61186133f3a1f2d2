"""What the report engine is asked to do and what it answers: jobs, results, failures.

A :class:`RenderJob` names a template, its parameters and where the files
go; :func:`cocdata.reports.engine.render` turns each into a
:class:`RenderResult`. Jobs are checked before any kernel starts: their
parameters must be plain data (they are written into the notebook), and no
two jobs of a batch may write the same file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cocdata.errors import ReportFailed

FORMATS = ("html", "md", "pdf", "ipynb")
"""Output formats a job can ask for; each is written as ``out`` plus ``.<format>``."""

BeforeWrite = Callable[["RenderJob", dict[str, str]], None]


def _check_plain(value: Any, where: str, problems: list[str]) -> None:
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            problems.append(f"{where} is {value}, which a notebook cannot take as a parameter")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_plain(item, f"{where}[{i}]", problems)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(f"{where} has the key {key!r}, but keys must be text")
            _check_plain(item, f"{where}[{key!r}]", problems)
        return
    problems.append(f"{where} is a {type(value).__name__}")


@dataclass(frozen=True, kw_only=True)
class RenderJob:
    """One report to render.

    ``parameters`` are IDs and plain values only (text, numbers, booleans,
    None, and lists or dicts of those): papermill writes them into the
    executed notebook, so records and names must be loaded by the template
    from the IDs, never passed in. ``out`` is the output path without a
    suffix; each format in ``formats`` adds its own (``.html``, ``.md``,
    ``.pdf``, ``.ipynb``). ``title`` names the report in the page title and
    in error messages. ``private`` reports (they hold names) are written
    readable by their owner only, in folders created owner-only.
    """

    template: Path
    parameters: dict[str, Any]
    out: Path
    title: str
    formats: tuple[str, ...] = ("html",)
    private: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "template", Path(self.template))
        object.__setattr__(self, "out", Path(self.out))
        object.__setattr__(self, "formats", tuple(self.formats))
        problems: list[str] = []
        hints = []
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            problems.append(
                f"formats {list(self.formats)} must be one or more of {', '.join(FORMATS)}"
            )
        if self.out.suffix.lstrip(".") in FORMATS:
            problems.append(
                f"out {self.out} ends in {self.out.suffix}; give it without a suffix, "
                "the engine adds one per format"
            )
        if not isinstance(self.parameters, dict):
            problems.append("parameters must be a dict of name to value")
        else:
            before = len(problems)
            for name, value in self.parameters.items():
                _check_plain(value, f"parameter {name!r}", problems)
            if len(problems) > before:
                hints.append(
                    "Pass IDs and plain values (text, numbers, booleans, None, lists and "
                    "dicts of those) as parameters, and let the template load the records."
                )
        if problems:
            raise ReportFailed(
                f"The report {self.title!r} cannot be rendered: " + "; ".join(problems) + ".",
                " ".join(hints) or "Correct the RenderJob as described.",
            )

    def path(self, fmt: str) -> Path:
        """Where the file of format ``fmt`` is written."""
        return self.out.with_name(f"{self.out.name}.{fmt}")


@dataclass
class RenderResult:
    """What happened to one job: the files written, or where and why it failed.

    ``cell_index`` counts the template's cells from 0, as nbformat does;
    messages show it counted from 1, as a person counts cells in JupyterLab.
    """

    job: RenderJob
    ok: bool
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    cell_index: int | None = None
    cell_source: str | None = None
    error: str | None = None
    message: str | None = None
    traceback: str | None = None

    def __str__(self) -> str:
        if self.ok:
            files = ", ".join(p.name for p in self.written)
            return f"{self.job.title}: wrote {files} ({self.seconds:.1f} s)"
        where = ""
        if self.cell_index is not None:
            first = (self.cell_source or "").strip().splitlines()
            snippet = f" ({first[0][:60]!r})" if first else ""
            where = f" in cell {self.cell_index + 1}{snippet} of {self.job.template.name}"
        return f"{self.job.title}: failed{where}: {self.error}: {self.message}"


def raise_for_failures(results: Sequence[RenderResult]) -> None:
    """Raise :class:`ReportFailed` naming every failed report, if any failed.

    Call it after :func:`render` returned: by then every other report has
    been written.
    """
    failed = [r for r in results if not r.ok]
    if not failed:
        return
    done = len(results) - len(failed)
    lines = [
        f"{len(failed)} of {len(results)} reports failed "
        f"({done} written); nothing was written for these:"
    ]
    lines += [f"  - {r}" for r in failed]
    raise ReportFailed(
        "\n".join(lines),
        "Fix the template or the data named above and render those reports again.",
    )


def check_batch(jobs: list[RenderJob]) -> None:
    """Refuse a batch that holds something else than jobs, or two jobs writing one file."""
    seen: dict[Path, str] = {}
    clashes = []
    for job in jobs:
        if not isinstance(job, RenderJob):
            raise ReportFailed(
                f"render() takes RenderJob objects, not {type(job).__name__}.",
                "Build each report as RenderJob(template=..., parameters=..., out=..., title=...).",
            )
        for fmt in job.formats:
            path = job.path(fmt).resolve()
            if path in seen:
                clashes.append(f"{job.title!r} and {seen[path]!r} would both write {path}")
            seen[path] = job.title
    if clashes:
        raise ReportFailed(
            "Some reports would overwrite each other; nothing was rendered:\n"
            + "\n".join(f"  - {c}" for c in clashes),
            "Give every report its own out path.",
        )
