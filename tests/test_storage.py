from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.domain.privacy import load_or_create_key, pseudonym
from bot.storage import db
from bot.storage.prefs import PrefsRepository


async def test_migrations_from_empty_file_and_again(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "bot.db"
    conn = await db.connect(path)
    assert await db.schema_version(conn) == db.SCHEMA_VERSION
    await conn.close()
    conn = await db.connect(path)  # idempotent on an up-to-date file
    async with conn.execute("PRAGMA journal_mode") as cursor:
        row = await cursor.fetchone()
        assert row is not None and row[0] == "wal"
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
    assert await prefs.language(user_key) is None
    await prefs.set_language(user_key, "en")
    await prefs.set_language(user_key, "en")
    assert await prefs.language(user_key) == "en"
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
    import aiosqlite

    fresh = tmp_path / "fresh.db"
    await (await db.connect(fresh)).close()  # the reference: built from an empty file

    old = tmp_path / "old.db"
    raw = await aiosqlite.connect(old, isolation_level=None)
    assert await db.migrate(raw, target=start) == start
    if start >= 1:
        await raw.execute(
            "INSERT INTO user_prefs (user_key, language, updated_at) VALUES ('k', 'en', 'now')"
        )
    await raw.close()
    if start == 0:  # an empty file, not a database: refused (see tests/test_fail_safe.py)
        with pytest.raises(db.DatabaseUnusable, match="is empty"):
            await db.connect(old)
        return

    upgraded = await db.connect(old)
    assert await db.schema_version(upgraded) == db.SCHEMA_VERSION
    if start >= 1:
        async with upgraded.execute("SELECT language FROM user_prefs") as cursor:
            assert await cursor.fetchall() == [("en",)]
    await upgraded.close()
    assert _schema(old) == _schema(fresh)


async def test_a_failing_migration_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    conn = await db.connect(path)
    await conn.close()
    broken = (*db.MIGRATIONS, "CREATE TABLE units (x INTEGER)")  # already exists: fails
    monkeypatch.setattr(db, "MIGRATIONS", broken)
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(broken))
    with pytest.raises(sqlite3.OperationalError):
        await db.connect(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == len(broken) - 1
