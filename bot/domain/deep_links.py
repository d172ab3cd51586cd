"""`/start` payloads: what a deep link or QR code asks for.

Telegram allows up to 64 characters of `[A-Za-z0-9_-]`. Guide ids use only `[a-z0-9-]`, so
`_` is free to separate parts:

    <guide-id>                 open a guide
    <guide-id>_<unit-code>     open a guide and credit self-serve reach to that unit
    join_<invite-code>         join as a volunteer or coordinator ("join" is no guide id)
    ci_<activity-token>        a member checks in to an activity
    at_<activity-token>        a resident marks attendance at a class or campaign day
    cf_<token>                 a resident confirms the assist they received
    menu                       the main menu (the inline card's button)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import link_words as words

MAX_PAYLOAD = 64
JOIN_PREFIX = f"{words.JOIN}_"
CHECK_IN_PREFIX = f"{words.CHECK_IN}_"
ATTEND_PREFIX = f"{words.ATTEND}_"
CONFIRM_PREFIX = f"{words.CONFIRM}_"
MENU_PAYLOAD = words.MENU
RESERVED_GUIDE_IDS = words.RESERVED_GUIDE_IDS
UNIT_CODE = re.compile(r"^[A-Za-z0-9-]{1,20}$")
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{0,64}$")
_INVITE_CODE = re.compile(r"^[A-Za-z0-9]{4,32}$")


@dataclass(frozen=True)
class GuideLink:
    guide_id: str
    unit_code: str = ""


@dataclass(frozen=True)
class JoinLink:
    code: str


@dataclass(frozen=True)
class CheckInLink:
    token: str


@dataclass(frozen=True)
class AttendLink:
    token: str


@dataclass(frozen=True)
class ConfirmLink:
    token: str


@dataclass(frozen=True)
class MenuLink:
    unknown: bool = False  # True when the payload made no sense: say so politely


Link = GuideLink | JoinLink | CheckInLink | AttendLink | ConfirmLink | MenuLink


_TOKEN_LINKS: dict[str, type[CheckInLink | AttendLink | ConfirmLink]] = {
    CHECK_IN_PREFIX: CheckInLink,
    ATTEND_PREFIX: AttendLink,
    CONFIRM_PREFIX: ConfirmLink,
}


def parse(payload: str) -> Link:
    if not payload or payload == MENU_PAYLOAD:
        return MenuLink()
    if not _PAYLOAD.match(payload):
        return MenuLink(unknown=True)
    if payload.startswith(JOIN_PREFIX):
        code = payload.removeprefix(JOIN_PREFIX)
        return JoinLink(code) if _INVITE_CODE.match(code) else MenuLink(unknown=True)
    for prefix, kind in _TOKEN_LINKS.items():
        if payload.startswith(prefix):
            token = payload.removeprefix(prefix)
            # "cf_" alone is a cut-off link, not a token to look up.
            return kind(token) if token else MenuLink(unknown=True)
    guide_id, _, unit_code = payload.partition("_")
    if not guide_id or (unit_code and not UNIT_CODE.match(unit_code)):
        return MenuLink(unknown=True)
    return GuideLink(guide_id.lower(), unit_code)


def guide_payload(guide_id: str, unit_code: str = "") -> str:
    payload = f"{guide_id}_{unit_code}" if unit_code else guide_id
    if len(payload) > MAX_PAYLOAD or not _PAYLOAD.match(payload):
        raise ValueError(f"not a valid deep-link payload: {payload!r}")
    return payload


def join_payload(code: str) -> str:
    return JOIN_PREFIX + code


def link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def check_in_payload(token: str) -> str:
    return CHECK_IN_PREFIX + token


def attend_payload(token: str) -> str:
    return ATTEND_PREFIX + token


def confirm_payload(token: str) -> str:
    return CONFIRM_PREFIX + token
