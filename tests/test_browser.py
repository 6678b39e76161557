"""End to end: the real server, the real database file, headless Chromium.

Screenshots of every page go to test-artifacts/ for people to look at.
"""

from __future__ import annotations

import re
import shutil
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from action_tracker import queries, web
from action_tracker.build import build
from action_tracker.db import connect
from action_tracker.history import action_state

from .browser import STATUS_MIX, THEME_MATRIX, launch, open_url, streamlit_server, wait_ready
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PAGES = {"": "AI action plans", "timeline": "Timeline", "completion": "Completion over time", "owners": "Owners",
         "explorer": "Actions explorer", "updates": "Updates", "snapshots": "Snapshots", "methodology": "Methodology"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The five plans with the shipped evidence applied, as `make run` builds them."""
    path = tmp_path_factory.mktemp("e2e") / "tracker.duckdb"
    con = connect(path)
    build(con)
    state = action_state(con)
    con.close()
    return path, state


@pytest.fixture(scope="module")
def server(seeded):
    with streamlit_server(seeded[0], env={"ACTION_TRACKER_LOCAL_EDITING": "1"}) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    yield p
    context.close()


def test_a_deep_link_opened_first_gets_the_full_app(server, page, seeded):
    # The very first visit to a fresh server comes through a shared link, not the home page.
    open_url(page, f"{server}/explorer?plan=UK&due=overdue")
    nav = " ".join(page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').all_inner_texts())
    assert "Overview" in nav and "Actions explorer" in nav and "dashboard" not in nav
    _, state = seeded
    expected = queries.filter_actions(state, queries.Filters(plans=["UK"], due="overdue"), queries.date.today())
    assert page.get_by_text(f"{len(expected)} of {len(state)} actions match").is_visible()
    assert parse_qs(urlparse(page.url).query) == {"plan": ["UK"], "due": ["overdue"]}


def test_a_page_link_opens_when_the_app_is_served_under_a_path(browser, seeded, tmp_path):
    # Behind a proxy that serves the app under a path of its own (--server.baseUrlPath), a page's own
    # link and the app's address both open. A copy of the store: the module's server holds the file.
    copy = tmp_path / "tracker.duckdb"
    shutil.copy(seeded[0], copy)
    with streamlit_server(copy, base_path="tracker") as base:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/compare?as_of=2026-01-01")
        page.locator(THEME_MATRIX).first.wait_for(state="visible", timeout=60_000)
        assert parse_qs(urlparse(page.url).query) == {"as_of": ["2026-01-01"]}
        page.goto(base)  # the app's own address: the overview
        page.locator(STATUS_MIX).first.wait_for(state="visible", timeout=60_000)
        context.close()


@pytest.mark.parametrize("path, heading", list(PAGES.items()))
def test_every_page_opens(server, page, path, heading):
    open_url(page, f"{server}/{path}")
    assert heading in page.locator("h1").first.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    if path == "":
        page.locator(STATUS_MIX).first.wait_for(state="visible", timeout=30_000)
    if path == "timeline":
        page.locator("svg.svg-chart g.bar").first.wait_for(state="visible", timeout=30_000)
    if path in ("completion", "owners"):  # drawn on the server as SVG: no chart library is loaded
        page.locator("svg.svg-chart").first.wait_for(state="visible", timeout=30_000)
        assert page.locator(".js-plotly-plot").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page-{path or 'overview'}.png"), full_page=True)


def _deltas(base: str, page_name: str) -> list[tuple[float, str]]:
    """(arrival time, Markdown body or element kind) of every element the server sends for one page view.
    websockets' blocking client: Playwright's sync API keeps an event loop running in this thread."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect as ws_connect

    from bench.load import rerun
    out = []
    with ws_connect(base.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                    max_size=None, open_timeout=60) as ws:
        ws.send(rerun(page_name))
        while True:
            msg = ForwardMsg.FromString(ws.recv(timeout=60))
            now = time.perf_counter()
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                assert msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY, f"{page_name or 'overview'} failed"
                return out
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                kind = element.WhichOneof("type")
                out.append((now, element.markdown.body if kind == "markdown" else kind))


@pytest.mark.parametrize("page_name, answer", [("", "actions by status"), ("compare", "| theme |")])
def test_the_answer_reaches_the_browser_ahead_of_the_rest(server, page_name, answer):
    """The browser draws what arrives together in one pass: a page's answer, sent apart, shows first."""
    deltas = _deltas(server, page_name)
    at = next(i for i, (_, body) in enumerate(deltas) if answer in body)
    assert at + 1 < len(deltas), "the answer is not followed by the rest of the page"
    gap = deltas[at + 1][0] - deltas[at][0]
    assert gap >= web.ANSWER_PAUSE_SECONDS / 2, f"the rest came {gap * 1000:.0f} ms after the answer"


def metric(page, label: str):
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{re.escape(label)}$")))
    return box.locator('[data-testid="stMetricValue"]')


def test_overview_shows_the_numbers_of_the_store(server, page, seeded):
    _, state = seeded
    summary = queries.summary(state, queries.date.today()).loc["All plans"]
    open_url(page, server)
    expect(metric(page, "Status known")).to_have_text(f"{int(summary['assessed'])} of {len(state)}")
    expect(metric(page, "Completed")).to_have_text(str(int(summary["Completed"])))
    expect(metric(page, "Overdue")).to_have_text(str(int(summary["overdue"])))
    expect(metric(page, "Past due, no update")).to_have_text(str(int(summary["past_due_no_update"])))
    expect(page.get_by_text(f"Status known for {int(summary['assessed'])} of {len(state)} actions")).to_be_visible()
    # The recent updates list: newest first, each linking to its action.
    newest = queries.recent_updates(state, 1).iloc[0]
    first = page.locator('[data-testid="stMarkdownContainer"] li:has(a[href^="explorer?action="])').first
    expect(first).to_contain_text(newest["action_id"])
    assert first.locator("a").first.get_attribute("href").startswith(f"explorer?action={newest['action_id']}")
    expect(page.get_by_text("UK: claimed 38 of 50 · evidence here for")).to_be_visible()


@pytest.mark.parametrize("width", [1024, 1400])
def test_the_headline_figures_are_never_cut(browser, server, width):
    """Each headline figure shows its whole label and value, on a laptop with the sidebar open too."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    open_url(page, server)
    expect(metric(page, "Status known")).to_be_visible()
    cut = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMetricLabel"] *, [data-testid="stMetricValue"] *, [data-testid="stMetricValue"]')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim())""")
    context.close()
    assert cut == [], f"cut at {width} px: {cut}"


