"""The owner registry: one row per body, whatever way a document spells it.

`data/owners.csv` lists each body once with its aliases ("Department of Commerce|DOC")
and its parent ("CAISI" is part of NIST, which is part of DOC). Aliases are matched
case-sensitively on word boundaries, within the plan's jurisdiction only, so the UK's
"AISI" and Australia's "AISI" stay two bodies.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from action_tracker.settings import ROOT

from .common import LoaderError

REGISTRY_FILE = ROOT / "data" / "owners.csv"


@dataclass(frozen=True)
class Owner:
    owner_id: str
    name: str
    parent_id: str | None
    jurisdiction: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    owner_id: str


@dataclass
class OwnerRegistry:
    owners: dict[str, Owner]
    _patterns: dict[str, tuple[re.Pattern, dict[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = REGISTRY_FILE) -> OwnerRegistry:
        owners = {}
        with open(path, newline="", encoding="utf-8") as f:
            for row_no, row in enumerate(csv.DictReader(f), start=2):
                oid = row["owner_id"].strip()
                if not oid or oid in owners:
                    raise LoaderError(path, "owner_id is empty or repeated", row_no, "owner_id", oid)
                aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
                owners[oid] = Owner(oid, row["name"].strip(), row["parent_id"].strip() or None,
                                    row["jurisdiction"].strip(), aliases or (row["name"].strip(),))
        for o in owners.values():
            if o.parent_id and o.parent_id not in owners:
                raise LoaderError(path, f"parent of {o.owner_id} is not in the registry",
                                  column="parent_id", value=o.parent_id)
        return cls(owners)

    def ancestors(self, owner_id: str) -> list[str]:
        out, cur = [], self.owners[owner_id].parent_id
        while cur:
            out.append(cur)
            cur = self.owners[cur].parent_id
        return out

    def _pattern(self, jurisdiction: str) -> tuple[re.Pattern, dict[str, str]]:
        if jurisdiction not in self._patterns:
            alias_to_id = {}
            for o in self.owners.values():
                if o.jurisdiction == jurisdiction:
                    for a in o.aliases:
                        alias_to_id[a] = o.owner_id
            ordered = sorted(alias_to_id, key=len, reverse=True)
            body = "|".join(re.escape(a) for a in ordered) or r"(?!x)x"  # no known body: match nothing
            self._patterns[jurisdiction] = (re.compile(rf"(?<![\w-])(?:{body})(?![\w])"), alias_to_id)
        return self._patterns[jurisdiction]

    def mentions(self, text: str, jurisdiction: str) -> list[Mention]:
        """Owner mentions in reading order, with spelling variants folded together.

        "Department of Commerce (DOC)" is one mention; in "CAISI at DOC" and
        "NIST's CAISI" the parent only locates the child, so it is not a mention of its own.
        """
        pattern, alias_to_id = self._pattern(jurisdiction)
        raw = [Mention(m.start(), m.end(), alias_to_id[m.group(0)]) for m in pattern.finditer(text)]
        out: list[Mention] = []
        for m in raw:
            if out:
                prev = out[-1]
                gap = text[prev.end:m.start]
                # "Department of Commerce (DOC)"
                if m.owner_id == prev.owner_id and gap.strip() == "(":
                    out[-1] = Mention(prev.start, m.end + 1, prev.owner_id)
                    continue
                # "CAISI at DOC", "NIST within DOC": the parent locates the child
                if re.fullmatch(r"\s+(?:at|within)\s+(?:the\s+)?", gap) and m.owner_id in self.ancestors(prev.owner_id):
                    continue
                # "NIST's CAISI", "DOC's revamped CHIPS Program Office"
                if re.fullmatch(r"['’]s\s+(?:\w+\s+)?", gap) and prev.owner_id in self.ancestors(m.owner_id):
                    out[-1] = Mention(prev.start, m.end, m.owner_id)
                    continue
            out.append(m)
        return out

    def resolve_name(self, name: str, jurisdiction: str | None = None) -> str | None:
        """The owner id a free-text name stands for, or None if the registry does not know it."""
        wanted = name.strip().lower()
        for o in self.owners.values():
            if jurisdiction and o.jurisdiction != jurisdiction:
                continue
            if wanted in (a.lower() for a in (o.name, o.owner_id, *o.aliases)):
                return o.owner_id
        return None


_LEAD = re.compile(
    r"(?:\b[Ll]ed by|\b[Tt]hrough|\b[Vv]ia|\bunder the auspices of|\bmanaged by|\b[Uu]nder|\bwithin|\b[Aa]t|^The)\s+")
_FILLER = re.compile(r"(?:the |collaboration between (?:the )?)?")


def lead_and_others(registry: OwnerRegistry, text: str, jurisdiction: str,
                    lead_scope: str | None = None) -> tuple[str | None, list[str], str | None]:
    """(lead owner, other owners, the words the lead was read from).

    The lead is the first body named right after a leading phrase ("Led by", "through",
    "via", "under the auspices of", "managed by", "under", "within", "at") in `lead_scope`
    (by default the whole text), or a body written "X-led". Every other body named in
    the text is an other owner. When no phrase names a lead, the lead stays empty.
    """
    scope = text if lead_scope is None else lead_scope
    mentions = registry.mentions(text, jurisdiction)
    scope_mentions = registry.mentions(scope, jurisdiction)
    lead, source = None, None
    for m in _LEAD.finditer(scope):
        rest = scope[m.end():]
        filler = _FILLER.match(rest)
        offset = m.end() + (filler.end() if filler else 0)
        hit = next((x for x in scope_mentions if x.start == offset), None)
        if hit:
            lead, source = hit.owner_id, scope[m.start():hit.end].strip()
            break
    if lead is None:
        for x in scope_mentions:
            if scope[x.end:x.end + 4] == "-led":
                lead, source = x.owner_id, scope[x.start:x.end + 4]
                break
    others = []
    for x in mentions:
        if x.owner_id != lead and x.owner_id not in others:
            others.append(x.owner_id)
    return lead, others, source
