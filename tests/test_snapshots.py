"""Snapshots, "as of" history, exports and the offline HTML report."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from playwright.sync_api import sync_playwright

from action_tracker import exports, migrations, queries, report, snapshots
from action_tracker.__main__ import main
from action_tracker.build import build
from action_tracker.db import connect
from action_tracker.history import action_state

from .browser import launch
from .conftest import ARTIFACTS, TODAY, upload

UK_OCT = queries.Filters(plans=["UK"])
AS_OF = date(2025, 10, 1)


@pytest.fixture
def evidenced(con):
    """The seed plans with the shipped evidence applied, as `make run` has them."""
    build(con)
    return con


def test_as_of_gives_the_statuses_that_held_that_day(evidenced):
    before = action_state(evidenced, date(2025, 7, 16)).set_index("action_id")
    on = action_state(evidenced, date(2025, 7, 17)).set_index("action_id")
    assert before.loc["UK-R01", "status"] == "No update yet" and on.loc["UK-R01", "status"] == "Completed"
    oct1 = action_state(evidenced, AS_OF).set_index("action_id")
    assert oct1.loc["UK-R04", "status"] == "No update yet"  # its evidence is dated 13 Nov 2025
    assert oct1.loc["UK-R23", "status"] == "In progress"  # 14 Feb 2025
    # Due Q3 2025, done 8 Oct: on 1 Oct nothing was reported, so past due with no update, not "overdue".
    assert oct1.loc["EU-3-05", "status"] == "No update yet" and oct1.loc["EU-3-05", "past_due_no_update"]
    assert not oct1.loc["EU-3-05", "overdue"]


def test_the_uk_plan_as_it_stood_on_1_october_2025_stays_exactly_that(evidenced, editor, monkeypatch):
    snap = snapshots.create(evidenced, "UK plan, 1 October 2025", {"page": "explorer", "params": {"plan": ["UK"]}},
                            as_of=AS_OF, filters=UK_OCT)
    assert len(snap.snapshot_id) == 22  # 16 random bytes, URL-safe base64: 128 bits
    stored = evidenced.execute("SELECT payload_json, payload_sha256 FROM snapshots").fetchone()
    shown = snapshots.dataset(snapshots.load(evidenced, snap.snapshot_id)).state
    assert set(shown["plan_id"]) == {"UK"} and len(shown) == 50
    assert shown.set_index("action_id").loc["UK-R04", "status"] == "No update yet"

    # A month of updates, a rebuild and a schema migration later ...
    upload(evidenced, "action_id,status,effective_date\nUK-R04,Completed,2025-09-15\n"
                              "UK-R02,Blocked,2025-06-01\nUK-R46,Cancelled,2025-11-20\n")
    build(evidenced)

    def m_reshape(con):
        con.execute("ALTER TABLE actions ADD COLUMN priority INTEGER")
        con.execute("ALTER TABLE status_events ADD COLUMN reviewer VARCHAR")
    after = migrations.LATEST + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [(after, "reshape", m_reshape)])
    monkeypatch.setattr(migrations, "LATEST", after)
    assert migrations.migrate(evidenced) == [after]
    # ... the live tracker says otherwise about 1 October ...
    assert action_state(evidenced, AS_OF).set_index("action_id").loc["UK-R04", "status"] == "Completed"
    # ... but the snapshot is byte for byte what was shared.
    assert evidenced.execute("SELECT payload_json, payload_sha256 FROM snapshots").fetchone() == stored
    again = snapshots.dataset(snapshots.load(evidenced, snap.snapshot_id)).state
    assert again.equals(shown)
    assert snapshots.verify_all(evidenced) == []


@pytest.mark.parametrize("bad, words", [
    ("", "is not a snapshot id"), ("abc", "is not a snapshot id"), ("x" * 23, "is not a snapshot id"),
    ("../../etc/passwd", "is not a snapshot id"), ("A" * 22, "There is no snapshot"),
])
def test_bad_ids_get_a_clear_message(con, bad, words):
    with pytest.raises(snapshots.SnapshotNotFound, match=words):
        snapshots.load(con, bad)


def test_tampering_is_detected(con):
    snap = snapshots.create(con, "t", {"page": "overview"})
    con.execute("UPDATE snapshots SET payload_json = replace(payload_json, 'No update yet', 'Completed')")
    with pytest.raises(snapshots.SnapshotCorrupt, match="does not match its checksum"):
        snapshots.load(con, snap.snapshot_id)
    assert snapshots.verify_all(con) == [snap.snapshot_id]


def test_compare_a_snapshot_with_now(evidenced, editor):
    snap = snapshots.create(evidenced, "before", {"page": "overview"}, as_of=AS_OF)
    upload(evidenced, "action_id,status,effective_date\nUK-R04,Completed,2026-11-20\n"
                              "US-01-02,In progress,2025-11-01\n")
    diff = snapshots.compare(snapshots.dataset(snap), snapshots.current_for(evidenced, snap)).set_index("action_id")
    assert diff.loc["UK-R04", "completed_since"] and diff.loc["UK-R04", "changed_status"]
    assert diff.loc["US-01-02", "status_after"] == "In progress" and not diff.loc["US-01-02", "completed_since"]
    assert diff.loc["EU-3-05", "completed_since"]  # the shipped evidence: adopted 8 Oct 2025
    assert diff.loc["EU-5-01", "status_before"] == "No update yet"
    # Due after 1 Oct 2025, reported in progress since and still open today: overdue now, not then.
    newly_overdue = diff[diff["became_overdue"]].index
    assert "EU-1.2-03" in newly_overdue  # due Q4 2025
    assert diff.loc["EU-1.2-03", "status_after"] == "In progress"
    # Past due with nothing reported, then or now, is told apart from a reported overdue.
    # EU-4-07 fell due at the end of 2025 and nothing has been reported: past due with no update now.
    assert diff.loc["EU-4-07", "status_after"] == "No update yet"
    assert diff.loc["EU-4-07", "past_due_no_update_after"] and not diff.loc["EU-4-07", "became_overdue"]


def test_html_report_opens_offline_with_its_charts(evidenced, tmp_path):
    snap = snapshots.create(evidenced, "UK plan, 1 October 2025", {"page": "overview"}, as_of=AS_OF, filters=UK_OCT)
    path = tmp_path / "report.html"
    # Made as the dashboard makes it: in a process where Streamlit's Plotly theme is the default template.
    import plotly.io as pio
    from streamlit.elements.lib.streamlit_plotly_theme import configure_streamlit_plotly_theme
    old = pio.templates.default
    configure_streamlit_plotly_theme()
    try:
        path.write_text(report.html_report(snapshots.load(evidenced, snap.snapshot_id)), encoding="utf-8")
    finally:
        pio.templates.default = old
    requests = []
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(offline=True)
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        assert page.locator(".js-plotly-plot").count() == 3  # status mix, completion, timeline
        assert page.locator("h1").inner_text() == "UK plan, 1 October 2025"
        assert "Data as of 01 Oct 2025" in page.inner_text("body")
        assert page.locator("tbody tr").count() >= 50
        # Axis labels and legends are whole: nothing is drawn outside its chart's box. Plotly moves labels
        # once it has measured them (its automatic margins), so this waits for the layout to settle, up to
        # 15 s; a label still outside then is really cut off.
        outside = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(chart => {
            const box = chart.getBoundingClientRect();
            return [...chart.querySelectorAll('.ytick text, .xtick text, .legendtext')]
              .filter(t => t.getClientRects().length && getComputedStyle(t).visibility !== 'hidden')
              .filter(t => { const r = t.getBoundingClientRect();
                             return r.width && (r.left < box.left - 1 || r.right > box.right + 1); })
              .map(t => t.textContent); })"""
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
        try:
            page.wait_for_function(f"({outside})().length === 0", timeout=15_000)
        except Exception:
            pass
        assert page.evaluate(outside) == []
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        browser.close()
    assert [u for u in requests if not u.startswith("file://")] == []


