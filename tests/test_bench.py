"""A tiny run of every part of the benchmark code, so that `make bench` cannot rot.

Benchmarks are not tests: nothing here checks a speed. It checks that each measurement
runs and reports what it says it reports.
"""

from __future__ import annotations

import json

import pytest

from action_tracker.db import connect
from bench import load as load_module
from bench import synth
from bench.__main__ import main

from .conftest import ROOT


def test_synthetic_tracker_has_the_shape_asked_for(tmp_path):
    path = synth.make_tracker(tmp_path / "s.duckdb", 500, 4_000)
    con = connect(path)
    assert con.execute("SELECT count(*) FROM actions").fetchall()[0][0] == 500
    assert con.execute("SELECT count(*) FROM status_events").fetchall()[0][0] == 4_000
    assert con.execute("SELECT count(DISTINCT plan_id) FROM actions").fetchall()[0][0] == synth.PLANS
    # Numbered 1..4000, so an upload's events follow them.
    assert con.execute("SELECT min(event_id), max(event_id) FROM status_events").fetchall()[0] == (1, 4_000)


@pytest.mark.browser
def test_benchmark_smoke_run(tmp_path):
    results = main(["--scales", "tiny,seed", "--imports", "200,500", "--repeat", "1", "--browser-repeat", "1",
                    "--memory-scales", "tiny", "--load-readers", "1,3", "--load-views", "6", "--load-many", "3",
                    "--load-days", "3", "--load-cpu-views", "4", "--load-cpu-rounds", "2",
                    "--publish-scales", "tiny,seed",
                    "--no-lighthouse", "--out", str(tmp_path)])  # Lighthouse: make bench only
    tiny = results["scales"]["tiny"]
    assert tiny["actions"] == 300 and tiny["events"] == 3_000
    for key in ("overview_ms", "timeline_ms", "completion_ms", "owners_ms", "explorer_ms", "build_seconds",
                "timeline_figure_ms", "completion_figure_ms", "data_load_ms"):
        assert tiny[key] > 0
    assert results["scales"]["seed"]["actions"] == 250
    public = results["public"]
    assert public["tiny"]["pages"] > 300 and public["seed"]["pages"] > 250  # a page per action, and the rest
    assert all(0 < r["heaviest_bytes"] <= 200_000 and r["heaviest_page"].endswith(".html") for r in public.values())
    assert tiny["refresh_matches_full_load"] and tiny["refresh_ms"] > 0
    # The load benchmark: every simulated view ended with the server's script_finished, no errors.
    load = results["load"]
    for app in ("one-line app", "dashboard"):
        for mode in ("reload", "navigate"):
            rows = load["apps"][app][mode]
            assert [r["readers"] for r in rows] == [1, 3]
            assert all(r["errors"] == 0 and r["views"] == r["readers"] * 6 for r in rows), rows
    # CPU time is read from /proc in 10 ms ticks: the dashboard's views add up to many, the one-line app's may not.
    assert all(r["cpu_per_view"] > 0 for r in load["apps"]["dashboard"]["navigate"])
    # Each page's CPU beside the one-line app's and the navigation frame's: every view ran to its end.
    cpu = load["cpu_per_view"]
    assert not cpu["errors"] and (cpu["views"], cpu["small_app_views"], cpu["rounds"]) == (4, 12, 2)
    assert set(cpu["apps"]) == {"one-line app", "navigation frame", "navigation only", "40 x markdown", "10 x widget",
                                "dashboard"}
    # What each page draws, counted from its messages: a link per page, the sidebar's widgets.
    registered = (ROOT / "dashboard.py").read_text(encoding="utf-8").count("st.Page(")
    assert load_module.PAGE_COUNT == registered == 11
    messages = cpu["messages"]
    assert messages["40 x markdown"]["overview"] == {"widgets": 0, "page_links": 0, "other": 40}
    assert messages["10 x widget"]["overview"]["widgets"] == 10
    assert messages["navigation frame"]["overview"]["page_links"] == registered
    assert messages["navigation only"]["overview"] == {"widgets": 0, "page_links": 0, "other": 1}
    assert f"Streamlit's navigation of the {registered} pages alone" in load_module.table(load)
    assert all(n["page_links"] == registered and n["widgets"] >= 3 for n in messages["dashboard"].values())
    assert messages["dashboard"]["timeline"]["widgets"] > messages["dashboard"]["compare"]["widgets"]
    assert [r["page"] for r in load_module.where_the_time_goes(cpu)] == list(cpu["apps"]["dashboard"])
    assert "What an element costs the server here" in load_module.table(load)
    assert set(cpu["apps"]["dashboard"]) == {"overview", "timeline", "completion", "owners", "compare", "explorer"}
    assert not load["apps"]["dashboard"]["warm_errors"]
    assert set(load["apps"]["dashboard"]["reload"][-1]["per_page"]) == {
        "overview", "timeline", "completion", "owners", "compare", "explorer"}
    assert not load["memory"]["errors"] and not load["memory"]["days"]["errors"]
    assert load["memory"]["actions"] == 300 and load["memory"]["many_readers_mb"] > 0
    assert [r["rows"] for r in results["imports"]] == [200, 500]
    assert all(r["ours_seconds"] > 0 and r["floor_seconds"] > 0 and r["ours_peak_mb"] > 0 for r in results["imports"])
    # The store is backed up after every import (safekeeping): timed apart, and a part of the whole.
    assert all(0 < r["safekeeping_seconds"] < r["ours_seconds"] for r in results["imports"])
    b = results["browser"]
    assert set(b["seconds"]) == {"one-line app", "one data grid", "overview",
                                 "timeline", "completion", "owners", "compare", "explorer"}
    assert all(v > 0 for v in b["seconds"].values()) and all(v > 0 for v in b["ratios"].values())
    assert b["static_index_seconds"] > 0 and b["static_action_seconds"] > 0 and b["static_action_bytes"] > 1000
    assert results["app_memory_mb"]["tiny"] > 50
    written = json.loads(next(tmp_path.glob("bench-*.json")).read_text())
    assert written["scales"]["tiny"]["actions"] == 300
    assert "| tiny | 300 | 3,000 |" in (tmp_path / "latest.md").read_text()
    assert "## Public edition: the heaviest page in all" in (tmp_path / "latest.md").read_text()
