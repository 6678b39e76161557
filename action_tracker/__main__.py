"""The command line: `python -m action_tracker COMMAND`.

    build [--if-missing]            create or update the store from data/plans/
    export --format csv|json        every action (or --what history: every status event)
    template [--format csv|xlsx]    the update template: every action and its current state
    import FILE [--dry-run]         apply an update file, exactly as the Updates page does
    revert UPLOAD_ID                undo an upload with new events
    uploads                         list uploads
    snapshot create|list|verify     frozen, shareable views
    verify                          read the store end to end; check the upload archive
    rebuild --out F                 a new store from the plan documents and the upload archive
    restore [--backup F]            put the latest backup back in place
    publish OUT [--as-of D]         the public edition: a static site (pages, open data, feeds);
                                    --suggest-url: the dashboard's Suggest evidence page
    watch [SOURCE ...] [--since D]  ask official sources for new items; matches wait in the review queue
    queue [--state S]               the review queue: pending (or other) proposals, newest first
    report SNAPSHOT_ID --out F      a self-contained HTML report of a snapshot
    hash-password                   a salted scrypt hash of a password (stdin), for the roster
    editors                         check the roster (data/editors.toml): each person's role and scope
    settings                        the settings this process reads (ACTION_TRACKER_* variables)
    convert-evidence SRC --out F    status facts that name actions by a quote (../shared/evidence/)
                                    -> a file in the upload format, with the basis of each fact;
                                    how data/updates/*.csv were made (see the README)

Exit codes (errors.py): 0 done (or nothing to do); 1 the input has problems (each listed on
stderr, nothing written); 2 usage error; 3 the store is busy or unusable.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import duckdb

from . import auth, exports, memory, settings
from .db import connect, db_path
from .errors import EXIT_INPUT, EXIT_OK, EXIT_STORE, EXIT_USAGE, TrackerError


def _out(data: bytes, out: str | None) -> None:
    if out and out != "-":
        Path(out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def cmd_build(args) -> int:
    from loaders import LoaderError

    from .build import apply_shipped_updates, build, load_shipped_proposals
    from .uploads import UploadRejected
    target = db_path(args.db)
    if args.if_missing and target.exists():
        con = connect(target, wait=args.wait)
        shipped = con.execute("SELECT count(*) FROM uploads WHERE uploaded_by = 'build (data/updates)'").fetchall()
        if shipped[0][0] == 0:  # a first build stopped after its plans: finish it
            for line in apply_shipped_updates(con) + load_shipped_proposals(con):
                print(line)
        print(f"{target} exists; not rebuilding (run `build` without --if-missing to update it)")
        return EXIT_OK
    con = connect(target, wait=args.wait)
    try:
        report = build(con)
    except (LoaderError, UploadRejected) as e:
        print(f"build failed: {e}", file=sys.stderr)
        return EXIT_INPUT
    print(f"{target}:")
    print("\n".join("  " + line for line in report.lines()))
    return EXIT_OK


def cmd_export(args) -> int:
    con = connect(args.db, read_only=True, wait=args.wait)
    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    df = exports.actions_frame(con, as_of) if args.what == "actions" else exports.history_frame(con)
    _out(exports.to_csv(df) if args.format == "csv" else exports.to_json(df), args.out)
    return EXIT_OK


def cmd_template(args) -> int:
    df = exports.template(connect(args.db, read_only=True, wait=args.wait))
    _out(exports.to_csv(df, bom=True) if args.format == "csv" else exports.to_xlsx(df), args.out)
    return EXIT_OK


def cmd_import(args) -> int:
    from .uploads import UploadRejected, import_file
    con = connect(args.db, wait=args.wait)
    try:
        preview, result = import_file(con, Path(args.file), auth.command_line(args.by), dry_run=args.dry_run)
    except FileNotFoundError:
        print(f"{args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
    except UploadRejected as e:
        for p in e.problems:
            print(p.describe(e.file_name), file=sys.stderr)
        return EXIT_INPUT
    for note in preview.table.notes:
        print(f"note: {note}")
    if not preview.ok:
        print("\n".join(preview.problem_lines()), file=sys.stderr)
        print(f"{len(preview.problems)} problems; nothing was applied", file=sys.stderr)
        return EXIT_INPUT
    if args.dry_run:
        print(f"dry run: {len(preview.changes)} rows would change the tracker, {len(preview.unchanged)} would not")
        if preview.already_applied:
            print(f"this file was already applied as upload #{preview.already_applied}")
        for c in preview.changes:
            print(f"  row {c.row}: {c.action_id} {c.status_from} -> {c.status_to} ({c.effective_date})")
        return EXIT_OK
    print(result.message)
    return EXIT_OK


def cmd_revert(args) -> int:
    from .uploads import revert
    print(revert(connect(args.db, wait=args.wait), args.upload_id, auth.command_line(args.by)).message)
    return EXIT_OK


def cmd_uploads(args) -> int:
    from .uploads import list_uploads
    df = list_uploads(connect(args.db, read_only=True, wait=args.wait))
    print(df.to_string(index=False) if len(df) else "no uploads yet")
    return EXIT_OK


def cmd_snapshot(args) -> int:
    from . import snapshots
    if args.action == "create":
        con = connect(args.db, wait=args.wait)
        snap = snapshots.create(con, title=args.title, view={"page": "explorer", "filters": {}},
                                as_of=date.fromisoformat(args.as_of) if args.as_of else None,
                                created_by=args.by or "command line")
        print(snap.snapshot_id)
    elif args.action == "list":
        con = connect(args.db, read_only=True, wait=args.wait)
        df = snapshots.list_snapshots(con)
        print(df.to_string(index=False) if len(df) else "no snapshots yet")
    else:
        con = connect(args.db, read_only=True, wait=args.wait)
        bad = snapshots.verify_all(con)
        print("every snapshot matches its checksum" if not bad else "checksum mismatch: " + ", ".join(bad))
        return EXIT_OK if not bad else EXIT_INPUT
    return EXIT_OK


def cmd_report(args) -> int:
    from . import report, snapshots
    snap = snapshots.load(connect(args.db, read_only=True, wait=args.wait), args.snapshot_id)
    _out(report.html_report(snap).encode("utf-8"), args.out)
    return EXIT_OK


def cmd_verify(args) -> int:
    from .safekeeping import verify
    target = db_path(args.db)
    result = verify(connect(target, read_only=True, wait=args.wait), target)
    for table, n in result.tables.items():
        print(f"  {table}: {n:,} rows read")
    for p in result.problems:
        print(p, file=sys.stderr)
    print(f"{target}: readable end to end; " + ("every upload archived and every snapshot intact" if result.ok
                                               else f"{len(result.problems)} problems"))
    return EXIT_OK if result.ok else EXIT_INPUT


def cmd_rebuild(args) -> int:
    from .safekeeping import rebuild
    counts = rebuild(db_path(args.db), Path(args.out))
    print(f"{args.out}: rebuilt from the plan documents and the archive: {counts['uploads']} uploads, "
          f"{counts['reverts']} reverts, {counts['snapshots']} snapshots replayed")
    return EXIT_OK


def cmd_restore(args) -> int:
    from .safekeeping import restore
    target = db_path(args.db)
    used = restore(target, Path(args.backup) if args.backup else None)
    print(f"{target}: restored from {used} (the damaged file was kept beside it)")
    return EXIT_OK


def cmd_publish(args) -> int:
    from .publish import publish
    counts = publish(connect(args.db, read_only=True, wait=args.wait), Path(args.out),
                     as_of=date.fromisoformat(args.as_of) if args.as_of else None, base_url=args.base_url or "",
                     suggest_url=args.suggest_url or "")
    print(f"{args.out}: {counts['files']} files, {counts['actions']} actions; preview with "
          f"`python -m http.server -d {args.out}`")
    return EXIT_OK


def cmd_watch(args) -> int:
    from . import watchers
    since = date.fromisoformat(args.since) if args.since else None
    reports = watchers.watch(connect(args.db, wait=args.wait), args.sources, since, fetcher=watchers.fetch)
    for r in reports:
        print(r.line(), file=sys.stderr if r.error else sys.stdout)
    return EXIT_INPUT if any(r.error for r in reports) else EXIT_OK


def cmd_queue(args) -> int:
    from .proposals import counts, queue
    con = connect(args.db, read_only=True, wait=args.wait)
    q = queue(con, (args.state,))
    def text(v, empty=""):
        return v if isinstance(v, str) and v else empty
    for r in q.itertuples():
        print(" · ".join(p for p in (f"#{r.proposal_id} [{r.review_state}] {text(r.action_id, '(no action yet)')}",
                                     text(r.source) or text(r.evidence_url), f"from {r.proposed_by}",
                                     text(r.review_reason) or text(r.match_reasons)) if p))
    print(", ".join(f"{n} {s}" for s, n in counts(con).items()))
    return EXIT_OK


def cmd_convert_evidence(args) -> int:
    from .evidence import convert
    n = convert(connect(args.db, read_only=True, wait=args.wait), Path(args.source), Path(args.out))
    print(f"wrote {n} rows to {args.out}")
    return EXIT_OK


def cmd_hash_password(args) -> int:
    """Read a password (asked twice on a terminal, else one line of standard input) and print its hash."""
    import getpass
    if sys.stdin.isatty():
        first, second = getpass.getpass("Password: "), getpass.getpass("Again: ")
        if first != second:
            print("the two passwords differ; nothing printed", file=sys.stderr)
            return EXIT_INPUT
    else:
        first = sys.stdin.readline().rstrip("\n")
    print(auth.hash_password(first))
    return EXIT_OK


def cmd_editors(args) -> int:
    """The roster, checked: each person's role and scope (how many actions), never a password."""
    con = connect(args.db, read_only=True, wait=args.wait)
    people = auth.roster()
    for p in people.values():
        editor = auth.Editor(p.identity, p.role, p.bodies)
        sc = auth.scope(con, editor)
        print(f"{p.identity}: {p.role}" + (f" for {', '.join(p.bodies)} ({len(sc)} actions)" if sc is not None else "")
              + (" · password sign-in" if p.password_hash else ""))
    print(f"{len(people)} people on the roster ({settings.current().editors_file})")
    return EXIT_OK


