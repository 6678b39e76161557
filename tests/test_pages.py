"""Every page under streamlit.testing.v1.AppTest, on real DuckDB files built in the test."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from action_tracker.auth import hash_password
from action_tracker.text import md

from .conftest import ROOT
from .small import EXPECTED, make_small_db

ALICE_HASH = hash_password("s3cret-enough-2026")  # editors are configured by hash only

# Each page, and something it must show on the seed data (not only a title).
PAGES = {
    "pages/overview.py": "Status known for",
    "pages/timeline.py": "actions, showing",
    "pages/completion.py": "Solid: actions whose latest status",
    "pages/owners.py": "Leads of",
    "pages/explorer.py": "actions match",
    "pages/updates.py": "Download the template",
    "pages/snapshots.py": "A snapshot freezes a view",
    "pages/methodology.py": "No update yet",
    "pages/compare.py": "Themes by plan",
    "pages/suggest.py": "An editor checks every suggestion",
    "pages/review.py": "pending ·",
}


@pytest.fixture(autouse=True)
def fresh_caches():
    # The database handle is a cache_resource: each test opens its own file.
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def small_db(tmp_path, monkeypatch):
    path = make_small_db(tmp_path)
    monkeypatch.setenv("ACTION_TRACKER_DB", str(path))
    return path


@pytest.fixture
def seed_db(db_file, monkeypatch):
    monkeypatch.setenv("ACTION_TRACKER_DB", str(db_file))
    return db_file


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for k, v in params.items():  # before the first run, as a link opened in a new tab
        at.query_params[k] = v
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


SVG = "{http://www.w3.org/2000/svg}"


def svg_of(at) -> ET.Element:
    """A page's chart (timeline, completion, owners): SVG inside Markdown, parsed (well-formed XML too)."""
    svg = next(m.value for m in at.markdown if m.value.startswith("<svg"))
    return ET.fromstring(svg)


def gantt_texts(root: ET.Element, kind: str) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text") if t.get("class") == kind]


def page_text(at) -> str:
    parts = [e.value for kind in ("title", "header", "markdown", "caption", "subheader", "info") for e in getattr(at, kind)]
    return " ".join(str(p) for p in parts)


def test_the_pages_are_built_once_per_session_and_each_page_still_opens(small_db):
    at = open_page("pages/overview.py")
    built = at.session_state["_pages"]
    at.switch_page("pages/timeline.py")
    at.run()
    assert not at.exception and at.title[0].value.startswith("Timeline")
    assert at.session_state["_pages"] is built  # the same st.Page objects: not built again
    assert open_page("pages/overview.py").session_state["_pages"] is not built  # another session: its own


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_seed_data(seed_db, page, monkeypatch):
    monkeypatch.setenv("ACTION_TRACKER_LOCAL_EDITING", "1")
    at = open_page(page)
    assert PAGES[page] in page_text(at), page


def test_overview_numbers(small_db):
    at = open_page("pages/overview.py")
    m = metrics(at)
    assert m["Status known"] == f"{EXPECTED['assessed']} of {EXPECTED['actions']}"
    assert m["Completed"] == str(EXPECTED["Completed"])
    assert m["In progress"] == str(EXPECTED["In progress"])
    assert m["Overdue"] == str(EXPECTED["overdue"])
    assert m["Past due, no update"] == str(EXPECTED["past_due_no_update"])
    assert m["Due in the next 90 days"] == str(EXPECTED["due_next_90"])
    assert "Not started" not in m  # a reported status among others, never a headline for "no data"
    assert "Status known for 5 of 8 actions" in page_text(at)
    mix = next(m.value for m in at.markdown if "actions by status" in m.value)
    rows = {cells[1].strip(" *"): (cells[2].strip(), cells[3].strip().split(" ", 1)[1])
            for cells in (line.split("|") for line in mix.splitlines() if line.startswith("| **"))}
    # Each plan's actions, and after its bar each status's count by its symbol, in the order of the
    # legend (the hand count in tests/small.py).
    assert rows == {"AA": ("6", "○ 1 · ◐ 2 · ✔ 1 · ? 2"), "BB": ("2", "✔ 1 · ? 1")}
    recent = next(m.value for m in at.markdown if "explorer?action=" in m.value and m.value.startswith("- **"))
    assert recent.index("BB-1") < recent.index("AA-3") < recent.index("AA-2")  # newest first
    assert "https://example.org/aa2" in recent and "government" in recent


