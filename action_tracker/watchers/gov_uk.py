"""GOV.UK's search API (docs.publishing.service.gov.uk/repos/search-api): what the Department for
Science, Innovation and Technology published about AI from a day on, newest first."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from . import Item, Watcher
from .feeds import day, field, json_results

NAME = "gov-uk"
BASE = "https://www.gov.uk/api/search.json"


def address(since: date) -> str:
    query = [("q", "artificial intelligence"),
             ("filter_organisations", "department-for-science-innovation-and-technology"),
             ("filter_public_timestamp", f"from:{since.isoformat()}"), ("order", "-public_timestamp"),
             ("count", "100")]
    query += [("fields", f) for f in ("title", "description", "link", "public_timestamp", "content_id", "format")]
    return f"{BASE}?{urlencode(query)}"


def parse(data: bytes) -> list[Item]:
    items = []
    for n, r in enumerate(json_results(data, NAME), start=1):
        link = field(r, "link", NAME, n)
        url = f"https://www.gov.uk{link}" if link.startswith("/") else link
        items.append(Item(ref=r.get("content_id") or link, title=field(r, "title", NAME, n), url=url,
                          published=day(field(r, "public_timestamp", NAME, n), NAME, n),
                          summary=(r.get("description") or "").strip(), publisher="GOV.UK"))
    return items


WATCHER = Watcher(NAME, "UK", "GOV.UK (DSIT)", address, parse)
