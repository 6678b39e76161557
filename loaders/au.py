"""Australia's National AI Plan: its 9 actions, and the forward commitments under them.

The plan states its actions as headings ("Action 1: Build smart infrastructure") and its
commitments in prose ("The government will ..."), mixed with initiatives it describes as
already under way. Telling the two apart is a reading judgement, so it is written down
once, in `au_commitments.csv` beside the plan: one row per commitment, with a fixed id,
a fragment quoted from the text, and the owners as `owner_id=words in the sentence`.

This loader checks that review against the document on every build: each fragment must
occur exactly once, the action is the whole sentence (or bullet) around it, and each
owner's words must stand in that sentence or in the line that introduces its bullet
list. If the text changes under the review, the build fails instead of drifting.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .common import Action, LoaderError, clean, expect_count, read_lines, sentence_around
from .owners import OwnerRegistry
from .timing import find_recurring

ACTION = re.compile(r"^Action (\d): (.+)$")
THEMES = ("Capture the opportunities", "Spread the benefits", "Keep Australians Safe")
WHATS_NEXT = re.compile(r"^Building on Actions \d[–-]\d: What.s next$")
EXPECTED_ACTIONS = 9


def load(path: Path, plan: dict, registry: OwnerRegistry) -> list[Action]:
    lines = read_lines(path)
    review = path.parent / plan.get("commitments", "au_commitments.csv")

    # Where each line sits: theme > action (or the theme's "What's next").
    where: list[tuple[str, int | None, str]] = []
    theme, action_no, sub = "", None, ""
    headings: dict[int, tuple[int, str]] = {}
    for i, raw in enumerate(lines):
        s = raw.strip()
        m = ACTION.match(s)
        if s in THEMES:
            theme, action_no, sub = s, None, ""
        elif m and "\t" not in s and "..." not in s:
            action_no, sub = int(m[1]), s
            headings[i] = (action_no, m[2].strip())
        elif WHATS_NEXT.match(s):
            action_no, sub = None, s
        where.append((theme, action_no, sub))
    expect_count(path, "'Action N:' headings", len(headings), EXPECTED_ACTIONS)

    actions: list[Action] = []
    for i, (n, name) in sorted(headings.items()):
        para_i = next(j for j in range(i + 1, len(lines)) if lines[j].strip())
        intro = clean(lines[para_i])
        actions.append(Action(
            action_id=f"AU-A{n}", plan_id=plan["plan_id"], seq=n * 100, kind="action",
            section=f"{where[i][0]} > Action {n}: {name}", title=f"Action {n}: {name}",
            text=f"Action {n}: {name}. {intro}", source_file=path.name,
            line_start=i + 1, line_end=para_i + 1))

    try:
        with open(review, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        raise LoaderError(review, "the reviewed list of commitments is missing") from None
    for row_no, row in enumerate(rows, start=2):
        cid, quote = row["commitment_id"].strip(), row["quote"].strip()
        hits = [(j, l.find(quote)) for j, l in enumerate(lines) if quote in l]
        if len(hits) != 1:
            raise LoaderError(review, f"quote must occur exactly once in {path.name}, found {len(hits)}",
                              row_no, "quote", quote)
        j, col = hits[0]
        line = lines[j]
        sentence = sentence_around(line, col, col + len(quote))
        context = sentence
        if line.lstrip().startswith("-"):  # a bullet: its list's lead-in line may name the owner
            lead_in = next(lines[k] for k in range(j - 1, -1, -1)
                           if lines[k].strip() and not lines[k].lstrip().startswith("-"))
            context = f"{sentence} {clean(lead_in)}"
        owners = []
        for pair in filter(None, (p.strip() for p in row["owners"].split(";"))):
            oid, _, words = pair.partition("=")
            if oid not in registry.owners:
                raise LoaderError(review, "owner not in data/owners.csv", row_no, "owners", oid)
            if words.lower() not in context.lower():
                raise LoaderError(review, f"owner words do not stand in the sentence of {cid}",
                                  row_no, "owners", words)
            owners.append((oid, words))
        theme_, action_no, sub = where[j]
        kind = row["deadline_kind"].strip() or "open-ended"
        if kind == "recurring" and not find_recurring(sentence):
            raise LoaderError(review, "marked recurring but the sentence says no period", row_no,
                              "deadline_kind", kind)
        actions.append(Action(
            action_id=cid, plan_id=plan["plan_id"], seq=(action_no or 0) * 100 + 10 + row_no,
            kind="commitment", section=" > ".join(x for x in (theme_, sub) if x),
            title=sentence if len(sentence) <= 120 else sentence[:117].rsplit(" ", 1)[0] + "…",
            text=sentence, source_file=path.name, line_start=j + 1, line_end=j + 1,
            lead_owner_id=owners[0][0] if owners else None,
            other_owner_ids=[o for o, _ in owners[1:]],
            owner_source="; ".join(w for _, w in owners) or None,
            timing_text=find_recurring(sentence) if kind == "recurring" else None,
            timing_derivation="stated" if kind == "recurring" else "none",
            deadline_kind=kind, parent_action_id=f"AU-A{action_no}" if action_no else None))
    actions.sort(key=lambda a: (a.line_start, a.kind != "action"))
    for seq, a in enumerate(actions, start=1):
        a.seq = seq
    return actions
