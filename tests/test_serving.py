"""serve.py's one addition to Streamlit's server (action_tracker/serving.py): messages sent at once."""

from __future__ import annotations

import ast
import asyncio

from action_tracker import serving

from .conftest import ROOT


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


def test_serve_py_uses_the_middleware_and_no_other_hook():
    tree = ast.parse((ROOT / "serve.py").read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "SmallMessagesAtOnce" in names
    # The hooks removed by issue 28 stay removed: nothing replaces a method of Streamlit's session.
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)]
