"""Times are stored in UTC seconds; days and weeks are Vietnam's (Asia/Ho_Chi_Minh).

A Vietnam day is also stored as a number: days since 1970-01-01 (`day_of`, `day_number`).
Vietnam has kept UTC+7 without daylight saving since 1975, so a day is plain arithmetic on
the timestamp; this module is the one place that does it.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SECONDS_PER_DAY = 86_400
VN_OFFSET = 7 * 3600  # UTC+7 all year: local day = (utc + 7 h) // 1 day
EPOCH = dt.date(1970, 1, 1)  # day number 0


def now() -> int:
    return int(time.time())


def vn_datetime(timestamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, VIETNAM)


def day_of(timestamp: int) -> int:
    """The number of the Vietnam day `timestamp` falls on."""
    return (int(timestamp) + VN_OFFSET) // SECONDS_PER_DAY


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def day_date(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


def vn_date(timestamp: int) -> dt.date:
    return day_date(day_of(timestamp))


def day_start(day: dt.date | int) -> int:
    """The UTC timestamp of 00:00 in Vietnam on `day` (a date or a day number)."""
    number = day if isinstance(day, int) else day_number(day)
    return number * SECONDS_PER_DAY - VN_OFFSET


def minute_of_day(timestamp: int) -> int:
    """Minutes since midnight in Vietnam (10:30 is 630)."""
    return (int(timestamp) + VN_OFFSET) % SECONDS_PER_DAY // 60


def fractional_day(timestamp: int) -> float:
    """The Vietnam day number with the time of day as its fraction (noon of day 3 is 3.5):
    Excel's date-and-time numbers are this plus a constant."""
    return (timestamp + VN_OFFSET) / SECONDS_PER_DAY


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())  # Monday, as Vietnamese calendars do


def format_day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def format_day_number(number: int) -> str:
    """A stored day number, written the Vietnamese way (dd/mm/yyyy)."""
    return format_day(day_date(number))


def format_moment(timestamp: int) -> str:
    """A time stored in UTC seconds, as a Vietnamese reader reads it: 07/12/2026 10:30."""
    minutes = minute_of_day(timestamp)
    return f"{format_day_number(day_of(timestamp))} {minutes // 60:02d}:{minutes % 60:02d}"
