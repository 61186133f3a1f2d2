"""Parameterise a template with papermill and run it cell by cell in a given kernel.

papermill's own ``execute_notebook`` starts its own kernel and writes the
notebook; here only its parameterize step is used, and nbclient runs the
cells in the fresh kernel the engine hands over, so starting that kernel
can overlap with the previous report.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocdata.errors import ReportFailed

if TYPE_CHECKING:
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager
    from nbformat import NotebookNode

CELL_TIMEOUT = 600
"""Seconds one cell may run before its report fails: a template stuck on a
lock or an endless loop must not hold up the whole batch forever."""

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"


def load_libraries() -> None:
    """Import nbformat, nbclient, papermill and nbconvert, skipping a slow grammar build.

    jsonschema imports rfc3987_syntax, which compiles lark grammars for
    2-4 s in every process that imports it (python-jsonschema/jsonschema#1428,
    jupyter/nbformat#420). It only adds the ``iri`` format checks, which
    notebook validation never uses, and jsonschema skips it cleanly when the
    import fails. So if jsonschema is not loaded yet, hide it for that one
    import; anything importing rfc3987_syntax later gets the real module.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
        try:
            import jsonschema  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]
    import nbclient  # noqa: F401
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill.parameterize  # noqa: F401


@dataclass
class CellFailed(Exception):
    """A cell of the template raised; carries what the result reports."""

    cell_index: int
    source: str
    ename: str
    evalue: str
    traceback: str


class Templates:
    """Reads each template notebook once per batch and hands out parameterised copies."""

    def __init__(self) -> None:
        self._cache: dict[Path, NotebookNode] = {}

    def _read(self, path: Path) -> NotebookNode:
        import nbformat

        path = path.resolve()
        if path not in self._cache:
            try:
                nb = nbformat.read(path, as_version=4)
            except FileNotFoundError:
                raise ReportFailed(
                    f"The report template {path} does not exist.",
                    "Check the template path given to the report.",
                ) from None
            except Exception as exc:
                raise ReportFailed(
                    f"The report template {path} is not a readable notebook ({exc}).",
                    "Open it in JupyterLab, save it again and retry.",
                ) from exc
            # papermill's tag lookups expect every cell to have a tag list,
            # as its own notebook loader ensures.
            for cell in nb.cells:
                cell.metadata.setdefault("tags", [])
            self._cache[path] = nb
        return self._cache[path]

    def parameterise(self, path: Path, parameters: dict[str, Any], title: str) -> NotebookNode:
        """A copy of the template with the parameters injected after its ``parameters`` cell.

        Every name must be declared in the template's parameters cell: a
        misspelt name would otherwise be silently ignored and the report
        rendered with the default.
        """
        from nbformat import NotebookNode
        from papermill.inspection import _infer_parameters
        from papermill.parameterize import parameterize_notebook

        template = self._read(path)
        nb = copy.deepcopy(template)
        kernel, language = _kernel_and_language(nb)
        if parameters:
            declared = {p.name for p in _infer_parameters(nb, name=kernel, language=language)}
            unknown = sorted(set(parameters) - declared)
            if not declared:
                raise ReportFailed(
                    f"The template {path.name} has no cell tagged '{PARAMETERS_TAG}', "
                    f"so it cannot take the parameters {', '.join(sorted(parameters))}.",
                    f"Tag the cell that sets their defaults '{PARAMETERS_TAG}' in JupyterLab.",
                )
            if unknown:
                raise ReportFailed(
                    f"The template {path.name} does not declare the parameter(s) "
                    f"{', '.join(unknown)}; it declares {', '.join(sorted(declared))}.",
                    "Fix the parameter name, or add it to the template's parameters cell.",
                )
        nb.metadata.setdefault("papermill", NotebookNode())
        nb = parameterize_notebook(nb, parameters, kernel_name=kernel, language=language)
        nb.metadata["title"] = title
        return nb


def _kernel_and_language(nb: NotebookNode) -> tuple[str, str]:
    # Templates are Python notebooks; one saved without kernel metadata
    # (e.g. written by a script) should still run.
    spec = nb.metadata.get("kernelspec", {})
    language = spec.get("language") or nb.metadata.get("language_info", {}).get("name")
    return spec.get("name") or "python3", language or "python"


def template_cell_index(nb: NotebookNode, index: int) -> int:
    """Map a cell index in the parameterised notebook back to the template's numbering."""
    injected = sum(
        INJECTED_TAG in cell.get("metadata", {}).get("tags", []) for cell in nb.cells[:index]
    )
    return index - injected


async def run(nb: NotebookNode, km: AsyncKernelManager, kc: AsyncKernelClient, cwd: Path) -> None:
    """Execute every cell of ``nb`` in place, in the kernel behind ``km``/``kc``.

    Raises :class:`CellFailed` for the first cell that raises; the
    notebook then holds outputs up to that cell.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    # The kernel was started and connected by the engine; nbclient's
    # async_execute would also install SIGINT handlers per notebook, which
    # clash when several run at once, so drive the cells directly.
    client.kc = kc
    client.reset_execution_trackers()
    reply = await client.async_wait_for_reply(kc.kernel_info())
    if reply is not None and "language_info" in reply["content"]:
        nb.metadata["language_info"] = reply["content"]["language_info"]
    for index, cell in enumerate(nb.cells):
        try:
            await client.async_execute_cell(
                cell, index, execution_count=client.code_cells_executed + 1
            )
        except CellExecutionError as exc:
            raise _failed(nb, index, exc.ename, exc.evalue, exc.traceback) from None
        except CellTimeoutError:
            raise _failed(
                nb, index, "Timeout", f"the cell ran for more than {CELL_TIMEOUT} s", ""
            ) from None
        except DeadKernelError as exc:
            raise _failed(nb, index, "KernelDied", f"the kernel exited ({exc})", "") from None
    client.set_widgets_metadata()


def _failed(nb: NotebookNode, index: int, ename: str, evalue: str, traceback: str) -> CellFailed:
    from nbconvert.filters import strip_ansi

    source = nb.cells[index].source
    return CellFailed(
        cell_index=template_cell_index(nb, index),
        source=source,
        ename=ename,
        evalue=strip_ansi(evalue),
        traceback=strip_ansi(traceback),
    )