def test_an_action_shows_its_latest_evidence_above_the_fold(browser, server, seeded):
    _, state = seeded
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    a = state.set_index("action_id").loc["UK-R24"]  # two facts in its history; the later one is shown first
    open_url(page, f"{server}/explorer?action=UK-R24")
    evidence = page.get_by_text(re.compile(r"since \d\d \w{3} \d{4}")).first
    expect(evidence).to_be_visible()
    box = evidence.bounding_box()
    assert box["y"] + box["height"] <= 900, box
    assert a["status"] in page.locator('[data-testid="stMarkdownContainer"]').filter(has=evidence).first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "action-latest-evidence-1440.png"))
    context.close()


def test_a_filter_lands_in_the_url_and_changes_the_numbers(server, page, seeded):
    _, state = seeded
    open_url(page, f"{server}/explorer")
    page.get_by_text(f"{len(state)} of {len(state)} actions match").wait_for()
    status = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Status")
    status.locator("input").click()
    page.get_by_role("option", name="Completed", exact=True).click()
    page.keyboard.press("Escape")
    wait_ready(page)
    completed = int((state["status"] == "Completed").sum())
    page.get_by_text(f"{completed} of {len(state)} actions match").wait_for(timeout=30_000)
    assert parse_qs(urlparse(page.url).query).get("status") == ["Completed"]
    # The copied URL reopens the same view in a new tab.
    other = page.context.new_page()
    open_url(other, page.url)
    assert other.get_by_text(f"{completed} of {len(state)} actions match").is_visible()
    page.screenshot(path=str(ARTIFACTS / "explorer-filtered.png"), full_page=True)


