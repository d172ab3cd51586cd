from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.domain.privacy import load_or_create_key, pseudonym
from bot.storage import db, migrations
from bot.storage.prefs import PrefsRepository


async def test_migrations_from_empty_file_and_again(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "bot.db"
    conn = await db.connect(path)
    assert await db.schema_version(conn) == db.SCHEMA_VERSION
    await conn.close()
    conn = await db.connect(path)  # idempotent on an up-to-date file
    assert await conn.fetchall("PRAGMA journal_mode") == [("wal",)]
    await conn.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}").close()
    with pytest.raises(db.DatabaseTooNew):
        await db.connect(path)


async def test_language_preference_is_stored_under_a_pseudonym(tmp_path: Path) -> None:
    key = load_or_create_key(None, tmp_path / "secret.key")
    conn = await db.connect(tmp_path / "bot.db")
    prefs = PrefsRepository(db.Database(conn))
    user_key = pseudonym(key, "tg-user", 987654321)
    assert await prefs.all_languages() == {}
    await prefs.set_language(user_key, "en")
    await prefs.set_language(user_key, "en")
    assert await prefs.all_languages() == {user_key: "en"}
    await conn.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("bot.db*"))
    assert user_key.encode() in raw  # the check below would pass vacuously otherwise
    assert b"987654321" not in raw


def _schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()


@pytest.mark.parametrize("start", range(db.SCHEMA_VERSION))
async def test_upgrade_from_every_earlier_version_keeps_data(tmp_path: Path, start: int) -> None:
    fresh = tmp_path / "fresh.db"
    await (await db.connect(fresh)).close()  # the reference: built from an empty file

    old = tmp_path / "old.db"
    raw = sqlite3.connect(old, isolation_level=None)
    assert migrations.apply(raw, target=start) == start
    if start >= 1:
        raw.execute(
            "INSERT INTO user_prefs (user_key, language, updated_at) VALUES ('k', 'en', 'now')"
        )
    raw.close()
    if start == 0:  # an empty file, not a database: refused (see tests/test_fail_safe.py)
        with pytest.raises(db.DatabaseUnusable, match="is empty"):
            await db.connect(old)
        return

    upgraded = await db.connect(old)
    assert await db.schema_version(upgraded) == db.SCHEMA_VERSION
    if start >= 1:
        assert await upgraded.fetchall("SELECT language FROM user_prefs") == [("en",)]
    await upgraded.close()
    assert _schema(old) == _schema(fresh)