def test_exports_neutralise_formula_injection(con, editor, tmp_path):
    payloads = ["=HYPERLINK(\"http://x\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)"]
    rows = "".join(f'UK-R{n:02d},In progress,2025-10-01,"{p.replace(chr(34), chr(34) * 2)}"\n'
                   for n, p in enumerate(payloads, start=1))
    upload(con, "action_id,status,effective_date,note\n" + rows)
    # Uploads trim spaces, so leading tabs and carriage returns are put in directly.
    payloads += ["\tTAB", "\rCR"]
    frame = exports.actions_frame(con, TODAY)
    frame.loc[frame["action_id"] == "UK-R05", "last_note"] = "\tTAB"
    frame.loc[frame["action_id"] == "UK-R06", "last_note"] = "\rCR"
    data = exports.to_csv(frame)
    notes = {r["action_id"]: r["last_note"] for r in csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))}
    for n, p in enumerate(payloads, start=1):
        assert notes[f"UK-R{n:02d}"] == "'" + p
    history = exports.to_csv(exports.history_frame(con))
    assert b"'=HYPERLINK" in history and b",=HYPERLINK" not in history
    # JSON is not read by spreadsheets: values stay as they are.
    assert b'"last_note": "=HYPERLINK' in exports.to_json(exports.actions_frame(con, TODAY))


