"""Readers per process: simulated readers that speak Streamlit's own websocket protocol.

No browser is involved, so every figure is the server's: each simulated reader opens
`/_stcore/stream`, asks for a page (a `rerun_script` BackMsg naming the page) and counts the view
done when the server sends `script_finished`. Readers cycle through the pages; the server's CPU
time and resident memory come from /proc, before and after.

    python -m bench.load [--readers 1,10,20] [--views 12] [--db PATH]

The same run measures a one-line Streamlit app the same way: the floor any page pays.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
TARGET_CPU_RATIO = 1.5  # issue 16: server CPU per page view at most 1.5x the one-line app's
# The dashboard's data pages, as their links name them ("" is the overview, the default page).
PAGES = ("", "timeline", "completion", "owners", "compare", "explorer")
ONE_LINE_APP = 'import streamlit as st\nst.write("Hello")\n'
PAGE_COUNT = 11  # the pages dashboard.py registers (tests/test_bench.py checks the two agree)
# The dashboard's frame around a one-line page: the same eleven pages, built once per session, in a
# hidden navigation and the sidebar's eleven links carrying a query, as dashboard.py and web.navigation
# draw them. What any page of a Streamlit app built this way pays before it draws anything of its own.
_NAVIGATION = """import streamlit as st
st.set_page_config(page_title="Frame", layout="wide")
names = ["overview", "timeline", "completion", "owners", "compare", "explorer", "suggest", "review", "updates",
         "snapshots", "methodology"]
if "pages" not in st.session_state:
    st.session_state["pages"] = [st.Page(lambda: st.write("Hello"), title=n.capitalize(), icon=":material/home:",
                                         url_path=n, default=(n == "overview")) for n in names]
pages = st.session_state["pages"]
current = st.navigation(pages, position="hidden")
"""
NAVIGATION_FRAME_APP = _NAVIGATION + """with st.sidebar:
    for p in pages:
        st.page_link(p, query_params={"as_of": "2026-01-01"})
    st.divider()
