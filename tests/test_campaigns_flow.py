"""Campaign days in chat: members check in by link, their assists attach to the activity,
residents mark attendance, and the coordinator closes the activity with a headcount."""

from __future__ import annotations

import datetime as dt

from bot import clock
from bot.domain.campaigns import Activity
from bot.services.scoping import ADMIN
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from bot.telegram.context import BotContext
from tests.conftest import RunningBot
from tests.outreach_helpers import join, query_db


async def make_activity(
    obot: RunningBot, kind: str = "campaign_day", days: tuple[int, int] = (0, 0)
) -> Activity:
    today = clock.vn_date(clock.now())
    activities = obot.services.reach.activities
    return await activities.add_activity(
        ADMIN,
        "test",
        "00004",
        kind,
        "Ra quân «Bình dân học vụ số»",
        today + dt.timedelta(days=days[0]),
        today + dt.timedelta(days=days[1]),
        services=["v2", "ds"],
    )


async def test_a_member_checks_in_and_their_assists_attach(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    activity = await make_activity(obot)
    volunteer = await join(api, admin, "CD-BD-1", "Lan")  # another unit: help across units
    await volunteer.send(f"/start ci_{activity.checkin_token}")
    assert "Đã điểm danh" in volunteer.last()["text"]
    await volunteer.send(f"/start ci_{activity.checkin_token}")  # twice counts once
    assert "không tính thêm" in volunteer.last()["text"]
    await volunteer.send("/assist")
    assert "📌 Hoạt động: Ra quân «Bình dân học vụ số»" in volunteer.last()["text"]
    await volunteer.press("Kích hoạt VNeID mức 2")
    await volunteer.press("16–30")
    await volunteer.press("Người dân đồng ý – Lưu")
    await volunteer.send("/assist")
    await volunteer.press("✖ Không tính vào hoạt động này")
    assert "📌" not in volunteer.last()["text"]
    await volunteer.press("Khác")
    await volunteer.press("Không đồng ý")
    rows = query_db(obot, "SELECT activity_id FROM assists ORDER BY id")
    assert rows == [(activity.id,), (None,)]
    checkins = query_db(obot, "SELECT activity_id, home_unit_id FROM checkins")
    [(branch,)] = query_db(obot, "SELECT id FROM units WHERE code = 'CD-BD-1'")
    assert checkins == [(activity.id, branch)], "one check-in, with the member's home unit"


async def test_links_that_cannot_be_used_get_a_clear_answer(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    later = await make_activity(obot, days=(1, 2))
    past = await make_activity(obot, days=(-3, -1))
    resident = SimUser(api, first_name="Bình")
    await resident.send(f"/start ci_{later.checkin_token}")
    assert "/join" in resident.last()["text"], "not a member"
    volunteer = await join(api, admin, "00004", "Mai")
    for payload, expected in (
        (f"ci_{later.checkin_token}", "bắt đầu ngày"),
        (f"ci_{past.checkin_token}", "đã diễn ra"),
        ("ci_zzzzzzzzzzzz", "Không tìm thấy hoạt động"),
        ("ci_<script>", "Mời bạn chọn trong menu"),  # not even a link: the menu
    ):
        await volunteer.send(f"/start {payload}")
        assert expected in volunteer.last()["text"], payload
        assert volunteer.button_texts(), "a way on from every answer"
    assert query_db(obot, "SELECT count(*) FROM checkins") == [(0,)]


async def test_residents_attend_once_and_the_coordinator_closes_with_a_headcount(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    activity = await make_activity(obot, kind="class")
    resident = SimUser(api, first_name="Hoa")
    await resident.send(f"/start at_{activity.token}")
    assert "không giữ tên" in resident.last()["text"]
    await resident.press("✅ 60 trở lên")
    assert "Cảm ơn" in resident.last()["text"]
    assert "🪪 VNeID – định danh điện tử" in resident.button_texts(), "its guides are offered"
    await resident.send(f"/start at_{activity.token}")
    await resident.press("✅ Tôi tham dự")
    assert "không tính thêm" in resident.last()["text"]
    young = SimUser(api, first_name="Nam")
    await young.send(f"/start at_{activity.token}")
    await young.press("✅ 16–30")
    assert query_db(obot, "SELECT age_band FROM attendance ORDER BY age_band") == [
        ("16-30",),
        ("60p",),
    ]
    assert not query_db(obot, "SELECT 1 FROM attendance WHERE person_key LIKE '%7000%'")

    await admin.send("/activity")
    await admin.press(activity.title)
    assert "Người tham dự: 2" in admin.last()["text"]
    await admin.press("📲 Mã QR điểm danh")
    captions = [m.get("caption", "") for m in admin.bot_messages()[-2:]]
    assert f"start=ci_{activity.checkin_token}" in captions[0]
    assert f"start=at_{activity.token}" in captions[1]
    await admin.press("🔒 Đóng hoạt động", admin.bot_messages()[-3])
    await admin.send("40 50")  # more under 30 than in total: refused, still asked
    assert "không lớn hơn tổng" in admin.last()["text"]
    await admin.send("40 25")
    card = admin.last()["text"]
    assert "Đã đóng: thêm 40 người" in card and "Người tham dự: 42" in card
    await resident.send(f"/start at_{activity.token}")
    assert "đã kết thúc" in resident.last()["text"]

    await young.send("/forget")
    await young.press("Xóa")
    assert "1 lần điểm danh" in young.last()["text"]
    # The mark still counts, under a stand-in that leads to no one.
    assert sorted(query_db(obot, "SELECT age_band FROM attendance")) == [("16-30",), ("60p",)]
    assert len(query_db(obot, "SELECT 1 FROM attendance WHERE person_key LIKE 'erased-%'")) == 1


async def test_a_coordinator_makes_an_activity_in_chat_on_buttons(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    await admin.send("/activity new")
    assert "/activity new MÃ-ĐƠN-VỊ" in admin.last()["text"], "an admin names the unit"
    coordinator = await join(api, admin, "00004", "Thảo", role="coordinator")
    await coordinator.send("/activity")
    await coordinator.press("➕ Hoạt động mới")
    assert "Hoạt động mới</b> của Phường Ba Đình" not in coordinator.last()["text"]
    assert "Hoạt động mới của Phường Ba Đình" in coordinator.last()["text"]
    await coordinator.press("Lớp hướng dẫn")
    await coordinator.press("Ngày mai")
    await coordinator.press("Kích hoạt VNeID mức 2")
    await coordinator.press("Hồ sơ dịch vụ công")
    await coordinator.press("✏️ Tiếp: gõ tên hoạt động")
    await coordinator.send("   ")
    await coordinator.send("Lớp VNeID cho người cao tuổi")
    card = coordinator.last()["text"]
    assert "Lớp VNeID cho người cao tuổi" in card and "start=ci_" in card
    [(kind, services, first_day, title)] = query_db(
        obot, "SELECT kind, services, first_day, title FROM activities"
    )
    tomorrow = clock.vn_date(clock.now()) + dt.timedelta(days=1)
    assert (kind, services, title) == ("class", 0b10010, "Lớp VNeID cho người cao tuổi")
    assert first_day == (tomorrow - dt.date(1970, 1, 1)).days
    forged = "1|n|1|t|9.9.0"
    before = len(coordinator.bot_messages())
    await coordinator.press_data(forged)
    assert len(coordinator.bot_messages()) == before, "a forged form changes nothing"
    assert query_db(obot, "SELECT count(*) FROM activities") == [(1,)]


async def test_a_resident_confirms_an_assist_once_on_their_own_phone(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    import re

    from bot.domain.periods import custom
    from bot.reports.service import report

    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    await volunteer.press("Hồ sơ dịch vụ công")
    await volunteer.press("31–59")
    await volunteer.press("Người dân đồng ý – Lưu")
    await volunteer.press("🔗 Người dân xác nhận")
    caption = volunteer.last()["caption"]
    [token] = re.findall(r"start=cf_([a-z2-9]{12})", caption)
    await volunteer.send(f"/start cf_{token}")
    assert "không phải tình nguyện viên" in volunteer.last()["text"], "not the volunteer"
    resident = SimUser(api, first_name="Bà Tư")
    await resident.send(f"/start cf_{token}")
    assert "Hồ sơ dịch vụ công" in resident.last()["text"]
    await resident.press("5⭐")
    assert "Cảm ơn" in resident.last()["text"]
    await resident.press_data(f"1|c|{token}|y|")  # a second tap (redelivered): once only
    assert "đã được xác nhận rồi" in resident.last()["text"]
    stranger = SimUser(api, first_name="Khách")
    await stranger.send("/start cf_zzzzzzzzzzzz")
    assert "Không tìm thấy" in stranger.last()["text"]
    assert query_db(obot, "SELECT rating, used_at IS NOT NULL FROM confirmations") == [(5, 1)]
    today = clock.vn_date(clock.now())
    db = obot.services.reach.db
    figures = (await report(db, None, custom(today, today))).union
    assert (figures.verified_assists, figures.rated, figures.rating_average) == (1, 1, 5.0)
    # The running totals moved with the confirmation, as a rebuild from the records gives them.
    from bot.storage import rollup

    ver = "SELECT level, day, key, assists, anon FROM rollup WHERE dim = 'ver' ORDER BY 1, 2, 3"
    incremental = query_db(obot, ver)
    assert incremental and all(row[2] in ("n", "sum") for row in incremental)
    await db.write(rollup.rebuild)
    assert query_db(obot, ver) == incremental
    await volunteer.send("/undo")
    await volunteer.press("🗑 Xóa bản ghi này")
    assert query_db(obot, ver) == [], "an undone assist takes its confirmation along"


async def test_the_weekly_report_is_scheduled_and_sent_to_subscribers(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    from bot.telegram.handlers import digest

    assert obot.app.job_queue is not None
    [job] = obot.app.job_queue.get_jobs_by_name(digest.JOB_NAME)
    when = job.job.trigger.get_next_fire_time(None, dt.datetime.now(clock.VIETNAM))
    when = when.astimezone(clock.VIETNAM)
    assert (when.weekday(), when.hour, when.minute) == (0, 7, 30), "Mondays at 07:30"
    coordinator = await join(api, admin, "00004", "Thảo", role="coordinator")
    await coordinator.send("/subscribe")
    assert "Đã đăng ký" in coordinator.last()["text"]
    resident = SimUser(api, first_name="Bình")
    await resident.send("/subscribe")
    assert "chỉ dành cho điều phối viên" in resident.last()["text"]

    job_context = BotContext(obot.app)  # as the JobQueue hands it to the callback

    assert await digest.send_digests(job_context) == 1
    heading, paragraph = coordinator.bot_messages()[-2:]
    assert "Báo cáo tuần" in heading["text"] and "Phường Ba Đình" in heading["text"]
    assert "Phường Ba Đình" in paragraph["text"]
    await coordinator.send("/unsubscribe")
    assert "Đã hủy đăng ký" in coordinator.last()["text"]
    assert await digest.send_digests(job_context) == 0
    assert query_db(obot, "SELECT count(*) FROM subscriptions") == [(0,)]


async def test_campaigns_targets_and_cluster_reports_in_chat(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    coordinator = await join(api, admin, "01", "Thảo", role="coordinator")
    today = clock.vn_date(clock.now())
    first, last = today.strftime("%d/%m/%Y"), (today + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    await coordinator.send(f"/campaign bdhvs-2 {last} {first} Đợt ngược")
    assert "Ngày kết thúc đứng trước" in coordinator.last()["text"]
    await coordinator.send(f"/campaign bdhvs-2 {first} {last} Bình dân học vụ số đợt 2")
    assert "Đã tạo đợt" in coordinator.last()["text"]
    await coordinator.send("/campaign")
    assert "BDHVS-2" in coordinator.last()["text"]
    await coordinator.send("/target 01 người 500")
    assert "do cấp trên giao" in coordinator.last()["text"], "not one's own target"
    await coordinator.send("/target 00004 người 0")
    assert "lớn hơn 0" in coordinator.last()["text"]
    await coordinator.send("/target 00004 thích 5")
    assert "Chỉ số:" in coordinator.last()["text"]
    await coordinator.send("/target 00004 hoạt động 4 đợt BDHVS-2")
    assert "trong đợt BDHVS-2: hoạt động = 4" in coordinator.last()["text"]
    await coordinator.send("/target 31825 người 5")
    assert "không có quyền" in coordinator.last()["text"], "outside the subtree"
    reach = obot.services.reach
    await reach.activities.add_activity(
        ADMIN, "t", "00004", "class", "Lớp", today, campaign_code="BDHVS-2"
    )
    await coordinator.send("/report đợt BDHVS-2 00004")
    report = coordinator.bot_messages()[-2]["text"]
    assert "Chỉ số Đoàn – Bình dân học vụ số đợt 2" in report
    assert f"Hoạt động ({first}–{last}): 1/4 (25% chỉ tiêu)" in report, "the campaign's days"
    await reach.clusters.add_cluster("HN-CM", "Hà Nội và Cà Mau", ["01", "96"])
    await coordinator.send("/report cụm HN-CM")
    assert "chỉ dành cho điều phối viên" in coordinator.last()["text"], "Cà Mau is not theirs"
    await admin.send("/report cụm hn-cm")
    cluster = admin.bot_messages()[-2]
    assert "Báo cáo tiếp cận – Hà Nội và Cà Mau" in cluster["text"]
    # Its buttons keep it the cluster's report: another period, then back to the whole tree.
    await admin.press("Năm", cluster)
    assert "Báo cáo tiếp cận – Hà Nội và Cà Mau" in admin.bot_messages()[-2]["text"]
    await admin.press("⬆ Lên cấp trên", cluster)
    whole = admin.bot_messages()[-2]
    assert "Hà Nội và Cà Mau" not in whole["text"]
    await admin.press("🗺 Cụm: Hà Nội và Cà Mau", whole)
    assert "Báo cáo tiếp cận – Hà Nội và Cà Mau" in admin.bot_messages()[-2]["text"]
    await admin.press_data("1|r|g999|v|month", whole)
    toast = list(admin.api.callback_answers.values())[-1]
    assert "Gõ /report" in toast.get("text", ""), "a cluster that is gone: a polite toast"
    await admin.send("/report cụm NOPE")
    assert "Không có cụm mã này" in admin.last()["text"]


async def test_report_json_and_workbook_give_the_same_numbers(
    api: StandinBotApi, obot: RunningBot, admin: SimUser, tmp_path
) -> None:
    import openpyxl

    from bot.domain.periods import custom
    from bot.reports import exports
    from bot.reports.json_report import report_dict
    from bot.reports.service import report

    activity = await make_activity(obot, kind="class")
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send(f"/start ci_{activity.checkin_token}")
    await volunteer.send("/assist")
    await volunteer.press("Kích hoạt VNeID mức 2")
    await volunteer.press("16–30")
    await volunteer.press("Người dân đồng ý – Lưu")
    resident = SimUser(api, first_name="Hoa")
    await resident.send(f"/start at_{activity.token}")
    await resident.press("✅ 60 trở lên")
    services = obot.services
    await services.reach.activities.close(ADMIN, activity.id, 10, 4)

    await admin.send("/report hôm nay")
    text = admin.bot_messages()[-2]["text"]
    today = clock.vn_date(clock.now())
    result = await report(services.reach.db, None, custom(today, today))
    data = report_dict(result)
    # By hand: 1 activity (a class), 1 member, 1 + 10 attendees, youth = the 16–30 resident
    # + 4 under 30 in the headcount + the member.
    expected = {"activities": 1, "classes": 1, "member_participations": 1, "attendees": 11,
                "youth_reached": 6, "people": 1, "assists": 1}  # fmt: skip
    assert {k: data[k] for k in expected} == expected
    assert "Hoạt động: 1 (lớp hướng dẫn: 1)" in text
    assert "Lượt đoàn viên tham gia: 1" in text and "Người tham dự lớp, buổi ra quân: 11" in text
    assert "Thanh thiếu nhi được tiếp cận: 6" in text
    out = tmp_path / "r.xlsx"
    exports.write_xlsx(out, exports.AssistFormatter(services.texts, "vi"), result, [], iter(()))
    sheet = {row[0]: row[1] for row in openpyxl.load_workbook(out)["Chỉ tiêu"].values}
    assert sheet["Hoạt động"] == 1 and sheet["Thanh thiếu nhi được tiếp cận"] == 6
    assert sheet["Lượt đoàn viên tham gia"] == 1 and sheet["Người tham dự"] == 11


async def test_a_team_made_in_chat_counts_when_its_members_take_part(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    from bot.domain.periods import custom
    from bot.reports.service import report

    coordinator = await join(api, admin, "00004", "Thảo", role="coordinator")
    await coordinator.send("/team Đội hình Bình dân học vụ số")
    assert "/invite 00004-DH1" in coordinator.last()["text"]
    await coordinator.send("/team Đội hình thứ hai")
    assert "00004-DH2" in coordinator.last()["text"], "the next free code"
    await coordinator.send("/team")
    assert "00004-DH1" in coordinator.last()["text"] and "00004-DH2" in coordinator.last()["text"]
    member = await join(api, coordinator, "00004-DH1", "Nam")  # invited straight into the team
    activity = await make_activity(obot)
    await member.send(f"/start ci_{activity.checkin_token}")
    today = clock.vn_date(clock.now())
    db = obot.services.reach.db
    ba_dinh = obot.services.reach.directory.unit_by_code("00004")
    assert (await report(db, ba_dinh, custom(today, today))).union.teams == 1
    resident = SimUser(api, first_name="Bình")
    await resident.send("/team Đội ma")
    assert "chỉ dành cho điều phối viên" in resident.last()["text"]
