"""The outreach log end to end: invite → join → assist → batch → undo → mine, over HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.conftest import RunningBot, make_settings, start_bot
from tests.outreach_helpers import ADMIN_ID, join, start_outreach_bot
from tests.outreach_helpers import query_db as db_rows


async def test_invite_join_assist_undo_mine(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan – Chi đoàn 3")
    assert any(c.method == "sendPhoto" for c in api.calls), "the invite comes with its QR code"

    await volunteer.send("/assist")
    form = volunteer.last()
    assert "chưa chọn" in form["text"]
    # A typical resident: service, age band, consent (outcome is preset to "Xong").
    await volunteer.press("VNeID mức 1")
    await volunteer.press("60 trở lên")
    await volunteer.press("Người dân đồng ý – Lưu")  # 3 taps; 5 with outcome and sex
    saved = volunteer.last()
    assert saved["text"].startswith("✅ Đã lưu")
    assert "Phường Ba Đình" in saved["text"]
    rows = db_rows(obot, "SELECT services, people, consent, age_band, outcome FROM assists")
    assert rows == [(1, 1, 1, "60p", "done")]

    await volunteer.send("/mine")
    assert "Hôm nay: 1 người, 1 lượt" in volunteer.last()["text"].replace("<b>", "")

    await volunteer.send("/undo")
    await volunteer.press("Xóa bản ghi này")
    assert "Đã xóa" in volunteer.last()["text"]
    assert db_rows(obot, "SELECT count(*) FROM assists") == [(0,)]


async def test_without_consent_only_an_anonymous_count_is_kept(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Minh")
    await volunteer.send("/assist")
    await volunteer.press("Sổ tay đảng viên")
    await volunteer.press("An toàn trên mạng")
    await volunteer.press("31–59")
    await volunteer.press("Nữ")
    await volunteer.press("Không đồng ý")
    rows = db_rows(
        obot, "SELECT services, consent, outcome, age_band, sex, person_key FROM assists"
    )
    assert rows == [(0b1001000, 0, None, None, None, None)]


async def test_batch_backdated(api: StandinBotApi, obot: RunningBot, admin: SimUser) -> None:
    volunteer = await join(api, admin, "00004", "Hà")
    await volunteer.send("/batch")
    await volunteer.press("Hồ sơ dịch vụ công")
    await volunteer.press("16–30")
    await volunteer.send("20")  # a typed number sets the count; it is not a search
    assert "Số người: 20 (16–30: 20)\n" in volunteer.last()["text"]
    await volunteer.press("+1")  # the steps add to it
    await volunteer.press("60 trở lên")  # a second age band, counted apart
    await volunteer.press("+10")
    await volunteer.press("Hôm nay")  # → yesterday
    await volunteer.press("Cả 31 người đồng ý – Lưu")
    assert "Đã lưu 31 người" in volunteer.last()["text"]
    rows = db_rows(obot, "SELECT age_band, people, occurred_at, created_at FROM assists")
    assert sorted((band, people) for band, people, _, _ in rows) == [("16-30", 21), ("60p", 10)]
    for _, _, occurred, created in rows:
        assert 0 < created - occurred < 2 * 86400


async def log_one(volunteer: SimUser, *, phone: str | None = None) -> None:
    await volunteer.send("/assist")
    await volunteer.press("VNeID mức 1")
    await volunteer.press("16–30")
    if phone is not None:
        await volunteer.press("Chống đếm trùng")
        await volunteer.send(phone)
    await volunteer.press("Người dân đồng ý – Lưu")
    assert volunteer.last()["text"].startswith("✅"), volunteer.last()["text"]


async def test_same_phone_counts_once_and_is_stored_nowhere(
    api: StandinBotApi, obot: RunningBot, admin: SimUser, tmp_path: Path
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await log_one(volunteer, phone="0912 345 678")
    await log_one(volunteer, phone="+84912345678")  # the same number, written differently
    await log_one(volunteer)  # no phone: counts as its own person
    await volunteer.send("/mine")
    assert "Hôm nay: 2 người, 3 lượt" in volunteer.last()["text"].replace("<b>", "").replace(
        "</b>", ""
    )
    # The messages holding the number were deleted from the chat.
    typed = [m.get("text", "") for m in volunteer.messages if m["from"]["id"] == volunteer.id]
    assert "/mine" in typed and not any("912" in t for t in typed)
    keys = db_rows(obot, "SELECT person_key, key_id FROM assists WHERE person_key IS NOT NULL")
    assert len(keys) == 2 and keys[0] == keys[1] and len(keys[0][0]) == 64
    await obot.stop()
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir())
    assert keys[0][0].encode() in raw  # proves the search below looks at the real data
    for form in ("0912345678", "912345678", "84912345678", "0912 345 678", "0912.345.678"):
        assert form.encode() not in raw, form
        assert form.encode("utf-16-le") not in raw, form


async def test_double_tap_and_redelivered_update_save_once(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    await volunteer.press("Khác")
    await volunteer.press("Dưới 16")
    form = volunteer.last()
    save = next(b for b in volunteer.buttons(form) if "đồng ý – Lưu" in b["text"])
    await volunteer.press_data(save["callback_data"], form)
    update = await volunteer.press_data(save["callback_data"], form)  # the second finger
    api.expected_errors = 1  # type: ignore[attr-defined]  # (api fixture's) Telegram refuses a second answer
    assert api.deliver is not None
    await api.deliver(update)  # the same update again, as after a crash before confirming it
    assert db_rows(obot, "SELECT count(*) FROM assists") == [(1,)]
    toasts = [a.get("text") for a in api.callback_answers.values()]
    assert toasts[-1] == "Phiếu này đã được lưu rồi, không ghi trùng."


async def test_restart_mid_flow_loses_nothing(api: StandinBotApi, tmp_path: Path) -> None:
    first = await start_outreach_bot(api, tmp_path)
    admin = SimUser(api, user_id=ADMIN_ID)
    volunteer = await join(api, admin, "00004", "Lan")
    await log_one(volunteer)  # confirmed before the restart
    await volunteer.send("/assist")
    await volunteer.press("Ký số")
    form = volunteer.last()
    await first.stop()

    second = await start_bot(make_settings(tmp_path, api.base_url, admin_ids=[ADMIN_ID]), api)
    try:
        await volunteer.press("31–59", form)  # the old message's buttons still work
        await volunteer.press("Người dân đồng ý – Lưu")
        assert volunteer.last()["text"].startswith("✅ Đã lưu")
        rows = db_rows(second, "SELECT services FROM assists ORDER BY id")
        assert rows == [(1,), (1 << 5,)]
    finally:
        await second.stop()


async def test_self_serve_credited_to_the_deep_link_unit(
    api: StandinBotApi, obot: RunningBot
) -> None:
    citizen = SimUser(api, first_name="Bà Tư")
    await citizen.send("/start vneid-forgot-passcode_00004")
    await citizen.press("▶ Bắt đầu")
    while "✅ Xong" not in citizen.button_texts():
        await citizen.press("Tiếp ▶")
    await citizen.press("✅ Xong")
    other = SimUser(api, first_name="Ông Năm")
    await other.send("/start safety-never-share-otp")  # a plain guide link still works
    await other.press("▶ Bắt đầu")
    while "✅ Xong" not in other.button_texts():
        await other.press("Tiếp ▶")
    await other.press("✅ Xong")
    rows = db_rows(
        obot,
        "SELECT s.guide_id, s.service, u.code, length(s.user_key) FROM self_serve s "
        "LEFT JOIN units u ON u.id = s.unit_id ORDER BY s.id",
    )
    assert rows == [
        ("vneid-forgot-passcode", "vd", "00004", 32),
        ("safety-never-share-otp", "sf", None, 32),
    ]
    raw = (obot.services.settings.db_path).read_bytes()
    assert str(citizen.id).encode() not in raw


async def test_unknown_unit_in_a_guide_link_still_opens_the_guide(
    api: StandinBotApi, obot: RunningBot
) -> None:
    citizen = SimUser(api)
    await citizen.send("/start vneid-forgot-passcode_99999")
    assert "▶ Bắt đầu" in citizen.button_texts()


async def test_forget_erases_profile_and_keeps_anonymous_counts(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await log_one(volunteer)
    await volunteer.send("/start vneid-forgot-passcode")
    await volunteer.press("▶ Bắt đầu")
    while "✅ Xong" not in volunteer.button_texts():
        await volunteer.press("Tiếp ▶")
    await volunteer.press("✅ Xong")
    await volunteer.send("/forget")
    await volunteer.press("Xóa dữ liệu của tôi")
    assert "Đã xóa: 1 lần hoàn thành hướng dẫn, 1 hồ sơ" in volunteer.last()["text"]
    # The member row is emptied, not deleted: its number stays on the record, linked to no
    # one (no name, no Telegram pseudonym), so past reports keep who-logged-what.
    [(member_id, user_key, name, active)] = db_rows(
        obot, "SELECT id, user_key, display_name, active FROM members"
    )
    assert user_key == f"erased:{member_id}" and name == "" and active == 0
    assert db_rows(obot, "SELECT count(*) FROM self_serve") == [(0,)]
    assert db_rows(obot, "SELECT volunteer_id, people FROM assists") == [(member_id, 1)]
    [(what, rows)] = db_rows(obot, "SELECT what, rows FROM erasures")
    assert what == "self_serve=1;profile=1;preferences=0;attendance=0" and rows == 2
    await volunteer.send("/assist")
    assert "dành cho tình nguyện viên" in volunteer.last()["text"]


async def test_unit_picker_stays_inside_the_volunteers_unit(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "01", "Lan")  # a city-level volunteer
    await volunteer.send("/assist")
    await volunteer.press("📍 Hà Nội")
    await volunteer.press("Phường Ba Đình")  # choose it
    assert "Đơn vị: Phường Ba Đình" in volunteer.last()["text"]
    await volunteer.press("📍 Phường Ba Đình")
    assert "Đang xem: Hà Nội" in volunteer.last()["text"]  # where the person last browsed
    await volunteer.press("Xem đơn vị con ›")
    assert "Đang xem: Phường Ba Đình" in volunteer.last()["text"]
    assert "Chi đoàn Ba Đình 1" in volunteer.button_texts()
    await volunteer.press("⬆ Lên cấp trên")
    assert "Đang xem: Hà Nội" in volunteer.last()["text"]
    # A forged choice of a unit in another province is refused and changes nothing.
    token = volunteer.buttons(volunteer.last())[0]["callback_data"].split("|")[2]
    bac_lieu = db_rows(obot, "SELECT id FROM units WHERE code = '31825'")[0][0]
    await volunteer.press_data(f"1|a|{token}|U|{bac_lieu}")
    assert list(obot.api.callback_answers.values())[-1]["show_alert"] is True
    await volunteer.press("Quay lại phiếu")
    await volunteer.press("An toàn")
    await volunteer.press("Không đồng ý")
    assert db_rows(obot, "SELECT u.code FROM assists a JOIN units u ON u.id = a.unit_id") == [
        ("00004",)
    ]


async def test_every_answer_in_five_taps_and_saving_too_early_is_refused(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    await volunteer.press("Người dân đồng ý – Lưu")
    assert list(api.callback_answers.values())[-1]["text"].startswith("Hãy chọn ít nhất một")
    taps_before = len(api.callback_answers)
    await volunteer.press("Hồ sơ dịch vụ công")
    await volunteer.press("Cần hỗ trợ tiếp")
    await volunteer.press("Không muốn nói")
    await volunteer.press("Người dân đồng ý – Lưu")
    assert "Hãy chọn nhóm tuổi" in list(api.callback_answers.values())[-1]["text"]
    await volunteer.press("Dưới 16")
    await volunteer.press("Người dân đồng ý – Lưu")
    assert len(api.callback_answers) - taps_before == 6  # five answers plus one early press
    rows = db_rows(obot, "SELECT services, outcome, age_band, sex, consent FROM assists")
    assert rows == [(1 << 4, "followup", "u16", "x", 1)]


async def test_concurrent_and_redelivered_taps_lose_nothing_and_flip_nothing(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    form = volunteer.last()
    taps = [
        b["callback_data"]
        for b in volunteer.buttons(form)
        if b["text"] in ("VNeID mức 1", "Sổ tay đảng viên", "Ký số / SmartCA", "Khác")
    ]
    updates = await asyncio.gather(*(volunteer.press_data(t, form) for t in taps))
    services_chosen = db_rows(obot, "SELECT data FROM drafts")[0][0]
    assert all(code in services_chosen for code in ('"v1"', '"ph"', '"sg"', '"ot"'))
    api.expected_errors = 1  # type: ignore[attr-defined]  # (api fixture's) the redelivered press's answer
    assert api.deliver is not None
    await api.deliver(updates[0])  # "VNeID mức 1" again: must not be switched off
    assert '"v1"' in db_rows(obot, "SELECT data FROM drafts")[0][0]


async def test_forged_huge_ids_get_a_toast_not_an_error(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    token = volunteer.buttons(volunteer.last())[0]["callback_data"].split("|")[2]
    for op in ("U", "v", "w", "k"):
        await volunteer.press_data(f"1|a|{token}|{op}|{'9' * 20}")
        assert list(api.callback_answers.values())[-1]["text"].startswith("Phiếu này đã đóng")


async def test_a_phone_number_typed_outside_a_form_is_deleted_not_echoed(
    api: StandinBotApi, obot: RunningBot
) -> None:
    citizen = SimUser(api)
    await citizen.send("0912 345 678")
    assert "không lưu số điện thoại" in citizen.last()["text"]
    assert not any("345" in m.get("text", "") for m in citizen.messages)
    await citizen.send("001234567890")  # a 12-digit ID number
    assert not any("1234567890" in m.get("text", "") for m in citizen.messages)


async def test_the_form_labels_its_groups(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Mai")
    await volunteer.send("/assist")
    labels = [t for t in volunteer.button_texts() if t.startswith("⬇")]
    assert [t.split(" (")[0] for t in labels] == [
        "⬇ Đã hỗ trợ việc gì?",
        "⬇ Kết quả",
        "⬇ Nhóm tuổi",
        "⬇ Giới tính",
        "⬇ Hỏi người dân có đồng ý không, rồi lưu",
    ]
    form = volunteer.last()
    await volunteer.press("⬇ Nhóm tuổi")
    assert "Chọn nhóm tuổi" in list(api.callback_answers.values())[-1]["text"]
    assert volunteer.last() == form, "a group's label changes nothing"
    await volunteer.send("/batch")
    labels = [t for t in volunteer.button_texts() if t.startswith("⬇")]
    assert "⬇ Giới tính (không bắt buộc)" not in labels  # one sex for a group is made up
    assert any(t.startswith("⬇ Số người") for t in labels)


async def test_a_closed_question_is_forgotten_in_memory_too(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    """The unit picker asks for a typed name; closing it and saving close the question in the
    database, and the bot forgets it at once: the next command makes no database trip."""
    db = obot.services.reach.db
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    await volunteer.press("VNeID mức 1")
    await volunteer.press("31–59")
    await volunteer.press("📍")
    await volunteer.press("◀ Quay lại phiếu")
    await volunteer.press("Người dân đồng ý – Lưu")
    before = db.trips
    await volunteer.send("/start")
    assert db.trips == before


async def test_a_menu_sent_before_the_typed_protocol_still_opens_a_form(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    """Menus in chat histories carry «Ghi nhận» as `1|a|new|o|` (o was its letter then)."""
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.press_data("1|a|new|o|")
    assert "chưa chọn" in volunteer.last()["text"]