def test_overview_as_of_a_past_day(small_db):
    from .small import d
    at = open_page("pages/overview.py", as_of=d(-70))
    m = metrics(at)
    assert m["Completed"] == "0" and m["In progress"] == "1" and m["Status known"] == "2 of 8"
    assert any("As of" in i.value for i in at.info)


def test_explorer_filter_changes_the_table(small_db):
    at = open_page("pages/explorer.py")
    assert len(at.dataframe[0].value) == EXPECTED["actions"]
    at.multiselect(key="status").set_value(["Completed"]).run()
    assert sorted(at.dataframe[0].value["action"]) == ["AA-2", "BB-1"]
    assert any("2 of 8 actions match" in c.value for c in at.caption)
    at.selectbox(key="due").set_value("overdue").run()
    assert any("0 of 8 actions match" in c.value for c in at.caption)
    assert any("No action matches" in i.value for i in at.info)


@pytest.mark.parametrize("params, expected", [
    ({"status": "Completed"}, ["AA-2", "BB-1"]),
    ({"plan": "AA", "status": ["In progress", "Completed"]}, None),
    ({"due": "overdue"}, None),
    ({"stale": "true"}, None),
    ({"q": "a", "plan": "BB"}, None),
])
def test_explorer_draws_its_filters_last_and_still_follows_the_link(small_db, params, expected):
    """The explorer draws the list before its eleven sidebar widgets (0.5 s sooner in the browser): the
    filters come from the link on the first run, and the widgets drawn after the list show the same."""
    from action_tracker import queries
    from action_tracker.db import connect
    from action_tracker.history import load_dataset
    from action_tracker.views import read_view

    from .small import TODAY
    con = connect(small_db, read_only=True)
    ds = load_dataset(con, TODAY)
    con.close()
    at = open_page("pages/explorer.py", **params)
    shown = sorted(at.dataframe[0].value["action"]) if at.dataframe else []
    link = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    f = read_view(link, queries.options(ds.state), TODAY).filters
    assert shown == sorted(queries.filter_actions(ds.state, f, TODAY)["action_id"]) == (expected or shown)
    assert at.multiselect(key="status").value == link.get("status", [])
    assert at.multiselect(key="plan").value == link.get("plan", [])
    assert at.text_input(key="q").value == (params.get("q") or "")
    assert at.selectbox(key="due").value == params.get("due", "any")


def test_explorer_picker_offers_a_bounded_list_and_still_opens_any_action(small_db, monkeypatch):
    from action_tracker import web
    monkeypatch.setattr(web.widgets, "PICKER_LIMIT", 3)  # each session keeps its widgets' options: bounded
    at = open_page("pages/explorer.py", action="BB-2")
    picker = at.selectbox(key="action")
    assert picker.options[:3] == ["AA-1 · Train teachers", "AA-2 · Fund scholarships", "AA-3 · Build compute"]
    assert len(picker.options) == 4 and picker.options[-1].startswith("BB-2")  # the linked one is offered too
    assert "the first 3 of 8 that match" in picker.label
    assert any(s.value.startswith("BB-2:") for s in at.header)


def test_explorer_opens_one_action_with_history(small_db):
    at = open_page("pages/explorer.py", action="AA-2")
    assert any("AA-2: Fund scholarships" in s.value for s in at.header)
    history = at.dataframe[0].value  # the opened action comes first, the list of actions after it
    assert list(history["status"]) == ["Completed"] and history.iloc[0]["confidence"] == "high"
    assert history.iloc[0]["evidence_url"] == "https://example.org/aa2" and history.iloc[0]["basis"] == "government"
    # The latest evidence is the first thing under the title.
    texts = [m.value for m in at.markdown]
    first = next(i for i, t in enumerate(texts) if "Completed" in t and "since" in t)
    assert "example.org/aa2" in texts[first] and "confidence high" in texts[first]
    assert first < next(i for i, t in enumerate(texts) if t.startswith("> "))


