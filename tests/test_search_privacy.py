"""Issue 25, part 5: nothing private in what the bot searches, echoes, logs or keeps.

A message the bot would search (typed text, /search, an inline query) that holds a phone
number, an ID number, an email address or a password is deleted, not searched and not
echoed; the unanswered-questions log keeps questions folded, without digits, emails, names,
secrets or self-introductions, and only for SEARCH_GAPS_DAYS days.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import clock
from bot.app import named_in_guides
from bot.config import PROJECT_ROOT
from bot.domain.periods import Period
from bot.domain.privacy import (
    EMAIL,
    NUMBER,
    SECRET,
    SELF_INTRODUCTION,
    gap_question,
    private_kind,
)
from bot.guides.loader import load_guides
from bot.services.guide_stats import GAP_RULES, GuideStats
from bot.standin import SimUser, StandinBotApi
from bot.storage import db
from bot.storage.guide_stats import GAP_RULES_FLAG, GuideStatsRepository
from tests.conftest import RunningBot, make_settings, start_bot

LIBRARY, _ = load_guides(PROJECT_ROOT / "guides")
KNOWN = named_in_guides(LIBRARY)
DAY = 86_400


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("001234567890", NUMBER),
        ("số cccd của tôi 001234567890", NUMBER),
        ("so dien thoai cua toi la 0912345678", NUMBER),
        ("sđt em 0912.345.678 bị khóa vneid", NUMBER),
        ("+84 912 345 678 không nhận được otp", NUMBER),
        ("cmnd cũ 012345678 có dùng được không", NUMBER),  # 9 digits
        ("email của tôi là mai.tran@gmail.com bị khóa", EMAIL),
        ("gửi vào MaiTran@Yahoo.com.vn giúp", EMAIL),
        ("mật khẩu của tôi là hoahongdo quên rồi", SECRET),
        ("mat khau cua toi la hoahongdo", SECRET),
        ("mk là Sunflower", SECRET),
        ("pass là hoahong", SECRET),
        ("otp là 482913", SECRET),
        ("mật khẩu vneid của tôi là Hoa@hong", SECRET),
        ("mk: Abc@1234", SECRET),
        ("my password is sunshine", SECRET),
        ("123456", SECRET),
    ],
)
def test_private_values_are_recognised_anywhere_in_a_message(text: str, kind: str) -> None:
    assert private_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "mật khẩu là gì",
        "quên mk vneid",
        "mk là sao",
        "otp là cái gì",
        "mật khẩu là bao nhiêu ký tự",
        "mat khau phai la 8 ky tu",
        "password is wrong",
        "quên mật khẩu vneid",
        "đăng ký tk vneid mức 2",
        "gọi tổng đài 1900 0368 không được",
        "lỗi 403 ngày 15/12/2024",
        "email bị khóa",
        "số định danh cá nhân là gì",
    ],
)
def test_questions_about_secrets_are_not_flagged(text: str) -> None:
    assert private_kind(text) is None


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("toi ten la tran thi mai nha o pho hang bac", SELF_INTRODUCTION),
        ("Tên tôi là Lan, muốn hỏi giá vàng", SELF_INTRODUCTION),
        ("tên mình là hoa", SELF_INTRODUCTION),
        ("nhà tôi ở phố Hàng Bạc", SELF_INTRODUCTION),
        ("địa chỉ 5 ngõ 3 Cầu Giấy", SELF_INTRODUCTION),
        ("mat khau cua toi la hoahongdo abc quen roi", "mat khau cua toi la …"),
        ("email cua toi la mai tran gmail com bi khoa", "email cua toi la …"),
        ("gui giup vao maitran gmail com nhe", "gui giup vao … nhe"),
        ("Chị Trần Thị Mai hỏi giá vàng hôm nay", "… hoi gia vang hom nay"),
        ("con tôi là Lê Minh Tuấn học lớp 5", "con toi la … hoc lop …"),
        ("giá vàng 24 tháng 12", "gia vang … thang …"),
        ("Quên mật khẩu VNeID", "quen mat khau vneid"),  # known capitals stay
        ("mật khẩu là gì", "mat khau la gi"),  # a question, not a value
        ("123 456", ""),  # nothing left to keep
    ],
)
def test_the_log_keeps_questions_without_private_values(question: str, kept: str) -> None:
    assert gap_question(question, KNOWN) == kept


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=160))
def test_cleaning_a_kept_question_again_changes_nothing(text: str) -> None:
    once = gap_question(text, KNOWN)
    assert gap_question(once, KNOWN) == once
    assert not any(c.isdigit() for c in once) and "@" not in once


# What residents have typed into the search, private values and all; none of the values may
# reach the unanswered-questions log in any form.
QUESTIONS = [
    "toi ten la tran thi mai nha o pho hang bac",
    "Tôi tên là Trần Thị Mai, nhà ở phố Hàng Bạc",
    "tên tôi là Nguyễn Văn Hùng cần hỏi giá vàng",
    "nhà tôi ở 12 Hàng Bạc muốn hỏi giá điện",
    "địa chỉ của tôi là số 5 ngõ 3 Cầu Giấy",
    "mat khau cua toi la hoahongdo abc quen roi",
    "email cua toi la mai tran gmail com bi khoa",
    "email của tôi là maitran bị khóa",
    "Chị Trần Thị Mai hỏi giá vàng hôm nay",
    "con trai tôi là Lê Minh Tuấn học lớp 5 hỏi điểm thi",
    "bác Phạm Văn Đồng ở tổ 7 hỏi lương hưu",
    "tài khoản của tôi là tranthimai bị khóa",
    "gửi giúp vào mai.tran@gmail.com",
    "số tài khoản 0123456789 bị trừ tiền",
    "my name is Mai Tran how to pay tax",
    "mk của em là hoahongdo quên mất",
    "giá vàng hôm nay",
]
PRIVATE_VALUES = [
    "tran thi mai",
    "hang bac",
    "nguyen van hung",
    "cau giay",
    "hoahongdo",
    "mai tran",
    "maitran",
    "le minh tuan",
    "pham van dong",
    "tranthimai",
    "0123456789",
]


@contextlib.asynccontextmanager
async def opened(path: Path) -> AsyncIterator[db.Database]:
    """A database closed even when the test fails (an open one keeps the process alive)."""
    database = await db.open_database(path)
    try:
        yield database
    finally:
        await database.close()


def _kept_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


async def test_the_log_is_checked_against_a_list_of_private_values(tmp_path: Path) -> None:
    async with opened(tmp_path / "bot.db") as database:
        stats = GuideStats(GuideStatsRepository(database), known_word=KNOWN)
        now = clock.now()
        for question in QUESTIONS:
            await stats.unanswered(question, now)
        rows = await database.fetchall("SELECT question, n FROM search_gaps")
    kept = dict(rows)
    assert kept[SELF_INTRODUCTION] == 6
    assert kept["gia vang hom nay"] == 1  # an ordinary question is kept as it was asked
    assert "… hoi gia vang hom nay" in kept and "tai khoan cua toi la …" in kept
    # Two passwords, an email address and an account number are not even counted: the bot
    # does not search such messages, and the log refuses them too.
    assert sum(kept.values()) == len(QUESTIONS) - 4
    for question in kept:
        assert not any(c.isdigit() for c in question), question
        for value in PRIVATE_VALUES:
            assert value not in question, (value, question)
    raw = _kept_bytes(tmp_path)
    assert b"gia vang hom nay" in raw  # proves the search below reads the real data
    for value in PRIVATE_VALUES:
        assert value.encode() not in raw, value


async def test_old_questions_are_dropped_after_the_set_days(tmp_path: Path) -> None:
    async with opened(tmp_path / "bot.db") as database:
        stats = GuideStats(GuideStatsRepository(database), gaps_days=90)
        now = clock.now()
        await stats.unanswered("giá vàng", now - 91 * DAY)
        await stats.unanswered("thời tiết", now - 89 * DAY)
        await stats.unanswered("xổ số", now)
        await stats.flush(now)  # the once-a-minute job
        rows = await database.fetchall("SELECT question FROM search_gaps ORDER BY day")
    assert [q for (q,) in rows] == ["thoi tiet", "xo so"]


async def test_rows_kept_before_are_cleaned_once_at_start(
    api: StandinBotApi, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    today = clock.day_of(clock.now())
    legacy = [
        (today - 3, "toi ten la tran thi mai nha o pho hang bac", 2),
        (today - 3, "mat khau cua toi la hoahongdo abc quen roi", 1),
        (today - 2, "email cua toi la mai tran gmail com bi khoa", 1),
        (today - 2, "gia vang hom nay", 4),
        (today - 400, "thoi tiet ha noi", 1),  # older than SEARCH_GAPS_DAYS
    ]
    async with opened(folder / "bot.db") as database:
        await database.write(
            lambda conn: conn.executemany("INSERT INTO search_gaps VALUES (?, ?, ?)", legacy)
        )
        stats = GuideStats(GuideStatsRepository(database))
        # `guides gaps` on a database the bot has not cleaned yet shows the rows cleaned.
        date = clock.vn_date(clock.now())
        shown = dict(await stats.gaps(Period("custom", date - dt.timedelta(days=10), date)))
    assert shown == {
        "gia vang hom nay": 4,
        SELF_INTRODUCTION: 2,
        "mat khau cua toi la …": 1,
        "email cua toi la …": 1,
    }

    running = await start_bot(make_settings(tmp_path, api.base_url), api)
    services = running.services
    rows = await services.reach.db.fetchall("SELECT question, n FROM search_gaps")
    flag = await services.reach.db.fetchone(
        "SELECT value FROM meta WHERE name = ?", (GAP_RULES_FLAG,)
    )
    await running.stop()
    assert sorted(rows) == sorted(shown.items())
    assert flag == (GAP_RULES,)
    raw = _kept_bytes(folder)
    assert b"gia vang hom nay" in raw
    for value in ("tran thi mai", "hang bac", "hoahongdo", "mai tran", "thoi tiet ha noi"):
        assert value.encode() not in raw, value
    # A second start finds the flag and rewrites nothing.
    with sqlite3.connect(folder / "bot.db") as conn:
        conn.execute("INSERT INTO search_gaps VALUES (?, 'nha toi o xa', 1)", (today,))
    running = await start_bot(make_settings(tmp_path, api.base_url), api)
    again = await running.services.reach.db.fetchall(
        "SELECT question FROM search_gaps WHERE day = ?", (today,)
    )
    await running.stop()
    assert again == [("nha toi o xa",)]


# ----- through the bot ----------------------------------------------------------------------

PRIVATE_MESSAGES = [
    ("số cccd của tôi 001234567890", ["001234567890"]),
    ("so dien thoai cua toi la 0912345678", ["0912345678", "912345678"]),
    ("email của tôi là mai.tran@gmail.com bị khóa", ["mai.tran", "mai tran"]),
    ("mật khẩu của tôi là hoahongdo quên rồi", ["hoahongdo"]),
    ("mk là Sunflower", ["Sunflower", "sunflower"]),
    ("otp là 482913", ["482913"]),
    ("/search số cccd 001234567890", ["001234567890"]),
]


@pytest.fixture
def log_all(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record the bot's own code writes, down to DEBUG; the libraries at INFO, where
    the bot holds them (bot/telegram/logging_setup.py)."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    return caplog


@pytest.mark.parametrize(("text", "values"), PRIVATE_MESSAGES)
async def test_a_private_message_is_deleted_never_searched_echoed_logged_or_kept(
    api: StandinBotApi,
    bot: RunningBot,
    user: SimUser,
    tmp_path: Path,
    log_all: pytest.LogCaptureFixture,
    text: str,
    values: list[str],
) -> None:
    await user.send("giá vàng hôm nay")  # an ordinary question, kept for the editors
    await user.send(text)
    notice = user.last()
    assert notice["text"].startswith("🔒"), notice["text"]
    assert user.button_texts() == ["🏠 Menu"]
    mine = [m["text"] for m in user.messages if m["from"]["id"] == user.id]
    assert mine == ["giá vàng hôm nay"], "the private message is deleted from the chat"
    shown = " ".join(m["text"] for m in user.bot_messages())
    rows = await bot.services.reach.db.fetchall("SELECT question FROM search_gaps")
    assert rows == [("gia vang hom nay",)]
    await bot.stop()
    raw = _kept_bytes(tmp_path / "data")
    assert b"gia vang hom nay" in raw  # proves the search below reads the real data
    for value in values:
        assert value not in shown, value
        assert value not in log_all.text, value
        assert value.encode() not in raw, value


async def test_the_notice_says_what_it_is_about(user: SimUser) -> None:
    await user.send("0912345678 bị khóa")
    assert "số điện thoại hay số định danh" in user.last()["text"]
    await user.send("maitran@gmail.com bị khóa")
    assert "email" in user.last()["text"]
    await user.send("mk là hoahongdo")
    assert "đừng gửi mã OTP, mật khẩu" in user.last()["text"]
    assert "đã xóa" in user.last()["text"]


@pytest.mark.parametrize("text", ["mật khẩu là gì", "quên mk vneid", "mk là sao"])
async def test_a_question_about_a_password_is_searched(user: SimUser, text: str) -> None:
    await user.send(text)
    assert not user.last()["text"].startswith("🔒"), user.last()["text"]
    assert [m["text"] for m in user.messages if m["from"]["id"] == user.id] == [text]


async def test_an_inline_query_with_a_private_value_gets_no_results_and_is_not_kept(
    api: StandinBotApi, bot: RunningBot, user: SimUser, log_all: pytest.LogCaptureFixture
) -> None:
    for query in ("số cccd 001234567890", "mk là hoahongdo", "maitran@gmail.com"):
        answer = await user.inline(query)
        assert answer["results"] == []
        assert answer["button"]["text"].startswith("🔒")
        assert answer.get("cache_time") == 0
    ordinary = await user.inline("quên mật khẩu vneid")
    assert ordinary["results"], "an ordinary inline query still lists guides"
    for value in ("001234567890", "hoahongdo", "maitran"):
        assert value not in log_all.text
    rows = await bot.services.reach.db.fetchall("SELECT * FROM search_gaps")
    assert rows == []
