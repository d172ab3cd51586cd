"""What waits for review, and the decisions on it (SQL only).

An entry is named by its subject and a short reference: an assist by its record id, a
headcount by its activity id, the pending attendance marks of an activity together by the
activity id, a check-in by `<activity id>.<member number>`. Approving moves an assist into
the running totals in the same transaction; activities' figures are counted from their tables
by status, so they need no totals. Every decision is logged; nothing is ever deleted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from bot.domain.review import Entry, Status, Subject
from bot.storage import rollup
from bot.storage.db import Database


@dataclass(frozen=True)
class PendingEntry:
    """One entry of the review queue, as `/review` lists it."""

    entry: Entry
    entered_at: int  # when it was entered (UTC seconds)
    day: int  # the day it is dated (Vietnam day number)
    unit_code: str
    unit_name: str
    people: int  # people, marks or the headcount it would add
    title: str  # the activity's title, for activity entries


_ASSISTS = """
SELECT 'assist', CAST(a.id AS TEXT), u.path, a.volunteer_id, '', a.created_at, a.day,
       u.code, u.name, a.people, ''
FROM assists a JOIN units u ON u.id = a.unit_id WHERE a.status = 'pending'"""
_HEADCOUNTS = """
SELECT 'headcount', CAST(a.id AS TEXT), u.path, NULL, a.closed_by, a.closed_at, a.first_day,
       u.code, u.name, a.headcount, a.title
FROM activities a JOIN units u ON u.id = a.unit_id WHERE a.headcount_status = 'pending'"""
_ATTENDANCE = """
SELECT 'attendance', CAST(a.id AS TEXT), u.path, NULL, '', max(t.at), a.first_day,
       u.code, u.name, count(*), a.title
FROM attendance t JOIN activities a ON a.id = t.activity_id JOIN units u ON u.id = a.unit_id
WHERE t.status = 'pending' GROUP BY a.id"""
_CHECKINS = """
SELECT 'checkin', k.activity_id || '.' || k.member_id, u.path, k.member_id, '', k.at, k.day,
       u.code, u.name, 1, a.title
FROM checkins k JOIN activities a ON a.id = k.activity_id JOIN units u ON u.id = a.unit_id
WHERE k.status = 'pending'"""
_QUEUE = (
    "WITH q(subject, ref, path, member, who, at, day, code, name, people, title) AS ("
    + " UNION ALL ".join((_ASSISTS, _HEADCOUNTS, _ATTENDANCE, _CHECKINS))
    + ") SELECT * FROM q"
)


def _within(path: str | None) -> tuple[str, tuple[object, ...]]:
    if path is None:
        return " WHERE 1", ()
    return " WHERE substr(path, 1, ?) = ?", (len(path), path)


def _pending_entry(row: Any) -> PendingEntry:
    entry = Entry(Subject(row[0]), str(row[1]), str(row[2]), row[3], str(row[4] or ""))
    return PendingEntry(
        entry, int(row[5] or 0), int(row[6]), str(row[7]), str(row[8]), int(row[9]), str(row[10])
    )


class ReviewRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def queue(self, path: str | None, limit: int, offset: int = 0) -> list[PendingEntry]:
        """What waits in a subtree (everything for None), newest entry first."""
        where, params = _within(path)
        rows = await self._db.fetchall(
            f"{_QUEUE}{where} ORDER BY at DESC, subject, ref LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_pending_entry(r) for r in rows]

    async def count(self, path: str | None) -> int:
        where, params = _within(path)
        [(n,)] = await self._db.fetchall(f"SELECT count(*) FROM ({_QUEUE}{where})", params)
        return int(n)

    async def entry(self, subject: Subject, ref: str) -> PendingEntry | None:
        """One waiting entry, if it still waits."""
        rows = await self._db.fetchall(
            f"{_QUEUE} WHERE subject = ? AND ref = ?", (subject.value, ref)
        )
        return _pending_entry(rows[0]) if rows else None

    async def decide(
        self, subject: Subject, ref: str, approve: bool, who: str, note: str, now: int
    ) -> bool:
        """Approve or reject one waiting entry and log it, in one transaction; False when it
        no longer waits (decided by someone else meanwhile, or undone)."""
        status = Status.OK if approve else Status.REJECTED

        def work(conn: sqlite3.Connection) -> bool:
            changed = _DECIDE[subject](conn, ref, status)
            if changed:
                conn.execute(
                    "INSERT INTO review_log (at, who, what, ref, decision, note) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (now, who, subject.value, ref, "approve" if approve else "reject", note),
                )
            return changed

        return await self._db.write(work)

    async def log(self, limit: int = 50) -> list[tuple[int, str, str, str, str, str]]:
        rows = await self._db.fetchall(
            "SELECT at, who, what, ref, decision, note FROM review_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5])) for r in rows]


def _assist(conn: sqlite3.Connection, ref: str, status: Status) -> bool:
    row = conn.execute(
        f"UPDATE assists SET status = ? WHERE id = ? AND status = 'pending' "
        f"RETURNING {rollup.ASSIST_COLUMNS}",
        (status.value, int(ref)),
    ).fetchone()
    if row is None:
        return False
    if status is Status.OK:  # it counts from now on
        rollup.apply_assist(conn, rollup.as_record(row), +1)
    return True


def _headcount(conn: sqlite3.Connection, ref: str, status: Status) -> bool:
    return (
        conn.execute(
            "UPDATE activities SET headcount_status = ? WHERE id = ? "
            "AND headcount_status = 'pending'",
            (status.value, int(ref)),
        ).rowcount
        == 1
    )


def _attendance(conn: sqlite3.Connection, ref: str, status: Status) -> bool:
    return (
        conn.execute(
            "UPDATE attendance SET status = ? WHERE activity_id = ? AND status = 'pending'",
            (status.value, int(ref)),
        ).rowcount
        > 0
    )


def _checkin(conn: sqlite3.Connection, ref: str, status: Status) -> bool:
    activity, _, member = ref.partition(".")
    return (
        conn.execute(
            "UPDATE checkins SET status = ? WHERE activity_id = ? AND member_id = ? "
            "AND status = 'pending'",
            (status.value, int(activity), int(member)),
        ).rowcount
        == 1
    )


_DECIDE = {
    Subject.ASSIST: _assist,
    Subject.HEADCOUNT: _headcount,
    Subject.ATTENDANCE: _attendance,
    Subject.CHECKIN: _checkin,
}
