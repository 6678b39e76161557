"""Roles and scopes (issue 31): contributors propose for their own bodies' actions, reviewers approve,
outsiders write nothing; passwords only as salted hashes. Real stores in tmp_path, the real roster format."""

from __future__ import annotations

import pytest

from action_tracker import auth, exports, history, proposals
from action_tracker.proposals import Decision, ProposalRefused
from action_tracker.uploads import apply, read_table, revert, validate

from .conftest import TODAY, table_counts

ROSTER = """
[people."analyst@dsit.example.gov.uk"]
role = "contributor"
bodies = ["uk-dsit"]

[people."lead@unit.example.org"]
role = "reviewer"

[people."ops@unit.example.org"]
role = "admin"
password = "{admin_hash}"
"""
ADMIN_PASSWORD = "a long admin pass phrase"
CONTRIBUTOR = auth.signed_in("analyst@dsit.example.gov.uk")
REVIEWER = auth.signed_in("Lead@Unit.example.org")  # identities are compared without case
OUTSIDER = auth.signed_in("someone@elsewhere.example.com")
# UK-R23 names the AI Safety Institute (under DSIT in owners.csv); US-01-01 is led by the OSTP: outside its scope.
IN_SCOPE = "UK-R23"
OUT_OF_SCOPE = "US-01-01"


@pytest.fixture
def roster(tmp_path, monkeypatch):
    monkeypatch.delenv("ACTION_TRACKER_LOCAL_EDITING", raising=False)
    monkeypatch.delenv("ACTION_TRACKER_EDITORS", raising=False)
    path = tmp_path / "editors.toml"
    path.write_text(ROSTER.format(admin_hash=auth.hash_password(ADMIN_PASSWORD)))
    monkeypatch.setenv("ACTION_TRACKER_EDITORS_FILE", str(path))
    return path


def preview_of(con, text: str, name: str = "dsit-december.csv"):
    preview = validate(con, read_table(text.encode(), name), today=TODAY)
    assert preview.ok, preview.problem_lines()
    return preview


ROW = ("action_id,status,effective_date,evidence_url,source,note\n"
       "{a},In progress,2026-11-02,https://www.gov.uk/government/news/x,GOV.UK,Work began\n")


def test_the_roster_gives_roles_and_scopes(con, roster):
    c = auth.authorize(CONTRIBUTOR)
    assert (c.role, c.bodies, c.reviews) == ("contributor", ("uk-dsit",), False)
    assert auth.authorize(REVIEWER).reviews and not auth.authorize(REVIEWER).at_least("admin")
    assert auth.authorize(auth.Credentials("ops@unit.example.org", ADMIN_PASSWORD)).at_least("admin")
    scope = auth.scope(con, c)
    # DSIT's actions and those of the bodies under it (owners.csv's parent_id), and nobody else's
    owners = con.execute("""SELECT DISTINCT action_id FROM action_owners
                            WHERE owner_id IN ('uk-dsit', 'uk-aisi', 'uk-digital-centre')""").fetchall()
    assert {a for (a,) in owners} <= scope and IN_SCOPE in scope and OUT_OF_SCOPE not in scope
    assert not any(a.startswith(("US-", "EU-", "AU-", "CN-")) for a in scope)
    assert auth.scope(con, auth.authorize(REVIEWER)) is None  # every action


def test_the_outsider_writes_nothing(con, roster):
    before = table_counts(con)
    preview = preview_of(con, ROW.format(a=IN_SCOPE))
    for attempt in (lambda: apply(con, preview, OUTSIDER), lambda: proposals.submit(con, preview, OUTSIDER),
                    lambda: revert(con, 1, OUTSIDER)):
        with pytest.raises(auth.PermissionDenied, match="not on the tracker's roster"):
            attempt()
    (pid,), _ = proposals.add(con, [proposals.Proposal(origin="public", proposed_by="public (anonymous)",
                                                       action_id=IN_SCOPE, note="seen")])
    with pytest.raises(auth.PermissionDenied):
        proposals.review(con, [Decision(pid, "accept")], OUTSIDER, archive=False)
    with pytest.raises(auth.PermissionDenied, match="wrong password"):
        auth.authorize(auth.Credentials("ops@unit.example.org", "not the pass phrase"))
    after = table_counts(con)
    assert after["proposals"] == before["proposals"] + 1 and {k: v for k, v in after.items() if k != "proposals"} == \
        {k: v for k, v in before.items() if k != "proposals"}


