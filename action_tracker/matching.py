"""Which action an item from a source may bear on: explainable text similarity, never a verdict.

Each action is a bag of its words (title, text and section), weighted by how rare each word is
across every action of every plan (tf-idf); an item (a document's title and summary) is compared
with each action of its plan by cosine similarity. A match says its score and the words that
carried it, with their weights, so a reviewer sees why it was proposed. Below THRESHOLD nothing is
proposed, nor with fewer than MIN_WORDS words in common. A match never sets a status: the reviewer decides what the item shows.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

THRESHOLD = 0.20  # the least score proposed (checked on the recorded responses in tests/recorded/)
MIN_WORDS = 3  # and at least this many words in common: one shared word ("launch", "code") is chance
SHOWN_WORDS = 6

STOPWORDS = frozenset("""
a about above after again against all also among an and any are as at be been before being between both but by
can could did do does during each either for from further had has have having he her here his how i if in into is
it its itself more most must new no nor not of on once only or other our out over own per same shall she should so
some such than that the their them then there these they this those through to under until up upon very via was
we were what when where which while who whom why will with within without would you your
ai artificial intelligence government federal national plan action including include includes use used using
ensure make support work working across well like one two year years day days new within through
""".split())

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def stem(word: str) -> str:
    """A light stem, enough to meet plurals and -ing/-ed forms half way (exports ~ export)."""
    for suffix, keep, least in (("ies", "y", 3), ("ing", "", 5), ("ed", "", 5), ("s", "", 4)):
        if word.endswith(suffix) and len(word) - len(suffix) >= least and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def words(text) -> list[str]:
    """The content words of a text, lower case and stemmed; stopwords and one- or two-letter words left out."""
    if not isinstance(text, str):
        return []
    return [stem(w) for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in STOPWORDS]


@dataclass(frozen=True)
class Match:
    action_id: str
    score: float
    words: tuple[tuple[str, float], ...]  # (word, its share of the score), largest first

    def reasons(self) -> str:
        """In words: the score, the threshold and what matched."""
        shown = ", ".join(f"{w} {share:.2f}" for w, share in self.words[:SHOWN_WORDS])
        return (f"score {self.score:.2f} (threshold {THRESHOLD:.2f}, at least {MIN_WORDS} words); "
                f"matched words: {shown}")


class Matcher:
    """tf-idf vectors of every live action, built once; match() compares an item with one plan's."""

    def __init__(self, actions: pd.DataFrame):
        docs = {r.action_id: Counter(words(f"{r.title or ''} {r.title or ''} {r.text} {r.section or ''}"))
                for r in actions.itertuples()}
        self.plan_of = dict(zip(actions["action_id"], actions["plan_id"]))
        df = Counter(w for bag in docs.values() for w in bag)
        n = max(len(docs), 1)
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
        self.vectors = {a: self._unit({w: (1 + math.log(c)) * self.idf[w] for w, c in bag.items()})
                        for a, bag in docs.items()}

    @staticmethod
    def _unit(vec: dict[str, float]) -> dict[str, float]:
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def vector(self, text: str) -> dict[str, float]:
        bag = Counter(w for w in words(text) if w in self.idf)  # a word no action has cannot match
        return self._unit({w: (1 + math.log(c)) * self.idf[w] for w, c in bag.items()})

    def match(self, text: str, plan_id: str | None = None, limit: int = 3) -> list[Match]:
        """The best matches at or above THRESHOLD among the plan's actions (all plans when None)."""
        item = self.vector(text)
        found = []
        for action_id, vec in self.vectors.items():
            if plan_id is not None and self.plan_of[action_id] != plan_id:
                continue
            shared = {w: item[w] * vec[w] for w in item.keys() & vec.keys()}
            score = sum(shared.values())
            if score >= THRESHOLD and len(shared) >= MIN_WORDS:
                top = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
                found.append(Match(action_id, round(score, 4), tuple((w, round(v, 3)) for w, v in top)))
        found.sort(key=lambda m: (-m.score, m.action_id))
        return found[:limit]
