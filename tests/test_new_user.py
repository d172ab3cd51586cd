"""What a new user hit (issue: fixes found by using the bot end to end). Each test failed
before its fix."""

from __future__ import annotations

from pathlib import Path

from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.conftest import RunningBot
from tests.outreach_helpers import ADMIN_ID, invite_code, join, query_db, start_outreach_bot
from tests.test_outreach_flow import log_one


def plain(text: str) -> str:
    return text.replace("<b>", "").replace("</b>", "")


async def test_a_command_ends_a_pending_join(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    await admin.send("/invite 00004")
    code = invite_code(admin.bot_messages()[-2])
    newcomer = SimUser(api, first_name="Minh")
    await newcomer.send(f"/join {code}")
    assert "tên" in newcomer.last()["text"]
    await newcomer.send("/start")  # changed their mind: the question is over
    await newcomer.send("quen mat khau vneid")
    assert "🎉" not in newcomer.last()["text"]  # a search, not a name
    assert "Quên mật khẩu VNeID" in " ".join(newcomer.button_texts())


async def test_forgetting_a_phone_never_adds_people(api: StandinBotApi, tmp_path: Path) -> None:
    busy = await start_outreach_bot(api, tmp_path, flood_max_updates=200)
    try:
        admin = SimUser(api, user_id=ADMIN_ID)
        volunteer = await join(api, admin, "00004", "Lan")
        await log_one(volunteer, phone="0912 345 678")
        await log_one(volunteer, phone="0912345678")
        await log_one(volunteer)
        await volunteer.send("/mine")
        assert "Hôm nay: 2 người, 3 lượt" in plain(volunteer.last()["text"])
        await volunteer.send("/forgetphone")
        await volunteer.send("0912 345 678")
        assert "2" in volunteer.last()["text"]  # two records changed
        await volunteer.send("/mine")
        assert "Hôm nay: 2 người, 3 lượt" in plain(volunteer.last()["text"])
    finally:
        await busy.stop()  # a failure must not leave the database thread running


async def test_role_words_in_vietnamese(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    for words in ("điều phối viên", "dieu phoi"):
        await admin.send(f"/invite 00004 {words}")
        assert "điều phối viên" in admin.bot_messages()[-2]["text"]


async def test_accented_periods_and_a_usage_text_that_works(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    coordinator = await join(api, admin, "00004", "Điều phối", "coordinator")
    for words in ("tuần", "hôm nay", "quý", "năm", "tháng trước", "quý trước", "hôm qua"):
        await coordinator.send(f"/report {words}")
        assert "Phường Ba Đình" in coordinator.last()["text"], words
    await coordinator.send("/report sớm")
    usage = coordinator.last()["text"]
    assert "00004" in usage  # the example is their own unit
    await coordinator.send("/report tháng 00004")  # the example, run
    assert "Phường Ba Đình" in coordinator.last()["text"]


async def test_units_are_found_by_name(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    await admin.send("/units ba dinh")
    assert "00004" in admin.last()["text"] and "Phường Ba Đình" in admin.last()["text"]
    coordinator = await join(api, admin, "00004", "Điều phối", "coordinator")
    await coordinator.send("/units bac lieu")  # outside their scope
    assert "31825" not in coordinator.last()["text"]
    await SimUser(api).send("/units ba dinh")
    citizen = SimUser(api)
    await citizen.send("/units ba dinh")
    assert "00004" not in citizen.last()["text"]


async def test_help_and_menu_fit_the_person(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    citizen = SimUser(api)
    await citizen.send("/help")
    assert "/invite" not in citizen.last()["text"] and "/assist" not in citizen.last()["text"]
    await citizen.send("/start")
    assert "📝 Ghi nhận hỗ trợ" not in citizen.button_texts()
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/help")
    assert "/assist" in volunteer.last()["text"] and "/invite" not in volunteer.last()["text"]
    await admin.send("/help")
    assert "/invite" in admin.last()["text"]
    await volunteer.send("/start")
    assert {"📝 Ghi nhận hỗ trợ", "👥 Ghi theo nhóm", "📋 Của tôi"} <= set(volunteer.button_texts())
    await volunteer.press("📝 Ghi nhận hỗ trợ")
    assert "VNeID mức 1" in " ".join(volunteer.button_texts())  # the assist form
    await volunteer.send("/start")
    await volunteer.press("📋 Của tôi")
    assert "Hôm nay" in volunteer.last()["text"]


async def test_the_poster_usage_example_works(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    coordinator = await join(api, admin, "00004", "Điều phối", "coordinator")
    await coordinator.send("/qr")
    usage = coordinator.last()["text"]
    example = usage.split("ví dụ ", 1)[1].split(".", 1)[0].strip()
    assert example.startswith("/qr ") and example.endswith("00004")
    await coordinator.send(example)
    assert "photo" in coordinator.bot_messages()[-2]  # the poster, then its PDF


async def test_no_screen_is_a_dead_end(api: StandinBotApi, bot: RunningBot) -> None:
    person = SimUser(api)
    await person.send("/privacy")
    assert "🏠 Menu" in person.button_texts()
    assert "mã băm" not in person.last()["text"]  # plain words for residents
    await person.send("482913")  # looks like a code: a warning, and still a way on
    assert person.button_texts() == ["🏠 Menu"]
    await person.send("/forget")
    await person.press(1)  # no, keep my data
    assert "🏠 Menu" in person.button_texts()
    await person.press("🏠 Menu")
    assert "📚" in person.last()["text"]


def test_the_summary_names_every_service_in_a_tie() -> None:
    import datetime as dt

    from bot.config import PROJECT_ROOT
    from bot.domain.periods import Period
    from bot.reports.text import summary_text
    from bot.storage.reports import Report, Totals
    from bot.texts.templates import Texts

    day = dt.date(2026, 11, 30)
    report = Report(
        None,
        Period("month", day.replace(day=1), day),
        Totals(30, 30, 0),
        None,
        {"svc": [("v1", 12), ("ds", 12), ("sg", 6)]},
    )
    text = summary_text(Texts(PROJECT_ROOT / "templates"), "vi", report)
    assert "nhiều nhất là VNeID mức 1 và Hồ sơ dịch vụ công (mỗi loại 12 lượt)" in text
    assert "trên cả nước" in text and "toàn hệ thống" not in text


async def test_all_time_starts_at_the_first_record(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await log_one(volunteer)
    await admin.send("/report tất cả")
    report = admin.bot_messages()[-2]["text"]
    assert "01/01/2020" not in report and "(từ trước đến nay)" in report


async def test_slow_commands_say_they_are_working(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    await admin.send("/chart")
    sent = [c for c in api.calls if c.method == "sendMessage"]
    assert "Đang chuẩn bị" in str(sent[-1].params.get("text"))  # at once, before the charts
    methods = [c.method for c in api.calls]
    assert methods.index("deleteMessage", methods.index("sendPhoto")) > 0  # then replaced
    assert all("Đang chuẩn bị" not in m.get("text", "") for m in admin.bot_messages())
    assert "photo" in admin.last()


def test_every_done_screen_is_short_with_official_sources_first() -> None:
    from markupsafe import escape
    from telegram import InlineKeyboardMarkup

    from bot.config import PROJECT_ROOT
    from bot.guides.loader import load_guides
    from bot.guides.navigation import Screen, ScreenKind
    from bot.telegram.views.guides import Views
    from bot.texts.telegram_html import parse_html
    from bot.texts.templates import Texts

    library, _ = load_guides(PROJECT_ROOT / "guides")
    views = Views(Texts(PROJECT_ROOT / "templates"), library)
    for guide in library:
        # A person's own done screen: its buttons carry the tag of their «✅ Xong».
        view = views.render("vi", Screen(ScreenKind.DONE, guide, tag="A" * 8))
        text = parse_html(view.text)
        assert len(text) < 600, (guide.id, len(text))
        assert "gocchiase247" not in view.text and "gamehov" not in view.text
        shown = [s for s in guide.sources if str(escape(str(s.url))) in view.text]
        assert len(shown) <= 2 and all(s.official for s in shown), guide.id
        assert isinstance(view.markup, InlineKeyboardMarkup)
        labels = [b.text for row in view.markup.inline_keyboard for b in row]
        assert "📚 Nguồn đầy đủ" in labels and "🏠 Menu" in labels
        everything = views.render("vi", Screen(ScreenKind.SOURCES, guide, tag="A" * 8))
        assert all(str(escape(str(s.url))) in everything.text for s in guide.sources)


async def test_search_results_are_the_buttons(api: StandinBotApi, bot: RunningBot) -> None:
    person = SimUser(api)
    await person.send("quen mat khau vneid")
    text = person.last()["text"]
    assert "Kết quả cho «quen mat khau vneid»" in text and len(text.splitlines()) == 1
    assert "Quên mật khẩu VNeID" not in text  # the title is on its button, not twice
    assert any("Quên mật khẩu VNeID" in label for label in person.button_texts())


async def test_joining_again_asks_first_and_name_renames(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await admin.send("/invite 01 điều phối viên")
    code = invite_code(admin.bot_messages()[-2])
    await volunteer.send(f"/join {code}")
    ask = volunteer.last()
    assert "Bạn đang là tình nguyện viên" in ask["text"] and "«Lan»" in ask["text"]
    await volunteer.send("quen mat khau vneid")  # nothing was asked to be typed: a search
    await volunteer.press("✖ Giữ như cũ", ask)
    await volunteer.send("/mine")
    assert "Lan" in volunteer.last()["text"]
    rows = query_db(obot, "SELECT display_name, role FROM members WHERE display_name = 'Lan'")
    assert rows == [("Lan", "volunteer")], "saying no changes nothing"
    await volunteer.send(f"/join {code}")
    await volunteer.press("✅ Chuyển")
    assert "🎉" in volunteer.last()["text"] and "điều phối viên" in volunteer.last()["text"]
    assert query_db(obot, "SELECT role FROM members WHERE display_name = 'Lan'") == [
        ("coordinator",)
    ], "the name was kept"
    await volunteer.send(f"/join {code}")
    assert "không cần tham gia lại" in volunteer.last()["text"]
    await volunteer.send("/name Lan – Chi đoàn 3")
    assert "Lan – Chi đoàn 3" in volunteer.last()["text"]
    await volunteer.send("/name")
    await volunteer.send("Lan Nguyễn")
    assert "Đã đổi tên hiển thị thành Lan Nguyễn" in plain(volunteer.last()["text"])
    names = query_db(obot, "SELECT display_name FROM members WHERE role = 'coordinator'")
    assert ("Lan Nguyễn",) in names
    resident = SimUser(api, first_name="Bình")
    await resident.send("/name Bình")
    assert "/join" in resident.last()["text"], "only members have a display name"


async def test_back_from_a_guide_opened_by_search_returns_to_the_results(
    api: StandinBotApi, obot: RunningBot
) -> None:
    resident = SimUser(api, first_name="Hoa")
    await resident.send("quen mat khau vneid")
    results = resident.last()["text"]
    await resident.press("Quên mật khẩu VNeID")
    await resident.press("▶ Bắt đầu")
    await resident.press("Tiếp ▶")
    await resident.press("◀ Trước")
    await resident.press("◀ Trước")  # step 1 → the guide's first screen
    await resident.press("◀ Kết quả tìm kiếm")
    assert resident.last()["text"] == results, "Back leads where the person came from"
    await resident.press("Quên mật khẩu VNeID")
    assert "◀ Kết quả tìm kiếm" in resident.button_texts()
    await resident.send("/start")
    await resident.press("VNeID")
    await resident.press("Quên mật khẩu VNeID")
    assert "◀ Kết quả tìm kiếm" not in resident.button_texts(), "from a topic, Back is the list"
