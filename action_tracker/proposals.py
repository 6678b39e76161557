"""The review queue: proposed evidence, never a status event until a reviewer accepts it.

Proposals come from watchers of official sources (watchers/), from the public (the dashboard's
Suggest evidence form), from editors and from imports (data/proposals/). Each is pending until a
reviewer accepts it (with edits, if needed), rejects it with a reason, or marks it a duplicate of
another. Accepting goes through the same import path as an uploaded file (uploads.validate and
uploads.apply: one transaction, an upload row, revertible); the proposals are marked accepted in
that same transaction, naming who proposed and who accepted. Several accepted proposals for one
action and day back one event: the first is its source, the others are further sources
(history.event_sources).

A proposal's review is the only change its row ever sees, once, from pending.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import pandas as pd

from . import auth
from .db import fetch_one, transaction
from .errors import InputError
from .history import action_state, add_event_sources, event_of_file, latest_event_ids
from .statuses import BASIS, CONFIDENCE, STATUSES, normalise
from .text import first_unstorable, safe_url

STATES = ("pending", "accepted", "rejected", "duplicate", "withdrawn")  # withdrawn: by its proposer, unreviewed
# The longest value each free-text field may hold (a public form's fields are cut here, never stored longer).
LIMITS = {"action_id": 40, "status": 40, "source": 300, "evidence_url": 2000, "quote": 2000, "note": 1000,
          "proposed_by": 120, "origin_ref": 300, "match_reasons": 600, "reason": 500}
PUBLIC_PER_MINUTE = 5  # suggestions one client may send in a minute; the sixth is refused


class ProposalRefused(InputError, ValueError):
    """A proposal or a review that cannot be stored as given; nothing was written."""


@dataclass
class Proposal:
    origin: str  # watcher:<name>, public, editor, import:<file>
    proposed_by: str
    action_id: str | None = None
    status: str | None = None
    effective_date: date | None = None
    source: str | None = None
    evidence_url: str | None = None
    quote: str | None = None
    note: str | None = None
    basis: str | None = None
    confidence: str | None = None
    origin_ref: str | None = None
    retrieved_on: date | None = None
    match_score: float | None = None
    match_reasons: str | None = None
    review_state: str = "pending"
    review_reason: str | None = None


COLUMNS = [f for f in Proposal.__dataclass_fields__]


def problems(p: Proposal, known_actions: set[str], today: date, label: str = "the proposal") -> list[str]:
    """What is wrong with a proposal, each naming the field and value; empty if it may be stored."""
    out = []
    for name, limit in LIMITS.items():
        value = getattr(p, name, None)
        if not isinstance(value, str):
            continue
        if len(value) > limit:
            out.append(f"{label}: {name} has {len(value):,} characters; the limit is {limit:,}")
        bad = first_unstorable(value)
        if bad:
            out.append(f"{label}: {name} holds {bad}, a character stored text may not hold")
    if p.action_id and p.action_id not in known_actions:
        out.append(f"{label}: action_id {p.action_id!r} is not an action of the tracker")
    if p.status and normalise(p.status) is None:
        out.append(f"{label}: status {p.status!r} is not one of {', '.join(STATUSES)}")
    if p.evidence_url and safe_url(p.evidence_url) is None:
        out.append(f"{label}: evidence_url {p.evidence_url!r} must be a web address starting http:// or https://")
    for name in ("effective_date", "retrieved_on"):
        day = getattr(p, name)
        if day is not None and day > today:
            out.append(f"{label}: {name} {day.isoformat()} is after today ({today.isoformat()})")
    if p.basis and p.basis not in BASIS:
        out.append(f"{label}: basis {p.basis!r} must be one of {', '.join(BASIS)}")
    if p.confidence and p.confidence not in CONFIDENCE:
        out.append(f"{label}: confidence {p.confidence!r} must be one of {', '.join(CONFIDENCE)}")
    if p.review_state not in STATES:
        out.append(f"{label}: review_state {p.review_state!r} must be one of {', '.join(STATES)}")
    if not (p.evidence_url or p.source or p.note or p.quote):
        out.append(f"{label}: give at least the source's address, its title or what happened")
    return out


def _known_actions(con) -> set[str]:
    return {a for (a,) in con.execute("SELECT action_id FROM actions WHERE retired_at IS NULL").fetchall()}


def _seen(con, p: Proposal) -> bool:
    """Read before: the same item of the same origin, or the same address for the same action."""
    if p.origin_ref and fetch_one(con, "SELECT 1 FROM proposals WHERE origin = ? AND origin_ref = ?",
                                  [p.origin, p.origin_ref]):
        return True
    return bool(p.evidence_url and p.action_id and fetch_one(
        con, "SELECT 1 FROM proposals WHERE evidence_url = ? AND action_id = ?", [p.evidence_url, p.action_id]))


def add(con, items: list[Proposal], now: datetime | None = None, today: date | None = None,
        labels: list[str] | None = None) -> tuple[list[int], int]:
    """Store proposals in one transaction: all of them, or (if any is wrong) none, with every problem
    named (as `labels` say where each came from: "item N" unless given). Items already in the queue
    are skipped. Returns (the new ids, how many were known)."""
    today = today or date.today()
    now = now or datetime.now().replace(microsecond=0)
    known = _known_actions(con)
    labels = labels or [f"item {i}" for i in range(1, len(items) + 1)]
    found = [m for p, label in zip(items, labels) for m in problems(p, known, today, label)]
    if found:
        raise ProposalRefused("; ".join(found[:20]) + ("" if len(found) <= 20 else f"; … {len(found)} problems"))
    new, skipped = [], 0
    with transaction(con):
        for p in items:
            if _seen(con, p):
                skipped += 1
                continue
            pid = fetch_one(con, "SELECT nextval('proposal_ids')")[0]
            row = asdict(p)
            if row["status"]:
                row["status"] = normalise(row["status"])
            con.execute(f"""INSERT INTO proposals (proposal_id, proposed_at, {', '.join(COLUMNS)})
                            VALUES (?, ?, {', '.join('?' for _ in COLUMNS)})""",
                        [pid, now, *(row[c] for c in COLUMNS)])
            new.append(pid)
    return new, skipped


def suggestion(fields: dict[str, str], today: date | None = None) -> Proposal:
    """A reader's suggestion from the form's fields (every field optional but the address or what
    happened), as a proposal of origin "public". Values are stripped; none is trusted."""
    def text(name):
        value = " ".join(str(fields.get(name) or "").split())
        return value or None
    day = text("effective_date")
    try:
        parsed = date.fromisoformat(day) if day else None
    except ValueError:
        raise ProposalRefused(f"the date {day!r} is not a date: write it YYYY-MM-DD") from None
    who = text("proposed_by")
    return Proposal(origin="public", proposed_by=f"public: {who}" if who else "public (anonymous)",
                    action_id=text("action_id"), status=text("status"), effective_date=parsed,
                    source=text("source"), evidence_url=text("evidence_url"), note=text("note"),
                    retrieved_on=today or date.today())


def suggest(con, fields: dict[str, str], client: str, rate, now: datetime | None = None) -> int:
    """Store a reader's suggestion in the queue (never as a status event). `rate` is a
    limits.RateLimit kept per server; a client over it is refused before anything is read."""
    if not rate.allow(f"suggest:{client}"):
        raise ProposalRefused(f"too many suggestions from you in a short time: at most {rate.count} in "
                              f"{int(rate.seconds)} seconds. Please wait a minute and send it again.")
    p = suggestion(fields)
    if not (p.evidence_url or p.note):
        raise ProposalRefused("give at least the address of the source or what happened")
    ids, known = add(con, [p], now=now)
    if known:
        raise ProposalRefused("this source is already in the review queue for this action: thank you")
    return ids[0]


def submit(con, preview, cred: auth.Credentials | None, *, secrets=None, now: datetime | None = None) -> str:
    """A contributor's upload: every row checked against what their bodies own (auth.scope), then
    each change queued as a proposal of origin "upload:<file>" that waits for a reviewer; nothing is
    counted until one accepts it. An out-of-scope row refuses the whole file, naming row, action and
    scope; nothing is stored then. (Reviewers and admins apply uploads directly: uploads.apply.)"""
    editor = auth.authorize(cred, secrets)
    t = preview.table
    if not preview.ok:
        raise ProposalRefused(f"{t.file_name} has {len(preview.problems)} problems; nothing was sent for review")
    allowed = auth.scope(con, editor)
    cf = preview.change_rows
    bad = []
    if allowed is not None:
        rows = sorted([(int(r), a) for r, a in zip(cf["row"], cf["action_id"])] + preview.unchanged)
        bad += [f"{t.file_name}: row {r}: action {a} is outside your scope ({auth.scope_words(editor)})"
                for r, a in rows if a not in allowed]
    if not editor.reviews:
        for r, due, owner in zip(cf["row"], cf["due_to"], cf["owner_to"]):
            for col, value in (("due_date", due), ("lead_owner", owner)):
                if value is not None and not pd.isna(value) and value != "":
                    bad.append(f"{t.file_name}: row {int(r)}, column {col}: contributors report status and evidence; "
                               f"a reviewer changes due dates and lead owners (value {str(value)[:40]!r})")
    if bad:
        raise ProposalRefused("; ".join(bad[:20]) + (f"; … {len(bad)} problems in all" if len(bad) > 20 else "")
                              + ". Nothing was sent for review.")
    if cf.empty:
        return "every row matches the tracker already; nothing was sent for review"

    def text(v):
        return None if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else str(v)

    def day(v):
        return None if v is None or pd.isna(v) else pd.Timestamp(v).date()

    items, labels = [], []
    for r in cf.to_dict(orient="records"):
        items.append(Proposal(
            origin=f"upload:{t.file_name}"[:200], origin_ref=f"{t.sha256[:12]}:row {int(r['row'])}",
            proposed_by=editor.name, action_id=r["action_id"], status=r["status_to"],
            effective_date=day(r["effective_date"]), note=text(r["note"]), evidence_url=text(r["evidence_url"]),
            source=text(r["source"]), confidence=text(r["confidence"]), basis=text(r["basis"]),
            retrieved_on=day(r.get("retrieved_on"))))
        labels.append(f"{t.file_name}: row {int(r['row'])}")
    ids, known = add(con, items, now=now, labels=labels)
    return (f"{len(ids)} changes from {t.file_name} wait for a reviewer in the review queue "
            f"(proposals {', '.join(f'#{i}' for i in ids[:10])}{' …' if len(ids) > 10 else ''}); "
            f"they are not counted until approved" + (f"; {known} were in the queue already" if known else ""))


# --- reading the queue ----------------------------------------------------------------------

def queue(con, states: tuple[str, ...] = ("pending",)) -> pd.DataFrame:
    """Proposals in these review states, newest first, each beside its action's title, text, latest
    evidence and what counts as done (done_when)."""
    q = con.execute(f"""
        SELECT p.*, a.title AS action_title, a.text AS action_text, d.criterion AS done_when
        FROM proposals p LEFT JOIN actions a USING (action_id) LEFT JOIN done_when d USING (action_id)
        WHERE p.review_state IN ({', '.join('?' for _ in states)})
        ORDER BY p.proposed_at DESC, p.proposal_id DESC""", list(states)).df()
    ids = [a for a in q["action_id"].dropna().unique()]
    latest = action_state(con, only=ids) if ids else pd.DataFrame(columns=["action_id"])
    cols = {"status": "current_status", "status_date": "current_since", "last_note": "latest_note",
            "last_source": "latest_source", "last_evidence_url": "latest_evidence_url"}
    latest = latest[["action_id", *cols]].rename(columns=cols) if len(latest) else \
        pd.DataFrame(columns=["action_id", *cols.values()])
    return q.merge(latest, on="action_id", how="left")


def counts(con) -> dict[str, int]:
    """How many proposals are in each review state."""
    got = dict(con.execute("SELECT review_state, count(*) FROM proposals GROUP BY 1").fetchall())
    return {s: int(got.get(s, 0)) for s in STATES}


def proposed_by_event(con, event_ids) -> dict[int, str]:
    """Who proposed the evidence of these events (accepted proposals), for an action's history."""
    ids = [int(e) for e in event_ids]
    if not ids:
        return {}
    rows = con.execute("""SELECT event_id, string_agg(DISTINCT proposed_by, '; ' ORDER BY proposed_by)
                          FROM proposals WHERE event_id IN (SELECT unnest(?)) GROUP BY event_id""", [ids]).fetchall()
    return {int(e): who for e, who in rows}


