"""Damaged storage, full disks, backups, the upload archive, rebuild, verify, restore, limits."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime

import pytest

from action_tracker import history, safekeeping, snapshots
from action_tracker.__main__ import main
from action_tracker.build import build
from action_tracker.db import StoreError, connect
from action_tracker.limits import RateLimit, SignInThrottle

from .conftest import ROOT, shipped_event_rows, table_counts, upload

UPDATE = "action_id,status,effective_date,note\nUK-R01,Completed,2025-07-17,Compute Roadmap published\n"


@pytest.fixture
def store(tmp_path):
    """A store built as `make run` builds it (plans and shipped evidence), in its own folder."""
    path = tmp_path / "store" / "tracker.duckdb"
    path.parent.mkdir()
    con = connect(path)
    build(con)
    con.close()
    return path


def damage(path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated to half":
        path.write_bytes(bytes(data[:len(data) // 2]))
    elif how == "header overwritten":
        path.write_bytes(os.urandom(4096) + bytes(data[4096:]))
    elif how == "a block overwritten":
        path.write_bytes(bytes(data[:4096]) + os.urandom(8192) + bytes(data[12288:]))


@pytest.mark.parametrize("how", ["truncated to half", "header overwritten", "a block overwritten"])
def test_every_kind_of_damage_gets_the_same_clear_message(store, how, capsys):
    damage(store, how)
    assert main(["--db", str(store), "verify"]) == 3
    err = capsys.readouterr().err
    assert f"{store} cannot be opened: the file looks damaged" in err and "restore" in err
    assert "Traceback" not in err
    assert main(["--db", str(store), "export"]) == 3


def test_a_lost_wal_loses_nothing_committed(store):
    con = connect(store)
    upload(con, UPDATE)
    con.close()
    wal = store.with_name(store.name + ".wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed after the write
    wal.write_bytes(os.urandom(512))  # then garbage where the log would be
    try:
        con = connect(store, read_only=True)
    except StoreError as e:  # refused with the one clear message ...
        assert "looks damaged" in str(e)
        wal.unlink()  # ... and with the log gone, everything committed is still there
        con = connect(store, read_only=True)
    state = history.action_state(con).set_index("action_id")
    assert state.loc["UK-R01", "status"] == "Completed" and state.loc["UK-R01", "last_note"] == "Compute Roadmap published"


def test_a_newer_schema_exits_3_with_its_message(store, capsys):
    con = connect(store)
    con.execute("INSERT INTO schema_migrations VALUES (99, 'from the future', now())")
    con.close()
    assert main(["--db", str(store), "uploads"]) == 3
    assert "newer than this code" in capsys.readouterr().err
    with pytest.raises(StoreError, match="newer than this code"):
        connect(store, read_only=True)


def test_a_full_disk_during_apply_stores_nothing_and_the_next_apply_works(store, tmp_path):
    # A file-size limit (RLIMIT_FSIZE) in a child process stands in for a full disk: every write past
    # it fails with EFBIG, as a full disk fails with ENOSPC, with no root and no mount needed.
    big = tmp_path / "big.csv"
    con = connect(store)
    ids = [r[0] for r in con.execute("SELECT action_id FROM actions").fetchall()]
    before = table_counts(con)
    con.close()
    big.write_text("action_id,status,effective_date,note\n" + "".join(
        f"{a},In progress,2026-01-01,{'evidence ' * 40}\n" for a in ids), encoding="utf-8")
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))
        from action_tracker.__main__ import main
        sys.exit(main(["--db", {str(store)!r}, "import", {str(big)!r}]))""")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 3, run.stderr
    assert "could not be written" in run.stderr and "nothing was stored" in run.stderr
    assert "Traceback" not in run.stderr
    con = connect(store)
    assert table_counts(con) == before
    con.close()
    assert main(["--db", str(store), "import", str(big)]) == 0  # room again: it goes through
    con = connect(store, read_only=True)
    assert table_counts(con)["status_events"] == before["status_events"] + len(ids)
    shas = [p.name.split(".")[0] for p in (store.parent / "archive").glob("*.csv")]
    assert all(len(s) == 64 for s in shas)  # no partial file left under a real name
    assert safekeeping.verify(con, store).ok


def test_backups_rotate_and_restore_brings_the_store_back(store, capsys):
    con = connect(store)
    for n in range(9):
        upload(con, f"action_id,status,effective_date,note\nUK-R0{n + 1},In progress,2025-06-0{n + 1},step {n}\n",
               f"u{n}.csv")
    con.close()
    copies = sorted((store.parent / "backups").glob("tracker-*.duckdb"))
    assert len(copies) == safekeeping.KEEP
    damage(store, "header overwritten")
    assert main(["--db", str(store), "verify"]) == 3
    assert main(["--db", str(store), "restore"]) == 0
    assert "restored from" in capsys.readouterr().out
    assert list(store.parent.glob("tracker.duckdb.damaged-*"))  # the damaged file is kept, not deleted
    assert main(["--db", str(store), "verify"]) == 0
    con = connect(store, read_only=True)
    # The last of the nine uploads is back (UK-R09 has later shipped evidence, so it is in its history).
    assert "step 8" in set(history.action_history(con, "UK-R09")["note"])


