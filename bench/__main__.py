"""`make bench`: speed and memory at three scales, each next to a baseline from the same run.

    python -m bench [--scales seed,20k,200k] [--imports 10000,100000,1000000] [--repeat 5]
                    [--browser-repeat 9] [--no-browser] [--no-lighthouse] [--out bench/results]

Writes bench/results/bench-<time>.json and prints (and writes) a readable table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from action_tracker import history, page_data, queries, svg_charts
from action_tracker.build import build
from action_tracker.db import connect
from tests.browser import STATUS_MIX, THEME_MATRIX

from . import load, synth
from .load import peak_mb, server_pid

ROOT = Path(__file__).resolve().parent.parent

SCALES = {"seed": None, "tiny": (300, 3_000), "20k": (20_000, 200_000), "200k": (200_000, 2_000_000)}
PAGE_NAMES = ("overview", "timeline", "completion", "owners", "compare", "explorer")
TARGET_PAGE_MS = 50  # at 20k actions; 150 at 200k
TARGET_REFRESH_MS = 500  # the data load after an upload, at 200k
TARGET_IMPORT_RATIO = 2.0
TARGET_LOAD_RATIO = 1.3
TARGET_PUBLIC_PAGE_BYTES = 200_000  # every public page in all, at 20,000 actions too (issue 30)
TARGET_CPU_RATIO = load.TARGET_CPU_RATIO  # beside the load benchmark that reports against it


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def page_work(con, ds: history.Dataset) -> dict:
    """What each page computes on a cache miss (page_data, as web.cached calls it): its queries, and
    apart, its figures. A reader's run after that only draws (bench/load.py measures that)."""
    f = queries.Filters()
    some_id = ds.state["action_id"].iloc[len(ds.state) // 2]
    rows = {}

    def timeline_q():
        shown = page_data.timeline_shown(ds, f, "plan", False, 1, 50)
        rows["shown"], rows["ticks"] = shown, queries.events_of(ds, shown["action_id"])

    def completion_q():  # the first view of the data: its pass over every event came with the load
        rows["curve"] = queries.completion_over_time(ds)

    def owners_q():
        rows["card"] = queries.owner_scorecard(ds.state, "lead")

    return {
        "overview": (lambda: (page_data.overview(ds, f, ""), history.last_status_change(con)), None),
        "timeline": (timeline_q, lambda: svg_charts.gantt_svg(rows["shown"], ds.as_of, rows["ticks"])),
        "completion": (completion_q, lambda: svg_charts.completion_lines_svg(rows["curve"], "count")),
        "owners": (owners_q, lambda: svg_charts.owner_bars_svg(rows["card"])),
        "compare": (lambda: (page_data.compare_matrix(ds, f, ""), page_data.compare_theme(ds, f, "regulation", "", "")),
                    None),
        "explorer": (lambda: (page_data.explorer(ds, queries.Filters(search="data centres", due="overdue")),
                              page_data.action(ds, some_id), history.action_history(con, some_id)), None),
    }


def refresh_after_write(db: Path, rows: int = 100, repeat: int = 3) -> dict:
    """The dashboard's data load after an upload of `rows` status updates (applied through the import
    path, on a copy of the store): the changed actions read again (history.refresh_dataset), next to
    reading everything again. Medians of `repeat` uploads, each on a fresh copy."""
    runs = [_refresh_once(db, rows) for _ in range(max(1, repeat))]
    out = {k: statistics.median(r[k] for r in runs) for k in ("refresh_ms", "full_load_ms", "completion_after_upload_ms")}
    return {**out, "rows": rows, "refresh_matches_full_load": all(r["refresh_matches_full_load"] for r in runs)}


def _refresh_once(db: Path, rows: int) -> dict:
    from action_tracker import auth
    from action_tracker.uploads import apply, read_table, validate
    work = Path(tempfile.mkdtemp(prefix="refresh-"))
    copy = work / "copy.duckdb"
    shutil.copy(db, copy)
    con = connect(copy)
    before, ds = history.data_version(con), history.load_dataset(con)
    queries.completion_over_time(ds)  # a reader has opened completion: its pass over all events is kept
    n = len(ds.state)
    file = synth.write_update_file(work / "upload.csv", rows, n)
    # the synthetic store's ids are A0000000…; the seed's are the plans' own: use those
    ids = list(ds.state["action_id"][:: max(1, n // rows)][:rows])  # spread over the store
    lines = file.read_text(encoding="utf-8").splitlines()
    file.write_text("\n".join([lines[0]] + [f"{ids[i % len(ids)]},{line.split(',', 1)[1]}"
                                             for i, line in enumerate(lines[1:])]) + "\n", encoding="utf-8")
    preview = validate(con, read_table(file.read_bytes(), file.name))
    if not preview.ok:
        raise RuntimeError("\n".join(preview.problem_lines()))
    apply(con, preview, auth.command_line("bench"))
    after = history.data_version(con)
    t0 = time.perf_counter()
    fresh = history.refresh_dataset(con, ds, before, after)
    refresh = time.perf_counter() - t0
    t0 = time.perf_counter()
    queries.completion_over_time(fresh)
    completion_after = time.perf_counter() - t0
    t0 = time.perf_counter()
    full = history.load_dataset(con)
    reload = time.perf_counter() - t0
    if fresh is None:
        raise RuntimeError("refresh_dataset fell back to reading everything after a small upload")
    same = fresh.state.equals(full.state)
    con.close()
    shutil.rmtree(work, ignore_errors=True)
    return {"refresh_ms": refresh * 1000, "full_load_ms": reload * 1000,
            "completion_after_upload_ms": completion_after * 1000,
            "refresh_matches_full_load": bool(same and fresh.events.equals(full.events))}


def bench_pages(db: Path, repeat: int) -> dict:
    con = connect(db)
    out = {"data_load_ms": median_ms(lambda: history.load_dataset(con), repeat)}
    ds = history.load_dataset(con)
    # the part of the load that is completion's pass over every event (history.completion_deltas)
    out["completion_pass_ms"] = median_ms(lambda: history.completion_deltas(con, ds.as_of), repeat)
    out["actions"] = len(ds.state)
    out["events"] = con.execute("SELECT count(*) FROM status_events").fetchall()[0][0]
    for name, (query, figure) in page_work(con, ds).items():
        out[f"{name}_ms"] = median_ms(query, repeat)
        out[f"{name}_figure_ms"] = median_ms(figure, repeat) if figure else 0.0
    con.close()
    return out


def bench_build(workdir: Path, scale: str, repeat: int) -> dict:
    """Building the store from plan documents: the five real plans, or a synthetic CSV plan."""
    if SCALES[scale] is None:
        def once():
            p = workdir / f"build-{time.perf_counter_ns()}.duckdb"
            build(connect(p), updates_dir=None)
        return {"build_seconds": median_ms(once, repeat) / 1000, "build_of": "the five plan documents"}
    n = SCALES[scale][0]
    plans = workdir / f"plans-{scale}"
    plans.mkdir(exist_ok=True)
    synth.write_plan_csv(plans / "synthetic.csv", n)
    (plans / "manifest.toml").write_text(
        '[[plan]]\nplan_id = "SYN"\ntitle = "Synthetic"\npublisher = "Bench"\njurisdiction = "Benchland"\n'
        'published = "2025-01"\nfile = "synthetic.csv"\nloader = "csv"\n', encoding="utf-8")
    t0 = time.perf_counter()
    build(connect(workdir / f"build-{scale}.duckdb"), plans_dir=plans, updates_dir=None)
    return {"build_seconds": time.perf_counter() - t0, "build_of": f"a CSV plan of {n:,} actions (generic loader)"}


def run_import(mode: str, db: Path, file: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.import_once", mode, str(db), str(file)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_imports(workdir: Path, sizes: list[int], repeat: int) -> list[dict]:
    results = []
    biggest = max(sizes)
    base = synth.make_tracker(workdir / "import-base.duckdb", biggest, 0)
    for rows in sizes:
        file = synth.write_update_file(workdir / f"updates-{rows}.csv", rows, biggest)
        runs = {"ours": [], "floor": []}
        # Floor and ours alternate, three times (the machine's speed drifts between runs), and the
        # medians are compared.
        for _ in range(max(1, min(repeat, 3))):
            for mode in ("floor", "ours"):
                db = workdir / f"import-{mode}.duckdb"
                shutil.copy(base, db)
                runs[mode].append(run_import(mode, db, file))
        ours = statistics.median(r["seconds"] for r in runs["ours"])
        floor = statistics.median(r["seconds"] for r in runs["floor"])
        safekeeping = statistics.median(r["safekeeping_seconds"] for r in runs["ours"])
        results.append({"rows": rows, "file_mb": file.stat().st_size / 1e6, "ours_seconds": ours,
                        "safekeeping_seconds": safekeeping, "ratio_without_safekeeping": (ours - safekeeping) / floor,
                        "floor_seconds": floor, "ratio": ours / floor,
                        "ours_peak_mb": max(r["peak_rss_mb"] for r in runs["ours"]),
                        "floor_peak_mb": max(r["peak_rss_mb"] for r in runs["floor"]),
                        "rows_per_second": rows / ours})
    return results


# Each dashboard page, the element that shows its answer, and the bare app it is set beside: the same
# kind of main element alone (Markdown, one data grid; the charts drawn as SVG are Markdown) in a
# one-line Streamlit app. No page draws Plotly since 6 Dec 2026 (svg_charts).
GRID = '[data-testid="stDataFrame"] canvas'
SVG_CHART = '[data-testid="stMarkdownContainer"] svg.svg-chart'  # a chart drawn on the server (svg_charts)
BARE_APPS = {
    "one-line app": ('import streamlit as st\nst.write("Hello")\n', '[data-testid="stMarkdownContainer"]:has-text("Hello")'),
    "one data grid": ("import streamlit as st, pandas as pd\n"
                      "st.dataframe(pd.DataFrame({'a': range(250), 'b': ['x'] * 250}))\n", GRID),
}
DASHBOARD_PAGES = {"overview": ("", STATUS_MIX, "one-line app"),
                   "timeline": ("timeline", SVG_CHART, "one-line app"),  # SVG in Markdown, no chart library
                   "completion": ("completion", SVG_CHART, "one-line app"),
                   "owners": ("owners", GRID, "one data grid"),  # its scorecard is a grid, under an SVG chart
                   "compare": ("compare", THEME_MATRIX, "one-line app"),
                   "explorer": ("explorer", GRID, "one data grid")}


def bench_browser(db: Path, repeat: int) -> dict:
    """Seconds from opening a page until its main element is drawn, for every dashboard page and the
    bare app it matches, in headless Chromium on a warm server. All servers run at once and the loads
    are interleaved, page after page, so a slower minute on a shared machine hits them alike."""
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright

    from tests.browser import launch, streamlit_server

    tmp = Path(tempfile.mkdtemp())
    targets = {}
    with ExitStack() as stack, sync_playwright() as p:
        browser = launch(p)
        static = _static_loads(browser, db, repeat)  # before the dashboard holds the store
        for name, (source, selector) in BARE_APPS.items():
            script = tmp / f"{name.replace(' ', '_')}.py"
            script.write_text(source, encoding="utf-8")
            targets[name] = (stack.enter_context(streamlit_server(db, script=script)), selector)
        base = stack.enter_context(streamlit_server(db))
        for name, (path, selector, _) in DASHBOARD_PAGES.items():
            targets[name] = (f"{base}/{path}", selector)
        out = {"seconds": _median_loads(browser, targets, repeat), **static}
        browser.close()
    s = out["seconds"]
    out["ratios"] = {page: s[page] / s[bare] for page, (_, _, bare) in DASHBOARD_PAGES.items()}
    out["static_speedup"] = s["overview"] / max(out["static_index_seconds"], out["static_action_seconds"])
    return out


def _static_loads(browser, db: Path, repeat: int) -> dict:
    """The public edition of the same store, opened from disk: index and one action page."""
    from action_tracker.publish import publish
    site = Path(tempfile.mkdtemp()) / "site"
    con = connect(db, read_only=True)
    some = con.execute("SELECT min(action_id) FROM actions").fetchone()[0]
    publish(con, site)
    con.close()
    out = {"static_index_bytes": (site / "index.html").stat().st_size,
           "static_action_bytes": (site / "actions" / some / "index.html").stat().st_size}
    seconds = _median_loads(browser, {"static_index": ((site / "index.html").as_uri(), ".status-mix .seg"),
                                      "static_action": ((site / "actions" / some / "index.html").as_uri(),
                                                        "#latest-evidence")}, repeat)
    return {**out, **{f"{name}_seconds": v for name, v in seconds.items()}}


def _median_loads(browser, targets: dict[str, tuple[str, str]], repeat: int) -> dict[str, float]:
    """Median seconds from opening each url until its selector is visible, each in a fresh browser
    context. Rounds go through every target in turn; the first round warms caches and is not counted."""
    times = {name: [] for name in targets}
    for i in range(repeat + 1):
        for name, (url, selector) in targets.items():
            ctx = browser.new_context()
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url)
            page.locator(selector).first.wait_for(state="visible", timeout=120_000)
            if i:
                times[name].append(time.perf_counter() - t0)
            ctx.close()
    return {name: statistics.median(t) for name, t in times.items()}


def app_peak_memory(db: Path) -> float:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch, open_url, streamlit_server
    with streamlit_server(db) as base:
        pid = server_pid(base)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            for path in ["", "timeline", "completion", "owners", "explorer"]:
                open_url(page, f"{base}/{path}", timeout_ms=180_000)
            browser.close()
        return peak_mb(pid)


def public_weight(db: Path) -> dict:
    """The public edition of a store: the heaviest page in all (its HTML, the stylesheet, and the list's
    filter script where the page loads it), how many pages, and the seconds to publish. Issue 30's
    target: every page at most 200 KB, at 20,000 actions too; the seed's heaviest page in the same run
    is the baseline (what grows with the actions is paged, so the ratio stays near 1)."""
    from action_tracker.publish import publish
    site = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        con = connect(db, read_only=True)
        t0 = time.perf_counter()
        publish(con, site / "out")
        seconds = time.perf_counter() - t0
        con.close()
        out = site / "out"
        css = (out / "assets" / "site.css").stat().st_size
        script = (out / "assets" / "filter.js").stat().st_size
        heaviest, worst = 0, ""
        pages = list(out.rglob("*.html"))
        for p in pages:
            size = p.stat().st_size + css + (script if b"filter.js" in p.read_bytes()[-400:] else 0)
            if size > heaviest:
                heaviest, worst = size, str(p.relative_to(out))
        return {"heaviest_bytes": heaviest, "heaviest_page": worst, "pages": len(pages), "seconds": seconds}
    finally:
        shutil.rmtree(site, ignore_errors=True)


def machine() -> dict:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    mem = next((int(l.split()[1]) // 1024 for l in Path("/proc/meminfo").read_text().splitlines()
                if l.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "python": platform.python_version(),
            "platform": platform.platform()}


def _public_table(results: dict) -> list[str]:
    """The public edition's heaviest page at each publish scale."""
    lines: list[str] = []
    base = results["public"].get("seed") or next(iter(results["public"].values()))
    lines += ["", f"## Public edition: the heaviest page in all (HTML, stylesheet, script; target at most "
                  f"{TARGET_PUBLIC_PAGE_BYTES // 1000} kB at every scale; baseline: the seed's heaviest page)", "",
              "| scale | pages | heaviest page | kB in all | vs seed | publish (s) |",
              "| --- | ---: | --- | ---: | ---: | ---: |"]
    for name, r in results["public"].items():
        lines.append(f"| {name} | {r['pages']:,} | {r['heaviest_page']} | {r['heaviest_bytes'] / 1e3:.0f} | "
                     f"**{r['heaviest_bytes'] / base['heaviest_bytes']:.2f}x** | {r['seconds']:.1f} |")
    return lines


def _import_table(results: dict) -> list[str]:
    """The CSV import beside DuckDB's own read and insert."""
    lines: list[str] = []
    lines += ["", "## CSV import: validate and apply, next to DuckDB's read_csv + INSERT with no checks "
                  f"(target within {TARGET_IMPORT_RATIO:g}x at 1M rows)", "",
              "'of it, safekeeping': archiving the file and copying the whole store into backups/ after the "
              "write (safekeeping.keep_file and copy_store), which the floor does not do; the ratio without it is "
              "given beside, not as the target's figure.", "",
              "| rows | file MB | ours (s) | of it, safekeeping (s) | DuckDB floor (s) | ratio | ratio without safekeeping "
              "| rows/s | peak MB ours | peak MB floor |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results["imports"]:
        lines.append(f"| {r['rows']:,} | {r['file_mb']:.1f} | {r['ours_seconds']:.2f} | {r['safekeeping_seconds']:.2f} | "
                     f"{r['floor_seconds']:.2f} | **{r['ratio']:.1f}x** | {r['ratio_without_safekeeping']:.1f}x | "
                     f"{r['rows_per_second']:,.0f} | {r['ours_peak_mb']:.0f} | {r['floor_peak_mb']:.0f} |")
    return lines


def _browser_table(results: dict) -> list[str]:
    """Page loads in headless Chromium beside the matching bare apps."""
    lines: list[str] = []
    b = results["browser"]
    lines += ["", f"## Page load in headless Chromium, seed data (median of {results['browser_repeat']}, warm server, "
                  f"interleaved; target within {TARGET_LOAD_RATIO:g}x of the matching bare app)", "",
              "| page | seconds | bare app | its seconds | ratio |", "| --- | ---: | --- | ---: | ---: |"]
    for page, (_, _, bare) in DASHBOARD_PAGES.items():
        lines.append(f"| {page} | {b['seconds'][page]:.2f} | {bare} | {b['seconds'][bare]:.2f} | "
                     f"**{b['ratios'][page]:.2f}x** |")
    lines += ["", f"Public edition from disk: index {b['static_index_seconds']:.3f} s ({b['static_index_bytes'] / 1e3:.0f} kB), "
                  f"an action page {b['static_action_seconds']:.3f} s ({b['static_action_bytes'] / 1e3:.0f} kB): "
                  f"**{b['static_speedup']:.1f}x** faster than the dashboard's overview (target 5x)"]
    return lines


def table(results: dict) -> str:
    lines = [f"# Benchmarks, {results['when']}", "",
             f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
             f"{results['machine']['memory_mb']:,} MB, Python {results['machine']['python']}", ""]
    lines += [f"## Page queries (median of {results['repeat']} runs, ms; targets: at most {TARGET_PAGE_MS} ms at 20k "
              f"and 150 ms at 200k; the data load after an upload at most {TARGET_REFRESH_MS} ms at 200k)", "",
              "What each page computes the first time a view is asked for (page_data; later readers of the same "
              "view get it from memory); in brackets, drawing its chart (SVG). 'data load' reads the whole "
              "store (at start), completion's pass over every event included (given apart); 'after an upload' brings the dataset up to date after a 100-row upload "
              "(history.refresh_dataset).", "",
              "| scale | actions | events | build (s) | data load | of it, completion's pass | after an upload | "
              + " | ".join(PAGE_NAMES) + " |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in PAGE_NAMES) + " |"]
    for name, r in results["scales"].items():
        def cell(p, r=r):
            return f"{r[p + '_ms']:.0f}" + (f" ({r[p + '_figure_ms']:.0f})" if r[p + "_figure_ms"] else "")
        lines.append(f"| {name} | {r['actions']:,} | {r['events']:,} | {r['build_seconds']:.2f} | {r['data_load_ms']:.0f} | "
                     f"{r.get('completion_pass_ms', 0):.0f} | {r['refresh_ms']:.0f} | "
                     + " | ".join(cell(p) for p in PAGE_NAMES) + " |")
    lines += ["", "Completion's first view after that upload (its kept pass over all events brought up to date "
                  "by the refresh): " + ", ".join(f"{name} {r['completion_after_upload_ms']:.0f} ms"
                                                  for name, r in results["scales"].items()) + "."]
    for key, section in (("public", _public_table), ("imports", _import_table), ("browser", _browser_table)):
        if results.get(key):
            lines += section(results)
    if results.get("lighthouse"):
        from . import lighthouse
        lines += [lighthouse.table(results["lighthouse"])]
    if results.get("load"):
        lines += ["", f"## Readers per process: simulated readers over Streamlit's websocket, seed data "
                      f"(target: server CPU per view at most {TARGET_CPU_RATIO:g}x the one-line app's)",
                  load.table(results["load"]).rstrip()]
    if results.get("app_memory_mb"):
        lines += ["", "## Peak memory of the app process (every page opened once)", ""]
        lines += [f"- {k}: {v:.0f} MB" for k, v in results["app_memory_mb"].items()]
    return "\n".join(lines) + "\n"


def arguments(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--scales", default="seed,20k,200k")
    ap.add_argument("--imports", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse (bench/lighthouse.py)")
    # More loads than queries: a bare app's load here was bimodal (a Plotly chart's 1.7 or 2.1 s, as
    # Chromium's processes get the two cores), and a median of five could land on either mode.
    ap.add_argument("--browser-repeat", type=int, default=9, help="page loads of each app in Chromium")
    ap.add_argument("--memory-scales", default="seed,20k")
    ap.add_argument("--publish-scales", default="seed,20k", help="scales (of --scales) whose public edition is weighed")
    ap.add_argument("--load-readers", default="1,10,20", help="simulated readers at once (bench/load.py)")
    ap.add_argument("--load-views", type=int, default=12, help="pages each simulated reader opens")
    ap.add_argument("--load-many", type=int, default=40, help="readers connected at once for memory per reader")
    ap.add_argument("--load-days", type=int, default=100, help="different as_of days asked for")
    ap.add_argument("--load-cpu-views", type=int, default=100, help="views per measurement of a page's CPU")
    ap.add_argument("--load-cpu-rounds", type=int, default=5, help="rounds of those, the apps in turn")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"))
    return ap.parse_args(argv)


def main(argv=None) -> dict:
    args = arguments(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    results = {"when": datetime.now().isoformat(timespec="seconds"), "machine": machine(), "repeat": args.repeat,
               "browser_repeat": args.browser_repeat, "scales": {}, "imports": [], "browser": None,
               "app_memory_mb": {}, "load": None}
    dbs = {}
    try:
        for scale in [s for s in args.scales.split(",") if s]:
            print(f"[bench] scale {scale}", flush=True)
            db = work / f"{scale}.duckdb"
            if SCALES[scale] is None:
                build(connect(db))
            else:
                synth.make_tracker(db, *SCALES[scale])
            dbs[scale] = db
            results["scales"][scale] = {**bench_build(work, scale, args.repeat if scale in ("seed", "tiny") else 1),
                                        **bench_pages(db, args.repeat),
                                        **refresh_after_write(db, repeat=min(args.repeat, 3))}
        for scale in [s for s in args.publish_scales.split(",") if s in dbs]:
            print(f"[bench] public edition at {scale}", flush=True)
            results.setdefault("public", {})[scale] = public_weight(dbs[scale])
        sizes = [int(x) for x in args.imports.split(",") if x]
        if sizes:
            print(f"[bench] imports {sizes}", flush=True)
            results["imports"] = bench_imports(work, sizes, args.repeat)
        readers = [int(x) for x in args.load_readers.split(",") if x]
        if readers:
            print("[bench] simulated readers over the websocket", flush=True)
            first = next(iter(dbs.values()))
            biggest = [s for s in ("20k", "tiny", "seed") if s in dbs]
            results["load"] = load.bench_load(dbs.get("seed", first), readers, args.load_views,
                                              dbs[biggest[0]] if biggest else None, args.load_many, args.load_days,
                                              args.load_cpu_views, args.load_cpu_rounds)
        if not args.no_browser:
            first = next(iter(dbs.values()))
            print("[bench] page load in chromium", flush=True)
            results["browser"] = bench_browser(dbs.get("seed", first), args.browser_repeat)
            if not args.no_lighthouse:
                from . import lighthouse
                print("[bench] lighthouse, mobile preset", flush=True)
                results["lighthouse"] = lighthouse.bench_lighthouse(dbs.get("seed", first))
            for scale in [s for s in args.memory_scales.split(",") if s in dbs]:
                print(f"[bench] app memory at {scale}", flush=True)
                results["app_memory_mb"][scale] = app_peak_memory(dbs[scale])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"bench-{stamp}.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    text = table(results)
    (out / "latest.md").write_text(text, encoding="utf-8")
    print(text)
    return results


if __name__ == "__main__":
    main()
