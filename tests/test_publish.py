"""The public edition: a static site with the same numbers, links that resolve, open data, feeds,
calendars, escaped text, byte-identical rebuilds, and pages that work from file:// offline."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import pandas as pd
import pytest
from icalendar import Calendar
from playwright.sync_api import sync_playwright

from action_tracker import history, queries
from action_tracker.__main__ import main
from action_tracker.build import build
from action_tracker.db import connect
from action_tracker.errors import InputError
from action_tracker.publish import publish

from .browser import launch
from .conftest import ARTIFACTS, shipped_event_rows


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("pub") / "tracker.duckdb"
    con = connect(path)
    build(con)  # the plans and the shipped evidence, as `make run` builds them
    con.close()
    return path


@pytest.fixture(scope="module")
def site(store, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    con = connect(store, read_only=True)
    publish(con, out)
    con.close()
    return out


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v:
                self.links.append(v)


def test_every_action_has_its_page_and_every_internal_link_resolves(site, store):
    state = history.action_state(connect(store, read_only=True))
    for aid in state["action_id"]:
        assert (site / "actions" / aid / "index.html").exists(), aid
    pages = list(site.rglob("*.html"))
    assert len(pages) > len(state)
    broken = []
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            target = urlparse(link)
            if target.scheme or link.startswith("#"):
                continue  # an outside address (evidence) or an anchor on the page
            if not (page.parent / target.path).resolve().exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert broken == []


def test_the_index_numbers_equal_the_dashboard_queries(site, store):
    ds = history.load_dataset(connect(store, read_only=True))
    total = queries.summary(ds.state, ds.as_of).loc["All plans"]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"Status known for {int(total['assessed'])} of {int(total['actions'])} actions" in index
    metrics = dict(re.findall(r"<span>([^<]+)</span><b>([^<]+)</b>", index))
    assert metrics["Completed"] == str(int(total["Completed"])) and metrics["Overdue"] == str(int(total["overdue"]))
    assert metrics["Past due, no update"] == str(int(total["past_due_no_update"]))
    assert "UK: claimed 38 of 50 · evidence here for" in index
    listing = (site / "actions" / "index.html").read_text(encoding="utf-8")
    assert listing.count("<tr data-plan=") == len(ds.state)


def test_open_data_round_trips(site, store):
    con = connect(store, read_only=True)
    state = history.action_state(con)
    data = json.loads((site / "data" / "actions.json").read_text(encoding="utf-8"))
    assert sorted(d["action_id"] for d in data) == sorted(state["action_id"])
    by_id = {d["action_id"]: d for d in data}
    s = state.set_index("action_id")
    for aid in ("UK-R24", "US-24-01", "EU-4-02-3"):
        assert by_id[aid]["status"] == s.loc[aid, "status"] and by_id[aid]["title"] == s.loc[aid, "title"]
    csv = pd.read_csv(site / "data" / "actions.csv", keep_default_na=False)
    assert list(csv["action_id"]) == [d["action_id"] for d in data]
    hist = json.loads((site / "data" / "history.json").read_text(encoding="utf-8"))
    assert len(hist) == con.execute("SELECT count(*) FROM status_events").fetchone()[0]
    schema = json.loads((site / "data" / "actions.schema.json").read_text(encoding="utf-8"))
    assert set(schema["items"]["properties"]) == set(data[0])
    uk = json.loads((site / "data" / "UK" / "actions.json").read_text(encoding="utf-8"))
    assert {d["plan"] for d in uk} == {"UK"} and len(uk) == 50


def test_feed_entries_match_the_status_events(site, store):
    events = history.counting_events(connect(store, read_only=True), date.today())
    feed = feedparser.parse((site / "feeds" / "all.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == len(events) == shipped_event_rows()
    ids = {e.id for e in feed.entries}
    assert ids == {f"urn:action-tracker:event:{i}" for i in events["event_id"]}
    uk = feedparser.parse((site / "feeds" / "UK.xml").read_bytes())
    assert uk.entries and all(e.title.startswith("UK-") for e in uk.entries)


def test_calendar_events_match_the_due_dates(site, store):
    state = history.action_state(connect(store, read_only=True))
    cal = Calendar.from_ical((site / "calendar" / "all.ics").read_bytes())
    got = {(str(e["uid"]), e.decoded("dtstart")) for e in cal.walk("VEVENT")}
    dated = state.dropna(subset=["due_date"])
    assert got == {(f"{a}@action-tracker", d) for a, d in zip(dated["action_id"], dated["due_date"])}


def test_publishing_twice_gives_byte_identical_files(store, tmp_path):
    def digest(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    con = connect(store, read_only=True)
    publish(con, tmp_path / "one")
    publish(con, tmp_path / "two")
    first = digest(tmp_path / "one")
    assert first == digest(tmp_path / "two")
    publish(con, tmp_path / "one")  # republishing over a published site replaces it
    assert digest(tmp_path / "one") == first
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not empty"):
        publish(con, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").exists()


def test_as_of_publishes_the_tracker_as_it_stood(store, tmp_path, capsys):
    assert main(["--db", str(store), "publish", str(tmp_path / "oct"), "--as-of", "2025-10-01"]) == 0
    assert "http.server" in capsys.readouterr().out
    data = {d["action_id"]: d for d in json.loads((tmp_path / "oct" / "data" / "actions.json").read_text())}
    assert data["UK-R04"]["status"] == "No update yet" and data["UK-R01"]["status"] == "Completed"
    assert "the tracker as of 01 Oct 2025" in (tmp_path / "oct" / "index.html").read_text(encoding="utf-8")


def test_user_text_is_escaped_in_the_published_site(tmp_path):
    from .small import add_event, csv_plans, d
    payload = "<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3))"
    plans = csv_plans(tmp_path / "plans", ("HX", "Hostile plan", "Hostilia", "2025-01"))
    (plans / "hx.csv").write_text("action_id,title,text,lead_owner,due_date\n"
                                  f'HX-1,"T {payload}","Text {payload}","Owner {payload}",{d(5)}\n', encoding="utf-8")
    con = connect(tmp_path / "h.duckdb")
    build(con, plans_dir=plans, updates_dir=None)
    add_event(con, "HX-1", "In progress", d(-1), note=f"N {payload}", evidence_url="javascript:alert(4)")
    publish(con, tmp_path / "site")
    for page in (tmp_path / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert" not in text, page
        assert "href='javascript" not in text and 'href="javascript' not in text, page
    assert "&lt;img src=x" in (tmp_path / "site" / "actions" / "HX-1" / "index.html").read_text(encoding="utf-8")


def test_a_store_holding_unstorable_text_still_publishes_and_every_output_parses(tmp_path):
    # An older release accepted U+FFFE/U+FFFF and C1 controls (issue 32): lxml then stopped the Atom feed
    # with a traceback. The output guard (text.storable) writes U+FFFD in their place, in every format.
    from .small import add_event, csv_plans, d
    bad = "x\ufffe y\uffff z\x85 w\x01"
    plans = csv_plans(tmp_path / "plans", ("HX", "Hostile plan", "Hostilia", "2025-01"))
    (plans / "hx.csv").write_text(f"action_id,title,text,lead_owner,due_date\nHX-1,T,Text,Owner,{d(5)}\n", encoding="utf-8")
    con = connect(tmp_path / "h.duckdb")
    build(con, plans_dir=plans, updates_dir=None)
    add_event(con, "HX-1", "In progress", d(-1), note=f"N {bad}", source=f"S {bad}")
    con.execute("UPDATE actions SET title = ?, timing_text = ? WHERE action_id = 'HX-1'", [f"T {bad}", f"by {bad}"])
    publish(con, tmp_path / "site")
    feed = feedparser.parse((tmp_path / "site" / "feeds" / "all.xml").read_bytes())
    assert not feed.bozo and "N x\ufffd y\ufffd" in feed.entries[0].summary
    cal = Calendar.from_ical((tmp_path / "site" / "calendar" / "all.ics").read_bytes())
    assert "\ufffd" in str(cal.walk("VEVENT")[0]["summary"])
    json.loads((tmp_path / "site" / "data" / "actions.json").read_text(encoding="utf-8"))
    page = (tmp_path / "site" / "actions" / "HX-1" / "index.html").read_text(encoding="utf-8")
    assert "\ufffe" not in page and "\uffff" not in page and "\x01" not in page and "x\ufffd y" in page


@pytest.mark.browser
def test_the_site_works_from_disk_with_the_network_off(site):
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1440, "height": 900}, offline=True)
        page = context.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((site / "index.html").as_uri())
        page.locator(".status-mix .seg").first.wait_for(state="visible")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "public-index.png"))
        page.goto((site / "actions" / "index.html").as_uri())
        page.fill("#q", "growth zones")
        assert re.match(r"^\d+ of 250 actions$", page.locator("#count").inner_text())
        assert page.locator("table.actions tbody tr:not([hidden])").count() >= 1
        page.goto((site / "plans" / "UK" / "index.html").as_uri())
        page.locator("figure.chart svg[role=img]").first.wait_for(state="visible", timeout=30_000)
        page.goto((site / "actions" / "UK-R24" / "index.html").as_uri())
        evidence = page.locator("#latest-evidence")
        assert "Blocked" in evidence.inner_text() and evidence.bounding_box()["y"] < 900
        page.screenshot(path=str(ARTIFACTS / "public-action.png"))
        assert all(u.startswith("file://") for u in requests), [u for u in requests if not u.startswith("file")]
        context.close()
        browser.close()


def test_an_unknown_value_is_a_dash_on_every_public_page(site, store):
    # text.UNKNOWN, as on the dashboard: an action with no due date says — , never None, nan or NaT.
    pages = list(site.rglob("*.html"))
    assert len(pages) > 250
    shown = re.compile(r">\s*(None|nan|NaN|NaT|&lt;NA&gt;)\s*<")
    assert [str(p.relative_to(site)) for p in pages if shown.search(p.read_text(encoding="utf-8"))] == []
    con = connect(store, read_only=True)
    undated = con.execute("SELECT min(action_id) FROM actions WHERE due_date IS NULL").fetchone()[0]
    con.close()
    assert "<dt>Due</dt><dd>—" in (site / "actions" / undated / "index.html").read_text(encoding="utf-8")


def test_plan_pages_draw_their_charts_without_a_chart_library_or_javascript(site):
    # Issue 30: the completion curve and the timeline are SVG written by the publisher, each with its
    # numbers in words beside it; a plan page loaded the 4.8 MB plotly.min.js before.
    assert not (site / "assets" / "plotly.min.js").exists()
    for plan in ("US", "CN", "AU", "EU", "UK"):
        page = (site / "plans" / plan / "index.html").read_text(encoding="utf-8")
        assert "<script" not in page, plan
        assert page.count("<svg") == 2 and page.count("role='img'") == 2
        assert "<title id='completion-title'>Completion over time</title>" in page
        assert re.search(r"<figcaption>On \d\d \w{3} \d{4}, \d+ of \d+ actions had evidence of completion", page)
        assert "The numbers, month by month" in page
        # every action of the plan has its bar, named in words for a screen reader's hover
        ids = re.findall(r'href="../../actions/([A-Z]{2}-[^/]+)/index.html"', page)
        assert ids and all(f"<title>{a}: " in page for a in ids)


def test_every_public_page_weighs_under_200_kb_with_what_it_loads(site):
    # A page's own bytes plus the stylesheet and scripts it names (images are SVG inline).
    too_big = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        total = len(text.encode())
        for ref in re.findall(r'(?:src|href)="([^"]+\.(?:css|js))"', text):
            total += (page.parent / ref).resolve().stat().st_size
        if total > 200_000:
            too_big.append((str(page.relative_to(site)), total))
    assert too_big == []


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A store of 1,200 synthetic actions in 10 plans: enough to page every list that grows."""
    from bench.synth import make_tracker
    return make_tracker(tmp_path_factory.mktemp("many") / "many.duckdb", 1200, 3000)


