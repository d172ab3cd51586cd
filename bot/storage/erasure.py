"""/forget: erase what is kept about one Telegram user, and record that it happened."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

from bot.storage import rollup
from bot.storage.db import Database

ERASED_PREFIX = "erased-"  # a person code that stands for "one person", tied to no number
# An erased member's row keeps its number under this stand-in for the Telegram pseudonym.
ERASED_MEMBER = "erased:"


@dataclass(frozen=True)
class Erased:
    self_serve: int
    profile: int
    preferences: int
    attendance: int = 0  # classes and campaign days the person marked as attended

    @property
    def total(self) -> int:
        return self.self_serve + self.profile + self.preferences + self.attendance


class ErasureRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def forget(self, user_key: str, now: int, blocked_tag: str = "") -> Erased:
        """One transaction: all of it goes, or none of it.

        A volunteer's member row is emptied, not deleted: their name, Telegram pseudonym and
        role go, while the internal member number stays on their records, check-ins and
        participations, linked to no one. So past reports do not shrink, and "these came
        from one account" stays visible. A paused member leaves only `blocked_tag` (a keyed
        tag of their Telegram identity), so that a pause survives erasure and re-joining.
        The audit row says what kinds of data and how many rows were erased, never whose.
        """

        def work(conn: sqlite3.Connection) -> Erased:
            for unit_id, day, service in conn.execute(
                "SELECT unit_id, day, service FROM self_serve WHERE user_key = ?", (user_key,)
            ).fetchall():
                rollup.apply_self_serve(conn, unit_id, day, service, -1)
            member = conn.execute(
                "SELECT id, active FROM members WHERE user_key = ?", (user_key,)
            ).fetchone()
            if member is not None and not member[1] and blocked_tag:
                conn.execute(
                    "INSERT OR IGNORE INTO blocked (tag, at) VALUES (?, ?)", (blocked_tag, now)
                )
            if member is not None:
                conn.execute("DELETE FROM drafts WHERE member_id = ?", (member[0],))
            counts = [
                conn.execute("DELETE FROM self_serve WHERE user_key = ?", (user_key,)).rowcount,
                conn.execute(
                    f"UPDATE members SET user_key = '{ERASED_MEMBER}' || id, display_name = '', "
                    "active = 0 WHERE user_key = ?",
                    (user_key,),
                ).rowcount,
                conn.execute("DELETE FROM user_prefs WHERE user_key = ?", (user_key,)).rowcount,
                # Attendance marks stay counted, under a stand-in that leads to no one.
                conn.execute(
                    "UPDATE attendance SET person_key = ? WHERE person_key = ?",
                    (ERASED_PREFIX + secrets.token_hex(16), user_key),
                ).rowcount,
            ]
            conn.execute("DELETE FROM pending_input WHERE user_key = ?", (user_key,))
            conn.execute("DELETE FROM subscriptions WHERE user_key = ?", (user_key,))
            # Invites stay valid for the people they were given to, but no longer name their maker.
            conn.execute("UPDATE invites SET created_by = '' WHERE created_by = ?", (user_key,))
            conn.execute("UPDATE activities SET closed_by = '' WHERE closed_by = ?", (user_key,))
            erased = Erased(*counts)
            conn.execute(
                "INSERT INTO erasures (erased_at, what, rows) VALUES (?, ?, ?)",
                (
                    now,
                    f"self_serve={erased.self_serve};profile={erased.profile};"
                    f"preferences={erased.preferences};attendance={erased.attendance}",
                    erased.total,
                ),
            )
            return erased

        erased = await self._db.write(work)
        self._db.purge_soon()  # and out of the write-ahead log within seconds
        return erased

    async def forget_person(self, person_key: str, now: int) -> int:
        """A resident asked to drop their de-duplication code. Their assists stay, and still
        count as one person: the code is replaced by a random one that no phone number leads
        to (dropping it would make each record count as a person of its own)."""
        stand_in = ERASED_PREFIX + secrets.token_hex(16)

        def work(conn: sqlite3.Connection) -> int:
            rows = _rewrite_assists(
                conn,
                "person_key = ?",
                (person_key,),
                "person_key = ?, key_id = NULL",
                (stand_in,),
            )
            conn.execute("DELETE FROM people WHERE person_key = ?", (person_key,))
            conn.execute(
                "INSERT INTO erasures (erased_at, what, rows) VALUES (?, 'resident_phone_code', ?)",
                (now, rows),
            )
            return rows

        rows = await self._db.write(work)
        self._db.purge_soon()
        return rows


def _rewrite_assists(
    conn: sqlite3.Connection,
    where: str,
    params: tuple[object, ...],
    change: str,
    change_params: tuple[object, ...] = (),
) -> int:
    """Change some records, moving their share of the running totals along with them."""
    rows = [
        rollup.as_record(r)
        for r in conn.execute(
            f"SELECT {rollup.ASSIST_COLUMNS} FROM assists WHERE {where}", params
        ).fetchall()
    ]
    changed = len(rows)
    rows = [r for r in rows if r["status"] == "ok"]  # only counted records are in the totals
    for record in rows:
        rollup.apply_assist(conn, record, -1)
    conn.execute(f"UPDATE assists SET {change} WHERE {where}", change_params + params)
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT {rollup.ASSIST_COLUMNS} FROM assists WHERE id IN ({marks})", chunk
        ).fetchall():
            rollup.apply_assist(conn, rollup.as_record(row), +1)
    return changed
