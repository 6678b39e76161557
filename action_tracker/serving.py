"""What serve.py adds to Streamlit's own server: the browser is told where the app lives, the
server sends small messages at once (send_small_messages_at_once), and a script run's messages reach
the server's event loop in batches (script_events_in_batches, at the end).

A page opened by its own link (`/compare`, `/explorer?id=…`) first asks `/compare/_stcore/health`,
in case the app itself lives at `/compare`; that answers 404, and Streamlit's frontend waits 100 ms
before it asks `/_stcore/health`. Every page but the overview paid it: 0.07-0.1 s of a 1.2 s load
(measured in headless Chromium on 2 Dec 2026). The frontend skips the guess when the page sets
`window.__streamlit.BACKEND_BASE_URL`, a setting Streamlit reads but gives no option for; so the
HTML page it serves gets a small script that sets it: the link's path without a trailing page name
(`/compare` -> `/`, `/tracker/compare` -> `/tracker/` behind a proxy that serves the app under
`/tracker`). A path that ends in no page name of ours is the app's base itself, as Streamlit's own
first guess has it; so is a path that ends in the server's own base path (`--server.baseUrlPath`),
even one named like a page (`/compare` is the app when it is served under `compare`). A proxy that
strips a path named like a page, unknown to the server, would be mistaken for that page: the README's
Deployment says to serve dashboard.py then. A host that already sets `window.__streamlit` keeps its own.

Plain ASGI, so tests call it without a server; nothing from the request goes into the script.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import socket
import stat
import threading
from collections import deque

# Every page's url_path in dashboard.py (the overview is the app's base): a test keeps them equal.
PAGE_PATHS = ("timeline", "completion", "owners", "compare", "explorer", "updates", "snapshots", "methodology")


def _js_value(value) -> str:
    """A value as JavaScript inside a <script>: JSON, with every < escaped so nothing ends the script."""
    return json.dumps(value).replace("<", "\\u003c")


def base_url_script(base_path: str = "") -> bytes:
    """The script put at the start of the page's <head>; base_path: the server's baseUrlPath (set by
    whoever runs the server, not by a request)."""
    base = base_path.strip("/")
    return (
        "<script>(function () {"
        "if (window.__streamlit) return;"
        f"var pages = {_js_value(list(PAGE_PATHS))}, base = {_js_value(base)};"
        "var parts = window.location.pathname.replace(/\\/+$/, '').split('/');"
        "var rest = parts.slice(0, -1).join('/');"
        "if (pages.indexOf(parts[parts.length - 1]) >= 0"
        " && (!base || rest.slice(-base.length - 1) === '/' + base)) parts.pop();"
        "window.__streamlit = {BACKEND_BASE_URL: window.location.origin + parts.join('/') + '/'};"
        "})();</script>"
    ).encode()


def _server_base_path() -> str:
    from streamlit import config
    return config.get_option("server.baseUrlPath") or ""


def _is_page_request(scope) -> bool:
    """A request the app's HTML page answers: a GET of a path whose last part is no file name (the
    page's link) and is not one of Streamlit's own endpoints. (A HEAD loads no page: left as it is.)"""
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    path = scope["path"]
    return "/_stcore/" not in path and "." not in path.rsplit("/", 1)[-1]


class KnownAppBase:
    """ASGI middleware: the HTML page, with base_url_script() at the start of its <head>."""

    def __init__(self, app, base_path: str | None = None):
        self.app = app
        self.script = base_url_script(_server_base_path() if base_path is None else base_path)

    async def __call__(self, scope, receive, send):
        if not _is_page_request(scope):
            return await self.app(scope, receive, send)
        # The page is 8 KB: uncompressed, so the script can go in without unpacking it.
        scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"])
        start, body = None, []

        async def send_with_script(message):
            nonlocal start
            if message["type"] == "http.response.start":
                start = message  # held until the body is known: its length changes
                return
            if message["type"] != "http.response.body" or start is None:
                return await send(message)
            headers = list(start.get("headers", []))
            content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            if start["status"] != 200 or not content_type.startswith(b"text/html"):
                await send(start)
                start = None
                return await send(message)
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            html = b"".join(body)
            if b"<head>" in html:
                html = html.replace(b"<head>", b"<head>" + self.script, 1)
            headers = [(k, str(len(html)).encode() if k.lower() == b"content-length" else v) for k, v in headers]
            await send({**start, "headers": headers})
            start = None
            await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, send_with_script)


def send_small_messages_at_once() -> int:
    """Turn Nagle's algorithm off (TCP_NODELAY) on this process's TCP sockets; returns how many.

    Streamlit's server binds its own listening socket with protocol number 0, and asyncio turns Nagle
    off only on sockets that name TCP's, so every connection the server accepted kept it on: after the
    first message of a view the rest waited for the browser's acknowledgement, which a client holds
    back for up to 40 ms (Linux's delayed ACK; 200 ms on Windows). Measured on 2 Dec 2026 over
    Streamlit's websocket: every view of every page, the one-line app's too, arrived 40-45 ms after its
    first message. Linux gives a listening socket's setting to each connection it accepts, so this runs
    once, when the server starts. Read from /proc/self/fd: elsewhere it does nothing."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return 0
    done = 0
    for fd in fds:
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=fd)
        except OSError:  # closed meanwhile (listdir's own descriptor), or not a socket after all
            continue
        try:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                done += 1
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor stays the server's
    return done


