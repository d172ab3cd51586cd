"""Vietnamese text without its accents: how people type, and how search and commands match."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lowercase, strip every diacritic and turn đ into d; stable under NFC/NFD input."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.replace("đ", "d")
