"""Render batches of reports from parameterised notebook templates, in parallel.

For each :class:`RenderJob` the engine starts a fresh kernel, injects the
job's parameters into the template (papermill), runs every cell (nbclient),
exports the result (nbconvert, inputs hidden) and writes the files. Reports
fail one by one: a report whose template raises is named with its cell and
error, nothing is written for it, and the others still complete.

Where the time goes and why it is spent this way is in
``docs/performance.md`` ("Report engine"). In short: the heavy imports
happen once per batch, kernels are forked from a preloaded server
(:mod:`cocdata.reports.kernels`), and each worker starts the kernel of its
next report while the current one runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import sys
import tempfile
import time
import traceback as tb
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocdata.errors import CocdataError, ReportFailed

if TYPE_CHECKING:
    from cocdata.reports.execute import Templates
    from cocdata.reports.export import Exporter
    from cocdata.reports.kernels import Kernel, KernelFactory

log = logging.getLogger(__name__)

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


def render(
    jobs: Sequence[RenderJob],
    workers: int | None = None,
    progress: bool = True,
    before_write: BeforeWrite | None = None,
) -> list[RenderResult]:
    """Render every job, ``workers`` at a time; return one result per job, in order.

    ``workers`` defaults to the number of CPU cores. ``before_write(job,
    texts)`` is called with the rendered texts by format (``html`` whenever
    HTML or PDF is wanted, ``md``, ``ipynb``) before anything is written; if
    it raises a :class:`CocdataError`, nothing is written for that job and
    the result carries that error's message. The HTML it sees leaves out the
    plotly.js library, which is inlined on writing. A progress bar goes to
    stderr unless ``progress`` is false.

    Never raises for a failing report (see :func:`raise_for_failures`);
    raises :class:`ReportFailed` only for a batch that cannot start, such as
    two jobs writing the same file.
    """
    jobs = list(jobs)
    _check_batch(jobs)
    if not jobs:
        return []
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    coro = _render(jobs, workers, progress, before_write)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Called from a running event loop (e.g. a notebook cell): the batch
    # needs a loop of its own, so give it a thread.
    with ThreadPoolExecutor(1, thread_name_prefix="cocdata-render") as pool:
        return pool.submit(asyncio.run, coro).result()


def _check_batch(jobs: list[RenderJob]) -> None:
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


async def _render(
    jobs: list[RenderJob], workers: int, progress: bool, before_write: BeforeWrite | None
) -> list[RenderResult]:
    from tqdm import tqdm

    from cocdata.reports import execute
    from cocdata.reports.kernels import KernelFactory

    results: list[RenderResult | None] = [None] * len(jobs)
    queue: deque[tuple[int, RenderJob]] = deque(enumerate(jobs))
    bar = tqdm(total=len(jobs), unit="report", file=sys.stderr, disable=not progress)
    # All exports share one thread: nbconvert exporters are not thread-safe,
    # and the CPU time is the same on one thread as on several.
    export_pool = ThreadPoolExecutor(1, thread_name_prefix="cocdata-export")
    loop = asyncio.get_running_loop()
    stops: set[asyncio.Task[None]] = set()
    try:
        async with KernelFactory() as kernels:
            # The first kernels start while this process imports nbconvert
            # and friends (about a second) on the export thread.
            libraries = loop.run_in_executor(export_pool, _prepare_exports)
            batch = _Batch(kernels, libraries, export_pool, execute.Templates(), before_write)

            async def worker() -> None:
                pending: tuple[int, RenderJob, asyncio.Task[Kernel]] | None = None
                try:
                    while pending is not None or queue:
                        if pending is None:
                            i, job = queue.popleft()
                            current = (i, job, batch.start_kernel(job))
                        else:
                            current = pending
                        # Start the next report's kernel now, so it is ready
                        # when this one is done. It is still used only once.
                        pending = None
                        if queue:
                            ni, njob = queue.popleft()
                            pending = (ni, njob, batch.start_kernel(njob))
                        i, job, kernel_task = current
                        result = await batch.run(job, kernel_task, stops)
                        task = asyncio.current_task()
                        if task is not None and task.cancelling():
                            # Interrupted (Ctrl-C): this report's failure is
                            # the interruption's doing, not the template's.
                            return
                        results[i] = result
                        bar.update(1)
                        if not result.ok:
                            log.warning("%s", result)
                finally:
                    if pending is not None:
                        await _discard_kernel(kernels, pending[2])

            await asyncio.gather(*(worker() for _ in range(workers)))
            if stops:
                await asyncio.gather(*stops, return_exceptions=True)
    finally:
        bar.close()
        export_pool.shutdown(wait=True)
    return [r for r in results if r is not None]


def _prepare_exports() -> Exporter:
    from cocdata.reports import execute

    execute.load_libraries()
    from cocdata.reports.export import Exporter

    return Exporter()


async def _discard_kernel(kernels: KernelFactory, task: asyncio.Task[Kernel]) -> None:
    if not task.done():
        task.cancel()
    with contextlib.suppress(BaseException):
        kernel = await task
        await kernels.shutdown(kernel)


class _Batch:
    """What every report of one render() call shares."""

    def __init__(
        self,
        kernels: KernelFactory,
        exporter: asyncio.Future[Exporter],
        export_pool: ThreadPoolExecutor,
        templates: Templates,
        before_write: BeforeWrite | None,
    ) -> None:
        self.kernels = kernels
        self.exporter = exporter
        self.export_pool = export_pool
        self.templates = templates
        self.before_write = before_write

    def start_kernel(self, job: RenderJob) -> asyncio.Task[Kernel]:
        # Relative paths in a template resolve against its own folder, as
        # when it is opened in JupyterLab.
        return asyncio.ensure_future(self.kernels.start(job.template.resolve().parent))

    async def run(
        self, job: RenderJob, kernel_task: asyncio.Task[Kernel], stops: set[asyncio.Task[None]]
    ) -> RenderResult:
        from cocdata.reports import execute

        started = time.perf_counter()
        result = RenderResult(job=job, ok=False)
        loop = asyncio.get_running_loop()
        kernel = None
        try:
            exporter = await self.exporter
            nb = await loop.run_in_executor(
                self.export_pool,
                self.templates.parameterise,
                job.template,
                job.parameters,
                job.title,
            )
            kernel = await kernel_task
            try:
                await execute.run(nb, kernel.km, kernel.kc, job.template.resolve().parent)
            finally:
                # Stopping the kernel is off the critical path: the export
                # and the next report need not wait for it.
                stop = asyncio.ensure_future(self.kernels.shutdown(kernel))
                stops.add(stop)
                stop.add_done_callback(stops.discard)
            texts = await loop.run_in_executor(
                self.export_pool, exporter.export, nb, set(job.formats), job.title
            )
            if self.before_write is not None:
                # On the export thread, so a slow check does not stall the
                # kernels' message handling; one at a time, so it need not
                # be thread-safe.
                await loop.run_in_executor(self.export_pool, self.before_write, job, dict(texts))
            result.written = await _write(job, texts)
            result.ok = True
        except execute.CellFailed as exc:
            result.cell_index = exc.cell_index
            result.cell_source = exc.source
            result.error = exc.ename
            result.message = exc.evalue
            result.traceback = exc.traceback
            if exc.ename == "KernelDied" and kernel is not None:
                # Whatever killed it (out of memory, a crash in a C library)
                # is only in what the kernel process printed.
                tail = kernel.log_tail()
                result.message += f"; it printed:\n{tail}" if tail else ""
        except CocdataError as exc:
            result.error = type(exc).__name__
            result.message = str(exc)
        except Exception as exc:
            # An unexpected failure of one report must not stop the others;
            # keep the traceback for whoever debugs it.
            result.error = type(exc).__name__
            result.message = str(exc) or repr(exc)
            result.traceback = tb.format_exc()
        finally:
            if kernel is None:
                # The report failed before its kernel was used (e.g. a bad
                # parameter): stop the kernel that was started for it.
                await _discard_kernel(self.kernels, kernel_task)
        result.seconds = time.perf_counter() - started
        return result


async def _write(job: RenderJob, texts: dict[str, str]) -> list[Path]:
    """Write every requested format, all or none: each goes to a temporary file first."""
    from cocdata.reports import pdf
    from cocdata.reports.export import inline_plotly

    job.out.parent.mkdir(parents=True, exist_ok=True, mode=0o700 if job.private else 0o777)
    staged: dict[Path, Path] = {}
    with tempfile.TemporaryDirectory(prefix="cocdata-report-") as tmp:
        tmpdir = Path(tmp)
        try:
            html = inline_plotly(texts["html"]) if "html" in texts else None
            for fmt in job.formats:
                target = job.path(fmt)
                stage = target.with_name(f".{target.name}.{os.getpid()}.partial")
                staged[target] = stage
                if fmt == "pdf":
                    assert html is not None
                    page = tmpdir / "page.html"
                    page.write_text(html, encoding="utf-8")
                    await pdf.print_pdf(page, stage)
                else:
                    body = html if fmt == "html" else texts[fmt]
                    stage.write_text(body, encoding="utf-8")
            for target, stage in staged.items():
                if job.private:
                    stage.chmod(0o600)
                os.replace(stage, target)
        finally:
            for stage in staged.values():
                with contextlib.suppress(FileNotFoundError):
                    stage.unlink()
    return list(staged)
