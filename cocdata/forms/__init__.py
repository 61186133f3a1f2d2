"""Forms for the response team: record a report on the spot, then work on the case.

``intake_form()`` opens the report form (``notebooks/intake.ipynb``);
``case_workspace()`` finds a case and adds to it (``notebooks/case.ipynb``).
``serve_app`` and ``serve_lab`` run them as a web app or in JupyterLab.
"""

from __future__ import annotations

from typing import Any

__all__ = ["case_workspace", "intake_form", "serve_app", "serve_lab"]


def __getattr__(name: str) -> Any:
    # Loaded on first use so that 'cocdata app' starts without importing ipywidgets.
    if name == "intake_form":
        from cocdata.forms.intake import intake_form

        return intake_form
    if name == "case_workspace":
        from cocdata.forms.casework import case_workspace

        return case_workspace
    if name in ("serve_app", "serve_lab"):
        from cocdata.forms import serve

        return getattr(serve, name)
    raise AttributeError(name)
