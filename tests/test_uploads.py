"""Status updates by file: every bad input, all-or-nothing apply, round trips, permissions, revert."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pandas as pd
import pytest

from action_tracker import auth, exports, formulas, uploads
from action_tracker.__main__ import main
from action_tracker.history import action_state
from action_tracker.uploads import Problem, UploadRejected, apply, read_table, reading, recording, revert, validate

from .conftest import TODAY, table_counts

GOOD = b"action_id,status,effective_date,note\nUK-R01,Completed,2025-07-17,Compute Roadmap published\n"


def check(con, data: bytes, name: str = "u.csv"):
    """Read and validate: returns (problems, preview or None)."""
    try:
        table = read_table(data, name)
    except UploadRejected as e:
        return e.problems, None
    preview = validate(con, table, today=TODAY)
    return preview.problems, preview


def xlsx_bytes(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "updates"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# (file bytes, file name, expected row, expected column, words in the reason)
BAD = {
    "unknown action id": (b"action_id,status\nUK-R99,Completed\n", "a.csv", 2, "action_id", "unknown action id"),
    "bad status": (b"action_id,status\nUK-R01,Finished!!\n", "a.csv", 2, "status", "not a status"),
    "ambiguous date": (b"action_id,status,effective_date\nUK-R01,Completed,03/04/2025\n", "a.csv", 2,
                       "effective_date", "day and month cannot be told apart"),
    "unparseable date": (b"action_id,status,effective_date\nUK-R01,Completed,last Tuesday\n", "a.csv", 2,
                         "effective_date", "not a date"),
    "impossible date": (b"action_id,status,effective_date\nUK-R01,Completed,2025-02-30\n", "a.csv", 2,
                        "effective_date", "not a date"),
    "future date": (b"action_id,status,effective_date\nUK-R01,Completed,2031-01-01\n", "a.csv", 2,
                    "effective_date", "after today"),
    "same action twice on one day": (b"action_id,status\nUK-R01,Completed\nUK-R01,In progress\n", "a.csv", 3,
                                     "action_id", "already updated for that day in row 2"),
    "no status for an action with none": (b"action_id,status,note\nUK-R01,,Roadmap published\n", "a.csv", 2,
                                          "status", "no status reported yet"),
    "bad basis": (b"action_id,status,basis\nUK-R01,Completed,rumour\n", "a.csv", 2, "basis",
                  "government, independent"),
    "note too long": (b"action_id,status,note\nUK-R01,Completed," + b"x" * 5001 + b"\n", "a.csv", 2, "note",
                      "the limit is 5,000"),
    "source too long": (b"action_id,status,source\nUK-R01,Completed," + b"y" * 6000 + b"\n", "a.csv", 2, "source",
                        "6,000 characters"),
    "hidden characters in an address": ("action_id,status,evidence_url\nUK-R01,Completed,https://gov.uk/\u202egpj.exe\n"
                                        .encode(), "a.csv", 2, "evidence_url", "no hidden characters"),
    "javascript address": (b"action_id,status,evidence_url\nUK-R01,Completed,javascript:alert(1)\n", "a.csv", 2,
                           "evidence_url", "http:// or https://"),
    "NUL far into the file": (b"action_id,status,note\n" + b"UK-R01,Completed,ok\n" * 5000 + b"UK-R02,Completed,\x00\n",
                              "a.csv", 5002, None, "control character 0x00"),
    "header far too wide": (b",".join(b"c%d" % i for i in range(40_000)) + b"\nUK-R01\n", "a.csv", 1, None,
                            "the header has 40000 columns"),
    "missing column": (b"action_id,note\nUK-R01,Completed\n", "a.csv", 1, "status", "required column is missing"),
    "duplicated column": (b"action_id,status,status\nUK-R01,Completed,Done\n", "a.csv", 1, "status", "appears twice"),
    "unknown column": (b"action_id,status,colour\nUK-R01,Completed,red\n", "a.csv", 1, "colour", "unknown column"),
    "too many fields": (b"action_id,status\nUK-R01,Completed,extra\n", "a.csv", 2, None, "3 fields; the header has 2"),
    "too few fields": (b"action_id,status,note\nUK-R01,Completed\n", "a.csv", 2, None, "2 fields; the header has 3"),
    "empty file": (b"", "a.csv", None, None, "the file is empty"),
    "header only": (b"action_id,status\n", "a.csv", None, None, "header but no rows"),
    "unclosed quote": (b'action_id,status,note\nUK-R01,Completed,"never closed\n', "a.csv", 2, None, "well-formed"),
    "legacy xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xls", None, None, "old-style Excel .xls"),
    "png image": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 100, "a.csv", None, None, "binary file"),
    "zip that is no workbook": (None, "a.csv", None, None, "ZIP archive, not an .xlsx"),
    "utf-16 without bom": ("action_id,status\nUK-R01,Completed\n".encode("utf-16-le"), "a.csv", None, None,
                           "UTF-16 without a byte-order mark"),
    "neither utf-8 nor cp1252": (b"action_id,status,note\nUK-R01,Completed,\x81\x8d\n", "a.csv", None, None,
                                 "not Windows-1252 either"),
    "bad evidence url": (b"action_id,status,evidence_url\nUK-R01,Completed,www.example.org\n", "a.csv", 2,
                         "evidence_url", "http:// or https://"),
    "bad confidence": (b"action_id,status,confidence\nUK-R01,Completed,sure\n", "a.csv", 2, "confidence",
                       "high, medium, low"),
    "bad due date": (b"action_id,status,due_date\nUK-R01,Completed,Q3 2026\n", "a.csv", 2, "due_date", "not a date"),
    "unknown owner": (b"action_id,status,lead_owner\nUK-R01,Completed,Ministry of Magic\n", "a.csv", 2, "lead_owner",
                      "unknown owner"),
    "empty action id": (b"action_id,status\n,Completed\n", "a.csv", 2, "action_id", "action_id is empty"),
    "xlsx with a bad row": (None, "a.xlsx", 3, "status", "not a status"),
}


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    return buf.getvalue()


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_with_row_column_and_nothing_stored(con, editor, case):
    data, name, row, column, words = BAD[case]
    if case == "zip that is no workbook":
        data = _zip_bytes()
    if case == "xlsx with a bad row":
        data = xlsx_bytes([["action_id", "status"], ["UK-R01", "Completed"], ["UK-R02", "Nearly"]])
    before = table_counts(con)
    problems, preview = check(con, data, name)
    assert problems, case
    first = problems[0]
    assert words in first.reason, first
    assert first.row == row and first.column == column, first
    assert name in first.describe(name)
    if preview is not None:
        with pytest.raises(recording.ApplyRefused, match="nothing was applied"):
            apply(con, preview, editor)
    assert table_counts(con) == before


def test_every_problem_is_reported_at_once_first_hundred_listed(con):
    rows = "".join(f"UK-X{n},Done\n" for n in range(150))
    problems, preview = check(con, ("action_id,status\n" + rows + "UK-R01,Sort of\n").encode())
    assert len(problems) == 151
    lines = preview.problem_lines()
    assert len(lines) == 101 and "151 problems in all" in lines[-1]
    assert problems[-1].row == 152 and problems[-1].column == "status"


@pytest.mark.parametrize("encoding, bom, note", [
    ("utf-8", b"", None), ("utf-8", b"\xef\xbb\xbf", None),
    ("cp1252", b"", "Windows-1252"), ("utf-16", b"", "UTF-16"),
])
def test_encodings_are_decoded_correctly(con, encoding, bom, note):
    text = "action_id,status,note\nUK-R01,Completed,Feuille de route publiée – €0\n"
    problems, preview = check(con, bom + text.encode(encoding))
    assert not problems
    assert preview.changes[0].note == "Feuille de route publiée – €0"
    notes = " ".join(preview.table.notes)
    assert (note in notes) if note else notes == ""


def test_semicolons_are_read_and_said(con):
    problems, preview = check(con, b"action_id;status;note\nUK-R01;Completed;done, at last\n")
    assert not problems and preview.changes[0].note == "done, at last"
    assert "semicolons" in preview.table.notes[0]


def test_quoted_line_breaks_stay_in_the_cell_and_rows_count_records(con):
    data = b'action_id,status,note\nUK-R01,Completed,"line one\nline two"\nUK-R02,Nope,\n'
    problems, preview = check(con, data)
    assert problems[0].row == 3 and problems[0].column == "status"
    problems, preview = check(con, b'action_id,status,note\nUK-R01,Completed,"line one\nline two"\n')
    assert preview.changes[0].note == "line one\nline two"


def test_workbook_named_csv_is_read_as_a_workbook(con):
    data = xlsx_bytes([["action_id", "status", "effective_date"], ["UK-R01", "Completed", date(2025, 7, 17)]])
    problems, preview = check(con, data, "renamed.csv")
    assert not problems and preview.table.kind == "xlsx"
    assert "Excel workbook whatever its name says" in preview.table.notes[0]
    assert preview.changes[0].effective_date == date(2025, 7, 17)


def test_size_limit(con, monkeypatch):
    monkeypatch.setenv("ACTION_TRACKER_MAX_UPLOAD_MB", "0.0001")  # 100 bytes
    problems, _ = check(con, GOOD + b"x" * 200)
    assert "the file is 0.0 MB; the limit is 0.0001 MB" in problems[0].reason  # one unit: MB of 10^6 bytes


def test_status_synonyms_and_case(con):
    problems, preview = check(con, b"action_id,status\nUK-R01,  DONE \nUK-R02,under way\nUK-R03,on hold\n")
    assert not problems
    assert [c.status_to for c in preview.changes] == ["Completed", "In progress", "Blocked"]


def test_apply_records_the_upload_and_one_event_per_change(con, editor):
    # UK-R02 has no status yet: a reported Not started is a fact, so it is a change; UK-R03's empty row is not.
    problems, preview = check(con, GOOD + b"UK-R02,Not started,,\nUK-R03,,,\n")
    assert not problems and len(preview.changes) == 2 and preview.unchanged == [(4, "UK-R03")]
    assert preview.changes[1].status_from == "No update yet" and preview.changes[1].status_to == "Not started"
    result = apply(con, preview, editor)
    up = con.execute("SELECT file_name, sha256, rows_total, rows_changed, rows_unchanged, uploaded_by FROM uploads").fetchall()
    assert up == [("u.csv", preview.table.sha256, 3, 2, 1, "test editor")]
    ev = con.execute("SELECT action_id, status, effective_date, note, upload_id FROM status_events ORDER BY 1").fetchall()
    assert ev[0] == ("UK-R01", "Completed", date(2025, 7, 17), "Compute Roadmap published", result.upload_id)
    assert ev[1][:2] == ("UK-R02", "Not started")
    # A row that repeats the action's reported status and evidence changes nothing; an empty status keeps it.
    _, again = check(con, GOOD.replace(b"UK-R01,Completed", b"UK-R01,") + b"UK-R02,Not started,,\n", "v.csv")
    assert again.changes == [] and [r for r, _ in again.unchanged] == [2, 3]


def test_one_file_may_carry_an_actions_history_in_date_order(con, editor):
    data = (b"action_id,status,effective_date,note,basis\n"
            b"UK-R24,Blocked,2026-03-18,Report dropped the exception,independent\n"
            b"UK-R24,In progress,2025-12-15,Statement of progress,government\n")
    problems, preview = check(con, data)
    assert not problems
    assert [(c.row, c.status_from, c.status_to, c.basis) for c in preview.changes] == [
        (2, "In progress", "Blocked", "independent"), (3, "No update yet", "In progress", "government")]
    apply(con, preview, editor)
    s = action_state(con, TODAY).set_index("action_id").loc["UK-R24"]
    assert s["status"] == "Blocked" and s["last_basis"] == "independent"
    before = action_state(con, date(2026, 1, 1)).set_index("action_id").loc["UK-R24"]
    assert before["status"] == "In progress" and before["last_basis"] == "government"


def test_each_change_shows_its_actions_title_in_row_order(con, monkeypatch):
    """Titles are read last, for the changes the preview lists only: each must sit on its own row."""
    from action_tracker.uploads import checking
    data = (b"action_id,status,effective_date\n"
            b"UK-R24,Blocked,2026-03-18\n"
            b"UK-R01,Completed,2025-06-01\n"
            b"UK-R24,In progress,2025-12-15\n"
            b"UK-R02,Completed,2025-06-01\n")
    titles = action_state(con, TODAY).set_index("action_id")["title"]
    problems, preview = check(con, data)
    assert not problems
    assert preview.display_table()["title"].tolist() == [titles[a] for a in ("UK-R24", "UK-R01", "UK-R24", "UK-R02")]
    monkeypatch.setattr(checking, "SHOWN_CHANGES", 2)  # a file with more changes than the preview lists
    _, preview = check(con, data)
    assert len(preview.change_rows) == 4 and set(preview.titles) == {"UK-R24", "UK-R01"}
    assert preview.display_table()["title"].tolist() == [titles["UK-R24"], titles["UK-R01"]]


@pytest.mark.parametrize("values", [["a", "b", None, "", "x y"], ["a", " b", None], ["a", "b\t"], ["\u00a0a", "b"],
                                    ["é", "ü "], ["é", "b"], [None, None], [], ["  ", ""]])
def test_strip_is_str_strip_and_copies_nothing_when_nothing_is_to_strip(values):
    """(A value starting or ending with a non-ASCII character is stripped the slow way: Unicode
    has spaces of its own.)"""
    from action_tracker import frames
    s = pd.Series(values, dtype=pd.StringDtype("pyarrow"))
    out = frames.strip(s)
    pd.testing.assert_series_equal(out, s.str.strip())
    if s.str.strip().equals(s) and all(v is None or v.isascii() for v in values):  # the column itself
        assert out is s


def test_files_without_the_basis_column_still_work(con, editor):
    problems, preview = check(con, GOOD)
    assert not problems and preview.changes[0].basis is None
    apply(con, preview, editor)
    assert pd.isna(action_state(con, TODAY).set_index("action_id").loc["UK-R01", "last_basis"])


def test_a_failure_in_the_middle_of_applying_changes_nothing(con, editor, monkeypatch):
    rows = "".join(f"UK-R{n:02d},In progress,2025-06-01,\n" for n in range(1, 41))
    _, preview = check(con, ("action_id,status,effective_date,note\n" + rows).encode())
    real = recording._record

    def half_then_fail(c, changes, who, now, upload_id, progress=None, chunk=500_000):
        real(c, changes.iloc[:20], who, now, upload_id, progress, chunk=10)  # some events land inside the transaction ...
        raise RuntimeError("disk full")                                     # ... then the write fails
    monkeypatch.setattr(recording, "_record", half_then_fail)
    before = table_counts(con)
    with pytest.raises(RuntimeError, match="disk full"):
        apply(con, preview, editor)
    assert table_counts(con) == before
    assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0


def test_changes_recorded_in_several_parts_are_the_file_in_order(con, editor, monkeypatch):
    """Each part of a large upload is made into events when its turn comes: seven parts here."""
    rows = "".join(f"UK-R{n:02d},Completed,2025-07-{n % 28 + 1:02d},note {n}\n" for n in range(1, 41))
    _, preview = check(con, ("action_id,status,effective_date,note\n" + rows).encode())
    real, insert, parts = recording._record, recording.insert_events, []
    monkeypatch.setattr(recording, "insert_events", lambda c, events: (parts.append(len(events)), insert(c, events)))
    monkeypatch.setattr(recording, "_record", lambda *a: real(*a, chunk=6))
    result = apply(con, preview, editor)
    assert result.changed == 40 and parts == [6] * 6 + [4]
    got = con.execute("""SELECT event_id, action_id, status, effective_date, note FROM status_events
                         WHERE upload_id = ? ORDER BY event_id""", [result.upload_id]).fetchall()
    assert [g[0] for g in got] == list(range(got[0][0], got[0][0] + 40))
    assert [(g[1], g[2], g[3].day, g[4]) for g in got] == [
        (f"UK-R{n:02d}", "Completed", n % 28 + 1, f"note {n}") for n in range(1, 41)]


def test_the_same_file_again_changes_nothing_and_says_so(con, editor):
    _, preview = check(con, GOOD)
    apply(con, preview, editor)
    before = table_counts(con)
    _, again = check(con, GOOD)
    assert again.already_applied == 1 and not again.changes
    result = apply(con, again, editor)
    assert "already applied as upload #1" in result.message and result.upload_id is None
    assert table_counts(con) == before


def test_due_date_and_owner_changes_keep_the_original(con, editor):
    data = b"action_id,status,due_date,lead_owner\nUK-R01,In progress,2025-10-31,DSIT\n"
    _, preview = check(con, data)
    c = preview.changes[0]
    assert (c.due_from, c.due_to, c.owner_to) == (date(2025, 7, 13), date(2025, 10, 31), "uk-dsit")
    apply(con, preview, editor)
    s = action_state(con, TODAY).set_index("action_id").loc["UK-R01"]
    assert s["due_date"] == date(2025, 10, 31) and s["original_due_date"] == date(2025, 7, 13)
    assert s["slip_days"] == 110
    assert s["lead_basis"] == "update"  # the lead now comes from an update, not from the text
    assert s["lead_owner"] == "Department for Science, Innovation and Technology"
    assert con.execute("SELECT due_date FROM actions WHERE action_id = 'UK-R01'").fetchone()[0] == date(2025, 7, 13)


def test_revert_adds_events_and_restores_the_previous_state(con, editor):
    _, p1 = check(con, b"action_id,status,effective_date\nUK-R01,In progress,2025-03-01\n")
    apply(con, p1, editor)
    _, p2 = check(con, b"action_id,status,effective_date,due_date\nUK-R01,Completed,2025-07-17,2025-08-31\n"
                       b"UK-R02,Blocked,2025-05-01,\n", "second.csv")
    second = apply(con, p2, editor)
    events_before = con.execute("SELECT * FROM status_events ORDER BY event_id").fetchall()
    assert uploads.revertible(con) == [second.upload_id, 1]
    result = revert(con, second.upload_id, editor)
    assert result.changed == 2
    assert uploads.revertible(con) == [1]
    # History is never rewritten: every earlier event is still there, unchanged.
    assert con.execute("SELECT * FROM status_events ORDER BY event_id").fetchall()[:3] == events_before
    reverts = con.execute("SELECT action_id, status, reverts_event_id FROM status_events WHERE reverts_event_id IS NOT NULL ORDER BY 1").fetchall()
    assert [(r[0], r[1]) for r in reverts] == [("UK-R01", "In progress"), ("UK-R02", "No update yet")]
    s = action_state(con, TODAY).set_index("action_id")
    assert s.loc["UK-R01", "status"] == "In progress" and s.loc["UK-R01", "due_date"] == date(2025, 7, 13)
    assert s.loc["UK-R02", "status"] == "No update yet"
    with pytest.raises(ValueError, match="already reverted"):
        revert(con, second.upload_id, editor)
    with pytest.raises(ValueError, match="no upload #99"):
        revert(con, 99, editor)
    # The reverted file can be applied again: it is no longer "already applied".
    _, again = check(con, b"action_id,status,effective_date,due_date\nUK-R01,Completed,2025-07-17,2025-08-31\n"
                          b"UK-R02,Blocked,2025-05-01,\n", "second.csv")
    assert again.already_applied is None and len(again.changes) == 2


def test_only_editors_write(con, monkeypatch):
    monkeypatch.delenv("ACTION_TRACKER_LOCAL_EDITING", raising=False)
    monkeypatch.setenv("ACTION_TRACKER_EDITORS", "alice:" + auth.hash_password("correct horse battery"))
    _, preview = check(con, GOOD)
    before = table_counts(con)
    for cred in (None, auth.Credentials("alice", "wrong"), auth.Credentials("mallory", "correct horse battery"),
                 auth.Credentials("alice", None)):
        with pytest.raises(auth.PermissionDenied):
            apply(con, preview, cred)
        with pytest.raises(auth.PermissionDenied):
            revert(con, 1, cred)
    assert table_counts(con) == before
    assert apply(con, preview, auth.Credentials("alice", "correct horse battery")).changed == 1
    # Secrets from .streamlit/secrets.toml work the same way.
    monkeypatch.delenv("ACTION_TRACKER_EDITORS")
    assert auth.require_editor(auth.Credentials("bob", "pw of twelve+"), {"bob": auth.hash_password("pw of twelve+")}) == "bob"
    with pytest.raises(auth.RosterError, match="in the clear"):  # a password itself is refused, never compared
        auth.require_editor(auth.Credentials("bob", "pw of twelve+"), {"bob": "pw of twelve+"})
    assert not auth.editing_enabled({})


def test_spreadsheet_round_trip_xlsx(con, editor):
    template = exports.template(con, TODAY)
    assert len(template) == 250 and list(template.columns)[:6] == ["action_id", "plan", "title", "lead_owner", "due_date", "status"]
    assert (template["status"] == "").all()  # nothing reported yet: the cell is left for the editor
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(template)))
    ws = wb["updates"]
    header = [c.value for c in ws[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    changed = []
    for r in range(2, 12):  # ten statuses changed, as an editor would in a spreadsheet
        ws.cell(r, col["status"], "In progress")
        ws.cell(r, col["effective_date"], date(2025, 11, 1))  # a real date cell, not text
        ws.cell(r, col["note"], "Checked by the delivery unit")
        changed.append(ws.cell(r, col["action_id"]).value)
    buf = io.BytesIO()
    wb.save(buf)
    problems, preview = check(con, buf.getvalue(), "edited.xlsx")
    assert not problems, problems[:3]
    assert [c.action_id for c in preview.changes] == changed and len(preview.unchanged) == 240
    apply(con, preview, editor)
    s = action_state(con, TODAY).set_index("action_id")
    assert all(s.loc[a, "status"] == "In progress" for a in changed)


def test_spreadsheet_round_trip_csv_with_bom_and_formula_guard(con, editor):
    _, p = check(con, b"action_id,status,effective_date,note,source\n"
                      b"UK-R01,Completed,2025-07-17,=HYPERLINK(\"http://evil\"),+44 source\n")
    apply(con, p, editor)
    exported = exports.to_csv(exports.template(con, TODAY).assign(
        note=lambda df: df["action_id"].map({"UK-R01": "=HYPERLINK(\"http://evil\")"}).fillna("")), bom=True)
    assert exported.startswith(b"\xef\xbb\xbf")
    assert b"'=HYPERLINK" in exported  # neutralised for spreadsheets
    problems, preview = check(con, exported, "template.csv")
    assert not problems
    # Read back unchanged: the guard is taken off, and the row matches what is stored.
    assert preview.changes == [] and len(preview.unchanged) == 250


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_guard_round_trip(value):
    guarded = formulas.guard(value)
    unguard = formulas.unguard_column(pd.Series([guarded, "'plain", "plain"]))
    assert guarded == "'" + value and list(unguard) == [value, "'plain", "plain"]
    assert formulas.guard("plain") == "plain"


def test_the_xlsx_template_holds_no_live_formula(con):
    template = exports.template(con, TODAY).head(2).assign(title=['=HYPERLINK("http://evil","x")', "cmd|' /C calc'!A0"])
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(template)))["updates"]
    col = [c.value for c in ws[1]].index("title")
    cells = [ws.cell(r, col + 1) for r in (2, 3)]
    assert [c.data_type for c in cells] == ["s", "s"] and cells[0].value.startswith("'=")


def test_cli_import_dry_run_and_exit_codes(db_file, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"action_id,status\nUK-R01,Finished!!\nUK-X,Done\n")
    assert main(["--db", str(db_file), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv, row 2, column 'status'" in err and "bad.csv, row 3, column 'action_id'" in err
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    assert main(["--db", str(db_file), "import", str(good), "--dry-run"]) == 0
    assert "1 rows would change" in capsys.readouterr().out
    assert main(["--db", str(db_file), "uploads"]) == 0
    assert "no uploads yet" in capsys.readouterr().out
    assert main(["--db", str(db_file), "import", str(good), "--by", "cli test"]) == 0
    assert "upload #1: 1 changes recorded" in capsys.readouterr().out
    assert main(["--db", str(db_file), "import", str(tmp_path / "missing.csv")]) == 2
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["--db", str(db_file), "import", str(empty)]) == 1
    assert main(["--db", str(db_file), "revert", "1"]) == 0


def test_problem_describe():
    assert Problem("bad", 3, "status", "x").describe("f.csv") == "f.csv, row 3, column 'status': bad (value 'x')"


TRICKY = (b'action_id,status,effective_date,note\r\n'
          b'UK-R01,Completed,2025-07-17,"a note, with a comma"\r\n'
          b'UK-R02,In progress,2025-03-01,"two\nlines and ""quotes"""\r\n'
          b"UK-R03,done,,'=1+1\r\n"
          b'UK-R04,Not started,,\r\n')


