"""Stage 2 of an upload: a table -> a preview. Every problem in the file at once (each with its
row, column and value), and what each good row would change in the tracker.

The checks are a table of named rules (RULES): each says which column it looks at, why a value
fails, and which rows fail it. Rows that fail any rule change nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..db import fetch_one
from ..formulas import unguard_column
from ..frames import strip
from ..history import action_titles, data_version, upload_state
from ..statuses import BASIS, CONFIDENCE, NO_UPDATE, STATUSES, normalise
from ..text import NOT_STORABLE_UTF8, first_unstorable, has_disguise
from .reading import ALLOWED, MAX_CELL_CHARS, OPTIONAL, REQUIRED, SHOWN, Problem, Table, norm_header

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")
Progress = Callable[[float, str], None]


@dataclass
class Change:
    row: int
    action_id: str
    status_from: str
    status_to: str
    effective_date: date
    note: str | None
    evidence_url: str | None
    source: str | None
    confidence: str | None
    basis: str | None
    due_from: date | None
    due_to: date | None  # None: no change
    owner_from: str | None
    owner_to: str | None  # owner id; None: no change
    owner_to_name: str | None = None
    retrieved_on: date | None = None  # the day the evidence was read at its source


CHANGE_COLUMNS = [f.name for f in dataclasses.fields(Change)]
# Free-text columns of change_rows hold "" where the file gave nothing: the file's own column,
# shared rather than copied into one of nulls (those copies were 20 MB of a million-row upload's
# peak). Change objects and the events recorded read "" as no value.
TEXT_COLUMNS = ("note", "evidence_url", "source", "confidence", "basis")
UNCHANGED_COLUMNS = ["row_no", "action_id"]
SHOWN_CHANGES = 10_000  # the preview lists this many changes (a million-row file's would not help anyone)


@dataclass
class Preview:
    table: Table
    problems: list[Problem]
    change_rows: pd.DataFrame  # one row per file row that changes the tracker (CHANGE_COLUMNS), in row order
    unchanged_rows: pd.DataFrame  # row_no, action_id of good rows that change nothing
    already_applied: int | None = None  # upload id of an earlier, identical, still-applied file
    data_version: tuple | None = None  # the store as it was when this preview was made
    # The titles of the actions the preview lists (its first SHOWN_CHANGES changes): read for those
    # alone, since carrying a million titles through the checks was a tenth of the upload's memory.
    titles: dict = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @functools.cached_property
    def changes(self) -> list[Change]:
        """change_rows as Change objects (for the command line's listing and for tests)."""
        def plain(k, v):
            if _missing(v) or (v == "" and k in TEXT_COLUMNS):
                return None
            return v.date() if isinstance(v, pd.Timestamp) else v
        return [Change(**{k: plain(k, v) for k, v in r.items()}) for r in self.change_rows.to_dict(orient="records")]

    @functools.cached_property
    def unchanged(self) -> list[tuple[int, str]]:
        return list(zip(self.unchanged_rows["row_no"].astype(int), self.unchanged_rows["action_id"]))

    def problem_lines(self) -> list[str]:
        lines = [p.describe(self.table.file_name) for p in self.problems[:SHOWN]]
        if len(self.problems) > SHOWN:
            lines.append(f"… and {len(self.problems) - SHOWN} more ({len(self.problems)} problems in all)")
        return lines

    def display_table(self, limit: int = SHOWN_CHANGES) -> pd.DataFrame:
        """What the preview shows people (the first `limit` changes, at most SHOWN_CHANGES), in words."""
        c = self.change_rows.head(min(limit, SHOWN_CHANGES))
        return pd.DataFrame({
            "row": c["row"], "action": c["action_id"], "title": c["action_id"].map(self.titles),
            "status": [a if a == b else f"{a} → {b}" for a, b in zip(c["status_from"], c["status_to"])],
            "effective date": c["effective_date"].dt.date,
            "due date": ["" if _missing(t) else f"{'—' if _missing(f) else f.date()} → {t.date()}"
                         for f, t in zip(c["due_from"], c["due_to"])],
            "lead owner": ["" if _missing(o) else f"→ {o}" for o in c["owner_to_name"]],
            "note": c["note"].fillna(""), "evidence": c["evidence_url"].fillna(""),
            "confidence": c["confidence"].fillna(""), "basis": c["basis"].fillna(""),
            "retrieved": pd.to_datetime(c["retrieved_on"]).dt.date,
        })


def _missing(v) -> bool:
    return v is None or (not isinstance(v, (list, tuple, str)) and pd.isna(v))


def parse_iso_date(value: str) -> date | None:
    m = ISO_DATE.match(value)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _date_problem(value: str) -> str:
    if re.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$", value):
        return "dates must be written YYYY-MM-DD: day and month cannot be told apart here"
    return "not a date: write it YYYY-MM-DD"


def _owner_lookup(con) -> dict[str, tuple[str, str]]:
    """Lower-cased owner names, ids and aliases -> (owner id, name)."""
    from loaders import OwnerRegistry
    lookup = {}
    for oid, name in con.execute("SELECT owner_id, name FROM owners").fetchall():
        lookup[name.lower()] = (oid, name)
        lookup[oid.lower()] = (oid, name)
    for o in OwnerRegistry.load().owners.values():
        if o.owner_id.lower() in lookup:
            for a in o.aliases:
                lookup.setdefault(a.lower(), (o.owner_id, o.name))
    return lookup


def _per_value_day(s: pd.Series, fn) -> np.ndarray:
    """Like _per_value, for a function returning a date or None: a datetime64[D] array (NaT for None)."""
    if not (s != "").fillna(True).any():  # an empty column (most files give no due date): one value
        day = fn("")
        return np.full(len(s), np.datetime64(day, "D") if day else np.datetime64("NaT", "D"), dtype="datetime64[D]")
    codes, uniques = pd.factorize(s)
    days = [fn(u) for u in uniques]
    mapped = np.array([np.datetime64(d, "D") if d else np.datetime64("NaT", "D") for d in days]
                      + [np.datetime64("NaT", "D")], dtype="datetime64[D]")
    return mapped[codes]


def _per_value(s: pd.Series, fn) -> pd.Series:
    """Apply fn once per distinct value: uploads repeat statuses, dates and owners a lot."""
    codes, uniques = pd.factorize(s)
    mapped = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=s.index, dtype=object)  # code -1 (missing) takes the None


