"""America's AI Action Plan: every bullet under "Recommended Policy Actions".

Sections are the headings listed in the table of contents, under their pillar. A bullet
that runs across a page break continues after the page's footnotes; the continuation is
the next paragraph when the bullet has not ended its sentence. The plan gives no
deadlines, so a due date is never set; "at least twice per year" and "regularly" make an
action recurring.
"""

from __future__ import annotations

import re
from pathlib import Path

from .common import (
    Action,
    LoaderError,
    clean,
    drop_repeats,
    ends_sentence,
    expect_count,
    first_sentence,
    is_footnote,
    read_lines,
    short_title,
)
from .owners import OwnerRegistry, lead_and_others
from .timing import find_recurring

EXPECTED_SECTIONS = 30
EXPECTED_BULLETS = 103  # as printed, before the one word-for-word repeat is folded


def load(path: Path, plan: dict, registry: OwnerRegistry) -> list[Action]:
    lines = read_lines(path)
    try:
        toc_start = lines.index("Table of Contents")
        toc_end = lines.index("Introduction", toc_start)
    except ValueError:
        raise LoaderError(path, "no 'Table of Contents' followed by 'Introduction'") from None

    pillars, sections = {}, {}
    for line in lines[toc_start + 1:toc_end]:
        entry = re.sub(r"\s+\d+$", "", line.strip())
        if entry.startswith("Pillar"):
            pillars[entry] = entry
        elif entry.startswith("- "):
            sections[entry[2:]] = entry[2:]

    bullets: list[tuple[str, int, int, list[str]]] = []  # (section path, line_start, line_end, parts)
    pillar = section = None
    in_list = False
    section_numbers: dict[str, int] = {}
    for i, raw in enumerate(lines[toc_end:], start=toc_end + 1):
        line = raw.strip()
        if line in pillars:
            pillar, in_list = line, False
            continue
        if line in sections:
            section, in_list = line, False
            continue
        if line == "Recommended Policy Actions":
            if not (pillar and section):
                raise LoaderError(path, "policy actions before any pillar and section heading", i)
            in_list = True
            section_numbers.setdefault(section, len(section_numbers) + 1)
            continue
        if not in_list or not line or is_footnote(line):
            continue
        if line.startswith("- "):
            bullets.append((f"{pillar} > {section}", i, i, [line[2:]]))
        elif bullets and bullets[-1][0].endswith(section) and not ends_sentence(bullets[-1][3][-1]):
            path_, start, _, parts = bullets[-1]
            bullets[-1] = (path_, start, i, parts + [line])
        else:
            in_list = False

    expect_count(path, "sections with policy actions", len(section_numbers), EXPECTED_SECTIONS)
    expect_count(path, "policy action bullets", len(bullets), EXPECTED_BULLETS)

    actions, counters = [], {}
    for seq, (section_path, start, end, parts) in enumerate(bullets, start=1):
        text = clean(" ".join(parts))
        section_name = section_path.split(" > ", 1)[1]
        n_sec = section_numbers[section_name]
        counters[n_sec] = counters.get(n_sec, 0) + 1
        lead, others, source = lead_and_others(registry, text, plan["jurisdiction"],
                                               lead_scope=first_sentence(text))
        recurring = find_recurring(text)
        actions.append(Action(
            action_id=f"US-{n_sec:02d}-{counters[n_sec]:02d}", plan_id=plan["plan_id"], seq=seq,
            kind="action", section=section_path, title=short_title(text), text=text,
            source_file=path.name, line_start=start, line_end=end,
            lead_owner_id=lead, other_owner_ids=others, owner_source=source,
            timing_text=recurring, timing_derivation="stated" if recurring else "none",
            deadline_kind="recurring" if recurring else "open-ended"))
    return drop_repeats(actions)
