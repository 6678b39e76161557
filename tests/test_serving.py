"""serve.py's two additions to Streamlit's server (action_tracker/serving.py), called as plain ASGI."""

from __future__ import annotations

import ast
import asyncio

import pytest

from action_tracker import serving

from .conftest import ROOT

PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body></body></html>"


def _serve(path: str, body: bytes = PAGE, content_type: bytes = b"text/html; charset=utf-8", status: int = 200,
           method: str = "GET", chunks: int = 1, accept: bytes = b"gzip, br", app_base: str | None = None):
    """Run the middleware around an app answering `body` in `chunks` parts. Returns (status, headers,
    body as sent, the request headers the app saw)."""
    seen, sent = {}, []

    async def app(scope, receive, send):
        seen["headers"] = dict(scope["headers"])
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                                (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]})
        step = -(-len(body) // chunks)
        for i in range(chunks):
            await send({"type": "http.response.body", "body": body[i * step:(i + 1) * step],
                        "more_body": i < chunks - 1})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [(b"accept-encoding", accept)]}
    asyncio.run(serving.KnownAppBase(app, app_base)(scope, None, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], start["headers"], data, seen["headers"]


@pytest.mark.parametrize("path", ["/", "/compare", "/tracker/explorer", "/snapshots"])
@pytest.mark.parametrize("chunks", [1, 3])
def test_the_page_tells_the_browser_where_the_app_lives(path, chunks):
    status, headers, body, request = _serve(path, chunks=chunks)
    assert status == 200 and body == PAGE.replace(b"<head>", b"<head>" + serving.base_url_script())
    assert dict(headers)[b"content-length"] == str(len(body)).encode()
    assert [v for k, v in headers if k == b"set-cookie"] == [b"a=1", b"b=2"]  # no header lost or merged
    assert b"accept-encoding" not in request  # the page is sent whole, so the script can go in


@pytest.mark.parametrize("path, content_type, status, method", [
    ("/static/js/index.js", b"text/javascript", 200, "GET"),  # a file: untouched, compressed as before
    ("/_stcore/health", b"text/html", 200, "GET"),  # Streamlit's own endpoints
    ("/compare", b"text/html", 404, "GET"),
    ("/compare", b"application/json", 200, "GET"),
    ("/compare", b"text/html", 200, "HEAD"),  # a HEAD loads no page
])
def test_everything_else_passes_through_unchanged(path, content_type, status, method):
    got_status, headers, body, request = _serve(path, content_type=content_type, status=status, method=method)
    assert (got_status, body) == (status, PAGE) and dict(headers)[b"content-length"] == str(len(PAGE)).encode()
    if "." in path or "_stcore" in path or method == "HEAD":
        assert request[b"accept-encoding"] == b"gzip, br"


def test_the_script_knows_the_server_base_path_and_keeps_it_text():
    assert b'base = ""' in serving.base_url_script()
    assert b'base = "tracker/app"' in serving.base_url_script("/tracker/app/")
    script = serving.base_url_script("</script><script>alert(1)")
    assert script.count(b"</script>") == 1 and b"\\u003c/script>" in script
    body = _serve("/compare", app_base="compare")[2]
    assert body == PAGE.replace(b"<head>", b"<head>" + serving.base_url_script("compare"))


def test_the_script_knows_every_page_of_the_dashboard():
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    url_paths = [k.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
                 for k in node.keywords if k.arg == "url_path"]
    assert sorted(url_paths) == sorted(serving.PAGE_PATHS)
    assert b"<" not in serving.base_url_script()[len(b"<script>"):-len(b"</script>")]  # nothing ends it early


def _nodelay(sock) -> int:
    import socket
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_the_server_socket_and_every_connection_it_accepts_send_at_once():
    """Streamlit binds with protocol number 0, which asyncio leaves with Nagle's algorithm on."""
    import socket
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # as Streamlit's _bind_socket makes it
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    others = socket.socketpair()  # not TCP: left alone
    try:
        assert _nodelay(listener) == 0
        assert serving.send_small_messages_at_once() >= 1
        assert _nodelay(listener) == 1 and listener.fileno() >= 0  # still open, still the server's
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        assert _nodelay(accepted) == 1  # Linux hands the listener's setting to each connection
        assert others[0].fileno() >= 0 and others[0].send(b"x") == 1 and others[1].recv(1) == b"x"
        client.close()
        accepted.close()
    finally:
        listener.close()
        others[0].close()
        others[1].close()


def test_the_middleware_does_it_when_the_server_starts(monkeypatch):
    calls, passed = [], []
    monkeypatch.setattr(serving, "send_small_messages_at_once", lambda: calls.append(1) or 1)

    async def app(scope, receive, send):
        passed.append(scope["type"])

    middleware = serving.SmallMessagesAtOnce(app)
    asyncio.run(middleware({"type": "lifespan"}, None, None))
    asyncio.run(middleware({"type": "http", "method": "GET", "path": "/", "headers": []}, None, None))
    assert calls == [1] and passed == ["lifespan", "http"]


def test_serve_py_uses_both_middlewares():
    tree = ast.parse((ROOT / "serve.py").read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert {"KnownAppBase", "SmallMessagesAtOnce"} <= names