def _per_value_text(s: pd.Series, fn) -> pd.Series:
    """Like _per_value, for a function returning text or None: an Arrow text column, where a column of
    Python objects cost a slow missing-value scan each time a rule or a comparison looked at it."""
    codes, uniques = pd.factorize(s)
    mapped = pa.array([fn(u) for u in uniques] + [None], type=pa.string())
    codes = np.where(codes < 0, len(uniques), codes)  # a missing value takes the None
    return pd.Series(pd.array(mapped.take(pa.array(codes)), dtype=pd.StringDtype("pyarrow")), index=s.index)


# --- the rules ---------------------------------------------------------------------------

@dataclass
class Rows:
    """The file's rows as text (`f`, one column per known column), each value parsed once, and the
    current state of the action each row names (`cur`, aligned row for row)."""
    f: pd.DataFrame
    cur: pd.DataFrame
    today: date
    status: pd.Series  # canonical status, None where empty or unknown
    eff: np.ndarray  # datetime64[D]; NaT where not a date
    due_to: np.ndarray  # datetime64[D]; NaT where empty or not a date
    owner_to: pd.Series  # (owner id, name) or None
    retrieved: np.ndarray  # datetime64[D]; NaT where empty or not a date
    _filled: dict = dataclasses.field(default_factory=dict, repr=False)

    @property
    def known(self) -> pd.Series:
        return self.cur["known"].astype(bool)

    @functools.cached_property
    def repeats(self) -> bool:
        """Does any action appear in more than one row? Sorted, two equal neighbours: 23 MB at a
        million rows, where a hash of every id (pandas' duplicated(), Arrow's unique) took 63-68 MB
        at the upload's peak. 0.06 s for ids in order, 0.29 s shuffled (hashing: 0.14-0.19 s)."""
        ids = pa.array(self.f["action_id"])
        if len(ids) < 2:
            return False
        ids = ids.take(pc.sort_indices(ids))
        return bool(pc.any(pc.equal(ids[1:], ids[:-1])).as_py())

    def filled(self, col: str) -> pd.Series:
        """The rows where `col` is not empty (asked by several rules: computed once per column)."""
        if col not in self._filled:
            self._filled[col] = self.f[col] != ""
        return self._filled[col].copy()  # a copy: rules may change the mask they get


