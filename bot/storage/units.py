"""Units: the tree that scopes coordinators and attributes reach."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.domain.model import Unit
from bot.domain.units_csv import UnitRow, check_tree
from bot.storage import rollup
from bot.storage.db import Database

_COLUMNS = "id, code, name, kind, parent_id, path"


def _unit(row: Any) -> Unit:
    return Unit(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4], str(row[5]))


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    problems: list[str]


class UnitRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, unit_id: int) -> Unit | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM units WHERE id = ?", (unit_id,))
        return _unit(row) if row else None

    async def by_code(self, code: str) -> Unit | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM units WHERE code = ?", (code,))
        return _unit(row) if row else None

    async def children(self, unit_id: int | None) -> list[Unit]:
        where = "parent_id IS NULL" if unit_id is None else "parent_id = ?"
        params = () if unit_id is None else (unit_id,)
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM units WHERE {where} ORDER BY code", params
        )
        return [_unit(r) for r in rows]

    async def subtree(self, unit: Unit | None) -> list[Unit]:
        """The unit and everything below it (the whole tree for None), parents first."""
        if unit is None:
            rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM units")
        else:
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM units WHERE substr(path, 1, ?) = ?",
                (len(unit.path), unit.path),
            )
        units = [_unit(r) for r in rows]
        code = {u.id: u.code for u in units}
        # Sorted by the codes along the path: each unit right after its parent, siblings by code.
        return sorted(
            units, key=lambda u: [code.get(int(i), "") for i in u.path.strip("/").split("/")]
        )

    async def count(self) -> int:
        row = await self._db.fetchone("SELECT count(*) FROM units")
        return int(row[0])

    async def import_rows(
        self, rows: list[UnitRow], row_problems: list[str] | None = None
    ) -> ImportResult:
        """Add or update units by code, all or nothing; re-running the same file changes nothing.

        `row_problems` (from parsing) are reported together with the tree's, so a person
        fixes the file in one pass; any problem means nothing is applied.
        """

        def work(conn: sqlite3.Connection) -> ImportResult:
            existing = {
                str(c): (str(n), str(k), str(p))
                for c, n, k, p in conn.execute(
                    "SELECT u.code, u.name, u.kind, coalesce(p.code, '') FROM units u "
                    "LEFT JOIN units p ON p.id = u.parent_id"
                )
            }
            problems = (row_problems or []) + check_tree(
                rows, {code: value[2] for code, value in existing.items()}
            )
            if problems:
                problems.sort(key=_line_number)
                return ImportResult(0, 0, 0, problems)
            added = sum(row.code not in existing for row in rows)
            unchanged = sum(existing.get(r.code) == (r.name, r.kind, r.parent_code) for r in rows)
            conn.executemany(
                "INSERT INTO units (code, name, kind, path) VALUES (?, ?, ?, '') "
                "ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind",
                [(r.code, r.name, r.kind) for r in rows],
            )
            # Parents second: a row may name a parent that appears later in the file.
            conn.executemany(
                "UPDATE units SET parent_id = (SELECT id FROM units WHERE code = ?) WHERE code = ?",
                [(r.parent_code or None, r.code) for r in rows],
            )
            moved = any(r.code in existing and existing[r.code][2] != r.parent_code for r in rows)
            _rebuild_paths(conn)
            if moved:
                # A unit under a new parent takes its reach along: recompute the running
                # totals, which are kept per ancestor.
                rollup.rebuild(conn)
            return ImportResult(added, len(rows) - added - unchanged, unchanged, [])

        return await self._db.write(work)

    async def all(self) -> list[Unit]:
        return [_unit(r) for r in await self._db.fetchall(f"SELECT {_COLUMNS} FROM units")]


def add_units(
    conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str]]
) -> dict[str, int]:
    """Units in bulk as (code, name, kind, parent's code), each after its parent (demo
    data); a code already there keeps its unit. Every unit's id, by code."""
    conn.executemany(
        "INSERT INTO units (code, name, kind, parent_id, path) "
        "VALUES (?, ?, ?, (SELECT id FROM units WHERE code = ?), '') ON CONFLICT (code) DO NOTHING",
        rows,
    )
    _rebuild_paths(conn)
    return {str(code): int(unit_id) for code, unit_id in conn.execute("SELECT code, id FROM units")}


def _rebuild_paths(conn: sqlite3.Connection) -> None:
    rows = [
        (int(i), p, str(path))
        for i, p, path in conn.execute("SELECT id, parent_id, path FROM units")
    ]
    parent = {i: p for i, p, _ in rows}
    paths: dict[int, str] = {}

    def path_of(unit_id: int) -> str:
        chain = []
        current: int | None = unit_id
        while current is not None and current not in paths:
            chain.append(current)
            current = parent[current]
        prefix = paths[current] if current is not None else "/"
        for node in reversed(chain):
            prefix = paths[node] = f"{prefix}{node}/"
        return paths[unit_id]

    changed = [(path_of(i), i) for i, _, old in rows if path_of(i) != old]
    conn.executemany("UPDATE units SET path = ? WHERE id = ?", changed)


def _line_number(problem: str) -> int:
    head = problem.split(":", 1)[0].removeprefix("line ")
    return int(head) if head.isdigit() else 0
