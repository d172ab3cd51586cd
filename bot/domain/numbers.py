"""Whole numbers as Vietnamese coordinators type them: «1.000» is a thousand, the way the bot
prints it; a comma is the Vietnamese decimal mark, so «1,5» or «1,000» is not a count and
gets a hint rather than a guess."""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^\d{1,12}$")
_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")  # 1.000, 12.500.000
_WITH_COMMA = re.compile(r"^\d+(?:[.,]\d+)*,\d+(?:[.,]\d+)*$")


class NumberError(ValueError):
    """`reason`: "comma" (a decimal mark where a whole number was asked) or "not_a_number"."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


def whole_number(text: str) -> int:
    """«500», «1.000», «1000» are numbers; «1,5» raises NumberError("comma")."""
    word = text.strip()
    if _PLAIN.match(word):
        return int(word)
    if _GROUPED.match(word):
        return int(word.replace(".", ""))
    if _WITH_COMMA.match(word):
        raise NumberError("comma", word)
    raise NumberError("not_a_number", word)


def is_number_like(text: str) -> bool:
    """Digits with dots or commas between them: meant as a number, right or wrong."""
    return bool(_PLAIN.match(text) or _GROUPED.match(text) or _WITH_COMMA.match(text))


MAX_ID_DIGITS = 9  # ids and page numbers from button data: few enough digits for SQLite


def is_small_int(text: str) -> bool:
    """An id or page number from button data: digits only, and few enough for SQLite."""
    return text.isdigit() and len(text) <= MAX_ID_DIGITS


def small_int(text: str) -> int:
    if not is_small_int(text):
        raise ValueError("not a small whole number")
    return int(text)


def page_number(text: str) -> int:
    """A page from button data; anything else is the first page."""
    try:
        return small_int(text)
    except ValueError:
        return 0