def test_explorer_says_no_update_for_an_action_nobody_reported_on(small_db):
    at = open_page("pages/explorer.py", action="AA-6")
    assert any("No update yet" in m.value and "not a verdict" in m.value for m in at.markdown)
    assert not any("Overdue by" in m.value for m in at.markdown)
    assert any("No status history yet" in i.value for i in at.info)


def test_explorer_link_with_unknown_values_explains(small_db):
    at = open_page("pages/explorer.py", plan=["AA", "ZZ"], due="someday", action="NOPE-1")
    text = " ".join(w.value for w in at.warning)
    assert "'ZZ'" in text and "'someday'" in text and "NOPE-1" in text
    assert sorted(at.dataframe[0].value["action"]) == [f"AA-{n}" for n in range(1, 7)]


def test_timeline_filter_and_grouping(small_db):
    at = open_page("pages/timeline.py", plan="BB", group="owner")
    root = svg_of(at)
    assert sorted(label.split()[0] for label in gantt_texts(root, "row")) == ["BB-1", "BB-2"]
    assert gantt_texts(root, "group")[0] == "Growth Office"
    table = next(m.value for m in at.markdown if m.value.startswith("| action |"))
    assert "[BB-1](explorer?action=BB-1)" in table  # the chart's rows as text, each linking to its action


def test_completion_page_curve(small_db):
    at = open_page("pages/completion.py", plan="AA")
    ends = gantt_texts(svg_of(at), "end")  # each line named at its end, with its last values
    assert len(ends) == 1 and ends[0].startswith(f"AA: {EXPECTED['AA']['Completed']} completed, ")
    table = next(m.value for m in at.markdown if m.value.startswith("| plan | on | completed |")).splitlines()
    assert len(table) == 3 and table[2].split(" | ")[2] == str(EXPECTED["AA"]["Completed"])  # the numbers as text
    at.radio(key="measure").set_value("share").run()
    assert gantt_texts(svg_of(at), "end")[0].startswith(f"AA: {1 / 6:.0%} completed, ")
    at.radio(key="measure").set_value("share of assessed").run()
    # 1 of AA's 4 assessed actions; status known for 4 of its 6
    assert gantt_texts(svg_of(at), "end") == [f"AA: {1 / 4:.0%} of assessed completed, {4 / 6:.0%} known"]
    assert not at.get("plotly_chart")  # drawn on the server: no chart library for the browser
    assert md(f"AA: {1 / 4:.0%} of assessed completed") in " ".join(c.value for c in at.caption)  # and in words


def test_owners_scorecard_and_drill_down(small_db):
    at = open_page("pages/owners.py")
    card = at.dataframe[0].value.set_index("owner")
    assert card.loc["Ministry of Skills", "assigned"] == 2 and card.loc["Ministry of Skills", "overdue"] == 1
    assert card.loc["Data Office", "assessed"] == 1 and card.loc["Data Office", "past_due_no_update"] == 1
    drawn = gantt_texts(svg_of(at), "owner")
    assert drawn == list(card.index[:25]) and "Ministry of Skills" in drawn  # the chart: the table's first rows
    assert not at.get("plotly_chart")
    at.selectbox(key="owner").set_value("Growth Office").run()
    assert sorted(at.dataframe[-1].value["action_id"]) == ["BB-1", "BB-2"]
    at.radio(key="role").set_value("is named in").run()
    assert at.dataframe[0].value.set_index("owner").loc["Ministry of Skills", "assigned"] == 3


def test_empty_history_explains_itself(tmp_path, monkeypatch):
    from action_tracker.build import build
    from action_tracker.db import connect
    path = tmp_path / "bare.duckdb"
    build(connect(path), updates_dir=None)
    monkeypatch.setenv("ACTION_TRACKER_DB", str(path))
    at = open_page("pages/overview.py")
    assert any("No status has been reported for any action yet" in i.value for i in at.info)
    assert metrics(at)["Status known"] == "0 of 250"
    at = open_page("pages/completion.py")
    assert any("No action of these plans is recorded as Completed" in i.value for i in at.info)


