"""Shared set-up for outreach tests: a bot with an admin, a small unit tree, joined members."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.domain.units_csv import parse_units_csv
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.conftest import RunningBot, make_settings, start_bot

ADMIN_ID = 700_001

# A cluster-free slice of the real tree plus a youth-union branch under a ward.
SMALL_TREE = """code,name,kind,parent_code
00004,Phường Ba Đình,ward,01
00008,Phường Ngọc Hà,ward,01
CD-BD-1,Chi đoàn Ba Đình 1,branch,00004
31825,Phường Bạc Liêu,ward,96
"""


async def start_outreach_bot(api: StandinBotApi, tmp_path: Path, **settings: object) -> RunningBot:
    running = await start_bot(
        make_settings(tmp_path, api.base_url, admin_ids=[ADMIN_ID], **settings), api
    )
    rows, problems = parse_units_csv(SMALL_TREE)
    assert not problems
    result = await running.services.reach.import_units(rows, [])
    assert not result.problems
    return running


def invite_code(message: dict) -> str:
    for line in message["text"].splitlines():
        if line.startswith(("Mã:", "Code:")):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no invite code in {message['text']!r}")


async def join(
    api: StandinBotApi, inviter: SimUser, unit: str, name: str, role: str = ""
) -> SimUser:
    """`inviter` makes an invite for `unit`; a new person joins through its deep link."""
    await inviter.send(f"/invite {unit} {role}".strip())
    text_message = inviter.bot_messages()[-2]  # the invite text; the QR photo comes last
    code = invite_code(text_message)
    person = SimUser(api, first_name=name)
    await person.send(f"/start join_{code}")
    await person.send(name)
    assert "🎉" in person.last()["text"], person.last()["text"]
    return person


def query_db(obot: RunningBot, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the running bot's database file directly, as an auditor would."""
    with sqlite3.connect(obot.services.settings.db_path) as conn:
        return conn.execute(sql, params).fetchall()
