"""Limits on what one visitor can do: sign-in throttling and a rate limit on saving snapshots.

Plain classes with an injectable clock, so tests drive them without waiting; the dashboard keeps
one of each per server process (web.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict, deque

log = logging.getLogger("action_tracker.security")


class SignInThrottle:
    """After `free` failed sign-ins for a key (an editor name, a client), each further attempt waits
    longer: `base` seconds, doubling with every failure, at most `cap`. A success clears the key."""

    def __init__(self, free: int = 3, base: float = 30, cap: float = 900, clock=time.monotonic):
        self.free, self.base, self.cap, self.clock = free, base, cap, clock
        self._failures: dict[str, int] = defaultdict(int)
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds before these keys may try again (0: now)."""
        now = self.clock()
        with self._lock:
            return max([0.0] + [self._until.get(k, 0) - now for k in keys])

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for k in keys:
                self._failures[k] += 1
                n = self._failures[k]
                if n >= self.free:
                    self._until[k] = now + min(self.cap, self.base * 2 ** (n - self.free))
        log.warning("failed sign-in for %s", ", ".join(keys))

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)
                self._until.pop(k, None)


class RateLimit:
    """At most `count` events per `seconds` for a key (a client)."""

    def __init__(self, count: int = 5, seconds: float = 600, clock=time.monotonic):
        self.count, self.seconds, self.clock = count, seconds, clock
        self._events: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            q = self._events[key]
            while q and q[0] <= now - self.seconds:
                q.popleft()
            if len(q) >= self.count:
                return False
            q.append(now)
            return True
