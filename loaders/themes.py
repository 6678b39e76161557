"""Themes: one small taxonomy across every plan, so the plans can be compared.

Each action has one primary theme and at most two others. The assignments were suggested once by
the keyword rules below (`suggest`), reviewed, and recorded in `data/plans/themes.csv` (action_id,
primary, others, basis); the build checks that every action has a primary theme and that every row
names an action and themes that exist. A plan loaded from CSV may carry its themes in a `themes`
column ("primary; other; other") instead.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .common import LoaderError


@dataclass(frozen=True)
class Theme:
    theme_id: str
    name: str
    definition: str
    keywords: tuple[str, ...]


THEMES = (
    Theme("compute", "Compute and infrastructure",
          "Computing power and the facilities that hold it: data centres, supercomputers, AI factories and "
          "gigafactories, research compute, cloud, sovereign compute.",
          ("compute", "data cent", "supercomput", "ai factor", "gigafactor", "cloud", "airr", "nairr",
           "growth zone", "infrastructure", "semiconductor manufactur", "chips")),
    Theme("energy", "Energy for AI",
          "Power and grids for AI: generation, transmission, permitting of energy projects, sustainability "
          "of AI infrastructure.",
          ("energy", "grid", "power", "electric", "nuclear", "geothermal", "sustainab")),
    Theme("data", "Data",
          "Access to and sharing of data for AI: open and public data sets, data libraries and spaces, data "
          "quality, copyright-cleared data.",
          ("data set", "dataset", "data librar", "data space", "data union", "data lab", "data qualit",
           "open data", "statistical", "private data", "data collection", "genome")),
    Theme("research", "Research and science",
          "Public research on and with AI: research programmes and councils, science strategies, fellowships "
          "for researchers, testbeds and labs.",
          ("research", "scien", "r&d", "horizon europe", "raise", "laborator", "breakthrough", "interpretab",
           "fellowship")),
    Theme("skills", "Skills and talent",
          "Education, training and attracting talent: degrees, scholarships, literacy, curricula, "
          "immigration of skilled people.",
          ("skill", "talent", "education", "scholarship", "graduate", "literacy", "student", "curricul",
           "training", "apprentic", "degree", "academy", "immigration", "headhunt")),
    Theme("workforce", "Workers and the labour market",
          "How AI changes work: labour-market analysis, retraining of displaced workers, workers' rights, "
          "unions and workplaces.",
          ("labor market", "labour market", "worker", "workforce", "retrain", "displace", "union",
           "workplace", "occupation", "employment")),
    Theme("public-sector", "Public-sector adoption",
          "Government's own use of AI: public services, procurement of AI by government, civil-service "
          "skills and tools, chief AI officers.",
          ("public sector", "public servant", "federal agencies", "agency adoption", "government use",
           "procure", "public service", "chief ai officer", "civil serv", "mission", "service delivery",
           "digital government", "government infrastructure")),
    Theme("industry", "Industry adoption and growth",
          "AI in the economy: adoption by firms and SMEs, startups and scaleups, sector strategies, "
          "investment, manufacturing and robotics.",
          ("industr", "startup", "scaleup", "sme", "business", "adoption", "invest", "manufactur", "robot",
           "sector", "commerciali", "private sector", "market")),
    Theme("safety", "Safety, security and evaluation",
          "Making AI safe and secure: safety institutes, evaluations of models, AI security and "
          "cybersecurity, deepfakes, biosecurity, harms.",
          ("safety", "safe", "secur", "evaluat", "assurance", "deepfake", "vulnerab", "threat", "harm",
           "cyber", "nucleic", "biosecur", "risk", "malicious", "fraud")),
    Theme("regulation", "Regulation and standards",
          "Rules for AI: laws and their simplification, regulators, sandboxes, standards, codes of practice, "
          "copyright, privacy, permitting rules.",
          ("regulat", "standard", "sandbox", "ai act", "law", "legal", "copyright", "text and data mining",
           "privacy", "compliance", "code of practice", "framework", "guideline", "permit", "nepa")),
    Theme("international", "International cooperation",
          "Working with other countries: diplomacy, global governance, partnerships, capacity building, "
          "international standards bodies.",
          ("international", "global", "diploma", "allies", "partners", "multilateral", "united nations",
           "capacity building", "region", "bilateral", "countries")),
    Theme("export", "Export controls and economic security",
          "Keeping technology from rivals and selling it to friends: export controls and their enforcement, "
          "chip tracking, AI exports, technology protection.",
          ("export", "countries of concern", "adversar", "chip", "location verification", "plurilateral",
           "technology protection")),
)
THEME_IDS = tuple(t.theme_id for t in THEMES)
BY_ID = {t.theme_id: t for t in THEMES}


def suggest(text: str, section: str = "") -> list[str]:
    """Themes by keyword hits (the section counts double), best first: the rule behind the review."""
    body, head = text.lower(), section.lower()
    scores = {}
    for t in THEMES:
        score = sum(body.count(k) for k in t.keywords) + 2 * sum(head.count(k) for k in t.keywords)
        if score:
            scores[t.theme_id] = score
    return sorted(scores, key=lambda k: (-scores[k], THEME_IDS.index(k)))


@dataclass(frozen=True)
class Assignment:
    action_id: str
    primary: str
    others: tuple[str, ...]
    basis: str  # reviewed, rule, plan (a CSV plan's own column)


def read_reviewed(path: Path) -> dict[str, Assignment]:
    """data/plans/themes.csv, every theme checked."""
    out = {}
    if not path.is_file():
        return out
    with open(path, newline="", encoding="utf-8") as f:
        for row_no, row in enumerate(csv.DictReader(f), start=2):
            aid = (row.get("action_id") or "").strip()
            primary = (row.get("primary") or "").strip()
            others = tuple(t.strip() for t in (row.get("others") or "").split(";") if t.strip())
            for col, theme in [("primary", primary), *[("others", o) for o in others]]:
                if theme not in BY_ID:
                    raise LoaderError(path, f"not a theme; use one of {', '.join(THEME_IDS)}", row_no, col, theme)
            if len(others) > 2 or primary in others:
                raise LoaderError(path, "at most two other themes, none the primary one", row_no, "others",
                                  row.get("others"))
            if aid in out:
                raise LoaderError(path, "this action is listed twice", row_no, "action_id", aid)
            out[aid] = Assignment(aid, primary, others, (row.get("basis") or "reviewed").strip())
    return out


def parse_column(value: str, path: Path, line: int) -> tuple[str, tuple[str, ...]] | None:
    """A CSV plan's `themes` cell: 'primary; other; other'."""
    items = [t.strip() for t in re.split(r"[;,]", value or "") if t.strip()]
    if not items:
        return None
    for t in items:
        if t not in BY_ID:
            raise LoaderError(path, f"not a theme; use one of {', '.join(THEME_IDS)}", line, "themes", t)
    return items[0], tuple(items[1:3])