current.run()
"""
# The same without the sidebar's links: what Streamlit's navigation of the pages costs by itself.
NAVIGATION_ONLY_APP = _NAVIGATION + "current.run()\n"

# What the server spends per element a page draws, here: apps that draw one kind of element many
# times, measured in the same rounds as the one-line app; (their CPU per view - the one-line app's) /
# count. With each page's count of elements (`count_messages`), they say where a page's CPU goes.
ELEMENT_APPS = {
    "markdown": (40, "import streamlit as st\nfor i in range(40):\n    st.markdown(f'Line **{i}** of the page')\n"),
    "widget": (10, "import streamlit as st\nwith st.sidebar:\n    for i in range(10):\n"
                   "        st.selectbox(f'Choice {i}', ['a', 'b', 'c'], key=f'k{i}', bind='query-params')\n"),
}
# Elements a reader sets (each registered as a widget, its value kept in the session).
WIDGETS = {"multiselect", "selectbox", "date_input", "checkbox", "radio", "text_input", "number_input", "button",
           "slider", "text_area", "toggle", "pills", "segmented_control", "time_input", "download_button",
           "file_uploader", "color_picker", "chat_input"}


@dataclass
class Run:
    """What one round of the benchmark saw."""
    readers: int
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def views(self) -> int:
        return sum(len(t) for t in self.times.values())

    def row(self) -> dict:
        all_times = [t for ts in self.times.values() for t in ts]
        return {"readers": self.readers, "views": self.views, "errors": len(self.errors),
                "first_error": self.errors[0] if self.errors else "",
                "views_per_second": self.views / self.seconds if self.seconds else 0.0,
                "cpu_per_view": self.cpu_seconds / self.views if self.views else float("nan"),
                "p50": _pct(all_times, 50), "p95": _pct(all_times, 95),
                "per_page": {p or "overview": {"p50": _pct(t, 50), "p95": _pct(t, 95), "views": len(t)}
                             for p, t in self.times.items()},
                "rss_before_mb": self.rss_before_mb, "rss_after_mb": self.rss_after_mb}


def _pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def rerun(page: str, query: str = "") -> bytes:
    """The message a browser sends to run a page."""
    return BackMsg(rerun_script=ClientState(query_string=query, page_name=page)).SerializeToString()


async def view(ws, page: str, query: str = "") -> str | None:
    """Ask for one page and read until its script run ends. Returns an error, or None."""
    await ws.send(rerun(page, query))
    error = None
    while True:
        msg = ForwardMsg.FromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                and msg.delta.new_element.WhichOneof("type") == "exception":
            error = error or f"{page or 'overview'}: {msg.delta.new_element.exception.message[:200]}"
        elif kind == "page_not_found":
            error = error or f"{page}: page not found"
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                return error
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                return f"{page}: the script did not compile"
            # FINISHED_EARLY_FOR_RERUN: a page may rerun itself (st.rerun); keep reading.


async def count_messages(base: str, page: str) -> dict[str, int]:
    """What a page sends on its second run in a session: its widgets, its page links, and every other
    element and layout block (Markdown, charts, tables, columns, expanders)."""
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, ping_interval=None) as ws:
        for _ in range(2):
            counts = {"widgets": 0, "page_links": 0, "other": 0}
            await ws.send(rerun(page))
            while True:
                msg = ForwardMsg.FromString(await ws.recv())
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") in ("new_element", "add_block"):
                    element = msg.delta.new_element.WhichOneof("type") if msg.delta.HasField("new_element") else ""
                    key = ("widgets" if element in WIDGETS else "page_links" if element == "page_link" else "other")
                    counts[key] += 1
                if kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    break
    return counts


async def reader(base: str, pages: tuple[str, ...], views: int, offset: int, run: Run, reload: bool = True,
                 queries: tuple[str, ...] = ("",)) -> None:
    """One simulated reader. reload: every view on a new connection (a reader opening a shared link:
    a new session each time); else one connection for all its views (a reader moving between pages)."""
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    connect = lambda: websockets.connect(url, subprotocols=["streamlit"], max_size=None,  # noqa: E731
                                         open_timeout=120, ping_interval=None)
    try:
        ws = None if reload else await connect()
        for i in range(views):
            page, query = pages[(offset + i) % len(pages)], queries[(offset + i) % len(queries)]
            t0 = time.perf_counter()
            if reload:
                async with connect() as fresh:
                    err = await asyncio.wait_for(view(fresh, page, query), timeout=300)
            else:
                err = await asyncio.wait_for(view(ws, page, query), timeout=300)
            run.times.setdefault(page, []).append(time.perf_counter() - t0)
            if err:
                run.errors.append(err)
        if ws is not None:
            await ws.close()
    except Exception as e:  # a dropped connection is an error of the run, not of the benchmark
        run.errors.append(f"reader {offset}: {type(e).__name__}: {e}")


async def held_readers(base: str, pages: tuple[str, ...], n: int, run: Run, hold) -> None:
    """n readers connected at once, each having opened every page; `hold()` runs while they stay."""
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    sockets = []
    try:
        for _ in range(n):
            sockets.append(await websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                                    open_timeout=120, ping_interval=None))
        for ws in sockets:
            for page in pages:
                err = await view(ws, page)
                if err:
                    run.errors.append(err)
        await asyncio.sleep(1)
        hold()
    finally:
        for ws in sockets:
            await ws.close()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(base: str, pid: int, readers: int, views: int, pages: tuple[str, ...], reload: bool = True) -> Run:
    """`readers` simulated readers at once, each asking for `views` pages in turn."""
    run = Run(readers)

    async def all_readers():
        await asyncio.gather(*(reader(base, pages, views, i, run, reload) for i in range(readers)))

    run.rss_before_mb = rss_mb(pid)
    c0, t0 = cpu_seconds(pid), time.perf_counter()
    asyncio.run(all_readers())
    run.seconds, run.cpu_seconds = time.perf_counter() - t0, cpu_seconds(pid) - c0
    run.rss_after_mb = rss_mb(pid)
    return run


def warm(base: str, pages: tuple[str, ...]) -> Run:
    """One reader opens every page once, so caches are filled before anything is counted."""
    run = Run(1)
    asyncio.run(reader(base, pages, len(pages), 0, run, reload=False))
    return run


# The apps that draw little (the one-line app, the frame, the element apps) are measured over this
# many times a page's views: /proc gives CPU in 10 ms ticks, and 100 views of the one-line app are
# only 15-25 of them, so one tick either way moved the floor, and every ratio, by 4-7%.
SMALL_APP_VIEWS = 3


def cpu_per_view(db: Path, apps: dict[str, tuple[Path, tuple[str, ...]]], views: int, rounds: int,
                 small: tuple[str, ...] = ()) -> dict:
    """Server CPU seconds per view of each page alone (one reader, one session), for every app in
    `apps` (name: script, pages), their servers running at once and measured in turn, round after
    round: a slower minute of a shared machine then falls on every app alike. The median of the
    rounds. /proc counts CPU in 10 ms ticks, hence many views per measurement, and SMALL_APP_VIEWS
    times as many for the apps named in `small`."""
    from contextlib import ExitStack

    from tests.browser import streamlit_server
    runs, errors = {}, []
    with ExitStack() as stack:
        servers = {}
        for name, (script, pages) in apps.items():
            base = stack.enter_context(streamlit_server(db, script=script))
            servers[name] = (base, server_pid(base), pages)
            errors += warm(base, pages).errors
        for _ in range(rounds):
            for name, (base, pid, pages) in servers.items():
                for p in pages:
                    n = views * (SMALL_APP_VIEWS if name in small else 1)
                    run = measure(base, pid, 1, n, (p,), reload=False)
                    runs.setdefault(name, {}).setdefault(p or "overview", []).append(run.row()["cpu_per_view"])
                    errors += run.errors
        counts = {name: {p or "overview": asyncio.run(count_messages(base, p)) for p in pages}
                  for name, (base, _, pages) in servers.items()}
    return {"views": views, "small_app_views": views * SMALL_APP_VIEWS, "rounds": rounds, "errors": errors,
            "messages": counts,
            "apps": {name: {p: statistics.median(v) for p, v in pages.items()} for name, pages in runs.items()}}


def element_costs(c: dict) -> dict[str, float]:
    """Server CPU seconds per element of each kind in ELEMENT_APPS, from cpu_per_view's figures."""
    floor = c["apps"]["one-line app"]["overview"]
    return {kind: (c["apps"][f"{count} x {kind}"]["overview"] - floor) / count
            for kind, (count, _) in ELEMENT_APPS.items()}


