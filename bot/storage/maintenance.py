"""Operations on the database file: an online backup, and a check for monitors."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from bot.storage import db as database
from bot.storage import meta


def backup(db_path: Path, target: Path) -> int:
    """Copy the live database with SQLite's online backup: consistent even while the bot
    writes (pages changed meanwhile are copied again), and the copy is checked afterwards.
    The copy is readable by its owner only (0600); the key is never copied (see docs/privacy.md)."""
    database.check_file(db_path, create=False)
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder: name the copy's file", str(target))
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Made 0600 before SQLite writes a byte (its journal takes the same mode).
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise database.unusable(db_path, exc) from None
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=1024, sleep=0.005)  # small steps: writers are not starved
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        [(result,)] = copy.execute("PRAGMA integrity_check").fetchall()
        if result != "ok":
            raise sqlite3.DatabaseError(f"the copy failed its integrity check: {result}")
        [(version,)] = copy.execute("PRAGMA user_version").fetchall()
        copy.close()
        source.close()
        partial.replace(target)  # a half-written backup never carries the final name
    except BaseException:
        copy.close()
        source.close()
        partial.unlink(missing_ok=True)  # nothing half-written is left behind, whatever failed
        raise
    return int(version)


def check(db_path: Path) -> tuple[bool, str]:
    """The file is a database, `quick_check` ok, schema not newer than the program, and it
    takes a write. Never creates or migrates it (this is the service's pre-start check: a
    missing or empty file must reach `run` as it is, to be refused there)."""
    ok, line, _ = inspect(db_path)
    return ok, line


def inspect(db_path: Path) -> tuple[bool, str, tuple[str | None, bool] | None]:
    """`check`, and the key's state (stored check value, pseudonyms stored) when readable."""
    try:
        database.check_file(db_path, create=False)
    except database.DatabaseUnusable as exc:
        return False, f"database: FAILED ({exc})", None
    try:
        # mode=rw: never creates the file (it exists: checked above).
        plain = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=rw", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return False, f"database: FAILED ({database.unusable(db_path, exc)})", None
    try:
        plain.execute("PRAGMA busy_timeout=5000")
        [(version,)] = plain.execute("PRAGMA user_version").fetchall()
        found = [str(row[0]) for row in plain.execute("PRAGMA quick_check(3)").fetchall()]
        if found != ["ok"]:
            text = " ".join("; ".join(found).split())[:200]  # one line
            return False, f"database: FAILED ({db_path} is damaged: quick_check: {text})", None
        state = meta.key_state(plain)
        meta.probe_write(plain, int(time.time()))  # the disk accepts writes
    except sqlite3.Error as exc:
        return False, f"database: FAILED ({database.unusable(db_path, exc)})", None
    finally:
        plain.close()
    if version > database.SCHEMA_VERSION:
        return (
            False,
            (
                f"database: FAILED (schema {version} is newer than this program's "
                f"{database.SCHEMA_VERSION}; upgrade the program)"
            ),
            state,
        )
    later = (
        ""
        if version == database.SCHEMA_VERSION
        else (f", upgraded to {database.SCHEMA_VERSION} at start")
    )
    return True, f"database: ok (schema {version}{later}, quick_check ok, writable)", state
