"""The analysis notebooks: thin, parameterised, clean in git, and running headless on the demo store.

Fast tests read the notebook files and drive the filter panel with a
recording display; slow tests execute every notebook through papermill on
the demo store and export one to HTML as the report engine would.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

from cocdata import analysis, analysis_widgets, charts
from cocdata.analysis_widgets import FilterPanel
from cocdata.demo import build_demo
from cocdata.errors import CocdataError
from cocdata.reports import present
from cocdata.store import Store

FOLDER = Path(__file__).resolve().parents[1] / "notebooks" / "analysis"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
NAMES = [p.name for p in NOTEBOOKS]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_there_are_six_analysis_notebooks() -> None:
    assert NAMES == [
        "1-trends.ipynb",
        "2-response.ipynb",
        "3-outcomes.ipynb",
        "4-repeats.ipynb",
        "5-similar-cases.ipynb",
        "6-yearly-statistics.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = _read(path)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_has_papermill_parameters(path: Path) -> None:
    nb = _read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {
        target.id
        for node in ast.parse(tagged[0].source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
    }
    assert {"store", "events", "start", "end", "categories"} <= names
    assert "store = None" in tagged[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_is_thin(path: Path) -> None:
    """Code cells assign parameters, import from cocdata and call the panel; nothing else."""
    for source in _code(_read(path)):
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                modules = (
                    [node.module]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                )
                assert all(m.startswith("cocdata") for m in modules), modules
            assert not isinstance(
                node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.Lambda
            )
        assert "fig.show" not in source and "HTML(" not in source and "display(" not in source


# -- the filter panel, with a recording display --------------------------------------


class Recorder:
    """Stands in for IPython's display and update_display."""

    def __init__(self) -> None:
        self.shown: dict[str, Any] = {}
        self.order: list[str] = []
        self.updates: list[str] = []

    def display(self, obj: Any, display_id: str) -> None:
        self.shown[display_id] = obj
        self.order.append(display_id)

    def update_display(self, obj: Any, display_id: str) -> None:
        assert display_id in self.shown, "an update must replace an output shown before"
        self.shown[display_id] = obj
        self.updates.append(display_id)

    def texts(self) -> list[str]:
        return [self.shown[i].plain for i in self.order]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(analysis_widgets, "display", recorder.display)
    monkeypatch.setattr(analysis_widgets, "update_display", recorder.update_display)
    return recorder


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "store"
    build_demo(path)
    return path


def test_panel_shows_a_section_and_redraws_it_in_place(
    demo_store: Path, recorder: Recorder
) -> None:
    panel = analysis_widgets.filter_panel(demo_store)
    panel.show(analysis.reports_per_event, charts.reports_per_event)
    status, chart_slot, table_slot = recorder.order
    assert recorder.shown[status].plain.startswith(f"{len(panel.frames.cases)} case(s)")
    assert present.PLOTLY_MIMETYPE in recorder.shown[chart_slot].extra
    first_event = panel.frames.events.sort_values("start")["id"].iloc[-1]
    panel.events_widget.value = (first_event,)
    panel.apply_button.click()
    assert recorder.updates == [status, chart_slot, table_slot]
    assert f"events: {first_event}" in recorder.shown[status].plain
    assert first_event in recorder.shown[table_slot].plain


def test_panel_parameters_become_the_filters(demo_store: Path, recorder: Recorder) -> None:
    panel = analysis_widgets.filter_panel(
        demo_store,
        events="djangocon-2000",
        start="2000-01-01",
        categories=["inappropriate-language"],
    )
    assert panel.filters["events"] == ["djangocon-2000"]
    assert str(panel.filters["start"]) == "2000-01-01"
    assert list(panel.selection.cases["case_id"]) == ["guide-example"]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"events": ["nowhere-1999"]}, "no event 'nowhere-1999'"),
        ({"categories": ["gossip"]}, "'gossip' is not a category"),
        ({"start": "soon"}, "'soon' is not a date"),
    ],
)
def test_panel_refuses_bad_parameters_in_words(
    demo_store: Path, filters: dict, message: str
) -> None:
    with pytest.raises(CocdataError, match=message):
        FilterPanel.open(demo_store, **filters)


