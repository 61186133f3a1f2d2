"""The report engine: render parameterised notebook templates to HTML, Markdown and PDF.

``render(jobs)`` runs each :class:`RenderJob` in a fresh kernel, several at a
time, and returns a :class:`RenderResult` per job; ``raise_for_failures``
turns failed ones into one :class:`~cocdata.errors.ReportFailed`. Templates
display record text through :mod:`cocdata.reports.present`.
"""

from cocdata.reports.engine import RenderJob, RenderResult, raise_for_failures, render

__all__ = ["RenderJob", "RenderResult", "raise_for_failures", "render"]