def test_rebuild_from_the_archive_gives_the_same_history_and_snapshots(store, tmp_path, capsys):
    con = connect(store)
    first = upload(con, UPDATE)
    upload(con, "action_id,status,effective_date,basis\nUK-R02,Blocked,2025-05-01,independent\n", "b.csv")
    from action_tracker import auth
    from action_tracker.uploads import revert
    revert(con, first.upload_id, auth.command_line("tester"), now=datetime(2026, 1, 2, 10, 0))
    snap = snapshots.create(con, "Before the rebuild", {"page": "overview"})
    history_before = history.history_frame(con)
    con.close()
    assert main(["--db", str(store), "verify"]) == 0

    out = store.parent / "rebuilt.duckdb"
    assert main(["--db", str(store), "rebuild", "--out", str(out)]) == 0
    shipped = len(list((ROOT / "data" / "updates").glob("*.csv")))  # data/updates/*.csv are uploads too
    assert f"{shipped + 2} uploads, 1 reverts, 1 snapshots replayed" in capsys.readouterr().out
    con = connect(out, read_only=True)
    after = history.history_frame(con)
    cols = ["event_id", "action_id", "status", "effective_date", "note", "source", "confidence", "basis",
            "recorded_by", "recorded_at", "upload_id", "reverts_event_id", "reverted"]
    assert after[cols].equals(history_before[cols])
    again = snapshots.load(con, snap.snapshot_id)
    assert again.payload_sha256 == snap.payload_sha256 and snapshots.verify_all(con) == []


def test_verify_finds_an_archived_file_that_changed(store, capsys):
    con = connect(store)
    upload(con, UPDATE)
    con.close()
    archived = next((store.parent / "archive").glob("*.csv"))
    archived.write_bytes(archived.read_bytes() + b"tampered\n")
    assert main(["--db", str(store), "verify"]) == 1
    assert "does not match its checksum" in capsys.readouterr().err


def test_verify_lists_status_events_whose_text_an_older_release_let_in(store, capsys):
    from .small import add_event
    con = connect(store)
    upload(con, UPDATE)
    event = add_event(con, "UK-R01", "In progress", "2026-01-06", note="bad \uffff text")
    con.close()
    assert main(["--db", str(store), "verify"]) == 1
    assert f"status event #{event} (UK-R01), note: holds U+FFFF" in capsys.readouterr().err


def test_an_imported_file_is_archived_from_disk_as_it_was_checked(store, tmp_path):
    from action_tracker import auth, errors
    from action_tracker.uploads import apply, read_file, validate
    path = tmp_path / "u.csv"
    path.write_text(UPDATE, encoding="utf-8")
    con = connect(store)
    before, archived = table_counts(con), sorted((store.parent / "archive").iterdir())
    table = read_file(path)
    assert table.data == b"" and table.content == path  # the bytes are not held: the file is there
    preview = validate(con, table)
    path.write_text(UPDATE.replace("Completed", "Cancelled"), encoding="utf-8")  # changed after the check
    with pytest.raises(errors.InputError, match="changed after it was checked"):
        apply(con, preview, auth.command_line("test"))
    assert table_counts(con) == before and sorted((store.parent / "archive").iterdir()) == archived
    path.write_text(UPDATE, encoding="utf-8")  # as it was checked: it goes through, archived byte for byte
    apply(con, preview, auth.command_line("test"))
    assert (store.parent / "archive" / f"{table.sha256}.csv").read_bytes() == UPDATE.encode()
    assert safekeeping.verify(con, store).ok
    con.close()


def test_build_if_missing_finishes_a_first_build_stopped_before_its_evidence(tmp_path, capsys):
    path = tmp_path / "t.duckdb"
    con = connect(path)
    build(con, updates_dir=None)  # killed between the plans and the shipped evidence
    con.close()
    assert main(["--db", str(path), "build", "--if-missing"]) == 0
    assert "changes recorded" in capsys.readouterr().out
    con = connect(path, read_only=True)
    assert con.execute("SELECT count(*) FROM status_events").fetchone()[0] == shipped_event_rows()
    con.close()
    assert main(["--db", str(path), "build", "--if-missing"]) == 0  # finished: nothing more to do
    assert "changes recorded" not in capsys.readouterr().out


def test_sign_in_throttle_grows_and_clears():
    now = [0.0]
    t = SignInThrottle(free=3, base=30, cap=900, clock=lambda: now[0])
    keys = ("editor:alice", "client:10.0.0.1")
    for _ in range(2):
        t.failed(*keys)
        assert t.wait(*keys) == 0
    t.failed(*keys)
    assert t.wait(*keys) == 30  # third failure: locked out for 30 s
    t.failed(*keys)
    assert t.wait(*keys) == 60  # growing
    assert t.wait("client:10.0.0.1") == 60 and t.wait("editor:bob", "client:10.0.0.2") == 0
    for _ in range(10):
        t.failed(*keys)
    assert t.wait(*keys) == 900  # capped
    now[0] += 901
    assert t.wait(*keys) == 0
    t.succeeded(*keys)
    t.failed(*keys)
    assert t.wait(*keys) == 0  # a success starts the count again


def test_snapshot_saves_are_rate_limited_and_quota_bound(store, monkeypatch):
    now = [0.0]
    rate = RateLimit(count=5, seconds=600, clock=lambda: now[0])
    assert all(rate.allow("client") for _ in range(5)) and not rate.allow("client") and rate.allow("other")
    now[0] += 601
    assert rate.allow("client")
    con = connect(store)
    with pytest.raises(snapshots.SnapshotRefused, match="at most 200 characters"):
        snapshots.create(con, "x" * 2_000_000, {"page": "overview"})
    monkeypatch.setattr(snapshots, "QUOTA_COUNT", 2)
    snapshots.create(con, "one", {"page": "overview"})
    snapshots.create(con, "two", {"page": "overview"})
    with pytest.raises(snapshots.SnapshotRefused, match="quota"):
        snapshots.create(con, "three", {"page": "overview"})
    assert snapshots.count_snapshots(con) == 2 and len(snapshots.list_snapshots(con, 1, per_page=1)) == 1
