"""Who is asking and may they write: sign-in for editors, the sign-in throttle and snapshot rate
limit, the client's id, and republishing the public edition after an upload. The page only decides
what to show: every write checks the credentials again on the server.
"""

from __future__ import annotations

import streamlit as st

from ..text import md


def editor_secrets() -> dict[str, str]:
    """Editors from .streamlit/secrets.toml ([editors] name = "password"), if the file has any."""
    try:
        return dict(st.secrets.get("editors", {}))
    except Exception:  # no secrets file: Streamlit raises rather than return empty
        return {}


def identity_provider() -> bool:
    """Is sign-in through an identity provider configured ([auth] in .streamlit/secrets.toml)?"""
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # no secrets file
        return False


def _signed_in_line(cred, secrets) -> None:
    from .. import auth
    try:
        editor = auth.authorize(cred, secrets)
    except auth.PermissionDenied:
        return
    st.sidebar.success(md(f"Signed in as {editor.name} ({editor.role}"
                          + (f" for {', '.join(editor.bodies)}" if editor.bodies else "") + ")"))


def sign_in(secrets: dict[str, str]):
    """The editor's credentials for this session, asking for them when needed; None if not signed in.

    The page only decides what to show: every write checks these credentials again on the server
    (auth.authorize: the roster says what each person may do).
    """
    from .. import auth
    if auth.local_editing():
        name = st.sidebar.text_input("Your name (recorded with your changes)", value="local editor", key="editor_name")
        return auth.Credentials(name or "local editor")
    if identity_provider():
        return _sign_in_with_provider(secrets)
    cred = st.session_state.get("editor_credentials")
    if cred is not None:
        _signed_in_line(cred, secrets)
        if st.sidebar.button("Sign out"):
            del st.session_state["editor_credentials"]
            st.rerun()
        return cred
    st.markdown("**Editors sign in to upload updates.**")
    name = st.text_input("Editor name", key="sign_in_name")
    password = st.text_input("Password", type="password", key="sign_in_password")
    if st.button("Sign in", key="sign_in"):
        keys = (f"editor:{name.strip().lower()}", f"client:{client_id()}")
        throttle = _sign_in_throttle()
        wait = throttle.wait(*keys)
        if wait > 0:  # refused before the password is even compared
            st.error(f"Too many failed sign-ins: try again in {int(wait) + 1} seconds.")
            return None
        candidate = auth.Credentials(name, password)
        try:
            auth.require_editor(candidate, secrets)
        except (auth.PermissionDenied, auth.RosterError) as e:
            throttle.failed(*keys)
            st.error(md(str(e)))
            return None
        throttle.succeeded(*keys)
        st.session_state["editor_credentials"] = candidate
        st.rerun()
    return None


def _sign_in_with_provider(secrets):
    """Sign-in through the organisation's identity provider (Streamlit's OpenID Connect): the address
    it vouches for, checked against the roster on every write."""
    from .. import auth
    if not st.user.is_logged_in:
        st.markdown("**Editors sign in through their organisation's account.**")
        if st.button("Sign in", key="provider_sign_in", type="primary"):
            st.login()
        return None
    identity = str(st.user.get("email") or st.user.get("sub") or "")
    cred = auth.signed_in(identity)
    if st.sidebar.button("Sign out", key="provider_sign_out"):
        st.logout()
    try:
        auth.authorize(cred, secrets)
    except (auth.PermissionDenied, auth.RosterError) as e:
        st.error(md(str(e)), icon="🔒")
        return None
    _signed_in_line(cred, secrets)
    return cred


@st.cache_resource
def _sign_in_throttle():
    from ..limits import SignInThrottle
    return SignInThrottle()


@st.cache_resource
def _snapshot_rate():
    from ..limits import RateLimit
    return RateLimit()


@st.cache_resource
def suggestion_rate():
    """Public suggestions: at most proposals.PUBLIC_PER_MINUTE a minute from one client."""
    from ..limits import RateLimit
    from ..proposals import PUBLIC_PER_MINUTE
    return RateLimit(PUBLIC_PER_MINUTE, 60)


def client_id() -> str:
    """Who is asking, as well as a server can tell: the client's address, else this session."""
    try:
        ip = st.context.ip_address
    except Exception:  # not every Streamlit context has one (tests, some proxies)
        ip = None
    if isinstance(ip, str) and ip:  # (under AppTest it is a stand-in object, different every run)
        return ip
    return st.session_state.setdefault("_client_id", __import__("secrets").token_hex(8))


def republish(cur) -> None:
    """Republish the public edition after an upload, when ACTION_TRACKER_PUBLISH_DIR is set (off by default)."""
    from ..settings import current
    target = current().publish_dir
    if target is None:
        return
    from ..publish import publish
    try:
        counts = publish(cur, target)
    except Exception as e:  # the upload stands; say what went wrong with the site
        st.warning(f"The public edition could not be republished: {md(str(e))}", icon="⚠️")
    else:
        st.info(f"The public edition in {md(str(target))} was republished ({counts['files']} files).", icon="🌐")
