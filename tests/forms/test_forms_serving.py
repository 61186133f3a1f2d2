"""The shipped notebooks, the app and lab launchers, and debounced drafts."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from cocdata import config
from cocdata.errors import CocdataError
from cocdata.examples import guide_example
from cocdata.forms import serve
from cocdata.forms.drafts import DraftKeeper
from cocdata.forms.notebooks import CASE, INTAKE, notebook_text, write_notebooks
from cocdata.store import Store

REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _machine_neutral(text: str) -> dict:
    """The notebook without what depends on the machine that wrote it."""
    nb = json.loads(text)
    nb["metadata"]["language_info"].pop("version")
    nb["metadata"]["kernelspec"].pop("display_name")
    return nb


@pytest.mark.parametrize("name", [INTAKE, CASE])
def test_repo_notebooks_are_what_the_package_writes(name: str) -> None:
    repo = _machine_neutral((REPO_NOTEBOOKS / name).read_text(encoding="utf-8"))
    assert repo == _machine_neutral(notebook_text(name)), (
        "regenerate with: python -c 'from pathlib import Path; from cocdata.forms.notebooks "
        'import write_notebooks; write_notebooks(Path("notebooks"))\''
    )


@pytest.mark.parametrize("name", [INTAKE, CASE])
def test_notebooks_are_thin_and_clean(name: str) -> None:
    nb = nbformat.reads(notebook_text(name), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and len(code[0].source.splitlines()) <= 4
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def test_notebooks_carry_the_metadata_the_kernel_reports() -> None:
    """JupyterLab would otherwise rewrite it on opening and show the notebook as modified."""
    metadata = nbformat.reads(notebook_text(INTAKE), as_version=4).metadata
    assert metadata.language_info.pygments_lexer == "ipython3"
    assert metadata.language_info.version == ".".join(map(str, sys.version_info[:3]))
    assert metadata.kernelspec.name == "python3" and metadata.kernelspec.display_name


def test_write_notebooks_refreshes_a_working_folder(tmp_path: Path) -> None:
    (tmp_path / INTAKE).write_text("old")
    paths = write_notebooks(tmp_path)
    assert [p.name for p in paths] == [INTAKE, CASE]
    assert json.loads((tmp_path / INTAKE).read_text())["cells"][1]["id"] == "form"


def test_server_env_points_kernels_at_the_store(tmp_path: Path) -> None:
    env = serve.server_env(tmp_path / "new-store")
    assert env[config.STORE_ENV] == str((tmp_path / "new-store").resolve())
    assert (tmp_path / "new-store" / "cocdata.toml").exists(), "the store is created up front"


def test_app_and_lab_commands(tmp_path: Path) -> None:
    app = serve.app_command(tmp_path, 8870)
    assert app[1:4] == ["-m", "cocdata.forms.serve_voila", str(tmp_path)]
    assert "--port=8870" in app and "--Voila.ip=127.0.0.1" in app and "--no-browser" in app
    lab = serve.lab_command(tmp_path, 8890, open_browser=False)
    assert "--ServerApp.port=8890" in lab and "--no-browser" in lab
    assert f"--ServerApp.root_dir={tmp_path}" in lab
    assert "--LabApp.default_url=/lab/tree/intake.ipynb" in lab
    settings = tmp_path / serve.LAB_SETTINGS_FOLDER
    assert f"--LabApp.app_settings_dir={settings}" in lab
    overrides = json.loads((settings / "overrides.json").read_text())
    assert overrides["@jupyterlab/notebook-extension:tracker"] == {"kernelShutdown": True}
    news = overrides["@jupyterlab/apputils-extension:notification"]
    assert news == {"fetchNews": "false", "checkForUpdates": False}, "nothing from the network"
    assert "--no-browser" not in serve.lab_command(tmp_path, 8890, open_browser=True)
    assert serve.app_url(8870) == "http://127.0.0.1:8870/voila/render/intake.ipynb"
    assert serve.app_url(8870, token="a b") == f"{serve.app_url(8870)}?token=a%20b"
    for command in (app, lab):
        assert not [arg for arg in command if "token" in arg.lower()], (
            "a token on the command line can be read by every local user"
        )
        assert "--MappingKernelManager.cull_idle_timeout=1800" in command
        assert "--MappingKernelManager.cull_interval=60" in command


@pytest.mark.parametrize(
    ("value", "options"),
    [
        ("", ["cull_idle_timeout=1800", "cull_interval=60"]),
        ("5", ["cull_idle_timeout=5", "cull_interval=5"]),
        ("7200", ["cull_idle_timeout=7200", "cull_interval=60"]),
        ("0", []),
    ],
)
def test_idle_kernels_are_culled_as_configured(value: str, options: list[str]) -> None:
    seconds = serve.cull_idle_seconds({serve.CULL_ENV: value})
    found = [o.split(".", 1)[1] for o in serve.cull_options(seconds) if "cull_c" not in o]
    assert found == options


@pytest.mark.parametrize("value", ["soon", "-5", "1.5"])
def test_a_bad_cull_setting_says_what_to_set(value: str) -> None:
    with pytest.raises(CocdataError, match="not a number of seconds") as caught:
        serve.cull_idle_seconds({serve.CULL_ENV: value})
    assert "30 minutes" in str(caught.value)


def test_the_token_is_new_and_random_unless_fixed() -> None:
    first, second = serve.app_token({}), serve.app_token({})
    assert first != second and len(first) >= 40
    fixed = "team-laptop-token-0123456789"
    assert serve.app_token({serve.TOKEN_ENV: fixed}) == fixed


@pytest.mark.parametrize("value", ["", "short", "has spaces in it but long", "x&y=" * 8])
def test_a_bad_fixed_token_is_refused_with_what_to_do(value: str) -> None:
    with pytest.raises(CocdataError, match="not a usable token") as caught:
        serve.app_token({serve.TOKEN_ENV: value})
    assert "Unset COCDATA_APP_TOKEN" in str(caught.value)


def test_the_token_reaches_the_server_only_by_its_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(serve.TOKEN_ENV, "fixed-token-for-the-test-0001")
    env = serve.server_env(tmp_path / "store", serve.app_token())
    assert env[serve.SERVER_TOKEN_ENV] == "fixed-token-for-the-test-0001"
    assert serve.TOKEN_ENV not in env, "kernels need not see the user's own setting"


def test_serve_app_runs_voila_on_the_notebooks(tmp_path: Path, monkeypatch) -> None:
    seen: dict[str, object] = {}

    def fake_run(command: list[str], env: dict[str, str], cwd: Path) -> int:
        seen.update(command=command, env=env, cwd=cwd)
        return 0

    monkeypatch.setattr(serve, "_run", fake_run)
    code = serve.serve_app(
        tmp_path / "store", port=8871, open_browser=False, folder=tmp_path / "nb"
    )
    assert code == 0
    assert len(seen["env"][serve.SERVER_TOKEN_ENV]) >= 40
    assert seen["cwd"] == tmp_path / "nb" and (tmp_path / "nb" / INTAKE).exists()
    assert seen["env"][config.STORE_ENV] == str((tmp_path / "store").resolve())
    code = serve.serve_lab(
        tmp_path / "store", port=8891, open_browser=False, folder=tmp_path / "nb"
    )
    assert code == 0 and "lab" in seen["command"]


def test_serve_refuses_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "file.txt").write_text("x")
    from cocdata.errors import StoreError

    with pytest.raises(StoreError, match="is not a cocdata store"):
        serve.serve_app(tmp_path / "other", open_browser=False)


def _keeper(store: Store, delay: float | None, saves: list[dict]) -> DraftKeeper:
    def collect() -> dict:
        data = {"form": "intake", "n": len(saves) + 1}
        saves.append(data)
        return data

    return DraftKeeper(store, "intake-test", collect, lambda: "Member", delay)


def _in_own_thread(test: Callable[[], None]) -> None:
    """Run ``test`` in a thread of its own: the browser tests' playwright keeps an event
    loop running in the main thread for the whole session."""
    # Collect the widgets earlier tests left behind now: a full collection in the
    # middle of the timed typing can pause the loop longer than the debounce delay.
    gc.collect()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            test()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if failures:
        raise failures[0]
    assert not thread.is_alive(), "the test's thread still runs after 30 s: it hangs"


def test_drafts_are_debounced_on_a_timer_without_an_event_loop(tmp_path: Path) -> None:
    _in_own_thread(lambda: _timer_debounce(tmp_path))


def _timer_debounce(tmp_path: Path) -> None:
    store = Store.init(tmp_path / "store")
    saves: list[dict] = []
    keeper = _keeper(store, 0.2, saves)
    for _ in range(5):
        keeper.touch()
    assert saves == [] and store.drafts() == []
    deadline = time.monotonic() + 5
    while keeper.saved_at is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(saves) == 1, "five quick changes make one draft"
    assert store.load_draft("intake-test")["by"] == "Member"
    assert "Draft kept at" in keeper.status.text


def test_drafts_are_debounced_on_the_kernels_event_loop(tmp_path: Path) -> None:
    _in_own_thread(lambda: _loop_debounce(tmp_path))


def _loop_debounce(tmp_path: Path) -> None:
    store = Store.init(tmp_path / "store")
    saves: list[dict] = []
    keeper = _keeper(store, 0.1, saves)

    async def typing() -> None:
        for _ in range(3):
            keeper.touch()
            await asyncio.sleep(0.02)
        assert saves == []
        await asyncio.sleep(0.3)

    asyncio.run(typing())
    assert len(saves) == 1 and store.load_draft("intake-test") is not None


def test_a_draft_that_cannot_be_written_says_so(tmp_path: Path, monkeypatch) -> None:
    store = Store.init(tmp_path / "store")
    keeper = _keeper(store, None, [])

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save_draft", full_disk)
    keeper.touch()
    assert "Could not keep a draft" in keeper.status.text
    assert "still in the form" in keeper.status.text


def test_the_report_form_shows_without_importing_pandas(tmp_path: Path) -> None:
    """The first opening of the form imports only what showing it needs (pandas costs ~1 s)."""
    store = tmp_path / "store"
    Store.init(store).save(guide_example(), by="Response Team Member A")
    code = (
        "import sys\n"
        "from cocdata.forms import intake_form\n"
        f"form = intake_form({str(store)!r}, 'Response Team Member A')\n"
        "assert form.save_button is not None\n"
        "heavy = [m for m in ('pandas', 'plotly', 'nbformat', 'jsonschema', 'duckdb') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"imported to show the form: {out.stdout}"