def test_a_contributor_cannot_touch_another_departments_action(con, roster):
    before = table_counts(con)
    preview = preview_of(con, ROW.format(a=IN_SCOPE) + ROW.format(a=OUT_OF_SCOPE).split("\n", 1)[1])
    with pytest.raises(ProposalRefused) as e:
        proposals.submit(con, preview, CONTRIBUTOR)
    assert str(e.value) == (f"dsit-december.csv: row 3: action {OUT_OF_SCOPE} is outside your scope (analyst@dsit."
                            "example.gov.uk reports for uk-dsit and the bodies under them). Nothing was sent for review.")
    assert table_counts(con) == before  # not even the in-scope row
    with pytest.raises(auth.PermissionDenied, match="is a contributor and cannot record changes without review"):
        apply(con, preview_of(con, ROW.format(a=IN_SCOPE)), CONTRIBUTOR)
    due = preview_of(con, "action_id,status,effective_date,source,due_date\n"
                          f"{IN_SCOPE},In progress,2026-11-02,GOV.UK,2027-12-31\n")
    with pytest.raises(ProposalRefused, match="row 2, column due_date: contributors report status"):
        proposals.submit(con, due, CONTRIBUTOR)
    assert table_counts(con) == before


def test_a_contributors_update_counts_only_once_a_reviewer_approves_it(con, roster):
    def known():
        return int((history.action_state(con)["status"] != "No update yet").sum())
    known_before, events_before = known(), table_counts(con)["status_events"]
    message = proposals.submit(con, preview_of(con, ROW.format(a=IN_SCOPE)), CONTRIBUTOR)
    assert "wait for a reviewer" in message and "not counted until approved" in message
    assert known() == known_before and table_counts(con)["status_events"] == events_before
    pending = proposals.queue(con)
    assert list(pending["proposed_by"]) == ["analyst@dsit.example.gov.uk"]
    assert list(pending["origin"]) == ["upload:dsit-december.csv"]
    # the editor's preview "with pending" counts it; nothing is written by looking
    pp = proposals.with_pending(con, TODAY)
    assert (pp.known_now, pp.known_with, pp.ready) == (known_before, known_before + 1, 1)
    assert table_counts(con)["status_events"] == events_before
    # a contributor cannot approve their own
    ids = proposals.batch_ids(con, "upload:dsit-december.csv", "analyst@dsit.example.gov.uk")
    with pytest.raises(auth.PermissionDenied, match="contributor and cannot approve"):
        proposals.review(con, [Decision(i, "accept") for i in ids], CONTRIBUTOR, archive=False)
    proposals.review(con, [Decision(i, "accept") for i in ids], REVIEWER, archive=False)
    assert known() == known_before + 1
    # both names, when, and from which upload: on the action's history and in the export
    event = history.action_history(con, IN_SCOPE).iloc[-1]
    assert (event["proposed_by"], event["approved_by"], event["proposed_in"]) == \
        ("analyst@dsit.example.gov.uk", "Lead@Unit.example.org", "upload:dsit-december.csv")
    assert event["upload_file"].startswith("review queue: proposal")
    exported = exports.to_csv(exports.history_frame(con)).decode()
    header, *rows = exported.splitlines()
    assert {"proposed_by", "proposed_at", "proposed_in", "approved_by"} <= set(header.split(","))
    assert sum("analyst@dsit.example.gov.uk" in r and "Lead@Unit.example.org" in r for r in rows) == 1


def test_a_contributor_withdraws_their_own_batch_and_no_one_elses(con, roster):
    proposals.submit(con, preview_of(con, ROW.format(a=IN_SCOPE)), CONTRIBUTOR)
    origin, before = "upload:dsit-december.csv", table_counts(con)
    with pytest.raises(ProposalRefused, match="nothing that Lead@Unit.example.org sent"):
        proposals.withdraw(con, origin, REVIEWER)  # a reviewer rejects; only its sender withdraws
    with pytest.raises(auth.PermissionDenied, match="not on the tracker's roster"):
        proposals.withdraw(con, origin, OUTSIDER)
    assert table_counts(con) == before and proposals.counts(con)["pending"] == 1
    assert list(proposals.mine(con, "analyst@dsit.example.gov.uk")["origin"]) == [origin]
    assert proposals.withdraw(con, origin, CONTRIBUTOR).startswith("1 proposals from dsit-december.csv withdrawn")
    row = con.execute("SELECT review_state, reviewed_by, review_reason FROM proposals").fetchone()
    assert row == ("withdrawn", "analyst@dsit.example.gov.uk", "withdrawn by its proposer")  # kept, not deleted
    assert proposals.counts(con)["pending"] == 0 and proposals.mine(con, "analyst@dsit.example.gov.uk").empty
    assert table_counts(con)["status_events"] == before["status_events"]
    with pytest.raises(ProposalRefused, match="nothing was withdrawn"):
        proposals.withdraw(con, origin, CONTRIBUTOR)  # once only