def done_when(con) -> dict[str, tuple[str, str]]:
    """action_id -> (criterion, basis): what counts as done, where a reviewed rule says."""
    return {a: (c, b) for a, c, b in con.execute("SELECT action_id, criterion, basis FROM done_when").fetchall()}


# --- reviewing ----------------------------------------------------------------------------

@dataclass
class Decision:
    proposal_id: int
    verdict: str  # accept, reject, duplicate
    reason: str | None = None  # why rejected (required), or a note on the review
    duplicate_of: int | None = None
    edits: dict = field(default_factory=dict)  # accept with edits: action_id, status, effective_date, note, …


VERDICTS = ("accept", "reject", "duplicate")
UPLOAD_FIELDS = ["action_id", "status", "effective_date", "note", "evidence_url", "source", "confidence", "basis",
                 "retrieved_on"]


def _pending(con, ids: list[int]) -> dict[int, dict]:
    rows = con.execute("SELECT * FROM proposals WHERE proposal_id IN (SELECT unnest(?))", [ids]).df()
    return {int(r["proposal_id"]): r for r in rows.to_dict(orient="records")}


def _check_decisions(con, decisions: list[Decision]) -> dict[int, dict]:
    ids = [d.proposal_id for d in decisions]
    if len(set(ids)) != len(ids):
        raise ProposalRefused("a proposal is decided twice in this batch")
    found = _pending(con, ids)
    bad = []
    for d in decisions:
        p = found.get(d.proposal_id)
        if p is None:
            bad.append(f"proposal #{d.proposal_id} does not exist")
        elif p["review_state"] != "pending":
            bad.append(f"proposal #{d.proposal_id} was already reviewed ({p['review_state']} by {p['reviewed_by']})")
        elif d.verdict not in VERDICTS:
            bad.append(f"proposal #{d.proposal_id}: {d.verdict!r} is not one of {', '.join(VERDICTS)}")
        elif d.verdict == "reject" and not (d.reason or "").strip():
            bad.append(f"proposal #{d.proposal_id}: say why it is rejected")
        elif d.verdict == "duplicate" and (d.duplicate_of is None or d.duplicate_of == d.proposal_id
                                           or not fetch_one(con, "SELECT 1 FROM proposals WHERE proposal_id = ?",
                                                            [d.duplicate_of])):
            bad.append(f"proposal #{d.proposal_id}: name the existing proposal it duplicates")
        elif d.reason and len(d.reason) > LIMITS["reason"]:
            bad.append(f"proposal #{d.proposal_id}: the reason has more than {LIMITS['reason']} characters")
    if bad:
        raise ProposalRefused("; ".join(bad) + ". Nothing was reviewed.")
    return found


