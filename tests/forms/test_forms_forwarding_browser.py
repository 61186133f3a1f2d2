"""Forwarding from the case view in Chromium (the Voilà app, phone-sized): files written, shown."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from cocdata.examples import guide_example
from cocdata.handoff import linkage
from cocdata.handoff.package import SUFFIX
from cocdata.store import Store
from tests.forms.servers import (
    FORM_TIMEOUT_MS,
    Server,
    check,
    fill,
    running,
    wait_visible,
)
from tests.forms.test_forms_stress_browser import OVERFLOW, SMALL_CONTROLS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DSF = "Django Software Foundation Code of Conduct"
TAB = ".cocdata-forwarder"


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running("voila", tmp_path_factory.mktemp("voila-forward")) as server:
        yield server


def test_forward_to_writes_the_report_and_package_and_says_where(
    chromium, voila: Server, tmp_path: Path
) -> None:
    stored = Store.open(voila.store).save(guide_example(), by="Response Team Member A")
    key = linkage.new_key()
    key_file = linkage.write_key(key, tmp_path / "dsf.key")
    out = tmp_path / "forwarded"
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(voila.link("/voila/render/case.ipynb"), timeout=FORM_TIMEOUT_MS)
        wait_visible(page, "button.cocdata-open-case", FORM_TIMEOUT_MS, voila, "the case view")
        fill(page, "cocdata-f-find-text", stored.case_id)
        page.locator(".cocdata-find-count", has_text="1 case found").wait_for(timeout=10_000)
        page.locator("button.cocdata-open-case").click()
        wait_visible(page, ".cocdata-composer", 20_000, voila, "the opened case")
        page.locator(".cocdata-case-tabs .lm-TabBar-tab", has_text="Forward to").click()
        wait_visible(page, f"{TAB} .cocdata-f-forward-to", 20_000, voila, "the Forward tab")
        fill(page, "cocdata-f-forward-to", DSF, TAB)
        page.locator(f"{TAB} .cocdata-f-forward-report select").select_option(
            label="Web page (HTML)"
        )
        check(page, "cocdata-f-forward-package", TAB)
        wait_visible(page, f"{TAB} .cocdata-f-forward-link-key", 10_000, voila, "the key field")
        fill(page, "cocdata-f-forward-link-key", str(key_file), TAB)
        fill(page, "cocdata-f-forward-folder", str(out), TAB)
        assert page.evaluate(OVERFLOW) <= 1, "nothing scrolls sideways on a phone"
        assert page.evaluate(SMALL_CONTROLS) == [], "every control is a 44 px touch target"
        page.locator(f"{TAB} button.cocdata-forward").click()
        result = page.locator(".cocdata-forward-result", has_text="Written to")
        result.wait_for(timeout=180_000)  # the report is rendered in a fresh kernel
        shown = result.inner_text()
        page.locator(".cocdata-case-status", has_text="Forwarded to").wait_for(timeout=10_000)
    finally:
        context.close()
    (folder,) = out.iterdir()
    files = sorted(folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert {f.suffix for f in files} >= {".html", ".json"}
    for path in files:
        assert str(path) in shown, f"the page says where {path.name} went"
    (package,) = [f for f in files if f.name.endswith(SUFFIX)]
    assert json.loads(package.read_text())["content"]["link_key_id"] == key.key_id
    case = Store.open(voila.store).get(stored.case_id).case
    assert case.forwarded_to[-1] == DSF and case.timeline[-1].kind == "forwarded"
