"""The UK's AI Opportunities Action Plan: recommendations 1 to 50.

Each recommendation's headline (its bold first sentence) may carry its own timing
("Set out, within six months, ..."); otherwise the sentence that introduces its group
may ("Within the next year, government should:"). Relative phrases count from the end
of the publication month the document gives ("January 2025"). The recommendations are
addressed to government: the lead is the body the headline says "should" act, else the
UK Government named by the group's "government should".
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .common import (
    Action,
    LoaderError,
    clean,
    ends_sentence,
    expect_count,
    first_sentence,
    is_footnote,
    read_lines,
    short_title,
)
from .owners import OwnerRegistry
from .timing import find_by_year, find_recurring, parse_relative, publication_window

REC = re.compile(r"^(?:-\s*)?(\d{1,2})\.\s*(\S.*)$")
SUB = re.compile(r"^(\d)\.(\d)\s+(\S.*)$")
TOP = re.compile(r"^(\d)\.\s+([A-Z][^*]*)$")
EXPECTED = 50


def _headline(raw: str) -> str:
    """The bold part of a recommendation, or its first sentence."""
    m = re.match(r"^\s*\*\*(.+?)\*\*", raw) or re.match(r"^(.+?)\*\*", raw)
    return clean(m[1]) if m else first_sentence(clean(raw))


def load(path: Path, plan: dict, registry: OwnerRegistry) -> list[Action]:
    lines = read_lines(path)
    # Relative deadlines count from the day the plan came out where it is known (the manifest's
    # published_day, from outside the text), else from the end of the month the text gives.
    _, published_end, _ = publication_window(str(plan["published"]))
    precision = "month"
    if plan.get("published_day"):
        published_end, precision = date.fromisoformat(str(plan["published_day"])), "day"
    recs: list[dict] = []
    top_title = sub_title = ""
    group_intro = should_intro = None
    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        if not s or "\t" in s or is_footnote(s):  # blank, table of contents, footnotes
            continue
        m_sub, m_top, m_rec = SUB.match(s), TOP.match(s), REC.match(s)
        if m_sub and not s.endswith("."):
            sub_title, group_intro = s, None
            continue
        if m_top and not ends_sentence(s) and len(s) < 80:
            top_title, sub_title, group_intro = s, "", None
            continue
        if m_rec and int(m_rec[1]) == len(recs) + 1:
            recs.append({"n": int(m_rec[1]), "start": i, "end": i, "raw": m_rec[2], "parts": [m_rec[2]],
                         "section": " > ".join(x for x in (top_title, sub_title) if x),
                         "group": group_intro, "should": should_intro})
            continue
        if recs and s.startswith("- ") and recs[-1]["parts"][-1].rstrip().endswith(":"):
            recs[-1]["parts"].append(s[2:])  # the bullets of "29. Support ... by:"
            recs[-1]["end"] = i
            continue
        if recs and recs[-1]["end"] == i - 1 and s.startswith("- ") and recs[-1]["parts"][-1].rstrip().endswith(";"):
            recs[-1]["parts"].append(s[2:])
            recs[-1]["end"] = i
            continue
        if recs and not ends_sentence(recs[-1]["parts"][-1]) and not s.startswith("- "):
            recs[-1]["parts"].append(s)  # a recommendation running across a page break
            recs[-1]["end"] = i
            continue
        if s.endswith(":") and not s.startswith("- "):
            group_intro = re.split(r"(?<=[.!?])\s+(?=[A-Z])", clean(s))[-1]  # its last sentence
            if re.search(r"\bgovernment (?:should|must|needs to)\b", s, re.I):
                should_intro = group_intro
    expect_count(path, "numbered recommendations", len(recs), EXPECTED)
    if recs[-1]["n"] != EXPECTED:
        raise LoaderError(path, "recommendations are not numbered 1 to 50", recs[-1]["start"])

    actions = []
    for r in recs:
        text = clean(" ".join(r["parts"]))
        headline = _headline(r["raw"])
        due, derivation, kind, phrase = None, "none", "open-ended", None
        recurring = find_recurring(headline)
        own = find_by_year(headline) or parse_relative(headline, published_end, precision)
        group = parse_relative(r["group"] or "", published_end, precision)
        if recurring:
            kind, derivation, phrase = "recurring", "stated", recurring
        elif own:
            due, phrase = own, own.phrase
            derivation = "stated" if own.precision == "year" else "relative"
            extra = parse_relative(headline, published_end, precision) if own.precision == "year" else None
            if extra:  # "by 2030 – starting within 6 months"
                phrase = f"{own.phrase}; starting {extra.phrase}"
        elif group:
            due, phrase, derivation = group, f"{group.phrase} (introducing recommendations: {r['group']})", "relative"
        if due:
            kind = "dated"
        lead, source = _lead(registry, headline, r, plan, text)
        others = []
        for x in registry.mentions(text, plan["jurisdiction"]):
            if x.owner_id != lead and x.owner_id not in others:
                others.append(x.owner_id)
        actions.append(Action(
            action_id=f"UK-R{r['n']:02d}", plan_id=plan["plan_id"], seq=r["n"], kind="recommendation",
            section=r["section"], title=short_title(headline, 120), text=text, source_file=path.name,
            line_start=r["start"], line_end=r["end"], lead_owner_id=lead, other_owner_ids=others,
            owner_source=source, due_date=due.due_date if due else None,
            due_precision=due.precision if due else None, timing_text=phrase,
            timing_derivation=derivation, deadline_kind=kind))
    return actions


def _lead(registry: OwnerRegistry, headline: str, rec: dict, plan: dict,
          text: str = "") -> tuple[str | None, str | None]:
    """The body the headline says "should" act; else one named body the rest of the text says
    "should" act ("the NDL should engage…"); else the UK Government of the group's "government should"."""
    for x in registry.mentions(headline, plan["jurisdiction"]):
        if re.match(r"\s+should\b", headline[x.end:]):
            return x.owner_id, headline[x.start:x.end + 7]
    named = {x.owner_id: text[x.start:x.end + 7] for x in registry.mentions(text, plan["jurisdiction"])
             if re.match(r"\s+should\b", text[x.end:]) and x.owner_id != "uk-government"}
    if len(named) == 1:
        return next(iter(named.items()))
    if rec["should"]:
        return "uk-government", rec["should"]
    return None, None
