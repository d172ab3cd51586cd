"""An INSERT statement from a table's column list, so that a repository writes the list once
and its single-row path and its bulk path (`executemany`, for imports and demo data) cannot
drift apart."""

from __future__ import annotations

from collections.abc import Sequence


def insert_sql(table: str, columns: Sequence[str], tail: str = "") -> str:
    """`INSERT INTO table (columns) VALUES (?, …)`, then `tail` (an ON CONFLICT clause, a
    RETURNING) after a space."""
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    return f"{sql} {tail}" if tail else sql
