"""End to end (issue 31): people sign in through a local OpenID Connect provider (oidc-provider-mock,
started here, never the network) as an outsider, a contributor and a reviewer; and with the password
fallback, after which no password is found in the clear in the store, the logs or the settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import expect, sync_playwright

from action_tracker import auth, exports, history, proposals
from action_tracker.build import build
from action_tracker.db import connect

from .browser import free_port, launch, open_url, streamlit_server, wait_ready
from .conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.browser

CONTRIBUTOR, REVIEWER, OUTSIDER = "analyst@dsit.example.gov.uk", "lead@unit.example.org", "someone@elsewhere.example"
ROSTER = f"""
[people."{CONTRIBUTOR}"]
role = "contributor"
bodies = ["uk-dsit"]
[people."{REVIEWER}"]
role = "reviewer"
"""
# UK-R23 names the AI Safety Institute, under DSIT in data/owners.csv; US-01-01 is led by the OSTP.
OUT_OF_SCOPE = b"action_id,status,effective_date,source\nUS-01-01,In progress,2026-11-02,Federal Register\n"
IN_SCOPE = (b"action_id,status,effective_date,evidence_url,source,note\n"
            b"UK-R23,In progress,2026-11-03,https://www.gov.uk/government/organisations/ai-safety-institute,"
            b"GOV.UK,The institute's programme is under way\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("sign-in") / "tracker.duckdb"
    con = connect(path)
    build(con, updates_dir=None)
    con.close()
    (path.parent / "editors.toml").write_text(ROSTER)
    return path


@pytest.fixture(scope="module")
def provider():
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http between local processes only
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def serve_with_provider(store, provider):
    port = free_port()
    secrets_file = store.parent / "secrets.toml"
    secrets_file.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(16)}"
client_id = "action-tracker"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")
    env = {"ACTION_TRACKER_EDITORS_FILE": str(store.parent / "editors.toml"), "AUTHLIB_INSECURE_TRANSPORT": "1",
           "ACTION_TRACKER_LOCAL_EDITING": "0"}
    return streamlit_server(store, env=env, port=port, args=("--secrets.files", str(secrets_file)))


def sign_in_as(browser, base: str, page_name: str, identity: str):
    """A fresh browser (no cookies), through the provider's sign-in form, back on the page."""
    page = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
    open_url(page, f"{base}/{page_name}")
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').fill(identity)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=30_000)
    open_url(page, f"{base}/{page_name}")
    return page


def upload(page, tmp_path, name: str, content: bytes) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(f))
    wait_ready(page)


