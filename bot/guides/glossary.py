"""The glossary (`guides/glossary.yaml`): one plain explanation per term, one name per thing.

A step that uses a term offers its explanation; `guides check` refuses a guide that uses a
variant the glossary marks as not to use, or an abbreviation the glossary does not explain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from bot.bounded import BoundedCache

GLOSSARY_FILE = "glossary.yaml"
TERMS_CACHE_SIZE = 4096  # texts whose terms are kept: more than the library's steps


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    term: str = Field(min_length=1, max_length=60)
    also: tuple[str, ...] = ()  # other accepted forms that count as a use of the term
    avoid: tuple[str, ...] = ()  # variants guides must not use (an old name, a wrong one)
    explanation: str = Field(min_length=10, max_length=400)
    explanation_en: str | None = Field(default=None, min_length=10, max_length=400)
    source: HttpUrl | None = None

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.also)

    def localized_explanation(self, language: str) -> str:
        if language == "en" and self.explanation_en:
            return self.explanation_en
        return self.explanation


class GlossaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: tuple[Term, ...] = Field(min_length=1)


def _case_sensitive(form: str) -> bool:
    # "PIN" (a code) is not "pin" (a battery): forms with capitals match as written.
    return any(c.isupper() for c in form)


def _pattern(forms: Iterable[str], *, ignore_case: bool) -> re.Pattern[str] | None:
    ordered = sorted(set(forms), key=lambda f: (-len(f), f))  # the longest form wins
    if not ordered:
        return None
    body = "|".join(re.escape(f) for f in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE if ignore_case else 0)


# A word with two capitals or more (OTP, eKYC, VNeID, BHYT): an abbreviation or a product
# name, which a reader may not know. Writing a word in capitals for emphasis is not needed.
_ABBREVIATION = re.compile(r"(?<!\w)\w*[A-ZĐ]\w*[A-ZĐ]\w*(?!\w)")
# Document numbers (320/2026/NĐ-CP, 1906/QĐ-BYT) and words with digits (plates, models) are
# codes to copy, not words to explain.
_CODE = re.compile(r"\d[\w.]*(?:/[\w.-]+)+|(?<!\w)\w*\d\w*(?!\w)")


class Glossary:
    def __init__(self, terms: Iterable[Term] = ()) -> None:
        self.terms = tuple(terms)
        self._by_form: dict[str, Term] = {}
        for term in self.terms:
            for form in term.forms:
                key = form if _case_sensitive(form) else form.casefold()
                self._by_form.setdefault(key, term)
        forms = [f for t in self.terms for f in t.forms]
        avoid = [f for t in self.terms for f in t.avoid]
        self._exact = _pattern([f for f in forms if _case_sensitive(f)], ignore_case=False)
        self._folded = _pattern([f for f in forms if not _case_sensitive(f)], ignore_case=True)
        self._avoid_exact = _pattern([f for f in avoid if _case_sensitive(f)], ignore_case=False)
        self._avoid_folded = _pattern(
            [f for f in avoid if not _case_sensitive(f)], ignore_case=True
        )
        # A step's terms are asked for by each of its screens, in both languages, and the
        # step's text never changes while the library lives: found once per text, not at
        # every render (finding them was a fifth of `guides check`).
        # Bounded; finding a text's terms again is cheap.
        self._terms_found: BoundedCache[str, tuple[Term, ...]] = BoundedCache(TERMS_CACHE_SIZE)

    def __len__(self) -> int:
        return len(self.terms)

    def _term_of(self, found: str) -> Term | None:
        return self._by_form.get(found) or self._by_form.get(found.casefold())

    def terms_in(self, text: str) -> list[Term]:
        """The terms `text` uses, in the order they first appear."""
        found = self._terms_found.get_or_make(text, lambda: tuple(self._find_terms(text)))
        return list(found)  # the caller's own list: the cached one must not change

    def _find_terms(self, text: str) -> list[Term]:
        hits: list[tuple[int, Term]] = []
        for pattern in (self._exact, self._folded):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                term = self._term_of(match.group(0))
                if term is not None:
                    hits.append((match.start(), term))
        ordered: list[Term] = []
        for _, term in sorted(hits, key=lambda hit: hit[0]):
            if term not in ordered:
                ordered.append(term)
        return ordered

    def avoided_in(self, text: str) -> list[tuple[str, Term]]:
        """Each not-to-use variant found in `text`, with the term to write instead."""
        found: list[tuple[str, Term]] = []
        for pattern in (self._avoid_exact, self._avoid_folded):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                variant = match.group(0)
                for term in self.terms:
                    if any(variant.casefold() == a.casefold() for a in term.avoid):
                        found.append((variant, term))
                        break
        return found

    def unexplained_in(self, text: str) -> list[str]:
        """Abbreviations in `text` that no glossary form covers, in order, each once."""
        unknown = [m for m in _ABBREVIATION.finditer(text) if self._term_of(m.group(0)) is None]
        if not unknown:  # the common case: no need to find where longer forms stand
            return []
        # Inside a known longer form ("iPhone SE"), a not-to-use variant (reported on its own
        # by `avoided_in`) or a code (320/2026/NĐ-CP), a word is not missing.
        patterns = (self._exact, self._folded, self._avoid_exact, self._avoid_folded, _CODE)
        inside = [range(*m.span()) for p in patterns if p for m in p.finditer(text)]
        missing: list[str] = []
        for match in unknown:
            word = match.group(0)
            if not any(match.start() in span for span in inside) and word not in missing:
                missing.append(word)
        return missing
