"""Rank guides for what a person typed: accent-blind, abbreviation-aware, typo-tolerant.

A small weighted term index, built once when guides load. The guide library is a few dozen
files, so clarity beats cleverness: no external engine, every score explainable.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass

from bot.guides.models import Guide
from bot.guides.text_norm import STOPWORDS, accented_tokens, edit_distance, fold, tokens

# How much a word counts, by where it appears in a guide.
FIELD_WEIGHTS = {
    "id": 3.0,
    "title": 4.0,
    "keywords": 4.0,
    "summary": 2.0,
    "needs": 1.0,
    "step_title": 1.5,
    "step_text": 1.0,
    "problem": 2.0,
    "fix": 1.0,
}
FUZZY_FACTOR = 0.7  # a misspelt word counts a bit less than the real one
PREFIX_FACTOR = 0.6  # the unfinished last word of an inline query
PHRASE_BONUS = 1.5  # two query words standing together in a title or keyword
ACCENT_BONUS = 1.15  # "mật" typed with accents prefers guides that say "mật", not "mất"
MAX_QUERY_TOKENS = 24  # longer texts are chat, not queries; bounded work per message
RELATIVE_CUTOFF = 0.3  # drop results far below the best one
# A best match is trusted when most of the query's weight (IDF, unknown words counting the
# most) is words the guide has, and two query words stand together in it or one is in its
# title or keywords. Measured on tests/data/search_quality.tsv: the ranking's score alone
# could not tell "giá vàng hôm nay" from "quên passcode"; this keeps 217 of 218 questions
# and turns away 21 of 24 off-topic ones (tests/test_search_quality.py).
MIN_COVERAGE = 0.65
MAX_GAP_CHARS = 100


@dataclass(frozen=True)
class SearchHit:
    guide: Guide
    score: float


def guide_fields(guide: Guide) -> list[tuple[str, str]]:
    fields = [
        ("id", guide.id.replace("-", " ")),
        ("title", guide.title),
        ("title", guide.title_en or ""),
        ("summary", guide.summary),
        ("summary", guide.summary_en or ""),
    ]
    fields += [("keywords", k) for k in guide.keywords]
    fields += [("needs", n) for n in guide.needs]
    for step in guide.steps:
        fields += [("step_title", step.title), ("step_text", step.text)]
        for trouble in step.troubleshooting:
            fields += [("problem", trouble.problem), ("fix", trouble.fix)]
    return fields


@dataclass(frozen=True)
class SearchTable:
    guides: list[tuple[str, str, list[str]]]  # id, title, title/keyword/id words
    words: dict[str, tuple[float, dict[str, float]]]  # word -> (idf, guide id -> weight)
    unknown_idf: float


class SearchIndex:
    def __init__(self, guides: list[Guide]) -> None:
        # Built at the first search, not at start-up: it costs about 0.13 s for 53 guides,
        # and most first messages are /start or a deep link, so building it eagerly delayed
        # every cold start's first answer (bench/e2e_bench.py).
        self._guides = guides
        self._built = False

    def _build(self) -> None:
        guides = self._guides
        self._by_id = {g.id: g for g in guides}
        self._weights: dict[str, dict[str, float]] = defaultdict(dict)  # token -> guide -> w
        self._phrases: dict[str, set[str]] = defaultdict(set)  # "a b" -> guide ids
        self._accented: dict[str, set[str]] = {}  # guide -> accented tokens
        self._pairs: dict[str, set[tuple[str, str]]] = {}  # guide -> words side by side
        self._anchors: dict[str, set[str]] = {}  # guide -> title, keyword and id words
        for guide in guides:
            per_token: dict[str, float] = defaultdict(float)
            accented: set[str] = set()
            pairs: set[tuple[str, str]] = set()
            anchors: set[str] = set()
            for field, text in guide_fields(guide):
                weight = FIELD_WEIGHTS[field]
                words = tokens(text, expand=True)
                for word in set(words):
                    # Presence per field, not repetition: long step texts must not drown titles.
                    per_token[word] += weight
                pairs.update(itertools.pairwise(words))
                if field in ("title", "keywords", "id"):
                    for a, b in itertools.pairwise(words):
                        self._phrases[f"{a} {b}"].add(guide.id)
                    # What tokens(..., drop_stopwords=True) gives, without folding again.
                    anchors.update(w for w in words if w not in STOPWORDS)
                accented.update(accented_tokens(text))
            self._pairs[guide.id] = pairs
            self._anchors[guide.id] = anchors
            for word, weight in per_token.items():
                self._weights[word][guide.id] = weight
            self._accented[guide.id] = accented
        count = max(len(guides), 1)
        self._idf = {
            word: math.log(1 + (count - len(hits) + 0.5) / (len(hits) + 0.5))
            for word, hits in self._weights.items()
        }
        # What a word the library never uses weighs: the most any word does.
        self._unknown_idf = max(self._idf.values(), default=1.0)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in self._weights:
            self._by_length[len(word)].append(word)
        self._built = True

    def confident(self, query: str, best: SearchHit) -> bool:
        """Whether `best` really answers `query`, or is only the least bad of weak matches
        (then the bot says it has no guide for this yet, rather than pretend)."""
        if not self._built:
            self._build()
        words = tokens(query, expand=True, drop_stopwords=True)[:MAX_QUERY_TOKENS]
        if not words:
            return False
        guide_id = best.guide.id
        total = found = 0.0
        for word in words:
            idf = self._idf.get(word, self._unknown_idf)
            total += idf
            if guide_id in self._weights.get(word, {}):
                found += idf
        together = any(pair in self._pairs[guide_id] for pair in itertools.pairwise(words))
        anchored = any(word in self._anchors[guide_id] for word in words)
        return found / total >= MIN_COVERAGE and (together or anchored)

    def table(self) -> SearchTable:
        """The index as plain values, for the web site's search (bot/site/build.py)."""
        if not self._built:
            self._build()
        return SearchTable(
            guides=[(g.id, g.title, sorted(self._anchors[g.id])) for g in self._guides],
            words={w: (self._idf[w], hits) for w, hits in sorted(self._weights.items())},
            unknown_idf=self._unknown_idf,
        )

    def _expand_token(self, word: str, *, last: bool) -> list[tuple[str, float]]:
        """The index words that `word` may stand for, each with how much to trust it."""
        if word in self._weights:
            return [(word, 1.0)]
        matches: list[tuple[str, float]] = []
        if len(word) >= 3:
            limit = 1 if len(word) <= 6 else 2
            for length in range(len(word) - limit, len(word) + limit + 1):
                for candidate in self._by_length.get(length, ()):
                    if edit_distance(word, candidate, limit) <= limit:
                        matches.append((candidate, FUZZY_FACTOR))
        if last and len(word) >= 2 and not matches:
            matches = [(w, PREFIX_FACTOR) for w in self._weights if w.startswith(word)][:20]
        return matches

    def search(self, query: str, *, limit: int = 5, prefix_last: bool = False) -> list[SearchHit]:
        if not self._built:
            self._build()
        words = tokens(query, expand=True, drop_stopwords=True)[:MAX_QUERY_TOKENS]
        if not words:
            return []
        typed_accented = {t for t in accented_tokens(query) if not t.isascii()}
        scores: dict[str, float] = defaultdict(float)
        for position, word in enumerate(words):
            last = prefix_last and position == len(words) - 1
            best_for_guide: dict[str, float] = {}
            for candidate, trust in self._expand_token(word, last=last):
                idf = self._idf[candidate]
                for guide_id, weight in self._weights[candidate].items():
                    # Saturating: a word that appears everywhere in a guide counts ~ once.
                    value = trust * idf * (weight / (weight + 2.0)) * 3.0
                    best_for_guide[guide_id] = max(best_for_guide.get(guide_id, 0.0), value)
            for guide_id, value in best_for_guide.items():
                scores[guide_id] += value
        for a, b in itertools.pairwise(words):
            for guide_id in self._phrases.get(f"{a} {b}", ()):
                scores[guide_id] += PHRASE_BONUS
        if typed_accented:
            for guide_id in scores:
                overlap = len(typed_accented & self._accented[guide_id])
                if overlap:
                    scores[guide_id] *= ACCENT_BONUS ** min(overlap, 3)
        if not scores:
            return []
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        top = ranked[0][1]
        return [
            SearchHit(self._by_id[guide_id], score)
            for guide_id, score in ranked[:limit]
            if score >= top * RELATIVE_CUTOFF
        ]


def gap_text(query: str) -> str:
    """What is kept of a question no guide answers, for editors: folded to plain lowercase
    letters with every digit removed (no phone, ID or OTP survives), at most 100 chars."""
    return " ".join(re.findall(r"[a-z]+", fold(query)))[:MAX_GAP_CHARS].strip()
