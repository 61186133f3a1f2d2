"""Turn an executed notebook into report texts: HTML, Markdown and the notebook itself.

Inputs are always hidden; cells are dropped by tag (``remove_cell``,
``remove_input``, ``remove_output``, as in nbconvert's TagRemovePreprocessor)
and anything a cell printed to stderr (warnings) is left out. HTML goes
through the ``cocdata`` template in ``templates/``, which needs no network.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

TEMPLATES = Path(__file__).with_name("templates")
"""Folder of cocdata's nbconvert templates."""

PLOTLY_MARKER = "<!-- cocdata: plotly.js is inlined here -->"
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
CHART_CLASS = 'class="plotly-graph-div"'

REMOVE_CELL_TAGS = {"remove_cell", "remove-cell", "hide_cell"}
REMOVE_INPUT_TAGS = {"remove_input", "remove-input", "hide_input"}
REMOVE_OUTPUT_TAGS = {"remove_output", "remove-output", "hide_output"}


@cache
def plotly_js() -> str:
    """plotly.js as shipped inside the plotly package (read once per process)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _preprocessors() -> list[Any]:
    from nbconvert.preprocessors import Preprocessor

    class DropStderr(Preprocessor):
        """Leave out stderr: warnings and log lines are for the template's author, not readers."""

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code":
                cell.outputs = [
                    o
                    for o in cell.outputs
                    if not (o.output_type == "stream" and o.get("name") == "stderr")
                ]
            return cell, resources

    class PlotlyOutputs(Preprocessor):
        """Give a plotly figure shown with ``fig.show()`` an HTML form, and note any chart.

        Under papermill, plotly 6+ publishes only its JSON mimetype, which
        nbconvert drops (plotly/plotly.py#5365); ``present.chart`` is the
        intended way, this keeps a stray ``fig.show()`` from vanishing.
        """

        def preprocess(self, nb, resources):
            has_chart = False
            for cell in nb.cells:
                for output in cell.get("outputs", []):
                    data = output.get("data", {})
                    if PLOTLY_MIMETYPE in data and "text/html" not in data:
                        data["text/html"] = _figure_html(data[PLOTLY_MIMETYPE])
                    if CHART_CLASS in data.get("text/html", ""):
                        has_chart = True
            resources["cocdata_has_chart"] = has_chart
            return nb, resources

    return [DropStderr(), PlotlyOutputs()]


def _figure_html(figure: dict[str, Any]) -> str:
    import plotly.io as pio

    return pio.to_html(
        {k: figure.get(k) for k in ("data", "layout") if k in figure},
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
    )


def inline_plotly(html: str) -> str:
    """The page as written: plotly.js in place of the marker, if the page has one."""
    if PLOTLY_MARKER not in html:
        return html
    return html.replace(PLOTLY_MARKER, f"<script>{plotly_js()}</script>", 1)


class Exporter:
    """The nbconvert exporters for one batch, built once and reused for every report.

    Not thread-safe: the engine runs all exports on one thread.
    """

    def __init__(self) -> None:
        from nbconvert import HTMLExporter, MarkdownExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = REMOVE_CELL_TAGS
        config.TagRemovePreprocessor.remove_input_tags = REMOVE_INPUT_TAGS
        config.TagRemovePreprocessor.remove_all_outputs_tags = REMOVE_OUTPUT_TAGS
        config.TemplateExporter.exclude_input = True
        config.TemplateExporter.exclude_input_prompt = True
        config.TemplateExporter.exclude_output_prompt = True
        # Keep images inside the one Markdown file instead of beside it.
        config.ExtractOutputPreprocessor.enabled = False
        config.ExtractAttachmentsPreprocessor.enabled = False

        self.html = HTMLExporter(
            config=config,
            template_name="cocdata",
            extra_template_basedirs=[str(TEMPLATES)],
        )
        md_config = copy.deepcopy(config)
        # present's helpers publish escaped Markdown next to the HTML; a blog
        # post wants the Markdown, and a chart's text stand-in, not raw HTML.
        md_config.NbConvertBase.display_data_priority = [
            "text/markdown",
            "text/html",
            "image/svg+xml",
            "image/png",
            "image/jpeg",
            "text/plain",
        ]
        self.md = MarkdownExporter(config=md_config)
        for exporter in (self.html, self.md):
            for preprocessor in _preprocessors():
                exporter.register_preprocessor(preprocessor, enabled=True)

    def export(self, nb: NotebookNode, formats: set[str], title: str) -> dict[str, str]:
        """Render ``nb`` to the text formats among ``formats`` (plus HTML when a PDF is wanted).

        A page with a chart keeps a marker where :func:`inline_plotly` puts
        plotly.js just before writing: the 4.8 MB library is not report
        content, so checks such as a leak guard need not read it, and it
        stays out of nbconvert's jinja and BeautifulSoup passes.
        """
        texts: dict[str, str] = {}
        resources = {"metadata": {"name": title}}
        if formats & {"html", "pdf"}:
            body, res = self.html.from_notebook_node(
                nb, resources={**resources, "cocdata_scripts_marker": PLOTLY_MARKER}
            )
            if not res.get("cocdata_has_chart"):
                body = body.replace(PLOTLY_MARKER, "", 1)
            texts["html"] = body
        if "md" in formats:
            body, _ = self.md.from_notebook_node(nb, resources=dict(resources))
            texts["md"] = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
        if "ipynb" in formats:
            import nbformat

            texts["ipynb"] = nbformat.writes(nb)
        return texts
