"""The store: schema, build in place, history kept, the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from datetime import date

import pytest

from action_tracker import migrations
from action_tracker.__main__ import main
from action_tracker.build import build
from action_tracker.db import StoreError, connect
from action_tracker.history import action_state
from loaders import LoaderError

from .conftest import ROOT, TODAY, shipped_event_rows, table_counts, upload
from .small import csv_plans

PLANS = ROOT / "data" / "plans"


def test_schema_version_is_recorded(con):
    rows = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == [v for v, _, _ in migrations.MIGRATIONS]


def test_migrations_run_forward_from_an_empty_file(tmp_path):
    c = connect(tmp_path / "new.duckdb", migrate=False)
    assert migrations.migrate(c, upto=0) == []
    assert migrations.migrate(c) == [v for v, _, _ in migrations.MIGRATIONS]
    assert migrations.migrate(c) == []  # nothing left to do


def test_a_failing_migration_leaves_no_trace(tmp_path, monkeypatch):
    c = connect(tmp_path / "m.duckdb")

    def broken(con):
        con.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [(99, "broken", broken)])
    monkeypatch.setattr(migrations, "LATEST", 99)
    with pytest.raises(RuntimeError, match="boom"):
        migrations.migrate(c)
    tables = {r[0] for r in c.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "half_done" not in tables
    assert 99 not in migrations.applied(c)


def test_every_action_has_provenance(con):
    rows = con.execute("SELECT action_id, source_file, line_start, line_end, text FROM actions").fetchall()
    assert len(rows) == 250
    for aid, source_file, start, end, _text in rows:
        assert (PLANS / source_file).is_file() and 0 < start <= end, aid
    plans = con.execute("SELECT plan_id, published_precision, published_text, source_sha256 FROM plans ORDER BY 1").fetchall()
    assert {p[0]: p[1] for p in plans} == {"AU": "year", "CN": "day", "EU": "day", "UK": "month", "US": "month"}
    assert all(len(p[3]) == 64 for p in plans)


def test_rebuild_keeps_ids_and_history(con, editor):
    ids_before = [r[0] for r in con.execute("SELECT action_id FROM actions ORDER BY action_id").fetchall()]
    upload(con, "action_id,status,effective_date,note\nUK-R01,Completed,2025-07-17,Compute Roadmap\n")
    events_before = con.execute("SELECT * FROM status_events ORDER BY event_id").fetchall()
    report = build(con, updates_dir=None)
    assert report.added == 0 and report.changed == 0 and report.retired == 0 and report.unchanged == 250
    ids_after = [r[0] for r in con.execute("SELECT action_id FROM actions ORDER BY action_id").fetchall()]
    assert ids_after == ids_before
    assert con.execute("SELECT * FROM status_events ORDER BY event_id").fetchall() == events_before
    state = action_state(con, TODAY).set_index("action_id")
    assert state.loc["UK-R01", "status"] == "Completed"


def test_changed_source_updates_in_place_and_retires_what_is_gone(tmp_path, editor):
    plans = csv_plans(tmp_path / "plans", ("NZ", "Test plan", "New Zealand", "2025"))
    (plans / "nz.csv").write_text("action_id,text\nNZ-1,Do one thing.\nNZ-2,Do another.\n", encoding="utf-8")
    c = connect(tmp_path / "t.duckdb")
    build(c, plans_dir=plans, updates_dir=None)
    upload(c, "action_id,status,effective_date\nNZ-2,In progress,2025-05-01\n")
    (plans / "nz.csv").write_text("action_id,text\nNZ-1,\"Do one thing, better worded.\"\n", encoding="utf-8")
    report = build(c, plans_dir=plans, updates_dir=None)
    assert (report.changed, report.retired, report.added) == (1, 1, 0)
    assert c.execute("SELECT text FROM actions WHERE action_id = 'NZ-1'").fetchone()[0] == "Do one thing, better worded."
    assert c.execute("SELECT retired_at IS NOT NULL FROM actions WHERE action_id = 'NZ-2'").fetchone()[0]
    assert c.execute("SELECT count(*) FROM status_events WHERE action_id = 'NZ-2'").fetchone()[0] == 1
    assert list(action_state(c, TODAY)["action_id"]) == ["NZ-1"]
    # It comes back with its history when the source has it again.
    (plans / "nz.csv").write_text("action_id,text\nNZ-1,\"Do one thing, better worded.\"\nNZ-2,Do another.\n", encoding="utf-8")
    build(c, plans_dir=plans, updates_dir=None)
    state = action_state(c, TODAY).set_index("action_id")
    assert state.loc["NZ-2", "status"] == "In progress"


def test_a_failing_loader_changes_nothing(con, tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    (plans / "uk.txt").write_text((plans / "uk.txt").read_text(encoding="utf-8").replace("50. Create", "Create"),
                                  encoding="utf-8")
    before = table_counts(con)
    loaded_at = con.execute("SELECT max(loaded_at) FROM plans").fetchone()[0]
    with pytest.raises(LoaderError, match="uk.txt: expected 50 numbered recommendations, found 49"):
        build(con, plans_dir=plans, updates_dir=None)
    assert table_counts(con) == before
    assert con.execute("SELECT max(loaded_at) FROM plans").fetchone()[0] == loaded_at


def test_build_applies_shipped_updates_once(tmp_path):
    c = connect(tmp_path / "t.duckdb")
    first = build(c)
    assert any("changes recorded" in line for line in first.updates)
    n = c.execute("SELECT count(*) FROM status_events").fetchone()[0]
    assert n == shipped_event_rows() == 14 + 57 + 28  # the rows of data/updates/0001, 0002 and 0003
    per_plan = dict(c.execute("""SELECT a.plan_id, count(*) FROM status_events e JOIN actions a USING (action_id)
                                 GROUP BY 1""").fetchall())
    # 0001 and 0002 as ../shared/evidence says; 0003, the facts checked in December 2026 (data/proposals/)
    assert per_plan == {"US": 4 + 20 + 6, "EU": 6 + 16 + 8, "UK": 3 + 14 + 10, "CN": 5 + 1, "AU": 1 + 2 + 3}
    basis = dict(c.execute("SELECT basis, count(*) FROM status_events GROUP BY 1").fetchall())
    assert set(basis) == {"government", "independent"} and sum(basis.values()) == n
    second = build(c)
    assert any("already applied" in line for line in second.updates)
    assert c.execute("SELECT count(*) FROM status_events").fetchone()[0] == n
    row = c.execute("""SELECT status, effective_date, source, confidence FROM status_events
                       WHERE action_id = 'EU-1.3-01'""").fetchone()
    assert row == ("Completed", date(2026, 6, 3), "Digital Policy Alert, Jun 2026", "low")


def test_cli_build_and_export_csv(tmp_path, capsysbinary):
    db = str(tmp_path / "cli.duckdb")
    assert main(["--db", db, "build"]) == 0
    capsysbinary.readouterr()
    out = tmp_path / "actions.csv"
    assert main(["--db", db, "export", "--format", "csv", "--out", str(out)]) == 0
    import pandas as pd
    df = pd.read_csv(out, keep_default_na=False)
    assert len(df) == 250
    for col in ["action_id", "plan", "section", "title", "text", "lead_owner", "other_owners", "due_date",
                "timing_text", "status"]:
        assert col in df.columns
    row = df.set_index("action_id").loc["US-05-01"]
    assert row["lead_owner"] == "Department of Labor"
    assert row["other_owners"] == "Department of Education; National Science Foundation; Department of Commerce"
    assert df.set_index("action_id").loc["EU-1.3-01", "due_date"] == "2026-03-31"
    assert df.set_index("action_id").loc["US-01-01", "due_date"] == ""  # unknown stays empty
    cn = df.set_index("action_id").loc["CN-01"]  # no body named: the plan level, and says so
    assert (cn["lead_owner"], cn["lead_basis"]) == ("All parties (the plan's addressees)", "plan")


def test_cli_export_json(tmp_path, capsysbinary):
    db = str(tmp_path / "cli.duckdb")
    main(["--db", db, "build"])
    capsysbinary.readouterr()
    assert main(["--db", db, "export", "--format", "json"]) == 0
    data = json.loads(capsysbinary.readouterr().out)
    assert len(data) == 250
    by_id = {d["action_id"]: d for d in data}
    assert by_id["UK-R01"]["due_date"] == "2025-07-13"  # six months from 13 Jan 2025
    assert by_id["UK-R01"]["status"] == "Completed"
    assert by_id["US-01-01"]["due_date"] is None


def test_build_if_missing_leaves_an_existing_store(tmp_path, capsys):
    db = str(tmp_path / "cli.duckdb")
    assert main(["--db", db, "build"]) == 0
    assert main(["--db", db, "build", "--if-missing"]) == 0
    assert "not rebuilding" in capsys.readouterr().out


def hold(db_file, seconds: float, *args: str) -> subprocess.Popen:
    """Another process holding the store for `seconds` (its command line carries `args`)."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db_file)!r})
        print("ready", flush=True)
        time.sleep({seconds})
    """), *args], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    return holder


def test_a_store_held_by_another_process_gets_a_clear_message(db_file, capsys):
    holder = hold(db_file, 30)
    try:
        with pytest.raises(StoreError, match=f"is in use by process {holder.pid}"):
            connect(db_file)
        assert main(["--db", str(db_file), "uploads"]) == 3
        assert f"in use by process {holder.pid}" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


def test_the_holder_is_named_and_the_command_line_can_wait_for_it(db_file, capsys):
    holder = hold(db_file, 2, "python", "-m", "action_tracker", "import", "big.csv")
    try:
        with pytest.raises(StoreError, match="another command-line run .* wait for it to finish"):
            connect(db_file)
        assert main(["--wait", "20", "--db", str(db_file), "uploads"]) == 0  # it lets go after 2 s
        assert "no uploads yet" in capsys.readouterr().out
    finally:
        holder.kill()
        holder.wait()


def test_a_store_built_before_titles_leads_and_parts_keeps_its_ids_and_history(tmp_path):
    # The plans as the first release read them: no reviewed titles, no EU prose commitments, no
    # publication days or plan-level leads, and only the evidence it shipped.
    old = tmp_path / "old-plans"
    shutil.copytree(PLANS, old)
    for name in ("titles.csv", "eu_commitments.csv", "claims.csv", "themes.csv", "done_when.csv"):
        (old / name).unlink()
    manifest = (old / "manifest.toml").read_text(encoding="utf-8")
    manifest = "\n".join(line for line in manifest.splitlines()
                         if not line.startswith(("published_day", "plan_lead")))
    (old / "manifest.toml").write_text(manifest, encoding="utf-8")
    updates = tmp_path / "old-updates"
    updates.mkdir()
    shutil.copy(ROOT / "data" / "updates" / "0001_status_evidence.csv", updates)
    c = connect(tmp_path / "old.duckdb")
    build(c, plans_dir=old, updates_dir=updates)  # with the evidence the first release shipped
    upload(c, "action_id,status,effective_date,note\nEU-4-02,In progress,2025-06-01,Academy opened\n"
              "CN-01,In progress,2025-09-01,Shanghai centre\nUK-R01,Completed,2025-07-17,Roadmap\n", "old.csv")
    old_ids = {r[0] for r in c.execute("SELECT action_id FROM actions").fetchall()}
    events = c.execute("SELECT event_id, action_id, status, effective_date FROM status_events ORDER BY 1").fetchall()
    old_titles = dict(c.execute("SELECT action_id, title FROM actions").fetchall())
    assert len(old_ids) == 245 and "EU-C-01" not in old_ids  # no EU review file then

    report = build(c)  # the plans as they are now
    assert report.retired == 0 and report.added == 5  # the five EU prose commitments
    live = {r[0] for r in c.execute("SELECT action_id FROM actions WHERE retired_at IS NULL").fetchall()}
    assert old_ids <= live  # no id changed or went away
    after = c.execute("SELECT event_id, action_id, status, effective_date FROM status_events ORDER BY 1").fetchall()
    # Untouched; then the evidence shipped since (0002 and 0003: every shipped row but 0001's 14)
    assert after[:len(events)] == events and len(after) == len(events) + shipped_event_rows() - 14
    assert {e[1] for e in after} <= live  # ... and every event points at a live action
    state = action_state(c, TODAY).set_index("action_id")
    assert state.loc["EU-4-02", "status"] == "In progress" and state.loc["EU-4-02-1", "status"] == "No update yet"
    assert old_titles["US-01-01"] != state.loc["US-01-01", "title"]  # titles were rewritten in place
    assert state.loc["UK-R01", "due_date"] == date(2025, 7, 13)  # and dates re-read from 13 Jan 2025
