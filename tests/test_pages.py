"""Every page under streamlit.testing.v1.AppTest, on real DuckDB files built in the test."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from .conftest import ROOT
from .small import EXPECTED, decode, make_small_db

PAGES = ["pages/overview.py", "pages/timeline.py", "pages/completion.py", "pages/owners.py",
         "pages/explorer.py", "pages/updates.py", "pages/snapshots.py"]


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


def chart(at, n=0) -> dict:
    return json.loads(at.get("plotly_chart")[n].proto.spec)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_seed_data(seed_db, page):
    at = open_page(page)
    assert at.title, page


def test_overview_numbers(small_db):
    at = open_page("pages/overview.py")
    m = metrics(at)
    assert m["Actions"] == str(EXPECTED["actions"])
    assert m["Completed"] == str(EXPECTED["Completed"])
    assert m["In progress"] == str(EXPECTED["In progress"])
    assert m["Not started"] == str(EXPECTED["Not started"])
    assert m["Overdue"] == str(EXPECTED["overdue"])
    assert m["Due in the next 90 days"] == str(EXPECTED["due_next_90"])
    mix = next(m.value for m in at.markdown if "status-mix" in m.value)
    assert "data-plan='AA' data-status='Completed' data-count='1'" in mix
    assert "data-plan='BB' data-status='Completed' data-count='1'" in mix
    assert "data-plan='AA' data-status='Not started' data-count='3'" in mix


def test_overview_as_of_a_past_day(small_db):
    from .small import d
    at = open_page("pages/overview.py", as_of=d(-70))
    m = metrics(at)
    assert m["Completed"] == "0" and m["In progress"] == "1"
    assert any("As of" in i.value for i in at.info)


def test_explorer_filter_changes_the_table(small_db):
    at = open_page("pages/explorer.py")
    assert len(at.dataframe[0].value) == EXPECTED["actions"]
    at.multiselect(key="status").set_value(["Completed"]).run()
    assert sorted(at.dataframe[0].value["action_id"]) == ["AA-2", "BB-1"]
    assert any("2 of 8 actions match" in c.value for c in at.caption)
    at.selectbox(key="due").set_value("overdue").run()
    assert any("0 of 8 actions match" in c.value for c in at.caption)
    assert any("No action matches" in i.value for i in at.info)


def test_explorer_opens_one_action_with_history(small_db):
    at = open_page("pages/explorer.py", action="AA-2")
    assert any("AA-2: Fund scholarships" in s.value for s in at.subheader)
    history = at.dataframe[-1].value
    assert list(history["status"]) == ["Completed"] and history.iloc[0]["confidence"] == "high"
    assert history.iloc[0]["evidence_url"] == "https://example.org/aa2"


def test_explorer_link_with_unknown_values_explains(small_db):
    at = open_page("pages/explorer.py", plan=["AA", "ZZ"], due="someday", action="NOPE-1")
    text = " ".join(w.value for w in at.warning)
    assert "'ZZ'" in text and "'someday'" in text and "NOPE-1" in text
    assert sorted(at.dataframe[0].value["action_id"]) == [f"AA-{n}" for n in range(1, 7)]


def test_timeline_filter_and_grouping(small_db):
    at = open_page("pages/timeline.py", plan="BB", group="owner")
    fig = chart(at)
    labels = [y for t in fig["data"] if t["type"] == "bar" for y in decode(t["y"])]
    assert sorted(l.split()[0] for l in labels) == ["BB-1", "BB-2"]
    assert fig["layout"]["yaxis"]["categoryarray"][0] == "<b>Growth Office</b>"


def test_completion_page_curve(small_db):
    at = open_page("pages/completion.py", plan="AA")
    fig = chart(at)
    names = [t["name"] for t in fig["data"]]
    assert names == ["AA completed", "AA due by then"]
    assert decode(fig["data"][0]["y"])[-1] == EXPECTED["AA"]["Completed"]
    at.radio(key="measure").set_value("share").run()
    assert decode(chart(at)["data"][0]["y"])[-1] == pytest.approx(1 / 6)


def test_owners_scorecard_and_drill_down(small_db):
    at = open_page("pages/owners.py")
    card = at.dataframe[0].value.set_index("owner")
    assert card.loc["Ministry of Skills", "assigned"] == 2 and card.loc["Ministry of Skills", "overdue"] == 1
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
    assert any("No status history yet" in i.value for i in at.info)
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
    monkeypatch.setenv("ACTION_TRACKER_EDITORS", "alice:s3cret-enough")
    at = open_page("pages/updates.py")
    assert uploaders(at) == 0
    at.text_input[0].input("alice")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert uploaders(at) == 0 and any("wrong password" in e.value for e in at.error)
    at.text_input[0].input("alice")
    at.text_input[1].input("s3cret-enough")
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
    assert metrics(at)["Actions"] == "2" and metrics(at)["Completed"] == "1"
    assert any("Frozen snapshot" in i.value for i in at.info)
    assert sorted(at.dataframe[0].value["action_id"]) == ["BB-1", "BB-2"]


@pytest.mark.parametrize("bad, words", [("not-a-real-id", "is not a snapshot id"), ("A" * 22, "There is no snapshot")])
def test_snapshot_links_with_bad_ids_explain(small_db, bad, words):
    at = open_page("pages/snapshots.py", id=bad)
    assert any(words in e.value for e in at.error)
