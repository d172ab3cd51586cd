"""Vietnamese phone numbers, only ever turned into a keyed hash for de-duplication."""

from __future__ import annotations

import hashlib
import hmac
import re

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile numbers since the 2018 renumbering: 0 + 3/5/7/8/9 + 8 digits.
_MOBILE = re.compile(r"^0[35789]\d{8}$")


class PhoneInvalid(ValueError):
    pass


def normalise_phone(text: str) -> str:
    """'+84 912 345 678', '84912345678' and '0912.345.678' all become '0912345678'."""
    number = _SEPARATORS.sub("", text.strip())
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("84") and len(number) == 11:
        number = "0" + number[2:]
    if not _MOBILE.match(number):
        raise PhoneInvalid("not a Vietnamese mobile number")
    return number


def key_id(key: bytes) -> str:
    """Names the key without revealing it, so hashes made under an old key can be told apart."""
    return hashlib.sha256(b"outreach-key-id:" + key).hexdigest()[:8]


def person_key(key: bytes, phone: str) -> str:
    """HMAC-SHA256 of the normalised number: unlike a plain hash, it cannot be reversed by
    trying every phone number without the key."""
    return hmac.new(key, f"phone:{normalise_phone(phone)}".encode(), hashlib.sha256).hexdigest()
