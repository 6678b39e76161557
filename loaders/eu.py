"""The EU's AI Continent Action Plan: every bullet under "Key Commission actions" and
"Key Commission / EuroHPC actions", with the deadline printed in brackets.

Sub-items of a bullet ("Launch the AI Skills Academy (Q2 2025), including: ...") are part
of that bullet's action. A bullet with several dated phrases ("... (Q2 2025) before
presenting the Data Union Strategy (Communication, Q3 2025)") is due at the latest of
them; every phrase is kept in timing_text. A list that closes a numbered section after
its last subsection (sections 3 and 4) belongs to the whole section.

A few commitments stand in the prose, outside those lists (a dated goal, an announced
Communication). Which ones count is a reading judgement, written down once in
`eu_commitments.csv` beside the plan (as for Australia): each quote must occur exactly once,
the action is the sentence around it, and a due phrase, if given, must stand in it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .common import (
    Action,
    LoaderError,
    clean,
    drop_repeats,
    ends_sentence,
    expect_count,
    is_footnote,
    read_lines,
    sentence_around,
    short_title,
)
from .owners import OwnerRegistry, lead_and_others
from .timing import parse_absolute

TOP = re.compile(r"^(\d)\.\s+([A-Z].*)$")
SUB = re.compile(r"^(\d)\.(\d)\s+(\S.*)$")
LIST_HEAD = re.compile(r"^Key Commission( / EuroHPC)? [Aa]ctions:$")
EXPECTED_LISTS = 7
EXPECTED_BULLETS = 32


def load(path: Path, plan: dict, registry: OwnerRegistry) -> list[Action]:
    lines = [l.rstrip() for l in read_lines(path)]
    headings = {}  # line index -> (top, sub or None, title)
    for i, line in enumerate(lines):
        s = line.strip()
        m = SUB.match(s)
        if m and len(s) < 120 and not s.endswith("."):
            headings[i] = (m[1], m[2], s)
            continue
        m = TOP.match(s)
        if m and len(s) < 120 and not s.endswith((".", ";", ":")):
            headings[i] = (m[1], None, s)
    last_sub = {}
    for top, sub, _ in headings.values():
        if sub:
            last_sub[top] = sub

    lists = []  # dicts: section number, section path, owners heading, items
    top = sub = None
    top_title = sub_title = ""
    lists_in_top: dict[str, int] = {}
    current = None
    for i, line in enumerate(lines, start=1):
        s = line.strip()
        if i - 1 in headings:
            t, sb, title = headings[i - 1]
            if sb is None:
                top, sub, top_title, sub_title = t, None, title, ""
            else:
                sub, sub_title = sb, title
            current = None
            continue
        if LIST_HEAD.match(s):
            if top is None:
                raise LoaderError(path, "action list before any numbered section", i)
            first_in_top = lists_in_top.get(top, 0) == 0
            lists_in_top[top] = lists_in_top.get(top, 0) + 1
            whole_section = sub is None or (first_in_top and sub == last_sub.get(top))
            number = top if whole_section else f"{top}.{sub}"
            section = top_title if whole_section else f"{top_title} > {sub_title}"
            current = {"number": number, "section": section, "heading": s, "items": []}
            lists.append(current)
            continue
        if current is None or not s or is_footnote(s):
            continue
        items = current["items"]
        if line.startswith(" - ") or (s.startswith("- ") and items and s[2:3].islower()
                                      and items[-1]["parts"][-1].rstrip().endswith((":", ";"))
                                      and items[-1]["sub"]):
            if not items:
                raise LoaderError(path, "sub-item before any action", i, value=s)
            items[-1]["parts"].append(re.sub(r"^-\s*(?:o\s+)?", "", s))
            items[-1]["sub"] = True
            items[-1]["end"] = i
            items[-1].setdefault("sub_items", []).append((i, items[-1]["parts"][-1]))
        elif s.startswith("- "):
            items.append({"start": i, "end": i, "parts": [s[2:]],
                          "sub": s.rstrip().endswith("including:")})
        elif items and not ends_sentence(items[-1]["parts"][-1]):
            items[-1]["parts"].append(s)
            items[-1]["end"] = i
        else:
            current = None

    expect_count(path, "'Key Commission actions' lists", len(lists), EXPECTED_LISTS)
    expect_count(path, "action bullets", sum(len(l["items"]) for l in lists), EXPECTED_BULLETS)

    actions, seq = [], 0
    for lst in lists:
        heading_owners = ["eu-commission"] + (["eu-eurohpc"] if "EuroHPC" in lst["heading"] else [])
        for n, item in enumerate(lst["items"], start=1):
            seq += 1
            text = clean(" ".join(item["parts"]))
            lead, others, source = lead_and_others(registry, text, plan["jurisdiction"])
            if lead is None:
                lead, source = heading_owners[0], lst["heading"]
            for oid in heading_owners:
                if oid != lead and oid not in others:
                    others.append(oid)
            phrases = [p for p in re.findall(r"\(([^()]*)\)", text) if parse_absolute(p)]
            dues = [parse_absolute(p) for p in phrases]
            due = max(dues, key=lambda d: d.due_date) if dues else None
            title_text = re.sub(r"\s*\([^()]*\d{4}[^()]*\)", "", text)
            actions.append(Action(
                action_id=f"EU-{lst['number']}-{n:02d}", plan_id=plan["plan_id"], seq=seq,
                kind="action", section=lst["section"], title=short_title(title_text), text=text,
                source_file=path.name, line_start=item["start"], line_end=item["end"],
                lead_owner_id=lead, other_owner_ids=others, owner_source=source,
                due_date=due.due_date if due else None, due_precision=due.precision if due else None,
                timing_text="; ".join(phrases) or None,
                timing_derivation="stated" if due else "none",
                deadline_kind="dated" if due else "open-ended"))
            actions += _parts_of(actions[-1], item, registry, plan)
    actions = drop_repeats(actions)
    for n, a in enumerate(actions, start=1):
        a.seq = n
    review = path.parent / plan.get("commitments", "eu_commitments.csv")
    if review.is_file():
        actions += _prose_commitments(lines, path, review, plan, registry, headings, seq=len(actions))
    return actions


def _parts_of(parent: Action, item: dict, registry: OwnerRegistry, plan: dict) -> list[Action]:
    """The listed parts of an action ("… including: fellowship schemes; a pilot degree; …"), each
    trackable on its own as a child of it (PARENT-1, PARENT-2, …). A part carries a due date only if
    its own words give one; the parent's owners stand for it, as the list is theirs."""
    out = []
    for k, (line, words) in enumerate(item.get("sub_items", []), start=1):
        text = clean(words).rstrip(";.")
        phrases = [p for p in re.findall(r"\(([^()]*)\)", text) if parse_absolute(p)]
        due = parse_absolute(phrases[-1]) if phrases else None
        out.append(Action(
            action_id=f"{parent.action_id}-{k}", plan_id=parent.plan_id, seq=parent.seq, kind="part",
            section=parent.section, title=short_title(text), text=text, source_file=parent.source_file,
            line_start=line, line_end=line, lead_owner_id=parent.lead_owner_id,
            other_owner_ids=list(parent.other_owner_ids), owner_source=parent.owner_source,
            due_date=due.due_date if due else None, due_precision=due.precision if due else None,
            timing_text="; ".join(phrases) or None, timing_derivation="stated" if due else "none",
            deadline_kind="dated" if due else "open-ended", parent_action_id=parent.action_id))
    return out


