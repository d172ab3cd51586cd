"""Times are stored in UTC seconds; days and weeks are Vietnam's (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> int:
    return int(time.time())


def vn_datetime(timestamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, VIETNAM)


def vn_date(timestamp: int) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, VIETNAM).date()


def day_start(day: dt.date) -> int:
    """The UTC timestamp of 00:00 in Vietnam on `day`."""
    return int(dt.datetime.combine(day, dt.time(), VIETNAM).timestamp())


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())  # Monday, as Vietnamese calendars do


def format_day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
