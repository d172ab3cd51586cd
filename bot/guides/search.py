"""Rank guides for what a person typed: accent-blind, chat-aware, typo-tolerant.

A small weighted term index, built once per library at the first search. Every score is
explainable: a question is read into words (bot/guides/text_norm.py), each word is matched
exactly, split ("matkhau"), joined ("smart ca") or corrected ("vnied"), and a guide scores
what its matched words weigh (rarer words and title or keyword matches weigh more). The same
matched words decide whether the best guide is trusted at all (`confident`).

The web site's script (templates/site/home.html.j2) repeats `_read`, `_scores` and
`_trusted` line for line on the data `table()` exports; tests/test_site_browser.py holds the
two together on a list of questions.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.guides.models import Guide
from bot.guides.text_norm import STOPWORDS, fold, query_terms, text_words, typed_words

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
ANCHOR_FIELDS = ("id", "title", "keywords")
FUZZY_FACTOR = 0.7  # a misspelt word counts a bit less than the real one
SHORT_WORD = 3  # letters: a misspelt word this short needs a neighbour to confirm it
# "tuyển" typed with its accents is not the library's "tuyến", though both fold to "tuyen".
ACCENT_FACTOR = 0.5
PREFIX_FACTOR = 0.6  # the unfinished last word of an inline query
PHRASE_BONUS = 1.5  # two query words standing together in a title or keyword
SERVICE_BONUS = 1.3  # the question names the service (VNeID, SmartCA…) the guide is about
OTHER_SERVICE_FACTOR = 0.7  # …and a guide about another service only comes after
MAX_QUERY_TOKENS = 24  # longer texts are chat, not queries; bounded work per message
RELATIVE_CUTOFF = 0.3  # drop results far below the best one
IDF_DIGITS = 4  # idf rounded, so that the web page computes with the very same numbers
# The services a question may name, as read (text_norm): a guide is that service's when its
# id or title names it. Not "dịch vụ công": it is the portal that guides of every service go
# through (measured: preferring it put «Trả phí» before «Miễn lệ phí» for "miễn lệ phí dịch
# vụ công", and VNeID guides after).
SERVICES = (
    "vneid",
    "vssid",
    "smartca",
    "etax",
    "so tay dang vien",
    "mobile money",
    "thanh nien",
)
# A best match is trusted when most of the question's weight is words the guide has, enough
# of it in the guide's title, keywords or id, and the match is more than a scatter of common
# words: two question words stand together in a title or keyword, or most of the weight is
# in them, or a short question names a rarer word of them. A word weighs its IDF, at least
# IDF_FLOOR (common words still say something); a word the library does not know weighs
# UNKNOWN_WEIGHT; a corrected word counts with its trust. Measured on
# tests/data/search_quality.tsv, search_offtopic.txt and search_residents.tsv
# (tests/test_search_quality.py, tests/test_search_residents.py).
MIN_COVERAGE = 0.6
MIN_ANCHORED = 0.35
STRONG_ANCHORED = 0.6
SHORT_QUERY = 2  # words
SHORT_QUERY_MIN_IDF = 0.9
IDF_FLOOR = 0.8
UNKNOWN_WEIGHT = 2.0
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
    """The index as plain values (for the web site's script)."""

    guides: list[tuple[str, str, list[str], list[str]]]  # id, title, anchor words, services
    words: dict[str, dict[str, float]]  # word -> guide id -> field weight
    idf_by_count: list[float]  # idf of a word that n guides have, at [n]
    phrases: dict[str, list[str]]  # "a b" in a title, keyword or id -> guide ids
    services: list[str]
    forms: dict[str, list[str]]  # word -> the accent keys the guides write it with


@dataclass(frozen=True)
class _Term:
    """One word of a question and the index words it may stand for, with their trust."""

    word: str
    matches: tuple[tuple[str, float], ...]


class SearchIndex:
    def __init__(self, guides: list[Guide]) -> None:
        # Built at the first search, not at start-up: most first messages are /start or a
        # deep link, so building it eagerly delayed every cold start's first answer
        # (bench/e2e_bench.py). One index is shared per library (bot/app.py).
        self._guides = guides
        self._built = False
        self._last: tuple[str, bool, list[_Term]] | None = None

    def _build(self) -> None:
        guides = self._guides
        self._by_id = {g.id: g for g in guides}
        self._weights: dict[str, dict[str, float]] = defaultdict(dict)  # word -> guide -> w
        self._phrases: dict[str, set[str]] = defaultdict(set)  # "a b" -> guide ids
        self._anchors: dict[str, set[str]] = {}  # guide -> title, keyword and id words
        self._services: dict[str, set[str]] = {}  # guide -> the services it is about
        self._forms: dict[str, set[str]] = defaultdict(set)  # word -> accents it is written with
        for guide in guides:
            per_word: dict[str, float] = defaultdict(float)
            anchors: set[str] = set()
            named = " "
            for field, text in guide_fields(guide):
                weight = FIELD_WEIGHTS[field]
                words = text_words(text)
                for word, key in typed_words(text):
                    self._forms[word].add(key)
                for word in set(words):
                    # Presence per field, not repetition: long step texts must not drown titles.
                    per_word[word] += weight
                if field in ANCHOR_FIELDS:
                    for a, b in itertools.pairwise(words):
                        self._phrases[f"{a} {b}"].add(guide.id)
                    anchors.update(w for w in words if w not in STOPWORDS)
                    if field != "keywords":
                        named += " ".join(words) + " | "
            self._anchors[guide.id] = anchors
            self._services[guide.id] = {s for s in SERVICES if f" {s} " in named}
            for word, weight in per_word.items():
                self._weights[word][guide.id] = weight
        count = max(len(guides), 1)
        self._idf_by_count = [
            round(math.log(1 + (count - n + 0.5) / (n + 0.5)), IDF_DIGITS) for n in range(count + 1)
        ]
        self._idf = {word: self._idf_by_count[len(hits)] for word, hits in self._weights.items()}
        self._vocabulary = sorted(self._weights)
        self._built = True

    # Reading a question -------------------------------------------------------------------

    def _fuzzy(self, word: str) -> list[str]:
        """Index words within a small edit distance (adjacent swaps count once), the closest
        ones only. Not for short words or numbers, where one letter makes another word."""
        if len(word) < 3 or word.isdigit():
            return []
        limit = 1 if len(word) <= 6 else 2
        found = process.extract(
            word, self._vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=None
        )
        if not found:
            return []
        closest = min(distance for _, distance, _ in found)
        return sorted(w for w, distance, _ in found if distance == closest)

    def _correct(self, candidates: list[str], before: str | None, after: str | None) -> str:
        """One correction among equally close words, as a spell checker picks: the one that
        stands with a neighbouring word in a title or keyword ("mat kau" -> "mat khau"),
        else the one the most guides use ("vnid" -> "vneid", not "vni")."""
        return min(
            candidates,
            key=lambda w: (not self._together(before, w, after), -len(self._weights[w]), w),
        )

    def _together(self, before: str | None, word: str, after: str | None) -> bool:
        phrases = self._phrases
        return (before is not None and f"{before} {word}" in phrases) or (
            after is not None and f"{word} {after}" in phrases
        )

    def _split(self, word: str) -> list[str] | None:
        """A word typed joined ("matkhau") that a title or keyword writes as two."""
        for cut in range(2, len(word) - 1):
            a, b = word[:cut], word[cut:]
            if f"{a} {b}" in self._phrases:
                return [a, b]
        return None

    def _read(self, query: str, prefix_last: bool) -> list[_Term]:
        if self._last is not None and self._last[:2] == (query, prefix_last):
            return self._last[2]
        known = self._weights
        words = query_terms(query)[:MAX_QUERY_TOKENS]
        # Joined: "smart ca", "vss id" when the two together are one index word.
        joined: list[tuple[str, str | None]] = []
        for word, key in words:
            if (
                joined
                and (joined[-1][0] + word) in known
                and not (joined[-1][0] in known and word in known)
            ):
                joined[-1] = (joined[-1][0] + word, None)
            else:
                joined.append((word, key))
        # (typed, equally close corrections): one is chosen once the neighbours are known
        terms: list[_Term | tuple[str, list[str]]] = []
        for position, (word, key) in enumerate(joined):
            if word in known:
                forms = self._forms.get(word)
                trust = ACCENT_FACTOR if key and forms and key not in forms else 1.0
                terms.append(_Term(word, ((word, trust),)))
                continue
            parts = self._split(word)
            if parts:
                terms += [_Term(part, ((part, 1.0),)) for part in parts]
                continue
            corrections = self._fuzzy(word)
            if corrections:
                terms.append((word, corrections))
            elif prefix_last and position == len(joined) - 1 and len(word) >= 2:
                prefixed = [w for w in self._vocabulary if w.startswith(word)][:20]
                terms.append(_Term(word, tuple((w, PREFIX_FACTOR) for w in prefixed)))
            else:
                terms.append(_Term(word, ()))
        read: list[_Term] = []
        for i, term in enumerate(terms):
            if isinstance(term, tuple):
                typed, corrections = term
                before = self._plain(terms[i - 1]) if i > 0 else None
                after = self._plain(terms[i + 1]) if i + 1 < len(terms) else None
                word = self._correct(corrections, before, after)
                if len(typed) <= SHORT_WORD and not self._together(before, word, after):
                    # Three letters are one letter from too many words: corrected only
                    # where a neighbour confirms it ("mat kau" -> "mat khau").
                    term = _Term(word, ())
                else:
                    term = _Term(word, ((word, FUZZY_FACTOR),))
            read.append(term)
        self._last = (query, prefix_last, read)
        return read

    @staticmethod
    def _plain(term: _Term | tuple[str, list[str]]) -> str | None:
        """A neighbour's word when it is sure (exact), for choosing a correction."""
        if isinstance(term, _Term) and len(term.matches) == 1 and term.matches[0][1] == 1.0:
            return term.matches[0][0]
        return None

    def _named_services(self, terms: list[_Term]) -> set[str]:
        spelled = " " + " ".join(t.matches[0][0] if t.matches else "?" for t in terms) + " "
        return {s for s in SERVICES if f" {s} " in spelled}

    # Scoring -------------------------------------------------------------------------------

    def _scores(self, terms: list[_Term]) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        for term in terms:
            best_for_guide: dict[str, float] = {}
            for candidate, trust in term.matches:
                idf = self._idf[candidate]
                for guide_id, weight in self._weights[candidate].items():
                    # Saturating: a word in a title and a keyword counts more than in a step,
                    # but a word everywhere in a guide counts about three times a step's.
                    value = trust * idf * (weight / (weight + 2.0)) * 3.0
                    if value > best_for_guide.get(guide_id, 0.0):
                        best_for_guide[guide_id] = value
            for guide_id, value in best_for_guide.items():
                scores[guide_id] += value
        for a, b in itertools.pairwise(terms):
            together: set[str] = set()
            for x, _ in a.matches:
                for y, _ in b.matches:
                    together |= self._phrases.get(f"{x} {y}", set())
            for guide_id in together:
                scores[guide_id] += PHRASE_BONUS
        named = self._named_services(terms)
        if named:
            for guide_id in scores:
                services = self._services[guide_id]
                if services & named:
                    scores[guide_id] *= SERVICE_BONUS
                elif services:
                    scores[guide_id] *= OTHER_SERVICE_FACTOR
        return scores

    def search(self, query: str, *, limit: int = 5, prefix_last: bool = False) -> list[SearchHit]:
        if not self._built:
            self._build()
        terms = self._read(query, prefix_last)
        if not terms:
            return []
        scores = self._scores(terms)
        if not scores:
            return []
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        top = ranked[0][1]
        return [
            SearchHit(self._by_id[guide_id], score)
            for guide_id, score in ranked[:limit]
            if score >= top * RELATIVE_CUTOFF
        ]

    def confident(self, query: str, best: SearchHit) -> bool:
        """Whether `best` really answers `query`, or is only the least bad of weak matches
        (then the bot says it has no guide for this yet, rather than pretend). Decided on the
        words as read: a corrected or joined word counts, as the ranking counts it."""
        if not self._built:
            self._build()
        return self._trusted(self._read(query, False), best.guide.id)

    def _trusted(self, terms: list[_Term], guide_id: str) -> bool:
        if not terms:
            return False
        anchors = self._anchors[guide_id]
        phrases = self._phrases
        total = found = anchored = 0.0
        rarest = 0.0  # the highest IDF among the guide's title, keyword or id words matched
        for term in terms:
            best: tuple[float, float, str] | None = None
            for word, trust in term.matches:
                if guide_id in self._weights[word]:
                    weight = max(self._idf[word], IDF_FLOOR)
                    if best is None or trust * weight > best[0] * best[1]:
                        best = (trust, weight, word)
            if best is None:
                total += max(
                    (max(self._idf[w], IDF_FLOOR) for w, _ in term.matches), default=UNKNOWN_WEIGHT
                )
                continue
            trust, weight, word = best
            total += weight
            found += trust * weight
            if word in anchors:
                anchored += trust * weight
                rarest = max(rarest, self._idf[word])
        together = any(
            guide_id in phrases.get(f"{x} {y}", ())
            for a, b in itertools.pairwise(terms)
            for x, _ in a.matches
            for y, _ in b.matches
        )
        return (
            found / total >= MIN_COVERAGE
            and anchored / total >= MIN_ANCHORED
            and (
                together
                or anchored / total >= STRONG_ANCHORED
                or (len(terms) <= SHORT_QUERY and rarest >= SHORT_QUERY_MIN_IDF)
            )
        )

    def table(self) -> SearchTable:
        """The index as plain values, for the web site's search (bot/site/build.py)."""
        if not self._built:
            self._build()
        return SearchTable(
            guides=[
                (g.id, g.title, sorted(self._anchors[g.id]), sorted(self._services[g.id]))
                for g in self._guides
            ],
            words={w: self._weights[w] for w in self._vocabulary},
            idf_by_count=self._idf_by_count,
            phrases={p: sorted(ids) for p, ids in sorted(self._phrases.items())},
            services=list(SERVICES),
            forms={w: sorted(keys) for w, keys in sorted(self._forms.items())},
        )


def gap_text(query: str) -> str:
    """What is kept of a question no guide answers, for editors: folded to plain lowercase
    letters with every digit removed (no phone, ID or OTP survives), at most 100 chars."""
    return " ".join(re.findall(r"[a-z]+", fold(query)))[:MAX_GAP_CHARS].strip()