def uploaders(at) -> int:
    return len(at.get("file_uploader"))


def test_viewers_never_see_upload_controls(seed_db, monkeypatch):
    monkeypatch.delenv("ACTION_TRACKER_LOCAL_EDITING", raising=False)
    monkeypatch.delenv("ACTION_TRACKER_EDITORS", raising=False)
    at = open_page("pages/updates.py")
    assert uploaders(at) == 0 and not at.get("download_button")
    assert any("switched off" in i.value for i in at.info)


def test_editors_sign_in_before_they_see_upload_controls(seed_db, monkeypatch):
    monkeypatch.delenv("ACTION_TRACKER_LOCAL_EDITING", raising=False)
    monkeypatch.setenv("ACTION_TRACKER_EDITORS", "alice:" + ALICE_HASH)
    at = open_page("pages/updates.py")
    assert uploaders(at) == 0
    at.text_input[0].input("alice")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert uploaders(at) == 0 and any("wrong password" in e.value for e in at.error)
    at.text_input[0].input("alice")
    at.text_input[1].input("s3cret-enough-2026")
    at.button[0].click().run()
    assert uploaders(at) == 1


def test_local_editing_shows_the_upload_flow(seed_db, monkeypatch):
    monkeypatch.setenv("ACTION_TRACKER_LOCAL_EDITING", "1")
    at = open_page("pages/updates.py")
    assert uploaders(at) == 1 and len(at.get("download_button")) == 2


def test_saving_a_view_as_a_snapshot_and_opening_its_link(small_db):
    from action_tracker import snapshots
    from action_tracker.db import connect
    at = open_page("pages/explorer.py", plan="BB")
    # The share box is drawn only once opened (a lazy expander).
    assert "snapshot_save" not in [b.key for b in at.button]
    at.session_state["share_open"] = True
    at.run()
    at.button(key="snapshot_save").click().run()
    assert any("Saved" in s.value for s in at.success)
    st.cache_resource.clear()  # release the page's handle on the file
    con = connect(small_db)
    listed = snapshots.list_snapshots(con)
    assert len(listed) == 1 and listed.iloc[0]["actions"] == 2
    sid = listed.iloc[0]["snapshot_id"]
    con.close()
    at = open_page("pages/snapshots.py", id=sid)
    assert at.title[0].value.startswith("📌 Explorer as of")
    assert metrics(at)["Status known"] == "1 of 2" and metrics(at)["Completed"] == "1"
    assert any("Frozen snapshot" in i.value for i in at.info)
    assert sorted(at.dataframe[0].value["action_id"]) == ["BB-1", "BB-2"]


@pytest.mark.parametrize("bad, words", [("not-a-real-id", "is not a snapshot id"), ("A" * 22, "There is no snapshot")])
def test_snapshot_links_with_bad_ids_explain(small_db, bad, words):
    at = open_page("pages/snapshots.py", id=bad)
    assert any(words in e.value for e in at.error)


def test_confidence_filter_in_the_link_changes_every_figure(small_db):
    at = open_page("pages/overview.py", confidence="high")
    m = metrics(at)
    assert m["Status known"] == "1 of 8" and m["Completed"] == "1" and m["Overdue"] == "0"
    assert any("Only high-confidence evidence counts" in i.value for i in at.info)
    at = open_page("pages/overview.py", confidence="sure")
    assert metrics(at)["Status known"] == "5 of 8" and any("'sure'" in w.value for w in at.warning)


def test_claims_stand_beside_the_tracker_count(seed_db):
    at = open_page("pages/overview.py")
    claim = next(m.value for m in at.markdown if "What governments claim" in m.value)
    assert "UK: claimed 38 of 50 · evidence here for" in claim and "29 Jan 2026" in claim


