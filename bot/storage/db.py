"""Open the SQLite database, bring its schema up to date, and serialise writes.

Migrations are numbered SQL scripts applied in order inside one transaction each; the
applied version lives in `PRAGMA user_version`, so an old file upgrades on the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.domain.campaigns import TOKEN_ALPHABET, TOKEN_LENGTH
from bot.domain.provinces import PROVINCES
from bot.storage.rollup import (
    DAYS_PREV,
    LINK_DAYS,
    REBUILD,
    REBUILD_ALL,
    REBUILD_YOUTH,
    YOUTH_TABLE,
)

T = TypeVar("T")
log = logging.getLogger(__name__)
# How long erased data may stay in the write-ahead log while a reader (a big export) holds
# the checkpoint off; the README says so.
PURGE_SECONDS = 600

# What storage raises when the database refuses (a full or read-only disk, a broken file):
# named here so that no caller needs to import sqlite3.
StorageError = sqlite3.DatabaseError


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# A fresh random token in SQL, of the same alphabet and length as campaigns.new_token
# (random() is evaluated anew for each character and each row).
_RANDOM_TOKEN = " || ".join(
    [f"substr('{TOKEN_ALPHABET}', (abs(random()) % {len(TOKEN_ALPHABET)}) + 1, 1)"]
    * TOKEN_LENGTH
)

_PROVINCE_ROWS = ",\n".join(
    f"({_sql_text(code)}, {_sql_text(name)}, {_sql_text(kind)}, '')"
    for code, name, kind in PROVINCES
)

MIGRATIONS: tuple[str, ...] = (
    # 1: interface language per person, keyed by a pseudonym, never the Telegram id itself.
    """
    CREATE TABLE user_prefs (
        user_key TEXT PRIMARY KEY,
        language TEXT NOT NULL CHECK (language IN ('vi', 'en')),
        updated_at TEXT NOT NULL
    ) STRICT;
    """,
    # 2: the outreach log. Times are UTC seconds since the epoch; days are computed in
    # Vietnam time when reading. No column holds a resident's name, phone, or ID number.
    f"""
    CREATE TABLE units (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        parent_id INTEGER REFERENCES units(id),
        path TEXT NOT NULL
    ) STRICT;
    CREATE INDEX units_parent ON units(parent_id);
    CREATE INDEX units_path ON units(path);
    INSERT INTO units (code, name, kind, path) VALUES
    {_PROVINCE_ROWS};
    UPDATE units SET path = '/' || id || '/';
    CREATE TABLE members (
        id INTEGER PRIMARY KEY,
        user_key TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator')),
        unit_id INTEGER NOT NULL REFERENCES units(id),
        active INTEGER NOT NULL DEFAULT 1,
        joined_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX members_unit ON members(unit_id);
    CREATE TABLE invites (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        unit_id INTEGER NOT NULL REFERENCES units(id),
        role TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator')),
        max_uses INTEGER NOT NULL,
        uses INTEGER NOT NULL DEFAULT 0,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE drafts (
        token TEXT PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        data TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE assists (
        id INTEGER PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        volunteer_id INTEGER REFERENCES members(id) ON DELETE SET NULL,
        unit_id INTEGER NOT NULL REFERENCES units(id),
        services INTEGER NOT NULL,
        people INTEGER NOT NULL DEFAULT 1 CHECK (people >= 1),
        consent INTEGER NOT NULL CHECK (consent IN (0, 1)),
        outcome TEXT,
        age_band TEXT,
        sex TEXT,
        person_key TEXT,
        key_id TEXT,
        occurred_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX assists_volunteer ON assists(volunteer_id, created_at);
    CREATE INDEX assists_unit_time ON assists(unit_id, occurred_at);
    CREATE TABLE self_serve (
        id INTEGER PRIMARY KEY,
        user_key TEXT NOT NULL,
        guide_id TEXT NOT NULL,
        service TEXT NOT NULL,
        unit_id INTEGER REFERENCES units(id),
        completed_at INTEGER NOT NULL,
        UNIQUE (user_key, guide_id)
    ) STRICT;
    CREATE TABLE pending_input (
        user_key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE erasures (
        id INTEGER PRIMARY KEY,
        erased_at INTEGER NOT NULL,
        what TEXT NOT NULL,
        rows INTEGER NOT NULL
    ) STRICT;
    """,
    # 3: running totals for reports (see bot/storage/rollup.py) and the export audit log.
    # `day` is the Vietnam calendar day of a record, as days since 1970-01-01.
    f"""
    ALTER TABLE assists ADD COLUMN day INTEGER NOT NULL DEFAULT 0;
    UPDATE assists SET day = (occurred_at + 25200) / 86400;
    CREATE INDEX assists_day ON assists(day);
    ALTER TABLE self_serve ADD COLUMN day INTEGER NOT NULL DEFAULT 0;
    UPDATE self_serve SET day = (completed_at + 25200) / 86400;
    CREATE TABLE rollup (
        level INTEGER NOT NULL,
        day INTEGER NOT NULL,
        dim TEXT NOT NULL,
        key TEXT NOT NULL,
        assists INTEGER NOT NULL,
        anon INTEGER NOT NULL,
        PRIMARY KEY (level, day, dim, key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE vol_rollup (
        level INTEGER NOT NULL,
        day INTEGER NOT NULL,
        dim TEXT NOT NULL,
        key TEXT NOT NULL,
        assists INTEGER NOT NULL,
        anon INTEGER NOT NULL,
        PRIMARY KEY (level, day, dim, key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        person_key TEXT NOT NULL UNIQUE
    ) STRICT;
    CREATE TABLE person_days (
        level INTEGER NOT NULL,
        day INTEGER NOT NULL,
        person INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (level, day, person)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE export_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        who TEXT NOT NULL,
        scope TEXT NOT NULL,
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL,
        format TEXT NOT NULL,
        records INTEGER NOT NULL
    ) STRICT;
    {REBUILD};
    """,
    # 4: the union's units of work: campaigns, activities (with member check-ins and
    # resident attendance), targets, and clusters of units. An assist may belong to the
    # activity its volunteer checked in to. Residents appear only as keyed hashes.
    f"""
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        unit_id INTEGER REFERENCES units(id),
        first_day INTEGER NOT NULL,
        last_day INTEGER NOT NULL CHECK (last_day >= first_day),
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE activities (
        id INTEGER PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        unit_id INTEGER NOT NULL REFERENCES units(id),
        kind TEXT NOT NULL CHECK (kind IN
            ('class', 'campaign_day', 'help_point', 'door_to_door', 'online')),
        title TEXT NOT NULL,
        first_day INTEGER NOT NULL,
        last_day INTEGER NOT NULL CHECK (last_day >= first_day),
        place TEXT NOT NULL DEFAULT '',
        services INTEGER NOT NULL DEFAULT 0,
        campaign_id INTEGER REFERENCES campaigns(id),
        closed_at INTEGER,
        headcount INTEGER NOT NULL DEFAULT 0 CHECK (headcount >= 0),
        headcount_youth INTEGER NOT NULL DEFAULT 0
            CHECK (headcount_youth BETWEEN 0 AND headcount),
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX activities_day ON activities(first_day);
    CREATE INDEX activities_unit ON activities(unit_id);
    CREATE TABLE checkins (
        activity_id INTEGER NOT NULL REFERENCES activities(id),
        member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        home_unit_id INTEGER NOT NULL REFERENCES units(id),
        day INTEGER NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (activity_id, member_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX checkins_member_day ON checkins(member_id, day);
    CREATE TABLE attendance (
        activity_id INTEGER NOT NULL REFERENCES activities(id),
        person_key TEXT NOT NULL,
        age_band TEXT,
        at INTEGER NOT NULL,
        PRIMARY KEY (activity_id, person_key)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX attendance_person ON attendance(person_key);
    CREATE TABLE targets (
        unit_id INTEGER NOT NULL REFERENCES units(id),
        campaign_id INTEGER NOT NULL DEFAULT 0,
        metric TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value > 0),
        PRIMARY KEY (unit_id, campaign_id, metric)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE unit_groups (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL
    ) STRICT;
    CREATE TABLE unit_group_members (
        group_id INTEGER NOT NULL REFERENCES unit_groups(id) ON DELETE CASCADE,
        unit_id INTEGER NOT NULL REFERENCES units(id),
        PRIMARY KEY (group_id, unit_id)
    ) STRICT, WITHOUT ROWID;
    ALTER TABLE assists ADD COLUMN activity_id INTEGER REFERENCES activities(id);
    CREATE INDEX assists_activity ON assists(activity_id) WHERE activity_id IS NOT NULL;
    {YOUTH_TABLE};
    {REBUILD_YOUTH};
    """,
    # 5: residents confirm an assist on their own phone, once, through a one-time link.
    # Nothing about the resident is kept: only that the assist was confirmed, and a rating.
    """
    CREATE TABLE confirmations (
        token TEXT PRIMARY KEY,
        assist_id INTEGER NOT NULL REFERENCES assists(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        rating INTEGER CHECK (rating BETWEEN 1 AND 5)
    ) STRICT;
    CREATE INDEX confirmations_assist ON confirmations(assist_id);
    CREATE INDEX confirmations_used ON confirmations(used_at) WHERE used_at IS NOT NULL;
    """,
    # 6: coordinators who asked for their report every Monday. The chat id is kept only for
    # them, because a message cannot be sent without it; /unsubscribe and /forget remove it.
    """
    CREATE TABLE subscriptions (
        user_key TEXT PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        language TEXT NOT NULL,
        created_at INTEGER NOT NULL
    ) STRICT;
    """,
    # 7: each phone code's previous day per level, so a period's unique people is a count over
    # a range of days instead of a DISTINCT over millions of codes (see rollup._count_person).
    f"""
    {DAYS_PREV};
    {LINK_DAYS};
    """,
    # 8: what editors learn from readers, with nobody in it: questions no guide answered
    # (folded, without digits) and per guide version and step, counts of people who reached
    # it ('reached'), pressed "stuck" ('stuck') or finished the guide ('finished', step 0).
    """
    CREATE TABLE search_gaps (
        day INTEGER NOT NULL,
        question TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (day, question)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE guide_funnel (
        guide_id TEXT NOT NULL,
        version TEXT NOT NULL,
        step INTEGER NOT NULL,
        day INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reached', 'stuck', 'finished')),
        n INTEGER NOT NULL,
        PRIMARY KEY (guide_id, version, step, day, kind)
    ) STRICT, WITHOUT ROWID;
    """,
    # 9: figures the union can sign (see bot/domain/review.py). Every entry has a
    # status: 'ok' counts, 'pending' waits for review outside the totals, 'rejected' is kept
    # but never counts. Typed headcounts are reviewed apart from marked attendance. Check-in
    # links get their own token, so the public attendance QR no longer gives them away.
    # Targets get a period: those set before take their campaign's dates, or this year.
    # A confirmation is once per assist (extra ones, from before, are dropped). The totals
    # are rebuilt: with the source of each record ('src'), and only what counts. Erased
    # volunteers keep their member number (the row is emptied, no longer deleted); a paused
    # person who erased themselves keeps one keyed tag.
    f"""
    ALTER TABLE assists ADD COLUMN status TEXT NOT NULL DEFAULT 'ok'
        CHECK (status IN ('ok', 'pending', 'rejected'));
    CREATE INDEX assists_pending ON assists(day) WHERE status = 'pending';
    ALTER TABLE assists ADD COLUMN batch INTEGER NOT NULL DEFAULT 0 CHECK (batch IN (0, 1));
    UPDATE assists SET batch = 1 WHERE people > 1 OR instr(token, '/') > 0;
    ALTER TABLE activities ADD COLUMN checkin_token TEXT;
    UPDATE activities SET checkin_token = {_RANDOM_TOKEN};
    CREATE UNIQUE INDEX activities_checkin ON activities(checkin_token);
    ALTER TABLE activities ADD COLUMN headcount_status TEXT NOT NULL DEFAULT 'ok'
        CHECK (headcount_status IN ('ok', 'pending', 'rejected'));
    ALTER TABLE activities ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';
    ALTER TABLE attendance ADD COLUMN status TEXT NOT NULL DEFAULT 'ok'
        CHECK (status IN ('ok', 'pending', 'rejected'));
    ALTER TABLE checkins ADD COLUMN status TEXT NOT NULL DEFAULT 'ok'
        CHECK (status IN ('ok', 'pending', 'rejected'));
    CREATE TABLE review_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        who TEXT NOT NULL,
        what TEXT NOT NULL,
        ref TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
        note TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE TABLE blocked (
        tag TEXT PRIMARY KEY,
        at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE targets_dated (
        unit_id INTEGER NOT NULL REFERENCES units(id),
        campaign_id INTEGER NOT NULL DEFAULT 0,
        metric TEXT NOT NULL,
        first_day INTEGER NOT NULL,
        last_day INTEGER NOT NULL CHECK (last_day >= first_day),
        value INTEGER NOT NULL CHECK (value > 0),
        PRIMARY KEY (unit_id, campaign_id, metric, first_day)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO targets_dated (unit_id, campaign_id, metric, first_day, last_day, value)
        SELECT t.unit_id, t.campaign_id, t.metric,
            coalesce(c.first_day, CAST(julianday(date('now', '+7 hours', 'start of year'))
                - 2440587.5 AS INTEGER)),
            coalesce(c.last_day, CAST(julianday(date('now', '+7 hours', 'start of year',
                '+1 year', '-1 day')) - 2440587.5 AS INTEGER)),
            t.value
        FROM targets t LEFT JOIN campaigns c ON c.id = t.campaign_id;
    DROP TABLE targets;
    ALTER TABLE targets_dated RENAME TO targets;
    CREATE INDEX self_serve_unit_day ON self_serve(unit_id, day);
    CREATE TABLE web_refused (
        day INTEGER PRIMARY KEY,
        n INTEGER NOT NULL
    ) STRICT;
    DELETE FROM confirmations WHERE used_at IS NOT NULL AND EXISTS (
        SELECT 1 FROM confirmations e WHERE e.assist_id = confirmations.assist_id
        AND e.used_at IS NOT NULL AND (e.used_at < confirmations.used_at
            OR (e.used_at = confirmations.used_at AND e.token < confirmations.token)));
    CREATE UNIQUE INDEX confirmations_once ON confirmations(assist_id)
        WHERE used_at IS NOT NULL;
    CREATE INDEX checkins_pending ON checkins(activity_id) WHERE status = 'pending';
    CREATE INDEX attendance_pending ON attendance(activity_id) WHERE status = 'pending';
    {REBUILD_ALL}
    """,
    # 10: a few named values about the database itself: the key's check value (an HMAC of a
    # constant under the key: tells the right key from a wrong one, gives nothing away),
    # and the time of the last health probe (a real write, for /healthz).
    """
    CREATE TABLE meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseTooNew(Exception):
    pass


class DatabaseUnusable(Exception):
    """The file at DB_PATH cannot be used as it is: one line naming it and the fix."""


SQLITE_MAGIC = b"SQLite format 3\x00"
_RESTORE = "restore the latest backup to that path (see `outreach-bot backup`)"


def check_file(path: Path, *, create: bool) -> bool:
    """Before SQLite opens `path`: True when there is no database yet and `create` allows
    one (made here, mode 0600, so that its -wal and -shm are 0600 too); DatabaseUnusable for
    a folder, a missing file (not `create`), an empty, unreadable, foreign or truncated one.
    SQLite itself would take an empty file, or a missing one, for a new, empty database."""
    try:
        folder, there = path.is_dir(), path.exists()
    except OSError as exc:
        raise DatabaseUnusable(
            f"cannot reach the database {path} ({exc.strerror or exc}): check the owner and "
            "mode of its folders"
        ) from None
    if folder:
        raise DatabaseUnusable(f"{path} is a folder, not a database: set DB_PATH to a file")
    if not there:
        if not create:
            raise DatabaseUnusable(
                f"no database at {path}: check DB_PATH, or {_RESTORE}; only `run` and the "
                "commands that add data create a new one"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # made meanwhile by another process: checked below
        except OSError as exc:
            raise DatabaseUnusable(
                f"cannot create the database {path} ({exc.strerror or exc}): check the folder, "
                "its owner and that the disk is writable"
            ) from None
        else:
            return True
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise DatabaseUnusable(
            f"cannot read the database {path} ({exc.strerror or exc}): check its owner and mode"
        ) from None
    if size == 0:
        raise DatabaseUnusable(
            f"{path} is empty (0 bytes), not a database: {_RESTORE}, or remove the file to "
            "start anew with no data"
        )
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise DatabaseUnusable(f"{path} is not an SQLite database (damaged or foreign): {_RESTORE}")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    counted = head[24:28] == head[92:96]  # the header's page count is current
    if counted and pages and size < pages * page_size:
        raise DatabaseUnusable(
            f"{path} is truncated ({size} of {pages * page_size} bytes): {_RESTORE}"
        )
    return False


def private_files(path: Path) -> None:
    """The database, its -wal and -shm, readable by their owner only (0600)."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = name.stat().st_mode & 0o777
            if mode & 0o077:
                os.chmod(name, 0o600)
        except OSError:
            continue  # not there (yet), or not ours: a warning would say nothing new


def unusable(path: Path, exc: BaseException) -> DatabaseUnusable:
    """What SQLite said, as one line naming the file and the fix."""
    text = str(exc)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseUnusable(
            f"the database {path} is read-only ({text}): the bot must be able to write it, "
            "its folder and its -wal and -shm files; check the disk, the mount and the owner"
        )
    if "unable to open" in lowered:
        return DatabaseUnusable(
            f"cannot open the database {path} ({text}): check its folder, owner and mode"
        )
    if "full" in lowered:
        return DatabaseUnusable(f"the disk holding {path} is full ({text}): free some space")
    return DatabaseUnusable(f"the database {path} is damaged ({text}): {_RESTORE}")


class Database:
    """The writing connection, for the handlers' small reads and writes, and a few readers.

    Every use of the writing connection is one *trip* to aiosqlite's worker thread: `run`
    hands the thread one function that runs all the statements of a unit of work. The
    thread runs one function at a time, so a transaction inside one function needs no lock,
    and a press never waits for another press's several round trips (measured: the trips,
    each queued behind every other, were most of a press's time). `trips` counts them, for
    the benchmark and the tests that hold a press to one.

    Reports read on their own connections, so a long report never holds up a volunteer.
    """

    def __init__(
        self, conn: aiosqlite.Connection, readers: list[aiosqlite.Connection] | None = None
    ) -> None:
        self.conn = conn
        # Tallies and reports read on connections of their own: a long read never waits
        # behind the writer, and in WAL mode it sees only committed records. Several
        # readers let a report's independent queries run at once (sqlite3 releases the GIL).
        self.readers = readers or [conn]
        self._next_reader = 0
        self.trips = 0
        self._data_version: int | None = None
        self._on_outside_change: list[Callable[[], None]] = []
        self._purge: asyncio.Task[None] | None = None

    def on_outside_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` after a trip finds that another connection (a command-line
        import, say) has committed since the previous trip: caches must be reloaded."""
        self._on_outside_change.append(listener)

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the writing connection's thread: one trip, nothing in between."""
        self.trips += 1
        # aiosqlite has no public way to run a function on its thread; `_execute` is what
        # its own public methods use (checked against 0.20-0.22, pinned in pyproject).
        version, result = await self.conn._execute(_versioned, self.conn._conn, work)
        if version != self._data_version:
            if self._data_version is not None:
                for listener in self._on_outside_change:
                    listener()
            self._data_version = version
        return result

    async def write(self, work: Callable[[sqlite3.Connection], T], *, durable: bool = True) -> T:
        """`work` inside `BEGIN IMMEDIATE` … `COMMIT`, in one trip; the caller confirms to a
        person only after this returns.

        A durable commit waits for the disk (fsync), so a power cut cannot undo what a person
        was told is saved. `durable=False` is for what may be lost to a power cut but never
        to a crash of the bot (a form's draft between two presses): its commit skips the wait.
        """
        return await self.run(partial(_in_transaction, work, durable))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        values = tuple(params)
        return await self.run(lambda conn: conn.execute(sql, values).fetchall())

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement on its own (SQLite makes it atomic without BEGIN/COMMIT); the
        number of rows it changed."""
        values = tuple(params)
        return await self.run(lambda conn: conn.execute(sql, values).rowcount)

    async def read(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """A read on a reporting connection (committed data only, never behind the writer)."""
        reader = self.readers[self._next_reader % len(self.readers)]
        self._next_reader += 1
        return list(await reader.execute_fetchall(sql, tuple(params)))

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database and truncate it to zero bytes, so that
        what a transaction erased is in no file any more; False when a reader still holds
        an older snapshot (a long export), which keeps the log's pages alive."""
        busy, _, _ = await self.run(
            lambda conn: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        )
        return not busy

    def purge_soon(self) -> None:
        """After an erasure: checkpoint now, and again until no reader holds it off (at most
        PURGE_SECONDS), without making the person who asked wait for it."""
        if self._purge is None or self._purge.done():
            self._purge = asyncio.get_running_loop().create_task(self._purge_until_done())

    async def _purge_until_done(self) -> None:
        deadline = time.monotonic() + PURGE_SECONDS
        delay = 0.05
        while True:
            try:
                if await self.checkpoint():
                    return
            except (StorageError, ValueError):  # closed meanwhile, or a failing disk
                log.warning("checkpoint after an erasure failed; the next one will do it")
                return
            if time.monotonic() > deadline:
                log.warning("a reader held the log for %d s after an erasure", PURGE_SECONDS)
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    async def close(self) -> None:
        if self._purge is not None and not self._purge.done():
            self._purge.cancel()  # one last try instead of waiting out a reader
            with contextlib.suppress(asyncio.CancelledError, StorageError, ValueError):
                await self._purge
            with contextlib.suppress(StorageError, ValueError):
                await self.checkpoint()
        for reader in self.readers:
            if reader is not self.conn:
                await reader.close()
        await self.conn.close()


def _versioned(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> tuple[int, T]:
    result = work(conn)
    # Changes only when *another* connection committed: cheap, and read in the same trip.
    (version,) = conn.execute("PRAGMA data_version").fetchone()
    return int(version), result


def _in_transaction(
    work: Callable[[sqlite3.Connection], T], durable: bool, conn: sqlite3.Connection
) -> T:
    # In WAL mode, NORMAL syncs only at checkpoints and FULL at every commit; a FULL commit
    # also makes every earlier NORMAL commit durable (the log is written in order).
    conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


async def connect(path: Path, *, create: bool = True, check: bool = False) -> aiosqlite.Connection:
    """The writing connection, the schema brought up to date. `create`: a missing file
    becomes a new database (the commands that only read pass False); `check`: run
    `quick_check` first (the bot's start). What cannot be used raises DatabaseUnusable."""
    made = check_file(path, create=create)
    try:
        conn = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise unusable(path, exc) from None
    try:
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA foreign_keys=ON")
        # Erased names and pseudonyms are overwritten with zeros, not left in free space.
        await conn.execute("PRAGMA secure_delete=ON")
        if check:
            await quick_check(conn, path)
        await migrate(conn)
    except BaseException as exc:
        await conn.close()
        if made:  # never leave an empty file behind: the next start would refuse it
            for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                name.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error) and about_the_file(exc):
            raise unusable(path, exc) from None
        raise
    private_files(path)
    return conn


_ABOUT_THE_FILE = (
    "readonly", "read-only", "unable to open", "full", "malformed", "not a database",
    "disk i/o", "corrupt", "locking protocol",
)  # fmt: skip


def about_the_file(exc: BaseException) -> bool:
    """SQLite refused the file or the disk (not, say, a migration's own mistake)."""
    return any(word in str(exc).lower() for word in _ABOUT_THE_FILE)


async def quick_check(conn: aiosqlite.Connection, path: Path) -> None:
    """SQLite's `quick_check` (every page and record, without matching the indexes to
    their tables): a damaged file stops the start with one line."""
    rows = await conn.execute_fetchall("PRAGMA quick_check(3)")
    found = [str(row[0]) for row in rows]
    if found != ["ok"]:
        said = " ".join("; ".join(found).split())[:200]  # one line
        raise DatabaseUnusable(f"the database {path} is damaged (quick_check: {said}): {_RESTORE}")


READERS = 3


async def open_database(path: Path, *, create: bool = True, check: bool = False) -> Database:
    """The writing connection and the readers (see `connect` for `create` and `check`)."""
    conn = await connect(path, create=create, check=check)
    readers: list[aiosqlite.Connection] = []
    try:
        for _ in range(READERS):
            reader = await aiosqlite.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            readers.append(reader)
            await reader.execute("PRAGMA busy_timeout=5000")
            # Counting distinct people sorts in a temporary b-tree: in memory it is ~40%
            # faster than on disk (a few MB for a year of a million phone codes).
            await reader.execute("PRAGMA temp_store=MEMORY")
    except BaseException as exc:
        for reader in readers:
            await reader.close()
        await conn.close()
        if isinstance(exc, sqlite3.Error) and about_the_file(exc):
            raise unusable(path, exc) from None
        raise
    return Database(conn, readers)


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection, target: int | None = None) -> int:
    """Apply migrations up to `target`, by default all (tests stop early to build every
    older version)."""
    # One trip to the connection's thread for all of them: a statement each was half the
    # time of opening a new database (every test opens one; so does a cold start).
    return await conn._execute(_migrate, conn._conn, target)


def _migrate(conn: sqlite3.Connection, target: int | None) -> int:
    target = SCHEMA_VERSION if target is None else target
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    if current > SCHEMA_VERSION:
        raise DatabaseTooNew(
            f"database schema {current} is newer than this program ({SCHEMA_VERSION}); upgrade it"
        )
    # Each migration commits with its version, atomically (WAL), without waiting for the
    # disk: if power fails before the log reaches it, the file is at an earlier version
    # and the next start applies the rest again. The bot's first durable write syncs them.
    (synchronous,) = conn.execute("PRAGMA synchronous").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        for number in range(current + 1, target + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[number - 1].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    finally:
        conn.execute(f"PRAGMA synchronous = {synchronous}")
    return max(current, target)