@dataclass(frozen=True)
class Rule:
    name: str
    column: str
    fails: Callable[[Rows], pd.Series]  # True on the rows that break the rule
    reason: str | Callable[[Rows, object], str]  # a fixed text, or one made per failing row


def _repeated_day(r: Rows) -> pd.Series:
    if not r.repeats:  # the common case, and a million rows: no action named twice
        return pd.Series(False, index=r.f.index)
    key = pd.DataFrame({"a": r.f["action_id"], "d": r.eff})
    return r.known & key.duplicated(keep="first")


def _first_row_that_day(r: Rows, row) -> str:
    i = int(np.flatnonzero(r.f["row_no"].to_numpy() == row.row_no)[0])
    same = (r.f["action_id"] == row.action_id).to_numpy() & (r.eff == r.eff[i])
    return f"the same action is already updated for that day in row {int(r.f['row_no'].to_numpy()[same][0])}"


def _needs_status(r: Rows) -> pd.Series:
    """An empty status keeps the reported one; an action with none reported needs one when the row says more."""
    if r.filled("status").all():
        return pd.Series(False, index=r.f.index)
    says_more = r.filled("note") | r.filled("evidence_url") | r.filled("source")
    due_now = r.cur["due_date"].to_numpy(dtype="datetime64[D]")
    says_more |= pd.Series(~np.isnat(r.due_to) & (r.due_to != due_now), index=r.f.index)
    owner_id = r.owner_to.map(lambda o: o[0], na_action="ignore")
    says_more |= (owner_id.notna() & (owner_id != r.cur["lead_owner_id"])).fillna(False).astype(bool)
    return r.known & ~r.filled("status") & (r.cur["status"] == NO_UPDATE) & says_more


def _bad_url(r: Rows) -> pd.Series:
    url = r.f["evidence_url"]
    bad = r.filled("evidence_url")
    if bad.any():
        bad[bad] = ~url[bad].str.match(r"^https?://\S+$") | url[bad].map(has_disguise).astype(bool)
    return bad


def _unknown_owner(r: Rows) -> pd.Series:
    named = r.filled("lead_owner")
    if named.any():  # (most files name none: no look at a million empty owners)
        named[named] = r.owner_to[named].isna()
    return named


def _longer_than_allowed(text: pd.Series) -> pd.Series:
    """Cells of more than MAX_CELL_CHARS characters. A cell has no more characters than bytes, and
    Arrow knows each cell's bytes without reading it: when no cell has that many bytes, no cell is
    counted (a million notes: 2 ms, against 26 ms to count their characters)."""
    longest = pc.max(pc.binary_length(pa.array(text))).as_py() if len(text) else None
    if longest is None or longest <= MAX_CELL_CHARS:
        return pd.Series(False, index=text.index)
    return text.str.len() > MAX_CELL_CHARS


def _too_long(col: str) -> Rule:
    return Rule(f"{col} length", col, lambda r: _longer_than_allowed(r.f[col]),
                lambda r, row: f"{len(getattr(row, col)):,} characters; the limit is {MAX_CELL_CHARS:,}")


def _unstorable(col: str) -> Rule:
    return Rule(f"{col} characters", col, lambda r: r.f[col].str.contains(NOT_STORABLE_UTF8, regex=True),
                lambda r, row: f"holds {first_unstorable(getattr(row, col))}, a character stored text may not hold "
                               "(a control character or a Unicode noncharacter): remove it")


