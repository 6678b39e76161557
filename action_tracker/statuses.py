"""The status vocabulary, its synonyms, and one colour per status for every page.

An action's status is whatever its latest status event says (none yet: Not started).
"Overdue" is never stored: an action is overdue on a day when its due date has passed
and it is neither Completed nor Cancelled.
"""

from __future__ import annotations

NOT_STARTED, IN_PROGRESS, COMPLETED, BLOCKED, CANCELLED = (
    "Not started", "In progress", "Completed", "Blocked", "Cancelled")
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, BLOCKED, CANCELLED)
CLOSED = (COMPLETED, CANCELLED)
OVERDUE = "Overdue"

# Matched case-insensitively, after trimming spaces. Anything else is an error.
SYNONYMS = {
    NOT_STARTED: ("not started", "not yet started", "to do", "todo", "planned", "pending"),
    IN_PROGRESS: ("in progress", "in-progress", "ongoing", "underway", "under way", "started", "wip"),
    COMPLETED: ("completed", "complete", "done", "delivered", "finished", "achieved"),
    BLOCKED: ("blocked", "stalled", "on hold", "paused"),
    CANCELLED: ("cancelled", "canceled", "dropped", "withdrawn", "abandoned"),
}
_LOOKUP = {word: status for status, words in SYNONYMS.items() for word in words}

# Okabe-Ito colours: told apart by people with the common colour-vision deficiencies.
COLORS = {
    NOT_STARTED: "#A0A0A0",
    IN_PROGRESS: "#0072B2",
    COMPLETED: "#009E73",
    BLOCKED: "#E69F00",
    CANCELLED: "#555555",
    OVERDUE: "#D55E00",
}

CONFIDENCE = ("high", "medium", "low")
DATE_FORMAT = "%d %b %Y"  # how every page shows a date: 09 Apr 2025


def normalise(value: str) -> str | None:
    """The canonical status for a word users write, or None if it is not one."""
    return _LOOKUP.get(" ".join(str(value).strip().lower().split()))


def fmt_date(d) -> str:
    """One way to show a date everywhere; an unknown date is shown as such."""
    if d is None or (isinstance(d, float) and d != d):
        return "—"
    try:
        import pandas as pd
        if pd.isna(d):
            return "—"
    except (ImportError, TypeError, ValueError):
        pass
    return d.strftime(DATE_FORMAT)
