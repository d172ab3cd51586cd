"""Read Vietnamese the way people type it: accents or none, `đ` as `d`, old or new tone
placement, i or y after a consonant (kí/ký), chat forms (mk, tk, đc, onl…), brand names split
or joined (smart ca, v neid, dichvucong), and the fillers that name no topic (cho e hỏi, ad ơi,
làm sao để…).

Guides and questions go through the same steps, so both sides meet on one form. The web site's
script repeats these steps from the tables exported by bot/site/build.py (`rules()`); a
parity test in the browser holds the two together.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TypedDict

from bot.texts.folding import fold

# A word as typed: Vietnamese letters (NFC) and digits. Folding each word keeps every typed
# word paired with its folded form, which is what the accent-only fillers need.
_WORD = re.compile(r"[0-9a-z\u00c0-\u1ef9]+")
# i and y alternate after a consonant (kí/ký, lí/lý, mĩ/mỹ, hi/hy, kĩ/kỹ, quí/quý):
# one form for both. Not after a vowel: "thủy" is never "thủi".
_I_FOR_Y = re.compile(r"^(qu|[bcdghklmnprstvx]+)y$")
MAX_WORDS = 64  # a longer text is chat, not a query; bounded work per message

# Chat forms on folded words. One word may stand for several ("mk" -> "mat khau"), or for
# none (a filler); the expansion is read like typed text.
ABBREVIATIONS: dict[str, str] = {
    "ko": "khong",
    "k": "khong",
    "kh": "khong",
    "kg": "khong",
    "hok": "khong",
    "hong": "khong",
    "khum": "khong",
    "hem": "khong",
    "dc": "duoc",
    "dk": "dang ky",
    "dky": "dang ky",
    "dki": "dang ky",
    "dn": "dang nhap",
    "mk": "mat khau",
    "pass": "mat khau",
    "password": "mat khau",
    "pw": "mat khau",
    "tk": "tai khoan",
    "acc": "tai khoan",
    "stk": "so tai khoan",
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "dthoai": "dien thoai",
    "dtdd": "dien thoai",
    "j": "gi",
    "ntn": "nhu the nao",
    "hd": "huong dan",
    "lltp": "ly lich tu phap",
    "ltp": "ly lich tu phap",
    "dvc": "dich vu cong",
    "dvcqg": "dich vu cong quoc gia",
    "dichvucong": "dich vu cong",
    "cks": "chu ky so",
    "ad": "",
    "admin": "",
    "e": "em",
    "r": "roi",
    "rui": "roi",
    "vs": "voi",
    "mik": "minh",
    "mh": "minh",
    "mn": "",
    "ng": "nguoi",
    "lm": "lam",
    "cx": "cung",
    "bn": "bao nhieu",
    "cmt": "chung minh",
    "cmnd": "chung minh nhan dan",
    "cccd": "can cuoc cong dan",
    "ddcn": "dinh danh ca nhan",
    "dddt": "dinh danh dien tu",
    "bhxh": "bao hiem xa hoi",
    "bhyt": "bao hiem y te",
    "gplx": "giay phep lai xe",
    "vn": "viet nam",
    "app": "ung dung",
    "apps": "ung dung",
    "ud": "ung dung",
    "onl": "online",
    "ol": "online",
    "oto": "o to",
    "tn": "tin nhan",
    "sms": "tin nhan sms",
    "stdv": "so tay dang vien",
    "hs": "ho so",
    "nh": "ngan hang",
    "ck": "chuyen khoan",
    "fb": "facebook",
    "zl": "zalo",
    "pc": "may tinh",
    "laptop": "may tinh",
}

# Forms of more than one word, on words already expanded: brand names typed split (one form
# for both), and fillers of several words that name no topic (dropped).
PHRASES: dict[str, str] = {
    "smart ca": "smartca",
    "v neid": "vneid",
    "vn eid": "vneid",
    "vne id": "vneid",
    "vss id": "vssid",
    "e tax": "etax",
    "em tax": "etax",
    "uni key": "unikey",
    "viet qr": "vietqr",
    "pass code": "passcode",
    "mat khau code": "passcode",
    "so tay dv": "so tay dang vien",
    "la gi": "lagi",  # "X là gì" asks what X is: the guide that says what it is
    "nguoi ta": "",
    "so tay dang vien dien tu": "so tay dang vien",
    "lam sao de": "",
    "lam the nao de": "",
    "lam the nao": "",
    "nhu the nao": "",
    "the nao": "",
    "ra sao": "",
    "kieu gi": "",
    "bao nhieu": "",
    "o dau": "",
    "giup em voi": "",
    "giup minh voi": "",
    "duoc khong": "",
    "co duoc khong": "",
}

# Words that never help to pick a guide, on folded words.
STOPWORDS = frozenset(
    [
        "toi",
        "minh",
        "em",
        "anh",
        "chi",
        "ban",
        "oi",
        "a",
        "ah",
        "nhe",
        "nhi",
        "ha",
        "roi",
        "voi",
        "cho",
        "la",
        "thi",
        "ve",
        "phai",
        "lam",
        "sao",
        "nao",
        "gi",
        "giup",
        "xin",
        "hoi",
        "cach",
        "duoc",
        "khong",
        "co",
        "cua",
        "va",
        "cac",
        "nhung",
        "mot",
        "nay",
        "do",
        "muon",
        "hay",
        "bi",
        "nhu",
        "chau",
        "bac",
        "ong",
        "dum",
        "gium",
        "ne",
        "nhen",
        "biet",
        "cung",
    ]
)
# Left out on purpose, because their folded form is also a content word: "can" (căn cước),
# "dang" (đăng ký), "the" (thẻ), "ma" (mã), "di" (di động), "bao" (bảo hiểm), "vay" (vay
# tiền). Typed with their accents, some of those are fillers:
ACCENT_FILLERS = frozenset(["vậy", "thế", "nữa", "đấy", "đây", "chứ", "hả", "đâu"])


@functools.cache
def _expand(word: str) -> tuple[str, ...]:
    """A folded word's chat form expanded, with y after a consonant written i."""
    return tuple(_I_FOR_Y.sub(r"\1i", w) for w in ABBREVIATIONS.get(word, word).split())


