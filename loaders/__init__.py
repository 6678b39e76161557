"""Loaders: plan documents in, committed actions out.

`data/plans/manifest.toml` lists the plans; each names one of the loaders below. Adding a
plan that is not in the box takes a manifest entry with `loader = "csv"` and a CSV of its
actions (see `loaders/csv_plan.py` and the README).
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from action_tracker.settings import ROOT
from action_tracker.text import clip

from . import au, cn, csv_plan, eu, uk, us
from .common import Action, LoaderError
from .leads import settle_leads
from .owners import OwnerRegistry
from .themes import read_reviewed as read_reviewed_themes
from .themes import suggest as suggest_themes
from .timing import publication_window

PLANS_DIR = ROOT / "data" / "plans"
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
        if entry.get("published_day"):
            try:
                date.fromisoformat(str(entry["published_day"]))
            except ValueError:
                raise LoaderError(path, f"plan {entry['plan_id']}: published_day must be YYYY-MM-DD",
                                  column="published_day", value=entry["published_day"]) from None
            if not str(entry.get("published_day_source", "")).strip():
                raise LoaderError(path, f"plan {entry['plan_id']}: a published_day needs its published_day_source",
                                  column="published_day_source")
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
    settle_leads(actions, entry, registry, plans_dir / "manifest.toml")
    return LoadedPlan(entry, actions, hashlib.sha256(path.read_bytes()).hexdigest())


def load_all(plans_dir: Path = PLANS_DIR, registry: OwnerRegistry | None = None) -> list[LoadedPlan]:
    """Every plan of the manifest, loaded, with the reviewed titles applied; the first LoaderError
    stops it all."""
    registry = registry or OwnerRegistry.load()
    loaded = [load_plan(e, plans_dir, registry) for e in read_manifest(plans_dir)]
    apply_reviewed_titles(loaded, plans_dir / "titles.csv")
    apply_themes(loaded, plans_dir / "themes.csv")
    return loaded


def apply_themes(loaded: list[LoadedPlan], path: Path) -> None:
    """Themes from the reviewed file; a plan with any action there must have every action there.
    Other plans keep their own `themes` column, else the rule's suggestion (basis 'rule'), else none."""
    reviewed = read_reviewed_themes(path)
    actions = {a.action_id: a for lp in loaded for a in lp.actions}
    for aid in reviewed:
        if aid not in actions and any(aid.startswith(lp.meta["plan_id"] + "-") for lp in loaded):
            raise LoaderError(path, "no action has this id", None, "action_id", aid)
    for lp in loaded:
        ids = [a.action_id for a in lp.actions]
        covered = [i for i in ids if i in reviewed]
        if covered and len(covered) != len(ids):
            missing = [i for i in ids if i not in reviewed]
            raise LoaderError(path, f"every action of plan {lp.meta['plan_id']} needs a primary theme; missing: "
                                    f"{', '.join(missing[:10])}", None, "action_id", missing[0])
        for a in lp.actions:
            if a.action_id in reviewed:
                r = reviewed[a.action_id]
                a.theme, a.other_themes, a.theme_basis = r.primary, r.others, r.basis
            elif a.theme is None:
                rule = suggest_themes(f"{a.title}. {a.text}", a.section)
                if rule:
                    a.theme, a.other_themes, a.theme_basis = rule[0], tuple(rule[1:3]), "rule"


TITLE_LIMIT = 80


def apply_reviewed_titles(loaded: list[LoadedPlan], path: Path) -> None:
    """Short, whole titles: the reviewed ones from titles.csv, else the document's own or the rule's,
    shortened at a word if need be. Every reviewed title must name an action that exists."""
    actions = {a.action_id: a for lp in loaded for a in lp.actions}
    if path.is_file():
        with open(path, newline="", encoding="utf-8") as f:
            for row_no, row in enumerate(csv.DictReader(f), start=2):
                aid, title = (row.get("action_id") or "").strip(), " ".join((row.get("title") or "").split())
                if aid not in actions:
                    if any(aid.startswith(lp.meta["plan_id"] + "-") for lp in loaded):
                        raise LoaderError(path, "no action has this id", row_no, "action_id", aid)
                    continue  # a plan not loaded from this folder
                if not title or len(title) > TITLE_LIMIT or title.endswith(("…", "-", ",")):
                    raise LoaderError(path, f"a title is whole and at most {TITLE_LIMIT} characters", row_no,
                                      "title", title)
                actions[aid].title, actions[aid].title_source = title, "reviewed"
    for a in actions.values():
        if len(a.title) > TITLE_LIMIT:
            a.title, a.title_source = clip(a.title, TITLE_LIMIT), "rule"


def source_excerpt(source_file: str, line_start: int, line_end: int, plans_dir: Path = PLANS_DIR) -> str:
    """The lines of a plan file an action was read from ('' if the file is not there)."""
    try:
        lines = (plans_dir / source_file).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return ""
    return "\n".join(lines[int(line_start) - 1:int(line_end)])


__all__ = ["Action", "LoaderError", "LoadedPlan", "OwnerRegistry", "read_manifest", "load_plan", "load_all",
           "source_excerpt"]
