"""Export of executed notebooks to HTML and Markdown, on hand-built notebooks (no kernel)."""

from __future__ import annotations

import json

import nbformat
import plotly.graph_objects as go
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cocdata.reports.export import PLOTLY_MARKER, Exporter, inline_plotly, plotly_js
from cocdata.reports.present import chart, text


@pytest.fixture(scope="module")
def exporter() -> Exporter:
    return Exporter()


def displayed(block) -> dict:
    data, metadata = block._repr_mimebundle_()
    return new_output("display_data", data=data, metadata=metadata)


def notebook(*cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def code(*outputs, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    cell = new_code_cell("SOURCE-OF-THE-CELL = 1", outputs=list(outputs))
    cell.metadata["tags"] = list(tags)
    return cell


def test_a_figure_shown_with_fig_show_is_kept_as_a_chart(exporter) -> None:
    # What plotly 6+ publishes under papermill: only its JSON mimetype.
    fig = go.Figure(go.Bar(x=["a"], y=[1]), layout_title_text="Shown with fig.show()")
    only_json = new_output(
        "display_data", data={"application/vnd.plotly.v1+json": json.loads(fig.to_json())}
    )
    texts = exporter.export(notebook(code(only_json)), {"html"}, "Report")
    assert 'class="plotly-graph-div"' in texts["html"]
    assert PLOTLY_MARKER in texts["html"]


@pytest.mark.parametrize(
    ("cells", "has_chart"),
    [
        ((code(displayed(text("no chart here"))),), False),
        ((code(displayed(chart(go.Figure(go.Bar(x=["a"], y=[1]))))),), True),
        # A chart in a removed cell does not count.
        ((code(displayed(chart(go.Figure())), tags=("remove_cell",)),), False),
    ],
)
def test_plotly_js_is_inlined_only_for_pages_with_a_chart(exporter, cells, has_chart) -> None:
    html = exporter.export(notebook(*cells), {"html"}, "Report")["html"]
    assert (PLOTLY_MARKER in html) == has_chart
    page = inline_plotly(html)
    assert page.count(plotly_js()[:200]) == (1 if has_chart else 0)
    assert PLOTLY_MARKER not in page


def test_inputs_removed_cells_and_stderr_never_reach_either_export(exporter) -> None:
    nb = notebook(
        new_markdown_cell("Prose from the template."),
        code(
            displayed(text("KEPT-OUTPUT")),
            new_output("stream", name="stderr", text="WARNING-ON-STDERR\n"),
            new_output("stream", name="stdout", text="PRINTED-ON-STDOUT\n"),
        ),
        code(displayed(text("REMOVED-CELL")), tags=("remove_cell",)),
        code(displayed(text("REMOVED-OUTPUT")), tags=("remove_output",)),
    )
    texts = exporter.export(nb, {"html", "md"}, "Report")
    for body in texts.values():
        assert "Prose from the template." in body
        assert "KEPT-OUTPUT" in body and "PRINTED-ON-STDOUT" in body
        for hidden in ("SOURCE-OF-THE-CELL", "WARNING-ON-STDERR", "REMOVED-CELL", "REMOVED-OUTPUT"):
            assert hidden not in body


def test_markdown_prefers_the_escaped_markdown_over_html(exporter) -> None:
    nb = notebook(code(displayed(text("<b>Ana</b> & co"))))
    md = exporter.export(nb, {"md"}, "Report")["md"]
    assert md == "&lt;b&gt;Ana&lt;/b&gt; &amp; co\n"


def test_the_page_title_is_escaped(exporter) -> None:
    html = exporter.export(notebook(), {"html"}, "<script>x</script>")["html"]
    assert "<title>&lt;script&gt;x&lt;/script&gt;</title>" in html


def test_ipynb_export_is_the_executed_notebook(exporter) -> None:
    nb = notebook(code(displayed(text("x"))))
    texts = exporter.export(nb, {"ipynb"}, "Report")
    assert set(texts) == {"ipynb"}
    assert (
        nbformat.reads(texts["ipynb"], as_version=4).cells[0].outputs[0].data["text/plain"] == "x"
    )
