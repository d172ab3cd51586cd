"""Campaigns (đợt, chiến dịch): named date ranges, maybe of one subtree (SQL only)."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.domain.campaigns import Campaign
from bot.storage.db import Database

_CAMPAIGN = "id, code, name, unit_id, first_day, last_day"


def _campaign(row: Any) -> Campaign:
    return Campaign(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        None if row[3] is None else int(row[3]),
        int(row[4]),
        int(row[5]),
    )


class CampaignRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_campaign(
        self,
        code: str,
        name: str,
        unit_id: int | None,
        first_day: int,
        last_day: int,
        who: str,
        now: int,
    ) -> Campaign | None:
        """None when the code is taken."""

        def work(conn: sqlite3.Connection) -> Campaign | None:
            row = conn.execute(
                "INSERT INTO campaigns (code, name, unit_id, first_day, last_day, created_by, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING "
                f"RETURNING {_CAMPAIGN}",
                (code, name, unit_id, first_day, last_day, who, now),
            ).fetchone()
            return _campaign(row) if row else None

        return await self._db.write(work)

    async def campaign(self, code: str) -> Campaign | None:
        row = await self._db.fetchone(f"SELECT {_CAMPAIGN} FROM campaigns WHERE code = ?", (code,))
        return _campaign(row) if row else None

    async def campaign_by_id(self, campaign_id: int) -> Campaign | None:
        row = await self._db.fetchone(
            f"SELECT {_CAMPAIGN} FROM campaigns WHERE id = ?", (campaign_id,)
        )
        return _campaign(row) if row else None

    async def campaigns(self) -> list[Campaign]:
        rows = await self._db.fetchall(
            f"SELECT {_CAMPAIGN} FROM campaigns ORDER BY first_day DESC, code"
        )
        return [_campaign(r) for r in rows]
