"""Nothing lost even if the file is: the upload archive, rotating backups, verify, rebuild, restore.

* Every applied upload's file is archived, content-addressed by its SHA-256, beside the store
  (`archive/<sha256>.<kind>`), written whole before the change commits; every upload, revert and
  snapshot is then appended to `archive/index.jsonl`, after it commits, in the order it happened
  (so the index never names a change that did not happen; `verify` finds one that is missing).
* After every write that changes statuses or plans, the store is checkpointed and copied to
  `backups/` (the last KEEP copies are kept).
* `verify` reads the store end to end and checks that every upload it records is in the archive
  with the same checksum, and every snapshot matches its checksum.
* `rebuild` makes a new store from the plan documents and the archive, replaying it in order:
  the same status history, the same snapshots.
* `restore` puts the latest backup (or a named one) back in place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .db import backup_dir, check_readable, checkpoint, fetch_one
from .errors import InputError, StoreError

KEEP = 7
log = logging.getLogger(__name__)


def store_path(con) -> Path | None:
    """The file behind a connection (None for an in-memory database)."""
    row = fetch_one(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    return Path(row[0]) if row and row[0] else None


def archive_dir(target: Path) -> Path:
    return target.parent / "archive"


def _append(target: Path, entry: dict) -> None:
    folder = archive_dir(target)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "index.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, sort_keys=True, default=str) + "\n")


def keep_file(con, data: bytes | Path, sha256: str, kind: str) -> None:
    """Keep an uploaded file in the archive (inside the transaction that applies it). `data` is the
    file's bytes, or the file on disk it was read from (uploads.read_file): then it is copied, and
    refused if it no longer has the checksum it was checked with."""
    target = store_path(con)
    if target is None:
        return
    folder = archive_dir(target)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sha256}.{kind}"
    if not path.exists() or _sha256_of(path) != sha256:
        partial = path.with_name(path.name + ".partial")
        try:  # written whole, then renamed: a full disk never leaves a truncated file under the real name
            if isinstance(data, Path):
                _copy_checked(data, partial, sha256)
            else:
                partial.write_bytes(data)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)


def _sha256_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _copy_checked(source: Path, out: Path, sha256: str) -> None:
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(out, "wb") as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
    if digest.hexdigest() != sha256:
        raise InputError(f"{source} changed after it was checked: nothing was applied; check it again")


def log_upload(con, upload_id: int, file_name: str, sha256: str, kind: str, who: str, at: datetime) -> None:
    """Record an applied upload in the archive's index (after it committed)."""
    target = store_path(con)
    if target is not None:
        _append(target, {"op": "upload", "upload_id": upload_id, "file_name": file_name, "sha256": sha256,
                         "kind": kind, "by": who, "at": at.isoformat()})


def log_revert(con, upload_id: int, reverts: int, who: str, at: datetime) -> None:
    target = store_path(con)
    if target is not None:
        _append(target, {"op": "revert", "upload_id": upload_id, "reverts": reverts, "by": who, "at": at.isoformat()})


def log_snapshot(con, snapshot_id: str, row: list) -> None:
    target = store_path(con)
    if target is not None:
        _append(target, {"op": "snapshot", "snapshot_id": snapshot_id, "row": row})


def backup(con) -> Path | None:
    """Checkpoint, then copy the store into backups/, keeping the last KEEP copies. Runs after the
    change has committed, so a backup that cannot be written (a full disk) is logged, not raised."""
    target = store_path(con)
    if target is None or not target.exists():
        return None
    checkpoint(con)
    return copy_store(target)


def copy_store(target: Path) -> Path | None:
    """A copy of the checkpointed store file in backups/; the oldest beyond KEEP are removed."""
    folder = backup_dir(target)
    copy = folder / f"{target.stem}-{datetime.now():%Y%m%d-%H%M%S-%f}{target.suffix}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, copy)
    except OSError as e:
        copy.unlink(missing_ok=True)
        log.warning("no backup of %s was written: %s", target, e)
        return None
    for old in sorted(folder.glob(f"{target.stem}-*{target.suffix}"))[:-KEEP]:
        old.unlink()
    return copy