def where_the_time_goes(c: dict) -> list[dict]:
    """Each page's CPU per view beside what its elements predict: the navigation frame, plus its widgets
    at a widget's cost and its other elements at a Markdown element's (charts and tables cost more)."""
    cost, frame = element_costs(c), c["apps"]["navigation frame"]["overview"]
    frame_other = c["messages"]["navigation frame"]["overview"]["other"]
    rows = []
    for page, measured in c["apps"]["dashboard"].items():
        n = c["messages"]["dashboard"][page]
        # The frame's own two (the divider, which the dashboard draws too, and its page's one line,
        # which the page's own elements replace) are in its figure already.
        other = n["other"] - frame_other
        rows.append({"page": page, "widgets": n["widgets"], "other": other, "page_links": n["page_links"],
                     "predicted": frame + n["widgets"] * cost["widget"] + other * cost["markdown"],
                     "measured": measured})
    return rows


def memory_per_reader(base: str, pid: int, pages: tuple[str, ...], many: int) -> dict:
    """Resident memory with one reader connected, then with `many`, each having opened every page."""
    out, run = {}, Run(many)
    for n in (1, many):
        asyncio.run(held_readers(base, pages, n, run, lambda n=n: out.__setitem__(n, rss_mb(pid))))
    return {"one_reader_mb": out[1], "many_readers_mb": out[many], "many": many,
            "added_mb": out[many] - out[1], "errors": run.errors}


def memory_over_days(base: str, pid: int, days: int) -> dict:
    """Resident memory after readers ask for the overview on `days` different days (?as_of=)."""
    from datetime import date, timedelta
    queries = tuple(f"as_of={date(2025, 1, 1) + timedelta(days=3 * i):%Y-%m-%d}" for i in range(days))
    run = Run(1)
    before = rss_mb(pid)
    asyncio.run(reader(base, ("",), days, 0, run, reload=False, queries=queries))
    return {"days": days, "before_mb": before, "after_mb": rss_mb(pid), "errors": run.errors}


