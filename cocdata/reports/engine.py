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
import os
import sys
import tempfile
import time
import traceback as tb
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from cocdata.errors import CocdataError
from cocdata.reports.jobs import (
    FORMATS,
    BeforeWrite,
    RenderJob,
    RenderResult,
    check_batch,
    raise_for_failures,
)

if TYPE_CHECKING:
    from cocdata.reports.execute import Templates
    from cocdata.reports.export import Exporter
    from cocdata.reports.kernels import Kernel, KernelFactory

log = logging.getLogger(__name__)

# Jobs and results live in cocdata.reports.jobs; named here too, so that
# "from cocdata.reports.engine import RenderJob" keeps working.
__all__ = ["FORMATS", "BeforeWrite", "RenderJob", "RenderResult", "raise_for_failures", "render"]


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
    check_batch(jobs)
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
