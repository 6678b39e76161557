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


class _Session:
    """The three methods of Streamlit's AppSession that script_events_in_batches touches, as they are in
    the Streamlit this project pins (the next test checks that), on an event loop of the test's own."""

    def __init__(self, loop, fail_on=None):
        self.loop, self.fail_on, self.handled, self.scheduled = loop, fail_on, [], 0

    def _on_scriptrunner_event(self, sender, event, forward_msg=None, exception=None, client_state=None,
                               page_script_hash=None, fragment_ids_this_run=None, pages=None, run_descriptor=None):
        self._call_soon_on_event_loop(lambda: self._handle_scriptrunner_event_on_event_loop(
            sender, event, forward_msg, exception, client_state, page_script_hash, fragment_ids_this_run, pages,
            run_descriptor))

    def _call_soon_on_event_loop(self, callback):
        self.scheduled += 1
        self.loop.call_soon_threadsafe(callback)

    def _handle_scriptrunner_event_on_event_loop(self, sender, event, forward_msg, *rest):
        if event == self.fail_on:
            raise RuntimeError(f"cannot handle {event}")
        self.handled.append((event, forward_msg, rest[-1]))


def _events_from_a_thread(session, events):
    """Send each event as a script thread does, from a thread of its own, and wait for it to end."""
    import threading

    def run():
        for i in events:
            session._on_scriptrunner_event(None, i, forward_msg=f"msg {i}", run_descriptor="run 1")
    t = threading.Thread(target=run)
    t.start()
    t.join()


def _run_loop_until_quiet(loop):
    loop.run_until_complete(asyncio.sleep(0.05))


@pytest.fixture
def batched_session_class():
    class Session(_Session):
        pass
    assert serving.script_events_in_batches(Session) is True
    return Session


def test_a_script_runs_events_reach_the_loop_in_one_hand_over_and_in_order(batched_session_class):
    loop = asyncio.new_event_loop()
    try:
        session = batched_session_class(loop)
        _events_from_a_thread(session, range(200))  # the loop is not running: all 200 wait
        assert session.scheduled == 1  # one wake-up, not 200
        _run_loop_until_quiet(loop)
        assert session.handled == [(i, f"msg {i}", "run 1") for i in range(200)]
        _events_from_a_thread(session, range(200, 203))  # the queue emptied: the next event schedules again
        _run_loop_until_quiet(loop)
        assert session.scheduled == 2 and [h[0] for h in session.handled[-3:]] == [200, 201, 202]
    finally:
        loop.close()


def test_events_from_the_loop_itself_keep_their_order_with_a_callback_scheduled_after_them(batched_session_class):
    """Streamlit's handle_backmsg_exception sends three events, then schedules the exception message
    itself, which must come after them."""
    loop = asyncio.new_event_loop()
    try:
        session, order = batched_session_class(loop), []
        for i in range(3):
            session._on_scriptrunner_event(None, i)
        session._call_soon_on_event_loop(lambda: order.append(list(session.handled)))
        _run_loop_until_quiet(loop)
        assert [h[0] for h in order[0]] == [0, 1, 2]
    finally:
        loop.close()


def test_an_event_whose_handling_fails_does_not_hold_back_the_rest(batched_session_class):
    loop = asyncio.new_event_loop()
    errors = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context["exception"]))
    try:
        session = batched_session_class(loop, fail_on=3)
        _events_from_a_thread(session, range(6))
        _run_loop_until_quiet(loop)
        assert [h[0] for h in session.handled] == [0, 1, 2, 4, 5]
        assert [str(e) for e in errors] == ["cannot handle 3"]  # raised where Streamlit's callback would
        _events_from_a_thread(session, [6])
        _run_loop_until_quiet(loop)
        assert session.handled[-1][0] == 6
    finally:
        loop.close()


def test_batches_are_put_in_place_once_and_only_where_streamlit_is_as_pinned(caplog):
    from streamlit.runtime.app_session import AppSession

    class Session(_Session):
        pass
    assert serving.script_events_in_batches(Session) and serving.script_events_in_batches(Session)
    in_place = Session._on_scriptrunner_event
    assert serving.script_events_in_batches(Session) and Session._on_scriptrunner_event is in_place

    class Changed(_Session):
        def _on_scriptrunner_event(self, sender, event, forward_msg=None, new_field=None):
            pass
    before = Changed._on_scriptrunner_event
    assert serving.script_events_in_batches(Changed) is False
    assert Changed._on_scriptrunner_event is before and "has changed" in caplog.text
    # The Streamlit in requirements.txt takes exactly what the batches carry.
    import inspect
    real = AppSession.__dict__["_on_scriptrunner_event"]
    fields = tuple(inspect.signature(real).parameters)[1:]
    assert getattr(real, "in_batches", False) or fields == serving.SCRIPT_EVENT_FIELDS
    assert all(callable(getattr(AppSession, n)) for n in ("_handle_scriptrunner_event_on_event_loop",
                                                          "_call_soon_on_event_loop"))


def test_serve_py_puts_the_batches_in_place():
    tree = ast.parse((ROOT / "serve.py").read_text(encoding="utf-8"))
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert "script_events_in_batches" in calls
