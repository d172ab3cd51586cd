"""Vietnamese text without its accents: how people type, and how search and commands match."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lowercase, strip every diacritic and turn đ into d; stable under NFC/NFD input."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    if decomposed.isascii():  # nothing to strip, and no đ
        return decomposed
    # The marks among the text's distinct characters, removed in one pass: testing every
    # character in Python was most of the cost of building the search index.
    marks = {ord(c): None for c in set(decomposed) if unicodedata.category(c) == "Mn"}
    return decomposed.translate(marks).replace("đ", "d")
