"""The report engine: isolation, failures, hooks and what gets written."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cocdata.errors import LeakFound, ReportFailed
from cocdata.reports import RenderJob, RenderResult, raise_for_failures, render
from cocdata.reports.engine import FORMATS

FIXTURES = Path(__file__).resolve().parents[1] / "templates"


def job(name: str, out: Path, **parameters: object) -> RenderJob:
    formats = parameters.pop("formats", ("html",))
    return RenderJob(
        template=FIXTURES / f"{name}.ipynb",
        parameters=parameters,
        out=out,
        title=f"{name} {out.name}",
        formats=formats,  # type: ignore[arg-type]
    )


def written_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---- the shared batch (see conftest.rendered) --------------------------------


@pytest.mark.slow
def test_a_failing_report_is_named_with_its_cell_and_error(rendered) -> None:
    failed = rendered["fails"]
    assert not failed.ok
    assert failed.cell_index == 3  # the fourth cell of fails.ipynb
    assert failed.error == "ValueError"
    assert failed.message == "the case record CASE-7 has no report date"
    assert "raise ValueError" in failed.cell_source
    assert str(failed) == (
        "Failing case report: failed in cell 4 ('import os') of fails.ipynb: "
        "ValueError: the case record CASE-7 has no report date"
    )
    assert failed.written == []


@pytest.mark.slow
def test_nothing_is_written_for_a_failed_report_but_the_others_are(rendered) -> None:
    folder = rendered["fails"].job.out.parent
    names = written_files(folder)
    assert not [n for n in names if n.startswith("fails")]
    assert not [n for n in names if n.endswith(".partial")]
    for key in ("summary", "hostile", "plain"):
        result = rendered[key]
        assert result.ok, str(result)
        assert [p.name for p in result.written] == [f"{key}.{fmt}" for fmt in result.job.formats]
        assert all(p.stat().st_size > 0 for p in result.written)


@pytest.mark.slow
def test_raise_for_failures_names_each_failed_report(rendered) -> None:
    with pytest.raises(ReportFailed) as caught:
        raise_for_failures(list(rendered.values()))
    message = str(caught.value)
    assert message.startswith("1 of 4 reports failed (3 written)")
    assert "Failing case report: failed in cell 4" in message
    assert "ValueError: the case record CASE-7 has no report date" in message
    raise_for_failures([r for r in rendered.values() if r.ok])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "present", "absent"),
    [
        # Cells tagged remove_cell and anything printed to stderr stay out.
        (
            "html",
            ["Transparency summary for EV-7", "Reports by category", "<table"],
            ["REMOVED-CELL-TEXT", "DEBUG-WARNING-TEXT", "STDERR-TEXT", "import pandas"],
        ),
        (
            "md",
            [
                "# Transparency summary for EV-7",
                "| category | reports | mean\\_severity |",
                "*Chart: Reports per day by category*",
                "End of summary.",
            ],
            ["REMOVED-CELL-TEXT", "DEBUG-WARNING-TEXT", "STDERR-TEXT", "<script", "<table"],
        ),
    ],
)
def test_exports_hide_inputs_removed_cells_and_stderr(rendered, fmt, present, absent) -> None:
    body = rendered["summary"].job.path(fmt).read_text()
    for text in present:
        assert text in body
    for text in absent:
        assert text not in body


@pytest.mark.slow
def test_html_works_offline_with_plotly_embedded_once_and_only_with_a_chart(rendered) -> None:
    from cocdata.reports.export import plotly_js

    page = rendered["summary"].job.path("html").read_text()
    library = plotly_js()
    assert page.count(library[:200]) == 1
    rest = page.replace(library, "")
    for cdn in ("<script src", "require.js", "mathjax", "cdn.", "mermaid", "http://", "https://"):
        assert cdn not in rest.lower(), cdn
    assert "Content-Security-Policy" in rest

    plain = rendered["plain"].job.path("html").read_text()
    assert library[:200] not in plain
    assert "FAILS-TEMPLATE-OK" in plain


@pytest.mark.slow
def test_the_executed_notebook_carries_the_parameters(rendered) -> None:
    nb = json.loads(rendered["summary"].job.path("ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {
        "event_id": "EV-7",
        "reports": 30,
        "seed": 7,
    }
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and 'event_id = "EV-7"' in "".join(injected[0]["source"])


# ---- batches of their own ------------------------------------------------------


@pytest.mark.slow
def test_nothing_from_one_report_survives_into_the_next(tmp_path: Path) -> None:
    # One worker, so the report that leaves traces runs before the one that looks.
    jobs = [job("state", tmp_path / "a", mode="set"), job("state", tmp_path / "b", mode="check")]
    a, b = render(jobs, workers=1, progress=False)
    assert a.ok and b.ok, (str(a), str(b))
    page_a = a.job.path("html").read_text()
    page_b = b.job.path("html").read_text()
    assert "mode set" in page_a
    assert "mode check" in page_b and "leaks: none" in page_b
    pid = [line for line in page_b.splitlines() if "pid" in line]
    assert pid and pid[0] not in page_a  # a different kernel process, too


def field(page: str, name: str) -> str:
    """A value the state fixture prints, e.g. field(page, "pid")."""
    return page.split(f"{name} ", 1)[1].split(",", 1)[0]


def gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["fork", "spawn"])
def test_eight_reports_four_at_a_time(tmp_path: Path, monkeypatch, mode: str) -> None:
    monkeypatch.setenv("COCDATA_KERNEL_MODE", mode)
    jobs = [job("state", tmp_path / f"r{i}", mode="check") for i in range(8)]
    results = render(jobs, workers=4, progress=False)
    assert [r.ok for r in results] == [True] * 8, [str(r) for r in results if not r.ok]
    pages = [r.job.path("html").read_text() for r in results]
    assert all("leaks: none" in page for page in pages)
    pids = {int(field(page, "pid")) for page in pages}
    assert len(pids) == 8  # one kernel per report ...
    assert all(gone(pid) for pid in pids)  # ... and every one of them stopped
    # Forked kernels must not share numpy's global random state.
    assert len({field(page, "random") for page in pages}) == 8


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "ok", "message"),
    [
        # A preload that cannot be imported is skipped; templates import it themselves.
        ("cocdata_no_such_module", True, ""),
        # One that starts a thread would make forked kernels hang at random.
        ("cocdata_starts_a_thread", False, "The kernel fork server failed: preloading started"),
        # So would one a library starts in C, which Python's threading does not list.
        ("cocdata_starts_a_c_thread", False, "The kernel fork server failed: preloading started"),
    ],
)
def test_fork_server_preloads(tmp_path: Path, monkeypatch, module, ok, message) -> None:
    (tmp_path / "cocdata_starts_a_thread.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
    )
    (tmp_path / "cocdata_starts_a_c_thread.py").write_text(
        "import faulthandler\nfaulthandler.dump_traceback_later(600)\n"  # a watchdog thread
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("COCDATA_KERNEL_MODE", "fork")
    monkeypatch.setenv("COCDATA_KERNEL_PRELOAD", f"numpy,{module}")
    (result,) = render([job("state", tmp_path / "r", mode="check")], progress=False)
    assert result.ok == ok, str(result)
    assert message in (result.message or "")
    if not ok:
        assert "COCDATA_KERNEL_MODE=spawn" in result.message


@pytest.mark.parametrize(
    ("warm_up", "skipped"),
    [
        ("def warm_up():\n    calls.append(1)\n", []),
        # A failing warm-up costs the kernels only the time it would have saved.
        ("def warm_up():\n    raise RuntimeError('no plotly here')\n", ["no plotly here"]),
    ],
)
def test_fork_server_warms_up_what_it_preloads(
    tmp_path: Path, monkeypatch, warm_up: str, skipped: list[str]
) -> None:
    from cocdata.reports import forkserver

    name = f"cocdata_warmed_{len(skipped)}"
    (tmp_path / f"{name}.py").write_text("calls = []\n" + warm_up)
    monkeypatch.syspath_prepend(str(tmp_path))
    failed = forkserver._preload([name])
    module = sys.modules.pop(name)
    assert [m for m in skipped if not any(m in f for f in failed)] == []
    warmed = [] if skipped else [1]
    assert module.calls == warmed, "called once, after the import"
    from cocdata.reports.transparency import warm_up as charts_warm_up

    charts_warm_up()  # the report's own warm-up draws without a store


@pytest.mark.slow
def test_before_write_sees_the_texts_and_its_veto_writes_nothing(tmp_path: Path) -> None:
    seen: dict[str, dict[str, str]] = {}

    def guard(j: RenderJob, texts: dict[str, str]) -> None:
        seen[j.out.name] = texts
        if "EV-LEAK" in texts["html"]:
            raise LeakFound("The page shows the exact time 14:03 of report R-2.")

    jobs = [
        job("summary", tmp_path / "kept", event_id="EV-OK", formats=("html", "md")),
        job("summary", tmp_path / "vetoed", event_id="EV-LEAK", formats=("html", "md", "pdf")),
    ]
    kept, vetoed = render(jobs, workers=2, progress=False, before_write=guard)
    assert kept.ok and written_files(tmp_path) == ["kept.html", "kept.md"]
    assert not vetoed.ok
    assert vetoed.error == "LeakFound"
    assert vetoed.message == "The page shows the exact time 14:03 of report R-2."
    assert vetoed.cell_index is None
    assert set(seen["vetoed"]) == {"html", "md"}
    # The guard reads the report, not the 4.8 MB plotly.js that is inlined on writing.
    assert len(seen["kept"]["html"]) < 200_000
    assert "plotly.js is inlined here" in seen["kept"]["html"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("template", "parameters", "expected"),
    [
        ("fails", {"fial": True}, "does not declare the parameter(s) fial; it declares fail, how"),
        ("missing", {}, "does not exist"),
        ("fails", {"how": "exit"}, "the kernel exited"),
    ],
)
def test_a_bad_job_fails_alone_with_a_clear_message(tmp_path, template, parameters, expected):
    good = job("fails", tmp_path / "good", fail=False)
    bad = job(template, tmp_path / "bad", **parameters)
    ok, failed = render([good, bad], workers=2, progress=False)
    assert ok.ok
    assert not failed.ok and expected in failed.message
    assert written_files(tmp_path) == ["good.html"]


@pytest.mark.slow
def test_render_works_from_inside_a_running_event_loop(tmp_path: Path) -> None:
    # As when called from a notebook cell, where asyncio.run() is not allowed.
    async def from_a_notebook() -> list[RenderResult]:
        return render([job("fails", tmp_path / "r", fail=False)], progress=False)

    # On a thread of its own: playwright's sync API may already run a loop on this one.
    with ThreadPoolExecutor(1) as pool:
        (result,) = pool.submit(asyncio.run, from_a_notebook()).result()
    assert result.ok, str(result)


# ---- checks before anything runs --------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"formats": ("docx",)}, "must be one or more of html, md, pdf, ipynb"),
        ({"formats": ()}, "must be one or more of"),
        ({"out": Path("r.html")}, "give it without a suffix"),
        ({"parameters": {"df": object()}}, "parameter 'df' is a object"),
        ({"parameters": {"when": float("nan")}}, "parameter 'when' is nan"),
        ({"parameters": {"ids": [1, {2: "x"}]}}, "has the key 2, but keys must be text"),
    ],
)
def test_render_job_refuses_what_a_notebook_cannot_take(changes, message) -> None:
    fields = {
        "template": FIXTURES / "fails.ipynb",
        "parameters": {},
        "out": Path("r"),
        "title": "R",
    } | changes
    with pytest.raises(ReportFailed, match="cannot be rendered") as caught:
        RenderJob(**fields)
    assert message in str(caught.value)


def test_plain_parameters_and_paths_are_accepted() -> None:
    j = RenderJob(
        template="t.ipynb",
        parameters={"ids": ["C-1", 2, 3.5, None, True], "opts": {"a": [1]}},
        out="out/r",
        title="R",
    )
    assert j.template == Path("t.ipynb") and j.path("md") == Path("out/r.md")
    assert set(FORMATS) == {"html", "md", "pdf", "ipynb"}


def test_two_jobs_writing_the_same_file_are_refused_before_anything_runs(tmp_path) -> None:
    jobs = [job("fails", tmp_path / "same"), job("state", tmp_path / "same")]
    with pytest.raises(ReportFailed, match="would overwrite each other"):
        render(jobs, progress=False)
    assert written_files(tmp_path) == []


def test_an_empty_batch_renders_nothing() -> None:
    assert render([], progress=False) == []


def test_raise_for_failures_is_quiet_when_all_succeeded() -> None:
    raise_for_failures([])
