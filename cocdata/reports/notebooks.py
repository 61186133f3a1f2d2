"""Where the report templates are: papermill notebooks shipped inside the package.

They live in ``cocdata/report_notebooks/`` and travel in the wheel
as package data, so an installed cocdata renders reports without its source
checkout. They are plain notebooks so that a team can open one in
JupyterLab, read it, and run it by hand on their own store; the engine runs
the same files.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from cocdata.errors import ReportFailed

# A regular package installed as files (a wheel or a checkout) gives a real
# folder here: papermill and nbconvert need paths, not resource readers.
TEMPLATES = Path(str(files("cocdata") / "report_notebooks"))
"""The folder of the report template notebooks inside the installed package."""

CASE_REPORT = "case_report.ipynb"
TRANSPARENCY = "transparency.ipynb"
YEARLY = "yearly.ipynb"


def template_path(name: str) -> Path:
    """The template notebook ``name`` (e.g. ``case_report.ipynb``).

    Raises :class:`ReportFailed` when it is missing, which means the
    installation of cocdata is incomplete.
    """
    path = TEMPLATES / name
    if not path.is_file():
        raise ReportFailed(
            f"The report template {name} is missing from {TEMPLATES}: this installation "
            "of cocdata is incomplete.",
            "Reinstall cocdata ('pip install --force-reinstall cocdata', or "
            "'pip install -e .' in a source checkout).",
        )
    return path
