"""Schema migrations: numbered plain functions, each recorded in `schema_migrations`
inside the same transaction that applies it, so a half-applied migration cannot exist.

Add a migration by appending a function to MIGRATIONS; never edit one that has shipped.
The store never uses UPDATE or DELETE on `status_events` or `snapshots`: those tables
are append-only, and current state is derived from them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .errors import StoreError


def m001_initial(con) -> None:
    con.execute("""
        CREATE TABLE plans (
            plan_id VARCHAR PRIMARY KEY,
            title VARCHAR NOT NULL,
            publisher VARCHAR,
            jurisdiction VARCHAR,
            published_text VARCHAR,       -- as the document prints it
            published_start DATE,         -- first day of the period the document gives
            published_end DATE,           -- last day of it
            published_precision VARCHAR,  -- day, month or year
            url VARCHAR,
            url_note VARCHAR,
            source_file VARCHAR,
            seed_lines VARCHAR,
            source_sha256 VARCHAR,
            loader VARCHAR,
            loaded_at TIMESTAMP
        )""")
    con.execute("""
        CREATE TABLE owners (
            owner_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            parent_id VARCHAR,
            jurisdiction VARCHAR
        )""")
    con.execute("""
        CREATE TABLE actions (
            action_id VARCHAR PRIMARY KEY,
            plan_id VARCHAR NOT NULL,
            seq INTEGER NOT NULL,
            kind VARCHAR,
            parent_action_id VARCHAR,
            section VARCHAR,
            title VARCHAR,
            text VARCHAR NOT NULL,
            lead_owner_id VARCHAR,        -- as the source names it; uploads may override
            owner_source VARCHAR,         -- the words the owners were read from
            due_date DATE,                -- as the source gives it; uploads may override
            due_precision VARCHAR,
            timing_text VARCHAR,
            timing_derivation VARCHAR,    -- stated, relative, none
            deadline_kind VARCHAR,        -- dated, open-ended, recurring
            source_file VARCHAR,
            line_start INTEGER,
            line_end INTEGER,
            repeat_lines VARCHAR,         -- lines where the document prints it again
            content_sha256 VARCHAR,
            first_loaded_at TIMESTAMP,
            updated_at TIMESTAMP,
            retired_at TIMESTAMP          -- set when a rebuild no longer finds it
        )""")
    con.execute("""
        CREATE TABLE action_owners (
            action_id VARCHAR NOT NULL,
            owner_id VARCHAR NOT NULL,
            role VARCHAR NOT NULL,        -- lead or other
            position INTEGER NOT NULL,
            PRIMARY KEY (action_id, owner_id)
        )""")
    con.execute("CREATE SEQUENCE upload_ids START 1")
    con.execute("""
        CREATE TABLE uploads (
            upload_id INTEGER PRIMARY KEY,
            file_name VARCHAR,
            sha256 VARCHAR NOT NULL,
            file_kind VARCHAR,
            rows_total INTEGER,
            rows_changed INTEGER,
            rows_unchanged INTEGER,
            uploaded_by VARCHAR NOT NULL,
            uploaded_at TIMESTAMP NOT NULL,
            reverts_upload_id INTEGER     -- set on an upload that undoes another
        )""")
    con.execute("CREATE SEQUENCE status_event_ids START 1")
    con.execute("""
        CREATE TABLE status_events (
            event_id BIGINT PRIMARY KEY,
            action_id VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            effective_date DATE NOT NULL,
            note VARCHAR,
            evidence_url VARCHAR,
            source VARCHAR,
            confidence VARCHAR,           -- high, medium, low
            due_date DATE,                -- a new due date, when the row changes it
            lead_owner_id VARCHAR,        -- a new lead owner, when the row changes it
            recorded_by VARCHAR NOT NULL,
            recorded_at TIMESTAMP NOT NULL,
            upload_id INTEGER,
            reverts_event_id BIGINT       -- set on an event that undoes another
        )""")
    con.execute("CREATE INDEX status_events_action ON status_events (action_id)")
    con.execute("""
        CREATE TABLE snapshots (
            snapshot_id VARCHAR PRIMARY KEY,
            title VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR,
            view_json VARCHAR NOT NULL,
            payload_json VARCHAR NOT NULL,
            payload_sha256 VARCHAR NOT NULL,
            format_version INTEGER NOT NULL
        )""")


def m002_evidence_basis_and_claims(con) -> None:
    # Whose account a status event is (the government's own, or an independent source), and
    # what governments claim about their plans as a whole, to show beside the tracker's count.
    con.execute("ALTER TABLE status_events ADD COLUMN basis VARCHAR")
    con.execute("""
        CREATE TABLE plan_claims (
            plan_id VARCHAR NOT NULL,
            claim_date DATE NOT NULL,
            claimed_completed INTEGER NOT NULL,
            of_total INTEGER NOT NULL,
            claimed_by VARCHAR NOT NULL,
            source VARCHAR,
            evidence_url VARCHAR,
            note VARCHAR,
            confidence VARCHAR,
            PRIMARY KEY (plan_id, claim_date, claimed_by)
        )""")


def m003_titles_leads_and_publication_days(con) -> None:
    # Where each title came from (reviewed, the document's heading, or a rule), how each lead was
    # read (stated, implied or plan), and the day a plan came out where only its month or year is
    # printed, with the source of that day.
    con.execute("ALTER TABLE actions ADD COLUMN title_source VARCHAR")
    con.execute("ALTER TABLE actions ADD COLUMN lead_basis VARCHAR")
    con.execute("ALTER TABLE plans ADD COLUMN published_day DATE")
    con.execute("ALTER TABLE plans ADD COLUMN published_day_source VARCHAR")


def m004_themes(con) -> None:
    # A small taxonomy of themes across plans, and each action's primary and other themes.
    con.execute("""CREATE TABLE themes (theme_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL,
                                        definition VARCHAR, position INTEGER)""")
    con.execute("""CREATE TABLE action_themes (action_id VARCHAR NOT NULL, theme_id VARCHAR NOT NULL,
                                               role VARCHAR NOT NULL, basis VARCHAR,
                                               PRIMARY KEY (action_id, theme_id))""")


def m005_events_numbered_without_a_sequence(con) -> None:
    # Events are numbered max(event_id) + 1 onwards (history.next_event_id): the sequence's nextval,
    # called once per row, was a fifth of a large upload's time. Dropped so nothing uses it by mistake.
    con.execute("DROP SEQUENCE IF EXISTS status_event_ids")


def m006_evidence_intake(con) -> None:
    # The evidence queue: proposed evidence (from watchers of official sources, the public, editors or
    # an import) that is never a status event until a reviewer accepts it; the day each event's source
    # was retrieved; further sources backing one event; and a reviewed rule per action for what counts
    # as done. Proposals are the one table whose rows change: a pending proposal is reviewed once
    # (proposals.py), and nothing else of it is ever rewritten.
    con.execute("ALTER TABLE status_events ADD COLUMN retrieved_on DATE")
    con.execute("CREATE SEQUENCE proposal_ids START 1")
    con.execute("""
        CREATE TABLE proposals (
            proposal_id INTEGER PRIMARY KEY,
            action_id VARCHAR,            -- the action it may bear on; empty: none yet
            status VARCHAR,               -- the status proposed; empty: the reviewer decides
            effective_date DATE,          -- the day the source says it happened
            source VARCHAR,               -- the source's title
            evidence_url VARCHAR,
            quote VARCHAR,                -- the source's own words
            note VARCHAR,                 -- one sentence on what happened (becomes the event's note)
            basis VARCHAR,                -- government or independent
            confidence VARCHAR,           -- high, medium, low
            origin VARCHAR NOT NULL,      -- watcher:<name>, public, editor, import:<file>
            origin_ref VARCHAR,           -- the item's id at its origin, so a source is read once
            proposed_by VARCHAR NOT NULL,
            proposed_at TIMESTAMP NOT NULL,
            retrieved_on DATE,            -- the day the source was read
            match_score DOUBLE,           -- text similarity with the action (watchers)
            match_reasons VARCHAR,        -- the words that matched, with their weights
            review_state VARCHAR NOT NULL, -- pending, accepted, rejected, duplicate
            review_reason VARCHAR,
            duplicate_of INTEGER,
            reviewed_by VARCHAR,
            reviewed_at TIMESTAMP,
            upload_id INTEGER,            -- the upload that recorded it, when accepted
            event_id BIGINT               -- the status event it backs, when accepted
        )""")
    con.execute("""
        CREATE TABLE event_sources (
            event_id BIGINT NOT NULL,     -- a further source backing this event
            proposal_id INTEGER,
            source VARCHAR,
            evidence_url VARCHAR,
            retrieved_on DATE,
            recorded_by VARCHAR NOT NULL,
            recorded_at TIMESTAMP NOT NULL
        )""")
    con.execute("""CREATE TABLE done_when (action_id VARCHAR PRIMARY KEY, criterion VARCHAR NOT NULL,
                                           basis VARCHAR NOT NULL)""")


MIGRATIONS = [
    (1, "initial schema", m001_initial),
    (2, "evidence basis and plan claims", m002_evidence_basis_and_claims),
    (3, "title sources, lead bases and publication days", m003_titles_leads_and_publication_days),
    (4, "themes", m004_themes),
    (5, "events numbered without a sequence", m005_events_numbered_without_a_sequence),
    (6, "evidence intake: proposals, retrieval days, further sources, done-when", m006_evidence_intake),
]
LATEST = MIGRATIONS[-1][0]


def applied(con) -> list[int]:
    con.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
                       version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)""")
    return [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]


def _newer(version: int) -> StoreError:
    return StoreError(f"the database has schema version {version}, newer than this code ({LATEST}): "
                      "update the code (git pull) before opening it")


def check_not_newer(con) -> None:
    try:
        rows = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[0]
    except Exception:  # a store made before schema_migrations existed: nothing to compare
        return
    if rows and rows[0] and rows[0] > LATEST:
        raise _newer(rows[0])


def migrate(con, upto: int | None = None) -> list[int]:
    """Apply pending migrations in order, each in its own transaction. Returns those applied."""
    done = set(applied(con))
    if done and max(done) > LATEST:
        raise _newer(max(done))
    ran = []
    for version, name, fn in MIGRATIONS:
        if version in done or (upto is not None and version > upto):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            fn(con)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [version, name, datetime.now(UTC).replace(tzinfo=None)])
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        ran.append(version)
    return ran
