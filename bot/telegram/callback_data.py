"""The codec for guide navigation's buttons: short ASCII, versioned, at most 64 bytes (the
outreach log's buttons have theirs in `bot/domain/taps.py`, in the same format).

Navigation state lives entirely in the button, so a conversation survives restarts and
needs no server-side session. Anything that does not decode is treated as forged or stale.
"""

from __future__ import annotations

import re

from bot.domain.done_tag import TAG_PATTERN
from bot.domain.taps import FORMAT_VERSION, MAX_BYTES, InvalidCallback
from bot.guides.navigation import Action, Nav

_GUIDE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_VERSION = re.compile(r"^[0-9a-f]{6}$")
_TOPIC = re.compile(r"^[a-z-]{1,20}$")
# The optional last field of a guide button: the credited unit in base 36, and `.s` when the
# guide was opened from search results.
_TAIL = re.compile(r"^(?P<unit>[0-9a-z]{1,4})?(?P<search>\.s)?$")
FROM_SEARCH = ".s"
_MAX_UNIT = 36**4 - 1


_CARRIES_UNIT = frozenset(
    {
        Action.INTRO,
        Action.STEP,
        Action.HELP,
        Action.PHOTO,
        Action.DONE,
        Action.SOURCES,
        Action.TERMS,
        Action.TERM,
    }
)


def _base36(number: int) -> str:
    if not 0 < number <= _MAX_UNIT:
        raise ValueError(f"unit id out of range: {number}")
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return digits


def encode(nav: Nav) -> str:
    """A guide button's data: `1|<action>|<fields…>[|<unit in base 36>][.s]`.

    «✅ Xong» and the sources screen (whose Back is a «✅ Xong») carry the person's done tag:
    `1|d|<guide>|<version>|<tag>[|<unit>][.s]`; at most 4+37+1+6+1+8+1+6 = 64 bytes."""
    parts = [FORMAT_VERSION, nav.action.value]
    match nav.action:
        case Action.TOPIC:
            parts.append(nav.topic)
        case Action.INTRO:
            parts.append(nav.guide_id)
        case Action.STEP | Action.HELP | Action.PHOTO | Action.TERMS:
            parts += [nav.guide_id, str(nav.step), nav.version]
        case Action.TERM:
            parts += [nav.guide_id, str(nav.step), nav.version, str(nav.term)]
        case Action.DONE | Action.SOURCES:
            if not TAG_PATTERN.match(nav.tag):  # an untagged «✅ Xong» would only be refused
                raise ValueError(f"a done button needs its tag: {nav!r}")
            parts += [nav.guide_id, nav.version, nav.tag]
        case Action.LANGUAGE:
            parts.append(nav.language)
    if (nav.unit or nav.from_search) and nav.action in _CARRIES_UNIT:
        tail = _base36(nav.unit) if nav.unit else ""
        parts.append(tail + (FROM_SEARCH if nav.from_search else ""))
    data = "|".join(parts)
    if len(data.encode()) > MAX_BYTES:  # guarded by the id length limit; never expected
        raise ValueError(f"callback data too long: {data!r}")
    return data


# How many fields follow each action (before the optional unit tail).
_FIELDS = {
    Action.MENU: 0,
    Action.SEARCH_HINT: 0,
    Action.HELP_PAGE: 0,
    Action.TOPIC: 1,
    Action.INTRO: 1,
    Action.LANGUAGE: 1,
    Action.STEP: 3,
    Action.HELP: 3,
    Action.PHOTO: 3,
    Action.DONE: 3,
    Action.SOURCES: 3,
    Action.RESULTS: 0,
    Action.TERMS: 3,
    Action.TERM: 4,
}


def decode(data: str | None) -> Nav:
    if not data or len(data) > MAX_BYTES or not data.isascii():
        raise InvalidCallback("empty, too long or not ASCII")
    parts = data.split("|")
    if parts[0] != FORMAT_VERSION or len(parts) < 2:
        raise InvalidCallback("unknown format version")
    try:
        action = Action(parts[1])
    except ValueError:
        raise InvalidCallback("unknown action") from None
    args = parts[2:]
    unit, from_search = 0, False
    if action in _CARRIES_UNIT and len(args) == _FIELDS[action] + 1:
        unit, from_search = _tail(args.pop())
    if len(args) != _FIELDS[action]:
        raise InvalidCallback("wrong number of fields")
    return _nav(action, args, unit, from_search)


def _tail(field: str) -> tuple[int, bool]:
    """The credited unit (0: none) and whether the guide was opened from search results."""
    tail = _TAIL.match(field)
    if tail is None or not tail.group(0):
        raise InvalidCallback("bad unit")
    return (int(tail["unit"], 36) if tail["unit"] else 0), bool(tail["search"])


def _nav(action: Action, args: list[str], unit: int, from_search: bool) -> Nav:
    match action:
        case Action.TOPIC:
            if not _TOPIC.match(args[0]):
                raise InvalidCallback("bad topic")
            return Nav(action, topic=args[0])
        case Action.LANGUAGE:
            return Nav(action, language=args[0])
        case Action.INTRO:
            return Nav(action, guide_id=_guide_id(args[0]), unit=unit, from_search=from_search)
        case Action.STEP | Action.HELP | Action.PHOTO | Action.TERMS | Action.TERM:
            step = _number(args[1], 3, "bad step number")
            term = _number(args[3], 2, "bad term number") if action is Action.TERM else 0
            guide_id, version = _guide_id(args[0]), _version(args[2])
            return Nav(
                action, guide_id, step, version, unit=unit, from_search=from_search, term=term
            )
        case Action.DONE | Action.SOURCES:
            guide_id, version = _guide_id(args[0]), _version(args[1])
            if not TAG_PATTERN.match(args[2]):
                raise InvalidCallback("bad done tag")
            return Nav(
                action,
                guide_id=guide_id,
                version=version,
                unit=unit,
                from_search=from_search,
                tag=args[2],
            )
    return Nav(action)


def _number(field: str, digits: int, why: str) -> int:
    if not field.isdigit() or len(field) > digits:
        raise InvalidCallback(why)
    return int(field)


def _guide_id(value: str) -> str:
    if not _GUIDE_ID.match(value):
        raise InvalidCallback("bad guide id")
    return value


def _version(value: str) -> str:
    if not _VERSION.match(value):
        raise InvalidCallback("bad guide version")
    return value