def _pages_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("page-*.html"), key=lambda p: int(p.stem.split("-")[1]))


def test_what_grows_with_the_actions_is_paged_and_every_page_links_every_other(many, tmp_path):
    from action_tracker.publish import PAGE_BYTES
    out = tmp_path / "site"
    con = connect(many, read_only=True)
    publish(con, out, per_page=(100, 50))
    con.close()
    pages = [out / "actions" / "index.html", *_pages_of(out / "actions")]
    assert len(pages) == 12
    listed = [i for p in pages for i in re.findall(r'<td><a href="\.\./actions/(A\d+)/index\.html">', p.read_text())]
    assert len(listed) == len(set(listed)) == 1200  # each action on exactly one page of the list
    second = pages[1].read_text()
    assert "Actions 101–200 of 1200, 100 a page" in second and 'href="page-12.html"' in second
    assert '<a href="page-2.html" aria-current="page">' in second and "(page 2 of 12)" in second
    plan = out / "plans" / "P00"
    plan_pages = [plan / "index.html", *_pages_of(plan)]
    assert len(plan_pages) == 3  # 120 actions, 50 a page
    first, last = plan_pages[0].read_text(), plan_pages[-1].read_text()
    assert "Completion over time</h2>" in first and "Completion over time</h2>" not in last
    for text, n in ((first, 50), (last, 20)):
        bars = text.split("<h2>Timeline</h2>")[1].split("</figure>")[0].count("<rect x=")
        items = text.split("Actions by section</h2>")[1].count("<li><a href=\"../../actions/")
        assert bars == items == n  # the timeline draws this page's actions, and lists them
    assert max(p.stat().st_size for p in out.rglob("*.html")) <= PAGE_BYTES


def test_a_page_that_would_weigh_too_much_is_split_smaller(many, tmp_path):
    import action_tracker.publish as publisher
    out = tmp_path / "site"
    con = connect(many, read_only=True)
    publish(con, out, per_page=(5000, 5000))  # one page each, were it not for the weight
    con.close()
    list_pages = [out / "actions" / "index.html", *_pages_of(out / "actions")]
    assert len(list_pages) > 1
    assert max(p.stat().st_size for p in [*list_pages, *(out / "plans").rglob("*.html")]) <= publisher.PAGE_BYTES
    css = (out / "assets" / "site.css").stat().st_size + (out / "assets" / "filter.js").stat().st_size
    assert publisher.PAGE_BYTES + css <= 200_000  # a page, its stylesheet and its script: 200 KB at most
