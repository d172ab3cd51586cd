"""Vietnam days as numbers: the edges a report counts on (midnight in Vietnam is 17:00 UTC)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bot import clock

UTC = dt.UTC


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return int(dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())


def test_day_zero_is_the_first_of_january_1970() -> None:
    assert clock.day_number(dt.date(1970, 1, 1)) == 0
    assert clock.day_date(0) == clock.EPOCH == dt.date(1970, 1, 1)
    assert clock.day_number(dt.date(2026, 12, 7)) == 20_794


def test_the_vietnam_day_turns_at_17_utc() -> None:
    before = _utc(2026, 12, 6, 16, 59, 59)  # 23:59:59 on 6 December in Hanoi
    midnight = _utc(2026, 12, 6, 17, 0, 0)  # 00:00 on 7 December in Hanoi
    assert clock.vn_date(before) == dt.date(2026, 12, 6)
    assert clock.vn_date(midnight) == dt.date(2026, 12, 7)
    assert clock.day_of(midnight) - clock.day_of(before) == 1
    assert clock.day_start(dt.date(2026, 12, 7)) == midnight
    assert clock.day_start(clock.day_of(before)) == _utc(2026, 12, 5, 17)


def test_seven_hours_ahead_of_utc() -> None:
    morning = _utc(2026, 12, 7, 3, 30)  # 10:30 in Hanoi
    assert clock.minute_of_day(morning) == 10 * 60 + 30
    assert clock.format_moment(morning) == "07/12/2026 10:30"
    assert clock.vn_datetime(morning).utcoffset() == dt.timedelta(hours=7)
    assert clock.fractional_day(_utc(2026, 12, 7, 5)) == clock.day_of(morning) + 0.5  # noon


def test_formats_a_day_the_vietnamese_way() -> None:
    number = clock.day_number(dt.date(2026, 1, 2))
    assert clock.format_day_number(number) == "02/01/2026"
    assert clock.format_day(dt.date(2026, 1, 2)) == "02/01/2026"


def test_the_week_starts_on_monday() -> None:
    assert clock.week_start(dt.date(2026, 12, 6)) == dt.date(2026, 11, 30)  # a Sunday
    assert clock.week_start(dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)


@given(st.dates(min_value=dt.date(1976, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_date_round_trips_and_agrees_with_the_time_zone(day: dt.date) -> None:
    number = clock.day_number(day)
    assert clock.day_date(number) == day
    start = clock.day_start(day)
    assert start == clock.day_start(number)
    # The arithmetic is the zone database's answer (UTC+7, no daylight saving since 1975).
    assert start == int(dt.datetime.combine(day, dt.time(), clock.VIETNAM).timestamp())
    assert clock.day_of(start) == clock.day_of(start + clock.SECONDS_PER_DAY - 1) == number
    assert clock.vn_date(start) == clock.vn_datetime(start).date() == day