def server_pid(base: str) -> int:
    """The process serving `base` (the one listening on its port)."""
    port = base.rsplit(":", 1)[1]
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(out.split("pid=")[1].split(",")[0])


def peak_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_load(db: Path, readers: list[int], views: int, memory_db: Path | None = None, many: int = 40,
               days: int = 100, cpu_views: int = 100, cpu_rounds: int = 5) -> dict:
    """The load table: the one-line app and the dashboard on `db`, at each number of readers, readers
    reloading (a new session per view) and navigating (one session each); each page's CPU alone,
    beside the one-line app's and the navigation frame's (cpu_per_view); then memory per reader and
    over many as-of days on `memory_db` (default `db`)."""
    from tests.browser import streamlit_server
    tmp = Path(tempfile.mkdtemp())
    one_line = tmp / "one_line.py"
    one_line.write_text(ONE_LINE_APP, encoding="utf-8")
    frame = tmp / "navigation_frame.py"
    frame.write_text(NAVIGATION_FRAME_APP, encoding="utf-8")
    out = {"readers": readers, "views_per_reader": views, "apps": {}}
    for name, script, pages in (("one-line app", one_line, ("",)), ("dashboard", ROOT / "serve.py", PAGES)):
        with streamlit_server(db, script=script) as base:
            pid = server_pid(base)
            app = out["apps"][name] = {"warm_errors": warm(base, pages).errors}
            for mode, reload in (("reload", True), ("navigate", False)):
                app[mode] = [measure(base, pid, n, views, pages, reload).row() for n in readers]
            app["peak_mb"] = peak_mb(pid)
    navigation = tmp / "navigation_only.py"
    navigation.write_text(NAVIGATION_ONLY_APP, encoding="utf-8")
    apps = {"one-line app": (one_line, ("",)), "navigation frame": (frame, ("",)),
            "navigation only": (navigation, ("",))}
    for kind, (count, source) in ELEMENT_APPS.items():
        script = tmp / f"{count}_{kind}.py"
        script.write_text(source, encoding="utf-8")
        apps[f"{count} x {kind}"] = (script, ("",))
    out["cpu_per_view"] = cpu_per_view(db, {**apps, "dashboard": (ROOT / "serve.py", PAGES)}, cpu_views, cpu_rounds,
                                       small=tuple(apps))
    actions = _actions(memory_db or db)  # before the server holds the file
    with streamlit_server(memory_db or db) as base:
        pid = server_pid(base)
        warm(base, PAGES)
        out["memory"] = {"actions": actions, **memory_per_reader(base, pid, PAGES, many),
                         "days": memory_over_days(base, pid, days)}
    for mode in ("reload", "navigate"):
        floor = {r["readers"]: r["cpu_per_view"] for r in out["apps"]["one-line app"][mode]}
        for r in out["apps"]["dashboard"][mode]:
            r["cpu_ratio"] = r["cpu_per_view"] / floor[r["readers"]] if floor[r["readers"]] else float("nan")
    return out


def _actions(db: Path) -> int:
    from action_tracker.db import connect
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT count(*) FROM actions").fetchone()[0]
    finally:
        con.close()


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m bench.load")
    ap.add_argument("--db", required=True)
    ap.add_argument("--memory-db", default=None)
    ap.add_argument("--readers", default="1,10,20")
    ap.add_argument("--views", type=int, default=12)
    ap.add_argument("--many", type=int, default=40)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--cpu-views", type=int, default=100)
    ap.add_argument("--cpu-rounds", type=int, default=5)
    args = ap.parse_args(argv)
    out = bench_load(Path(args.db), [int(x) for x in args.readers.split(",")], args.views,
                     Path(args.memory_db) if args.memory_db else None, args.many, args.days, args.cpu_views,
                     args.cpu_rounds)
    print(table(out))
    return out