class SmallMessagesAtOnce:
    """ASGI middleware: send_small_messages_at_once() when the server starts (its lifespan)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            send_small_messages_at_once()
        return await self.app(scope, receive, send)


# What AppSession._on_scriptrunner_event takes (Streamlit 1.67), after self: what the batches carry.
SCRIPT_EVENT_FIELDS = ("sender", "event", "forward_msg", "exception", "client_state", "page_script_hash",
                       "fragment_ids_this_run", "pages", "run_descriptor")


def script_events_in_batches(session_class=None) -> bool:
    """Hand a script run's events (each element it draws, its start and its end) to the server's event
    loop in batches, not one wake-up each; returns whether it is in place.

    Streamlit's session schedules every event of its script thread on the event loop by itself
    (`call_soon_threadsafe`): a write to the loop's wake-up socket, and the loop thread taking the GIL
    from the script, for each of a page's 25-45 messages. py-spy on the timeline, 2 Dec 2026: 14% of
    the script thread's time in that write. Here a session's events wait in a queue of its own, in
    order, and one callback on the loop hands over all that arrived meanwhile; a script event that
    finds the queue empty schedules it. Each event is handled as before, by the session's own
    handler, in the same order. A/B on two servers at once (four runs of 4-8 rounds of 100 views, 3 Dec
    2026): server CPU per view of the overview, the page with most messages, 8.5-9.0 -> 7.55-8.3 ms in
    every run; timeline and explorer 0.35 ms less on average (even in one run of four), compare 0.15.
    A small gain, mostly the wake-up socket's system calls: the loop thread waits for the GIL anyway.

    This replaces a private method, so it checks that the method still takes what it did in the
    Streamlit this project pins; otherwise it logs why and leaves Streamlit as it is."""
    if session_class is None:
        from streamlit.runtime.app_session import AppSession as session_class
    original = getattr(session_class, "_on_scriptrunner_event", None)
    if getattr(original, "in_batches", False):
        return True
    try:
        fields = tuple(inspect.signature(original).parameters)[1:]
    except (TypeError, ValueError):
        fields = ()
    needed = ("_handle_scriptrunner_event_on_event_loop", "_call_soon_on_event_loop")
    if fields != SCRIPT_EVENT_FIELDS or not all(callable(getattr(session_class, n, None)) for n in needed):
        logging.getLogger(__name__).warning(
            "Streamlit's AppSession has changed (%s takes %s): script events go one by one, as Streamlit "
            "sends them", "_on_scriptrunner_event", fields)
        return False
    session_class._on_scriptrunner_event = _queue_script_event
    return True


_SCRIPT_EVENTS_LOCK = threading.Lock()


def _queue_script_event(self, sender, event, forward_msg=None, exception=None, client_state=None,
                        page_script_hash=None, fragment_ids_this_run=None, pages=None, run_descriptor=None) -> None:
    """AppSession._on_scriptrunner_event, in batches: queued, and a hand-over scheduled if none is."""
    item = (sender, event, forward_msg, exception, client_state, page_script_hash, fragment_ids_this_run, pages,
            run_descriptor)
    with _SCRIPT_EVENTS_LOCK:
        queue = self.__dict__.setdefault("_script_events", deque())
        queue.append(item)
        if len(queue) > 1:  # a hand-over is scheduled or at work: it takes this one too
            return
    self._call_soon_on_event_loop(lambda: _hand_over(self))


_queue_script_event.in_batches = True


def _hand_over(session) -> None:
    """On the event loop: every queued event, in order. Each stays queued while it is handled, so an
    event that arrives meanwhile knows a hand-over is at work."""
    queue = session.__dict__["_script_events"]
    more = True
    while more:
        try:
            session._handle_scriptrunner_event_on_event_loop(*queue[0])
        except BaseException:
            with _SCRIPT_EVENTS_LOCK:
                queue.popleft()
                more = bool(queue)
            if more:  # the rest still goes, in order, as when each event had its own callback
                session._call_soon_on_event_loop(lambda: _hand_over(session))
            raise
        with _SCRIPT_EVENTS_LOCK:
            queue.popleft()
            more = bool(queue)
