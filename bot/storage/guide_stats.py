"""What editors learn from readers, anonymously (SQL only): questions no guide answered, and
per guide version and step how many people reached it, were stuck on it, or finished."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable

from bot.storage.db import Database

GAP_RULES_FLAG = "search_gaps_rules"  # in `meta`: the cleaning rules the rows were kept under

_ADD_GAP = (
    "INSERT INTO search_gaps (day, question, n) VALUES (?, ?, 1) "
    "ON CONFLICT DO UPDATE SET n = n + 1"
)
# Counts are sums: a row already there for the same guide, version, step, day and kind grows.
_ADD_FUNNEL = (
    "INSERT INTO guide_funnel (guide_id, version, step, day, kind, n) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n"
)

FunnelRow = tuple[str, str, int, str, int]  # guide id, version, step (0: the guide), kind, n


class GuideStatsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_gap(self, day: int, question: str) -> None:
        await self._db.execute(_ADD_GAP, (day, question))

    async def tidy_gaps(self, rules: str, clean: Callable[[str], str], before: int) -> int:
        """In one transaction: drop the questions asked before day `before`; then, once per
        version of the rules, pass every stored question through `clean` (a row `clean`
        empties goes, rows that become the same are merged). The version is kept in
        `meta`, so a later start only drops old rows. The rows cleaned."""

        def work(conn: sqlite3.Connection) -> int:
            conn.execute("DELETE FROM search_gaps WHERE day < ?", (before,))
            row = conn.execute(
                "SELECT value FROM meta WHERE name = ?", (GAP_RULES_FLAG,)
            ).fetchone()
            if row is not None and row[0] == rules:
                return 0
            merged: Counter[tuple[int, str]] = Counter()
            changed = 0
            for day, question, n in conn.execute("SELECT day, question, n FROM search_gaps"):
                text = clean(question)
                changed += text != question
                if text:
                    merged[(day, text)] += n
            if changed:
                conn.execute("DELETE FROM search_gaps")
                conn.executemany(
                    "INSERT INTO search_gaps (day, question, n) VALUES (?, ?, ?)",
                    [(day, text, n) for (day, text), n in merged.items()],
                )
            conn.execute(
                "INSERT INTO meta (name, value) VALUES (?, ?) "
                "ON CONFLICT DO UPDATE SET value = excluded.value",
                (GAP_RULES_FLAG, rules),
            )
            return changed

        changed = await self._db.write(work)
        if changed:
            self._db.purge_soon()  # the old texts leave the write-ahead log too
        return changed

    async def drop_gaps_before(self, day: int) -> int:
        """Forget the unanswered questions asked before `day`."""
        return await self._db.execute("DELETE FROM search_gaps WHERE day < ?", (day,))

    async def gaps(self, first: int, last: int, limit: int) -> list[tuple[str, int]]:
        rows = await self._db.fetchall(
            "SELECT question, sum(n) AS asked FROM search_gaps WHERE day BETWEEN ? AND ? "
            "GROUP BY question ORDER BY asked DESC, question LIMIT ?",
            (first, last, limit),
        )
        return [(str(q), int(n)) for q, n in rows]

    async def add_funnel(self, counts: Iterable[tuple[str, str, int, int, str, int]]) -> None:
        """Add (guide id, version, step, day, kind, n) counts, in one transaction."""
        rows = list(counts)
        if not rows:
            return

        await self._db.write(lambda conn: add_funnel(conn, rows), durable=False)

    async def funnel(self, guide_id: str | None, first: int, last: int) -> list[FunnelRow]:
        where = "AND guide_id = ?" if guide_id else ""
        params: tuple[object, ...] = (first, last, guide_id) if guide_id else (first, last)
        rows = await self._db.fetchall(
            "SELECT guide_id, version, step, kind, sum(n) FROM guide_funnel "
            f"WHERE day BETWEEN ? AND ? {where} GROUP BY guide_id, version, step, kind",
            params,
        )
        return [(str(g), str(v), int(s), str(k), int(n)) for g, v, s, k, n in rows]


def add_funnel(
    conn: sqlite3.Connection, rows: Iterable[tuple[str, str, int, int, str, int]]
) -> None:
    """Add (guide id, version, step, day, kind, n) counts to what is there."""
    conn.executemany(_ADD_FUNNEL, rows)


def add_gaps(conn: sqlite3.Connection, rows: Iterable[tuple[int, str]]) -> None:
    """One more asking of each (day, folded question)."""
    conn.executemany(_ADD_GAP, rows)
