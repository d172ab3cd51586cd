"""Roles and scope: who may invite, see and change what; forged buttons change nothing."""

from __future__ import annotations

import sqlite3

from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.conftest import RunningBot
from tests.outreach_helpers import invite_code, join
from tests.outreach_helpers import query_db as db

REFUSAL = "chỉ dành cho điều phối viên"


async def test_citizens_and_volunteers_cannot_invite_or_list(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    citizen = SimUser(api)
    volunteer = await join(api, admin, "00004", "Lan")
    for person in (citizen, volunteer):
        await person.send("/invite 00004")
        assert REFUSAL in person.last()["text"]
        await person.send("/members")
        assert REFUSAL in person.last()["text"]
    assert db(obot, "SELECT count(*) FROM invites") == [(1,)]  # only the admin's


async def test_coordinator_scope(api: StandinBotApi, obot: RunningBot, admin: SimUser) -> None:
    coordinator = await join(api, admin, "00004", "Điều phối Ba Đình", "coordinator")
    await coordinator.send("/invite 00008")  # a sibling ward: outside the subtree
    assert REFUSAL in coordinator.last()["text"]
    await coordinator.send("/invite 01")  # the parent: outside too
    assert REFUSAL in coordinator.last()["text"]
    inside = await join(api, coordinator, "CD-BD-1", "Tú")  # a branch below: allowed
    outside = await join(api, admin, "00008", "Hùng")

    await coordinator.send("/members")
    listing = coordinator.last()["text"]
    assert "Tú" in listing and "Hùng" not in listing

    # Pause the member inside the scope, then try a forged press on the one outside it.
    await coordinator.press("Tạm dừng: Tú")
    await inside.send("/assist")
    assert "tạm dừng" in inside.last()["text"]
    outside_id = db(obot, "SELECT id FROM members WHERE display_name = 'Hùng'")[0][0]
    await coordinator.press_data(f"1|u|{outside_id}|d|")
    assert db(obot, "SELECT active FROM members WHERE id = ?", (outside_id,)) == [(1,)]
    await outside.send("/assist")
    assert "chưa chọn" in outside.last()["text"]


async def test_forged_buttons_cannot_touch_anothers_records(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    lan = await join(api, admin, "00004", "Lan")
    minh = await join(api, admin, "00004", "Minh")
    await lan.send("/assist")
    token = lan.buttons(lan.last())[0]["callback_data"].split("|")[2]
    await lan.press("VNeID mức 1")
    await lan.press("60 trở lên")
    # Minh replays Lan's form token to save it, and to cancel it: both refused.
    await minh.press_data(f"1|a|{token}|y|")
    await minh.press_data(f"1|a|{token}|q|")
    assert db(obot, "SELECT count(*) FROM assists") == [(0,)]
    assert db(obot, "SELECT count(*) FROM drafts WHERE token = ?", (token,)) == [(1,)]
    await lan.press("Người dân đồng ý – Lưu")
    [(assist_id,)] = db(obot, "SELECT id FROM assists")
    await minh.press_data(f"1|z|{assist_id}|y|")  # a forged /undo of Lan's record
    assert db(obot, "SELECT count(*) FROM assists") == [(1,)]
    # Garbage of every shape gets a polite toast, never an error.
    for data in (
        "1|a|zz|y|",
        "1|a|x|y",
        "1|u|abc|d|",
        "1|z|9999|y|",
        "1|f|me|y|x",
        "1|a|" + "a" * 60,
    ):
        await minh.press_data(data)
    assert db(obot, "SELECT count(*) FROM assists") == [(1,)]


async def test_invites_expired_used_up_and_unknown(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    await admin.send("/invite 00004 coordinator")
    code = invite_code(admin.bot_messages()[-2])
    first, second = SimUser(api), SimUser(api)
    await first.send(f"/join {code}")
    await first.send("Người thứ nhất")
    await second.send(f"/start join_{code}")
    assert "đã dùng hết" in second.last()["text"]  # a coordinator invite is single-use

    await admin.send("/invite 00004")
    code = invite_code(admin.bot_messages()[-2])
    with sqlite3.connect(obot.services.settings.db_path) as conn:
        conn.execute("UPDATE invites SET expires_at = 0 WHERE code = ?", (code,))
    await second.send(f"/join {code}")
    assert "hết hạn" in second.last()["text"]
    await second.send("/join KHONGCOMA99")
    assert "Không tìm thấy mã mời" in second.last()["text"]
    await second.send("/start join_!!")
    assert "▶" not in second.last()["text"]  # an unreadable link falls back to the menu
    await second.send("/invite 00004")
    assert REFUSAL in second.last()["text"]


async def test_odd_and_huge_display_names(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    await admin.send("/invite 00004")
    code = invite_code(admin.bot_messages()[-2])
    person = SimUser(api)
    await person.send(f"/join {code}")
    await person.send("x" * 4096)
    assert "1 đến 40" in person.last()["text"]
    await person.send("  <b>Lan</b> &   Co  ")
    assert "🎉" in person.last()["text"]
    assert db(obot, "SELECT display_name FROM members") == [("<b>Lan</b> & Co",)]
    await admin.send("/members")
    assert "<b>Lan</b> & Co" in admin.last()["text"]  # shown literally, not as markup


async def test_unknown_unit_and_usage(api: StandinBotApi, obot: RunningBot, admin: SimUser) -> None:
    await admin.send("/invite 12345678")
    assert "Không tìm thấy đơn vị" in admin.last()["text"]
    await admin.send("/invite")
    assert "/invite MÃ-ĐƠN-VỊ" in admin.last()["text"]
    await admin.send("/invite 00004 boss")
    assert "/invite MÃ-ĐƠN-VỊ" in admin.last()["text"]


async def test_a_paused_member_cannot_rejoin_with_an_invite(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    await admin.send("/invite 00004")
    code = invite_code(admin.bot_messages()[-2])
    lan = SimUser(api)
    await lan.send(f"/join {code}")
    await lan.send("Lan")
    await admin.send("/members")
    await admin.press("Tạm dừng: Lan")
    await lan.send(f"/join {code}")
    assert "tạm dừng" in lan.last()["text"]
    await lan.send("/assist")
    assert "tạm dừng" in lan.last()["text"]


async def test_members_are_paged(api: StandinBotApi, obot: RunningBot, admin: SimUser) -> None:
    services = obot.services
    await services.reach.directory.fresh()
    unit = services.reach.directory.unit_by_code("00004")
    assert unit is not None
    await services.reach.db.write(
        lambda conn: conn.executemany(
            "INSERT INTO members (user_key, display_name, role, unit_id, joined_at) "
            "VALUES (?, ?, 'volunteer', ?, 0)",
            [(f"k{i}", f"TNV {i:02d}", unit.id) for i in range(45)],
        )
    )
    services.reach.directory.mark_stale()  # written behind the services' back
    await admin.send("/members")
    assert "(45 người, trang 1/3)" in admin.last()["text"]
    await admin.press("Trang sau ▶")
    await admin.press("Trang sau ▶")
    assert "trang 3/3" in admin.last()["text"] and "TNV 44" in admin.last()["text"]
    await admin.press("Tạm dừng: TNV 44")  # a member past the first page can be paused
    assert db(obot, "SELECT active FROM members WHERE display_name = 'TNV 44'") == [(0,)]
    assert "trang 3/3" in admin.last()["text"]
