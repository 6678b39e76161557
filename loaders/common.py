"""What every loader shares: the action record, the error it raises, and text helpers.

A loader is a pure function from one plan document to a list of `Action` records. It
never touches the database and never returns a partial list: anything it cannot read
the way it expects raises `LoaderError`, naming the file and line.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

from action_tracker.errors import InputError

DEADLINE_KINDS = ("dated", "open-ended", "recurring")
TIMING_DERIVATIONS = ("stated", "relative", "none")


class LoaderError(InputError):
    """A plan document (or a plan CSV) could not be turned into actions."""

    def __init__(self, file: str | Path, message: str, line: int | None = None,
                 column: str | None = None, value: str | None = None):
        self.file, self.line, self.column, self.value = str(file), line, column, value
        where = self.file + (f", line {line}" if line else "")
        where += f", column {column!r}" if column else ""
        what = f" (value {value!r})" if value is not None else ""
        super().__init__(f"{where}: {message}{what}")


@dataclasses.dataclass
class Action:
    action_id: str
    plan_id: str
    seq: int
    kind: str  # "action", "commitment", "recommendation", "point"
    section: str
    title: str
    text: str
    source_file: str
    line_start: int
    line_end: int
    lead_owner_id: str | None = None
    other_owner_ids: list[str] = dataclasses.field(default_factory=list)
    owner_source: str | None = None  # the words the owners were read from
    due_date: date | None = None
    due_precision: str | None = None  # day, month, quarter, year, range
    timing_text: str | None = None  # the phrase(s) the due date came from
    timing_derivation: str = "none"  # stated, relative, none
    deadline_kind: str = "open-ended"  # dated, open-ended, recurring
    parent_action_id: str | None = None
    repeats: list[int] = dataclasses.field(default_factory=list)  # lines printing it again
    title_source: str = "rule"  # reviewed (data/plans/titles.csv), heading (the document's own), rule
    lead_basis: str | None = None  # stated, implied or plan (see loaders/leads.py); None: no lead
    theme: str | None = None  # primary theme (loaders/themes.py)
    other_themes: tuple[str, ...] = ()
    theme_basis: str | None = None  # reviewed (data/plans/themes.csv), plan (a CSV plan's column), rule

    def check(self) -> None:
        if self.deadline_kind not in DEADLINE_KINDS:
            raise LoaderError(self.source_file, f"unknown deadline kind for {self.action_id}",
                              self.line_start, "deadline_kind", self.deadline_kind)
        if self.timing_derivation not in TIMING_DERIVATIONS:
            raise LoaderError(self.source_file, f"unknown timing derivation for {self.action_id}",
                              self.line_start, "timing_derivation", self.timing_derivation)
        if not self.text.strip():
            raise LoaderError(self.source_file, f"action {self.action_id} has no text", self.line_start)
        if self.due_date is not None and self.deadline_kind != "dated":
            raise LoaderError(self.source_file, f"{self.action_id} has a due date but is {self.deadline_kind}",
                              self.line_start)


# Footnote markers: "^{7, 8}" and superscript digits glued to the end of a word or sentence.
_MARKERS = re.compile(r"\^\{[\d,\s]+\}|(?<=[\w.,;:”\"')\]])[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_FOOTNOTE_LINE = re.compile(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s")


def clean(text: str) -> str:
    """Plain text of a line: markdown bold/italics and footnote markers removed."""
    text = text.replace("**", "")
    text = re.sub(r"(?<!\w)\*(?=\S)([^*]+?)\*(?!\w)", r"\1", text)
    text = _MARKERS.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def is_footnote(line: str) -> bool:
    return bool(_FOOTNOTE_LINE.match(line.strip()))


def ends_sentence(text: str) -> bool:
    return clean(text).rstrip().endswith((".", ";", ":", "!", "?", ".”", '."'))


def first_sentence(text: str) -> str:
    m = re.search(r"(?<=[a-z0-9)”’\"])[.;:](\s|$)", text)
    return text[: m.start() + 1].strip() if m else text.strip()


def short_title(text: str, limit: int = 110) -> str:
    """A title for tables: the first sentence, cut at a word boundary."""
    s = first_sentence(text).rstrip(".;:")
    if len(s) <= limit:
        return s
    cut = s[:limit].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"


def norm_for_repeat(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def drop_repeats(actions: list[Action]) -> list[Action]:
    """Keep the first of actions the document prints twice word for word; note the repeat."""
    seen: dict[str, Action] = {}
    kept = []
    for a in actions:
        key = norm_for_repeat(a.text)
        if key in seen:
            seen[key].repeats.append(a.line_start)
            continue
        seen[key] = a
        kept.append(a)
    return kept


def read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LoaderError(path, "plan file not found") from None
    except UnicodeDecodeError as e:
        raise LoaderError(path, f"plan file is not UTF-8 ({e.reason} at byte {e.start})") from None


def expect_count(path: Path, what: str, got: int, expected: int) -> None:
    """Fail loudly when the document does not have the structure the loader was written for."""
    if got != expected:
        raise LoaderError(path, f"expected {expected} {what}, found {got}; "
                                "has the document changed? Review the loader before rebuilding")


def sentence_around(line: str, start: int, end: int) -> str:
    """The sentence of `line` that holds line[start:end]."""
    body_from = 0
    label = re.match(r"^-\s*(?:\*\*[^*]+\*\*\s*)?", line)
    if label:
        body_from = label.end()
    left = max((m.end() for m in re.finditer(r"[.!?]\s+(?=[A-Z‘'“])", line) if m.end() <= start),
               default=body_from)
    right = re.search(r"[.!?](?=\s+[A-Z‘'“]|\s*$)", line[end:])
    stop = end + right.end() if right else len(line)
    return clean(line[max(left, body_from):stop])