def _row(p: dict, edits: dict) -> dict:
    """The upload row an accepted proposal becomes: its fields, with the reviewer's edits."""
    merged = {k: p.get(k) for k in UPLOAD_FIELDS}
    merged["note"] = merged["note"] or p.get("quote")
    merged.update({k: v for k, v in edits.items() if k in UPLOAD_FIELDS})
    out = {}
    for k in UPLOAD_FIELDS:
        v = merged.get(k)
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out[k] = ""
        elif isinstance(v, (date, pd.Timestamp)):
            out[k] = pd.Timestamp(v).date().isoformat()
        else:
            out[k] = str(v)
    return out


def _as_file(rows: list[dict], ids: list[int]):
    """The accepted rows as an update file, read by the same reader as an upload."""
    from .uploads import read_table
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=UPLOAD_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    name = "review queue: proposal" + ("s " if len(ids) > 1 else " ") + ", ".join(f"#{i}" for i in ids)
    return read_table(buf.getvalue().encode(), name[:200] + ".csv")


def _mark(con, d: Decision, who: str, now: datetime, upload_id=None, event_id=None) -> None:
    state = {"accept": "accepted", "reject": "rejected", "duplicate": "duplicate"}[d.verdict]
    con.execute("""UPDATE proposals SET review_state = ?, review_reason = ?, duplicate_of = ?, reviewed_by = ?,
                          reviewed_at = ?, upload_id = ?, event_id = ?
                   WHERE proposal_id = ? AND review_state = 'pending'""",
                [state, (d.reason or "").strip() or None, d.duplicate_of if d.verdict == "duplicate" else None,
                 who, now, upload_id, event_id, d.proposal_id])


