"""Build the store from the plan documents, in place.

All loaders run first; if any fails, nothing is written. Then one transaction upserts
plans, owners and actions. Actions keep their ids, so their status history stays
attached; an action a rebuild no longer finds is marked retired, never deleted.
Status events are not touched by a build.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from loaders import PLANS_DIR, LoadedPlan, OwnerRegistry, load_all
from loaders.claims import load_claims
from loaders.done_when import load_done_when
from loaders.timing import publication_window

from .db import ROOT, registered, transaction

UPDATES_DIR = ROOT / "data" / "updates"
PROPOSALS_DIR = ROOT / "data" / "proposals"

ACTION_COLUMNS = ["action_id", "plan_id", "seq", "kind", "parent_action_id", "section", "title", "text",
                  "lead_owner_id", "owner_source", "due_date", "due_precision", "timing_text",
                  "timing_derivation", "deadline_kind", "source_file", "line_start", "line_end",
                  "repeat_lines", "title_source", "lead_basis", "content_sha256"]


@dataclass
class BuildReport:
    plans: dict[str, int] = field(default_factory=dict)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: int = 0
    updates: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{pid}: {n} actions" for pid, n in self.plans.items()]
        out.append(f"{sum(self.plans.values())} actions: {self.added} new, {self.changed} changed, "
                   f"{self.unchanged} unchanged, {self.retired} retired")
        out += self.updates
        return out


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _action_rows(loaded: LoadedPlan) -> list[dict]:
    rows = []
    for a in loaded.actions:
        row = {
            "action_id": a.action_id, "plan_id": a.plan_id, "seq": a.seq, "kind": a.kind,
            "parent_action_id": a.parent_action_id, "section": a.section, "title": a.title,
            "text": a.text, "lead_owner_id": a.lead_owner_id, "owner_source": a.owner_source,
            "due_date": a.due_date, "due_precision": a.due_precision, "timing_text": a.timing_text,
            "timing_derivation": a.timing_derivation, "deadline_kind": a.deadline_kind,
            "source_file": a.source_file, "line_start": a.line_start, "line_end": a.line_end,
            "repeat_lines": ", ".join(str(n) for n in a.repeats) or None,
            "title_source": a.title_source, "lead_basis": a.lead_basis,
        }
        owners = [a.lead_owner_id, *a.other_owner_ids]
        row["content_sha256"] = hashlib.sha256(
            json.dumps([row, owners], default=str, sort_keys=True).encode()).hexdigest()
        rows.append(row)
    return rows


def _upsert_owners(con, registry: OwnerRegistry) -> None:
    owners = pd.DataFrame([{"owner_id": o.owner_id, "name": o.name, "parent_id": o.parent_id,
                            "jurisdiction": o.jurisdiction} for o in registry.owners.values()])
    with registered(con, "incoming_owners", owners):
        con.execute("""INSERT INTO owners SELECT owner_id, name, parent_id, jurisdiction FROM incoming_owners
                       ON CONFLICT (owner_id) DO UPDATE SET name = excluded.name,
                       parent_id = excluded.parent_id, jurisdiction = excluded.jurisdiction""")


def _upsert_plan(con, lp: LoadedPlan, now: datetime) -> None:
    m = lp.meta
    start, end, precision = publication_window(str(m["published"]))
    con.execute("""
        INSERT INTO plans (plan_id, title, publisher, jurisdiction, published_text, published_start, published_end,
                           published_precision, url, url_note, source_file, seed_lines, source_sha256, loader,
                           loaded_at, published_day, published_day_source)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (plan_id) DO UPDATE SET title = excluded.title, publisher = excluded.publisher,
          jurisdiction = excluded.jurisdiction, published_text = excluded.published_text,
          published_start = excluded.published_start, published_end = excluded.published_end,
          published_precision = excluded.published_precision, url = excluded.url,
          url_note = excluded.url_note, source_file = excluded.source_file,
          seed_lines = excluded.seed_lines, source_sha256 = excluded.source_sha256,
          loader = excluded.loader, loaded_at = excluded.loaded_at,
          published_day = excluded.published_day, published_day_source = excluded.published_day_source""",
        [m["plan_id"], m["title"], m["publisher"], m["jurisdiction"],
         m.get("published_text") or str(m["published"]), start, end, precision,
         m.get("url") or None, m.get("url_note") or None, m["file"], m.get("seed_lines"),
         lp.source_sha256, m["loader"], now, m.get("published_day") or None,
         m.get("published_day_source") or None])


def _upsert_actions(con, lp: LoadedPlan, now: datetime, report: BuildReport) -> None:
    """Upsert by id (ids are stable, so history stays attached); retire what vanished, never delete."""
    plan_id = lp.meta["plan_id"]
    rows = pd.DataFrame(_action_rows(lp), columns=ACTION_COLUMNS)
    rows["due_date"] = pd.to_datetime(rows["due_date"]).dt.date
    before = dict(con.execute("SELECT action_id, content_sha256 FROM actions WHERE plan_id = ?",
                              [plan_id]).fetchall())
    for aid, digest in zip(rows["action_id"], rows["content_sha256"]):
        if aid not in before:
            report.added += 1
        elif before[aid] != digest:
            report.changed += 1
        else:
            report.unchanged += 1
    cols = ", ".join(ACTION_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in ACTION_COLUMNS if c != "action_id")
    with registered(con, "incoming_actions", rows):
        con.execute(f"""
        INSERT INTO actions ({cols}, first_loaded_at, updated_at, retired_at)
        SELECT {cols}, $now, $now, NULL FROM incoming_actions
        ON CONFLICT (action_id) DO UPDATE SET {updates},
          updated_at = CASE WHEN actions.content_sha256 = excluded.content_sha256
                            THEN actions.updated_at ELSE excluded.updated_at END,
          retired_at = NULL""", {"now": now})
        retired = con.execute("""
            UPDATE actions SET retired_at = $now
            WHERE plan_id = $plan AND retired_at IS NULL
              AND action_id NOT IN (SELECT action_id FROM incoming_actions)
            RETURNING action_id""", {"now": now, "plan": plan_id}).fetchall()
    report.retired += len(retired)


def _replace_owner_links(con, lp: LoadedPlan) -> None:
    links = pd.DataFrame(
        [{"action_id": a.action_id, "owner_id": oid, "role": "lead" if pos == 0 and a.lead_owner_id else "other",
          "position": pos}
         for a in lp.actions
         for pos, oid in enumerate([o for o in [a.lead_owner_id, *a.other_owner_ids] if o],
                                   start=0 if a.lead_owner_id else 1)],
        columns=["action_id", "owner_id", "role", "position"])
    con.execute("DELETE FROM action_owners WHERE action_id IN (SELECT action_id FROM actions WHERE plan_id = ?)",
                [lp.meta["plan_id"]])
    with registered(con, "incoming_links", links):
        con.execute("INSERT INTO action_owners SELECT action_id, owner_id, role, position FROM incoming_links")


def _replace_themes(con, lp: LoadedPlan) -> None:
    rows = pd.DataFrame(
        [{"action_id": a.action_id, "theme_id": t, "role": "primary" if k == 0 else "other", "basis": a.theme_basis}
         for a in lp.actions if a.theme for k, t in enumerate((a.theme, *a.other_themes))],
        columns=["action_id", "theme_id", "role", "basis"])
    con.execute("DELETE FROM action_themes WHERE action_id IN (SELECT action_id FROM actions WHERE plan_id = ?)",
                [lp.meta["plan_id"]])
    with registered(con, "incoming_themes", rows):
        con.execute("INSERT INTO action_themes SELECT action_id, theme_id, role, basis FROM incoming_themes")


def _upsert_theme_list(con) -> None:
    from loaders.themes import THEMES
    con.execute("DELETE FROM themes")
    con.executemany("INSERT INTO themes VALUES (?, ?, ?, ?)",
                    [[t.theme_id, t.name, t.definition, n] for n, t in enumerate(THEMES)])


def _replace_claims(con, claims: list[dict]) -> None:
    """Claims are data shipped with the plans: the file is the whole truth, so the table is replaced."""
    con.execute("DELETE FROM plan_claims")
    if claims:
        with registered(con, "incoming_claims", pd.DataFrame(claims)):
            con.execute("""INSERT INTO plan_claims BY NAME SELECT * FROM incoming_claims""")


def build(con, plans_dir: Path = PLANS_DIR, updates_dir: Path | None = UPDATES_DIR,
          now: datetime | None = None) -> BuildReport:
    """Load every plan in the manifest (and the governments' claims about them, claims.csv beside the
    manifest) into the store; then apply data/updates/*.csv."""
    now = now or now_utc()
    registry = OwnerRegistry.load()
    loaded = load_all(plans_dir, registry)  # every loader runs before anything is written
    claims = load_claims(plans_dir / "claims.csv", {lp.meta["plan_id"] for lp in loaded})
    done = load_done_when(plans_dir / "done_when.csv", {a.action_id for lp in loaded for a in lp.actions})
    report = BuildReport()
    with transaction(con):
        _upsert_owners(con, registry)
        for lp in loaded:
            _upsert_plan(con, lp, now)
            _upsert_actions(con, lp, now, report)
            _replace_owner_links(con, lp)
            _replace_themes(con, lp)
            report.plans[lp.meta["plan_id"]] = len(lp.actions)
        _replace_claims(con, claims)
        _replace_done_when(con, done)
        _upsert_theme_list(con)
    report.updates += apply_shipped_updates(con, updates_dir)
    # The reviewed proposals beside the updates folder (data/proposals/ beside data/updates/).
    report.updates += load_shipped_proposals(con, None if updates_dir is None else updates_dir.parent / "proposals")
    from .safekeeping import backup
    backup(con)
    return report


def _replace_done_when(con, rows: list[dict]) -> None:
    con.execute("DELETE FROM done_when")
    for r in rows:
        con.execute("INSERT INTO done_when VALUES (?, ?, ?)", [r["action_id"], r["criterion"], r["basis"]])


def load_shipped_proposals(con, proposals_dir: Path | None = PROPOSALS_DIR) -> list[str]:
    """Load data/proposals/*.csv (reviewed candidate facts) into the review queue, after the updates
    that carry the accepted ones."""
    if proposals_dir is None or not proposals_dir.is_dir():
        return []
    from .proposals import load_shipped
    return [load_shipped(con, path) for path in sorted(proposals_dir.glob("*.csv"))]


def apply_shipped_updates(con, updates_dir: Path | None = UPDATES_DIR) -> list[str]:
    """Apply data/updates/*.csv not yet applied (each in its own transaction, through the import path).
    `build --if-missing` runs this on an existing store too, so a first build stopped between its
    plans and its shipped evidence is finished, not left half done."""
    if updates_dir is None or not updates_dir.is_dir():
        return []
    from .uploads import apply_file_if_new
    return [apply_file_if_new(con, path, recorded_by="build (data/updates)") for path in sorted(updates_dir.glob("*.csv"))]