PAYLOAD = "[sign in here](https://evil.example/login) ![t](http://evil.example/t.png) <img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_db(tmp_path, monkeypatch):
    """A CSV plan whose title, section, owner, action title and evidence carry link, image and HTML payloads."""
    from action_tracker.build import build
    from action_tracker.db import connect

    from .small import add_event, csv_plans, d
    plans = csv_plans(tmp_path / "plans", ("HX", f"Plan {PAYLOAD}", "Hostilia", "2025-01"))
    (plans / "hx.csv").write_text(
        "action_id,section,title,text,lead_owner,due_date\n"
        f'HX-1,"Section {PAYLOAD}","Title {PAYLOAD}","Text {PAYLOAD}","Owner {PAYLOAD}",{d(-5)}\n', encoding="utf-8")
    path = tmp_path / "hostile.duckdb"
    con = connect(path)
    build(con, plans_dir=plans, updates_dir=None)
    add_event(con, "HX-1", "In progress", d(-3), note=f"Note {PAYLOAD}", source=f"Source {PAYLOAD}",
              evidence_url="javascript:alert(1)")
    from action_tracker import proposals
    proposals.add(con, [proposals.Proposal(origin="public", proposed_by=f"public: {PAYLOAD}", action_id="HX-1",
                                           note=f"Suggested {PAYLOAD}", source=f"Source {PAYLOAD}",
                                           evidence_url="https://example.org/hx")])
    con.execute("INSERT INTO done_when VALUES ('HX-1', ?, ?)", [f"Done {PAYLOAD}", f"Basis {PAYLOAD}"])
    con.close()
    monkeypatch.setenv("ACTION_TRACKER_DB", str(path))
    return path


@pytest.mark.parametrize("page, params", [
    ("pages/overview.py", {}), ("pages/compare.py", {"side": "true"}), ("pages/explorer.py", {"action": "HX-1"}),
    ("pages/timeline.py", {}),
    ("pages/owners.py", {"owner": f"Owner {PAYLOAD}"}),
    ("pages/explorer.py", {"action": f"[x]({PAYLOAD})", "plan": "![x](http://e/t.png)", "q": PAYLOAD}),
    ("pages/review.py", {}), ("pages/suggest.py", {"action": PAYLOAD}),
])
def test_user_text_is_shown_as_text_on_every_page(hostile_db, page, params, monkeypatch):
    monkeypatch.setenv("ACTION_TRACKER_LOCAL_EDITING", "1")  # the review page is for editors
    at = open_page(page, **params)
    shown = [str(e.value) for kind in ("title", "header", "markdown", "caption", "subheader", "info", "warning", "error")
             for e in getattr(at, kind)]
    charts = [e.proto.spec for e in at.get("plotly_chart")]
    # Grid cells and widget values are drawn as plain text by Streamlit itself (never Markdown).
    cells = [e.value.to_csv() for e in at.data_editor] + [str(w.value) for w in at.text_input]
    assert any("evil" in v for v in shown + charts + cells), "the payload is shown, as text"
    for v in shown:
        if v.lstrip().startswith("<"):  # our own HTML blocks: the payload is escaped inside them
            assert not re.search(r"<img|<a [^>]*href=['\"](?:https?://evil|javascript)", v), v[:200]
        else:  # Markdown: link, image and HTML syntax arrive escaped
            assert not re.search(r"(?<!\\)\]\((?:https?|javascript)", v), v[:200]
            assert not re.search(r"(?<!\\)<img", v), v[:200]
    for spec in charts:  # Plotly draws <a href> and <b> in labels and hovers: payloads arrive escaped
        assert "<img" not in spec and "<a href" not in spec


def test_owners_by_department_counts_its_bodies_and_says_which_leads(seed_db):
    from action_tracker.db import connect
    from action_tracker.history import action_state
    state = action_state(connect(seed_db, read_only=True))
    st.cache_resource.clear()
    from loaders import OwnerRegistry
    reg = OwnerRegistry.load()  # the registry's own parent links, not the code under test
    doc_family = {o.name for o in reg.owners.values() if o.owner_id == "us-doc" or "us-doc" in reg.ancestors(o.owner_id)}
    expected = int(state["lead_owner"].isin(doc_family).sum())
    at = open_page("pages/owners.py", by="department")
    card = at.dataframe[0].value.set_index("owner")
    assert card.loc["Department of Commerce", "assigned"] == expected > 10
    assert "National Institute of Standards and Technology" not in card.index
    at.selectbox(key="owner").set_value("Department of Commerce").run()
    bodies = set(at.dataframe[-1].value["lead_owner"])
    assert {"National Institute of Standards and Technology", "Department of Commerce"} <= bodies <= doc_family
    # Leaving out plan-level leads takes the plan's own governments off the card.
    at = open_page("pages/owners.py", leads="stated and implied")
    assert "US Federal Government" not in set(at.dataframe[0].value["owner"])
    assert any("UK Government leads 47 UK recommendations" in c.value for c in at.caption)


