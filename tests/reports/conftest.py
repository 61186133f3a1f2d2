"""Rendered reports shared by the report tests: each batch is rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocdata.reports import RenderJob, RenderResult, render

FIXTURES = Path(__file__).resolve().parents[1] / "templates"

PAYLOAD = (
    "<script>window.__pwned=1</script>"
    '<img src=x onerror="window.__pwned=1;alert(1)">'
    " Ana's **case** [link](javascript:alert(1)) {{< shortcode >}}"
)
"""Record text as a hostile reporter might type it."""


@pytest.fixture(scope="session")
def payload() -> str:
    """The hostile record text the ``hostile`` report shows."""
    return PAYLOAD


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RenderResult]:
    """One batch with every kind of report the engine and browser tests look at."""
    out = tmp_path_factory.mktemp("rendered")
    jobs = {
        "summary": RenderJob(
            template=FIXTURES / "summary.ipynb",
            parameters={"event_id": "EV-7", "reports": 30, "seed": 7},
            out=out / "summary",
            title="Summary EV-7",
            formats=("html", "md", "pdf", "ipynb"),
        ),
        "hostile": RenderJob(
            template=FIXTURES / "hostile.ipynb",
            parameters={"payload": PAYLOAD},
            out=out / "hostile",
            title=PAYLOAD,
            formats=("html", "md", "pdf"),
        ),
        "fails": RenderJob(
            template=FIXTURES / "fails.ipynb",
            parameters={"fail": True},
            out=out / "fails",
            title="Failing case report",
            formats=("html", "md", "pdf", "ipynb"),
        ),
        "plain": RenderJob(
            template=FIXTURES / "fails.ipynb",
            parameters={"fail": False},
            out=out / "plain",
            title="A page without a chart",
            formats=("html",),
        ),
    }
    results = render(list(jobs.values()), workers=2, progress=False)
    return dict(zip(jobs, results, strict=True))
