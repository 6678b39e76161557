"""Snapshots: a view and its data, frozen at creation, shareable by an unguessable link.

A snapshot stores the actions its view showed (status, owners, due dates and every field a
page uses), their status events up to its day, the plans' metadata and the view's filters,
as one canonical JSON text with its SHA-256. It is read back from that text alone, so later
uploads, rebuilds and schema migrations cannot change what it shows; the checksum proves it.
Ids are 128 random bits (22 URL-safe characters).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from . import exports, history, queries, safekeeping
from .db import fetch_one, transaction
from .errors import InputError, StoreError
from .history import DATE_COLUMNS, EVENT_COLUMNS, STATE_COLUMNS
from .statuses import COMPLETED

# 2: actions with no status event are "No update yet"; past due with no update, staleness, basis,
# claims and the minimum confidence are kept. A format-1 snapshot is shown as it was saved.
FORMAT_VERSION = 2
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
# Anyone may save a snapshot (sharing a view is what viewers do), within limits: a title of at most
# TITLE_LIMIT characters, at most QUOTA_COUNT snapshots or QUOTA_BYTES of them in the store, and (on
# the dashboard) a rate per client, limits.RateLimit.
TITLE_LIMIT = 200
QUOTA_COUNT = 2_000
QUOTA_BYTES = 500_000_000
PAGE_SIZE = 50
CLAIM_COLUMNS = ["plan_id", "claim_date", "claimed_completed", "of_total", "claimed_by", "tracker_completed",
                 "source", "evidence_url", "note", "confidence"]


class SnapshotNotFound(InputError):
    pass


class SnapshotCorrupt(StoreError):
    pass


class SnapshotRefused(InputError):
    pass


def check_quota(con, title: str) -> None:
    """Refuse a snapshot whose title is too long, or one over the store's quota."""
    if len(title) > TITLE_LIMIT:
        raise SnapshotRefused(f"a snapshot title has at most {TITLE_LIMIT} characters; this one has {len(title):,}")
    n, size = fetch_one(con, "SELECT count(*), coalesce(sum(length(payload_json)), 0) FROM snapshots")
    if n >= QUOTA_COUNT or size >= QUOTA_BYTES:
        raise SnapshotRefused(f"the tracker holds {n:,} snapshots ({size / 1e6:.0f} MB), its quota: ask an editor "
                              "to remove old ones before saving more")


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    title: str
    created_at: datetime
    created_by: str | None
    view: dict
    payload: dict
    payload_sha256: str

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.payload["as_of"])


def new_id() -> str:
    """128 random bits, URL-safe; never starting with '-', which a command line would read as an option
    (`report -Xy…` failed in about one run in 64)."""
    while True:
        sid = secrets.token_urlsafe(16)
        if sid[0] != "-":
            return sid


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def create(con, title: str, view: dict, as_of: date | None = None, created_by: str | None = None,
           filters: queries.Filters | None = None, now: datetime | None = None,
           min_confidence: str = "any") -> Snapshot:
    """Freeze what a view shows now (or as of a day) under a new random id."""
    title = " ".join((title or "").split()) or "Snapshot"
    check_quota(con, title)
    ds = history.load_dataset(con, as_of, min_confidence)
    state = ds.state if filters is None else queries.filter_actions(ds.state, filters, ds.as_of)
    events = queries.events_of(ds, state["action_id"])
    plans = ds.plans[ds.plans["plan_id"].isin(state["plan_id"])]
    now = now or datetime.now().replace(microsecond=0)
    payload = {
        "format": FORMAT_VERSION, "title": title, "created_at": now.isoformat(), "as_of": ds.as_of.isoformat(),
        "view": view, "filters": (filters or queries.Filters()).as_dict(),
        "plans": exports.records(plans[["plan_id", "title", "publisher", "jurisdiction", "published_text",
                                        "published_start", "published_precision", "url"]]),
        "actions": exports.records(state[STATE_COLUMNS]),
        "events": exports.records(events),
        "claims": exports.records(queries.claims_beside_tracker(ds, sorted(state["plan_id"].unique()))[CLAIM_COLUMNS]),
        "min_confidence": ds.min_confidence,
    }
    text = _canonical(payload)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    snapshot_id = new_id()
    row = [snapshot_id, title, now, created_by, _canonical(view), text, digest, FORMAT_VERSION]
    with transaction(con):
        con.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
    safekeeping.log_snapshot(con, snapshot_id, row)
    return Snapshot(snapshot_id, title, now, created_by, view, payload, digest)


def load(con, snapshot_id: str | None) -> Snapshot:
    """The snapshot with this id, its checksum verified; a clear error for a bad or unknown id."""
    if not snapshot_id or not ID_PATTERN.match(snapshot_id):
        raise SnapshotNotFound(f"{snapshot_id!r} is not a snapshot id: ids are 22 letters, digits, '-' or '_'. "
                               "Check that the link was copied whole.")
    row = fetch_one(con, """SELECT snapshot_id, title, created_at, created_by, view_json, payload_json, payload_sha256
                         FROM snapshots WHERE snapshot_id = ?""", [snapshot_id])
    if row is None:
        raise SnapshotNotFound(f"There is no snapshot {snapshot_id!r} in this tracker.")
    text, digest = row[5], row[6]
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
        raise SnapshotCorrupt(f"Snapshot {snapshot_id} does not match its checksum: its content has been altered.")
    return Snapshot(row[0], row[1], row[2], row[3], json.loads(row[4]), json.loads(text), digest)


