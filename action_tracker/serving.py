"""What serve.py adds to Streamlit's own server: the browser is told where the app lives, and the
server sends small messages at once (send_small_messages_at_once, at the end).

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

import json
import os
import socket
import stat

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
