"""Australia's Minister for Industry and Innovation and Minister for Science: the ministers' media
releases RSS feed (minister.industry.gov.au). (RSS has no "since" parameter: the day is applied to the items.)"""

from __future__ import annotations

from datetime import date

from . import Item, Watcher
from .feeds import rss_items

NAME = "au-industry"
BASE = "https://www.minister.industry.gov.au/rss/media-releases"


def address(since: date) -> str:
    return BASE


def parse(data: bytes) -> list[Item]:
    return [Item(ref=i["guid"], title=i["title"], url=i["link"], published=i["published"], summary=i["summary"],
                 publisher="Australian Government, Minister for Industry and Innovation")
            for i in rss_items(data, NAME)]


WATCHER = Watcher(NAME, "AU", "Australian industry ministers' media releases", address, parse)
