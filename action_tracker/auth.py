"""Who may write, and what. Checked inside every write function, not only by hiding controls.

People sign in one of three ways:

* through the organisation's identity provider (Streamlit's OpenID Connect, `st.login`, configured
  under [auth] in .streamlit/secrets.toml): the page passes the signed-in address on;
* with a name and password, as a fallback: only a salted scrypt hash of the password is ever
  stored (`python -m action_tracker hash-password` makes one);
* ACTION_TRACKER_LOCAL_EDITING=1, which `make run` sets: on a laptop the person at the keyboard is
  the admin, and nothing is asked. Never set it on a public server.

What a signed-in person may do comes from the roster, data/editors.toml (ACTION_TRACKER_EDITORS_FILE):

    [people."analyst@dsit.gov.uk"]
    role = "contributor"          # proposes updates for the actions its bodies own; they wait for review
    bodies = ["uk-dsit"]          # owner ids of data/owners.csv; the bodies under them (parent_id) too
    [people."lead@delivery.gov.uk"]
    role = "reviewer"             # approves or rejects what waits in the review queue; applies uploads
    [people."ops@delivery.gov.uk"]
    role = "admin"                # a reviewer who may also revert uploads; keeps this file and the plans
    password = "scrypt$16384$8$1$…"   # only for the password fallback: a hash, never the password

Names and hashes in ACTION_TRACKER_EDITORS ("name:scrypt$…") or under [editors] in secrets.toml are
reviewers, as editors were before roles. Someone signed in but not on the roster may write nothing.
The command line (which has the file already) acts as admin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets as _secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import settings
from .errors import TrackerError

ROLES = ("contributor", "reviewer", "admin")  # each may do what the one before it may
ROLE_WORDS = {"contributor": "proposes updates for its own bodies' actions; they wait for a reviewer",
              "reviewer": "approves or rejects what waits in the review queue, and applies uploads",
              "admin": "a reviewer who may also revert uploads and keeps the roster and the plans"}
_SCRYPT = (2 ** 14, 8, 1)  # n, r, p: 16 MB and about 50 ms a check on this machine's cores


class PermissionDenied(TrackerError):
    pass


class RosterError(TrackerError):
    """The roster (data/editors.toml or the editors setting) cannot be used; nobody may sign in by it."""


@dataclass(frozen=True)
class Credentials:
    name: str
    password: str | None = field(default=None, repr=False)  # never printed, never logged
    via: str = "dashboard"  # dashboard (a password), sign-in (the identity provider), command line


@dataclass(frozen=True)
class Person:
    identity: str
    role: str
    bodies: tuple[str, ...] = ()
    password_hash: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Editor:
    """Someone allowed to write, and how far."""
    name: str
    role: str
    bodies: tuple[str, ...] = ()  # a contributor's bodies; empty for reviewers and admins (every action)

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def reviews(self) -> bool:
        return self.at_least("reviewer")


# --- passwords: salted scrypt hashes only --------------------------------------------------------

def hash_password(password: str) -> str:
    """A salted scrypt hash, "scrypt$n$r$p$salt$hash" (base64): what the roster stores, never the password."""
    if len(password) < 12:
        raise RosterError("a password needs at least 12 characters")
    n, r, p = _SCRYPT
    salt = _secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return "$".join(["scrypt", str(n), str(r), str(p), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def is_hash(value: str) -> bool:
    parts = str(value).split("$")
    return len(parts) == 6 and parts[0] == "scrypt" and all(x.isdigit() for x in parts[1:4])


def verify_password(password: str, stored: str) -> bool:
    if not is_hash(stored):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    try:
        expected = base64.b64decode(digest, validate=True)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt, validate=True), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected), maxmem=128 * 1024 * 1024)
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(expected, got)


# --- the roster -----------------------------------------------------------------------------------

def _plain_refused(where: str, who: str) -> RosterError:
    return RosterError(f"{where}: {who}: the password is stored in the clear. Store only its hash: run "
                       "`python -m action_tracker hash-password` and put what it prints there instead")


def load_roster(path: Path) -> dict[str, Person]:
    """People of a roster file, by identity (compared without case). A bad entry stops the whole file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise RosterError(f"{path}: not valid TOML: {e}") from None
    people = data.get("people", {})
    if not isinstance(people, dict) or set(data) - {"people"}:
        raise RosterError(f"{path}: expected only [people.\"<identity>\"] tables")
    out = {}
    for identity, entry in people.items():
        where = f"{path}: people.{identity!r}"
        if not isinstance(entry, dict):
            raise RosterError(f"{where}: expected a table with role = …")
        unknown = set(entry) - {"role", "bodies", "password", "name"}
        if unknown:
            raise RosterError(f"{where}: unknown key {sorted(unknown)[0]!r} (role, bodies, password)")
        role = entry.get("role")
        if role not in ROLES:
            raise RosterError(f"{where}, role: {role!r} is not one of {', '.join(ROLES)}")
        bodies = entry.get("bodies", [])
        if not isinstance(bodies, list) or not all(isinstance(b, str) and b.strip() for b in bodies):
            raise RosterError(f"{where}, bodies: {bodies!r} is not a list of owner ids")
        if role == "contributor" and not bodies:
            raise RosterError(f"{where}, bodies: a contributor needs the bodies it reports for (owner ids)")
        if role != "contributor" and bodies:
            raise RosterError(f"{where}, bodies: only contributors are limited to bodies; a {role} sees every action")
        password = entry.get("password")
        if password is not None and not is_hash(password):
            raise _plain_refused(str(path), repr(identity))
        key = identity.strip().lower()
        if not key:
            raise RosterError(f"{path}: a person with an empty identity")
        out[key] = Person(key, role, tuple(b.strip() for b in bodies), password)
    return out


