"""The figures behind the pages, computed without Streamlit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from action_tracker import charts, queries, views
from action_tracker.db import connect
from action_tracker.state import action_state

from .small import EXPECTED, TODAY, decode, make_small_db


@pytest.fixture
def small(tmp_path):
    con = connect(make_small_db(tmp_path))
    yield con
    con.close()


def test_summary_matches_the_hand_count(small):
    s = queries.summary(action_state(small, TODAY), TODAY)
    total = s.loc["All plans"]
    for key in ("actions", "Completed", "In progress", "Not started", "overdue", "due_next_90"):
        assert total[key] == EXPECTED[key], key
    for plan in ("AA", "BB"):
        for key, value in EXPECTED[plan].items():
            assert s.loc[plan, key] == value, (plan, key)


def test_as_of_uses_the_history(small):
    # 70 days ago AA-2 was not yet completed, BB-1 neither; AA-1 was in progress.
    past = TODAY - timedelta(days=70)
    s = action_state(small, past).set_index("action_id")
    assert s.loc["AA-2", "status"] == "Not started"
    assert s.loc["AA-1", "status"] == "In progress"
    assert s.loc["BB-1", "status"] == "Not started"
    # Overdue is judged against that day: AA-1 was due 100 days before today, so 30 days late then.
    assert s.loc["AA-1", "overdue"] and s.loc["AA-1", "days_overdue"] == 30
    assert not s.loc["AA-6", "overdue"]


@pytest.mark.parametrize("filters, expected", [
    (queries.Filters(plans=["BB"]), ["BB-1", "BB-2"]),
    (queries.Filters(statuses=["Completed"]), ["AA-2", "BB-1"]),
    (queries.Filters(owners=["Ministry of Skills"]), ["AA-1", "AA-2", "AA-4"]),  # lead or other
    (queries.Filters(due="overdue"), ["AA-1", "AA-6"]),
    (queries.Filters(due="next 90 days"), ["AA-3", "BB-2"]),
    (queries.Filters(due="no due date"), ["AA-5"]),
    (queries.Filters(search="DATA sets"), ["AA-4"]),
    (queries.Filters(plans=["AA"], sections=["Safety"], statuses=["Not started"]), ["AA-5", "AA-6"]),
    (queries.Filters(search="nothing like this"), []),
])
def test_filters(small, filters, expected):
    got = queries.filter_actions(action_state(small, TODAY), filters, TODAY)
    assert sorted(got["action_id"]) == expected


def test_owner_scorecard(small):
    card = queries.owner_scorecard(action_state(small, TODAY), "lead").set_index("owner")
    assert card.loc["Ministry of Skills", "assigned"] == 2
    assert card.loc["Ministry of Skills", "Completed"] == 1
    assert card.loc["Ministry of Skills", "overdue"] == 1
    assert "Treasury" not in card.index
    anyrole = queries.owner_scorecard(action_state(small, TODAY), "any").set_index("owner")
    assert anyrole.loc["Ministry of Skills", "assigned"] == 3 and anyrole.loc["Treasury", "assigned"] == 1


def test_completion_over_time_counts_and_due_curve(small):
    ds = queries.load_dataset(small, TODAY)
    curve = queries.completion_over_time(ds)
    aa = curve[curve["plan"] == "AA"].set_index("date")
    assert aa.loc[TODAY, "completed"] == 1 and aa.loc[TODAY, "completed_share"] == pytest.approx(1 / 6)
    assert aa.loc[TODAY - timedelta(days=61), "completed"] == 0
    assert aa.loc[TODAY - timedelta(days=60), "completed"] == 1
    assert aa.loc[TODAY, "due"] == 3  # AA-1, AA-2, AA-6 were due by today
    assert curve["date"].min().isoformat() == "2025-01-01"


def test_completion_stops_counting_when_an_action_is_reopened(small):
    from action_tracker import auth
    from action_tracker.uploads import apply, read_table, validate
    preview = validate(small, read_table(f"action_id,status,effective_date\nAA-2,In progress,{TODAY - timedelta(days=3)}\n".encode(), "r.csv"), TODAY)
    apply(small, preview, auth.command_line("t"))
    curve = queries.completion_over_time(queries.load_dataset(small, TODAY), ["AA"]).set_index("date")
    assert curve.loc[TODAY - timedelta(days=4), "completed"] == 1
    assert curve.loc[TODAY - timedelta(days=3), "completed"] == 0


def test_timeline_rows_and_gantt(small):
    ds = queries.load_dataset(small, TODAY)
    rows = queries.timeline_page(queries.timeline_rows(ds, ds.state, "plan"))
    r = rows.set_index("action_id")
    assert r.loc["AA-1", "start"].date() == TODAY - timedelta(days=200)  # first In progress
    assert r.loc["AA-4", "start"].date().isoformat() == "2025-01-01"     # plan publication
    assert r.loc["AA-5", "open_ended"] and r.loc["AA-5", "end"].date() == TODAY
    assert list(rows["group"]) == ["AA"] * 6 + ["BB"] * 2
    fig = json.loads(charts.gantt(rows, TODAY, queries.events_of(ds, rows["action_id"])).to_json())
    bar_rows = [y for t in fig["data"] if t["type"] == "bar" for y in decode(t["y"])]
    assert sorted(label.split()[0] for label in bar_rows) == sorted(rows["action_id"])
    marks = [t for t in fig["data"] if t.get("name") == "status change"]
    assert len(decode(marks[0]["x"])) == 4
    assert fig["layout"]["yaxis"]["categoryarray"][0] == "<b>AA</b>"


def test_gantt_draws_due_before_start_as_milestones(small):
    ds = queries.load_dataset(small, TODAY)
    rows = queries.timeline_page(queries.timeline_rows(ds, ds.state, "plan"))
    rows.loc[rows["action_id"] == "BB-2", "end"] = rows.loc[rows["action_id"] == "BB-2", "start"]
    rows["milestone"] = rows["end"] <= rows["start"]
    fig = json.loads(charts.gantt(rows, TODAY).to_json())
    miles = [t for t in fig["data"] if "(milestone)" in (t.get("name") or "")]
    assert [decode(t["y"]) for t in miles] == [[rows.loc[rows["action_id"] == "BB-2", "label"].iloc[0]]]


def test_view_reads_and_explains_bad_links():
    opts = {"plan": ["AA", "BB"], "section": [], "owner": ["X"], "status": ["Completed"], "due": []}
    v = views.read_view({"plan": ["AA", "ZZ"], "due": ["someday"], "as_of": ["2025-02-30"], "group": ["colour"]},
                        opts, TODAY)
    assert v.filters.plans == ["AA"] and v.filters.due == "any" and v.as_of is None
    text = " ".join(v.warnings)
    assert "'ZZ'" in text and "'someday'" in text and "2025-02-30" in text and "'colour'" in text
    v = views.read_view({"as_of": [(TODAY + timedelta(days=1)).isoformat()]}, opts, TODAY)
    assert v.as_of is None and "future" in v.warnings[0]
    v = views.read_view({"as_of": ["2025-10-01"]}, opts, TODAY)
    assert v.as_of.isoformat() == "2025-10-01" and v.warnings == []
