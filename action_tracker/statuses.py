"""The status vocabulary, its synonyms, and how every page shows a status.

A status is a reported fact: whatever the latest status event of an action says. An action
with no status event has no status: it is shown as NO_UPDATE ("No update yet"), a state of
its own that is never counted, coloured or filtered as Not started. "Overdue" and "Past due,
no update" are never stored: history.py derives them from the due date and the status.
"""

from __future__ import annotations

from .text import UNKNOWN

NOT_STARTED, IN_PROGRESS, COMPLETED, BLOCKED, CANCELLED = (
    "Not started", "In progress", "Completed", "Blocked", "Cancelled")
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, BLOCKED, CANCELLED)  # what an update may report
CLOSED = (COMPLETED, CANCELLED)
OPEN = (NOT_STARTED, IN_PROGRESS, BLOCKED)  # reported, and not closed
NO_UPDATE = "No update yet"  # no status event: not a status, the absence of one
SHOWN = STATUSES + (NO_UPDATE,)  # what a page can show and filter on
OVERDUE = "Overdue"  # reported open, past its due date
PAST_DUE_NO_UPDATE = "Past due, no update"  # past its due date, nobody has reported on it

# Matched case-insensitively, after trimming spaces. Anything else is an error.
SYNONYMS = {
    NOT_STARTED: ("not started", "not yet started", "to do", "todo", "planned", "pending"),
    IN_PROGRESS: ("in progress", "in-progress", "ongoing", "underway", "under way", "started", "wip"),
    COMPLETED: ("completed", "complete", "done", "delivered", "finished", "achieved"),
    BLOCKED: ("blocked", "stalled", "on hold", "paused"),
    CANCELLED: ("cancelled", "canceled", "dropped", "withdrawn", "abandoned"),
}
_LOOKUP = {word: status for status, words in SYNONYMS.items() for word in words}

# Okabe-Ito colours (told apart by people with the common colour-vision deficiencies), and never
# colour alone: every status also has a symbol, and "no update" bars are hatched.
COLORS = {
    NOT_STARTED: "#CC79A7",
    IN_PROGRESS: "#0072B2",
    COMPLETED: "#009E73",
    BLOCKED: "#E69F00",
    CANCELLED: "#404040",
    NO_UPDATE: "#D4D4D4",
    OVERDUE: "#D55E00",
    PAST_DUE_NO_UPDATE: "#F2B38F",
}
# The same colours in the dashboard's Markdown (:green[…]): Streamlit's named colours, set to the
# colours above in .streamlit/config.toml ([theme] greenColor, …). Cancelled has none: it is drawn
# in the text colour, which is close to its dark grey.
MARKDOWN_COLORS = {
    NOT_STARTED: "violet",
    IN_PROGRESS: "blue",
    COMPLETED: "green",
    BLOCKED: "orange",
    NO_UPDATE: "gray",
    OVERDUE: "red",
    PAST_DUE_NO_UPDATE: "red",  # as a light shade (hatched), which reads as the lighter colour
}
# Symbols the fonts of common systems (and Debian's chromium) draw; checked by eye in a screenshot.
SYMBOLS = {
    NOT_STARTED: "○", IN_PROGRESS: "◐", COMPLETED: "✔", BLOCKED: "⊘", CANCELLED: "✕",
    NO_UPDATE: "?", OVERDUE: "⚠", PAST_DUE_NO_UPDATE: "◷",
}

HATCHED_NOTE = "Hatched: nothing reported (No update yet), or no due date."

CONFIDENCE = ("high", "medium", "low")
# ?confidence= in a URL: which evidence counts. "medium" counts high and medium.
MIN_CONFIDENCE = ("any", "medium", "high")
BASIS = ("government", "independent")  # whose account an event is: the government's own, or not
DATE_FORMAT = "%d %b %Y"  # how every page shows a date: 09 Apr 2025
DATETIME_FORMAT = "%d %b %Y %H:%M"


def normalise(value: str) -> str | None:
    """The canonical status for a word users write, or None if it is not one."""
    return _LOOKUP.get(" ".join(str(value).strip().lower().split()))


def label(status: str) -> str:
    """A status in words with its symbol, never by colour alone: '● Completed'."""
    return f"{SYMBOLS.get(status, '')} {status}".strip()


def fmt_date(d) -> str:
    """One way to show a date everywhere; an unknown date is shown as such."""
    if d is None or (isinstance(d, float) and d != d):
        return UNKNOWN
    try:
        import pandas as pd
        if pd.isna(d):
            return UNKNOWN
    except (ImportError, TypeError, ValueError):
        pass
    return d.strftime(DATE_FORMAT)