def roster(secrets: Mapping[str, str] | None = None) -> dict[str, Person]:
    """Everyone who may write: the roster file, then reviewers of the editors setting and secrets.toml."""
    s = settings.Settings.from_env(secrets={"editors": dict(secrets or {})})
    people = load_roster(s.editors_file) if s.editors_file.exists() else {}
    for name, stored in s.editors.items():
        if not is_hash(stored):
            raise _plain_refused("ACTION_TRACKER_EDITORS or [editors] in secrets.toml", repr(name))
        key = name.strip().lower()
        if key not in people:
            people[key] = Person(key, "reviewer", (), stored)
    return people


def command_line(name: str | None = None) -> Credentials:
    """Whoever runs the command line has the file already; record who they say they are."""
    return Credentials(name or os.environ.get("USER") or "command line", via="command line")


def signed_in(identity: str) -> Credentials:
    """Someone the identity provider vouched for (st.user on a page configured with [auth])."""
    return Credentials(identity, via="sign-in")


def local_editing() -> bool:
    return settings.current().local_editing


def configured_editors(secrets: Mapping[str, str] | None = None) -> dict[str, Person]:
    return roster(secrets)


def editing_enabled(secrets: Mapping[str, str] | None = None, identity_provider: bool = False) -> bool:
    """Can anyone write through the dashboard at all: local editing, an identity provider, or a roster."""
    if local_editing() or identity_provider:
        return True
    try:
        return bool(roster(secrets))
    except RosterError:
        return True  # the page then says what is wrong with the roster


def authorize(cred: Credentials | None, secrets: Mapping[str, str] | None = None) -> Editor:
    """Who these credentials are and what they may do; PermissionDenied if they may write nothing."""
    if cred is None or not cred.name.strip():
        raise PermissionDenied("only editors can change the tracker: sign in first")
    name = cred.name.strip()
    if cred.via == "command line" or local_editing():
        return Editor(name, "admin")
    person = roster(secrets).get(name.lower())
    if cred.via == "sign-in":
        if person is None:
            raise PermissionDenied(f"{name} is signed in but is not on the tracker's roster of editors "
                                   "(data/editors.toml), so may change nothing: ask an admin to add you")
        return Editor(name, person.role, person.bodies)
    if person is None or person.password_hash is None or cred.password is None \
            or not verify_password(cred.password, person.password_hash):
        raise PermissionDenied("unknown editor or wrong password")
    return Editor(name, person.role, person.bodies)


def require(cred: Credentials | None, role: str, what: str, secrets: Mapping[str, str] | None = None) -> Editor:
    """The editor, if at least `role`; PermissionDenied naming what was refused otherwise."""
    editor = authorize(cred, secrets)
    if not editor.at_least(role):
        raise PermissionDenied(f"{editor.name} is a {editor.role} and cannot {what}: that needs a {role}")
    return editor


def require_editor(cred: Credentials | None, secrets: Mapping[str, str] | None = None) -> str:
    """The name of someone who may record status changes directly (a reviewer or admin)."""
    return require(cred, "reviewer", "record changes without review", secrets).name


# --- scopes: the actions a contributor's bodies own ---------------------------------------------

def bodies_with_children(con, bodies: tuple[str, ...]) -> set[str]:
    """The bodies and every body under them (owners.parent_id), checked against the owners table."""
    known = {r[0] for r in con.execute("SELECT owner_id FROM owners").fetchall()}
    missing = [b for b in bodies if b not in known]
    if missing:
        raise RosterError(f"data/editors.toml: body {missing[0]!r} is not an owner id of data/owners.csv")
    rows = con.execute("""
        WITH RECURSIVE under(owner_id) AS (
            SELECT owner_id FROM owners WHERE list_contains(?, owner_id)
            UNION SELECT o.owner_id FROM owners o JOIN under u ON o.parent_id = u.owner_id)
        SELECT owner_id FROM under""", [list(bodies)]).fetchall()
    return {r[0] for r in rows}


def scope(con, editor: Editor) -> set[str] | None:
    """The action ids the editor may report on; None for every action (reviewers, admins)."""
    if editor.reviews:
        return None
    owners = bodies_with_children(con, editor.bodies)
    rows = con.execute("""SELECT DISTINCT action_id FROM action_owners WHERE list_contains(?, owner_id)""",
                       [sorted(owners)]).fetchall()
    return {r[0] for r in rows}


def scope_words(editor: Editor) -> str:
    return f"{editor.name} reports for {', '.join(editor.bodies)} and the bodies under them"