def _section_of(line_no: int, headings: dict) -> str:
    """The section path of a line: its numbered heading and subheading."""
    top = sub = ""
    for i in sorted(headings):
        if i > line_no:
            break
        t, sb, title = headings[i]
        top, sub = (title, "") if sb is None else (top, title)
    return " > ".join(x for x in (top, sub) if x)


def _prose_commitments(lines, path: Path, review: Path, plan: dict, registry: OwnerRegistry, headings: dict,
                       seq: int) -> list[Action]:
    with open(review, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row_no, row in enumerate(rows, start=2):
        cid, quote, phrase = row["commitment_id"].strip(), row["quote"].strip(), row["due_phrase"].strip()
        hits = [(j, l.find(quote)) for j, l in enumerate(lines) if quote in l]
        if len(hits) != 1:
            raise LoaderError(review, f"quote must occur exactly once in {path.name}, found {len(hits)}",
                              row_no, "quote", quote)
        j, col = hits[0]
        heading = j in headings
        sentence = clean(lines[j]) if heading else sentence_around(lines[j], col, col + len(quote))
        due = parse_absolute(phrase) if phrase else None
        if phrase and (due is None or phrase.lower() not in sentence.lower()):
            raise LoaderError(review, f"the due phrase must be a date that stands in the sentence of {cid}",
                              row_no, "due_phrase", phrase)
        lead, others, source = lead_and_others(registry, sentence, plan["jurisdiction"])
        seq += 1
        out.append(Action(
            action_id=cid, plan_id=plan["plan_id"], seq=seq, kind="commitment",
            section=_section_of(j, headings), title=short_title(re.sub(r"^\d\.\d\s+", "", sentence)),
            text=sentence, source_file=path.name, line_start=j + 1, line_end=j + 1,
            lead_owner_id=lead, other_owner_ids=others, owner_source=source,
            due_date=due.due_date if due else None, due_precision=due.precision if due else None,
            timing_text=phrase or None, timing_derivation="stated" if due else "none",
            deadline_kind="dated" if due else "open-ended"))
    return out