def test_uk_overdue_question_in_one_link(server, page, seeded):
    """'Which UK recommendations are overdue and who owns them?' is one URL away."""
    _, state = seeded
    open_url(page, f"{server}/explorer?plan=UK&due=overdue")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    overdue = state[(state["plan_id"] == "UK") & state["overdue"]]
    assert len(overdue) > 0
    text = page.get_by_text(re.compile(r"\d+ of \d+ actions match")).inner_text()
    assert text.startswith(f"{len(overdue)} of ")


def test_payloads_in_a_link_are_shown_as_text_and_fetch_nothing(server, page):
    """A shared link carrying Markdown links, images and HTML shows them as text: the browser makes no
    request to the payload's address and the page has no link to it."""
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    payload = "[sign in](https://evil.example/login) ![t](https://evil.example/t.png) <img src=https://evil.example/i>"
    from urllib.parse import quote
    open_url(page, f"{server}/explorer?action={quote(payload)}&plan={quote('![x](https://evil.example/p.png)')}"
                   f"&q={quote(payload)}")
    page.get_by_text("There is no action").first.wait_for()
    assert not [u for u in requests if urlparse(u).hostname == "evil.example"]
    targets = page.eval_on_selector_all("a[href], img[src]", "els => els.map(e => e.href || e.src)")
    assert not [t for t in targets if urlparse(t).hostname == "evil.example"]  # links to the app itself are fine
    shown = re.compile(r"\[sign in\]\(https://\u2060?evil\.example/login\)")  # the payload, as plain text
    assert page.get_by_text(shown).first.is_visible()


def test_clicking_a_row_opens_that_action(server, page):
    open_url(page, f"{server}/explorer?plan=UK")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    box = grid.bounding_box()
    # The first column holds the row selectors; the first data row sits under the header row.
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 18)
    wait_ready(page)
    page.get_by_text(re.compile(r"^UK-R\d\d: ")).first.wait_for(timeout=30_000)
    assert "action=UK-R" in page.url


def test_the_day_and_the_filters_survive_navigation(server, page):
    open_url(page, f"{server}/?as_of=2025-10-01&plan=UK&confidence=high")
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').filter(has_text="Actions explorer").click()
    wait_ready(page)
    page.get_by_text(re.compile(r"\d+ of \d+ actions match")).first.wait_for()
    query = parse_qs(urlparse(page.url).query)
    assert query.get("as_of") == ["2025-10-01"] and query.get("plan") == ["UK"] and query.get("confidence") == ["high"]
    assert page.get_by_text("As of 01 Oct 2025").first.is_visible()


def test_the_share_box_is_drawn_when_opened_and_saves_a_snapshot(server, page):
    """The share box is a lazy expander: closed, its widgets are not sent; opening it reruns the page."""
    open_url(page, f"{server}/explorer?plan=UK")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Share this view").first.wait_for()
    assert sidebar.get_by_role("button", name="Save a snapshot link").count() == 0
    sidebar.get_by_text("Share this view").first.click()
    wait_ready(page)
    sidebar.get_by_role("button", name="Save a snapshot link").click()
    wait_ready(page)
    page.get_by_text("Saved. Share this link").first.wait_for(timeout=30_000)
    assert "snapshots?id=" in sidebar.locator('[data-testid="stCode"]').first.inner_text()


