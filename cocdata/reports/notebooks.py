"""Where the report templates are: the papermill notebooks in ``notebooks/templates/``.

They are plain notebooks so that a team can open one in JupyterLab, read
it, and run it by hand on their own store; the engine runs the same files.
"""

from __future__ import annotations

from pathlib import Path

from cocdata.errors import ReportFailed

TEMPLATES = Path(__file__).resolve().parents[2] / "notebooks" / "templates"
"""The templates folder of the checkout cocdata is installed from."""

CASE_REPORT = "case_report.ipynb"
TRANSPARENCY = "transparency.ipynb"


def template_path(name: str) -> Path:
    """The template notebook ``name`` (e.g. ``case_report.ipynb``).

    Raises :class:`ReportFailed` when it is missing, e.g. when cocdata was
    installed without its source checkout.
    """
    path = TEMPLATES / name
    if not path.is_file():
        raise ReportFailed(
            f"The report template {name} is not in {TEMPLATES}.",
            "Install cocdata from its source checkout ('pip install -e .' in the "
            "folder that holds notebooks/templates/).",
        )
    return path
