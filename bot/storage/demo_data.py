"""`outreach-bot demo-data`: a realistic, reproducible synthetic year of outreach.

Synthetic communes and branches under the 34 real provinces, volunteers, assists (with
campaign days, weekends and the summer campaign busier, some batches, some phone codes that
repeat) and self-serve completions (made in demo_rows and demo_campaigns). Rows are written
in one transaction through the repositories' bulk methods and the running totals rebuilt
once at the end: the per-record path would take hours for millions.

Demo data goes only into a new database or one demo-data made, never beside real records.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.storage import db as database
from bot.storage import demo_rows as rows
from bot.storage import rollup
from bot.storage.demo_campaigns import campaign_work
from bot.storage.demo_rows import DEMO_ASSIST as _DEMO_ASSIST
from bot.storage.demo_rows import DEMO_CREATED as _DEMO_CREATED
from bot.storage.demo_rows import DEMO_MEMBER as _DEMO_MEMBER
from bot.storage.demo_rows import DEMO_SELF_SERVE as _DEMO_SELF_SERVE
from bot.storage.meta import set_value


class DemoRefused(Exception):
    """Demo data must never be mixed into a database with real records."""


# The meta row that marks a database demo-data made (its value: seed, assists, date).
DEMO_MARK = "demo_data"

_DEMO_ACTIVITY_IDS = f"SELECT id FROM activities WHERE {_DEMO_CREATED}"

# (what, table, condition): the records that make a database someone's real data.
_REAL_RECORDS = (
    ("assists", "assists", f"NOT ({_DEMO_ASSIST})"),
    ("members", "members", f"NOT ({_DEMO_MEMBER})"),
    ("self-serve completions", "self_serve", f"NOT ({_DEMO_SELF_SERVE})"),
    ("campaigns", "campaigns", f"NOT ({_DEMO_CREATED})"),
    ("activities", "activities", f"NOT ({_DEMO_CREATED})"),
    ("attendance marks", "attendance", f"activity_id NOT IN ({_DEMO_ACTIVITY_IDS})"),
    ("check-ins", "checkins", f"activity_id NOT IN ({_DEMO_ACTIVITY_IDS})"),
    ("targets", "targets", "1"),
    # Anonymous counts of real readers: demo counts would be added into them.
    ("guide reader counts", "guide_funnel", "1"),
    ("unanswered questions", "search_gaps", "1"),
)


def real_records(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """The records demo-data did not make, by kind (only kinds with some)."""
    found = []
    for what, table, condition in _REAL_RECORDS:
        (count,) = conn.execute(f"SELECT count(*) FROM {table} WHERE {condition}").fetchone()
        if count:
            found.append((what, int(count)))
    return found


def demo_mark(conn: sqlite3.Connection) -> str | None:
    """The mark of a database demo-data made, or None."""
    row = conn.execute("SELECT value FROM meta WHERE name = ?", (DEMO_MARK,)).fetchone()
    return str(row[0]) if row else None


def _check_target(conn: sqlite3.Connection, path: Path, replace: bool) -> bool:
    """Refuse unless the database is new or demo-data's own (and then only with `replace`).
    True when an earlier run's demo rows must go first."""
    mark = demo_mark(conn)
    if mark is None:
        real = real_records(conn)
        if real:
            listed = ", ".join(f"{count:,} {what}" for what, count in real)
            raise DemoRefused(
                f"{path} holds records demo-data did not make ({listed}): demo data goes "
                "only into a new database or one demo-data made; set DB_PATH to a new file"
            )
        return False
    if not replace:
        (assists,) = conn.execute(f"SELECT count(*) FROM assists WHERE {_DEMO_ASSIST}").fetchone()
        raise DemoRefused(
            f"{path} already holds demo data ({assists:,} assists, {mark}): add --replace "
            "to make it anew, or set DB_PATH to a new file"
        )
    return True


