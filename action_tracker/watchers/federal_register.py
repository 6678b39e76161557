"""The US Federal Register's documents API (federalregister.gov/developers/documentation/api/v1):
documents that mention artificial intelligence, published from a day on, newest first."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from . import Item, Watcher
from .feeds import day, field, json_results

NAME = "federal-register"
BASE = "https://www.federalregister.gov/api/v1/documents.json"


def address(since: date) -> str:
    query = [("conditions[term]", '"artificial intelligence"'),
             ("conditions[publication_date][gte]", since.isoformat()), ("order", "newest"), ("per_page", "100")]
    query += [("fields[]", f) for f in ("document_number", "title", "abstract", "html_url", "publication_date",
                                        "type", "agencies")]
    return f"{BASE}?{urlencode(query)}"


def parse(data: bytes) -> list[Item]:
    items = []
    for n, r in enumerate(json_results(data, NAME), start=1):
        agencies = [a.get("name") for a in r.get("agencies") or [] if isinstance(a, dict) and a.get("name")]
        items.append(Item(ref=field(r, "document_number", NAME, n), title=field(r, "title", NAME, n),
                          url=field(r, "html_url", NAME, n),
                          published=day(field(r, "publication_date", NAME, n), NAME, n),
                          summary=(r.get("abstract") or "").strip(),
                          publisher="Federal Register" + (f" ({'; '.join(agencies)})" if agencies else "")))
    return items


WATCHER = Watcher(NAME, "US", "US Federal Register", address, parse)
