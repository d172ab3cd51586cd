"""The schema, as numbered SQL scripts applied in order inside one transaction each.

The applied version lives in `PRAGMA user_version`, so an old file upgrades on the next
start. `apply` runs on a plain sqlite3 connection: the bot's writer thread runs it in one
trip, and tests and tools that build an older file use it directly.
"""

from __future__ import annotations

import sqlite3

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
    """The file was written by a newer program: an older one must not touch it."""


def apply(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Apply the migrations up to `target`, by default all (tests stop early to build every
    older version); the version the file is at now. `conn` must be in autocommit mode
    (`isolation_level=None`): each migration is its own explicit transaction."""
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
                # SQLite may have rolled back already (a full disk): ROLLBACK would then
                # fail and hide the error that matters.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    finally:
        conn.execute(f"PRAGMA synchronous = {synchronous}")
    return max(current, target)