async def test_a_failing_migration_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    conn = await db.connect(path)
    await conn.close()
    broken = (*migrations.MIGRATIONS, "CREATE TABLE units (x INTEGER)")  # exists: fails
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(broken))
    with pytest.raises(sqlite3.OperationalError):
        await db.connect(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == len(broken) - 1


# ---- the writer's thread: one trip at a time, on one thread of its own -----------------------

_ADD_PREF = "INSERT INTO user_prefs (user_key, language, updated_at) VALUES (?, 'vi', 'x')"


async def test_every_trip_runs_on_one_dedicated_thread_one_at_a_time(tmp_path: Path) -> None:
    database = await db.open_database(tmp_path / "bot.db")
    events: list[tuple[str, str, int]] = []

    def work(name: str) -> Callable[[sqlite3.Connection], str]:
        def run(conn: sqlite3.Connection) -> str:
            events.append(("enter", name, threading.get_ident()))
            time.sleep(0.05)  # long enough for the other trip to start, were it allowed to
            conn.execute(_ADD_PREF, (name,))
            events.append(("leave", name, threading.get_ident()))
            return name

        return run

    try:
        assert await asyncio.gather(database.write(work("a")), database.run(work("b"))) == [
            "a",
            "b",
        ]
        await database.run(work("c"))
        assert [(what, name) for what, name, _ in events] == [
            ("enter", "a"), ("leave", "a"), ("enter", "b"), ("leave", "b"),
            ("enter", "c"), ("leave", "c"),
        ]  # fmt: skip
        threads = {ident for _, _, ident in events}
        assert threads == {database.conn.thread.ident} != {threading.get_ident()}
        assert database.conn.thread.daemon  # an open database never keeps the process alive
        # A use of the connection from any other thread fails instead of racing.
        raw = await database.run(lambda conn: conn)
        with pytest.raises(sqlite3.ProgrammingError):
            raw.execute("SELECT 1")
    finally:
        await database.close()
    await database.close()  # closing again does nothing
    database.conn.thread.join(5)
    assert not database.conn.thread.is_alive()


async def test_a_report_never_waits_behind_the_writer(tmp_path: Path) -> None:
    database = await db.open_database(tmp_path / "bot.db")
    release = threading.Event()

    def slow(conn: sqlite3.Connection) -> None:
        conn.execute(_ADD_PREF, ("k",))
        assert release.wait(10)

    try:
        writing = asyncio.ensure_future(database.write(slow))
        await asyncio.sleep(0.05)
        # Committed data only: the writer's open transaction is not seen, nor waited for.
        assert await asyncio.wait_for(database.read("SELECT count(*) FROM user_prefs"), 5) == [
            (0,)
        ]
        release.set()
        await writing
        assert await database.read("SELECT count(*) FROM user_prefs") == [(1,)]
    finally:
        release.set()
        await database.close()


class _Refused(Exception):
    pass


async def test_a_failing_trip_rolls_back_and_raises_its_own_error(tmp_path: Path) -> None:
    database = await db.open_database(tmp_path / "bot.db")

    def failing(conn: sqlite3.Connection) -> None:
        conn.execute(_ADD_PREF, ("k",))
        raise _Refused("decided against it")

    def in_transaction(conn: sqlite3.Connection) -> bool:
        return conn.in_transaction

    try:
        with pytest.raises(_Refused):
            await database.write(failing)
        assert await database.fetchall("SELECT * FROM user_prefs") == []
        assert not await database.run(in_transaction)
        await database.execute("PRAGMA query_only = ON")  # as a read-only or full disk would
        with pytest.raises(sqlite3.OperationalError):
            await database.write(lambda conn: conn.execute("DELETE FROM user_prefs"))
        assert not await database.run(in_transaction)
    finally:
        await database.close()


async def test_a_cancelled_caller_leaves_no_transaction_open(tmp_path: Path) -> None:
    database = await db.open_database(tmp_path / "bot.db")
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def slow(conn: sqlite3.Connection) -> None:
        conn.execute(_ADD_PREF, ("slow",))
        started.set()
        assert release.wait(10)

    def queued(conn: sqlite3.Connection) -> None:
        ran.append("queued")
        conn.execute(_ADD_PREF, ("queued",))

    try:
        running = asyncio.ensure_future(database.write(slow))
        waiting = asyncio.ensure_future(database.write(queued))
        assert await asyncio.to_thread(started.wait, 10)
        running.cancel()
        waiting.cancel()
        release.set()
        for task in (running, waiting):
            with pytest.raises(asyncio.CancelledError):
                await task
        # The running trip ran to its end (and committed); the one still queued never ran.
        assert await database.fetchall("SELECT user_key FROM user_prefs") == [("slow",)]
        assert ran == []
        assert not await database.run(lambda conn: conn.in_transaction)
    finally:
        release.set()
        await database.close()


def test_an_open_database_does_not_keep_the_process_alive(tmp_path: Path) -> None:
    """aiosqlite 0.22's thread kept a process whose connection was left open from exiting;
    the connections' threads here must not (a crash path may skip `close`)."""
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from bot.storage.db import open_database\n"
        "async def main():\n"
        "    database = await open_database(Path(sys.argv[1]))\n"
        "    await database.write(lambda conn: conn.execute('DELETE FROM user_prefs'))\n"
        "    await database.read('SELECT 1')\n"
        "asyncio.run(main())\n"
        "print('done')\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "bot.db")],
        capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "done\n"