RULES: list[Rule] = [
    Rule("empty id", "action_id", lambda r: r.f["action_id"] == "", "action_id is empty"),
    Rule("unknown id", "action_id", lambda r: r.filled("action_id") & ~r.known, "unknown action id"),
    Rule("one update per action and day", "action_id", _repeated_day, _first_row_that_day),
    Rule("status", "status", lambda r: r.filled("status") & r.status.isna(),
         f"not a status; use one of {', '.join(STATUSES)} (or a synonym listed in the README)"),
    Rule("status needed", "status", _needs_status,
         "this action has no status reported yet: give one (Not started, if that is what the evidence says)"),
    Rule("effective date", "effective_date", lambda r: pd.Series(np.isnat(r.eff), index=r.f.index),
         lambda r, row: _date_problem(row.effective_date)),
    Rule("no future date", "effective_date",
         lambda r: pd.Series(r.eff > np.datetime64(r.today, "D"), index=r.f.index),
         lambda r, row: f"the effective date is after today ({r.today.isoformat()})"),
    Rule("evidence address", "evidence_url", _bad_url,
         "evidence_url must be a web address starting http:// or https://, with no hidden characters"),
    Rule("confidence", "confidence",
         lambda r: r.filled("confidence") & ~r.f["confidence"].str.lower().isin(CONFIDENCE),
         f"confidence must be one of {', '.join(CONFIDENCE)}"),
    Rule("basis", "basis", lambda r: r.filled("basis") & ~r.f["basis"].str.lower().isin(BASIS),
         f"basis must be one of {', '.join(BASIS)}: the government's own account, or an independent source"),
    Rule("due date", "due_date", lambda r: r.filled("due_date") & np.isnat(r.due_to),
         lambda r, row: _date_problem(row.due_date)),
    Rule("retrieval day", "retrieved_on", lambda r: r.filled("retrieved_on") & np.isnat(r.retrieved),
         lambda r, row: _date_problem(row.retrieved_on)),
    Rule("no future retrieval", "retrieved_on",
         lambda r: pd.Series(r.retrieved > np.datetime64(r.today, "D"), index=r.f.index),
         lambda r, row: f"the retrieval day is after today ({r.today.isoformat()})"),
    Rule("owner", "lead_owner", _unknown_owner,
         "unknown owner; use a name from the template or data/owners.csv"),
    *(_too_long(col) for col in ("note", "source", "evidence_url")),
    *(_unstorable(col) for col in ("note", "source", "evidence_url", "status", "lead_owner", "action_id")),
]


def _header_problems(table: Table) -> tuple[list[str], list[Problem]]:
    problems: list[Problem] = []
    columns = [norm_header(c) for c in table.columns]
    for i, col in enumerate(columns):
        if col == "":
            problems.append(Problem("a column has no name", row=1, column=f"#{i + 1}"))
        elif col not in ALLOWED:
            problems.append(Problem(f"unknown column; allowed: {', '.join(ALLOWED)}", row=1,
                                    column=table.columns[i], value=table.columns[i]))
        elif columns.index(col) != i:
            problems.append(Problem("this column appears twice", row=1, column=col))
    for col in REQUIRED:
        if col not in columns:
            problems.append(Problem("a required column is missing", row=1, column=col))
    return columns, problems


def _read_rows(con, table: Table, columns: list[str], today: date) -> Rows:
    """The file's text by column name (formula guards taken off), every value parsed once."""
    f = pd.DataFrame({"row_no": table.frame["__row"].astype("int64")})
    for i, col in enumerate(columns):
        column = table.frame[f"c{i}"]
        if not isinstance(column.dtype, pd.StringDtype):
            column = column.astype(pd.StringDtype("pyarrow"))
        f[col] = unguard_column(strip(column))
    empty = pd.Series("", index=f.index, dtype=pd.StringDtype("pyarrow"))  # one, shared by every absent column
    for col in OPTIONAL:
        if col not in f:
            f[col] = empty
    f = _in_order(f, "row_no")
    owner_to = pd.Series(None, index=f.index, dtype=object)
    if (f["lead_owner"] != "").any():
        owners = _owner_lookup(con)
        owner_to = _per_value(f["lead_owner"], lambda v: owners.get(v.lower()) if v else None)
    return Rows(
        f=f, cur=upload_state(con, today, f), today=today,
        status=_per_value_text(f["status"], lambda v: normalise(v) if v else None),
        eff=_per_value_day(f["effective_date"], lambda v: today if v == "" else parse_iso_date(v)),
        due_to=_per_value_day(f["due_date"], lambda v: None if v == "" else parse_iso_date(v)),
        owner_to=owner_to,
        retrieved=_per_value_day(f["retrieved_on"], lambda v: None if v == "" else parse_iso_date(v)))