def test_panel_says_when_dates_are_reversed(demo_store: Path, recorder: Recorder) -> None:
    panel = analysis_widgets.filter_panel(demo_store)
    panel.show(analysis.time_of_day, charts.time_of_day)
    panel.start_widget.value = pd.Timestamp("2024-02-01").date()
    panel.end_widget.value = pd.Timestamp("2024-01-01").date()
    panel.refresh()
    assert "before it starts" in panel.message.value
    assert recorder.updates == []


def test_panel_passes_the_picked_case_and_shows_mistakes_as_text(
    demo_store: Path, recorder: Recorder
) -> None:
    panel = analysis_widgets.filter_panel(demo_store, pick_case=True)
    newest = panel.frames.cases.sort_values("made_at")["case_id"].iloc[-1]
    assert panel.case_id == newest
    panel.show(analysis.similar_cases, charts.similar_cases, limit=3)
    assert "Similar earlier cases" in recorder.texts()[1]
    panel.case_widget.value = "no-such-case"
    panel.refresh()
    chart_slot = recorder.order[1]
    assert "There is no case 'no-such-case'" in recorder.shown[chart_slot].plain


def test_panel_table_is_capped_and_says_so(demo_store: Path, recorder: Recorder) -> None:
    panel = analysis_widgets.filter_panel(demo_store)
    panel.show(analysis.open_cases, rows=3)
    table = recorder.shown[recorder.order[-1]]
    assert "First 3 of" in table.html


def test_panel_text_summary_for_exports(demo_store: Path, recorder: Recorder) -> None:
    panel = analysis_widgets.filter_panel(demo_store)
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == panel.describe()


# -- executing the notebooks ------------------------------------------------------------


def _execute(path: Path, out: Path, **parameters: Any) -> nbformat.NotebookNode:
    import papermill

    papermill.execute_notebook(
        str(path),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(out.parent),
    )
    return _read(out)


def _outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


@pytest.fixture(scope="module")
def executed(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("executed")
    return {path.name: folder / path.name for path in NOTEBOOKS}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebook_runs_headless_on_the_demo_store(
    path: Path, demo_store: Path, executed: dict[str, Path]
) -> None:
    nb = _execute(path, executed[path.name], store=str(demo_store))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    texts = " ".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "There is no" not in texts and "No case is picked" not in texts
    charts_shown = [o for o in outputs if present.PLOTLY_MIMETYPE in o.get("data", {})]
    assert charts_shown, "no chart was displayed"
    for output in charts_shown:
        assert "cocdata-chart" in output["data"]["text/html"]


@pytest.mark.slow
def test_repeats_notebook_shows_no_name_of_anyone(
    demo_store: Path, executed: dict[str, Path]
) -> None:
    out = executed["4-repeats.ipynb"]
    if not out.exists():
        _execute(FOLDER / "4-repeats.ipynb", out, store=str(demo_store))
    text = json.dumps([o.get("data", {}) for o in _outputs(_read(out))])
    people = Store.open(demo_store).frames().people
    names = set(people["name"].dropna()) | set(people["contact"].dropna())
    leaked = sorted(n for n in names if n in text)
    assert not leaked, f"names in the repeats notebook output: {leaked[:5]}"
    assert re.search(r"[a-z]+-[a-z]+", text), "the output shows no person code names"


@pytest.mark.slow
def test_trends_notebook_with_filters_and_html_export(demo_store: Path, tmp_path: Path) -> None:
    from nbconvert import HTMLExporter

    nb = _execute(
        FOLDER / "1-trends.ipynb",
        tmp_path / "trends.ipynb",
        store=str(demo_store),
        events=["djangocon-2000"],
        start="2000-01-01",
        end="2000-12-31",
        per="event",
    )
    outputs = _outputs(nb)
    plain = " ".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "1 case(s) from 1 event(s); events: djangocon-2000" in plain
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert body.count('class="cocdata-chart"') >= 7


@pytest.mark.slow
def test_similar_cases_notebook_for_a_given_case(demo_store: Path, tmp_path: Path) -> None:
    frames = Store.open(demo_store).frames()
    case_id = frames.cases.sort_values("made_at")["case_id"].iloc[-1]
    nb = _execute(
        FOLDER / "5-similar-cases.ipynb",
        tmp_path / "similar.ipynb",
        store=str(demo_store),
        case_id=case_id,
        limit=3,
    )
    tables = [
        o["data"]["text/html"]
        for o in _outputs(nb)
        if "cocdata-table" in o.get("data", {}).get("text/html", "")
    ]
    assert case_id in tables[0]
    assert tables[1].count("<tr>") == 1 + 3