def test_cli_snapshot_and_report(db_file, tmp_path, capsys):
    assert main(["--db", str(db_file), "snapshot", "create", "--title", "From the CLI", "--as-of", "2025-10-01"]) == 0
    sid = capsys.readouterr().out.strip()
    assert len(sid) == 22
    assert main(["--db", str(db_file), "snapshot", "list"]) == 0
    assert "From the CLI" in capsys.readouterr().out
    assert main(["--db", str(db_file), "snapshot", "verify"]) == 0
    out = tmp_path / "r.html"
    assert main(["--db", str(db_file), "report", sid, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").count("<h2>") >= 3
    assert main(["--db", str(db_file), "report", "not-an-id"]) == 1
    assert "is not a snapshot id" in capsys.readouterr().err


def test_a_snapshot_of_a_day_before_any_plan_reports_cleanly(db_file, tmp_path, capsys):
    c = connect(db_file)
    snap = snapshots.create(c, "Before", {"page": "completion"}, as_of=date(2024, 12, 31))
    c.close()
    out = tmp_path / "before.html"
    assert main(["--db", str(db_file), "report", snap.snapshot_id, "--out", str(out)]) == 0
    assert "Before" in out.read_text(encoding="utf-8")
    assert main(["--db", str(tmp_path / "missing.duckdb"), "report", snap.snapshot_id]) == 3  # no store: exit 3
    assert "no database here yet" in capsys.readouterr().err


def test_snapshot_ids_never_look_like_a_command_line_option(monkeypatch):
    draws = iter(["-startswithdash-000000", "Abcdefghijklmnopqrstuv"])
    monkeypatch.setattr(snapshots.secrets, "token_urlsafe", lambda n: next(draws))
    assert snapshots.new_id() == "Abcdefghijklmnopqrstuv"


def test_a_comparison_shows_due_moves_and_overdue_both_ways_with_the_evidence(evidenced):
    snap = snapshots.create(evidenced, "before", {"page": "overview"}, as_of=date(2026, 2, 1))
    was_overdue = snapshots.dataset(snap).state.query("overdue")["action_id"].iloc[0]
    upload(evidenced, "action_id,status,effective_date,due_date,note,evidence_url\n"
                      "UK-R20,In progress,2026-11-20,2027-03-31,Headhunting unit hired,https://example.org/r20\n"
                      f"{was_overdue},Completed,2026-11-20,,Delivered at last,\n")
    diff = snapshots.compare(snapshots.dataset(snap), snapshots.current_for(evidenced, snap)).set_index("action_id")
    r20 = diff.loc["UK-R20"]
    assert r20["due_moved_days"] == (date(2027, 3, 31) - date(2026, 1, 13)).days
    assert r20["note"] == "Headhunting unit hired" and r20["evidence_url"] == "https://example.org/r20"
    assert diff.loc[was_overdue, "stopped_overdue"] and diff.loc[was_overdue, "completed_since"]
    assert diff.loc[was_overdue, "note"] == "Delivered at last"
