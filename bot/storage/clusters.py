"""Clusters (cụm) of units, for reports across units that share no parent (SQL only)."""

from __future__ import annotations

import sqlite3

from bot.domain.campaigns import Cluster
from bot.storage.db import Database


class ClusterRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_cluster(self, code: str, name: str, unit_ids: list[int]) -> Cluster:
        """Make or replace a group: its name and its units."""

        def work(conn: sqlite3.Connection) -> Cluster:
            [(group_id,)] = conn.execute(
                "INSERT INTO unit_groups (code, name) VALUES (?, ?) ON CONFLICT (code) "
                "DO UPDATE SET name = excluded.name RETURNING id",
                (code, name),
            ).fetchall()
            conn.execute("DELETE FROM unit_group_members WHERE group_id = ?", (group_id,))
            conn.executemany(
                "INSERT INTO unit_group_members (group_id, unit_id) VALUES (?, ?)",
                [(group_id, u) for u in unit_ids],
            )
            return Cluster(int(group_id), code, name, tuple(unit_ids))

        return await self._db.write(work)

    async def clusters(self) -> list[Cluster]:
        rows = await self._db.fetchall(
            "SELECT g.id, g.code, g.name, group_concat(m.unit_id) FROM unit_groups g "
            "LEFT JOIN unit_group_members m ON m.group_id = g.id GROUP BY g.id ORDER BY g.code"
        )
        return [
            Cluster(
                int(i),
                str(c),
                str(n),
                tuple(int(u) for u in str(ids).split(",")) if ids else (),
            )
            for i, c, n, ids in rows
        ]

    async def cluster(self, code: str) -> Cluster | None:
        return next((g for g in await self.clusters() if g.code == code), None)