def _remove_demo(conn: sqlite3.Connection) -> None:
    """Delete what an earlier demo-data run wrote, and nothing else: records made since by
    real use stay. Units stay too (a real record may name one)."""
    conn.execute(
        f"DELETE FROM confirmations WHERE assist_id IN (SELECT id FROM assists WHERE "
        f"{_DEMO_ASSIST})"
    )
    conn.execute(f"DELETE FROM assists WHERE {_DEMO_ASSIST}")
    conn.execute(f"DELETE FROM self_serve WHERE {_DEMO_SELF_SERVE}")
    # An activity a real record points at stays, with its own marks.
    kept = "id NOT IN (SELECT activity_id FROM assists WHERE activity_id IS NOT NULL)"
    doomed = f"SELECT id FROM activities WHERE {_DEMO_CREATED} AND {kept}"
    conn.execute(f"DELETE FROM attendance WHERE activity_id IN ({doomed})")
    conn.execute(f"DELETE FROM checkins WHERE activity_id IN ({doomed})")
    conn.execute(f"DELETE FROM activities WHERE {_DEMO_CREATED} AND {kept}")
    conn.execute(
        f"DELETE FROM campaigns WHERE {_DEMO_CREATED} AND id NOT IN "
        "(SELECT campaign_id FROM activities WHERE campaign_id IS NOT NULL)"
    )
    members = f"SELECT id FROM members WHERE {_DEMO_MEMBER}"
    in_use = (
        "SELECT volunteer_id FROM assists WHERE volunteer_id IS NOT NULL "
        "UNION SELECT member_id FROM checkins"
    )
    conn.execute(f"DELETE FROM drafts WHERE member_id IN ({members})")
    conn.execute(f"DELETE FROM members WHERE {_DEMO_MEMBER} AND id NOT IN ({in_use})")


@dataclass(frozen=True)
class DemoSummary:
    units: int
    volunteers: int
    assists: int
    records: int
    self_serve: int
    seconds: float
    activities: int = 0


def generate(
    path: Path,
    assists: int,
    seed: int = 1,
    today: dt.date | None = None,
    guides: Sequence[tuple[str, str, int]] = (),
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> DemoSummary:
    """`guides`: (id, version, number of steps) of the guides readers are made up for.

    Writes only into a new database (no records; units may be there) or one demo-data made
    (marked in `meta`), and into that only with `replace`, which first removes the earlier
    demo rows and never real ones (DemoRefused otherwise). `progress(n)`: n more assists
    written; `stage(what)`: the uncounted work that follows (for the command line)."""
    started = time.perf_counter()
    asyncio.run(_migrate(path))
    tell = stage or (lambda what: None)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # bulk load of synthetic data: speed over safety
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        summary = _write(
            conn, path, assists, seed, today or dt.date.today(), list(guides), replace,
            progress, tell,
        )  # fmt: skip
        conn.execute("COMMIT")
        tell("running totals")
        conn.execute("BEGIN")
        rollup.rebuild(conn)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return dataclasses.replace(summary, seconds=time.perf_counter() - started)


def _write(
    conn: sqlite3.Connection,
    path: Path,
    assists: int,
    seed: int,
    today: dt.date,
    guides: list[tuple[str, str, int]],
    replace: bool,
    progress: Callable[[int], None] | None,
    tell: Callable[[str], None],
) -> DemoSummary:
    """Every demo row, inside the caller's transaction (the summary's `seconds` is 0)."""
    rng = random.Random(seed)
    earlier = _check_target(conn, path, replace)
    if earlier:
        _remove_demo(conn)
    units = rows.units(conn, rng)
    (offset,) = conn.execute("SELECT count(*) FROM assists").fetchone()
    volunteers = rows.volunteers(conn, rng, units, max(20, assists // 400), seed)
    rows.teams(conn, rng, units, volunteers, seed)
    prefix = f"demo-{seed}-{offset}-"
    records = rows.assists(conn, rng, volunteers, assists, today, prefix, progress)
    tell("self-serve completions, activities, readers")
    self_serve = rows.self_serve(conn, rng, units, max(10, assists // 5), today, seed)
    activities = campaign_work(conn, rng, units, volunteers, today, seed, assists)
    if not earlier:  # reader counts are sums, not rows: added once, never doubled
        rows.readers(conn, rng, guides, today)
    made = f"seed {seed}, made {dt.date.today().strftime('%d/%m/%Y')}"
    set_value(conn, DEMO_MARK, made)
    return DemoSummary(
        len(units), len(volunteers), assists, records, self_serve, 0.0, activities
    )


async def _migrate(path: Path) -> None:
    conn = await database.connect(path)
    await conn.close()
