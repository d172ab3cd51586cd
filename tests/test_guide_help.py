"""Issue 14 in the chat: prerequisites, the glossary, honest search, dated facts and where
readers get stuck, driven through the real Application and the stand-in Bot API."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from telegram import InlineKeyboardMarkup

from bot import clock
from bot.guides.loader import load_guides
from bot.guides.navigation import Screen, ScreenKind
from bot.standin import SimUser, StandinBotApi
from bot.telegram.callback_data import Action, Nav, encode
from bot.telegram.views.guides import Views
from bot.texts.templates import Texts
from tests.test_guides import TEMPLATES, valid_guide, write


async def open_guide(user: SimUser, guide_id: str) -> None:
    await user.send(f"/start {guide_id}")


async def test_level_two_asks_for_level_one_first(user: SimUser) -> None:
    await open_guide(user, "vneid-level2-activate")
    intro = user.last()
    assert "Trước khi bắt đầu, bạn đã làm xong việc này chưa?" in intro["text"]
    assert "Tự đăng ký tài khoản VNeID mức 1 trên điện thoại" in intro["text"]
    assert "▶ Bắt đầu" not in user.button_texts()
    await user.press("📖 Chưa, xem hướng dẫn: Tự đăng ký tài khoản VNeID mức 1 trên điện thoại")
    assert "📖 <b>Tự đăng ký tài khoản VNeID mức 1" in user.last()["html"]
    await open_guide(user, "vneid-level2-activate")
    await user.press("✅ Rồi, tiếp tục")
    assert "Bước 1/" in user.last()["text"]


async def test_a_step_explains_its_words_and_back_returns_to_it(user: SimUser) -> None:
    await open_guide(user, "vneid-level1-register")
    await user.press("▶ Bắt đầu")
    for _ in range(9):
        await user.press("Tiếp ▶")
    step = user.last()["text"]
    assert "Bước 10/" in step and "OTP" in step
    await user.press("📖 Giải thích từ ngữ")
    assert "Giải thích từ ngữ – bước 10" in user.last()["text"]
    await user.press("OTP")
    explained = user.last()["text"]
    assert explained.startswith("📖 OTP") and "một lần" in explained
    await user.press("◀ Quay lại bước 10")
    assert user.last()["text"] == step


async def test_stale_glossary_buttons_get_the_current_screen(
    api: StandinBotApi, user: SimUser
) -> None:
    await open_guide(user, "vneid-level1-register")
    for data in (
        encode(Nav(Action.TERM, "vneid-level1-register", 10, "abcdef", term=1)),  # old version
        encode(Nav(Action.TERM, "vneid-level1-register", 10, _version(), term=99)),  # gone
        encode(Nav(Action.TERMS, "vneid-level1-register", 6, _version())),  # no words to explain
    ):
        await user.press_data(data)
    texts = [m["text"] for m in user.bot_messages()[-1:]]
    assert "Bước 6/" in texts[-1], "a step without glossary words shows the step itself"
    assert not api.errors


def _version() -> str:
    library, _ = load_guides(Path(__file__).parents[1] / "guides")
    guide = library.get("vneid-level1-register")
    assert guide is not None
    return guide.version


async def test_an_off_topic_question_gets_no_guide_and_is_kept_without_digits(
    api: StandinBotApi, bot, user: SimUser, tmp_path: Path
) -> None:
    # (A phone number in it would get the privacy notice instead: tests/test_search_privacy.)
    await user.send("giá vàng hôm nay 24 tháng 12 bao nhiêu")
    text = user.last()["text"]
    assert "Chưa có hướng dẫn cho «giá vàng hôm nay 24 tháng 12 bao nhiêu»" in text
    assert "1900 0368" in text
    assert "🪪 VNeID – định danh điện tử" in user.button_texts()
    with sqlite3.connect(bot.services.settings.db_path) as conn:
        kept = conn.execute("SELECT question, n FROM search_gaps").fetchall()
    assert kept == [("gia vang hom nay … thang … bao nhieu", 1)]
    await user.send("quên mật khẩu vneid")
    assert "Quên mật khẩu VNeID" in " ".join(user.button_texts())


async def test_readers_are_counted_per_step_without_anyone_in_it(
    api: StandinBotApi, bot, user: SimUser
) -> None:
    other = SimUser(api, first_name="Minh")
    for person in (user, other):
        await open_guide(person, "vneid-forgot-password")
        await person.press("▶ Bắt đầu")
        await person.press("🆘 Gặp khó khăn")
        await person.press("◀ Quay lại bước 1")  # the same step again: counted once
    await user.press("Tiếp ▶")
    stats = bot.services.reach.guide_stats
    await stats.flush()
    with sqlite3.connect(bot.services.settings.db_path) as conn:
        rows = conn.execute(
            "SELECT step, kind, sum(n) FROM guide_funnel WHERE guide_id = 'vneid-forgot-password' "
            "GROUP BY step, kind ORDER BY step, kind"
        ).fetchall()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(guide_funnel)")]
    assert rows == [(1, "reached", 2), (1, "stuck", 2), (2, "reached", 1)]
    assert not {"user_key", "user_id", "chat_id"} & set(columns)


def test_a_dated_fact_is_marked_once_its_date_has_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        {"title": "Bước một", "text": "Miễn lệ phí.", "valid_until": "2026-12-31"},
        {"title": "Bước hai", "text": "Xong."},
    ]
    write(tmp_path, valid_guide(steps=steps))
    library, problems = load_guides(tmp_path)
    assert problems == []
    views = Views(Texts(TEMPLATES), library)
    guide = library.get("sample-guide")
    day = dt.datetime(2027, 1, 1, 9, tzinfo=clock.VIETNAM)
    before = views.render("vi", Screen(ScreenKind.STEP, guide, 1)).text
    assert "chỉ đúng đến" not in before
    monkeypatch.setattr(clock, "now", lambda: int(day.timestamp()))
    after = views.render("vi", Screen(ScreenKind.STEP, guide, 1)).text
    assert "Thông tin ở bước này chỉ đúng đến 31/12/2026" in after
    last = Screen(ScreenKind.STEP, guide, 2, tag="A" * 8)  # its «✅ Xong» carries a done tag
    assert "chỉ đúng đến" not in views.render("vi", last).text


def test_a_steps_links_are_buttons_in_the_chat_and_links_on_the_site(tmp_path: Path) -> None:
    from bot.site.build import build_site

    write(tmp_path, valid_guide("other-guide", title="Quên mật khẩu VNeID"))
    steps = [
        {"title": "Bước một", "text": "Bấm Gửi."},
        {
            "title": "Bước hai",
            "text": "Nhập mã đã nhận ở bước trước. Quên mật khẩu: xem hướng dẫn ngay bên dưới.",
            "troubleshooting": [{"problem": "Sai mã", "fix": "Quay lại bước 1."}],
            "links": [{"guide": "other-guide"}, {"step": 1}],
        },
        {"title": "Bước ba", "text": "Xong."},
    ]
    write(tmp_path, valid_guide(steps=steps))
    library, problems = load_guides(tmp_path)
    assert problems == []
    guide = library.get("sample-guide")
    assert guide is not None
    views = Views(Texts(TEMPLATES), library)
    intro = encode(Nav(Action.INTRO, "other-guide"))
    back = encode(Nav(Action.STEP, "sample-guide", 1, guide.version))
    for kind in (ScreenKind.STEP, ScreenKind.STUCK):  # the help points there too
        markup = views.render("vi", Screen(kind, guide, 2)).markup
        assert isinstance(markup, InlineKeyboardMarkup)
        buttons = {b.text: b.callback_data for row in markup.inline_keyboard for b in row}
        assert buttons["📖 Quên mật khẩu VNeID"] == intro, kind
        assert buttons["↪ Bước 1"] == back, kind
        assert all(len(str(data).encode()) <= 64 for data in buttons.values() if data)
    first = views.render("vi", Screen(ScreenKind.STEP, guide, 1)).markup
    assert isinstance(first, InlineKeyboardMarkup)
    assert "↪ Bước 1" not in [b.text for row in first.inline_keyboard for b in row]
    build_site(library, Texts(TEMPLATES), tmp_path / "site")
    page = (tmp_path / "site" / "sample-guide" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../other-guide/">📖 Quên mật khẩu VNeID</a>' in page
    assert '<a href="#buoc-1">↪ Bước 1</a>' in page
