"""Campaigns, activities, targets and clusters: the union's own units of work, as plain values.

A campaign (đợt, chiến dịch) is a named date range. An activity (a class, a campaign day, a
help point, door to door, online) happens in one unit on one day or a range of days, maybe
within a campaign. Members check in to an activity; residents mark that they attended a
class or a campaign day. Days are Vietnam calendar days, stored as days since 1970-01-01.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum

from bot import clock
from bot.domain.cells import starts_like_formula
from bot.domain.numbers import NumberError, whole_number
from bot.domain.refusal import Reason, Refusal
from bot.texts.folding import fold


class ActivityKind(StrEnum):
    CLASS = "class"  # lớp hướng dẫn
    CAMPAIGN_DAY = "campaign_day"  # buổi ra quân
    HELP_POINT = "help_point"  # điểm hỗ trợ
    DOOR_TO_DOOR = "door_to_door"  # đi từng ngõ, gõ từng nhà
    ONLINE = "online"


# Residents mark attendance at these; the others have no audience to count.
ATTENDED_KINDS = frozenset({ActivityKind.CLASS, ActivityKind.CAMPAIGN_DAY})

METRICS: tuple[str, ...] = (
    "people",
    "assists",
    "activities",
    "member_participations",
    "youth_reached",
    "teams",
)

# "Thanh thiếu nhi": the age bands under 30 (see catalog.AGE_BANDS).
YOUTH_BANDS: tuple[str, ...] = ("u16", "16-30")

TEAM_KIND = "team"  # a đội hình is a unit of this kind, under the unit it belongs to
TOKEN_LENGTH = 12
TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,23}$")
MAX_NAME = 120
MAX_HEADCOUNT = 100_000
MAX_TARGET = 100_000_000
MAX_DAYS = 366  # an activity or campaign longer than a year is a typo


@dataclass(frozen=True)
class Campaign:
    id: int
    code: str
    name: str
    unit_id: int | None  # the subtree it belongs to; None: the whole tree (made by an admin)
    first_day: int
    last_day: int


@dataclass(frozen=True)
class Activity:
    id: int
    token: str  # the unguessable part of its public attendance link
    unit_id: int
    kind: ActivityKind
    title: str
    first_day: int
    last_day: int
    place: str
    services: int
    campaign_id: int | None
    closed: bool
    headcount: int
    headcount_youth: int
    checkin_token: str = ""  # members' check-in link: its own token, not derivable from `token`
    headcount_status: str = "ok"  # see bot/domain/review.py

    @property
    def attended(self) -> bool:
        return self.kind in ATTENDED_KINDS


@dataclass(frozen=True)
class Target:
    """A target covers one unit's subtree over one period (days, both ends included)."""

    unit_id: int
    campaign_id: int | None
    metric: str
    value: int
    first_day: int
    last_day: int


@dataclass(frozen=True)
class Cluster:
    id: int
    code: str
    name: str
    unit_ids: tuple[int, ...]


@dataclass(frozen=True)
class TargetProgress:
    """Done against target, each target counted in its own subtree and period. A cluster's
    or the whole tree's line sums its units' targets: its days then span theirs, and
    `each_own_period` says they were not all the same."""

    metric: str
    target: int
    done: int
    first_day: int = 0
    last_day: int = 0
    each_own_period: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.target) if self.target else 0


@dataclass(frozen=True)
class UnionFigures:
    activities: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # every kind, 0 when none
    teams: int = 0
    member_participations: int = 0
    members: int = 0  # distinct members who took part in an activity
    members_active: int = 0  # distinct members who took part or logged an assist
    attendees: int = 0  # marked attendance plus counted typed headcounts
    attendees_marked: int = 0  # residents who marked attendance in the bot
    attendees_headcount: int = 0  # typed at closing (a waiting one is not counted)
    youth_reached: int = 0
    verified_assists: int = 0  # assists a resident confirmed on their own phone
    rated: int = 0  # of those, how many gave a 1–5 rating
    rating_average: float | None = None
    targets: list[TargetProgress] = field(default_factory=list)

    @property
    def classes(self) -> int:
        return self.by_kind.get(ActivityKind.CLASS.value, 0)

    def verified_share(self, assists: int) -> int:
        """The confirmed assists as a whole percentage of all assists."""
        return round(100 * self.verified_assists / assists) if assists else 0


def check_code(code: str) -> str:
    """A campaign or group code: letters, digits and dashes, as typed (e.g. HTN-2026)."""
    code = code.strip()
    if not _CODE.match(code):
        raise Refusal(Reason.BAD_CODE, code)
    return code.upper()


