"""Loaders: plan documents in, committed actions out.

`data/plans/manifest.toml` lists the plans; each names one of the loaders below. Adding a
plan that is not in the box takes a manifest entry with `loader = "csv"` and a CSV of its
actions (see `loaders/csv_plan.py` and the README).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import au, cn, csv_plan, eu, uk, us
from .common import Action, LoaderError
from .owners import OwnerRegistry
from .timing import publication_window

PLANS_DIR = Path(__file__).resolve().parent.parent / "data" / "plans"
LOADERS = {"us": us.load, "cn": cn.load, "au": au.load, "eu": eu.load, "uk": uk.load,
           "csv": csv_plan.load}
REQUIRED_KEYS = ("plan_id", "title", "publisher", "jurisdiction", "published", "file", "loader")


@dataclass
class LoadedPlan:
    meta: dict
    actions: list[Action]
    source_sha256: str


def read_manifest(plans_dir: Path = PLANS_DIR) -> list[dict]:
    path = plans_dir / "manifest.toml"
    try:
        with open(path, "rb") as f:
            entries = tomllib.load(f).get("plan", [])
    except FileNotFoundError:
        raise LoaderError(path, "manifest not found") from None
    except tomllib.TOMLDecodeError as e:
        raise LoaderError(path, f"not valid TOML: {e}") from None
    seen = set()
    for n, entry in enumerate(entries, start=1):
        for key in REQUIRED_KEYS:
            if not str(entry.get(key, "")).strip():
                raise LoaderError(path, f"plan #{n} has no {key}", column=key)
        if entry["loader"] not in LOADERS:
            raise LoaderError(path, f"plan {entry['plan_id']} names an unknown loader "
                                    f"(known: {', '.join(LOADERS)})", column="loader", value=entry["loader"])
        if entry["plan_id"] in seen:
            raise LoaderError(path, "plan_id listed twice", column="plan_id", value=entry["plan_id"])
        seen.add(entry["plan_id"])
        try:
            publication_window(str(entry["published"]))
        except ValueError:
            raise LoaderError(path, f"plan {entry['plan_id']}: published must be YYYY, YYYY-MM or "
                                    "YYYY-MM-DD", column="published", value=entry["published"]) from None
    return entries


def load_plan(entry: dict, plans_dir: Path = PLANS_DIR,
              registry: OwnerRegistry | None = None) -> LoadedPlan:
    """Run one plan's loader. Raises LoaderError rather than return a partial list."""
    registry = registry or OwnerRegistry.load()
    path = plans_dir / entry["file"]
    if not path.is_file():
        raise LoaderError(path, f"source file of plan {entry['plan_id']} not found")
    actions = LOADERS[entry["loader"]](path, entry, registry)
    ids = set()
    for a in actions:
        a.check()
        if a.action_id in ids:
            raise LoaderError(path, "two actions got the same id", a.line_start, "action_id", a.action_id)
        ids.add(a.action_id)
        for oid in [a.lead_owner_id, *a.other_owner_ids]:
            if oid and oid not in registry.owners:
                raise LoaderError(path, f"{a.action_id} names an owner the registry does not know",
                                  a.line_start, "owner", oid)
    if not actions:
        raise LoaderError(path, f"plan {entry['plan_id']} produced no actions")
    return LoadedPlan(entry, actions, hashlib.sha256(path.read_bytes()).hexdigest())


def load_all(plans_dir: Path = PLANS_DIR, registry: OwnerRegistry | None = None) -> list[LoadedPlan]:
    """Every plan of the manifest, loaded; the first LoaderError stops it all."""
    registry = registry or OwnerRegistry.load()
    return [load_plan(e, plans_dir, registry) for e in read_manifest(plans_dir)]


def source_excerpt(source_file: str, line_start: int, line_end: int, plans_dir: Path = PLANS_DIR) -> str:
    """The lines of a plan file an action was read from ('' if the file is not there)."""
    try:
        lines = (plans_dir / source_file).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return ""
    return "\n".join(lines[int(line_start) - 1:int(line_end)])


__all__ = ["Action", "LoaderError", "LoadedPlan", "OwnerRegistry", "read_manifest", "load_plan", "load_all",
           "source_excerpt"]
