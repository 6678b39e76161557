"""Lighthouse 12.2.3 (mobile preset, Debian chromium) on the one-line Streamlit app, each dashboard
page and each kind of public page, in one run: what a reader's phone downloads and how long its main
thread is blocked, beside the smallest Streamlit app there is. Part of `make bench`, not `make test`.

Lighthouse is an npm package: it is installed once into bench/.lighthouse (`npm i -E`, Node 20; the
npm registry is reachable where PyPI is). Python only starts it and reads its JSON report.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path

from action_tracker.db import connect
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server

HERE = Path(__file__).resolve().parent
PREFIX = HERE / ".lighthouse"
CLI = PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
VERSION = "12.2.3"
ONE_LINE_APP = 'import streamlit as st\nst.write("Hello")\n'
DASHBOARD = {"overview": "", "timeline": "timeline", "completion": "completion", "owners": "owners",
             "compare": "compare", "explorer": "explorer"}
PUBLIC = {"public index": "index.html", "public plan": "plans/UK/index.html",
          "public owner": "owners/uk-government/index.html", "public action": "actions/UK-R24/index.html"}
# Issue 30's targets, beside the one-line app measured in the same run.
TARGET_PUBLIC_PERFORMANCE, TARGET_ACCESSIBILITY = 95, 100
TARGET_TIMELINE_TBT_MS, TARGET_BYTES_RATIO = 600, 1.3


def ensure_installed() -> Path:
    if not CLI.exists():
        PREFIX.mkdir(exist_ok=True)
        subprocess.run(["npm", "i", "-E", "--no-audit", "--no-fund", "--prefix", str(PREFIX), f"lighthouse@{VERSION}"],
                       check=True, capture_output=True, timeout=900)
    return CLI


def audit(url: str) -> dict:
    """One Lighthouse run on the mobile preset: scores (0-100) and the figures a reader feels."""
    flags = " ".join(CHROMIUM_ARGS)
    proc = subprocess.run(["node", str(ensure_installed()), url, "--output=json", "--output-path=stdout", "--quiet",
                           "--only-categories=performance,accessibility", f"--chrome-flags={flags}"],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    if proc.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {proc.stderr[-2000:]}")
    r = json.loads(proc.stdout)
    a = r["audits"]
    failed_a11y = [k for k, v in a.items() if v.get("scoreDisplayMode") == "binary" and v.get("score") == 0
                   and k in {ref["id"] for ref in r["categories"]["accessibility"]["auditRefs"]}]
    return {"performance": round(100 * (r["categories"]["performance"]["score"] or 0)),
            "accessibility": round(100 * (r["categories"]["accessibility"]["score"] or 0)),
            "bytes": a["total-byte-weight"]["numericValue"], "tbt_ms": a["total-blocking-time"]["numericValue"],
            "fcp_ms": a["first-contentful-paint"]["numericValue"], "lcp_ms": a["largest-contentful-paint"]["numericValue"],
            "failed_accessibility": failed_a11y}


@contextmanager
def _static_server(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def bench_lighthouse(db: Path) -> dict:
    """Every target audited once, the one-line app first and last (its mean is the baseline)."""
    from action_tracker.publish import publish
    tmp = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    site = tmp / "site"
    con = connect(db, read_only=True)
    publish(con, site)
    con.close()
    script = tmp / "one_line_app.py"
    script.write_text(ONE_LINE_APP, encoding="utf-8")
    rows = {}
    try:
        with ExitStack() as stack:
            bare = stack.enter_context(streamlit_server(db, script=script))
            base = stack.enter_context(streamlit_server(db))
            static = stack.enter_context(_static_server(site))
            targets = {"one-line app": bare, **{k: f"{base}/{v}" for k, v in DASHBOARD.items()},
                       **{k: f"{static}/{v}" for k, v in PUBLIC.items()}}
            audit(bare)  # a first, discarded run: the server compiles the app, chromium warms its caches
            for name, url in targets.items():
                print(f"[bench] lighthouse {name}", flush=True)
                rows[name] = audit(url)
            again = audit(bare)
            first = rows["one-line app"]
            rows["one-line app"] = {k: (first[k] + again[k]) / 2 if isinstance(first[k], (int, float)) else first[k]
                                    for k in first}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    floor = rows["one-line app"]["bytes"]
    for r in rows.values():
        r["bytes_ratio"] = r["bytes"] / floor
    return {"version": VERSION, "rows": rows}


def table(result: dict) -> str:
    rows = result["rows"]
    lines = ["", f"## Lighthouse {result['version']}, mobile preset, seed data (one run each; the one-line app is the "
                 "mean of a run before and after the others)", "",
             f"Targets: public pages performance >= {TARGET_PUBLIC_PERFORMANCE} and accessibility "
             f"{TARGET_ACCESSIBILITY}; overview and timeline accessibility {TARGET_ACCESSIBILITY}; timeline blocking "
             f"time <= {TARGET_TIMELINE_TBT_MS} ms and total bytes <= {TARGET_BYTES_RATIO:g}x the one-line app's.", "",
             "| page | performance | accessibility | total kB | bytes vs one-line app | blocking ms | first paint ms | "
             "largest paint ms | failed accessibility audits |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['performance']:.0f} | {r['accessibility']:.0f} | {r['bytes'] / 1e3:,.0f} | "
                     f"**{r['bytes_ratio']:.2f}x** | {r['tbt_ms']:.0f} | {r['fcp_ms']:.0f} | {r['lcp_ms']:.0f} | "
                     f"{', '.join(r['failed_accessibility']) or '—'} |")
    return "\n".join(lines)