def test_fast_and_careful_readers_agree(con, monkeypatch):
    fast = read_table(TRICKY, "t.csv")
    monkeypatch.setattr(reading, "_read_csv_fast", lambda *a: None)
    careful = read_table(TRICKY, "t.csv")
    assert fast.frame.astype(str).equals(careful.frame.astype(str))
    assert list(fast.frame["__row"]) == [2, 3, 4, 5]
    preview = validate(con, fast, today=TODAY)
    assert [c.note for c in preview.changes] == ["a note, with a comma", 'two\nlines and "quotes"', "=1+1", None]


def test_a_file_larger_than_duckdbs_buffer_comes_back_in_file_order():
    """DuckDB splits a file larger than its buffer (32 MB) between its threads; each record's row number is
    its position, so the rows must come back in the file's order."""
    n = 1_200_000
    data = b"action_id,status,effective_date\n" + b"".join(b"A%07d,Completed,2025-01-01\n" % i for i in range(n))
    assert len(data) > 34_000_000
    table = read_table(data, "big.csv")
    assert table.problems == [] and len(table.frame) == n
    ids = table.frame["c0"].to_numpy()
    assert ids[0] == "A0000000" and ids[-1] == f"A{n - 1:07d}"
    assert (ids[1:] > ids[:-1]).all()  # in order all the way through
    assert table.frame["__row"].tolist()[:3] == [2, 3, 4] and table.frame["__row"].iloc[-1] == n + 1


