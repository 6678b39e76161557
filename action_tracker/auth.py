"""Who may write. Checked inside every write function, not only by hiding controls.

Editors are configured in one of two ways:

* ACTION_TRACKER_EDITORS="alice:long-secret,bob:another-secret" in the environment, or
  the same mapping under [editors] in .streamlit/secrets.toml (the page passes it in);
* ACTION_TRACKER_LOCAL_EDITING=1, which `make run` sets: on a laptop, the person at the
  keyboard is the editor, and no password is asked. Never set it on a public server.

With neither, nobody can write through the dashboard; the command line (which already
has the file) can.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from . import settings
from .errors import TrackerError


class PermissionDenied(TrackerError):
    pass


@dataclass(frozen=True)
class Credentials:
    name: str
    password: str | None = None
    via: str = "dashboard"  # dashboard or command line


def command_line(name: str | None = None) -> Credentials:
    """Whoever runs the command line has the file already; record who they say they are."""
    return Credentials(name or os.environ.get("USER") or "command line", via="command line")


def local_editing() -> bool:
    return settings.current().local_editing


def configured_editors(secrets: Mapping[str, str] | None = None) -> dict[str, str]:
    """Editors from the settings (ACTION_TRACKER_EDITORS) and from secrets.toml's [editors]."""
    return dict(settings.Settings.from_env(secrets={"editors": dict(secrets or {})}).editors)


def editing_enabled(secrets: Mapping[str, str] | None = None) -> bool:
    return local_editing() or bool(configured_editors(secrets))


def require_editor(cred: Credentials | None, secrets: Mapping[str, str] | None = None) -> str:
    """The editor's name if these credentials may write; PermissionDenied otherwise."""
    if cred is None or not cred.name.strip():
        raise PermissionDenied("only editors can change the tracker: sign in first")
    if cred.via == "command line" or local_editing():
        return cred.name.strip()
    expected = configured_editors(secrets).get(cred.name.strip())
    if expected is None or cred.password is None or not hmac.compare_digest(
            expected.encode(), cred.password.encode()):
        raise PermissionDenied("unknown editor or wrong password")
    return cred.name.strip()