def code_for(name: str, first: dt.date) -> str:
    """A campaign code made from its name, for campaigns made on buttons: the initials of its
    words, unaccented, and the year it starts («Bình dân học vụ số» → BDHVS-2026)."""
    initials = "".join(w[0] for w in fold(name).split() if w[0].isascii() and w[0].isalpha())
    return f"{(initials or 'DOT').upper()[:12]}-{first.year}"


_DAY = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")


def split_name_and_days(text: str) -> tuple[str, list[str]]:
    """«Hè tình nguyện 2026, 01/06/2026 - 31/08/2026»: the name, and the dates as typed."""
    days = _DAY.findall(text)
    name = _DAY.sub(" ", text)
    name = re.sub(r"(?:\s*(?:[-–,;:]|đến|den|to)\s*)+$", "", " ".join(name.split()))
    name = re.sub(r"^(?:[-–,;:]\s*)+", "", name)
    return name.strip(), days


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if starts_like_formula(name):  # it would run as a formula in an exported spreadsheet
        raise Refusal(Reason.NAME_FORMULA, name[:40])
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise Refusal(Reason.BAD_NAME, name[:40])
    return name


def check_range(first: dt.date, last: dt.date) -> tuple[int, int]:
    if last < first:
        raise Refusal(Reason.RANGE_BACKWARDS)
    if (last - first).days >= MAX_DAYS:
        raise Refusal(Reason.RANGE_TOO_LONG)
    return clock.day_number(first), clock.day_number(last)


def check_kind(text: str) -> ActivityKind:
    try:
        return ActivityKind(text.strip().lower().replace("-", "_"))
    except ValueError:
        raise Refusal(Reason.BAD_KIND, text) from None


# Metric names as people type them in chat, folded (no accents, no spaces or dashes).
METRIC_WORDS = {
    "nguoi": "people",
    "nguoidan": "people",
    "luot": "assists",
    "luothotro": "assists",
    "hoatdong": "activities",
    "luotdoanvien": "member_participations",
    "doanvien": "member_participations",
    "thanhthieunhi": "youth_reached",
    "doihinh": "teams",
}


def check_metric(text: str) -> str:
    metric = text.strip().lower().replace("-", "_")
    if metric in METRICS:
        return metric
    folded = fold(text).replace(" ", "").replace("-", "").replace("_", "")
    if folded in METRIC_WORDS:
        return METRIC_WORDS[folded]
    raise Refusal(Reason.BAD_METRIC, text)


def check_target(value: int) -> int:
    if not 0 < value <= MAX_TARGET:
        raise Refusal(Reason.BAD_TARGET, str(value))
    return value


def target_period(
    campaign: Campaign | None, first: dt.date | None, last: dt.date | None, today: dt.date
) -> tuple[int, int]:
    """A target's days: its campaign's, or those given, or else the calendar year it is set
    in (`today` is Vietnam's). A campaign's target keeps the campaign's dates: other dates
    with it would make two periods for one target."""
    if campaign is not None:
        if first is not None or last is not None:
            raise Refusal(Reason.CAMPAIGN_DATES, campaign.code)
        return campaign.first_day, campaign.last_day
    if first is not None or last is not None:
        return check_range(first or last or today, last or first or today)
    year = today.year
    return clock.day_number(dt.date(year, 1, 1)), clock.day_number(dt.date(year, 12, 31))


# «dưới 30», «dưới 30 tuổi», «under 30», «<30»: the words naming the youth count, not a number.
_UNDER_30 = re.compile(r"(?:duoi|under|<)\s*30(?:\s*tuoi)?")
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")


def parse_headcount(text: str) -> tuple[int, int]:
    """A closing headcount as people type it: «40 25», «40», «0», «40 người, 25 bạn dưới
    30»: the total, then how many of them are under 30 (0 when not given)."""
    words = _NUMBER.findall(_UNDER_30.sub(" ", fold(text)))
    if not 1 <= len(words) <= 2:
        raise Refusal(Reason.BAD_HEADCOUNT, text[:20])
    try:
        numbers = [whole_number(w) for w in words]
    except NumberError as error:
        raise Refusal(
            Reason.NUMBER_COMMA if error.reason == "comma" else Reason.BAD_HEADCOUNT, error.text
        ) from None
    if any(n > MAX_HEADCOUNT for n in numbers):
        raise Refusal(Reason.BAD_HEADCOUNT, text[:20])
    return check_headcount(numbers[0], numbers[1] if len(numbers) == 2 else 0)


def check_headcount(total: int, youth: int) -> tuple[int, int]:
    if not 0 <= youth <= total <= MAX_HEADCOUNT:
        raise Refusal(Reason.BAD_HEADCOUNT, f"{total}/{youth}")
    return total, youth


def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def is_token(text: str) -> bool:
    return len(text) == TOKEN_LENGTH and all(c in TOKEN_ALPHABET for c in text)
