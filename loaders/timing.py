"""Deadline phrases, turned into a due date without guessing.

A due date is the last day of the window the phrase names: "Q2 2025" is due 2025-06-30,
"July 2025" 2025-07-31, "2026" 2026-12-31, "Q4 2025 - Q1 2026" 2026-03-31. Relative
phrases ("within six months") count from the end of the publication period the document
gives, so a plan dated only "January 2025" makes "within six months" due 2025-07-31.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "twelve": 12}


@dataclass(frozen=True)
class Due:
    due_date: date
    precision: str  # day, month, quarter, year, range
    phrase: str


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, q: int) -> date:
    return month_end(year, q * 3)


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return month_end(d.year + y, m + 1)


_Q = r"Q([1-4])"
_Y = r"(20\d\d)"
_MONTH = r"(" + "|".join(m.capitalize() for m in MONTHS) + r")"
# Most specific first: each pattern returns (end date, precision).
_ABSOLUTE = [
    (re.compile(rf"{_Q}\s*{_Y}\s*[-–]\s*{_Q}\s*{_Y}"), lambda m: (quarter_end(int(m[4]), int(m[3])), "range")),
    (re.compile(rf"{_Q}\s*{_Y}\s*[-–]\s*{_Y}"), lambda m: (date(int(m[3]), 12, 31), "range")),
    (re.compile(rf"{_Q}\s*[/-]\s*{_Q}\s*{_Y}"), lambda m: (quarter_end(int(m[3]), int(m[2])), "range")),
    (re.compile(rf"{_Q}\s*/?\s*{_Y}"), lambda m: (quarter_end(int(m[2]), int(m[1])), "quarter")),
    (re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+{_Y}"),
     lambda m: (date(int(m[3]), MONTHS[m[2].lower()], int(m[1])), "day")),
    (re.compile(rf"\b{_MONTH}\s+{_Y}"), lambda m: (month_end(int(m[2]), MONTHS[m[1].lower()]), "month")),
    (re.compile(rf"\b{_Y}\s*[-–]\s*{_Y}\b"), lambda m: (date(int(m[2]), 12, 31), "range")),
    (re.compile(rf"\b{_Y}\b"), lambda m: (date(int(m[1]), 12, 31), "year")),
]


def parse_absolute(phrase: str) -> Due | None:
    """The due date a dated phrase names, or None if it names none."""
    for pattern, convert in _ABSOLUTE:
        m = pattern.search(phrase)
        if m:
            d, precision = convert(m)
            return Due(d, precision, phrase.strip())
    return None


_RELATIVE = re.compile(
    r"\b(?:within|in|over)\s+(?:the\s+)?(?:next\s+)?(\w+)?\s*(months?|years?)\b", re.I)
_BY_YEAR = re.compile(r"\bby\s+(20\d\d)\b")
_RECURRING = re.compile(
    r"\b(?:at least (?:once|twice|\w+ times) (?:per|a|each) (?:year|month|quarter)|annually|"
    r"every (?:year|quarter|month)|regularly|periodically)\b", re.I)


def parse_relative(phrase: str, published_end: date, precision: str = "month") -> Due | None:
    """'within six months', 'in the next three months', 'within the next year' ..., counted from
    `published_end` (a day; `precision` says how precise that day is)."""
    m = _RELATIVE.search(phrase)
    if not m:
        return None
    count_word = (m[1] or "one").lower()
    if count_word == "next":  # "within the next year"
        count_word = "one"
    count = int(count_word) if count_word.isdigit() else NUMBERS.get(count_word)
    if count is None:
        return None
    months = count * (12 if m[2].lower().startswith("year") else 1)
    if precision == "day":  # from a known day: the same day that many months on (13 Jan + 6 months = 13 Jul)
        end = add_months(published_end, months)
        return Due(end.replace(day=min(published_end.day, end.day)), precision, m[0])
    return Due(add_months(published_end, months), precision, m[0])


def find_by_year(text: str) -> Due | None:
    m = _BY_YEAR.search(text)
    return Due(date(int(m[1]), 12, 31), "year", m[0]) if m else None


def find_recurring(text: str) -> str | None:
    m = _RECURRING.search(text)
    return m[0] if m else None


def publication_window(published: str) -> tuple[date, date, str]:
    """'2025-07-26' -> day; '2025-07' -> month; '2025' -> year. Returns (start, end, precision)."""
    parts = published.split("-")
    y = int(parts[0])
    if len(parts) == 1:
        return date(y, 1, 1), date(y, 12, 31), "year"
    m = int(parts[1])
    if len(parts) == 2:
        return date(y, m, 1), month_end(y, m), "month"
    d = date(y, m, int(parts[2]))
    return d, d, "day"