def _rewrite(words: list[str], phrases: dict[str, str], starts: frozenset[str]) -> list[str]:
    """Replace the longest multi-word forms first, left to right."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in starts:
            for size in range(min(_LONGEST, len(words) - i), 1, -1):
                replacement = phrases.get(" ".join(words[i : i + size]))
                if replacement is not None:
                    out.extend(replacement.split())
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        else:
            out.append(words[i])
            i += 1
    return out


def _plain(text: str) -> list[str]:
    return [w for word in text.split() for w in _expand(word)]


_NORMAL_PHRASES = {" ".join(_plain(k)): " ".join(_plain(v)) for k, v in PHRASES.items()}
_LONGEST = max(len(k.split()) for k in _NORMAL_PHRASES)
_JOINS = {k: v for k, v in _NORMAL_PHRASES.items() if v}  # what a guide's text is read with
_JOIN_STARTS = frozenset(k.split()[0] for k in _JOINS)


def query_words(text: str) -> list[str]:
    """A question as the search reads it: folded, chat forms expanded, i/y unified, split
    brand names joined, fillers dropped (at most MAX_WORDS typed words are read)."""
    return [word for word, _ in query_terms(text)]


def query_terms(text: str) -> list[tuple[str, str | None]]:
    """query_words, each with the accent key of the word as typed (`accent_key`) when it was
    typed with marks and read as itself (not expanded or rewritten), else None."""
    typed = _WORD.findall(unicodedata.normalize("NFC", text.lower()))[:MAX_WORDS]
    marked = any(not word.isascii() for word in typed)
    words: list[tuple[str, str | None]] = []
    for word in typed:
        if marked and word in ACCENT_FILLERS:  # "vậy" is a filler, "vay" may be a loan
            continue
        folded = fold(word)
        if folded in ABBREVIATIONS or word.isascii():
            words.extend((w, None) for w in _expand(folded))
        else:
            words.extend((w, accent_key(word)) for w in _expand(folded))
    return [(w, k) for w, k in _rewrite_keyed(words) if w not in STOPWORDS]


def _rewrite_keyed(words: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    plain = [w for w, _ in words]
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 1, -1):
            replacement = _NORMAL_PHRASES.get(" ".join(plain[i : i + size]))
            if replacement is not None:
                out.extend((w, None) for w in replacement.split())
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"), None)


def accent_key(word: str) -> str:
    """A typed word's accents, tone placement aside (hoà = hòa) and i/y aside (kí = ký): the
    letters with their vowel marks (â, ă, ơ, ư, đ) and the tone. "tuyển" and "tuyến" fold
    the same but differ here."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(c for c in decomposed if ord(c) in _TONES)
    base = unicodedata.normalize("NFC", decomposed.translate(_TONES))
    return _I_FOR_Y.sub(r"\1i", base) + tones


def typed_words(text: str) -> list[tuple[str, str]]:
    """Each word of a text written with marks, folded and read (one word), with its accent
    key: how the library writes it, for `accent_key` checks."""
    found = (_typed(word) for word in _WORD.findall(unicodedata.normalize("NFC", text.lower())))
    return [pair for pair in found if pair is not None]


@functools.cache
def _typed(word: str) -> tuple[str, str] | None:
    if word.isascii():
        return None
    expanded = _expand(fold(word))
    return (expanded[0], accent_key(word)) if len(expanded) == 1 else None


def text_words(text: str) -> list[str]:
    """A guide's text the same way, keeping every word (no filler is dropped)."""
    words = [w for word in re.findall(r"[0-9a-z]+", fold(text)) for w in _expand(word)]
    return _rewrite(words, _JOINS, _JOIN_STARTS)


class SearchRules(TypedDict):
    abbreviations: dict[str, str]
    phrases: dict[str, str]
    stopwords: list[str]
    accent_fillers: list[str]
    max_words: int


def rules() -> SearchRules:
    """The tables behind query_words, for the web site's script (bot/site/build.py)."""
    return {
        "abbreviations": {k: " ".join(_expand(k)) for k in sorted(ABBREVIATIONS)},
        "phrases": dict(sorted(_NORMAL_PHRASES.items())),
        "stopwords": sorted(STOPWORDS),
        "accent_fillers": sorted(ACCENT_FILLERS),
        "max_words": MAX_WORDS,
    }


def tokens(text: str, *, expand: bool = False, drop_stopwords: bool = False) -> list[str]:
    """Folded word tokens; optionally with chat abbreviations expanded and fillers dropped."""
    if drop_stopwords:
        return query_words(text)
    if expand:
        return text_words(text)
    return re.findall(r"[0-9a-z]+", fold(text))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (adjacent swaps count once; the optimal string alignment
    distance), giving up past `limit`. The search uses RapidFuzz's OSA, which is the same."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev_prev: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(prev[j] + 1, current[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], prev_prev[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        prev_prev, prev = prev, current
    return prev[-1]