def test_explorer_says_how_each_fact_was_read(seed_db):
    at = open_page("pages/explorer.py", action="UK-R01")
    text = " ".join(m.value for m in at.markdown)
    assert "reviewed" in text and "Counted from** 13 Jan 2025" in text and "GOV.UK" in text
    at = open_page("pages/explorer.py", action="US-08-02")
    assert "implied\\: the only body the text names" in " ".join(m.value for m in at.markdown)
    at = open_page("pages/explorer.py", action="EU-4-02")
    parts = next(m.value for m in at.markdown if m.value.startswith("**Parts:"))
    assert "0 of 4 completed" in parts and "EU\\-4\\-02\\-3" not in parts and "EU-4-02-3" in parts


@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/methodology.py"])
def test_a_day_before_the_first_plan_is_handled_on_every_page(seed_db, page, monkeypatch):
    monkeypatch.setenv("ACTION_TRACKER_LOCAL_EDITING", "1")
    at = open_page(page, as_of="2024-12-31")  # open_page asserts that no exception was shown
    assert at.title


def test_a_damaged_store_gets_the_clear_message_on_every_page(seed_db):
    data = bytearray(seed_db.read_bytes())
    seed_db.write_bytes(bytes(data[:len(data) // 2]))  # truncated to half
    for page in ("pages/overview.py", "pages/explorer.py"):
        st.cache_resource.clear()
        at = open_page(page)
        assert any("cannot be opened" in e.value and "looks damaged" in e.value for e in at.error)


def test_repeated_wrong_passwords_lock_the_editor_out(seed_db, monkeypatch):
    monkeypatch.delenv("ACTION_TRACKER_LOCAL_EDITING", raising=False)
    monkeypatch.setenv("ACTION_TRACKER_EDITORS", "alice:" + ALICE_HASH)
    at = open_page("pages/updates.py")
    for _ in range(3):
        at.text_input[0].input("alice")
        at.text_input[1].input("wrong")
        at.button[0].click().run()
        assert any("wrong password" in e.value for e in at.error)
    at.text_input[0].input("alice")
    at.text_input[1].input("s3cret-enough-2026")  # the right one, straight after: refused for now
    at.button[0].click().run()
    assert uploaders(at) == 0 and any("Too many failed sign-ins" in e.value for e in at.error)


def test_compare_answers_who_committed_to_a_safety_institute_and_its_status(seed_db):
    at = open_page("pages/compare.py", focus="safety", q="safety institute")
    text = " ".join(m.value for m in at.markdown)
    assert "AU-C22" in text and "Establish an AI Safety Institute" in text
    assert "UK-R23" in text and "Support and grow the AI Safety Institute" in text
    matrix = next(m.value for m in at.markdown if m.value.startswith("| theme |"))
    assert "(explorer?plan=UK&theme=skills)" in matrix and "**Skills and talent**" in matrix


def test_compare_draws_one_theme_side_by_side_only_when_opened(seed_db):
    at = open_page("pages/compare.py")
    assert any(m.value.startswith("| theme |") for m in at.markdown)  # the matrix, always
    assert "focus" not in [s.key for s in at.selectbox] and not any("Who has delivered" in m.value for m in at.markdown)
    st.cache_resource.clear()
    at = open_page("pages/compare.py", side="true")  # opened, as in a link shared with it open
    assert "focus" in [s.key for s in at.selectbox] and any("Who has delivered" in m.value for m in at.markdown)


def test_theme_filter_and_per_theme_views(seed_db):
    from action_tracker.db import connect
    from action_tracker.history import action_state
    state = action_state(connect(seed_db, read_only=True))
    st.cache_resource.clear()
    energy = state["themes"].str.contains("energy")
    at = open_page("pages/explorer.py", theme="energy")
    assert sorted(at.dataframe[-1].value["action"]) == sorted(state.loc[energy, "action_id"])
    at = open_page("pages/completion.py", per="theme")
    names = [label.split(":")[0] for label in gantt_texts(svg_of(at), "end")]
    assert "Skills and talent" in names and "Energy for AI" in names
    at = open_page("pages/timeline.py", group="theme", plan="UK")
    assert "Public-sector adoption" in gantt_texts(svg_of(at), "group")


def test_filters_that_leave_nothing_are_said_plainly(seed_db):
    at = open_page("pages/overview.py", plan="CN", theme="export")  # China's plan has no export-control action
    assert metrics(at)["Status known"] == "0 of 0"
    assert any("Status known for 0 of 0 actions" in m.value for m in at.markdown)


def test_timeline_answers_what_is_due_when_and_can_show_everything(seed_db):
    at = open_page("pages/timeline.py")
    root = svg_of(at)
    from action_tracker.db import connect
    from action_tracker.history import action_state
    st.cache_resource.clear()
    state = action_state(connect(seed_db, read_only=True))
    st.cache_resource.clear()
    dated = int(state["due_date"].notna().sum())
    assert any("with no due date are left out" in c.value for c in at.caption)
    assert len(gantt_texts(root, "row")) == min(dated, 50)  # the first page of the dated actions
    months = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text[:3] in ("Jan", "Feb", "Apr", "Jul", "Oct")]
    assert months and all(months.count(m) == 2 for m in months)  # the date axis at the top and the bottom
    at = open_page("pages/timeline.py", rows="all", undated="true")
    root = svg_of(at)
    marks = [e for e in root.iter() if e.get("class") in ("bar", "milestone")]
    assert len(gantt_texts(root, "row")) == len(marks) == len(state) > dated  # all 250 in one view


def test_open_an_action_by_its_title_words_and_the_link_follows(seed_db):
    at = open_page("pages/explorer.py")
    box = at.selectbox(key="action")
    assert any("growth zones" in box.format_func(o).lower() for o in box.options)  # searchable by title words
    box.set_value("UK-R04").run()
    assert at.query_params["action"] in ("UK-R04", ["UK-R04"])
    assert any("UK-R04: Establish AI Growth Zones" in s.value for s in at.header)
    table = at.dataframe[-1].value
    assert list(table.columns) == ["action", "title", "status", "due", "past due", "lead owner"]


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/timeline.py", "pages/compare.py"])
def test_a_view_already_computed_takes_no_cursor(seed_db, page, monkeypatch):
    """A run that finds all it draws in memory queries nothing, and so takes no cursor (web.data._RunCursor)."""
    from action_tracker import web
    open_page(page)  # computes and keeps the view
    taken = []
    real = web.data._RunCursor.__getattr__
    monkeypatch.setattr(web.data._RunCursor, "__getattr__", lambda self, name: taken.append(name) or real(self, name))
    at = open_page(page)
    assert not at.exception and taken == []
    open_page("pages/explorer.py", action="UK-R24")  # an action's history is read from the store each time
    assert "execute" in taken


def test_a_run_cursor_is_taken_once_at_the_first_query(small_db):
    from action_tracker import web
    from action_tracker.db import connect
    con = connect(small_db)
    run = web.data._RunCursor(con)
    assert run._cur is None
    assert run.execute("SELECT 42").fetchone() == (42,)
    first = run._cur
    assert first is not None and run.execute("SELECT 1").fetchone() == (1,) and run._cur is first
    con.close()


_NOT_A_DASH = re.compile(r"\b(None|nan|NaN|NaT)\b|<NA>")


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_shows_an_unknown_value_as_a_dash(seed_db, page):
    """One way to show what nobody knows: "—" in every table (Streamlit's grid would say "None") and in
    the text, never None, nan or NaT. The explorer opens an action with no due date,
    whose history has an event with no note, no source and no moved date."""
    from action_tracker.db import connect

    from .conftest import upload
    con = connect(seed_db)
    unknown = con.execute("SELECT min(action_id) FROM actions WHERE due_date IS NULL").fetchone()[0]
    upload(con, f"action_id,status,effective_date\n{unknown},In progress,2026-01-05\n")
    con.close()
    at = open_page(page, **({"action": unknown} if page == "pages/explorer.py" else {}))
    grids = at.dataframe
    if page in ("pages/explorer.py", "pages/owners.py"):
        assert grids, "this page draws a table"
    assert [g.proto.placeholder for g in grids] == ["—"] * len(grids)
    text = page_text(at) + " ".join(f"{k} {v}" for k, v in metrics(at).items())
    assert not _NOT_A_DASH.search(text), _NOT_A_DASH.search(text)
    if page == "pages/explorer.py":
        assert "**Due** —" in text


def test_pages_draw_tables_through_the_one_helper():
    # web.table sets the placeholder: a page calling st.dataframe itself would show "None" again.
    offenders = [p.name for p in ROOT.glob("pages/*.py") if re.search(r"st\.(dataframe|table|data_editor)\(",
                                                                        p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_reader_suggests_evidence_and_the_sixth_in_a_minute_is_refused(seed_db):
    from action_tracker import proposals
    from action_tracker.db import connect
    at = open_page("pages/suggest.py", action="UK-R07")
    assert at.text_input[0].value == "UK-R07"  # the public edition's link fills the action in
    for n in range(6):
        at.text_input[1].set_value(f"https://example.org/evidence-{n}")
        at.text_area[0].set_value("Five high-impact datasets were named")
        at.button[0].click()
        at.run()
        assert not at.exception
    assert len(at.success) == 0 and "too many suggestions" in at.error[0].value
    con = connect(seed_db)  # (the app's own read-write connection to the file is still open)
    q = proposals.queue(con)
    assert len(q) == 5 and set(q["action_id"]) == {"UK-R07"} and set(q["origin"]) == {"public"}
    assert con.execute("SELECT count(*) FROM status_events WHERE action_id = 'UK-R07'").fetchone()[0] == 0


def test_the_review_page_lists_the_queue_and_the_explorer_names_who_proposed_and_who_accepted(seed_db, monkeypatch):
    from action_tracker import proposals
    from action_tracker.db import connect
    monkeypatch.setenv("ACTION_TRACKER_LOCAL_EDITING", "1")
    con = connect(seed_db)
    (pid,), _ = proposals.add(con, [proposals.Proposal(
        origin="public", proposed_by="public: Ada", action_id="UK-R07", status="Completed",
        effective_date=date(2026, 1, 20), source="GOV.UK", evidence_url="https://www.gov.uk/datasets",
        note="Five datasets named", retrieved_on=date(2026, 12, 6))])
    con.close()
    at = open_page("pages/review.py")
    shown = at.data_editor[0].value  # the batch table, the action's text and its criterion beside each
    assert list(shown["proposal"]) == [pid] and shown.iloc[0]["note"] == "Five datasets named"
    assert "data sets" in shown.iloc[0]["action_text"]
    assert at.button(key="apply_review").disabled  # nothing decided yet
    # AppTest cannot edit a data editor's cells: the decisions the table gives go through the same call.
    from action_tracker.page_data import decisions_from
    decided = shown.assign(decision=["accept"])
    con = connect(seed_db)
    from action_tracker import auth
    assert "1 accepted" in proposals.review(con, decisions_from(decided), auth.command_line("local editor"),
                                            archive=False)
    con.close()
    st.cache_resource.clear()
    st.cache_data.clear()
    explorer = open_page("pages/explorer.py", action="UK-R07")
    table = [t for t in explorer.dataframe if "proposed_by" in t.value.columns][0].value
    assert list(table["proposed_by"]) == ["public: Ada"] and list(table["recorded_by"]) == ["local editor"]
    assert "Last verified:** 06 Dec 2026" in page_text(explorer)
    assert "Done when:**" in page_text(explorer)