# The texts of a chart drawn as SVG that reach past its edges (an inline SVG cuts them off there).
OUTSIDE_THE_CHART = """svg => { const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')].filter(t => { const r = t.getBoundingClientRect();
        return r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
                           || r.bottom > box.bottom + 1); }).map(t => t.textContent); }"""
ALL_PAGES = ["", "timeline", "completion", "owners", "compare", "explorer", "updates", "snapshots", "methodology"]


@pytest.mark.parametrize("width, height, mobile", [(1440, 900, False), (390, 844, True)])
def test_every_page_at_desktop_and_phone_size(browser, server, width, height, mobile):
    """Screenshots of every page at both sizes (test-artifacts/), and what a machine can check of them."""
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=mobile,
                                  user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile"
                                  if mobile else None)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    for path in ALL_PAGES:
        open_url(page, f"{server}/{path}")
        assert page.locator('[data-testid="stException"]').count() == 0, path
        if path in ("timeline", "completion", "owners"):  # every word of a chart inside its box
            page.locator("svg.svg-chart").first.wait_for(state="visible", timeout=30_000)
            outside = page.locator("svg.svg-chart").first.evaluate(OUTSIDE_THE_CHART)
            assert outside == [], (path, outside[:5])
        if path == "timeline":
            plot = page.locator("svg.svg-chart").first
            plot.wait_for(state="visible", timeout=30_000)
            box = plot.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, box  # on screen, no sideways scroll
            if mobile:  # the bars keep at least two thirds of the width: labels are ids on a phone
                share = plot.evaluate("svg => { const w = svg.viewBox.baseVal.width; const ends = [...svg.querySelectorAll("
                                      "'text.row')].map(t => t.getBBox().x + t.getBBox().width); "
                                      "return (w - Math.max(...ends)) / w; }")
                assert share >= 2 / 3, share
        if path == "":  # the status mix fits the screen: no sideways scroll, at 1440 px and on a phone
            mix = page.locator(STATUS_MIX).first
            mix.wait_for()
            assert mix.evaluate("e => e.parentElement.scrollWidth <= e.parentElement.clientWidth + 1"), mix.evaluate(
                "e => [e.parentElement.scrollWidth, e.parentElement.clientWidth]")
        if path == "owners":  # a phone gets the scorecard as text, a desktop its sortable grid
            text_table = page.locator('[data-testid="stMarkdownContainer"] table').filter(has_text="status known")
            (text_table if mobile else page.locator('[data-testid="stDataFrame"]')).first.wait_for()
            assert page.locator('[data-testid="stDataFrame"]').count() == (0 if mobile else 1)
            assert text_table.count() == (1 if mobile else 0)
        if path == "explorer":  # no sideways scroll: every column on screen, at 1440 px and on a phone
            grid = page.locator('[data-testid="stDataFrame"] .dvn-scroller').first
            grid.wait_for()
            assert grid.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), grid.evaluate(
                "e => [e.scrollWidth, e.clientWidth]")
        page.screenshot(path=str(ARTIFACTS / f"page-{path or 'overview'}-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("mobile", [False, True])
def test_the_longest_chart_labels_stay_inside_the_chart(browser, server, mobile):
    """Per theme (the longest line names) with the longest values' wording, and owners by every body
    they are named with: every label clipped to fit, at 1440 px and on a phone."""
    context = browser.new_context(viewport={"width": 390 if mobile else 1440, "height": 900}, is_mobile=mobile,
                                  user_agent="Mozilla/5.0 (Linux; Android 14) Mobile" if mobile else None)
    page = context.new_page()
    for path in ("completion?per=theme&measure=share+of+assessed", "completion?per=theme&measure=share",
                 "owners?role=is+named+in"):
        open_url(page, f"{server}/{path}")
        chart = page.locator("svg.svg-chart").first
        chart.wait_for(state="visible", timeout=30_000)
        assert chart.locator("text.end, text.owner").count() > 5, path
        assert chart.evaluate(OUTSIDE_THE_CHART) == [], path
    context.close()
