"""Reading what sources answer: JSON documents and RSS 2.0 feeds, strictly. Any departure from the
documented shape raises SourceError naming the source and the item, so nothing half-read is stored."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from email.utils import parsedate_to_datetime


def _error(source: str, what: str):
    from . import SourceError
    return SourceError(f"{source}: the response is malformed ({what}); nothing was stored")


def json_results(data: bytes, source: str, key: str = "results") -> list[dict]:
    """The list under `key` of a JSON object."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _error(source, f"not JSON: {str(e)[:120]}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise _error(source, f"no list of {key!r}")
    if not all(isinstance(r, dict) for r in doc[key]):
        raise _error(source, f"an entry of {key!r} is not an object")
    return doc[key]


def field(entry: dict, name: str, source: str, n: int) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _error(source, f"result {n} has no {name!r}")
    return value.strip()


def day(value: str, source: str, n: int) -> date:
    """An ISO date or date-time (2025-10-28, 2026-01-29T09:30:00.000+00:00)."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date() if "T" in value \
            else date.fromisoformat(value)
    except ValueError:
        raise _error(source, f"result {n} has the date {value[:40]!r}") from None


_TAG = re.compile(r"<[^>]+>")


def plain(value: str | None) -> str:
    """A feed's HTML snippet as plain text (tags dropped, entities read); escaped again wherever shown."""
    return " ".join(html.unescape(_TAG.sub(" ", value or "")).split())


def rss_items(data: bytes, source: str) -> list[dict]:
    """The items of an RSS 2.0 feed: title, link, description (plain text), published day, guid."""
    if b"<!DOCTYPE" in data[:2000].upper() or b"<!ENTITY" in data.upper():  # no entity tricks
        raise _error(source, "a document type declaration, which a feed has no need of")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise _error(source, f"not XML: {e}") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise _error(source, "not an RSS 2.0 feed")
    out = []
    for n, item in enumerate(channel.findall("item"), start=1):
        title, link, when = (item.findtext(t) for t in ("title", "link", "pubDate"))
        if not (title and link and when):
            raise _error(source, f"item {n} lacks a title, link or pubDate")
        try:
            published = parsedate_to_datetime(when.strip()).date()
        except (TypeError, ValueError):
            raise _error(source, f"item {n} has the date {when[:40]!r}") from None
        out.append({"title": plain(title), "link": link.strip(), "summary": plain(item.findtext("description")),
                    "published": published, "guid": (item.findtext("guid") or link).strip()})
    return out
