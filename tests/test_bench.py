"""A tiny run of every part of the benchmark code, so that `make bench` cannot rot.

Benchmarks are not tests: nothing here checks a speed. It checks that each measurement
runs and reports what it says it reports.
"""

from __future__ import annotations

import json

import pytest

from action_tracker.db import connect
from bench import synth
from bench.__main__ import main


def test_synthetic_tracker_has_the_shape_asked_for(tmp_path):
    path = synth.make_tracker(tmp_path / "s.duckdb", 500, 4_000)
    con = connect(path)
    assert con.execute("SELECT count(*) FROM actions").fetchall()[0][0] == 500
    assert con.execute("SELECT count(*) FROM status_events").fetchall()[0][0] == 4_000
    assert con.execute("SELECT count(DISTINCT plan_id) FROM actions").fetchall()[0][0] == synth.PLANS
    # The sequence continues after the generated events, so an upload can follow.
    assert con.execute("SELECT nextval('status_event_ids')").fetchall()[0][0] == 4_001


@pytest.mark.browser
def test_benchmark_smoke_run(tmp_path):
    results = main(["--scales", "tiny,seed", "--imports", "200,500", "--repeat", "1",
                    "--memory-scales", "tiny", "--out", str(tmp_path)])
    tiny = results["scales"]["tiny"]
    assert tiny["actions"] == 300 and tiny["events"] == 3_000
    for key in ("overview_ms", "timeline_ms", "completion_ms", "owners_ms", "explorer_ms", "build_seconds",
                "timeline_figure_ms", "completion_figure_ms", "data_load_ms"):
        assert tiny[key] > 0
    assert results["scales"]["seed"]["actions"] == 250
    assert [r["rows"] for r in results["imports"]] == [200, 500]
    assert all(r["ours_seconds"] > 0 and r["floor_seconds"] > 0 and r["ours_peak_mb"] > 0 for r in results["imports"])
    b = results["browser"]
    assert b["one_line_app_seconds"] > 0 and b["dashboard_overview_seconds"] > 0 and b["dashboard_timeline_seconds"] > 0
    assert b["static_index_seconds"] > 0 and b["static_action_seconds"] > 0 and b["static_action_bytes"] > 1000
    assert results["app_memory_mb"]["tiny"] > 50
    written = json.loads(next(tmp_path.glob("bench-*.json")).read_text())
    assert written["scales"]["tiny"]["actions"] == 300
    assert "| tiny | 300 | 3,000 |" in (tmp_path / "latest.md").read_text()
