"""Issue 26: periods and numbers as coordinators type them (findings 6, 7 and 13)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.campaigns import code_for, parse_headcount
from bot.domain.draft import typed_count
from bot.domain.numbers import NumberError, whole_number
from bot.domain.periods import PeriodError, parse_period
from bot.domain.refusal import Refusal

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("words", "first", "last"),
    [
        ("tháng 11", dt.date(2026, 11, 1), TODAY),  # the month under way ends today
        ("thang 11/2026", dt.date(2026, 11, 1), TODAY),
        ("t11", dt.date(2026, 11, 1), TODAY),
        ("T10", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("tháng 12", dt.date(2025, 12, 1), dt.date(2025, 12, 31)),  # the latest December
        ("tháng 2/2024", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("quý 4", dt.date(2026, 10, 1), TODAY),
        ("q4", dt.date(2026, 10, 1), TODAY),
        ("Q1/2026", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("quý 3 /2025", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    ],
)
def test_months_and_quarters_are_periods(words: str, first: dt.date, last: dt.date) -> None:
    period = parse_period(words, TODAY)
    assert (period.first, period.last) == (first, last)


@pytest.mark.parametrize(
    ("words", "reason", "part"),
    [
        ("31/02/2026-01/03/2026", "no_such_date", "31/02/2026"),
        ("15/11/2026-01/11/2026", "backwards", "15/11/2026-01/11/2026"),
        ("01/01/1990-01/01/2020", "too_early", "01/01/1990"),
        ("tháng 99", "bad_month", "tháng 99"),
        ("quý 5", "bad_quarter", "quý 5"),
        ("tháng 12/2027", "not_begun", "tháng 12/2027"),
        ("soon", "unknown", "soon"),
    ],
)
def test_a_wrong_period_names_what_is_wrong(words: str, reason: str, part: str) -> None:
    with pytest.raises(PeriodError) as refused:
        parse_period(words, TODAY)
    assert (refused.value.reason, refused.value.part) == (reason, part)


def test_numbers_are_read_the_way_the_bot_prints_them() -> None:
    assert whole_number("1.000") == 1000 and whole_number("12.500.000") == 12_500_000
    assert whole_number("500") == 500
    for comma in ("1,5", "1,000"):
        with pytest.raises(NumberError) as refused:
            whole_number(comma)
        assert refused.value.reason == "comma"
    with pytest.raises(NumberError):
        whole_number("1.00")  # not a thousands group
    assert typed_count("37 người") == 37 and typed_count("1.000") == 1000
    assert typed_count("12345") is None  # a code or a search, not a crowd
    with pytest.raises(NumberError):
        typed_count("2,5")


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("40 25", (40, 25)),
        ("40", (40, 0)),
        ("0", (0, 0)),
        ("40 người, 25 bạn dưới 30", (40, 25)),
        ("40 người, trong đó 25 người dưới 30 tuổi", (40, 25)),
        ("1.000 200", (1000, 200)),
    ],
)
def test_a_headcount_as_people_say_it(text: str, counted: tuple[int, int]) -> None:
    assert parse_headcount(text) == counted


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "bad_headcount"),
        ("40 50", "bad_headcount"),
        ("1 2 3", "bad_headcount"),
        ("1,5", "number_comma"),
    ],
)
def test_a_headcount_that_is_not_one(text: str, reason: str) -> None:
    with pytest.raises(Refusal) as refused:
        parse_headcount(text)
    assert refused.value.reason == reason


def test_a_campaign_made_on_buttons_gets_a_code_from_its_name() -> None:
    assert code_for("Bình dân học vụ số", dt.date(2026, 11, 1)) == "BDHVS-2026"
    assert code_for("Đợt 2", dt.date(2026, 1, 1)) == "D-2026"
