"""Property-based tests (Hypothesis): random upload files and random links.

Whatever a file or a link holds, nothing crashes, no traceback is shown, and nothing is stored
unless the file is valid.
"""

from __future__ import annotations

import csv
import io

import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as s
from streamlit.testing.v1 import AppTest

from action_tracker.errors import InputError
from action_tracker.uploads import ALLOWED, UploadRejected, apply, read_table, validate

from .conftest import ROOT, TODAY, table_counts

PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PAYLOADS = ["[x](https://evil.example)", "![t](http://evil.example/t.png)", "<script>alert(1)</script>", "=1+1",
            "\u202egpj.exe", "\x00", "2025-02-30", "UK-R01", "Completed", "", " ", "'", '"', "\n", "😀" * 3]
cell = s.one_of(s.sampled_from(PAYLOADS), s.text(max_size=30))


@s.composite
def csv_files(draw):
    header = draw(s.lists(s.one_of(s.sampled_from(ALLOWED), s.text(max_size=8)), min_size=0, max_size=8))
    rows = draw(s.lists(s.lists(cell, min_size=0, max_size=len(header) + 2), max_size=8))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode(draw(s.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), errors="replace")


def check_nothing_stored_unless_valid(con, editor, data: bytes, name: str):
    before = table_counts(con)
    try:
        table = read_table(data, name)
    except UploadRejected as e:
        assert e.problems and all(p.reason for p in e.problems)
        assert table_counts(con) == before
        return
    preview = validate(con, table, today=TODAY)
    if not preview.ok:
        with pytest.raises(InputError):
            apply(con, preview, editor)
        assert table_counts(con) == before
        assert all(p.describe(name) for p in preview.problems)


@PROFILE
@given(data=s.binary(max_size=400))
def test_random_bytes_never_crash_the_importer(con, editor, data):
    check_nothing_stored_unless_valid(con, editor, data, "random.bin")


@PROFILE
@given(data=csv_files())
def test_random_csv_shapes_never_crash_the_importer(con, editor, data):
    check_nothing_stored_unless_valid(con, editor, data, "random.csv")


PAGES = ["pages/overview.py", "pages/timeline.py", "pages/completion.py", "pages/owners.py", "pages/explorer.py",
         "pages/snapshots.py"]
KEYS = ["plan", "section", "owner", "status", "due", "q", "as_of", "confidence", "stale", "group", "rows", "role",
        "leads", "by", "measure", "action", "id", "junk"]


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=s.sampled_from(PAGES), params=s.dictionaries(s.sampled_from(KEYS), cell, max_size=5))
def test_random_links_never_crash_a_page(db_file, monkeypatch, page, params):
    monkeypatch.setenv("ACTION_TRACKER_DB", str(db_file))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v.replace("\x00", "")  # a URL cannot carry NUL
    at.switch_page(page)
    at.run()
    assert not at.exception, (page, params, [e.value for e in at.exception])
    text = " ".join(str(e.value) for kind in ("markdown", "error", "warning", "info") for e in getattr(at, kind))
    assert "Traceback" not in text


# Any Unicode a UTF-8 file can carry (no surrogates), the characters of issue 32 among the draws.
UNICODE = s.one_of(s.text(s.characters(exclude_categories=["Cs"]), max_size=40),
                   s.sampled_from(["\ufffe", "\uffff", "\x85", "\x9f", "\ufdd0", "_x0001_", "\U0010ffff", "\x0b"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=UNICODE, source=UNICODE)
def test_random_unicode_in_free_text_imports_safely_and_every_published_format_parses(tmp_path_factory, note, source):
    """Through import and publish: refused with a named problem, or stored and published so that the feed,
    the calendar, the JSON and the SVG badges all parse."""
    import json
    import xml.etree.ElementTree as ET

    import feedparser
    from icalendar import Calendar

    from action_tracker import auth
    from action_tracker.build import build
    from action_tracker.db import connect
    from action_tracker.publish import publish

    from .small import csv_plans, d
    tmp = tmp_path_factory.mktemp("unicode")
    plans = csv_plans(tmp / "plans", ("HX", "Hostile plan", "Hostilia", "2025-01"))
    (plans / "hx.csv").write_text(f"action_id,title,text,lead_owner,due_date\nHX-1,T,Text,Owner,{d(5)}\n", encoding="utf-8")
    con = connect(tmp / "h.duckdb")
    build(con, plans_dir=plans, updates_dir=None)
    out = io.StringIO()
    csv.writer(out).writerows([["action_id", "status", "effective_date", "note", "source"],
                               ["HX-1", "In progress", d(-1), note, source]])
    before = table_counts(con)
    try:
        preview = validate(con, read_table(out.getvalue().encode("utf-8"), "u.csv"), today=TODAY)
    except UploadRejected as e:
        assert e.problems and table_counts(con) == before
        preview = None
    if preview is not None and not preview.ok:
        assert preview.problem_lines() and table_counts(con) == before
    elif preview is not None:
        apply(con, preview, auth.command_line("test editor"))
    publish(con, tmp / "site")
    con.close()
    site = tmp / "site"
    assert not feedparser.parse((site / "feeds" / "all.xml").read_bytes()).bozo
    Calendar.from_ical((site / "calendar" / "all.ics").read_bytes())
    json.loads((site / "data" / "actions.json").read_text(encoding="utf-8"))
    json.loads((site / "data" / "history.json").read_text(encoding="utf-8"))
    for badge in (site / "badges").glob("*.svg"):
        ET.fromstring(badge.read_bytes())