def review(con, decisions: list[Decision], cred: auth.Credentials | None, *, secrets=None,
           now: datetime | None = None, archive: bool = True) -> str:
    """Apply a batch of decisions all at once or not at all. Accepted proposals become one update
    file through the import path (an upload, revertible); the rest are marked in the same transaction."""
    from .uploads import apply, validate
    who = auth.require(cred, "reviewer", "approve or reject proposed evidence", secrets).name
    if not decisions:
        return "no decisions to apply"
    now = now or datetime.now().replace(microsecond=0)
    found = _check_decisions(con, decisions)
    accepts = sorted((d for d in decisions if d.verdict == "accept"), key=lambda d: d.proposal_id)
    others = [d for d in decisions if d.verdict != "accept"]
    if not accepts:
        with transaction(con):
            for d in others:
                _mark(con, d, who, now)
        return f"{len(others)} proposals reviewed; no status changed"
    rows, groups = [], {}  # groups: (action, day) -> [decisions]; the first one's row is the event's source
    for d in accepts:
        row = _row(found[d.proposal_id], d.edits)
        key = (row["action_id"], row["effective_date"])
        if key not in groups:
            groups[key] = []
            rows.append(row)
        groups[key].append((d, row))
    table = _as_file(rows, [d.proposal_id for d in accepts])
    preview = validate(con, table, today=now.date())
    if not preview.ok:
        heads = [g[0][0].proposal_id for g in groups.values()]
        lines = [line.replace(f"row {r}", f"proposal #{heads[r - 2]}") if 2 <= r < len(heads) + 2 else line
                 for p in preview.problems for r, line in [(p.row or 0, p.describe(table.file_name))]]
        raise ProposalRefused("; ".join(lines) + ". Nothing was reviewed: edit these and accept again.")

    def mark_all(con, upload_id, first_event):
        positions = {int(r): i for i, r in enumerate(preview.change_rows["row"])}
        unchanged = latest_event_ids(con, [k[0] for k in groups])
        further = []
        for n, members in enumerate(groups.values()):
            row_no = n + 2  # the header is row 1
            event_id = first_event + positions[row_no] if row_no in positions else unchanged.get(members[0][1]["action_id"])
            for i, (d, row) in enumerate(members):
                _mark(con, d, who, now, upload_id if row_no in positions else None, event_id)
                if i:  # a further source of the same event
                    further.append({"event_id": event_id, "proposal_id": d.proposal_id, "source": row["source"] or None,
                                    "evidence_url": row["evidence_url"] or None,
                                    "retrieved_on": row["retrieved_on"] or None, "recorded_by": who, "recorded_at": now})
        add_event_sources(con, further)
        for d in others:
            _mark(con, d, who, now)

    result = apply(con, preview, cred, secrets=secrets, now=now, archive=archive, also=mark_all)
    if result.upload_id is None:  # every row matched the record already: they confirm the latest events
        with transaction(con):
            mark_all(con, None, 0)
    return (f"{len(accepts)} accepted, {len(others)} rejected or marked duplicate; "
            + (result.message if result.upload_id else "the accepted evidence matched the record already"))


