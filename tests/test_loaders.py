"""The five loaders against the real documents: counts, owners, deadlines, provenance."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from loaders import LoaderError, OwnerRegistry, load_all, load_plan, read_manifest
from loaders.timing import parse_absolute, parse_relative

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"


@pytest.fixture(scope="module")
def actions():
    return {a.action_id: a for plan in load_all() for a in plan.actions}


@pytest.fixture(scope="module")
def by_plan():
    return {plan.meta["plan_id"]: plan.actions for plan in load_all()}


def test_counts_per_plan(by_plan):
    counts = {pid: len(acts) for pid, acts in by_plan.items()}
    # US: 103 bullets under "Recommended Policy Actions", one printed twice word for word.
    # AU: 9 actions + 35 reviewed forward commitments. EU: 32 bullets + 5 reviewed prose commitments
    # + the 4 listed parts of EU-4-02. UK: recommendations 1-50.
    assert counts == {"US": 102, "CN": 13, "AU": 44, "EU": 41, "UK": 50}


def test_us_bullet_count_matches_the_raw_text(by_plan):
    lines = (PLANS / "us.txt").read_text(encoding="utf-8").splitlines()
    toc_end = lines.index("Introduction")
    bullets = [l for l in lines[toc_end:] if l.startswith("- ")]
    assert len(bullets) == 103
    assert len(by_plan["US"]) + sum(len(a.repeats) for a in by_plan["US"]) == 103


def test_uk_numbers_run_1_to_50(by_plan):
    assert [a.action_id for a in by_plan["UK"]] == [f"UK-R{n:02d}" for n in range(1, 51)]


def test_every_action_points_back_to_its_source_lines(actions):
    for a in actions.values():
        lines = (PLANS / a.source_file).read_text(encoding="utf-8").splitlines()
        source = " ".join(lines[a.line_start - 1:a.line_end])
        # The first words of the action stand on its first source line.
        first_words = re.sub(r"[*‘’'“”\"]", "", a.text)[:25]
        assert first_words.split(" ")[0] in re.sub(r"[*‘’'“”\"]", "", source), a.action_id


@pytest.mark.parametrize("action_id, lead, others", [
    ("US-01-01", "us-ostp", []),                                   # Led by ... (OSTP)
    ("US-05-01", "us-dol", ["us-ed", "us-nsf", "us-doc"]),         # several agencies
    ("US-02-03", "us-doc", ["us-caisi"]),                          # DOC through NIST's CAISI
    ("US-11-03", "us-caisi", []),                                  # under the auspices of CAISI at DOC
    ("US-15-03", "us-olp", []),                                    # DOJ's Office of Legal Policy
    ("US-18-01", "us-chips", ["us-doc"]),   # DOC's revamped CHIPS Program Office; DOC named again later
    ("US-12-03", "us-gsa", ["us-omb"]),                            # managed by the GSA
    ("US-02-02", "us-federal-government", []),                     # no body named: the plan's government
    ("CN-01", "cn-all-parties", []),                               # the points address "all parties"
    ("EU-1.2-03", "eu-eurohpc", ["eu-commission"]),                # under the EuroHPC Joint Undertaking
    ("EU-1.2-02", "eu-commission", ["eu-eibg", "eu-eurohpc"]),     # with EIBG, a Commission / EuroHPC list
    ("UK-R46", "uk-digital-centre", []),                           # the Digital Centre of Government should
    ("UK-R12", "uk-ndl", ["uk-ukri"]),                             # "the NDL should engage with UKRI"
    ("AU-C34", "au-dfat", ["au-disr"]),
    ("AU-C18", "au-government", []),                               # plan level: no body named
])
def test_owners(actions, action_id, lead, others):
    a = actions[action_id]
    assert a.lead_owner_id == lead
    assert a.other_owner_ids == others


def test_one_owner_row_whatever_the_spelling(actions):
    # "Department of Commerce (DOC)" in one bullet and plain "DOC" in another are one owner.
    assert actions["US-02-01"].lead_owner_id == actions["US-18-02"].lead_owner_id == "us-doc"
    assert "Department of Commerce (DOC)" in actions["US-02-01"].text
    assert "Led by DOC," in actions["US-18-02"].text
    reg = OwnerRegistry.load()
    assert reg.ancestors("us-caisi") == ["us-nist", "us-doc"]


@pytest.mark.parametrize("action_id, due, precision, kind, derivation, phrase", [
    ("EU-1.1-01", date(2025, 6, 30), "quarter", "dated", "stated", "Q2 2025"),
    ("EU-1.1-03", date(2025, 9, 30), "range", "dated", "stated", "Q2/Q3 2025"),
    ("EU-1.3-01", date(2026, 3, 31), "range", "dated", "stated", "Q4 2025 - Q1 2026; 9 April 2025"),
    ("EU-2-01", date(2025, 9, 30), "quarter", "dated", "stated", "Q2 2025; Communication, Q3 2025"),
    ("EU-2-02", date(2025, 12, 31), "range", "dated", "stated", "Q3-Q4 2025"),
    ("EU-2-03", date(2027, 12, 31), "range", "dated", "stated", "Digital Europe Programme 2025-2027"),
    ("EU-1.2-01", date(2025, 4, 9), "day", "dated", "stated", "9 April 2025"),
    ("EU-5-01", date(2025, 7, 31), "month", "dated", "stated", "July 2025"),
    ("EU-3-08", date(2026, 12, 31), "year", "dated", "stated", "2026"),
    ("EU-4-04", date(2026, 12, 31), "range", "dated", "stated", "Q4 2025-2026"),
    ("EU-4-07", date(2025, 12, 31), "quarter", "dated", "stated", "Q4/2025"),
    ("EU-1.3-03", None, None, "open-ended", "none", None),
    ("UK-R01", date(2025, 7, 13), "day", "dated", "relative", "within six months"),  # from 13 Jan 2025
    ("UK-R02", date(2030, 12, 31), "year", "dated", "stated", "by 2030; starting within 6 months"),
    ("UK-R46", date(2025, 4, 13), "day", "dated", "relative", "In the next three months"),
    ("UK-R28", None, None, "recurring", "stated", "annually"),
    ("UK-R07", None, None, "open-ended", "none", None),
    ("US-11-03", None, None, "recurring", "stated", "at least twice per year"),
    ("US-01-01", None, None, "open-ended", "none", None),
    ("AU-C31", None, None, "recurring", "stated", "periodically"),
])
def test_deadlines(actions, action_id, due, precision, kind, derivation, phrase):
    a = actions[action_id]
    assert (a.due_date, a.due_precision, a.deadline_kind, a.timing_derivation) == (due, precision, kind, derivation)
    assert a.timing_text == phrase


@pytest.mark.parametrize("n, due", [(15, date(2030, 1, 13)), (19, date(2030, 1, 13)),
                                     (20, date(2026, 1, 13)), (22, date(2026, 1, 13))])
def test_uk_section_level_timing(actions, n, due):
    a = actions[f"UK-R{n:02d}"]
    assert a.due_date == due and a.timing_derivation == "relative"
    assert "introducing recommendations" in a.timing_text


def test_text_runs_across_page_breaks(actions):
    assert actions["US-01-05"].text.endswith("set-aside any that unduly burden AI innovation.")
    assert "and injunctions" in actions["US-01-05"].text
    assert "⁵" not in actions["US-01-05"].text and "Communications Act of 1934, 47 U.S.C." not in actions["US-01-05"].text
    assert actions["CN-12"].text.endswith("to bridge the AI divide.")
    assert actions["UK-R04"].text.startswith("Establish ‘AI Growth Zones’")
    assert "streamlined planning approvals process" in actions["UK-R04"].text


def test_eu_sub_items_belong_to_their_action(actions):
    academy = actions["EU-4-02"]
    assert "AI fellowship schemes" in academy.text and "returnship schemes for female professionals" in academy.text
    # The parts after the page break are parts of EU-4-02 (tracked as its children), not bullets of their own.
    assert not any(a.text.startswith("a pilot AI apprenticeship") and a.parent_action_id != "EU-4-02"
                   for a in actions.values())


def test_repeats_are_kept_once_and_recorded(actions):
    text = "Build, maintain, and update as necessary national security-related AI evaluations"
    holders = [a for a in actions.values() if a.text.startswith(text)]
    assert len(holders) == 1
    assert holders[0].action_id == "US-29-04" and holders[0].repeats == [512]


def test_au_keeps_commitments_not_initiatives_already_under_way(by_plan):
    texts = " ".join(a.text for a in by_plan["AU"])
    assert "the government is establishing an AI Safety Institute" in texts
    assert "Mapping compute" not in texts and "Expanding the NBN" not in texts
    assert [a.action_id for a in by_plan["AU"] if a.kind == "action"] == [f"AU-A{n}" for n in range(1, 10)]
    assert all(a.parent_action_id is None or a.parent_action_id.startswith("AU-A") for a in by_plan["AU"])


@pytest.mark.parametrize("phrase, due, precision", [
    ("Q1 2026", date(2026, 3, 31), "quarter"),
    ("Q2/Q3 2025", date(2025, 9, 30), "range"),
    ("Q4 2025 - Q1 2026", date(2026, 3, 31), "range"),
    ("Q4 2025-2026", date(2026, 12, 31), "range"),
    ("9 April 2025", date(2025, 4, 9), "day"),
    ("February 2024", date(2024, 2, 29), "month"),
    ("2025-2027", date(2027, 12, 31), "range"),
    ("Communication, Q3 2025", date(2025, 9, 30), "quarter"),
])
def test_parse_absolute(phrase, due, precision):
    got = parse_absolute(phrase)
    assert (got.due_date, got.precision) == (due, precision)


@pytest.mark.parametrize("phrase", ["including the use of common software", "as soon as possible", ""])
def test_parse_absolute_finds_nothing_where_there_is_no_date(phrase):
    assert parse_absolute(phrase) is None


@pytest.mark.parametrize("phrase, due", [
    ("within six months", date(2025, 7, 31)), ("within 6 months", date(2025, 7, 31)),
    ("Within the next year, government should:", date(2026, 1, 31)),
    ("over the next five years", date(2030, 1, 31)), ("In the next three months", date(2025, 4, 30)),
])
def test_parse_relative_counts_from_the_end_of_the_publication_month(phrase, due):
    assert parse_relative(phrase, date(2025, 1, 31)).due_date == due


def _copy_plans(tmp_path: Path) -> Path:
    dest = tmp_path / "plans"
    shutil.copytree(PLANS, dest)
    return dest


def test_a_changed_document_fails_loudly_naming_the_file(tmp_path):
    plans = _copy_plans(tmp_path)
    text = (plans / "eu.txt").read_text(encoding="utf-8")
    (plans / "eu.txt").write_text(text.replace("- Set up Data Labs associated with the AI factories (Q3-Q4 2025);\n", ""),
                                  encoding="utf-8")
    entry = next(e for e in read_manifest(plans) if e["plan_id"] == "EU")
    with pytest.raises(LoaderError, match=r"eu\.txt: expected 32 action bullets, found 31"):
        load_plan(entry, plans)


def test_au_review_must_match_the_text(tmp_path):
    plans = _copy_plans(tmp_path)
    review = (plans / "au_commitments.csv").read_text(encoding="utf-8")
    (plans / "au_commitments.csv").write_text(
        review.replace("The NAIC will launch a dedicated online platform", "The NAIC will launch a podcast"),
        encoding="utf-8")
    entry = next(e for e in read_manifest(plans) if e["plan_id"] == "AU")
    with pytest.raises(LoaderError) as err:
        load_plan(entry, plans)
    assert "au_commitments.csv, line" in str(err.value) and "'quote'" in str(err.value)
    assert "The NAIC will launch a podcast" in str(err.value)


def test_au_owner_words_must_stand_in_the_sentence(tmp_path):
    plans = _copy_plans(tmp_path)
    review = (plans / "au_commitments.csv").read_text(encoding="utf-8")
    (plans / "au_commitments.csv").write_text(review.replace("au-naic=The NAIC,", "au-naic=The Treasury,"),
                                              encoding="utf-8")
    entry = next(e for e in read_manifest(plans) if e["plan_id"] == "AU")
    with pytest.raises(LoaderError, match="owner words do not stand in the sentence of AU-C30"):
        load_plan(entry, plans)


def test_manifest_with_unknown_loader_is_refused(tmp_path):
    plans = _copy_plans(tmp_path)
    manifest = (plans / "manifest.toml").read_text(encoding="utf-8")
    (plans / "manifest.toml").write_text(manifest.replace('loader = "cn"', 'loader = "chinese"'), encoding="utf-8")
    with pytest.raises(LoaderError, match="unknown loader.*'chinese'"):
        read_manifest(plans)


def test_eu_prose_commitments_come_from_the_review_file(by_plan):
    eu = {a.action_id: a for a in by_plan["EU"]}
    assert sorted(a for a in eu if a.startswith("EU-C-")) == [f"EU-C-0{n}" for n in range(1, 6)]
    assert sum(1 for a in eu.values() if a.kind == "action") == 32 and sum(a.kind == "part" for a in eu.values()) == 4
    c2 = eu["EU-C-02"]
    assert c2.text.startswith("By end 2025, all selected AI Factories") and c2.due_date.isoformat() == "2025-12-31"
    assert c2.timing_text == "By end 2025" and c2.timing_derivation == "stated"
    assert eu["EU-C-03"].due_date.isoformat() == "2026-08-31" and eu["EU-C-01"].due_date is None


def test_eu_review_that_no_longer_matches_the_text_stops_the_build(tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    review = plans / "eu_commitments.csv"
    review.write_text(review.read_text(encoding="utf-8").replace("By end 2025", "By end 2027"), encoding="utf-8")
    with pytest.raises(LoaderError, match="eu_commitments.csv, line 3, column 'due_phrase'"):
        load_all(plans)


def test_every_title_is_short_and_whole(actions):
    for a in actions.values():
        assert 0 < len(a.title) <= 80, (a.action_id, a.title)
        assert not a.title.endswith(("…", ",", "-", " ")), (a.action_id, a.title)
        last = a.title.split()[-1].strip("()’'\".")
        assert last.lower() in a.text.lower() or a.title_source == "reviewed", (a.action_id, a.title)


@pytest.mark.parametrize("action_id, before, after", [
    ("AU-C01", "The government is developing a set of national data centre principles in partnership with the states and…",
     "Develop national data centre principles with states and territories"),
    ("EU-4-02", "Launch the AI Skills Academy, including", "Launch the AI Skills Academy"),
    ("US-01-01", "Led by the Office of Science and Technology Policy (OSTP), launch a Request for Information from businesses…",
     "Ask businesses and the public which Federal regulations hinder AI"),
    ("CN-01", None, "Jointly seizing the opportunities of AI"),
])
def test_titles_before_and_after(actions, action_id, before, after):
    assert actions[action_id].title == after


def test_reviewed_titles_must_name_an_action_that_exists(tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    with open(plans / "titles.csv", "a", encoding="utf-8") as f:
        f.write("UK-R51,Do something the plan never said\n")
    with pytest.raises(LoaderError, match="titles.csv, line .*, column 'action_id': no action has this id"):
        load_all(plans)


# Every implied lead, listed: a new one is a change a reviewer has to see.
IMPLIED = {
    "US-01-05": "us-ftc", "US-08-01": "us-nstc", "US-08-02": "us-omb", "US-08-04": "us-nsf", "US-12-04": "us-gsa",
    "US-13-01": "us-dod", "US-16-07": "us-doe", "AU-A8": "au-government", "EU-C-03": "eu-member-states",
    "EU-C-05": "eu-commission",
}


def test_every_implied_lead(actions):
    implied = {a.action_id: a.lead_owner_id for a in actions.values() if a.lead_basis == "implied"}
    assert implied == IMPLIED
    assert actions["US-08-02"].owner_source.startswith("implied: the only body the text names (OMB")


def test_lead_bases_per_plan(by_plan):
    from collections import Counter
    counts = {pid: dict(Counter(a.lead_basis for a in acts)) for pid, acts in by_plan.items()}
    assert counts == {
        "US": {"stated": 65, "implied": 7, "plan": 30},
        "CN": {"plan": 13},
        "AU": {"stated": 31, "implied": 1, "plan": 12},
        "EU": {"stated": 36, "implied": 2, "plan": 3},  # 32 list items + 4 parts under a Commission heading
        "UK": {"stated": 50},
    }
    assert all(a.lead_owner_id for acts in by_plan.values() for a in acts)  # no hole left
    uk = by_plan["UK"]
    assert sum(a.lead_owner_id == "uk-government" for a in uk) == 47  # the text says only "government should"


def test_start_days_from_outside_the_text_carry_their_source():
    entries = {e["plan_id"]: e for e in read_manifest()}
    assert entries["UK"]["published_day"] == "2025-01-13" and "GOV.UK" in entries["UK"]["published_day_source"]
    assert entries["AU"]["published_day"] == "2025-12-02" and entries["AU"]["published"] == "2025"
    assert "published_day" not in entries["EU"]  # the text gives the day itself


def test_the_parts_of_eu_4_02_are_actions_of_their_own(actions):
    parts = [a for a in actions.values() if a.parent_action_id == "EU-4-02"]
    assert [a.action_id for a in parts] == ["EU-4-02-1", "EU-4-02-2", "EU-4-02-3", "EU-4-02-4"]
    assert parts[2].text == "a pilot AI apprenticeship programme with industry"
    assert parts[2].line_start == 386 and parts[0].line_start == 375  # across the page break
    assert all(p.lead_owner_id == actions["EU-4-02"].lead_owner_id for p in parts)


PRIMARY_THEMES = {
    "US": {"compute": 12, "data": 7, "energy": 4, "export": 7, "industry": 3, "international": 2, "public-sector": 11,
           "regulation": 12, "research": 6, "safety": 25, "skills": 8, "workforce": 5},
    "CN": {"compute": 1, "data": 1, "energy": 1, "industry": 2, "international": 4, "public-sector": 1,
           "regulation": 1, "research": 1, "safety": 1},
    "AU": {"compute": 3, "data": 3, "industry": 8, "international": 4, "public-sector": 5, "regulation": 7,
           "research": 1, "safety": 5, "skills": 5, "workforce": 3},
    "EU": {"compute": 12, "data": 3, "energy": 1, "industry": 6, "international": 1, "regulation": 4, "research": 3,
           "skills": 11},
    "UK": {"compute": 6, "data": 7, "industry": 4, "public-sector": 16, "regulation": 5, "research": 1, "safety": 2,
           "skills": 9},
}


def test_every_action_has_a_primary_theme_and_the_counts_per_plan(by_plan):
    from collections import Counter
    for pid, acts in by_plan.items():
        assert all(a.theme and len(a.other_themes) <= 2 and a.theme not in a.other_themes for a in acts), pid
        assert dict(Counter(a.theme for a in acts)) == PRIMARY_THEMES[pid], pid
        assert len(PRIMARY_THEMES[pid]) >= 5  # each plan has actions under several themes


@pytest.mark.parametrize("action_id, primary, others", [
    ("US-17-01", "energy", ()), ("US-27-01", "export", ()), ("US-05-03", "workforce", ()),
    ("US-02-03", "safety", ("international",)), ("CN-10", "safety", ("regulation",)), ("CN-06", "data", ()),
    ("AU-C22", "safety", ()), ("AU-C19", "public-sector", ()), ("EU-1.2-01", "compute", ("industry",)),
    ("EU-5-01", "regulation", ()), ("EU-4-02-3", "skills", ("industry",)), ("UK-R23", "safety", ("research",)),
    ("UK-R18", "skills", ()), ("UK-R41", "public-sector", ("compute",)),
])
def test_named_theme_assignments(actions, action_id, primary, others):
    a = actions[action_id]
    assert (a.theme, a.other_themes) == (primary, others)


def test_theme_review_file_is_checked(tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    text = (plans / "themes.csv").read_text(encoding="utf-8")
    (plans / "themes.csv").write_text(text.replace("UK-R50,industry,compute", "UK-R50,astrology,compute"),
                                      encoding="utf-8")
    with pytest.raises(LoaderError, match="column 'primary': not a theme.*value 'astrology'"):
        load_all(plans)
    (plans / "themes.csv").write_text("\n".join(l for l in text.splitlines() if not l.startswith("UK-R50,")) + "\n",
                                      encoding="utf-8")
    with pytest.raises(LoaderError, match="every action of plan UK needs a primary theme; missing: UK-R50"):
        load_all(plans)


def test_a_csv_plan_carries_its_own_themes_or_gets_them_by_rule(tmp_path):
    from .small import csv_plans
    plans = csv_plans(tmp_path / "plans", ("NZ", "Test plan", "New Zealand", "2025"))
    (plans / "nz.csv").write_text("action_id,text,themes\nNZ-1,Do one thing.,skills; workforce\n"
                                  "NZ-2,Build a national compute facility.,\nNZ-3,Do another.,\n", encoding="utf-8")
    acts = {a.action_id: a for a in load_all(plans)[0].actions}
    assert (acts["NZ-1"].theme, acts["NZ-1"].other_themes, acts["NZ-1"].theme_basis) == ("skills", ("workforce",), "plan")
    assert (acts["NZ-2"].theme, acts["NZ-2"].theme_basis) == ("compute", "rule")
    assert acts["NZ-3"].theme is None  # nothing to go on: no theme is invented
