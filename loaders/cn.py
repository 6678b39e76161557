"""China's Global AI Governance Action Plan: the 13 numbered points.

The points call on "all parties" and name no body that leads them, so owners stay empty;
the plan sets no deadlines.
"""

from __future__ import annotations

import re
from pathlib import Path

from .common import Action, LoaderError, clean, ends_sentence, expect_count, is_footnote, read_lines
from .owners import OwnerRegistry

POINT = re.compile(r"^(\d{1,2})\.\s*(\S.*)$")
EXPECTED_POINTS = 13


def load(path: Path, plan: dict, registry: OwnerRegistry) -> list[Action]:
    lines = read_lines(path)
    try:
        start = next(i for i, l in enumerate(lines) if l.strip().startswith("Full text of the action plan"))
    except StopIteration:
        raise LoaderError(path, "no 'Full text of the action plan' line") from None

    points: list[tuple[int, int, int, list[str]]] = []
    for i, raw in enumerate(lines[start + 1:], start=start + 2):
        line = raw.strip()
        if not line or is_footnote(line):
            continue
        m = POINT.match(line)
        if m and int(m[1]) == len(points) + 1:
            points.append((int(m[1]), i, i, [m[2]]))
        elif points and not ends_sentence(points[-1][3][-1]):
            n, s, _, parts = points[-1]
            points[-1] = (n, s, i, parts + [line])
        elif points:
            break  # the first paragraph after the last point ("Links:") ends the list
    expect_count(path, "numbered points", len(points), EXPECTED_POINTS)

    actions = []
    for n, s, e, parts in points:
        text = clean(" ".join(parts))
        title = re.split(r"\.\s", text, maxsplit=1)[0].rstrip(".")  # each point opens with a heading sentence
        actions.append(Action(
            action_id=f"CN-{n:02d}", plan_id=plan["plan_id"], seq=n, kind="point",
            section=f"{n}. {title}", title=title, text=text, source_file=path.name,
            line_start=s, line_end=e))
    return actions
