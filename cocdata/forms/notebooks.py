"""The intake and case notebooks, defined here so an installed cocdata can write them anywhere.

The repository's ``notebooks/intake.ipynb`` and ``notebooks/case.ipynb`` are
exactly what ``write_notebooks`` produces (a test checks it), so the app and
``cocdata lab`` always serve the notebooks that match the installed code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

INTAKE = "intake.ipynb"
CASE = "case.ipynb"

_CELLS: dict[str, list[tuple[str, str, str]]] = {
    INTAKE: [
        (
            "about",
            "markdown",
            "# Record a report\n"
            "\n"
            "Write the report down now, before talking to anyone. Fill in what you know; "
            "everything else can be added later. **Save report** keeps it in the store; "
            "what you type is kept as a draft within a second, so nothing is lost if this "
            "window closes.",
        ),
        (
            "form",
            "code",
            "from cocdata.forms import intake_form\n\nform = intake_form()\nform.widget",
        ),
    ],
    CASE: [
        (
            "about",
            "markdown",
            "# Case work\n"
            "\n"
            "Find a case, read its timeline, and add to it after every meeting, e-mail or "
            "decision: document when and who did what.",
        ),
        (
            "workspace",
            "code",
            "from cocdata.forms import case_workspace\n\nwork = case_workspace()\nwork.widget",
        ),
    ],
}


def _kernel_display_name() -> str:
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        return KernelSpecManager().get_kernel_spec("python3").display_name
    except Exception:  # no kernel installed here: the name ipykernel gives itself
        return "Python 3 (ipykernel)"


def kernel_metadata() -> dict:
    """The notebook metadata exactly as JupyterLab sets it once the kernel is ready.

    JupyterLab writes the kernel's name and language details into an opened
    notebook; any difference from the file marks its tab as modified before
    the user did anything, so the file carries what the kernel will say.
    """
    return {
        "kernelspec": {
            "display_name": _kernel_display_name(),
            "language": "python",
            "name": "python3",
        },
        "language_info": {
            "codemirror_mode": {"name": "ipython", "version": 3},
            "file_extension": ".py",
            "mimetype": "text/x-python",
            "name": "python",
            "nbconvert_exporter": "python",
            "pygments_lexer": "ipython3",
            "version": ".".join(str(n) for n in sys.version_info[:3]),
        },
    }


def notebook(name: str) -> nbformat.NotebookNode:
    """One of the form notebooks, without outputs or execution counts."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = kernel_metadata()
    for cell_id, kind, source in _CELLS[name]:
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source)
        cell.id = cell_id
        nb.cells.append(cell)
    return nb


def notebook_text(name: str) -> str:
    return nbformat.writes(notebook(name)) + "\n"


def write_notebooks(folder: Path) -> list[Path]:
    """Write (or refresh) the intake and case notebooks into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in (INTAKE, CASE):
        path = folder / name
        text = notebook_text(name)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
