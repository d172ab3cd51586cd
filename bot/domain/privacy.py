"""Privacy rules that do not depend on Telegram: pseudonyms and secret-looking messages."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.texts.folding import fold

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
    warnings: tuple[str, ...] = ()
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
    warnings: tuple[str, ...] = ()
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


# ----- private values in a message the bot would search -------------------------------------

SECRET, NUMBER, EMAIL = "secret", "number", "email"

# (Each match starts where a run of address characters starts: tried at every position
# inside a long word, the pattern took 0.1 s on a 4,096-letter message.)
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+(?:\.[\w-]+)+|(?:gmail|yahoo|hotmail|outlook|icloud|ymail)\b)",
    re.IGNORECASE,
)
# A run of digits with at most two separators between any two ("0912 345 678",
# "+84 (24) 3825-1234", "001.234.567.890"): 9 to 15 digits is a phone, ID or account number.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s.\-()]{0,2}\d)*")
PERSONAL_DIGITS = (9, 15)

# "mật khẩu (vneid) (của tôi) là X", "mk: X", "pass = X", "otp là X", "my password is X", on
# folded text: a secret's name, up to four words, then "là", ":", "=" or "is", then a value.
_SECRET_NAMES = (
    r"mat khau|mat ma|mk|pass|password|passcode|pw|otp|ma otp|ma pin|pin|ma xac nhan"
    r"|ma xac thuc|ma kich hoat"
)
_CONNECTOR = r"(?:\s*[:=]\s*|\s+(?:la|is|:|=)\s*[:=]?\s*)"
_SECRET_CUE = re.compile(
    rf"\b(?:{_SECRET_NAMES})\b(?:\s+[a-z0-9]+){{0,4}}?{_CONNECTOR}(?P<value>\S+)"
)
# What follows "là" in a question about a secret rather than a secret ("mật khẩu là gì",
# "mk là sao", "otp là cái gì", "mật khẩu phải là 8 ký tự"): not a value.
_QUESTION_WORDS = """
    gi j ji gj sao cai the nhu ntn bao may ai dau khi nao loai gom phai bat bi khong ko k kh
    sai dung do vay ha a ah u nhieu chu so ky ki tu chuoi day mot de cho can duoc dc co
    what how wrong incorrect invalid not required expired correct which