def withdraw(con, origin: str, cred: auth.Credentials | None, *, secrets=None, now: datetime | None = None) -> str:
    """Whoever sent a batch (a contributor's upload, `origin` "upload:<file>") takes back what of it
    still waits: those proposals are marked withdrawn, by them, at once and all together. Nothing is
    deleted, nothing reviewed is touched, and no one may withdraw what another person sent."""
    who = auth.authorize(cred, secrets).name
    ids = batch_ids(con, origin, who)
    if not ids:
        raise ProposalRefused(f"nothing that {who} sent from {origin} waits for review: nothing was withdrawn")
    now = now or datetime.now().replace(microsecond=0)
    with transaction(con):
        con.execute("""UPDATE proposals SET review_state = 'withdrawn', review_reason = 'withdrawn by its proposer',
                              reviewed_by = ?, reviewed_at = ?
                       WHERE proposal_id IN (SELECT unnest(?)) AND review_state = 'pending' AND proposed_by = ?""",
                    [who, now, ids, who])
    return f"{len(ids)} proposals from {origin.removeprefix('upload:')} withdrawn; they will not be reviewed"


def mine(con, who: str) -> pd.DataFrame:
    """The batches this person sent that still wait (batches), newest first."""
    b = batches(con)
    return b[b["proposed_by"] == who].reset_index(drop=True)


