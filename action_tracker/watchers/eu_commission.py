"""The European Commission's press corner RSS feed (ec.europa.eu/commission/presscorner), press
releases and announcements in English. (RSS has no "since" parameter: the day is applied to the items.)"""

from __future__ import annotations

from datetime import date

from . import Item, Watcher
from .feeds import rss_items

NAME = "eu-commission"
BASE = "https://ec.europa.eu/commission/presscorner/api/rss?language=en&documentType=IP,AC"


def address(since: date) -> str:
    return BASE


def parse(data: bytes) -> list[Item]:
    return [Item(ref=i["guid"], title=i["title"], url=i["link"], published=i["published"], summary=i["summary"],
                 publisher="European Commission") for i in rss_items(data, NAME)]


WATCHER = Watcher(NAME, "EU", "European Commission press corner", address, parse)
