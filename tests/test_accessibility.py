"""Accessibility as a test (issue 30): axe-core (axe-playwright-python bundles it; nothing is fetched)
in Debian's chromium on every dashboard page and every kind of public page, at desktop and phone
widths. No serious or critical violation may be found (WCAG 2.2 AA is the bar governments are held to)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from action_tracker.build import build
from action_tracker.db import connect
from action_tracker.publish import publish

from .browser import launch, open_url, streamlit_server

pytestmark = pytest.mark.browser

DASHBOARD = ["", "timeline", "completion", "owners", "compare", "explorer", "explorer?action=UK-R24", "suggest",
             "review", "updates", "snapshots", "methodology"]
PUBLIC = ["index.html", "actions/index.html", "plans/index.html", "plans/US/index.html", "plans/UK/index.html",
          "owners/index.html", "owners/uk-government/index.html", "actions/UK-R24/index.html", "methodology.html",
          "sources/EU.html", "data/index.html"]
WIDTHS = [(1280, 900), (390, 844)]
AXE = Axe()


def serious(page) -> list[str]:
    found = AXE.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['nodes'][0]['target']}"
            for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("a11y") / "tracker.duckdb"
    con = connect(path)
    build(con)
    con.close()
    return path


@pytest.mark.parametrize("width, height", WIDTHS)
def test_every_dashboard_page_passes_axe(store, width, height):
    found = {}
    with streamlit_server(store, env={"ACTION_TRACKER_LOCAL_EDITING": "1"}) as base, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": width, "height": height})
        for path in DASHBOARD:
            open_url(page, f"{base}/{path}")
            page.wait_for_timeout(800)  # charts and grids draw after the script run ends
            if problems := serious(page):
                found[path or "overview"] = problems
        browser.close()
    assert found == {}


def test_every_kind_of_public_page_passes_axe(store, tmp_path):
    con = connect(store, read_only=True)
    publish(con, tmp_path / "site")
    con.close()
    found = {}
    with sync_playwright() as p:
        browser = launch(p)
        for width, height in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": height})
            for path in PUBLIC:
                target = tmp_path / "site" / path
                assert target.exists(), path
                page.goto(target.as_uri())
                if problems := serious(page):
                    found[f"{path} at {width}px"] = problems
            page.close()
        browser.close()
    assert found == {}