def batches(con) -> pd.DataFrame:
    """Pending proposals by where they came from and who sent them (a contributor's upload is one
    batch): origin, proposed_by, how many, the first and last id and when sent. Newest first."""
    return con.execute("""
        SELECT origin, proposed_by, count(*) AS proposals, min(proposal_id) AS first_id, max(proposal_id) AS last_id,
               max(proposed_at) AS sent_at, string_agg(DISTINCT action_id, ', ' ORDER BY action_id) AS actions
        FROM proposals WHERE review_state = 'pending' GROUP BY origin, proposed_by
        ORDER BY sent_at DESC, origin""").df()


def batch_ids(con, origin: str, proposed_by: str) -> list[int]:
    return [r[0] for r in con.execute("""SELECT proposal_id FROM proposals WHERE review_state = 'pending'
                                         AND origin = ? AND proposed_by = ? ORDER BY proposal_id""",
                                      [origin, proposed_by]).fetchall()]


@dataclass
class PendingPreview:
    """What the record would show if every pending proposal ready to accept were accepted as it stands."""
    ready: int  # pending proposals with an action, a status and a day
    waiting: int  # pending proposals in all
    known_now: int
    known_with: int
    total: int
    changes: pd.DataFrame  # the preview's changes, in words (uploads.Preview.display_table)
    problems: list[str]


def with_pending(con, today: date | None = None) -> PendingPreview:
    """An editor's preview "with pending": the pending proposals as one update file, checked by the
    import path's rules but never applied; the status known now and as it would be."""
    from .statuses import NO_UPDATE
    from .uploads import validate
    today = today or date.today()
    pending = con.execute("""SELECT * FROM proposals WHERE review_state = 'pending' AND action_id IS NOT NULL
                             AND status IS NOT NULL AND effective_date IS NOT NULL ORDER BY proposal_id""").df()
    waiting = counts(con)["pending"]
    state = action_state(con, as_of=today)
    known = set(state.loc[state["status"] != NO_UPDATE, "action_id"])
    rows, seen = [], set()
    for p in pending.to_dict(orient="records"):
        row = _row(p, {})
        if (row["action_id"], row["effective_date"]) not in seen:
            seen.add((row["action_id"], row["effective_date"]))
            rows.append(row)
    if not rows:
        return PendingPreview(0, waiting, len(known), len(known), len(state), pd.DataFrame(), [])
    preview = validate(con, _as_file(rows, [int(i) for i in pending["proposal_id"]]), today=today)
    with_ = known | set(preview.change_rows["action_id"])
    return PendingPreview(len(pending), waiting, len(known), len(with_), len(state), preview.display_table(),
                          preview.problem_lines())


