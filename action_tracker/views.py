"""A view's state as it travels in a URL: read it, check it, explain what is wrong with it.

Widgets bound to query parameters drop values they do not know without a word; this
module reads the raw parameters first, so a page can say which values it ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from .queries import DUE_WINDOWS, GROUPS, Filters
from .statuses import MIN_CONFIDENCE

MULTI = {"plan": "plans", "section": "sections", "owner": "owners", "status": "statuses", "theme": "themes"}


@dataclass
class ViewState:
    filters: Filters
    as_of: date | None
    warnings: list[str] = field(default_factory=list)
    min_confidence: str = "any"


def parse_as_of(raw: str | None, today: date) -> tuple[date | None, str | None]:
    """`?as_of=YYYY-MM-DD` -> that day, or a message saying why it was ignored."""
    if not raw:
        return None, None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return None, f"as_of={raw!r} is not a date written YYYY-MM-DD; showing today"
    try:
        d = date.fromisoformat(raw)
    except ValueError:
        return None, f"as_of={raw!r} is not a real date; showing today"
    if d > today:
        return None, f"as_of={raw} is in the future; showing today"
    return d, None


def kept_query(params: dict[str, list[str]], today: date) -> str:
    """What internal links carry on from this link: its day and evidence counted, when they are valid
    (an invalid one is warned about and ignored, so it is not passed on), URL-encoded."""
    kept = {}
    as_of, _ = parse_as_of((params.get("as_of") or [None])[-1], today)
    if as_of:
        kept["as_of"] = as_of.isoformat()
    confidence = (params.get("confidence") or [None])[-1]
    if confidence in MIN_CONFIDENCE:
        kept["confidence"] = confidence
    return urlencode(kept)


def read_view(params: dict[str, list[str]], options: dict[str, list[str]], today: date) -> ViewState:
    """Check every known parameter against the values the data offers."""
    f = Filters()
    warnings = []
    for key, attr in MULTI.items():
        values = params.get(key, [])
        known = [v for v in values if v in options.get(key, [])]
        unknown = [v for v in values if v not in options.get(key, [])]
        if unknown:
            warnings.append(f"Unknown {key} in the link, ignored: {', '.join(repr(u) for u in unknown)}")
        setattr(f, attr, known)
    due = (params.get("due") or ["any"])[-1]
    if due not in DUE_WINDOWS:
        warnings.append(f"Unknown due window {due!r} in the link, ignored; use one of {', '.join(DUE_WINDOWS)}")
        due = "any"
    f.due = due
    f.search = (params.get("q") or [""])[-1]
    group = (params.get("group") or ["plan"])[-1]
    if group not in GROUPS:  # the page falls back to "plan"
        warnings.append(f"Unknown grouping {group!r} in the link, ignored; use one of {', '.join(GROUPS)}")
    f.stale_only = (params.get("stale") or ["false"])[-1].lower() in ("true", "1")
    confidence = (params.get("confidence") or ["any"])[-1]
    if confidence not in MIN_CONFIDENCE:
        warnings.append(f"Unknown confidence {confidence!r} in the link, ignored; use one of {', '.join(MIN_CONFIDENCE)}")
        confidence = "any"
    as_of, msg = parse_as_of((params.get("as_of") or [None])[-1], today)
    if msg:
        warnings.append(msg)
    return ViewState(f, as_of, warnings, confidence)