def test_clean_files_take_the_fast_reader(monkeypatch):
    def boom(*a):
        raise AssertionError("the slow reader was used")
    monkeypatch.setattr(reading, "_read_csv_records", boom)
    table = read_table(b"action_id,status\n" + b"".join(b"UK-R%02d,Completed\n" % n for n in range(1, 51)), "c.csv")
    assert len(table.frame) == 50 and list(table.frame["__row"])[-1] == 51


def bomb_bytes(rows: int) -> bytes:
    """A real workbook whose sheet holds `rows` identical rows, written straight into the zip (openpyxl
    would cap cells): it compresses about a thousandfold, a decompression bomb in miniature."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["action_id", "status", "note"]])))
    row = ('<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>UK-R01</t></is></c><c r="B{n}" t="inlineStr"><is>'
           '<t>Completed</t></is></c><c r="C{n}" t="inlineStr"><is><t>' + "note " * 40 + '</t></is></c></row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>action_id</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>status</t></is></c><c r="C1" t="inlineStr"><is><t>note</t></is></c></row>'
             + "".join(row.format(n=n) for n in range(2, rows + 2)) + "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in base.infolist():
            z.writestr(item.filename, sheet if item.filename == "xl/worksheets/sheet1.xml" else base.read(item))
    return out.getvalue()


def test_a_workbook_that_unzips_far_beyond_its_size_is_refused_before_it_is_read(con, monkeypatch):
    data = bomb_bytes(100_000)  # about 40 MB of XML
    assert len(data) < 2_000_000  # compressed; it unzips to over 20 times that
    monkeypatch.setattr(reading, "MAX_XLSX_EXPANDED", 20_000_000)
    problems, preview = check(con, data, "bomb.xlsx")
    assert preview is None and "unzips to" in problems[0].reason and "the limit is 20 MB" in problems[0].reason


def test_a_workbook_with_too_many_rows_is_refused_while_reading(con, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 100)
    data = bomb_bytes(150)
    problems, preview = check(con, data, "long.xlsx")
    assert preview is None and "more than 100 rows" in problems[0].reason and problems[0].row == 102


def test_cell_length_is_checked_in_workbooks_too(con):
    data = xlsx_bytes([["action_id", "status", "note"], ["UK-R01", "Completed", "n" * 5001]])
    problems, _ = check(con, data, "long-note.xlsx")
    assert (problems[0].row, problems[0].column) == (2, "note") and "the limit is 5,000" in problems[0].reason


def test_the_xlsx_template_is_ready_to_fill_in(con):
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(exports.template(con, TODAY))))["updates"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(header.index("status") + 1)
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{letter}2:{letter}251"] == '"Not started,In progress,Completed,Blocked,Cancelled"'
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(header.index("title") + 1)].width >= 40


def test_events_are_numbered_after_the_last_in_row_order_and_reverts_follow(con, editor):
    """Event ids order the history (a refresh reads what came after a number): an upload's events
    take the next numbers in the file's row order, and a revert's take the ones after."""
    last = con.execute("SELECT coalesce(max(event_id), 0) FROM status_events").fetchone()[0]
    rows = "".join(f"UK-R{n:02d},In progress,2025-06-01,\n" for n in (5, 1, 3))
    _, preview = check(con, ("action_id,status,effective_date,note\n" + rows).encode())
    upload = apply(con, preview, editor).upload_id
    got = con.execute("SELECT event_id, action_id FROM status_events WHERE event_id > ? ORDER BY 1", [last]).fetchall()
    assert got == [(last + 1, "UK-R05"), (last + 2, "UK-R01"), (last + 3, "UK-R03")]
    revert(con, upload, editor)
    undone = con.execute("SELECT event_id, reverts_event_id FROM status_events WHERE event_id > ? ORDER BY 1",
                         [last + 3]).fetchall()
    assert undone == [(last + 4, last + 1), (last + 5, last + 2), (last + 6, last + 3)]
    assert con.execute("SELECT count(*) FROM duckdb_sequences() WHERE sequence_name = 'status_event_ids'"
                       ).fetchone()[0] == 0


@pytest.mark.parametrize("data, columns", [
    (b'"action_id","status"\r\nUK-R01,Completed\r\n', ["action_id", "status"]),
    # A quoted name running past the first line: the header is the whole record, not its first line.
    (b'"action_id","note\nhere",status\nUK-R01,x,Completed\n', ["action_id", "note\nhere", "status"]),
])
def test_the_header_is_the_first_record_whatever_its_lines(data, columns):
    assert read_table(data, "h.csv").columns == columns


def test_a_writer_that_loses_the_race_for_event_numbers_is_refused_whole(con, editor, monkeypatch):
    """Two uploads at the same moment may take the same event numbers: the one that commits second
    is refused in words, with nothing of it stored."""
    from action_tracker import history
    _, preview = check(con, GOOD)
    real = history.next_event_id

    def taken_by_another_writer(c):
        n = real(c)
        other = con.cursor()  # another session commits an event with that number first
        other.execute("""INSERT INTO status_events (event_id, action_id, status, effective_date, recorded_by,
                                                    recorded_at) VALUES (?, 'UK-R02', 'In progress', DATE '2025-06-01',
                                                    'other', TIMESTAMP '2025-06-01 10:00:00')""", [n])
        other.close()
        return n
    monkeypatch.setattr(history, "next_event_id", taken_by_another_writer)
    before = table_counts(con)
    with pytest.raises(recording.ApplyRefused, match="at the same moment"):
        apply(con, preview, editor)
    after = table_counts(con)
    assert after["status_events"] == before["status_events"] + 1  # the other writer's event only
    assert after["uploads"] == before["uploads"]


def test_empty_text_cells_are_recorded_as_no_value(con, editor):
    data = (b"action_id,status,note,evidence_url,source,confidence,basis\n"
            b"UK-R01,In progress,,,,,\n"
            b"UK-R02,In progress,a note,https://gov.uk/x,Gazette,HIGH,Government\n")
    _, preview = check(con, data)
    assert [(c.note, c.evidence_url, c.source, c.confidence, c.basis) for c in preview.changes] == [
        (None, None, None, None, None), ("a note", "https://gov.uk/x", "Gazette", "high", "government")]
    apply(con, preview, editor)
    stored = con.execute("""SELECT action_id, note, evidence_url, source, confidence, basis FROM status_events
                            WHERE upload_id = 1 ORDER BY action_id""").fetchall()
    assert stored == [("UK-R01", None, None, None, None, None),
                      ("UK-R02", "a note", "https://gov.uk/x", "Gazette", "high", "government")]


def test_a_cell_limit_counts_characters_not_bytes(con):
    at_limit = "é" * uploads.MAX_CELL_CHARS  # twice as many bytes as characters in UTF-8
    problems, _ = check(con, f"action_id,status,note\nUK-R01,Completed,{at_limit}\n".encode())
    assert problems == []
    problems, _ = check(con, f"action_id,status,note\nUK-R01,Completed,{at_limit}é\n".encode())
    assert [(p.row, p.column, p.reason) for p in problems] == [(2, "note", "5,001 characters; the limit is 5,000")]


@pytest.mark.parametrize("ch", ["\ufffe", "\uffff", "\x85", "\x9f", "\ufdd0", "\U0010ffff"])
def test_a_character_stored_text_may_not_hold_is_refused_naming_row_column_and_code_point(con, ch):
    before = table_counts(con)
    text = f"action_id,status,effective_date,note\nUK-R01,In progress,2026-01-05,fine\nUK-R02,In progress,2026-01-05,bad {ch} x\n"
    preview = validate(con, read_table(text.encode("utf-8"), "hostile.csv"), today=TODAY)
    assert not preview.ok
    lines = preview.problem_lines()
    assert any("hostile.csv" in line and "row 3" in line and "'note'" in line and f"U+{ord(ch):04X}" in line
               for line in lines), lines
    assert table_counts(con) == before



def test_an_xlsx_cell_escape_is_decoded_once_and_then_checked_by_the_same_rule(con):
    # _x0001_ and _xFFFE_ are how OOXML writes U+0001 and U+FFFE; _x005F_x0001_ is the literal text "_x0001_".
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["action_id", "status", "effective_date", "note"])
    ws.append(["UK-R01", "In progress", "2026-01-05", "literal _x005F_x0001_ stays text"])
    ws.append(["UK-R02", "In progress", "2026-01-05", "bad _xFFFE_ x"])
    ws.append(["UK-R03", "In progress", "2026-01-05", "bad _x0001_ x"])
    out = io.BytesIO()
    wb.save(out)
    before = table_counts(con)
    preview = validate(con, read_table(out.getvalue(), "escaped.xlsx"), today=TODAY)
    lines = preview.problem_lines()
    assert not preview.ok and len(lines) == 2, lines
    assert "row 3" in lines[0] and "U+FFFE" in lines[0] and "row 4" in lines[1] and "U+0001" in lines[1], lines
    assert table_counts(con) == before
