"""Fold Vietnamese text the way people type it: no accents, `đ` as `d`, chat abbreviations."""

from __future__ import annotations

import re
import unicodedata

from bot.texts.folding import fold

_TOKEN = re.compile(r"[0-9a-z\u00c0-\u1ef9]+")

# Chat shorthand seen in Vietnamese messages, on folded tokens. One token may stand for
# several words ("mk" -> "mat khau"); the expansion is searched like typed text.
ABBREVIATIONS: dict[str, str] = {
    "ko": "khong",
    "k": "khong",
    "kh": "khong",
    "kg": "khong",
    "hok": "khong",
    "hong": "khong",
    "dc": "duoc",
    "dk": "dang ky",
    "dky": "dang ky",
    "dn": "dang nhap",
    "mk": "mat khau",
    "pass": "mat khau",
    "password": "mat khau",
    "pw": "mat khau",
    "tk": "tai khoan",
    "acc": "tai khoan",
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "dthoai": "dien thoai",
    "j": "gi",
    "ntn": "nhu the nao",
    "hd": "huong dan",
    "lltp": "ly lich tu phap",
    "dvc": "dich vu cong",
    "dvcqg": "dich vu cong quoc gia",
    "cks": "chu ky so",
    "sim": "sim",
    "ad": "admin",
    "mik": "minh",
    "mh": "minh",
    "cmt": "chung minh",
    "cmnd": "chung minh nhan dan",
    "cccd": "can cuoc cong dan",
    "ddcn": "dinh danh ca nhan",
    "dddt": "dinh danh dien tu",
    "vneid": "vneid",
    "vn": "viet nam",
    "app": "ung dung",
    "apps": "ung dung",
    "ud": "ung dung",
    "dtdd": "dien thoai",
    "tn": "tin nhan",
    "sms": "tin nhan sms",
    "stdv": "so tay dang vien",
}

# Chat fillers that never help to pick a guide.
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
        "vay",
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
    ]
)
# Left out on purpose, because their folded form is also a content word: "can" (căn cước),
# "dang" (đăng ký), "the" (thẻ), "ma" (mã), "di" (di động), "nha" (nhà), "bao" (bảo hiểm).


def accented_tokens(text: str) -> list[str]:
    """Tokens with their accents kept (NFC), to reward an exact accented match."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text.lower()))


def tokens(text: str, *, expand: bool = False, drop_stopwords: bool = False) -> list[str]:
    """Folded word tokens; optionally with chat abbreviations expanded and fillers dropped."""
    raw = re.findall(r"[0-9a-z]+", fold(text))
    if expand:
        expanded: list[str] = []
        for token in raw:
            expanded.extend(ABBREVIATIONS.get(token, token).split())
        raw = expanded
    if drop_stopwords:
        raw = [t for t in raw if t not in STOPWORDS]
    return raw


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (adjacent swaps count once), giving up past `limit`."""
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
