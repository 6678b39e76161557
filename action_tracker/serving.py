"""What serve.py adds to Streamlit's own server: it sends each view's messages at once.

Streamlit binds its listening socket with protocol number 0, and asyncio turns Nagle's algorithm off
only on sockets that name TCP's, so every connection the server accepts keeps it on: after the first
message of a view the rest wait for the browser's acknowledgement, which Linux's delayed ACK holds back
for up to 40 ms (200 ms on Windows). That is the one hook into Streamlit's server this project keeps:
it changes a socket option, through Streamlit's public st.App middleware, on a figure a reader feels
(measured 2 Dec 2026 over Streamlit's websocket: every view of every page arrived whole 40-45 ms after
its first message, where the server needs about 12 ms to draw a chart page: a widget's answer took four
times as long as it had to). It does nothing where /proc/self/fd is missing.

Two earlier hooks were removed on 5 Dec 2026 (issue 28: a hook into Streamlit's internals stays only
where it buys at least 10% on a figure a user feels): the HTML page telling the browser where the app
lives (0.07-0.1 s of a deep link's 1.2 s load, 6-8%) and a script run's events handed to the event
loop in batches (it replaced a private AppSession method for 2-10% of server CPU per view).
"""

from __future__ import annotations

import os
import socket
import stat


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
