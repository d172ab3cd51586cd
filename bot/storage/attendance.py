"""Check-ins (members at an activity) and attendance (residents who came) (SQL only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from bot.storage.bulk import insert_sql
from bot.storage.db import Database

CHECKIN_COLUMNS = ("activity_id", "member_id", "home_unit_id", "day", "at", "status")
ATTENDANCE_COLUMNS = ("activity_id", "person_key", "age_band", "at", "status")
BulkRow = tuple[object, ...]


class AttendanceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def check_in(
        self,
        activity_id: int,
        member_id: int,
        home_unit_id: int,
        day: int,
        now: int,
        status: str = "ok",
    ) -> bool:
        """Count a member once per activity; True the first time."""
        changed = await self._db.execute(
            insert_sql("checkins", CHECKIN_COLUMNS, "ON CONFLICT DO NOTHING"),
            (activity_id, member_id, home_unit_id, day, now, status),
        )
        return changed == 1

    async def attend(
        self,
        activity_id: int,
        person_key: str,
        age_band: str,
        now: int,
        status_for: Callable[[int], str] = lambda _: "ok",
    ) -> bool:
        """A resident marked attendance; once per activity (a second mark may add the age
        band). True the first time. `status_for` decides, from the marks already made, whether
        this one counts or waits for review, in the same transaction."""

        def work(conn: sqlite3.Connection) -> bool:
            (before,) = conn.execute(
                "SELECT count(*) FROM attendance WHERE activity_id = ?", (activity_id,)
            ).fetchone()
            cursor = conn.execute(
                insert_sql("attendance", ATTENDANCE_COLUMNS, "ON CONFLICT DO NOTHING"),
                (activity_id, person_key, age_band or None, now, status_for(int(before))),
            )
            if cursor.rowcount == 1:
                return True
            if age_band:
                conn.execute(
                    "UPDATE attendance SET age_band = ? WHERE activity_id = ? AND person_key = ?",
                    (age_band, activity_id, person_key),
                )
            return False

        return await self._db.write(work)


# ---- in bulk (demo data): the running totals are rebuilt once at the end (`rollup.rebuild`)


def add_checkins(conn: sqlite3.Connection, rows: Iterable[BulkRow]) -> None:
    """Values in the order of CHECKIN_COLUMNS; a member counts once per activity."""
    conn.executemany(insert_sql("checkins", CHECKIN_COLUMNS, "ON CONFLICT DO NOTHING"), rows)


def add_attendance(conn: sqlite3.Connection, rows: Iterable[BulkRow]) -> None:
    """Values in the order of ATTENDANCE_COLUMNS; a resident counts once per activity."""
    conn.executemany(insert_sql("attendance", ATTENDANCE_COLUMNS, "ON CONFLICT DO NOTHING"), rows)