def table(out: dict) -> str:
    lines = []
    for mode, words in (("reload", "each view a new session (readers opening a link)"),
                        ("navigate", "one session per reader, moving between pages")):
        lines += ["", f"### {words}", "",
                  "| app | readers | views | views/s | CPU s per view | x one-line app | p50 s | p95 s | RSS MB after "
                  "| errors |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name, app in out["apps"].items():
            for r in app[mode]:
                ratio = f"{r['cpu_ratio']:.1f}x" if "cpu_ratio" in r else ""
                lines.append(f"| {name} | {r['readers']} | {r['views']} | {r['views_per_second']:.1f} | "
                             f"{r['cpu_per_view']:.4f} | {ratio} | {r['p50']:.3f} | {r['p95']:.3f} | "
                             f"{r['rss_after_mb']:.0f} | {r['errors']} |")
        dash = out["apps"]["dashboard"][mode]
        pages = sorted(dash[-1]["per_page"])
        lines += ["", f"Per page, dashboard, {dash[-1]['readers']} readers, p50 / p95 seconds: "
                  + "; ".join(f"{p} {dash[-1]['per_page'][p]['p50']:.3f} / {dash[-1]['per_page'][p]['p95']:.3f}"
                              for p in pages)]
    d, c = out["apps"]["dashboard"], out["cpu_per_view"]
    floor = c["apps"]["one-line app"]["overview"] or float("nan")
    frame, nav = c["apps"]["navigation frame"]["overview"], c["apps"]["navigation only"]["overview"]
    lines += ["", f"Server CPU per view of each page alone (one reader; median of {c['rounds']} rounds of "
              f"{c['views']} views, {c['small_app_views']} for the small apps, the apps in turn), next to the "
              f"one-line app's {floor:.4f} s: "
              + "; ".join(f"{p} {v:.4f} s ({v / floor:.1f}x)" for p, v in c["apps"]["dashboard"].items()),
              "", f"The dashboard's frame around a one-line page (the {PAGE_COUNT} pages' navigation and sidebar links, "
              f"nothing of its own): {frame:.4f} s per view, {frame / floor:.1f}x the one-line app's. Of it, "
              f"Streamlit's navigation of the {PAGE_COUNT} pages alone (hidden, no links) {nav:.4f} s ({nav / floor:.2f}x), "
              f"and the {PAGE_COUNT} sidebar links {(frame - nav) / PAGE_COUNT * 1000:.3f} ms each."]
    cost = element_costs(c)
    left = TARGET_CPU_RATIO * floor - frame
    lines += ["", f"What an element costs the server here (apps drawing {ELEMENT_APPS['markdown'][0]} Markdown "
              f"elements, {ELEMENT_APPS['widget'][0]} widgets bound to the link; same rounds): a Markdown element "
              f"{cost['markdown'] * 1000:.3f} ms, a widget {cost['widget'] * 1000:.3f} ms. The target leaves a page, "
              f"beyond the frame, {TARGET_CPU_RATIO:g} x {floor:.4f} - {frame:.4f} = {left * 1000:.2f} ms: "
              + (f"about {max(0, int(left / cost['markdown'])) if cost['markdown'] > 0 else 0} Markdown elements."
                 if left > 0 else "nothing."),
              "", "| page | widgets | other elements and blocks | predicted s (frame + elements x their cost) "
              "| measured s |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['page']} | {r['widgets']} | {r['other']} | {r['predicted']:.4f} | {r['measured']:.4f} |"
              for r in where_the_time_goes(c)]
    m, days = out["memory"], out["memory"]["days"]
    lines += ["", f"- memory at {m['actions']:,} actions: one reader connected {m['one_reader_mb']:.0f} MB; "
                  f"{m['many']} readers connected "
                  f"(each having opened every page) {m['many_readers_mb']:.0f} MB: **{m['added_mb']:+.0f} MB**",
              f"- {days['days']} different as-of days asked for: {days['before_mb']:.0f} -> {days['after_mb']:.0f} MB "
              f"(at most {_datasets_kept()} datasets are kept)",
              f"- peak memory of the process: dashboard {d['peak_mb']:.0f} MB, one-line app "
              f"{out['apps']['one-line app']['peak_mb']:.0f} MB"]
    return "\n".join(lines) + "\n"


def _datasets_kept() -> int:
    from action_tracker.web.data import DATASETS_KEPT, QUICK_DATASETS_KEPT
    return DATASETS_KEPT + QUICK_DATASETS_KEPT  # the last used, kept for plain lookup too: as a rule among the six


if __name__ == "__main__":
    main()