def _check(r: Rows, table: Table) -> tuple[list[Problem], pd.Series]:
    """Every rule on every row: the problems, sorted by row and column, and which rows failed."""
    bad_rows = pd.Series(False, index=r.f.index)
    order = {c: i for i, c in enumerate(["action_id", *ALLOWED])}
    listed = []
    for rule in RULES:
        mask = pd.Series(rule.fails(r), index=r.f.index).fillna(False).astype(bool)
        if rule.name == "unknown id":  # an unknown id says all there is to say about the row
            mask &= ~(r.f["action_id"] == "")
        bad_rows |= mask
        for row in r.f[mask].itertuples(index=False):
            reason = rule.reason if isinstance(rule.reason, str) else rule.reason(r, row)
            listed.append(Problem(reason, int(row.row_no), rule.column, getattr(row, rule.column)))
    listed += table.problems
    listed.sort(key=lambda p: (p.row or 0, order.get(p.column, 99)))
    return listed, bad_rows


def _changes(r: Rows, keep: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What each good row changes. Rows naming one action on several days are its history, in date
    order: the first is compared with the tracker, each later one with the row before it."""
    good = _rows(r.f, keep).assign(status_to=_rows(r.status, keep), eff=r.eff[keep], due_to=r.due_to[keep],
                                   owner=_rows(r.owner_to, keep), retrieved=r.retrieved[keep])
    cur = _rows(r.cur, keep)
    if r.repeats:  # an action's rows in date order, so each is compared with the one before it
        order = np.lexsort((good["row_no"].to_numpy(), good["eff"].to_numpy(), good["action_id"].to_numpy()))
        good, cur = good.iloc[order], cur.iloc[order]
    # Each action's first row (hashing a million ids costs 0.3 s: only when some action repeats).
    first = ~good["action_id"].duplicated().to_numpy() if r.repeats else np.ones(len(good), bool)
    reported = cur["status"].where(cur["status"] != NO_UPDATE).set_axis(good.index)
    if first.all():  # each action once: compared with the tracker only, no per-action grouping needed
        status_to = good["status_to"].fillna(reported)
        status_from = cur["status"].set_axis(good.index)
    else:
        status_to = good["status_to"].groupby(good["action_id"]).ffill().fillna(reported)
        status_from = status_to.groupby(good["action_id"]).shift(1).fillna(cur["status"].set_axis(good.index))
    due_from = cur["due_date"].to_numpy(dtype="datetime64[D]")
    due_new = good["due_to"].to_numpy(dtype="datetime64[D]")
    due_change = pd.Series(~np.isnat(due_new) & (due_new != due_from), index=good.index)
    del reported, due_from, due_new  # 33 MB at a million rows, not needed past here (this is the upload's peak)
    # The usual file names no owner: nothing to map, and no scan of a million empty owners.
    no_owner = not r.filled("lead_owner").any() or bool(good["owner"].isna().all())
    if no_owner:
        owner_id, owner_change = None, pd.Series(False, index=good.index)
    else:
        owner_id = good["owner"].map(lambda o: o[0], na_action="ignore")
        owner_change = owner_id.notna() & (owner_id != cur["lead_owner_id"].set_axis(good.index))
    news = _news(good, cur)
    changed = status_to.notna() & (~pd.Series(first, index=good.index) | (status_to != status_from) | due_change
                                   | owner_change | news)
    c, k = _rows(good, changed.to_numpy()), _rows(cur, changed.to_numpy())
    # No owner change (the usual file): a category column of nothing, a byte a row, not a pointer.
    nobody = pd.Series(pd.Categorical.from_codes(np.full(len(c), -1, np.int8), categories=[]), index=c.index) \
        if no_owner else None
    change_rows = pd.DataFrame({
        "row": c["row_no"].astype(int), "action_id": c["action_id"],
        # A few statuses and owners, a million times: categories (a byte or two a row), not text.
        "status_from": _categories(status_from[changed]), "status_to": _categories(status_to[changed]),
        "effective_date": c["eff"],
        # The file's own text columns, shared and not copied: "" stays "" here (TEXT_COLUMNS).
        "note": c["note"], "evidence_url": c["evidence_url"], "source": c["source"],
        "confidence": _lower(c["confidence"]), "basis": _lower(c["basis"]),
        "due_from": k["due_date"].to_numpy(), "due_to": c["due_to"].where(due_change[changed]),
        "owner_from": _categories(k["lead_owner_id"].set_axis(c.index)),
        "owner_to": nobody if no_owner else owner_id[changed].where(owner_change[changed], None),
        "owner_to_name": nobody if no_owner else
        c["owner"].map(lambda o: o[1], na_action="ignore").where(owner_change[changed], None),
        "retrieved_on": c["retrieved"],
    }, columns=CHANGE_COLUMNS, copy=False)
    return _in_order(change_rows, "row"), _in_order(good.loc[~changed, UNCHANGED_COLUMNS], "row_no")


def _news(good: pd.DataFrame, cur: pd.DataFrame) -> pd.Series:
    """Rows whose evidence differs from the action's latest (a note, address, source or basis of their own,
    or a source read again on another day: the action's "last verified"), even with the same status."""
    news = pd.Series(False, index=good.index)
    for col, stored in (("note", "last_note"), ("evidence_url", "last_evidence_url"), ("source", "last_source"),
                        ("basis", "last_basis")):
        was = cur[stored].set_axis(good.index)
        given = good[col].str.lower() if col == "basis" else good[col]
        news |= (given != "") & (was.isna() | (given != was)).fillna(True).astype(bool)
    retrieved = good["retrieved"].to_numpy(dtype="datetime64[D]")
    if not np.isnat(retrieved).all():
        was = cur["last_retrieved_on"].to_numpy(dtype="datetime64[D]")
        news |= pd.Series(~np.isnat(retrieved) & (np.isnat(was) | (retrieved != was)), index=good.index)
    return news


def _categories(column: pd.Series) -> pd.Series:
    """A column of few distinct values as categories: 21 MB of a million statuses become 1 MB.
    Encoded by Arrow (5 MB on the way, where pandas' astype took 20 MB at the upload's peak)."""
    encoded = pc.dictionary_encode(pa.array(column))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy()  # from_codes keeps them in the smallest integer type
    return pd.Series(pd.Categorical.from_codes(codes, categories=encoded.dictionary.to_pylist()), index=column.index)


def _lower(column: pd.Series) -> pd.Series:
    """Lower case, without a copy of a column the file left empty (most files give no confidence)."""
    return column if not (column != "").any() else column.str.lower()


def _in_order(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """frame sorted by `column`, index 0..n-1; with no copy of its columns when it is in order already
    (a file's rows usually are)."""
    values = frame[column].to_numpy()
    # Compared in numpy: pandas' is_monotonic_increasing builds the column's index engine, 16 MB
    # kept at a million rows.
    if not (values[1:] >= values[:-1]).all():
        frame = frame.sort_values(column, kind="stable")
    return frame.reset_index(drop=True)


def _rows(frame, mask: np.ndarray):
    """frame[mask], without the copy of every column when the mask keeps every row (the usual file)."""
    return frame if mask.all() else frame[mask]


def _earlier_upload(con, sha256: str) -> int | None:
    earlier = fetch_one(con, """
        SELECT u.upload_id FROM uploads u
        WHERE u.sha256 = ? AND u.reverts_upload_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM uploads r WHERE r.reverts_upload_id = u.upload_id)
        ORDER BY u.upload_id DESC LIMIT 1""", [sha256])
    return earlier[0] if earlier else None


def validate(con, table: Table, today: date | None = None, progress: Progress | None = None) -> Preview:
    """Every problem in the file at once, and what each good row would change."""
    today = today or date.today()
    empty = (pd.DataFrame(columns=CHANGE_COLUMNS), pd.DataFrame(columns=UNCHANGED_COLUMNS))
    columns, problems = _header_problems(table)
    if problems:
        return Preview(table, problems, *empty)
    if table.frame.empty and not table.problems:
        return Preview(table, [Problem("the file has a header but no rows")], *empty)
    if progress:
        progress(0.05, f"checking {len(table.frame):,} rows")
    rows = _read_rows(con, table, columns, today)
    listed, bad_rows = _check(rows, table)
    if progress:
        progress(0.6, "comparing with the tracker")
    change_rows, unchanged_rows = _changes(rows, ~bad_rows.to_numpy())
    del rows
    if progress:
        progress(1.0, f"checked {len(table.frame):,} rows")
    return Preview(table, listed, change_rows, unchanged_rows, _earlier_upload(con, table.sha256),
                   data_version(con), action_titles(con, change_rows["action_id"].head(SHOWN_CHANGES)))