@dataclass
class Verification:
    tables: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(con, target: Path) -> Verification:
    """Readable end to end, every upload archived with its checksum, every snapshot intact."""
    from . import snapshots
    result = Verification(check_readable(con, target))
    folder = archive_dir(target)
    for upload_id, name, sha, kind in con.execute(
            "SELECT upload_id, file_name, sha256, file_kind FROM uploads WHERE file_kind <> 'revert' ORDER BY 1"
    ).fetchall():
        path = folder / f"{sha}.{kind}"
        if not path.exists():
            result.problems.append(f"upload #{upload_id} ({name}) is not in the archive ({path})")
        elif _sha256_of(path) != sha:
            result.problems.append(f"the archived file of upload #{upload_id} ({path}) does not match its checksum")
    result.problems += [f"snapshot {s} does not match its checksum" for s in snapshots.verify_all(con)]
    from .history import unstorable_text
    result.problems += [f"status event #{e} ({a}), {name}: holds {ch}, a character stored text may not hold "
                        "(published as U+FFFD)" for e, a, name, ch in unstorable_text(con)]
    indexed = {(e["op"], e.get("upload_id") or e.get("snapshot_id")) for e in _index_or_empty(target)}
    for upload_id, kind in con.execute("SELECT upload_id, file_kind FROM uploads ORDER BY 1").fetchall():
        if (("revert" if kind == "revert" else "upload"), upload_id) not in indexed:
            result.problems.append(f"upload #{upload_id} is not in the archive's index")
    for (sid,) in con.execute("SELECT snapshot_id FROM snapshots").fetchall():
        if ("snapshot", sid) not in indexed:
            result.problems.append(f"snapshot {sid} is not in the archive's index")
    return result


def _index_or_empty(target: Path) -> list[dict]:
    try:
        return read_index(target)
    except InputError:
        return []


def read_index(target: Path) -> list[dict]:
    path = archive_dir(target) / "index.jsonl"
    if not path.exists():
        raise InputError(f"{path}: no upload archive here, so there is nothing to rebuild from")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rebuild(source: Path, out: Path) -> dict[str, int]:
    """A new store at `out` from the plan documents and the archive of the store at `source`."""
    from . import auth
    from .build import build
    from .db import connect, transaction
    from .uploads import apply, read_table, revert, validate
    if out.exists():
        raise InputError(f"{out} exists already: rebuild writes a new file, name another")
    entries = read_index(source)
    con = connect(out)
    build(con, updates_dir=None)
    ids: dict[int, int] = {}  # upload ids in the archive -> in the new store
    counts = {"uploads": 0, "reverts": 0, "snapshots": 0}
    for e in entries:
        at = datetime.fromisoformat(e["at"]) if "at" in e else None
        if e["op"] == "upload":
            data = (archive_dir(source) / f"{e['sha256']}.{e['kind']}").read_bytes()
            preview = validate(con, read_table(data, e["file_name"]), today=at.date())
            result = apply(con, preview, auth.command_line(e["by"]), now=at, archive=False)
            ids[e["upload_id"]] = result.upload_id
            counts["uploads"] += 1
        elif e["op"] == "revert":
            revert(con, ids[e["reverts"]], auth.command_line(e["by"]), now=at, archive=False)
            counts["reverts"] += 1
        elif e["op"] == "snapshot":
            with transaction(con):
                con.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e["row"])
            counts["snapshots"] += 1
    from .build import load_shipped_proposals
    load_shipped_proposals(con)  # the reviewed queue shipped in data/proposals/ (see Backup and restore)
    con.close()
    return counts


def restore(target: Path, copy: Path | None = None) -> Path:
    """Put a backup back in place of the store (the latest, unless one is named)."""
    folder = backup_dir(target)
    copies = sorted(folder.glob(f"{target.stem}-*{target.suffix}")) if folder.exists() else []
    chosen = copy or (copies[-1] if copies else None)
    if chosen is None or not Path(chosen).exists():
        raise StoreError(f"no backup to restore in {folder}")
    if target.exists():
        damaged = target.with_name(target.name + f".damaged-{datetime.now():%Y%m%d-%H%M%S}")
        target.rename(damaged)
    wal = target.with_name(target.name + ".wal")
    if wal.exists():
        wal.rename(wal.with_name(wal.name + f".damaged-{datetime.now():%Y%m%d-%H%M%S}"))
    shutil.copy2(chosen, target)
    return Path(chosen)