def test_a_rejected_batch_never_counts(con, roster):
    events = table_counts(con)["status_events"]
    proposals.submit(con, preview_of(con, ROW.format(a=IN_SCOPE)), CONTRIBUTOR)
    ids = proposals.batch_ids(con, "upload:dsit-december.csv", "analyst@dsit.example.gov.uk")
    with pytest.raises(ProposalRefused, match="say why it is rejected"):
        proposals.review(con, [Decision(i, "reject") for i in ids], REVIEWER, archive=False)
    proposals.review(con, [Decision(i, "reject", "the page says planned, not begun") for i in ids], REVIEWER,
                     archive=False)
    assert table_counts(con)["status_events"] == events and proposals.counts(con)["rejected"] == 1


def test_only_admins_revert(con, roster):
    result = apply(con, preview_of(con, ROW.format(a=OUT_OF_SCOPE)), REVIEWER)  # a reviewer's upload applies at once
    with pytest.raises(auth.PermissionDenied, match="is a reviewer and cannot revert an upload"):
        revert(con, result.upload_id, REVIEWER)
    assert revert(con, result.upload_id, auth.Credentials("ops@unit.example.org", ADMIN_PASSWORD)).changed == 1


@pytest.mark.parametrize("entry, message", [
    ('[people."a@x.org"]\nrole = "owner"\n', "role: 'owner' is not one of contributor, reviewer, admin"),
    ('[people."a@x.org"]\nrole = "contributor"\n', "a contributor needs the bodies"),
    ('[people."a@x.org"]\nrole = "reviewer"\nbodies = ["uk-dsit"]\n', "only contributors are limited"),
    ('[people."a@x.org"]\nrole = "admin"\npassword = "hunter2-hunter2"\n', "stored in the clear"),
    ('[people."a@x.org"]\nrole = "admin"\ncolour = "red"\n', "unknown key 'colour'"),
    ('[people."a@x.org"\n', "not valid TOML"),
])
def test_a_bad_roster_is_refused_naming_file_and_person(tmp_path, monkeypatch, entry, message):
    path = tmp_path / "editors.toml"
    path.write_text(entry)
    monkeypatch.setenv("ACTION_TRACKER_EDITORS_FILE", str(path))
    with pytest.raises(auth.RosterError) as e:
        auth.authorize(auth.signed_in("a@x.org"))
    assert message in str(e.value) and str(path) in str(e.value)


def test_an_unknown_body_is_named(con, tmp_path, monkeypatch):
    path = tmp_path / "editors.toml"
    path.write_text('[people."a@x.org"]\nrole = "contributor"\nbodies = ["uk-dsitt"]\n')
    monkeypatch.setenv("ACTION_TRACKER_EDITORS_FILE", str(path))
    with pytest.raises(auth.RosterError, match="body 'uk-dsitt' is not an owner id"):
        auth.scope(con, auth.authorize(auth.signed_in("a@x.org")))


def test_password_hashes_are_salted_and_checked():
    a, b = auth.hash_password(ADMIN_PASSWORD), auth.hash_password(ADMIN_PASSWORD)
    assert a != b and ADMIN_PASSWORD not in a  # a fresh salt each time
    assert auth.verify_password(ADMIN_PASSWORD, a) and auth.verify_password(ADMIN_PASSWORD, b)
    assert not auth.verify_password(ADMIN_PASSWORD + "x", a)
    assert not auth.verify_password(ADMIN_PASSWORD, ADMIN_PASSWORD)  # a password is never its own hash
    assert not auth.verify_password(ADMIN_PASSWORD, "scrypt$16384$8$1$!!$!!")  # a broken hash, no crash
    with pytest.raises(auth.RosterError, match="at least 12"):
        auth.hash_password("short")
    assert ADMIN_PASSWORD not in repr(auth.Credentials("ops", ADMIN_PASSWORD))


def test_a_contributors_template_lists_its_own_actions(con, roster):
    scope = auth.scope(con, auth.authorize(CONTRIBUTOR))
    mine = exports.template(con, TODAY, only=scope)
    assert set(mine["action_id"]) == scope and len(exports.template(con, TODAY)) == 250
