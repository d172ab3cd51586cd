"""Vietnamese alphabetical order: `sorted(names, key=vietnamese_key)`.

Python sorts by code point, which puts «Đ…» after «Z…» and «Liên» before «Làm». This key
follows ICU's collation for the locale ``vi`` (CLDR), checked against a list ICU sorted once
(tests/data/collation_vi.txt), without depending on ICU:

- letters in the Vietnamese alphabet order, with the English letters where English has them:
  a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z;
- before letters: white space, then punctuation and symbols, then digits (one at a time, so
  "10" comes before "2");
- words are compared letter by letter first, ignoring tones and case; tones decide only
  between words with the same letters, in CLDR's order: none, huyền (à), hỏi (ả), ngã (ã),
  sắc (á), nặng (ạ) — the earliest toned letter decides; then lower case before upper case.
"""

from __future__ import annotations

import unicodedata

# Letters: a breve, circumflex or horn makes a letter of its own (ă â ê ô ơ ư); đ is one too.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_PRIMARY = {letter: index for index, letter in enumerate(_ALPHABET)}
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Tones, in CLDR's Vietnamese order (secondary differences): huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Space, punctuation and symbols in the order ICU gives them (everything before the digits).
_SYMBOLS = "\t\n\x0b\x0c\r \xa0_-–—,;:!?.…·'‘’\"“”«»()[]{}§@*/\\&#%•`^°©®+÷×<=>|~$₫€№"
_SYMBOL_RANK = {ch: index for index, ch in enumerate(_SYMBOLS)}
_SYMBOL_RANK["\xa0"] = _SYMBOL_RANK[" "]

# Primary groups: white space and symbols < other symbols < digits < letters < other scripts.
_SPACE, _SYMBOL, _OTHER_SYMBOL, _DIGIT, _LETTER, _OTHER = range(6)


def _primary(base: str) -> tuple[int, int]:
    lower = base.lower()
    if lower in _PRIMARY:
        return (_LETTER, _PRIMARY[lower])
    if base in _SYMBOL_RANK:
        return (_SPACE if base.isspace() else _SYMBOL, _SYMBOL_RANK[base])
    if base.isspace():
        return (_SPACE, _SYMBOL_RANK[" "])
    if base.isdigit():
        return (_DIGIT, unicodedata.digit(base, 0))
    if base.isalpha():
        return (_OTHER, ord(lower))
    return (_OTHER_SYMBOL, ord(base))


def vietnamese_key(text: str) -> tuple:
    """A sort key giving Vietnamese alphabetical order (ICU/CLDR ``vi``); NFC or NFD alike."""
    primary: list[tuple[int, int]] = []
    secondary: list[tuple[int, ...]] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.category(char) in ("Cf", "Cc") and not char.isspace():
            continue  # ignorable: zero-width joiners, soft hyphens, controls
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        if unicodedata.combining(base):  # a lone combining mark: weigh it on its own
            base, marks = "", decomposed
        letter = base.lower()
        tones: list[int] = []
        for mark in marks:
            if (letter, mark) in _LETTER_MARKS:
                letter = _LETTER_MARKS[(letter, mark)]
            else:
                tones.append(_TONES.get(mark, 10 + ord(mark)))
        if letter:
            primary.append(_primary(letter))
            secondary.append(tuple(sorted(tones)))
            tertiary.append(1 if base != base.lower() else 0)
        elif tones and secondary:
            secondary[-1] = tuple(sorted(secondary[-1] + tuple(tones)))
    return (tuple(primary), tuple(secondary), tuple(tertiary), unicodedata.normalize("NFC", text))


def sort_vietnamese(items: list[str]) -> list[str]:
    """The items in Vietnamese alphabetical order."""
    return sorted(items, key=vietnamese_key)
