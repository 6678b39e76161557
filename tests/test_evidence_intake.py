"""Evidence intake: the review queue, watchers on recorded responses, public suggestions, retrieval
days, further sources, done-when, and what a fresh build ships. Real DuckDB files; no network."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from action_tracker import auth, history, proposals, watchers
from action_tracker.__main__ import main
from action_tracker.build import build
from action_tracker.db import connect
from action_tracker.limits import RateLimit
from action_tracker.matching import THRESHOLD, Matcher
from action_tracker.proposals import Decision, Proposal, ProposalRefused
from action_tracker.text import archive_url
from loaders import LoaderError
from loaders.done_when import load_done_when

from .conftest import ROOT, TODAY, table_counts, upload

RECORDED = ROOT / "tests" / "recorded"
FILES = {"federalregister.gov": "federal-register.json", "www.gov.uk": "gov-uk.json",
         "ec.europa.eu": "eu-commission.xml", "minister.industry.gov.au": "au-industry.xml"}
SINCE = date(2025, 6, 1)
REVIEWER = auth.command_line("reviewer rita")


def recorded(address: str) -> bytes:
    """The recorded response of the source this address belongs to."""
    return next((RECORDED / f).read_bytes() for host, f in FILES.items() if host in address)


def day(value) -> date:
    return pd.Timestamp(value).date()


def proposal(**kw) -> Proposal:
    base = dict(origin="editor", proposed_by="editor ed", action_id="UK-R15", status="In progress",
                effective_date=date(2026, 1, 29), source="GOV.UK, One Year On",
                evidence_url="https://www.gov.uk/government/publications/ai-opportunities-action-plan-one-year-on",
                note="TechGrad undergraduate scholarships launched", basis="government", confidence="high",
                retrieved_on=date(2026, 12, 6))
    return Proposal(**{**base, **kw})


# --- the queue -------------------------------------------------------------------------------

def test_a_proposal_counts_only_once_accepted_through_the_import_path_and_names_both_people(con):
    (pid,), _ = proposals.add(con, [proposal()])
    assert history.action_state(con).set_index("action_id").loc["UK-R15", "status"] == "No update yet"
    uploads_before = table_counts(con)["uploads"]
    message = proposals.review(con, [Decision(pid, "accept")], REVIEWER, archive=False)
    assert "1 accepted" in message
    state = history.action_state(con).set_index("action_id").loc["UK-R15"]
    assert state["status"] == "In progress" and state["last_note"] == "TechGrad undergraduate scholarships launched"
    assert table_counts(con)["uploads"] == uploads_before + 1  # an upload row, as for a file
    row = con.execute("SELECT review_state, reviewed_by, upload_id, event_id FROM proposals WHERE proposal_id = ?",
                      [pid]).fetchone()
    assert row[0] == "accepted" and row[1] == "reviewer rita" and row[2] and row[3]
    events = history.action_history(con, "UK-R15")
    assert list(events["recorded_by"]) == ["reviewer rita"]
    assert proposals.proposed_by_event(con, events["event_id"]) == {row[3]: "editor ed"}
    assert day(events.iloc[0]["retrieved_on"]) == date(2026, 12, 6)
    assert history.last_verified(con)["UK-R15"] == date(2026, 12, 6)
    # Revertible like any upload: the status falls back, the proposal's record stays.
    from action_tracker.uploads import revert
    revert(con, row[2], REVIEWER, archive=False)
    assert history.action_state(con).set_index("action_id").loc["UK-R15", "status"] == "No update yet"


def test_several_sources_back_one_event(con):
    ids, _ = proposals.add(con, [proposal(), proposal(proposed_by="editor eve", source="techUK, 3 Feb 2026",
                                                     evidence_url="https://www.techuk.org/resource/one-year-on.html",
                                                     retrieved_on=date(2026, 12, 5))])
    proposals.review(con, [Decision(i, "accept") for i in ids], REVIEWER, archive=False)
    events = history.action_history(con, "UK-R15")
    assert len(events) == 1  # one event ...
    sources = history.event_sources(con, "UK-R15")
    assert list(sources["own"]) == [True, False] and set(sources["event_id"]) == set(events["event_id"])  # ... two sources
    assert sources.iloc[1]["evidence_url"] == "https://www.techuk.org/resource/one-year-on.html"
    assert proposals.proposed_by_event(con, events["event_id"]) == {int(events.iloc[0]["event_id"]): "editor ed; editor eve"}
    assert history.last_verified(con)["UK-R15"] == date(2026, 12, 6)  # the later of the two days read


def test_a_batch_is_all_or_nothing_and_every_refusal_is_named(con):
    ids, _ = proposals.add(con, [proposal(), proposal(action_id="UK-R16", evidence_url="https://example.org/r16")])
    before = table_counts(con)
    with pytest.raises(ProposalRefused, match=r"proposal #\d+: say why it is rejected"):
        proposals.review(con, [Decision(ids[0], "accept"), Decision(ids[1], "reject")], REVIEWER, archive=False)
    with pytest.raises(ProposalRefused, match=r"effective_date.*after today"):
        proposals.review(con, [Decision(ids[0], "accept"),
                               Decision(ids[1], "accept", edits={"effective_date": date(2999, 1, 1)})],
                         REVIEWER, archive=False)
    with pytest.raises(ProposalRefused, match=r"name the existing proposal it duplicates"):
        proposals.review(con, [Decision(ids[0], "duplicate", duplicate_of=99999)], REVIEWER, archive=False)
    assert table_counts(con) == before
    assert set(proposals.queue(con)["proposal_id"]) == set(ids)  # both still pending
    proposals.review(con, [Decision(ids[0], "accept", edits={"status": "Completed", "note": "Edited first"}),
                           Decision(ids[1], "duplicate", duplicate_of=ids[0])], REVIEWER, archive=False)
    state = history.action_state(con).set_index("action_id")
    assert state.loc["UK-R15", "status"] == "Completed" and state.loc["UK-R15", "last_note"] == "Edited first"
    assert state.loc["UK-R16", "status"] == "No update yet"  # a duplicate writes no status
    with pytest.raises(ProposalRefused, match="already reviewed"):
        proposals.review(con, [Decision(ids[1], "accept")], REVIEWER, archive=False)


def test_proposals_are_checked_before_anything_is_stored(con):
    before = table_counts(con)
    bad = [proposal(action_id="XX-1"), proposal(evidence_url="javascript:alert(1)"), proposal(status="Done-ish"),
           proposal(note="x" * 1001), proposal(effective_date=date(2999, 1, 1)), proposal(note="bad \x00 byte")]
    with pytest.raises(ProposalRefused) as e:
        proposals.add(con, [proposal(), *bad])
    text = str(e.value)
    for expected in ("item 2: action_id 'XX-1'", "item 3: evidence_url", "item 4: status 'Done-ish'",
                     "item 5: note has 1,001 characters", "item 6: effective_date 2999-01-01", "item 7: note holds U+0000"):
        assert expected in text, expected
    assert table_counts(con) == before  # not even the good first one


def test_nobody_but_an_editor_reviews(con, monkeypatch):
    monkeypatch.delenv("ACTION_TRACKER_LOCAL_EDITING", raising=False)
    (pid,), _ = proposals.add(con, [proposal()])
    with pytest.raises(auth.PermissionDenied):
        proposals.review(con, [Decision(pid, "accept")], auth.Credentials("mallory", "guess"), archive=False)
    assert proposals.counts(con)["pending"] == 1


# --- public suggestions ------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_six_suggestions_in_a_minute_from_one_client_are_refused_and_none_writes_a_status(con):
    clock = Clock()
    rate = RateLimit(proposals.PUBLIC_PER_MINUTE, 60, clock=clock)
    events_before = table_counts(con)["status_events"]
    for n in range(5):
        proposals.suggest(con, {"action_id": "UK-R07", "evidence_url": f"https://example.org/{n}",
                                "note": "Five datasets named", "status": "Completed"}, "10.0.0.1", rate)
    with pytest.raises(ProposalRefused, match="too many suggestions"):
        proposals.suggest(con, {"evidence_url": "https://example.org/6", "note": "six"}, "10.0.0.1", rate)
    proposals.suggest(con, {"evidence_url": "https://example.org/7", "note": "another client"}, "10.0.0.2", rate)
    clock.t += 61  # a minute later the first client may send again
    proposals.suggest(con, {"evidence_url": "https://example.org/8", "note": "later"}, "10.0.0.1", rate)
    assert table_counts(con)["status_events"] == events_before  # suggestions never write a status event
    q = proposals.queue(con)
    assert len(q) == 7 and set(q["origin"]) == {"public"} and set(q["review_state"]) == {"pending"}
    assert set(q["proposed_by"]) == {"public (anonymous)"}


def test_a_suggestion_with_hostile_or_oversized_fields_is_refused_or_kept_as_text(con):
    rate = RateLimit(100, 60)
    hostile = "[sign in](https://evil.example) <img src=x onerror=alert(1)> **bold**"
    pid = proposals.suggest(con, {"note": hostile, "source": hostile, "proposed_by": hostile,
                                  "evidence_url": "https://example.org/ok"}, "c", rate)
    row = proposals.queue(con).set_index("proposal_id").loc[pid]
    assert row["note"] == hostile and row["proposed_by"] == f"public: {hostile}"  # stored as given, shown escaped
    for fields, reason in [({"note": "x" * 1001}, "note has 1,001 characters"),
                           ({"evidence_url": "ftp://example.org/x"}, "must be a web address"),
                           ({"note": "ok", "effective_date": "03/04/2026"}, "not a date"),
                           ({"note": "ok", "action_id": "NOPE-1"}, "not an action"),
                           ({"source": "only a title"}, "give at least the address")]:
        with pytest.raises(ProposalRefused, match=reason):
            proposals.suggest(con, fields, "c", rate)


# --- watchers ----------------------------------------------------------------------------------

# Hand-checked: what each recorded item bears on (None: nothing in its plan), and what the matcher
# proposes. Two misses are known and kept visible here: a presidential document the Federal Register
# gives with no abstract has too few words to match, and the Commission's AI Factories release
# matches the networking call first, the right actions only among the alternatives it lists.
SAMPLE = {
    ("federal-register", "2025-18737"): ("US-01-01", "US-01-01"),
    ("federal-register", "2025-19674"): ("US-24-01", "US-24-01"),
    ("federal-register", "2025-21665"): ("US-07-01", None),       # miss: title only
    ("federal-register", "2025-23092"): ("US-01-03", None),       # miss: title only
    ("federal-register", "2025-20011"): (None, None),
    ("gov-uk", "8f5d1f6a-2c3e-4d0e-8b1a-3e4f5a6b7c82"): ("UK-R18", "UK-R18"),
    ("gov-uk", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c53"): ("UK-R04", "UK-R04"),
    ("gov-uk", "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c44"): (None, None),
    ("eu-commission", "ip_25_2410"): ("EU-C-02", "EU-1.1-05"),    # miss: EU-C-02 listed as "also near"
    ("eu-commission", "ip_25_2718"): ("EU-5-02", "EU-5-02"),
    ("eu-commission", "ip_25_2801"): (None, None),
    ("au-industry", "ayres-2025-11-25-aisi"): ("AU-C22", "AU-C22"),
    ("au-industry", "ayres-2026-02-12-crc"): ("AU-C03", "AU-C03"),
    ("au-industry", "ayres-2026-03-02-minerals"): (None, None),
}


def test_watch_on_recorded_responses_proposes_the_hand_checked_actions_and_never_a_status(con):
    reports = watchers.watch(con, since=SINCE, fetcher=recorded, today=date(2026, 12, 6))
    assert [r.error for r in reports] == [None] * 4
    got = {(p["origin"].split(":", 1)[1], p["origin_ref"]): p for p in proposals.queue(con).to_dict("records")}
    proposed = {k: v[1] for k, v in SAMPLE.items() if v[1]}
    assert {k: p["action_id"] for k, p in got.items() if k in SAMPLE} == proposed
    right = sum(1 for k, (truth, made) in SAMPLE.items() if truth == made)
    assert right == 11 and len(SAMPLE) == 14  # 11 of 14 hand-checked items right; the 3 misses above
    assert "EU-C-02" in got[("eu-commission", "ip_25_2410")]["match_reasons"]  # the right one, offered
    for p in got.values():
        assert p["status"] is None or p["status"] != p["status"]  # no status: the reviewer decides
        assert p["match_score"] >= THRESHOLD and "matched words:" in p["match_reasons"]
        assert p["basis"] == "government" and day(p["retrieved_on"]) == date(2026, 12, 6)
    assert "score 0.4" in got[("federal-register", "2025-19674")]["match_reasons"]
    assert "export" in got[("federal-register", "2025-19674")]["match_reasons"]
    # Asked again: the same items are known, nothing is added twice.
    again = watchers.watch(con, since=SINCE, fetcher=recorded, today=date(2026, 12, 6))
    assert sum(len(r.added) for r in again) == 0 and sum(r.known for r in again) == len(got)


def test_a_malformed_or_failing_source_changes_nothing_and_the_others_still_run(con):
    def broken(address):
        if "federalregister" in address:
            return recorded(address)[:300]  # cut off mid-document
        if "www.gov.uk" in address:
            raise watchers.SourceError(f"{address} could not be read (timed out); nothing was stored")
        if "ec.europa.eu" in address:
            return b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss><channel></channel></rss>'
        return recorded(address)
    before = table_counts(con)
    reports = {r.name: r for r in watchers.watch(con, since=SINCE, fetcher=broken, today=date(2026, 12, 6))}
    assert "federal-register: the response is malformed (not JSON" in reports["federal-register"].error
    assert "timed out" in reports["gov-uk"].error
    assert "document type declaration" in reports["eu-commission"].error
    assert reports["au-industry"].error is None and len(reports["au-industry"].added) == 2
    after = table_counts(con)
    assert after["proposals"] == before["proposals"] + 2 and after["status_events"] == before["status_events"]
    assert {o for o in proposals.queue(con)["origin"]} == {"watcher:au-industry"}


@pytest.mark.parametrize("name, body, says", [
    ("federal-register", b'{"results": [{"title": "No number"}]}', "result 1 has no 'document_number'"),
    ("federal-register", b'{"count": 0}', "no list of 'results'"),
    ("gov-uk", json.dumps({"results": [{"title": "t", "link": "/x", "public_timestamp": "soon"}]}).encode(),
     "result 1 has the date 'soon'"),
    ("au-industry", b"<rss><channel><item><title>t</title></item></channel></rss>", "item 1 lacks a title, link"),
    ("au-industry", b"<feed/>", "not an RSS 2.0 feed"),
])
def test_each_malformed_response_is_named(name, body, says):
    with pytest.raises(watchers.SourceError, match=says.replace("(", r"\(").replace(")", r"\)")):
        watchers.registry()[name].parse(body)


def test_the_watch_command_reports_a_failing_source_with_a_non_zero_exit(db_file, monkeypatch, capsys):
    def offline(address):
        raise watchers.SourceError(f"{address} could not be read (no network); nothing was stored")
    monkeypatch.setattr(watchers, "fetch", offline)
    assert main(["--db", str(db_file), "watch", "gov-uk", "--since", "2026-01-01"]) == 1
    assert "no network" in capsys.readouterr().err
    assert main(["--db", str(db_file), "watch", "nowhere"]) == 1
    assert "unknown source nowhere" in capsys.readouterr().err


def test_matching_explains_itself_and_keeps_to_the_plan(con):
    m = Matcher(history.action_state(con)[["action_id", "plan_id", "title", "text", "section"]])
    found = m.match("Commerce launches the American AI Exports Program for full-stack AI export packages", "US")
    assert found[0].action_id == "US-24-01" and {w for w, _ in found[0].words} >= {"export", "package"}
    assert abs(sum(v for _, v in found[0].words) - found[0].score) < 0.01  # the words add up to the score
    assert m.match("Commerce launches the American AI Exports Program for full-stack AI export packages", "UK") == []
    assert m.match("weather", "US") == []


# --- the upload format's retrieval day --------------------------------------------------------------

def test_retrieval_days_are_checked_and_a_later_one_counts_as_news(con):
    from action_tracker.uploads import read_table, validate
    bad = b"action_id,status,effective_date,retrieved_on\nUK-R01,Completed,2025-07-17,17/07/2025\nUK-R02,In progress,2025-07-17,2999-01-01\n"
    preview = validate(con, read_table(bad, "r.csv"), today=TODAY)
    lines = preview.problem_lines()
    assert any("row 2" in x and "retrieved_on" in x and "17/07/2025" in x for x in lines), lines
    assert any("row 3" in x and "retrieved_on" in x and "after today" in x for x in lines), lines
    row = "UK-R01,Completed,2025-07-17,Roadmap,https://example.org/r,{day}\n"
    head = "action_id,status,effective_date,note,evidence_url,retrieved_on\n"
    upload(con, head + row.format(day="2026-11-01"), "a.csv")
    same = validate(con, read_table((head + row.format(day="2026-11-01")).encode(), "b.csv"), today=TODAY)
    assert len(same.change_rows) == 0  # nothing new
    later = upload(con, head + row.format(day="2026-12-01"), "c.csv")
    assert later.changed == 1  # read again later: "last verified" moves, the status does not
    assert history.last_verified(con)["UK-R01"] == date(2026, 12, 1)


def test_archive_links_are_derived_for_safe_addresses_only():
    assert archive_url("https://www.gov.uk/x", date(2026, 1, 29)) == "https://web.archive.org/web/20260129/https://www.gov.uk/x"
    assert archive_url("javascript:alert(1)", date(2026, 1, 29)) is None
    assert archive_url("https://www.gov.uk/x", None) is None


# --- what counts as done ---------------------------------------------------------------------------

def test_done_when_rows_are_checked_naming_file_row_column_and_value(tmp_path):
    path = tmp_path / "done_when.csv"
    path.write_text("action_id,criterion,basis\nUK-R01,Published,the words\nUK-R99,x,y\n", encoding="utf-8")
    with pytest.raises(LoaderError, match=r"done_when.csv, line 3, column 'action_id': no such action \(value 'UK-R99'\)"):
        load_done_when(path, {"UK-R01"})
    path.write_text("action_id,criterion,basis\nUK-R01,,the words\n", encoding="utf-8")
    with pytest.raises(LoaderError, match=r"line 2, column 'criterion': must not be empty"):
        load_done_when(path, {"UK-R01"})


# --- a fresh build ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    path = tmp_path_factory.mktemp("fresh") / "tracker.duckdb"
    c = connect(path)
    build(c)
    yield c
    c.close()


def test_a_fresh_build_knows_at_least_85_actions_and_keeps_the_rest_of_the_queue(shipped):
    state = history.action_state(shipped)
    assert (state["status"] != "No update yet").sum() >= 85
    counts = proposals.counts(shipped)
    assert counts["pending"] > 0 and counts["rejected"] > 0 and counts["accepted"] > 0
    rows = list(csv.DictReader(open(ROOT / "data" / "proposals" / "0001_evidence_2026-12.csv", encoding="utf-8")))
    assert sum(counts.values()) == len(rows)
    assert all(r["review_reason"] for r in rows if r["review_state"] != "accepted")  # every refusal says why
    # Each of the 33 candidates of December 2026 has its review recorded.
    assert {r["candidate"].rstrip("ab") for r in rows if r["candidate"].startswith("C")} == \
        {f"C{n:02d}" for n in range(1, 34)}
    # Every accepted proposal is linked to the event that carries it, and that event to its source.
    linked = shipped.execute("""SELECT count(*) FROM proposals p JOIN status_events e USING (event_id)
                                WHERE p.review_state = 'accepted' AND e.evidence_url = p.evidence_url""").fetchone()[0]
    assert linked == counts["accepted"]


def test_done_when_covers_every_dated_eu_and_uk_action(shipped):
    state = history.action_state(shipped)
    dated = set(state[state["plan_id"].isin(["EU", "UK"]) & state["due_date"].notna()]["action_id"])
    assert dated <= set(proposals.done_when(shipped))


def test_the_shipped_december_evidence_names_its_source_and_the_day_it_was_read():
    rows = list(csv.DictReader(open(ROOT / "data" / "updates" / "0003_status_evidence_2026-12.csv", encoding="utf-8")))
    assert len(rows) == 28 and len({r["action_id"] for r in rows}) == 28
    for r in rows:
        assert r["evidence_url"].startswith("https://") and r["source"] and r["retrieved_on"] == "2026-12-06"
        assert r["basis"] in ("government", "independent") and r["confidence"] in ("high", "medium", "low")


def test_the_public_edition_shows_done_when_last_verified_archives_and_the_suggest_link(shipped, tmp_path):
    from action_tracker.publish import publish
    hostile = "<script>alert(1)</script> [x](javascript:alert(1))"
    (pid,), _ = proposals.add(shipped, [proposal(action_id="UK-R07", note=hostile, evidence_url="https://example.org/r7")])
    proposals.review(shipped, [Decision(pid, "accept")], REVIEWER, archive=False, now=datetime.now().replace(microsecond=0))
    out = tmp_path / "site"
    publish(shipped, out, suggest_url="https://tracker.example.org/suggest")
    page = (out / "actions" / "UK-R07" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "href='javascript" not in page and 'href="javascript' not in page
    assert "https://web.archive.org/web/20261206/https://example.org/r7" in page
    assert 'href="https://tracker.example.org/suggest?action=UK-R07"' in page
    r09 = (out / "actions" / "UK-R09" / "index.html").read_text(encoding="utf-8")
    assert "Done when" in r09 and "Develop" not in r09.split("Done when", 1)[1][:40]  # a criterion, not the text
    assert "Last verified</dt><dd>06 Dec 2026" in r09
    eu = (out / "actions" / "EU-1.1-02" / "index.html").read_text(encoding="utf-8")
    assert "One entry point lets users" in eu and "no retrieval day recorded" in eu
    with pytest.raises(Exception, match="must be a web address"):
        publish(shipped, tmp_path / "other", suggest_url="javascript:alert(1)")


def test_the_queue_command_lists_what_waits(shipped, capsys, tmp_path):
    path = Path(shipped.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                .fetchone()[0])
    copy = tmp_path / "copy.duckdb"
    shipped.execute("CHECKPOINT")
    copy.write_bytes(path.read_bytes())
    assert main(["--db", str(copy), "queue"]) == 0
    out = capsys.readouterr().out
    assert "[pending]" in out and "not verified" in out and "pending," in out
