"""Watchers of official sources: each turns one source's response into proposals for the review queue.

One module per source, each a `WATCHER`: the address to ask (from a day on), and a pure
`parse(bytes) -> [Item]` that fails loudly (SourceError naming the source and what is wrong)
rather than return part of a response. `watch()` asks each source, keeps the items published
since the day given, matches each with its plan's actions (matching.py: the words that matched
and the score, above a threshold) and stores the matches as pending proposals, one transaction
per source: a source that cannot be reached or answers something malformed stores nothing.
A watcher never proposes a status: the reviewer reads the source and decides.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from ..errors import InputError
from ..matching import Matcher
from ..proposals import Proposal, add
from ..text import clip, storable

MAX_RESPONSE_BYTES = 5_000_000
TIMEOUT_SECONDS = 30


class SourceError(InputError):
    """A source could not be read, or answered something that is not what it documents."""


@dataclass(frozen=True)
class Item:
    ref: str  # the source's own id for the item (document number, content id, guid)
    title: str
    url: str
    published: date
    summary: str = ""
    publisher: str = ""


@dataclass(frozen=True)
class Watcher:
    name: str
    plan_id: str  # whose plan its items bear on
    title: str
    address: Callable[[date], str]  # the request for items published from that day
    parse: Callable[[bytes], list[Item]]
    basis: str = "government"
    confidence: str = "high"  # a government's own publication: a primary source


@dataclass
class WatchReport:
    name: str
    address: str
    items: int = 0
    matched: int = 0
    added: list[int] = field(default_factory=list)
    known: int = 0
    error: str | None = None

    def line(self) -> str:
        if self.error:
            return f"{self.name}: {self.error}"
        return (f"{self.name}: {self.items} items since the day asked, {self.matched} bear on an action; "
                f"{len(self.added)} new proposals, {self.known} already in the queue")


def fetch(address: str) -> bytes:
    """The response body of one GET, at most MAX_RESPONSE_BYTES; SourceError on any failure."""
    request = urllib.request.Request(address, headers={"User-Agent": "action-tracker watcher",
                                                       "Accept": "application/json, application/xml, text/xml"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (https only, ours)
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise SourceError(f"{address} could not be read ({getattr(e, 'reason', e)}); nothing was stored") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise SourceError(f"{address} answered more than {MAX_RESPONSE_BYTES:,} bytes; nothing was stored")
    return body


def registry() -> dict[str, Watcher]:
    from . import au_industry, eu_commission, federal_register, gov_uk
    return {w.name: w for w in (federal_register.WATCHER, gov_uk.WATCHER, eu_commission.WATCHER,
                                au_industry.WATCHER)}


def proposals_for(watcher: Watcher, items: list[Item], matcher: Matcher, today: date) -> tuple[list[Proposal], int]:
    """The pending proposals an item list gives (one per item that matches an action), and how many matched."""
    out = []
    for item in items:
        found = matcher.match(f"{item.title}. {item.summary}", watcher.plan_id)
        if not found:
            continue
        best, others = found[0], found[1:]
        reasons = best.reasons() + ("; also near " + ", ".join(f"{m.action_id} {m.score:.2f}" for m in others)
                                    if others else "")
        out.append(Proposal(
            origin=f"watcher:{watcher.name}", proposed_by=f"watcher {watcher.name}", action_id=best.action_id,
            effective_date=min(item.published, today), source=clip(storable(f"{item.publisher}: {item.title}"), 300),
            evidence_url=item.url, quote=clip(storable(item.summary), 2000) or None, basis=watcher.basis,
            confidence=watcher.confidence, origin_ref=clip(item.ref, 300), retrieved_on=today,
            match_score=best.score, match_reasons=clip(reasons, 600)))
    return out, len(out)


def watch(con, names: list[str] | None = None, since: date | None = None, fetcher=fetch,
          today: date | None = None, now: datetime | None = None) -> list[WatchReport]:
    """Ask each source (all when `names` is empty) for items published from `since` (default: 30 days
    ago) and store the matches as pending proposals. Each source in its own transaction."""
    from ..history import action_state
    watchers = registry()
    unknown = [n for n in names or [] if n not in watchers]
    if unknown:
        raise SourceError(f"unknown source {', '.join(unknown)}; the sources are {', '.join(watchers)}")
    today = today or date.today()
    since = since or date.fromordinal(today.toordinal() - 30)
    matcher = Matcher(action_state(con, today)[["action_id", "plan_id", "title", "text", "section"]])
    reports = []
    for name in names or list(watchers):
        w = watchers[name]
        report = WatchReport(name, w.address(since))
        try:
            items = [i for i in w.parse(fetcher(report.address)) if i.published >= since]
            found, report.matched = proposals_for(w, items, matcher, today)
            report.items = len(items)
            report.added, report.known = add(con, found, now=now, today=today)
        except InputError as e:
            report.error = str(e)
        reports.append(report)
    return reports
