"""Privacy rules that do not depend on Telegram: pseudonyms and secret-looking messages."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

KEY_BYTES = 32


def load_or_create_key(configured: str | None, key_file: Path) -> bytes:
    """The pseudonymisation key: from settings, else a file created once with mode 0600.

    A plain hash of a Telegram id or phone number can be reversed by trying every value,
    so identifiers are only ever stored as HMACs under this key.
    """
    if configured:
        return configured.encode()
    if key_file.exists():
        return bytes.fromhex(key_file.read_text().strip())
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex())
    return key


def pseudonym(key: bytes, kind: str, value: str | int) -> str:
    """A stable, non-reversible stand-in for an identifier; `kind` keeps namespaces apart."""
    message = f"{kind}:{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def blocked_tag(key: bytes, user_key: str) -> str:
    """What stays of a paused person who erased themselves: a keyed tag of their Telegram
    pseudonym, which only the same Telegram account leads back to (to refuse a re-join)."""
    return pseudonym(key, "blocked", user_key)


_LONE_CODE = re.compile(r"^\s*(?:\d[\s.-]?){3,7}\d\s*$")
# A secret's name followed directly by a value with a digit in it: "otp 123456",
# "mk là Abc@1234". "mat khau vneid" alone is a search, not a secret.
_NAMED_SECRET = re.compile(
    r"\b(?:otp|passcode|mat khau|mk|pass|password|ma xac nhan|ma xac thuc|ma pin|pin|ma)"
    r"(?:\s+cua\s+(?:toi|minh|em|anh|chi))?\s*(?:la|:|=)?\s*(\S*\d\S*)"
)


def looks_like_secret(text: str, folded: str) -> bool:
    """True for a lone 4-8 digit code, or a named secret followed by a value.

    `folded` is the accent-free lowercase text, so "mật khẩu" and "mat khau" both match.
    """
    if _LONE_CODE.match(text):
        digits = sum(c.isdigit() for c in text)
        return 4 <= digits <= 8
    return any(len(m.group(1)) >= 4 for m in _NAMED_SECRET.finditer(folded))


_NUMBER_ONLY = re.compile(r"^\s*\+?[\d\s.()-]+\s*$")


def looks_like_personal_number(text: str) -> bool:
    """A phone number or a 12-digit ID number on its own (9-15 digits, separators allowed)."""
    if not _NUMBER_ONLY.match(text):
        return False
    return 9 <= sum(c.isdigit() for c in text) <= 15
