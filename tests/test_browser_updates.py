"""End to end: an editor downloads the template, changes ten statuses, uploads, applies."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect, sync_playwright

from action_tracker.build import build
from action_tracker.db import connect

from .browser import launch, open_url, streamlit_server, wait_ready
from .conftest import ARTIFACTS
from .test_browser import metric

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e-updates") / "tracker.duckdb"
    con = connect(path)
    build(con)
    con.close()
    with streamlit_server(path, env={"ACTION_TRACKER_LOCAL_EDITING": "1"}) as base:
        yield base


def test_template_edit_upload_preview_apply(server, tmp_path):
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
        open_url(page, server)
        before = int(metric(page, "Completed").inner_text())

        open_url(page, f"{server}/updates")
        with page.expect_download() as dl:
            page.get_by_role("button", name="Template (.csv, opens in Excel)").click()
        raw = open(dl.value.path(), "rb").read()
        assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads it as UTF-8
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) == 250
        picked = [r for r in rows if r["status"] == ""][:10]  # no update yet: the status cell is left empty
        for r in picked:
            r["status"] = "done"  # a synonym, as people type it
            r["effective_date"] = "2025-11-01"
            r["note"] = "Confirmed by the delivery unit"
        edited = tmp_path / "edited.csv"
        with open(edited, "w", newline="", encoding="utf-8-sig") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)

        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(edited))
        expect(metric(page, "Rows that change the tracker")).to_have_text("10", timeout=60_000)
        expect(metric(page, "Problems")).to_have_text("0")
        page.screenshot(path=str(ARTIFACTS / "updates-preview.png"), full_page=True)
        page.get_by_role("button", name="Apply these changes").click()
        expect(page.get_by_text("10 changes recorded")).to_be_visible(timeout=60_000)
        wait_ready(page)
        # Applied: the button stays disabled until another file is chosen.
        expect(page.get_by_role("button", name="Apply these changes")).to_be_disabled()

        open_url(page, server)
        expect(metric(page, "Completed")).to_have_text(str(before + 10))
        open_url(page, f"{server}/explorer?action={picked[0]['action_id']}")
        # The data grid draws on a canvas; its cells live in a hidden accessible table.
        expect(page.locator("td[role=gridcell]", has_text="Confirmed by the delivery unit").first).to_be_attached()
        browser.close()


def test_a_bad_file_gets_a_clear_error(server, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"action_id,status,effective_date\nUK-R01,Finished!!,03/04/2025\n")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        open_url(page, f"{server}/updates")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
        expect(page.get_by_text("2 problems: nothing will be applied.")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("bad.csv, row 2, column 'status'")).to_be_visible()
        expect(page.get_by_role("button", name="Apply these changes")).to_be_disabled()
        browser.close()
