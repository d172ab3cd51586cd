"""Presses of «✅ Tôi đã làm xong» on the guides' web site: the completions, each unit's
daily cap, and the clicks dropped over a limit (`web_refused`, one count per day)."""

from __future__ import annotations

import sqlite3

from bot import clock
from bot.storage import rollup
from bot.storage.assists import ADD_SELF_SERVE
from bot.storage.db import Database

# The web's completions are those under a random key of this prefix (a range: the index
# self_serve_unit_day finds the unit's day, the key is then read from the row).
_WEB = f"user_key >= '{rollup.WEB_KEY_PREFIX}' AND user_key < '{rollup.WEB_KEY_PREFIX[:-1]};'"


class WebClickRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        user_key: str,
        guide_id: str,
        service: str,
        unit_id: int | None,
        now: int,
        unit_daily_cap: int,
    ) -> bool:
        """Count one web completion, in one trip; False, and one more refused click, when
        the unit already has `unit_daily_cap` of them today (a completion for no unit has
        no cap here: the listener's rate limits bound it)."""
        day = clock.day_of(now)

        def work(conn: sqlite3.Connection) -> bool:
            if unit_id is not None:
                # Counts at most the cap's rows, however many a flood tried to add.
                [(done,)] = conn.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM self_serve WHERE unit_id = ? "
                    f"AND day = ? AND {_WEB} LIMIT ?)",
                    (unit_id, day, unit_daily_cap),
                )
                if done >= unit_daily_cap:
                    _add_refused(conn, day, 1)
                    return False
            cursor = conn.execute(ADD_SELF_SERVE, (user_key, guide_id, service, unit_id, now, day))
            if cursor.rowcount == 1:
                rollup.apply_self_serve(conn, unit_id, day, service, +1, web=True)
            return True

        return await self._db.write(work)

    async def add_refused(self, by_day: dict[int, int]) -> None:
        """Clicks dropped by a rate limit, gathered in memory and written together."""
        if not by_day:
            return

        def work(conn: sqlite3.Connection) -> None:
            for day, n in by_day.items():
                _add_refused(conn, day, n)

        # A count of dropped clicks may be lost to a power cut: it need not wait for the disk.
        await self._db.write(work, durable=False)

    async def refused(self, first_day: int, last_day: int) -> int:
        """Clicks dropped over a limit between the two days (inclusive)."""
        row = await self._db.fetchone(
            "SELECT coalesce(sum(n), 0) FROM web_refused WHERE day BETWEEN ? AND ?",
            (first_day, last_day),
        )
        return int(row[0])


def _add_refused(conn: sqlite3.Connection, day: int, n: int) -> None:
    conn.execute(
        "INSERT INTO web_refused (day, n) VALUES (?, ?) "
        "ON CONFLICT (day) DO UPDATE SET n = n + excluded.n",
        (day, n),
    )
