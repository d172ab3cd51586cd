"""Privacy rules that do not depend on Telegram: pseudonyms and secret-looking messages."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32
KEY_FILE = "secret.key"  # beside the database, unless SECRET_KEY is set
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")
# What a key is made with, and the format of both secret.key and SECRET_KEY.
NEW_KEY_HELP = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


class KeyRefused(Exception):
    """The key cannot be used with this database; one line that says what to restore."""


@dataclass(frozen=True)
class Key:
    """The key in use, where it came from, and what the start must still do with it."""

    key: bytes
    where: str  # "SECRET_KEY" or the key file's path
    made: bool = False  # the key file was created by this call
    seal: bool = False  # the database holds no check value yet: store check_value(key)
    warnings: tuple[str, ...] = ()


def check_value(key: bytes) -> str:
    """A keyed check stored in the database: tells the right key from a wrong one without
    giving the key away (an HMAC of a constant)."""
    return hmac.new(key, b"key-check", hashlib.sha256).hexdigest()


def settle_key(
    configured: str | None,
    key_file: Path,
    stored_check: str | None,
    pseudonyms: bool,
    *,
    may_create: bool = True,
) -> Key | None:
    """The key to use with a database that holds `stored_check` (None: not sealed yet) and
    `pseudonyms` (rows keyed by the key), or KeyRefused with one line saying what to do.

    SECRET_KEY and the key file have one format: 64 hex characters (32 bytes), so pasting
    the file into SECRET_KEY gives the same key. A SECRET_KEY of another form was taken as
    its text before; a database sealed with it, or holding pseudonyms from before the check
    existed, keeps it (with a warning when it is short); a new one refuses it. A new key is
    made only for a database that holds no pseudonyms and no check: never for a restored
    one. None when there is no key yet and `may_create` is False (`health`).
    """
    database = key_file.parent
    if configured is not None and configured.strip():
        return _configured(configured.strip(), database, stored_check, pseudonyms)
    if key_file.exists() or key_file.is_symlink():
        return _from_file(key_file, stored_check)
    if stored_check is not None or pseudonyms:
        raise KeyRefused(
            f"no key for the database in {database}: it holds pseudonyms made with a key that "
            f"is not here; restore {key_file} (or SECRET_KEY) from where you keep it apart "
            "from the backups. No new key is made: it would make every volunteer a stranger"
        )
    if not may_create:
        return None
    return Key(_make_key_file(key_file), str(key_file), made=True, seal=True)


def _configured(text: str, database: Path, stored: str | None, pseudonyms: bool) -> Key:
    forms = ([bytes.fromhex(text)] if _HEX_KEY.fullmatch(text) else []) + [text.encode()]
    if stored is not None:
        key = next((k for k in forms if hmac.compare_digest(check_value(k), stored)), None)
        if key is None:
            raise KeyRefused(
                f"SECRET_KEY does not match the database in {database}: set it back to the key "
                "used with this database (or restore the database that goes with this key)"
            )
        seal = False
    elif pseudonyms:
        key, seal = text.encode(), True  # an upgrade: the key in use so far, read as text
    elif _HEX_KEY.fullmatch(text):
        key, seal = forms[0], True
    else:
        raise KeyRefused(
            "SECRET_KEY must be 64 hex characters (32 random bytes, the format of secret.key), "
            f"e.g. from {NEW_KEY_HELP}"
        )
    warnings = ()
    if len(key) < KEY_BYTES:
        warnings = (
            f"SECRET_KEY is {len(key)} bytes, shorter than {KEY_BYTES}: it is kept because "
            "this database's pseudonyms were made with it (a new key would lose them); "
            "keep it secret, a short key is easier to guess",
        )
    return Key(key, "SECRET_KEY", seal=seal, warnings=warnings)


def _from_file(key_file: Path, stored: str | None) -> Key:
    try:
        text = key_file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not text"
        raise KeyRefused(
            f"cannot read the key file {key_file} ({why}): restore it from where you keep it "
            "apart from the backups"
        ) from None
    if not _HEX_KEY.fullmatch(text):
        raise KeyRefused(
            f"the key file {key_file} is damaged (not 64 hex characters): restore it from "
            "where you keep it apart from the backups; a new key would make every volunteer "
            "a stranger"
        )
    key = bytes.fromhex(text)
    if stored is not None and not hmac.compare_digest(check_value(key), stored):
        raise KeyRefused(
            f"the key file {key_file} does not match the database beside it: restore the "
            "secret.key that was used with this database (or the database that goes with it)"
        )
    warnings = ()
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        warnings = (
            f"the key file {key_file} is readable by others (mode {mode:o}): chmod 600 {key_file}",
        )
    return Key(key, str(key_file), seal=stored is None, warnings=warnings)


def _make_key_file(key_file: Path) -> bytes:
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex())
    return key


def load_or_create_key(configured: str | None, key_file: Path) -> bytes:
    """The pseudonymisation key, unchecked: from SECRET_KEY (64 hex characters, or text as
    before), else the key file, created once with mode 0600. The bot's start and the
    commands use `settle_key`, which checks the key against the database.

    A plain hash of a Telegram id or phone number can be reversed by trying every value,
    so identifiers are only ever stored as HMACs under this key.
    """
    if configured:
        text = configured.strip()
        return bytes.fromhex(text) if _HEX_KEY.fullmatch(text) else text.encode()
    if key_file.exists():
        return bytes.fromhex(key_file.read_text().strip())
    return _make_key_file(key_file)


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