"""
QUESTION_AFTER_CUE = frozenset(_QUESTION_WORDS.split())


def _value(word: str) -> bool:
    """Whether the word after a cue is a value (a secret), not the start of a question."""
    word = word.strip(".,;!?\"'()[]«»")
    if len(word) < 3:
        return False
    head = re.match(r"[a-z0-9]+", word)
    return head is None or head.group(0) not in QUESTION_AFTER_CUE


def private_kind(text: str) -> str | None:
    """Why a message must not be searched, echoed or kept: SECRET (a lone code, or a
    password, OTP or PIN given after its name), NUMBER (a phone, ID or account number
    anywhere in it) or EMAIL; None for an ordinary question."""
    folded = fold(text)
    if looks_like_secret(text, folded) or any(
        _value(m.group("value")) for m in _SECRET_CUE.finditer(folded)
    ):
        return SECRET
    low, high = PERSONAL_DIGITS
    for run in _DIGIT_RUN.finditer(text):
        if low <= sum(c.isdigit() for c in run.group(0)) <= high:
            return NUMBER
    if _EMAIL.search(text):
        return EMAIL
    return None


# ----- what the unanswered-questions log may keep --------------------------------------------

HIDDEN = "…"
# A question that says who or where the asker is keeps none of its words, only its count.
SELF_INTRODUCTION = "… (tu gioi thieu: khong ghi noi dung)"
MAX_GAP_CHARS = 100
_SELF_CUES = re.compile(
    r"\b(?:(?:toi|minh|em|tui|to|con|chau|anh|chi) ten(?: that)? la"
    r"|ten(?: cua)? (?:toi|minh|tui|em|con|chau)|ten (?:minh|em|toi) la"
    r"|nha (?:cua )?(?:toi|minh|em|tui|con|chau) o|my name is"
    # "địa chỉ", but not "địa chỉ đỏ" (a service the guides explain) or a web or email address
    r"|dia chi(?! (?:do|e ?mail|gmail|web|website|trang web|ip)\b)"
    r"|toi la (?:ong|ba|chi|anh|co|chu|bac) [a-z]+|que (?:toi|minh|em) o)\b"
)
# A private value's name, up to four words, then "là", ":", "=" or "is": what follows is the
# value, and goes with the rest of the question. Secrets, and values the log must not keep
# even without digits (an email address or an account name typed without "@").
_VALUE_CUE = re.compile(
    rf"\b(?:{_SECRET_NAMES}|e ?mail|gmail|dia chi|so dien thoai|sdt|dien thoai|so dt|so cccd|cccd"
    r"|cmnd|can cuoc|so can cuoc|so dinh danh|so tai khoan|stk|tai khoan|tk|user|username"
    r"|ten dang nhap)\b(?:\s+[a-z0-9]+){0,4}?"
    rf"{_CONNECTOR}(?P<value>[^\s…]+)"
)
# What stays of an email address once folded without its "@" and dots ("mai tran gmail com").
_EMAIL_REMNANT = re.compile(
    r"\b[a-z]+ (?:gmail|yahoo|hotmail|outlook|icloud|ymail) (?:com|vn)(?: vn)?\b"
)
_PIECE = re.compile(rf"{_EMAIL.pattern}|{HIDDEN}+|\w+", re.IGNORECASE)


def gap_question(question: str, known_word: Callable[[str], bool]) -> str:
    """What the unanswered-questions log keeps of `question`: folded to plain lowercase
    words, with digits, email addresses, whatever follows a private value's name ("mật khẩu
    là …", "email của tôi là …") and proper names each replaced by "…"; a question in which
    the asker says who or where they are keeps only SELF_INTRODUCTION. "" when no word is left.

    A proper name is a capitalised word that is not the first one and that `known_word`
    (the guides' vocabulary: the bot passes the words the guides themselves capitalise,
    such as "VNeID" or "Zalo") does not know; in a run of capitalised words ("Trần Thị
    Mai") one unknown word hides the whole run, the first word included. Cleaning what this
    returns gives the same text, so rows already kept can be cleaned again safely.
    """
    if question == SELF_INTRODUCTION:
        return question
    if _SELF_CUES.search(fold(question)):
        return SELF_INTRODUCTION
    pieces = _PIECE.findall(question)
    hidden = [
        "@" in p or p.startswith(HIDDEN) or any(c.isdigit() for c in p) or "_" in p
        for p in pieces
    ]
    capital = [not hidden[i] and p[:1].isupper() for i, p in enumerate(pieces)]
    start = 0
    while start < len(pieces):
        if not capital[start]:
            start += 1
            continue
        end = start
        while end + 1 < len(pieces) and capital[end + 1]:
            end += 1
        run = range(start, end + 1)
        if len(run) > 1:
            if not all(known_word(pieces[i]) for i in run):
                for i in run:
                    hidden[i] = True
        elif start > 0 and not known_word(pieces[start]):
            hidden[start] = True
        start = end + 1
    words: list[str] = []
    for piece, hide in zip(pieces, hidden, strict=True):
        words.extend([HIDDEN] if hide else re.findall(r"[a-z]+", fold(piece)))
    text = f" {' '.join(words)} "
    text = _EMAIL_REMNANT.sub(HIDDEN, text)
    for cue in _VALUE_CUE.finditer(text):
        if _value(cue.group("value")):
            text = text[: cue.start("value")] + HIDDEN
            break
    kept: list[str] = []
    for word in text.split():
        if not (word == HIDDEN and kept and kept[-1] == HIDDEN):
            kept.append(word)
    if not any(w != HIDDEN for w in kept):
        return ""
    result = ""
    for word in kept:
        if len(result) + len(word) + 1 > MAX_GAP_CHARS:
            break
        result = f"{result} {word}" if result else word
    return result