def list_snapshots(con, page: int = 1, per_page: int = PAGE_SIZE) -> pd.DataFrame:
    """One page of snapshots, newest first (titles shortened: the list never sends whole payloads)."""
    return con.execute("""SELECT snapshot_id, left(title, 120) AS title, created_at, created_by,
                                 json_extract_string(payload_json, '$.as_of') AS as_of,
                                 json_array_length(json_extract(payload_json, '$.actions')) AS actions,
                                 payload_sha256
                          FROM snapshots ORDER BY created_at DESC, snapshot_id LIMIT ? OFFSET ?""",
                       [per_page, (max(page, 1) - 1) * per_page]).df()


def count_snapshots(con) -> int:
    return fetch_one(con, "SELECT count(*) FROM snapshots")[0]


def verify_all(con) -> list[str]:
    """Ids of snapshots whose content no longer matches their checksum."""
    bad = []
    for sid, text, digest in con.execute("SELECT snapshot_id, payload_json, payload_sha256 FROM snapshots").fetchall():
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
            bad.append(sid)
    return bad


def dataset(snap: Snapshot) -> history.Dataset:
    """The snapshot as a Dataset, so every page function can show it. Columns a snapshot of an older
    format lacks are empty (False for flags): it shows what it showed when it was saved."""
    state = pd.DataFrame(snap.payload["actions"], columns=STATE_COLUMNS)
    for col in DATE_COLUMNS:
        state[col] = pd.to_datetime(state[col]).dt.date
    for flag in ("overdue", "past_due_no_update", "stale"):
        state[flag] = state[flag].astype("boolean").fillna(False).astype(bool)
    events = pd.DataFrame(snap.payload["events"], columns=EVENT_COLUMNS)
    events["effective_date"] = pd.to_datetime(events["effective_date"])
    plans = pd.DataFrame(snap.payload["plans"])
    if len(plans):
        plans["published_start"] = pd.to_datetime(plans["published_start"]).dt.date
    claims = pd.DataFrame(snap.payload.get("claims", []), columns=CLAIM_COLUMNS)
    claims["claim_date"] = pd.to_datetime(claims["claim_date"]).dt.date
    return history.Dataset(state, events, snap.as_of, "snapshot", plans, claims,
                           snap.payload.get("min_confidence", "any"))


def compare(before: history.Dataset, after: history.Dataset) -> pd.DataFrame:
    """Which actions changed status, had their due date moved, became or stopped being overdue, or were
    completed between two datasets; with the note, source and evidence behind each one's state after."""
    cols = ["action_id", "plan_id", "title", "status", "overdue", "past_due_no_update", "due_date", "last_note",
            "last_source", "last_evidence_url"]
    m = before.state[cols].merge(after.state[cols], on="action_id", how="outer", suffixes=("_before", "_after"),
                                 indicator=True)
    m["plan_id"] = m["plan_id_after"].fillna(m["plan_id_before"])
    m["title"] = m["title_after"].fillna(m["title_before"])
    overdue_before = m["overdue_before"].astype("boolean").fillna(False)
    overdue_after = m["overdue_after"].astype("boolean").fillna(False)
    m["changed_status"] = (m["_merge"] == "both") & (m["status_before"] != m["status_after"])
    m["became_overdue"] = ~overdue_before & overdue_after
    m["stopped_overdue"] = overdue_before & ~overdue_after & (m["_merge"] == "both")
    due_b, due_a = pd.to_datetime(m["due_date_before"]), pd.to_datetime(m["due_date_after"])
    m["due_moved_days"] = (due_a - due_b).dt.days.where((m["_merge"] == "both") & (due_a != due_b) & due_a.notna()
                                                        & due_b.notna())
    m["past_due_no_update_after"] = m["past_due_no_update_after"].astype("boolean").fillna(False).astype(bool)
    m["completed_since"] = (m["status_after"] == COMPLETED) & (m["status_before"] != COMPLETED)
    m["only_in"] = m["_merge"].map({"left_only": "before", "right_only": "after", "both": ""}).astype(str)
    became_past_due = m["past_due_no_update_after"] & ~m["past_due_no_update_before"].astype("boolean").fillna(False)
    keep = m[m["changed_status"] | m["became_overdue"] | m["stopped_overdue"] | became_past_due
             | m["completed_since"] | m["due_moved_days"].notna() | (m["only_in"] != "")]
    keep = keep.rename(columns={"last_note_after": "note", "last_source_after": "source",
                                "last_evidence_url_after": "evidence_url"})
    return keep[["action_id", "plan_id", "title", "status_before", "status_after", "changed_status",
                 "became_overdue", "stopped_overdue", "past_due_no_update_after", "completed_since",
                 "due_date_before", "due_date_after", "due_moved_days", "note", "source", "evidence_url",
                 "only_in"]].sort_values("action_id").reset_index(drop=True)


def current_for(con, snap: Snapshot) -> history.Dataset:
    """Today's tracker, narrowed by the snapshot's own filters: the fair thing to compare it with."""
    ds = history.load_dataset(con, None, snap.payload.get("min_confidence", "any"))
    f = queries.Filters(**{k: v for k, v in snap.payload.get("filters", {}).items()})
    ds.state = queries.filter_actions(ds.state, f, ds.as_of)
    return ds
