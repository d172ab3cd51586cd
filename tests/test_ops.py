"""Operations: an online backup while records are being written; the health check."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.domain.draft import Draft
from bot.domain.model import Role
from bot.services.assist_form import assist_for
from bot.storage.assists import AssistRepository
from bot.storage.db import open_database
from bot.storage.maintenance import backup
from bot.storage.members import MemberRepository
from tests.cli import run_bot_command


async def test_backup_while_writing_is_consistent(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "live.db")
    members = MemberRepository(db)
    invite = await members.create_invite(1, Role.VOLUNTEER, 5, "admin", 0, 2**40)
    member = (await members.join(invite.code, "k", "Lan", 1)).member
    assert member is not None
    assists = AssistRepository(db)
    stop = asyncio.Event()

    async def write() -> int:
        count = 0
        while not stop.is_set():
            draft = Draft(unit_id=1, services=("v1",), age="60p")
            record = assist_for(draft, member.id, True, 1_800_000_000, 1_800_000_000)
            await assists.save_assist(f"w{count}", record)
            count += 1
            await asyncio.sleep(0)
        return count

    writer = asyncio.create_task(write())
    await asyncio.sleep(0.2)
    version = await asyncio.to_thread(backup, tmp_path / "live.db", tmp_path / "copy.db")
    stop.set()
    written = await writer
    await db.close()
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert version == copy.execute("PRAGMA user_version").fetchone()[0] > 0
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    saved = copy.execute("SELECT count(*) FROM assists").fetchone()[0]
    assert 0 < saved <= written
    # The running totals in the copy agree with its records: the copy is one moment in time.
    total = copy.execute("SELECT sum(assists) FROM rollup WHERE level = 0 AND dim = 'all'")
    assert total.fetchone()[0] == saved
    assert not (tmp_path / "copy.db.partial").exists()


def test_cli_backup_and_health(tmp_path: Path) -> None:
    env = {"DB_PATH": str(tmp_path / "data" / "o.db")}
    # `health` never makes a database (it is the service's pre-start check): a command that
    # adds data does.
    absent = run_bot_command("health", env=env)
    assert absent.returncode == 1 and "database: FAILED (no database at" in absent.stdout
    assert not (tmp_path / "data").exists()
    group = run_bot_command("groups", "add", "G", "--name", "G", "--units", "01", env=env)
    assert group.returncode == 0
    healthy = run_bot_command("health", env=env)
    assert healthy.returncode == 0 and "database: ok (schema" in healthy.stdout
    copied = run_bot_command("backup", str(tmp_path / "b" / "o.db"), env=env)
    assert copied.returncode == 0 and (tmp_path / "b" / "o.db").exists()
    missing = run_bot_command("backup", str(tmp_path / "x.db"), DB_PATH=str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no database" in missing.stderr
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "broken.yaml").write_text("id: [", encoding="utf-8")
    sick = run_bot_command("health", GUIDES_DIR=str(tmp_path / "guides"), env=env)
    assert sick.returncode == 1 and "guides: FAILED" in sick.stdout
