"""Issue 26, coordinators in chat: a staff menu on buttons, campaigns wholly in chat, errors
that name the wrong part, a unit picker one can type into, numbers as people write them."""

from __future__ import annotations

import datetime as dt
import time

from bot import clock
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.conftest import RunningBot
from tests.outreach_helpers import join, query_db


def _day(offset: int = 0) -> str:
    return (clock.vn_date(clock.now()) + dt.timedelta(days=offset)).strftime("%d/%m/%Y")


async def test_a_coordinator_runs_a_campaign_day_on_buttons(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    """Finding 5 and 10: /start offers the staff's screens; a campaign, an activity in it, the
    closing headcount and the campaign's report, typing only names, dates and numbers."""
    obot.services.flood.max_updates = 10_000  # a test types faster than people
    coordinator = await join(api, admin, "00004", "Thảo", role="coordinator")
    welcome = coordinator.bot_messages()[-1]["text"]
    for command in ("/activity", "/campaign", "/target", "/units", "/team", "/subscribe"):
        assert command in welcome, command
    await coordinator.send("/start")
    menu = coordinator.button_texts()
    for label in ("📊 Báo cáo", "📅 Hoạt động", "🚩 Đợt, chiến dịch", "🎯 Chỉ tiêu", "🔎 Duyệt"):
        assert label in menu, label
    for label in ("👥 Thành viên", "✉️ Mời thành viên", "🏢 Mã đơn vị", "🔔 Báo cáo thứ Hai"):
        assert label in menu, label
    await coordinator.send("/help")
    assert "📊 Báo cáo" in coordinator.button_texts(), "/help shows them too"
    await coordinator.press("✉️ Mời thành viên")
    assert "Phường Ba Đình" in coordinator.bot_messages()[-2]["text"], "an invite to one's unit"

    await coordinator.send("/start")
    await coordinator.press("🚩 Đợt, chiến dịch")
    await coordinator.press("➕ Đợt mới")
    await coordinator.send("Bình dân học vụ số")  # the name alone: the dates are asked next
    assert "bắt đầu và kết thúc" in coordinator.last()["text"]
    await coordinator.send(f"{_day(-1)} - {_day(30)}")
    made = coordinator.last()["text"]
    assert "BDHVS-" in made and "Bình dân học vụ số" in made, made

    volunteer = await join(api, coordinator, "00004", "Lan")
    await coordinator.send("/start")
    await coordinator.press("📅 Hoạt động")
    await coordinator.press("➕ Hoạt động mới")
    await coordinator.press("Buổi ra quân")
    await coordinator.press("Hôm nay")
    assert "thuộc đợt" in coordinator.last()["text"]
    await coordinator.press("🚩 Bình dân học vụ số")
    await coordinator.press("Kích hoạt VNeID mức 2")
    await coordinator.press("✏️ Tiếp: gõ tên hoạt động")
    await coordinator.send("Ra quân ngày hội số")
    card = coordinator.last()["text"]
    [(campaign_id, checkin)] = query_db(obot, "SELECT campaign_id, checkin_token FROM activities")
    assert campaign_id is not None, "the activity belongs to the campaign"

    await volunteer.send(f"/start ci_{checkin}")
    await volunteer.send("/assist")
    await volunteer.press("Kích hoạt VNeID mức 2")
    await volunteer.press("16–30")
    await volunteer.press("Người dân đồng ý – Lưu")

    await coordinator.send("/activity")
    await coordinator.press("Ra quân ngày hội số")
    await coordinator.press("🔒 Đóng hoạt động")
    await coordinator.send("40 người, 25 bạn dưới 30")  # finding 13: as people say it
    assert "Đã đóng: thêm 40 người" in coordinator.last()["text"], card

    await coordinator.send("/start")
    await coordinator.press("🚩 Đợt, chiến dịch")
    await coordinator.press("📊 Báo cáo đợt BDHVS-")
    report = coordinator.last()["text"]
    assert "Bình dân học vụ số" in report or "BDHVS" in report, report
    [(activities, participations)] = query_db(
        obot,
        "SELECT count(DISTINCT a.id), count(c.member_id) FROM activities a "
        "LEFT JOIN checkins c ON c.activity_id = a.id WHERE a.campaign_id = ?",
        (campaign_id,),
    )
    assert (activities, participations) == (1, 1)
    await coordinator.send("/report đợt BDHVS-" + str(clock.vn_date(clock.now()).year - 0))
    text = coordinator.bot_messages()[-2]["text"]
    assert "Hoạt động: 1" in text or "1 hoạt động" in text, text


async def test_report_reads_months_and_quarters_and_says_how(
    obot: RunningBot, admin: SimUser
) -> None:
    """Finding 6: «tháng 11» is November, not unit 11; «quý 4» is a quarter."""
    await admin.send("/report tháng 11")
    shown = admin.bot_messages()[-2]["text"]
    assert "Điện Biên (mã 11)" in shown and "tháng này 11" in shown, shown
    assert "/11/" in shown.split("\n\n", 1)[1]
    await admin.send("/report quý 4")
    assert "Kỳ báo cáo" not in admin.bot_messages()[-2]["text"]
    assert "chưa hiểu" not in admin.bot_messages()[-2]["text"]
    await admin.send("/report q1 11")  # a quarter and a unit
    assert "Điện Biên" in admin.bot_messages()[-2]["text"]


async def test_report_refusals_name_the_wrong_part(obot: RunningBot, admin: SimUser) -> None:
    """Finding 7: each refusal says what is wrong and shows an example that works."""
    answers = {}
    for words, expected in (
        ("31/02/2026-01/03/2026", "31/02/2026"),
        ("15/11/2026-01/11/2026", "bị ngược"),
        ("01/01/1990-01/01/2020", "01/01/1990"),
        ("tháng 99", "từ 1 đến 12"),
        ("tháng 99999", "Không tìm thấy đơn vị có mã <code>99999</code>"),
    ):
        await admin.send(f"/report {words}")
        answers[words] = admin.last()["html"] if "html" in admin.last() else admin.last()["text"]
        assert expected in answers[words], (words, answers[words])
        assert "Ví dụ đúng" in answers[words] or "99999" in words
    assert len(set(answers.values())) == len(answers), "each answer is its own"


async def test_campaign_mistakes_are_explained(obot: RunningBot, admin: SimUser) -> None:
    """Finding 8: no silent list, no internal code."""
    await admin.send("/campaign X1 31/02/2026 01/03/2026 Đợt sai ngày")
    assert "31/02/2026" in admin.last()["text"] and "dd/mm/yyyy" in admin.last()["text"]
    await admin.send("/campaign X2 01/11/2026 31/12/2026")
    assert "Còn thiếu tên đợt" in admin.last()["text"]
    await admin.send("/campaign ĐỢT1 01/11/2026 31/12/2026 Đợt có dấu")
    answer = admin.last()["text"]
    assert "chữ không dấu" in answer and "bad_code" not in answer
    assert query_db(obot, "SELECT count(*) FROM campaigns") == [(0,)]


async def test_an_admin_makes_a_team_by_naming_the_unit(obot: RunningBot, admin: SimUser) -> None:
    """Finding 9: an admin has no unit, so they name one; never the /activity hint."""
    await admin.send("/team Đội hình tình nguyện 1")
    assert "/activity" not in admin.last()["text"] and "/team 01" in admin.last()["text"]
    await admin.send("/team 01 Đội hình tình nguyện 1")
    assert "01-DH1" in admin.last()["text"], admin.last()["text"]


async def test_the_unit_picker_takes_a_typed_name(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    """Finding 11: while the picker is open, `ngoc ha` searches units, not guides."""
    volunteer = await join(api, admin, "01", "Minh")
    await volunteer.send("/assist")
    await volunteer.press("📍")
    await volunteer.send("ngoc ha")
    assert "Phường Ngọc Hà" in volunteer.button_texts(), volunteer.last()["text"]
    await volunteer.press("Phường Ngọc Hà")
    assert "Phường Ngọc Hà" in volunteer.last()["text"], "the form, with the unit chosen"
    await volunteer.send("ngoc ha")  # the picker is closed: a search as usual
    assert "Phường Ngọc Hà" not in volunteer.button_texts()


async def test_units_and_qr_say_what_was_not_found(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    """Finding 12."""
    coordinator = await join(api, admin, "31825", "Vy", role="coordinator")
    await coordinator.send("/units ba dinh")
    answer = coordinator.last()["text"]
    assert "Không tìm thấy" in answer and "/units ba dinh" not in answer, answer
    await admin.send("/qr xyz 01")
    assert "Không có hướng dẫn mã xyz" in admin.last()["text"]


async def test_numbers_as_the_bot_prints_them(obot: RunningBot, admin: SimUser) -> None:
    """Finding 13: «1.000» is a thousand; a comma gets a hint."""
    await admin.send("/target 00004 người 1.000")
    assert "1.000" in admin.last()["text"] and "🎯" in admin.last()["text"]
    assert query_db(obot, "SELECT value FROM targets") == [(1000,)]
    await admin.send("/target 00004 người 1,5")
    assert "dấu thập phân" in admin.last()["text"]


async def test_fast_taps_on_a_batch_form_all_count(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    """Finding 13: «+1» tapped 30 times within seconds is work, not a flood."""
    volunteer = await join(api, admin, "00004", "Hải")
    await volunteer.send("/batch")
    form = volunteer.last()
    for _ in range(30):
        await volunteer.press("+1", form)
        form = volunteer.last()
    labels = volunteer.button_texts(form)
    assert any(
        "Cả 31 người" in label for label in labels
    )  # 1, then 30 more, [b for b in labels if "Lưu" in b]
    assert not any("quá nhanh" in m["text"] for m in volunteer.bot_messages())


async def test_small_faults(api: StandinBotApi, obot: RunningBot, admin: SimUser) -> None:
    """Finding 14: /undo right away; the activity QR caption."""
    volunteer = await join(api, admin, "00004", "Tú")
    await volunteer.send("/assist")
    await volunteer.press("Kích hoạt VNeID mức 2")
    await volunteer.press("Không đồng ý")
    await volunteer.send("/undo")
    assert "0 phút" not in volunteer.last()["text"] and "vừa ghi" in volunteer.last()["text"]
    start = time.monotonic()
    assert time.monotonic() - start < 60


async def test_a_prerequisite_leads_back_to_the_guide_one_came_for(
    api: StandinBotApi, obot: RunningBot
) -> None:
    """Finding 14: after «Chưa, xem hướng dẫn …», the prerequisite's «◀» returns there."""
    resident = SimUser(api, first_name="Hằng")
    await resident.send("/start public-services-login-vneid")
    first = resident.last()["text"]
    await resident.press("📖 Chưa, xem hướng dẫn")
    back = [t for t in resident.button_texts() if t.startswith("◀")]
    assert back and "Danh sách" not in back[0], resident.button_texts()
    await resident.press("✅ Rồi, tiếp tục")  # it has a prerequisite of its own
    await resident.press("◀ Trước")  # step 1 back to the prerequisite's intro
    await resident.press(back[0])
    assert resident.last()["text"] == first, "back at the guide one came for"


async def test_the_activity_qr_caption_puts_the_link_on_its_own_line(
    obot: RunningBot, admin: SimUser
) -> None:
    """Finding 14: «…phường Ba Đìnhhttps://t.me/…» no more."""
    activities = obot.services.reach.activities
    from bot.services.scoping import ADMIN

    today = clock.vn_date(clock.now())
    await activities.add_activity(ADMIN, "t", "00004", "class", "Lớp phường Ba Đình", today)
    await admin.send("/activity")
    await admin.press("Lớp phường Ba Đình")
    await admin.press("📲 Mã QR điểm danh")
    caption = admin.bot_messages()[-1]["caption"]
    assert "Ba Đình\nhttps://t.me/" in caption, caption


def test_guide_lists_follow_the_vietnamese_alphabet() -> None:
    """Finding 14: «Đ…» after «D…», before «E…», not after «X…»."""
    from telegram import InlineKeyboardMarkup

    from bot.config import PROJECT_ROOT
    from bot.guides.loader import load_guides
    from bot.guides.navigation import Screen, ScreenKind
    from bot.telegram.views.guides import Views
    from bot.texts.collation import vietnamese_key
    from bot.texts.templates import Texts

    library, _ = load_guides(PROJECT_ROOT / "guides")
    views = Views(Texts(PROJECT_ROOT / "templates"), library)
    for topic in library.topics():
        view = views.render("vi", Screen(ScreenKind.TOPIC, topic=topic))
        assert isinstance(view.markup, InlineKeyboardMarkup)
        titles = [row[0].text for row in view.markup.inline_keyboard[:-1]]
        assert titles == sorted(titles, key=vietnamese_key), topic


def test_a_glossary_source_is_shown_decoded() -> None:
    """Finding 14: a source URL as people read it, not «S%E1%BB%95_tay…»."""
    from bot.config import PROJECT_ROOT
    from bot.guides.loader import load_guides
    from bot.guides.navigation import Screen, ScreenKind, step_terms
    from bot.telegram.views.guides import Views
    from bot.texts.templates import Texts

    library, _ = load_guides(PROJECT_ROOT / "guides")
    views = Views(Texts(PROJECT_ROOT / "templates"), library)
    shown = []
    for guide in library:
        for number in range(1, len(guide.steps) + 1):
            for index, term in enumerate(step_terms(library, guide, number), start=1):
                if term.source and "%" in str(term.source):
                    screen = Screen(ScreenKind.TERM, guide=guide, step=number, term=index)
                    shown.append(views.render("vi", screen).text)
    assert shown, "the glossary has an encoded source to show"
    assert all("%E1" not in text and "%C" not in text for text in shown), shown[0]
    assert any("Sổ_tay" in text for text in shown)
