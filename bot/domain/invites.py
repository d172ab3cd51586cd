"""Invite codes: short, unguessable, limited in uses and time."""

from __future__ import annotations

import secrets
from enum import StrEnum

from bot.domain.cells import starts_like_formula
from bot.domain.model import Invite

# No 0/O or 1/I/L: codes are read aloud and typed from paper.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 8e14: guessing one is hopeless


class InviteStatus(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED_UP = "used_up"
    PAUSED = "paused"  # the person is a paused member: only a coordinator can reactivate them


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return text.strip().upper()


def status(invite: Invite | None, now: int) -> InviteStatus:
    if invite is None:
        return InviteStatus.UNKNOWN
    if now >= invite.expires_at:
        return InviteStatus.EXPIRED
    if invite.uses >= invite.max_uses:
        return InviteStatus.USED_UP
    return InviteStatus.OK


MAX_NAME = 40


def clean_display_name(text: str) -> str | None:
    """The name a volunteer chooses to be shown by: 1-40 printable characters that do not
    start like a spreadsheet formula (see `display_name_problem`), or None."""
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME or not name.isprintable() or starts_like_formula(name):
        return None
    return name


def display_name_problem(text: str) -> str:
    """Why `clean_display_name` refused a name: "formula" (it starts with = + - or @, which
    would run as a formula in an exported spreadsheet), else "length"."""
    # Said first: shortening such a name would not make it acceptable.
    return "formula" if starts_like_formula(" ".join(text.split())) else "length"