def test_outsider_contributor_and_reviewer_through_the_identity_provider(store, provider, tmp_path):
    con = connect(store, read_only=True)
    events_before = con.execute("SELECT count(*) FROM status_events").fetchone()[0]
    con.close()
    with serve_with_provider(store, provider) as base, sync_playwright() as p:
        browser = launch(p)
        # The outsider: signed in by the provider, on no roster: no upload control, nothing to approve.
        page = sign_in_as(browser, base, "updates", OUTSIDER)
        expect(page.get_by_text(f"{OUTSIDER} is signed in but is not on the tracker's roster")).to_be_visible()
        expect(page.locator('[data-testid="stFileUploaderDropzoneInput"]')).to_have_count(0)
        open_url(page, f"{base}/review")
        expect(page.get_by_text("not on the tracker's roster").first).to_be_visible()
        expect(page.get_by_role("button", name="Approve all")).to_have_count(0)

        # The contributor: another department's action is refused, naming row, action and scope.
        page = sign_in_as(browser, base, "updates", CONTRIBUTOR)
        expect(page.get_by_text("You are a contributor")).to_be_visible()
        upload(page, tmp_path, "other-department.csv", OUT_OF_SCOPE)
        page.get_by_role("button", name="Send for review").click()
        expect(page.get_by_text("other-department.csv: row 2: action US-01-01 is outside your scope")).to_be_visible(
            timeout=30_000)
        upload(page, tmp_path, "dsit.csv", IN_SCOPE)
        page.get_by_role("button", name="Send for review").click()
        expect(page.get_by_text("not counted until approved")).to_be_visible(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "contributor-sent-for-review.png"), full_page=True)
        upload(page, tmp_path, "mistake.csv", IN_SCOPE.replace(b"2026-11-03", b"2026-11-04").replace(
            b"ai-safety-institute", b"ai-security-institute"))
        expect(page.get_by_role("button", name="Send for review")).to_be_enabled()
        page.get_by_role("button", name="Send for review").click()
        expect(page.get_by_text("1 changes from mistake.csv wait for a reviewer")).to_be_visible(timeout=30_000)
        # ... the contributor cannot approve it, and takes back the file sent by mistake.
        open_url(page, f"{base}/review")
        expect(page.get_by_text("Only reviewers approve or reject")).to_be_visible()
        expect(page.get_by_role("button", name="Approve all")).to_have_count(0)
        page.get_by_label("Withdraw what you sent").click()
        page.get_by_role("option", name="mistake.csv").click()
        page.get_by_role("button", name="Withdraw it").click()
        expect(page.get_by_text("1 proposals from mistake.csv withdrawn")).to_be_visible(timeout=30_000)
        browser.close()
    con = connect(store, read_only=True)
    assert con.execute("SELECT count(*) FROM status_events").fetchone()[0] == events_before  # not counted yet
    assert proposals.batch_ids(con, "upload:dsit.csv", CONTRIBUTOR) and not proposals.batch_ids(
        con, "upload:other-department.csv", CONTRIBUTOR)
    assert con.execute("SELECT review_state, reviewed_by FROM proposals WHERE origin = 'upload:mistake.csv'"
                       ).fetchall() == [("withdrawn", CONTRIBUTOR)]
    con.close()

    with serve_with_provider(store, provider) as base, sync_playwright() as p:
        browser = launch(p)
        page = sign_in_as(browser, base, "review", REVIEWER)
        page.get_by_text("Preview with pending", exact=True).click()
        wait_ready(page)
        expect(page.get_by_text("with the 1 pending proposals")).to_be_visible()
        expect(page.get_by_text(f"from dsit.csv, sent by {CONTRIBUTOR}")).to_be_visible()
        page.get_by_role("button", name="Approve all").click()
        expect(page.get_by_text("1 accepted, 0 rejected")).to_be_visible(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "reviewer-approved.png"), full_page=True)
        browser.close()
    con = connect(store, read_only=True)
    event = history.action_history(con, "UK-R23").iloc[-1]
    assert (event["proposed_by"], event["approved_by"], event["status"]) == (CONTRIBUTOR, REVIEWER, "In progress")
    rows = exports.to_csv(exports.history_frame(con)).decode().splitlines()
    assert sum(CONTRIBUTOR in r and REVIEWER in r and "upload:dsit.csv" in r for r in rows) == 1
    con.close()


def test_no_password_is_stored_or_logged_in_the_clear(tmp_path):
    password = "correct horse " + secrets.token_hex(8)  # unique: found only if something kept it
    path = tmp_path / "tracker.duckdb"
    con = connect(path)
    build(con, updates_dir=None)
    con.close()
    roster = tmp_path / "editors.toml"
    roster.write_text(f'[people."ops"]\nrole = "admin"\npassword = "{auth.hash_password(password)}"\n')
    env = {"ACTION_TRACKER_EDITORS_FILE": str(roster), "ACTION_TRACKER_LOCAL_EDITING": "0"}
    with streamlit_server(path, env=env) as base, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        open_url(page, f"{base}/updates")
        page.get_by_label("Editor name").fill("ops")
        page.get_by_role("textbox", name="Password").fill("not it at all")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("wrong password")).to_be_visible(timeout=30_000)
        page.get_by_role("textbox", name="Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Signed in as ops (admin)")).to_be_visible(timeout=30_000)
        upload(page, tmp_path, "ops.csv", IN_SCOPE)
        page.get_by_role("button", name="Apply these changes").click()
        expect(page.get_by_text("1 changes recorded")).to_be_visible(timeout=30_000)
        browser.close()
    dump = subprocess.run([sys.executable, "-m", "action_tracker", "settings"], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **env, "ACTION_TRACKER_DB": str(path)}, check=True).stdout
    assert str(roster) in dump  # the dump is of this configuration
    kept = [f for f in tmp_path.rglob("*") if f.is_file()]  # the store, its backups and archive, the server's log
    assert any(f.name.startswith("streamlit-") for f in kept) and path in kept
    con = connect(path, read_only=True)
    assert con.execute("SELECT recorded_by FROM status_events WHERE action_id = 'UK-R23'").fetchall() == [("ops",)]
    con.close()
    needle = password.encode()
    for f in kept:
        assert needle not in f.read_bytes(), f"the password is in {f}"
    assert password not in dump
