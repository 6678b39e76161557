"""The figures behind the pages, computed without Streamlit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from action_tracker import charts, history, queries, views
from action_tracker.db import connect
from action_tracker.history import action_state, load_dataset

from .small import EXPECTED, TODAY, add_event, d, decode, make_small_db


@pytest.fixture
def small(tmp_path):
    con = connect(make_small_db(tmp_path))
    yield con
    con.close()


def test_summary_matches_the_hand_count(small):
    s = queries.summary(action_state(small, TODAY), TODAY)
    total = s.loc["All plans"]
    for key in ("actions", "Completed", "In progress", "Not started", "No update yet", "assessed", "overdue",
                "past_due_no_update", "due_next_90", "stale"):
        assert total[key] == EXPECTED[key], key
    assert total["coverage"] == pytest.approx(5 / 8)
    assert total["completed_share"] == pytest.approx(2 / 8) and total["completed_share_assessed"] == pytest.approx(2 / 5)
    assert total["latest_evidence"] == TODAY - timedelta(days=5)
    for plan in ("AA", "BB"):
        for key, value in EXPECTED[plan].items():
            assert s.loc[plan, key] == value, (plan, key)


def test_as_of_uses_the_history(small):
    # 70 days ago AA-2 was not yet completed, BB-1 neither (nothing reported): AA-1 was in progress.
    past = TODAY - timedelta(days=70)
    s = action_state(small, past).set_index("action_id")
    assert s.loc["AA-2", "status"] == "No update yet"
    assert s.loc["AA-1", "status"] == "In progress"
    assert s.loc["BB-1", "status"] == "No update yet"
    assert s.loc["AA-4", "status"] == "Not started"  # reported 250 days ago: a fact, not an absence
    # Overdue is judged against that day: AA-1 was due 100 days before today, so 30 days late then.
    assert s.loc["AA-1", "overdue"] and s.loc["AA-1", "days_overdue"] == 30
    assert not s.loc["AA-6", "overdue"]


@pytest.mark.parametrize("filters, expected", [
    (queries.Filters(plans=["BB"]), ["BB-1", "BB-2"]),
    (queries.Filters(statuses=["Completed"]), ["AA-2", "BB-1"]),
    (queries.Filters(owners=["Ministry of Skills"]), ["AA-1", "AA-2", "AA-4"]),  # lead or other
    (queries.Filters(due="overdue"), ["AA-1"]),
    (queries.Filters(due="past due, no update"), ["AA-6"]),
    (queries.Filters(due="next 90 days"), ["AA-3", "BB-2"]),
    (queries.Filters(due="no due date"), ["AA-5"]),
    (queries.Filters(search="DATA sets"), ["AA-4"]),
    (queries.Filters(plans=["AA"], sections=["Safety"], statuses=["No update yet"]), ["AA-5", "AA-6"]),
    (queries.Filters(statuses=["Not started"]), ["AA-4"]),
    (queries.Filters(stale_only=True), ["AA-1", "AA-4"]),
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
    assert card.loc["Ministry of Skills", "assessed"] == 2
    assert card.loc["Data Office", "assessed"] == 1 and card.loc["Data Office", "past_due_no_update"] == 1
    assert card.loc["Data Office", "completed_share_assessed"] == 0
    assert "Treasury" not in card.index
    anyrole = queries.owner_scorecard(action_state(small, TODAY), "any").set_index("owner")
    assert anyrole.loc["Ministry of Skills", "assigned"] == 3 and anyrole.loc["Treasury", "assigned"] == 1


def test_completion_over_time_counts_and_due_curve(small):
    ds = load_dataset(small, TODAY)
    curve = queries.completion_over_time(ds)
    aa = curve[curve["plan"] == "AA"].set_index("date")
    assert aa.loc[TODAY, "completed"] == 1 and aa.loc[TODAY, "completed_share"] == pytest.approx(1 / 6)
    assert aa.loc[TODAY, "assessed"] == 4 and aa.loc[TODAY, "completed_share_assessed"] == pytest.approx(1 / 4)
    assert aa.loc[TODAY - timedelta(days=201), "assessed"] == 1  # only AA-4, reported 250 days ago
    assert aa.loc[TODAY - timedelta(days=61), "completed"] == 0
    assert aa.loc[TODAY - timedelta(days=60), "completed"] == 1
    assert aa.loc[TODAY, "due"] == 3  # AA-1, AA-2, AA-6 were due by today
    assert curve["date"].min().isoformat() == "2025-01-01"


def test_completion_stops_counting_when_an_action_is_reopened(small):
    add_event(small, "AA-2", "In progress", d(-3))
    curve = queries.completion_over_time(load_dataset(small, TODAY), ["AA"]).set_index("date")
    assert curve.loc[TODAY - timedelta(days=4), "completed"] == 1
    assert curve.loc[TODAY - timedelta(days=3), "completed"] == 0


def test_timeline_rows_and_gantt(small):
    ds = load_dataset(small, TODAY)
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
    assert len(decode(marks[0]["x"])) == 5
    # Bars are coloured by what the reader must see first: overdue and past due before the status.
    colour = {t["name"]: t["marker"]["color"] for t in fig["data"] if t["type"] == "bar"}
    names = {t["name"]: [y.split()[0] for y in decode(t["y"])] for t in fig["data"] if t["type"] == "bar"}
    assert names["Overdue"] == ["AA-1"] and colour["Overdue"] == charts.COLORS["Overdue"]
    assert names["Past due, no update"] == ["AA-6"]
    assert sorted(names["No update yet"]) == ["AA-5", "BB-2"] and names["Not started"] == ["AA-4"]
    hover = [h for t in fig["data"] if t["type"] == "bar" for h in decode(t["customdata"])]
    assert any("Set up institute" in str(h) and "Lead: none named" in str(h) for h in hover)
    assert fig["layout"]["yaxis"]["categoryarray"][0] == "<b>AA</b>"


def test_gantt_draws_due_before_start_as_milestones(small):
    ds = load_dataset(small, TODAY)
    rows = queries.timeline_page(queries.timeline_rows(ds, ds.state, "plan"))
    rows.loc[rows["action_id"] == "BB-2", "end"] = rows.loc[rows["action_id"] == "BB-2", "start"]
    rows["milestone"] = rows["end"] <= rows["start"]
    fig = json.loads(charts.gantt(rows, TODAY).to_json())
    miles = [t for t in fig["data"] if "(due on or before its start)" in (t.get("name") or "")]
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


def test_a_reported_not_started_is_not_no_update(small):
    s = action_state(small, TODAY).set_index("action_id")
    assert s.loc["AA-4", "status"] == "Not started" and s.loc["AA-5", "status"] == "No update yet"
    mix = queries.status_mix(action_state(small, TODAY)).set_index(["plan", "status"])["count"]
    assert mix[("AA", "Not started")] == 1 and mix[("AA", "No update yet")] == 2


def test_stale_after_the_threshold(small, monkeypatch):
    s = action_state(small, TODAY).set_index("action_id")
    assert s.loc["AA-1", "stale"] and s.loc["AA-1", "days_since_update"] == 200
    assert not s.loc["AA-3", "stale"] and not s.loc["AA-5", "stale"]  # 30 days; no evidence at all
    monkeypatch.setenv("ACTION_TRACKER_STALE_DAYS", "20")
    s = action_state(small, TODAY).set_index("action_id")
    assert s.loc["AA-3", "stale"] and not s.loc["BB-1", "stale"]  # 30 > 20; 5 days


def test_minimum_confidence_changes_every_figure(small):
    every = queries.summary(load_dataset(small, TODAY).state, TODAY).loc["All plans"]
    high = queries.summary(load_dataset(small, TODAY, "high").state, TODAY).loc["All plans"]
    medium = queries.summary(load_dataset(small, TODAY, "medium").state, TODAY).loc["All plans"]
    assert (every["assessed"], every["Completed"]) == (5, 2)
    assert (medium["assessed"], medium["Completed"]) == (3, 2)  # AA-2 high; AA-4, BB-1 medium
    assert (high["assessed"], high["Completed"], high["overdue"]) == (1, 1, 0)  # only AA-2 counts
    assert high["past_due_no_update"] == 3  # AA-1 (unrated) and BB-1 (medium) set aside; AA-6 had none
    with pytest.raises(ValueError, match="one of"):
        load_dataset(small, TODAY, "certain")


def test_recent_updates_newest_first_with_evidence(small):
    recent = queries.recent_updates(action_state(small, TODAY), 3)
    assert list(recent["action_id"]) == ["BB-1", "AA-3", "AA-2"]
    aa2 = recent.set_index("action_id").loc["AA-2"]
    assert aa2["last_evidence_url"] == "https://example.org/aa2" and aa2["last_basis"] == "government"


def test_one_90_day_rule_on_the_overview_and_in_the_explorer(small):
    state = action_state(small, TODAY)
    add_event(small, "BB-2", "Completed", d(-1))  # closed: no longer "due soon" anywhere
    state = action_state(small, TODAY)
    overview = queries.summary(state, TODAY).loc["All plans", "due_next_90"]
    explorer = queries.filter_actions(state, queries.Filters(due="next 90 days"), TODAY)
    assert overview == len(explorer) == 1 and list(explorer["action_id"]) == ["AA-3"]
    assert list(history.due_within(state, TODAY, 90)[lambda m: m].index.map(state["action_id"])) == ["AA-3"]


def test_claims_beside_the_tracker_count(small):
    small.execute("""INSERT INTO plan_claims VALUES ('BB', ?, 2, 2, 'Government of Bornia', 'Bornia press office',
                     'https://example.org/claim', 'All done', 'medium')""", [TODAY - timedelta(days=2)])
    claims = queries.claims_beside_tracker(load_dataset(small, TODAY))
    c = claims.iloc[0]
    assert (c["plan_id"], c["claimed_completed"], c["of_total"], c["tracker_completed"]) == ("BB", 2, 2, 1)
    assert load_dataset(small, TODAY - timedelta(days=3)).claims.empty  # not yet made on that day
