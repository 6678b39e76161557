"""Every setting of the tracker, read once, from the environment (and, on the dashboard,
from `.streamlit/secrets.toml`). docs/architecture.md's settings table lists each one; a test checks
that every field here is documented there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


def project_root() -> Path:
    """The folder holding the project's data/ and docs/: the checkout this code runs from; for an
    installed package (`pip install .`), $ACTION_TRACKER_HOME, or else the current folder."""
    here = Path(__file__).resolve().parent.parent
    if (here / "data" / "plans").is_dir():
        return here
    return Path(os.environ.get("ACTION_TRACKER_HOME") or Path.cwd()).resolve()


ROOT = project_root()


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    if not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be more than 0")
    return value


@dataclass(frozen=True)
class Settings:
    # (environment variable, what it means) for each field: the README table is checked against these.
    db_path: Path = field(default=ROOT / "data" / "tracker.duckdb",
                          metadata={"env": "ACTION_TRACKER_DB", "doc": "the store's file"})
    max_upload_mb: float = field(default=50.0, metadata={
        "env": "ACTION_TRACKER_MAX_UPLOAD_MB", "doc": "largest update file accepted, in MB (10^6 bytes)"})
    local_editing: bool = field(default=False, metadata={
        "env": "ACTION_TRACKER_LOCAL_EDITING", "doc": "1: whoever uses the dashboard may edit (a laptop only)"})
    editors: dict = field(default_factory=dict, metadata={
        "env": "ACTION_TRACKER_EDITORS",
        "doc": "reviewers as name:hash pairs, comma-separated; hashes from `hash-password` ([editors] in secrets.toml too)"})
    editors_file: Path = field(default=ROOT / "data" / "editors.toml", metadata={
        "env": "ACTION_TRACKER_EDITORS_FILE", "doc": "the roster: who signs in as contributor, reviewer or admin"})
    publish_dir: Path | None = field(default=None, metadata={
        "env": "ACTION_TRACKER_PUBLISH_DIR", "doc": "if set, the dashboard republishes the public edition there after each upload"})
    stale_days: int = field(default=180, metadata={
        "env": "ACTION_TRACKER_STALE_DAYS", "doc": "an action whose latest evidence is older than this is stale"})

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1_000_000)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> Settings:
        env = os.environ if env is None else env
        editors = dict((secrets or {}).get("editors", {}) or {})
        for pair in filter(None, (p.strip() for p in env.get("ACTION_TRACKER_EDITORS", "").split(","))):
            name, _, password = pair.partition(":")
            if name.strip() and password:
                editors[name.strip()] = password
        return cls(
            db_path=Path(env.get("ACTION_TRACKER_DB") or cls.db_path),
            max_upload_mb=_number(env, "ACTION_TRACKER_MAX_UPLOAD_MB", 50.0),
            local_editing=env.get("ACTION_TRACKER_LOCAL_EDITING") == "1",
            editors=editors,
            editors_file=Path(env.get("ACTION_TRACKER_EDITORS_FILE") or cls.editors_file),
            stale_days=int(_number(env, "ACTION_TRACKER_STALE_DAYS", 180)),
            publish_dir=Path(env["ACTION_TRACKER_PUBLISH_DIR"]) if env.get("ACTION_TRACKER_PUBLISH_DIR") else None,
        )


def current() -> Settings:
    """The settings of this process, from its environment now."""
    return Settings.from_env()