# --- reviewed proposals shipped with the project (data/proposals/) ---------------------------

SHIPPED_COLUMNS = ("candidate", "action_id", "status", "effective_date", "source", "evidence_url", "quote", "note",
                   "basis", "confidence", "retrieved_on", "review_state", "review_reason", "reviewed_by",
                   "accepted_in")


def _shipped_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in SHIPPED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ProposalRefused(f"{path.name}: row 1: missing columns: {', '.join(missing)}")
        return [{k: (v or "").strip() or None for k, v in r.items() if k in SHIPPED_COLUMNS} for r in reader]


def _day(path, n: int, col: str, value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ProposalRefused(f"{path.name}: row {n}, column {col}: {value!r} is not a date written YYYY-MM-DD") from None


def load_shipped(con, path, now: datetime | None = None) -> str:
    """A file of proposals already reviewed (data/proposals/*.csv): each candidate fact as found, with
    the review it had. Accepted ones name the data/updates file that carries them (`accepted_in`,
    applied first through the import path); they are linked to the event it recorded. Rows already
    loaded are skipped; a bad row stops the whole file, naming file, row, column and value."""
    now = now or datetime.now().replace(microsecond=0)
    origin = f"import:{path.name}"
    known = _known_actions(con)
    rows, problems_found = [], []
    for n, r in enumerate(_shipped_rows(path), start=2):
        p = Proposal(origin=origin, proposed_by=f"import: {path.name}", action_id=r["action_id"], status=r["status"],
                     effective_date=_day(path, n, "effective_date", r["effective_date"]), source=r["source"],
                     evidence_url=r["evidence_url"], quote=r["quote"], note=r["note"], basis=r["basis"],
                     confidence=r["confidence"], origin_ref=r["candidate"],
                     retrieved_on=_day(path, n, "retrieved_on", r["retrieved_on"]),
                     review_state=r["review_state"] or "pending", review_reason=r["review_reason"])
        problems_found += problems(p, known, now.date(), f"{path.name}: row {n}")
        rows.append((n, p, r))
    if problems_found:
        raise ProposalRefused("; ".join(problems_found))
    added = 0
    with transaction(con):
        for n, p, r in rows:
            if fetch_one(con, "SELECT 1 FROM proposals WHERE origin = ? AND origin_ref = ?", [origin, p.origin_ref]):
                continue
            upload_id = event_id = None
            if p.review_state == "accepted":
                found = event_of_file(con, r["accepted_in"], p.action_id, p.effective_date)
                if found is None:
                    raise ProposalRefused(f"{path.name}: row {n}, column accepted_in: {r['accepted_in']!r} recorded no "
                                          f"event for {p.action_id} on {p.effective_date}: apply it first")
                upload_id, event_id = found
            pid = fetch_one(con, "SELECT nextval('proposal_ids')")[0]
            row = asdict(p)
            row["status"] = normalise(row["status"]) if row["status"] else None
            con.execute(f"""INSERT INTO proposals (proposal_id, proposed_at, reviewed_by, reviewed_at, upload_id, event_id,
                                                   {', '.join(COLUMNS)})
                            VALUES (?, ?, ?, ?, ?, ?, {', '.join('?' for _ in COLUMNS)})""",
                        [pid, now, r["reviewed_by"] if p.review_state != "pending" else None,
                         now if p.review_state != "pending" else None, upload_id, event_id, *(row[c] for c in COLUMNS)])
            added += 1
    return f"{path.name}: {added} proposals loaded into the review queue ({len(rows) - added} there already)"