def cmd_settings(args) -> int:
    """This process's settings, as the dashboard would read them (editors' hashes shown as hashes)."""
    for name, value in vars(settings.current()).items():
        print(f"{name} = {value!r}")
    return EXIT_OK


def _people_commands(sub) -> None:
    sub.add_parser("hash-password", help="print a salted scrypt hash of a password, for the roster"
                   ).set_defaults(fn=cmd_hash_password)
    sub.add_parser("editors", help="check the roster (data/editors.toml): roles and scopes").set_defaults(fn=cmd_editors)
    sub.add_parser("settings", help="the settings this process reads from its environment").set_defaults(fn=cmd_settings)


def _evidence_commands(sub) -> None:
    w = sub.add_parser("watch", help="ask official sources for new items; matches wait in the review queue")
    w.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="federal-register, gov-uk, eu-commission, au-industry (default: all)")
    w.add_argument("--since", help="YYYY-MM-DD: items published from this day (default: 30 days ago)")
    w.set_defaults(fn=cmd_watch)
    qu = sub.add_parser("queue", help="the review queue, newest first")
    qu.add_argument("--state", choices=["pending", "accepted", "rejected", "duplicate"], default="pending")
    qu.set_defaults(fn=cmd_queue)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m action_tracker", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help="database file (default: $ACTION_TRACKER_DB or data/tracker.duckdb)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="if another process holds the file, keep trying this long (default: fail at once)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="create or update the store from the plan documents")
    b.add_argument("--if-missing", action="store_true", help="do nothing if the database exists")
    b.set_defaults(fn=cmd_build)
    e = sub.add_parser("export", help="write every action (or every status event) as CSV or JSON")
    e.add_argument("--format", choices=["csv", "json"], default="csv")
    e.add_argument("--what", choices=["actions", "history"], default="actions")
    e.add_argument("--as-of", help="YYYY-MM-DD: statuses as they stood that day")
    e.add_argument("--out", help="file to write (default: standard output)")
    e.set_defaults(fn=cmd_export)
    t = sub.add_parser("template", help="the update template")
    t.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    t.add_argument("--out")
    t.set_defaults(fn=cmd_template)
    i = sub.add_parser("import", help="apply an update file (CSV or .xlsx)")
    i.add_argument("file")
    i.add_argument("--dry-run", action="store_true", help="validate and show the changes; write nothing")
    i.add_argument("--by", help="who is making the change (default: $USER)")
    i.set_defaults(fn=cmd_import)
    r = sub.add_parser("revert", help="undo an upload")
    r.add_argument("upload_id", type=int)
    r.add_argument("--by")
    r.set_defaults(fn=cmd_revert)
    sub.add_parser("uploads", help="list uploads").set_defaults(fn=cmd_uploads)
    s = sub.add_parser("snapshot", help="create, list or verify snapshots")
    s.add_argument("action", choices=["create", "list", "verify"])
    s.add_argument("--title", default="Snapshot")
    s.add_argument("--as-of")
    s.add_argument("--by")
    s.set_defaults(fn=cmd_snapshot)
    rp = sub.add_parser("report", help="self-contained HTML report of a snapshot")
    rp.add_argument("snapshot_id")
    rp.add_argument("--out")
    rp.set_defaults(fn=cmd_report)
    sub.add_parser("verify", help="read the store end to end; check the upload archive and snapshots"
                   ).set_defaults(fn=cmd_verify)
    rb = sub.add_parser("rebuild", help="a new store from the plan documents and the upload archive")
    rb.add_argument("--out", required=True, help="the new store's file (must not exist)")
    rb.set_defaults(fn=cmd_rebuild)
    rs = sub.add_parser("restore", help="put the latest backup (or --backup FILE) back in place")
    rs.add_argument("--backup", help="a file in backups/ (default: the latest)")
    rs.set_defaults(fn=cmd_restore)
    pb = sub.add_parser("publish", help="the public edition: a static site any host can serve")
    pb.add_argument("out", help="the folder to write (empty, or a site published before)")
    pb.add_argument("--as-of", help="YYYY-MM-DD: the tracker as it stood that day")
    pb.add_argument("--base-url", help="where the site will be served (for the feeds' absolute links)")
    pb.add_argument("--suggest-url", help="the dashboard's Suggest evidence page (http(s)); each action page links to it")
    pb.set_defaults(fn=cmd_publish)
    _evidence_commands(sub)
    _people_commands(sub)
    c = sub.add_parser("convert-evidence", help="quote-based status facts -> upload format")
    c.add_argument("source")
    c.add_argument("--out", required=True)
    c.set_defaults(fn=cmd_convert_evidence)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    memory.give_back_freed_memory()  # an import's freed columns go back to the system (memory.py)
    try:
        return args.fn(args)
    except TrackerError as e:  # each kind of error knows its exit code (errors.py)
        print(str(e), file=sys.stderr)
        return e.exit_code
    except duckdb.Error as e:  # damage found while reading, past connect()
        from .db import damaged
        print(str(damaged(db_path(args.db), e)), file=sys.stderr)
        return EXIT_STORE


if __name__ == "__main__":
    sys.exit(main())
