"""Vietnamese order (issue 26, finding 14's «Đ… after X…»): the key agrees with ICU.

tests/data/collation_vi.txt was sorted once by ICU 72.1's Collator for Locale("vi") (PyICU in a
scratch virtualenv; PyICU needs a compiler, so it is no dependency): all the names of a sample
of the official units, the guides' titles, and words that try each tone on each vowel, the
letters ă â đ ê ô ơ ư, case, spaces, punctuation and digits.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from bot.texts.collation import sort_vietnamese, vietnamese_key

FIXTURE = Path(__file__).parent / "data" / "collation_vi.txt"


def _icu_sorted() -> list[str]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_the_key_sorts_as_icu_does() -> None:
    expected = _icu_sorted()
    assert len(expected) > 1000
    for seed in range(3):
        shuffled = expected[:]
        random.Random(seed).shuffle(shuffled)
        got = sorted(shuffled, key=vietnamese_key)
        mismatches = [
            (i, g, e) for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e
        ]
        assert not mismatches, mismatches[:5]


def test_letters_and_tones_in_vietnamese_order() -> None:
    assert sort_vietnamese(["Xuân", "Đà Nẵng", "Liên", "Làm", "Điện Biên", "An Giang"]) == [
        "An Giang",
        "Đà Nẵng",
        "Điện Biên",
        "Làm",
        "Liên",
        "Xuân",
    ]
    assert sort_vietnamese(["ơ", "o", "ô", "ư", "u", "ă", "a", "â"]) == [
        "a",
        "ă",
        "â",
        "o",
        "ô",
        "ơ",
        "u",
        "ư",
    ]
    # CLDR's tone order: none, huyền, hỏi, ngã, sắc, nặng
    assert sort_vietnamese(["má", "mạ", "mã", "mả", "mà", "ma"]) == [
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
    ]


def test_nfd_input_sorts_like_nfc() -> None:
    names = _icu_sorted()[:300]
    nfd = [unicodedata.normalize("NFD", n) for n in names]
    assert [unicodedata.normalize("NFC", n) for n in sorted(nfd, key=vietnamese_key)] == sorted(
        names, key=vietnamese_key
    )
