"""Coordinators in Telegram: this month's report, drill-down, workbook, charts and posters."""

from __future__ import annotations

import csv
import io
import sqlite3

import openpyxl
import zxingcpp
from PIL import Image

from bot import clock
from bot.domain.draft import Draft
from bot.services.assist_form import assist_for
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from bot.storage.assists import AssistRepository
from tests.conftest import RunningBot
from tests.outreach_helpers import join


async def seed(obot: RunningBot, volunteer_key: str) -> None:
    """Three records this month: two in Ba Đình (one a batch of 4), one in Bạc Liêu."""
    services = obot.services
    directory = services.reach.directory
    await directory.fresh()
    member = directory.member(volunteer_key)
    assert member is not None
    now = clock.now()
    for number, (code, people, phone) in enumerate(
        (("00004", 1, "p1"), ("00004", 4, ""), ("31825", 1, ""))
    ):
        unit = directory.unit_by_code(code)
        assert unit is not None
        draft = Draft(
            unit_id=unit.id,
            services=("v1",),
            age="60p",
            people=people,
            batch=people > 1,
            person_key=phone,
            key_id="k" if phone else "",
        )
        record = assist_for(draft, member.id, True, now, now)
        await AssistRepository(services.reach.db).save_assist(f"seed{number}", record)


def uploads(api: StandinBotApi, user: SimUser, kind: str) -> list[tuple[str, bytes]]:
    found = []
    for message in user.bot_messages():
        if kind == "document" and "document" in message:
            doc = message["document"]
            found.append((doc["file_name"], api.uploads[doc["file_id"]]))
        if kind == "photo" and "photo" in message:
            found.append(("photo", api.uploads[message["photo"][0]["file_id"]]))
    return found


async def test_coordinator_report_drill_export_chart_and_poster(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    coordinator = await join(api, admin, "01", "Điều phối Hà Nội", "coordinator")
    await seed(obot, obot.services.user_key(volunteer.id))

    await coordinator.send("/report")
    text, summary = (m["text"] for m in coordinator.bot_messages()[-2:])
    assert "Báo cáo tiếp cận – Hà Nội" in text and "(tháng này)" in text
    assert "Người được hỗ trợ: 5" in text and "Lượt hỗ trợ: 5" in text
    assert "Bạc Liêu" not in text  # outside the coordinator's subtree
    # The paragraph for a union report is a message of its own, naming the unit.
    assert summary.startswith("Từ ngày") and "thanh niên Hà Nội đã trực tiếp hỗ trợ 5" in summary
    screen = coordinator.bot_messages()[-2]  # the report, edited in place from here on
    await coordinator.press("📝 Tóm tắt", screen)
    assert coordinator.last()["text"] == summary

    await coordinator.press("🔎 Phường Ba Đình", screen)
    assert "Báo cáo tiếp cận – Phường Ba Đình" in screen["text"]
    await coordinator.press("⬆ Lên cấp trên", screen)
    assert "Báo cáo tiếp cận – Hà Nội" in screen["text"]
    await coordinator.press("Năm", screen)
    assert "(năm nay)" in screen["text"]

    await coordinator.press("📥 Tải Excel + CSV", screen)
    files = dict(uploads(api, coordinator, "document"))
    [xlsx_name] = [n for n in files if n.endswith(".xlsx")]
    [csv_name] = [n for n in files if n.endswith(".csv")]
    book = openpyxl.load_workbook(io.BytesIO(files[xlsx_name]), read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Chỉ tiêu", "Hoạt động", "Bản ghi"]
    records = list(book["Bản ghi"].values)
    assert records[0][:3] == ("Ngày", "Mã đơn vị", "Đơn vị") and len(records) == 3
    rows = list(csv.reader(io.StringIO(files[csv_name].decode("utf-16")), delimiter="\t"))
    assert len(rows) == 3 and {r[1] for r in rows[1:]} == {'="00004"'}  # Excel keeps 00004
    book = openpyxl.load_workbook(io.BytesIO(files[xlsx_name]), read_only=True)
    cells = [str(v) for sheet in book for row in sheet.values for v in row]
    cells += [value for row in rows for value in row]
    assert not any("p1" in c or "Lan" in c for c in cells)  # no phone codes, no names
    with sqlite3.connect(obot.services.settings.db_path) as conn:
        [(who, scope, fmt, count)] = conn.execute(
            "SELECT who, scope, format, records FROM export_log"
        ).fetchall()
    assert (scope, fmt, count) == ("01", "xlsx+csv", 2) and len(who) == 32

    await coordinator.press("📈 Biểu đồ", screen)
    photos = uploads(api, coordinator, "photo")
    charts = [png for _, png in photos[-3:]]
    for png in charts:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size == (1200, 900)

    await coordinator.send("/qr vneid-forgot-passcode 00004")
    poster = uploads(api, coordinator, "photo")[-1][1]
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(poster)))
    assert code.text == "https://t.me/outreach_test_bot?start=vneid-forgot-passcode_00004"
    assert uploads(api, coordinator, "document")[-1][1].startswith(b"%PDF")


async def test_report_scope_is_enforced(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    coordinator = await join(api, admin, "00004", "Điều phối", "coordinator")
    citizen = SimUser(api)
    for person in (citizen, volunteer):
        for command in ("/report", "/export", "/chart"):
            await person.send(command)
            assert "chỉ dành cho điều phối viên" in person.last()["text"]
    await coordinator.send("/report")
    assert "Phường Ba Đình" in coordinator.last()["text"]
    assert "⬆" not in " ".join(coordinator.button_texts())  # no way above one's own unit
    bac_lieu = obot.services
    other = bac_lieu.reach.directory.unit_by_code("31825")
    assert other is not None
    for data in (f"1|r|{other.id}|v|month", "1|r|0|v|month", f"1|r|{other.id}|x|month"):
        await coordinator.press_data(data)
        assert list(api.callback_answers.values())[-1]["show_alert"] is True
    assert not uploads(api, coordinator, "document")
    await coordinator.press_data("1|r|1|v|someday")
    assert list(api.callback_answers.values())[-1]["text"].startswith("Nút báo cáo này đã cũ")
    await coordinator.send("/report 31/02/2026-01/03/2026")
    assert "Không có ngày 31/02/2026" in coordinator.last()["text"]
    await admin.send("/report quy")
    report, summary = (m["text"] for m in admin.bot_messages()[-2:])
    assert "toàn hệ thống" in report and "(quý này)" in report
    assert "toàn hệ thống" not in summary and "trên cả nước" in summary


async def test_any_unit_in_scope_by_code_and_odd_dates(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    coordinator = await join(api, admin, "01", "Điều phối", "coordinator")
    await coordinator.send("/report thang 00008")  # no records: still reachable by its code
    assert "Báo cáo tiếp cận – Phường Ngọc Hà" in coordinator.bot_messages()[-2]["text"]
    await coordinator.send("/report 31825")
    assert "chỉ dành cho điều phối viên" in coordinator.last()["text"]
    for text, wrong in (
        ("/report 01/01/0001-02/01/0001", "01/01/0001"),
        ("/report 01/12/9999-31/12/9999", "31/12/9999"),
        ("/chart x y z", "x y z"),
    ):
        await coordinator.send(text)
        assert wrong in coordinator.last()["text"] and "Ví dụ đúng" in coordinator.last()["text"]
    await coordinator.send("/report")
    await coordinator.press_data("1|r|0|v|00010101-00010102")
    assert list(api.callback_answers.values())[-1]["text"].startswith("Nút báo cáo này đã cũ")
