"""Report periods in Vietnam days: today, this week/month/quarter/year, a custom range, all time."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import clock
from bot.texts.folding import fold

# reports/requests.py still imports the epoch from here.
ALL_TIME_START = dt.date(2020, 1, 1)  # before the first record this bot could hold
LATEST = dt.date(2100, 12, 31)

# Period words as people type them, folded (no accents, no spaces): "tháng trước",
# "thang truoc" and "THÁNG TRƯỚC" are all "thangtruoc".
_WORDS = {
    "today": "today",
    "homnay": "today",
    "hom-nay": "today",
    "yesterday": "yesterday",
    "homqua": "yesterday",
    "week": "week",
    "tuan": "week",
    "tuannay": "week",
    "lastweek": "last-week",
    "tuantruoc": "last-week",
    "month": "month",
    "thang": "month",
    "thangnay": "month",
    "lastmonth": "last-month",
    "thangtruoc": "last-month",
    "quarter": "quarter",
    "quy": "quarter",
    "quynay": "quarter",
    "lastquarter": "last-quarter",
    "quytruoc": "last-quarter",
    "year": "year",
    "nam": "year",
    "namnay": "year",
    "lastyear": "last-year",
    "namtruoc": "last-year",
    "all": "all",
    "tatca": "all",
}
_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_RANGE = re.compile(rf"^{_DATE}\s*-\s*{_DATE}$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MAX_RANGE_DAYS = 3660


class PeriodError(ValueError):
    """Text that is no period. `reason` names what is wrong (a line of the `period_usage`
    template) and `part` the words at fault, so that the answer can point at them:
    unknown (no reading at all), no_such_date, backwards, too_early, too_late, too_long,
    bad_month, bad_quarter, not_begun, not_a_date."""

    def __init__(self, message: str, reason: str = "unknown", part: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.part = part


@dataclass(frozen=True)
class Period:
    kind: str  # a named one (today, last-month, …: `_WORDS`), custom, or previous
    first: dt.date
    last: dt.date

    @property
    def first_day(self) -> int:
        return clock.day_number(self.first)

    @property
    def last_day(self) -> int:
        return clock.day_number(self.last)

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period | None:
        """The period of equal length just before this one (none for all time)."""
        if self.kind == "all":
            return None
        last = self.first - dt.timedelta(days=1)
        return Period("previous", last - dt.timedelta(days=self.length - 1), last)

    def code(self) -> str:
        """A short form for button data: a kind, or the custom range as yyyymmdd-yyyymmdd."""
        if self.kind == "custom":
            return f"{self.first:%Y%m%d}-{self.last:%Y%m%d}"
        return self.kind


# «tháng 11», «thang 11/2026», «t11», «T11-2026»; «quý 4», «q4/2026» (folded, no spaces).
_MONTH = re.compile(r"^(?:thang|t|month)(\d{1,3})(?:[/.-](\d{4}))?$")
_QUARTER = re.compile(r"^(?:quy|q|quarter)(\d{1,3})(?:[/.-](\d{4}))?$")


def parse_period(text: str, today: dt.date) -> Period:
    word = fold(text).replace(" ", "")
    kind = _WORDS.get(word or "month")
    if kind is not None:
        return _named(kind, today)
    month = _MONTH.match(word)
    if month:
        return month_period(int(month[1]), int(month[2]) if month[2] else None, today, text)
    quarter = _QUARTER.match(word)
    if quarter:
        number, year = int(quarter[1]), int(quarter[2]) if quarter[2] else None
        return quarter_period(number, year, today, text)
    match = _RANGE.match(text.strip())
    if match:
        d1, m1, y1, d2, m2, y2 = (int(g) for g in match.groups())
        return custom(_date(y1, m1, d1), _date(y2, m2, d2))
    compact = re.match(r"^(\d{8})-(\d{8})$", word)
    if compact:
        a, b = compact.groups()
        return custom(
            _date(int(a[:4]), int(a[4:6]), int(a[6:])), _date(int(b[:4]), int(b[4:6]), int(b[6:]))
        )
    raise PeriodError(f"not a period: {text!r}", "unknown", text.strip())


def month_period(month: int, year: int | None, today: dt.date, text: str = "") -> Period:
    """A calendar month; without a year, the latest one that has begun (in January,
    «tháng 12» is last December). The month under way ends today."""
    if not 1 <= month <= 12:
        raise PeriodError(f"no month {month}", "bad_month", text.strip() or str(month))
    if year is None:
        year = today.year if month <= today.month else today.year - 1
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return _calendar(first, following - dt.timedelta(days=1), today, text)


def quarter_period(quarter: int, year: int | None, today: dt.date, text: str = "") -> Period:
    """A calendar quarter (1–4); without a year, the latest one that has begun."""
    if not 1 <= quarter <= 4:
        raise PeriodError(f"no quarter {quarter}", "bad_quarter", text.strip() or str(quarter))
    if year is None:
        year = today.year if 3 * quarter - 2 <= today.month else today.year - 1
    first = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + quarter // 4, (3 * quarter) % 12 + 1, 1)
    return _calendar(first, following - dt.timedelta(days=1), today, text)


def _calendar(first: dt.date, last: dt.date, today: dt.date, text: str) -> Period:
    if first > today:
        raise PeriodError(f"{first} has not begun", "not_begun", text.strip())
    return custom(first, min(last, today))


def parse_date(text: str) -> dt.date:
    """A command-line date: dd/mm/yyyy or yyyy-mm-dd."""
    iso = _ISO.match(text.strip())
    if iso:
        return _date(*(int(g) for g in iso.groups()))
    vn = re.match(rf"^{_DATE}$", text.strip())
    if vn:
        day, month, year = (int(g) for g in vn.groups())
        return _date(year, month, day)
    raise PeriodError(
        f"not a date (dd/mm/yyyy or yyyy-mm-dd): {text!r}", "not_a_date", text.strip()
    )


def custom(first: dt.date, last: dt.date) -> Period:
    if first < ALL_TIME_START:
        raise PeriodError(
            f"dates must be from {ALL_TIME_START:%d/%m/%Y}", "too_early", _written(first)
        )
    if last > LATEST:
        raise PeriodError(f"dates must be until {LATEST:%d/%m/%Y}", "too_late", _written(last))
    if last < first:
        raise PeriodError(
            "the range ends before it starts", "backwards", f"{_written(first)}-{_written(last)}"
        )
    if (last - first).days >= MAX_RANGE_DAYS:
        raise PeriodError("the range is longer than ten years", "too_long")
    return Period("custom", first, last)


def all_time(today: dt.date) -> Period:
    return Period("all", ALL_TIME_START, today)


def _named(kind: str, today: dt.date) -> Period:
    """This day, week, month, quarter or year so far; or the whole one before it."""
    if kind == "all":
        return all_time(today)
    if kind == "today":
        return Period(kind, today, today)
    if kind == "yesterday":
        day = today - dt.timedelta(days=1)
        return Period(kind, day, day)
    unit = kind.removeprefix("last-")
    first = _start_of(unit, today)
    if kind == unit:
        return Period(kind, first, today)
    last = first - dt.timedelta(days=1)
    return Period(kind, _start_of(unit, last), last)


def _start_of(unit: str, day: dt.date) -> dt.date:
    if unit == "week":
        return clock.week_start(day)
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def _written(day: dt.date) -> str:
    """dd/mm/yyyy, the year in four digits even for year 1 (strftime writes «1»)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        typed = f"{day:02d}/{month:02d}/{year}"
        raise PeriodError(f"no such date: {typed}", "no_such_date", typed) from None
