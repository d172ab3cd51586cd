"""Running totals kept beside the records, so reports never scan millions of rows.

`rollup` holds, for every unit and each of its ancestors (level 0 is the whole tree), per
Vietnam calendar day, the number of assists (people helped, a batch of 20 counts 20) and how
many of them had no phone code (each of those counts as one person), broken down by one
dimension at a time: all, svc (service), out (outcome), age, sex, vol (volunteer id) and
self (self-serve completions by service). Volunteers live in `vol_rollup` (thousands of rows a
day would otherwise slow every other total), per day (vol) and per month (volm, on the month's
first day): a year's top volunteers then read a dozen rows per volunteer, not 365.
`person_days` keeps which phone codes (as small numbers from `people`) were seen per level and
day, each with the day the code was last seen before at that level (`prev`), so unique people
over any period is anonymous people + the period's rows whose `prev` falls before it.

Every record written or removed updates these in the same transaction (`apply_assist`), and
`REBUILD` recomputes them from the records (after a bulk load, and in the migration that
introduced them); a test checks that both ways give the same tables.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bot import clock
from bot.domain.campaigns import YOUTH_BANDS
from bot.domain.draft import SERVICES


def month_start(day: int) -> int:
    """The day number of the first day of `day`'s month."""
    return clock.day_number(clock.day_date(day).replace(day=1))


YOUTH_SQL = "(" + ", ".join(f"'{band}'" for band in YOUTH_BANDS) + ")"
_SERVICE_BITS = ", ".join(f"({1 << i}, '{code}')" for i, code in enumerate(SERVICES))


def _dimension(table: str, dim: str, key: str, join: str = "", where: str = "") -> str:
    """Sum one dimension per unit and day, then spread the sums to every ancestor."""
    return f"""
INSERT INTO {table} (level, day, dim, key, assists, anon)
    SELECT l.level, b.day, '{dim}', b.key, sum(b.people), sum(b.anon) FROM (
        SELECT a.unit_id, a.day, {key} AS key, sum(a.people) AS people,
               sum(CASE WHEN a.person_key IS NULL THEN a.people ELSE 0 END) AS anon
        FROM assists a {join} {where} GROUP BY 1, 2, 3
    ) b JOIN temp.lineage l ON l.unit_id = b.unit_id GROUP BY 1, 2, 4;"""


# Only approved records count (see bot/domain/review.py); the migrations that ran
# before records had a status rebuild without the filter, as the schema was then.
COUNTED = "status = 'ok'"


def _dimensions(where: str) -> str:
    # How a record was obtained ('src': one resident, or a batch) came with the status.
    source = (
        _dimension("rollup", "src", "CASE WHEN a.batch THEN 'batch' ELSE 'one' END", "", where)
        if where
        else ""
    )
    return source + "".join(
        (
            _dimension("rollup", "all", "''", "", where),
            _dimension(
                "rollup", "svc", "s.code", "JOIN temp.service_bits s ON a.services & s.bit", where
            ),
            _dimension("rollup", "out", "coalesce(a.outcome, '')", "", where),
            _dimension("rollup", "age", "coalesce(a.age_band, '')", "", where),
            _dimension("rollup", "sex", "coalesce(a.sex, '')", "", where),
            _dimension(
                "vol_rollup", "vol", "coalesce(CAST(a.volunteer_id AS TEXT), '')", "", where
            ),
        )
    )


def _rebuild_sql(where: str, and_where: str) -> str:
    """Statements separated by ";" (the migration runner splits on it): keep ";" out of
    comments. Each dimension is first summed per unit and day, then spread to the ancestors:
    far fewer rows to join than one per record."""
    return f"""
DELETE FROM rollup;
DELETE FROM vol_rollup;
DELETE FROM person_days;
CREATE TEMP TABLE IF NOT EXISTS lineage (unit_id INTEGER NOT NULL, level INTEGER NOT NULL);
DELETE FROM temp.lineage;
INSERT INTO temp.lineage
    WITH RECURSIVE up(unit_id, ancestor) AS (
        SELECT id, id FROM units
        UNION ALL
        SELECT up.unit_id, u.parent_id FROM up JOIN units u ON u.id = up.ancestor
        WHERE u.parent_id IS NOT NULL
    )
    SELECT unit_id, ancestor FROM up UNION ALL SELECT id, 0 FROM units;
CREATE INDEX IF NOT EXISTS temp.lineage_unit ON lineage (unit_id);
CREATE TEMP TABLE IF NOT EXISTS service_bits (bit INTEGER NOT NULL, code TEXT NOT NULL);
DELETE FROM temp.service_bits;
INSERT INTO temp.service_bits VALUES {_SERVICE_BITS};
{_dimensions(where)}INSERT INTO vol_rollup (level, day, dim, key, assists, anon)
    SELECT level,
           CAST(julianday(date(day * 86400, 'unixepoch', 'start of month')) - 2440587.5 AS INTEGER),
           'volm', key, sum(assists), sum(anon)
    FROM vol_rollup WHERE dim = 'vol' GROUP BY 1, 2, 4;
INSERT INTO rollup (level, day, dim, key, assists, anon)
    SELECT level, day, 'self', service, count(*), count(*) FROM (
        SELECT l.level AS level, s.day AS day, s.service AS service
        FROM self_serve s JOIN temp.lineage l ON l.unit_id = s.unit_id
        UNION ALL
        SELECT 0, s.day, s.service FROM self_serve s WHERE s.unit_id IS NULL
    ) GROUP BY level, day, service;
INSERT OR IGNORE INTO people (person_key)
    SELECT DISTINCT person_key FROM assists WHERE person_key IS NOT NULL;
INSERT INTO person_days (level, day, person, n)
    SELECT l.level, b.day, p.id, sum(b.n) FROM (
        SELECT unit_id, day, person_key, count(*) AS n FROM assists
        WHERE person_key IS NOT NULL {and_where} GROUP BY 1, 2, 3
    ) b JOIN people p ON p.person_key = b.person_key
    JOIN temp.lineage l ON l.unit_id = b.unit_id GROUP BY 1, 2, 3;
DROP TABLE temp.lineage;
DROP TABLE temp.service_bits
"""


REBUILD = _rebuild_sql("", "")  # migration 3, before records had a status
REBUILD_COUNTED = _rebuild_sql(f"WHERE a.{COUNTED}", f"AND {COUNTED}")


# Every unit with each of its ancestors and itself as `level`, and 0 (the whole tree).
_LINEAGE = """WITH RECURSIVE up(unit_id, ancestor) AS (
        SELECT id, id FROM units
        UNION ALL
        SELECT up.unit_id, u.parent_id FROM up JOIN units u ON u.id = up.ancestor
        WHERE u.parent_id IS NOT NULL
    ), lineage(unit_id, level) AS (
        SELECT unit_id, ancestor FROM up UNION ALL SELECT id, 0 FROM units
    )"""

# Which phone codes were seen in a youth age band (see campaigns.YOUTH_BANDS), per level and
# day, as `person_days` does for everyone: "thanh thiếu nhi được tiếp cận" counts each once.
# Kept apart from REBUILD, which an earlier migration runs before this table exists.
YOUTH_TABLE = """
CREATE TABLE youth_days (
    level INTEGER NOT NULL,
    day INTEGER NOT NULL,
    person INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (level, day, person)
) STRICT, WITHOUT ROWID"""


def _rebuild_youth(and_where: str) -> str:
    return f"""
DELETE FROM youth_days;
INSERT INTO youth_days (level, day, person, n)
    {_LINEAGE}
    SELECT l.level, b.day, p.id, sum(b.n) FROM (
        SELECT unit_id, day, person_key, count(*) AS n FROM assists
        WHERE person_key IS NOT NULL AND age_band IN {YOUTH_SQL} {and_where} GROUP BY 1, 2, 3
    ) b JOIN people p ON p.person_key = b.person_key
    JOIN lineage l ON l.unit_id = b.unit_id GROUP BY 1, 2, 3
"""


REBUILD_YOUTH = _rebuild_youth("")  # migration 4, before records had a status
REBUILD_YOUTH_COUNTED = _rebuild_youth(f"AND {COUNTED}")


# Confirmed assists (see `apply_confirmation`); apart from REBUILD for the same reason.
REBUILD_VERIFIED = f"""
INSERT INTO rollup (level, day, dim, key, assists, anon)
    {_LINEAGE}, confirmed AS (
        SELECT a.unit_id, a.day, count(*) AS n, count(c.rating) AS rated,
               coalesce(sum(c.rating), 0) AS total
        FROM confirmations c JOIN assists a ON a.id = c.assist_id
        WHERE c.used_at IS NOT NULL AND a.status = 'ok' GROUP BY 1, 2
    )
    SELECT l.level, b.day, 'ver', 'n', sum(b.n), sum(b.rated)
    FROM confirmed b JOIN lineage l ON l.unit_id = b.unit_id GROUP BY 1, 2;
INSERT INTO rollup (level, day, dim, key, assists, anon)
    {_LINEAGE}, confirmed AS (
        SELECT a.unit_id, a.day, sum(c.rating) AS total
        FROM confirmations c JOIN assists a ON a.id = c.assist_id
        WHERE c.used_at IS NOT NULL AND c.rating IS NOT NULL AND a.status = 'ok'
        GROUP BY 1, 2
    )
    SELECT l.level, b.day, 'ver', 'sum', sum(b.total), 0
    FROM confirmed b JOIN lineage l ON l.unit_id = b.unit_id GROUP BY 1, 2
"""


# Each phone code's previous day at each level (see `_count_person`), from the days themselves;
# apart from REBUILD, which earlier migrations run before the column exists.
def _link_days(table: str) -> str:
    return f"""
UPDATE {table} SET prev = w.prev FROM (
    SELECT level, day, person,
           lag(day, 1, -1) OVER (PARTITION BY level, person ORDER BY day) AS prev
    FROM {table}
) w WHERE w.prev <> -1 AND {table}.level = w.level AND {table}.day = w.day
    AND {table}.person = w.person"""


LINK_DAYS = f"{_link_days('person_days')};{_link_days('youth_days')}"
DAYS_PREV = """
ALTER TABLE person_days ADD COLUMN prev INTEGER NOT NULL DEFAULT -1;
ALTER TABLE youth_days ADD COLUMN prev INTEGER NOT NULL DEFAULT -1;
CREATE INDEX person_days_person ON person_days (level, person, day);
CREATE INDEX youth_days_person ON youth_days (level, person, day)"""


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute every total from the records; call inside a transaction."""
    for statement in REBUILD_ALL.split(";"):
        if statement.strip():
            conn.execute(statement)


def levels_of(conn: sqlite3.Connection, unit_id: int | None) -> list[int]:
    """The whole tree (0) and every unit from the top down to `unit_id`."""
    if unit_id is None:
        return [0]
    row = conn.execute("SELECT path FROM units WHERE id = ?", (unit_id,)).fetchone()
    return [0, *(int(part) for part in str(row[0]).strip("/").split("/"))]


def apply_assist(conn: sqlite3.Connection, record: dict[str, Any], sign: int) -> None:
    """Add (sign=1) or remove (sign=-1) one record's share of the totals."""
    people = int(record["people"]) * sign
    anon = people if record["person_key"] is None else 0
    keys = [("all", ""), ("out", record["outcome"] or ""), ("age", record["age_band"] or "")]
    keys += [("src", "batch" if record["batch"] else "one")]
    keys += [("sex", record["sex"] or "")]
    keys += [("svc", code) for i, code in enumerate(SERVICES) if record["services"] & (1 << i)]
    levels = levels_of(conn, record["unit_id"])
    day = record["day"]
    month = month_start(day)
    volunteer = _text(record["volunteer_id"])
    _add(conn, [(lv, day, dim, key, people, anon) for lv in levels for dim, key in keys])
    volunteer_rows = [(lv, day, "vol", volunteer, people, anon) for lv in levels]
    volunteer_rows += [(lv, month, "volm", volunteer, people, anon) for lv in levels]
    _add(conn, volunteer_rows, table="vol_rollup")
    if record["person_key"] is not None:
        conn.execute(
            "INSERT OR IGNORE INTO people (person_key) VALUES (?)", (record["person_key"],)
        )
        (person,) = conn.execute(
            "SELECT id FROM people WHERE person_key = ?", (record["person_key"],)
        ).fetchone()
        tables = ["person_days"]
        if record["age_band"] in YOUTH_BANDS:
            tables.append("youth_days")
        for table in tables:
            for level in levels:
                _count_person(conn, table, level, day, person, sign)


def _count_person(
    conn: sqlite3.Connection, table: str, level: int, day: int, person: int, sign: int
) -> None:
    """Add or remove one sighting of `person` at `level` on `day`, keeping `prev` (the day
    the person was last seen before, at this level, or -1) true for their next day too.

    With `prev`, the distinct people of days a..b are the rows of a..b whose `prev` is before
    a, each person's first day in the window: a plain count over a range, where
    count(DISTINCT person) had to sort millions of codes."""
    [(n, prev)] = conn.execute(
        f"INSERT INTO {table} (level, day, person, n, prev) VALUES (?1, ?2, ?3, ?4, "
        f"(SELECT coalesce(max(day), -1) FROM {table} WHERE level = ?1 AND person = ?3 "
        "AND day < ?2)) ON CONFLICT DO UPDATE SET n = n + excluded.n RETURNING n, prev",
        (level, day, person, sign),
    ).fetchall()
    if sign > 0 and n == 1:  # a new day for this person: it is the next day's previous one
        _relink_next(conn, table, level, person, day, day)
    elif sign < 0 and n == 0:  # the day is gone: the next day's previous is this one's
        conn.execute(
            f"DELETE FROM {table} WHERE level = ? AND day = ? AND person = ?",
            (level, day, person),
        )
        _relink_next(conn, table, level, person, day, prev)


def _relink_next(
    conn: sqlite3.Connection, table: str, level: int, person: int, after: int, prev: int
) -> None:
    conn.execute(
        f"UPDATE {table} SET prev = ?4 WHERE level = ?1 AND person = ?2 AND day = "
        f"(SELECT min(day) FROM {table} WHERE level = ?1 AND person = ?2 AND day > ?3)",
        (level, person, after, prev),
    )


def apply_confirmation(
    conn: sqlite3.Connection, unit_id: int, day: int, rating: int | None, sign: int
) -> None:
    """A resident confirmed an assist (sign=1), or a confirmed assist was undone (-1):
    dim 'ver' keeps, per level and day, key 'n' (confirmed assists; anon: how many rated) and
    key 'sum' (the sum of the ratings)."""
    levels = levels_of(conn, unit_id)
    rated = sign if rating is not None else 0
    rows = [(lv, day, "ver", "n", sign, rated) for lv in levels]
    if rating is not None:
        rows += [(lv, day, "ver", "sum", rating * sign, 0) for lv in levels]
    _add(conn, rows)


def apply_self_serve(
    conn: sqlite3.Connection,
    unit_id: int | None,
    day: int,
    service: str,
    sign: int,
    web: bool = False,
) -> None:
    """A completed guide: dim 'self' by service; those finished on the web site also count
    under 'selfweb' (their records carry a random key: see WEB_KEY_PREFIX)."""
    levels = levels_of(conn, unit_id)
    rows = [(lv, day, "self", service, sign, sign) for lv in levels]
    if web:
        rows += [(lv, day, "selfweb", service, sign, sign) for lv in levels]
    _add(conn, rows)


# A completion on the web site is kept under a random key of this prefix: it names nobody and
# links to nothing, and only tells the web's count from the bot's.
WEB_KEY_PREFIX = "web:"
REBUILD_WEB = f"""
INSERT INTO rollup (level, day, dim, key, assists, anon)
    {_LINEAGE}, done AS (
        SELECT unit_id, day, service, count(*) AS n FROM self_serve
        WHERE user_key LIKE '{WEB_KEY_PREFIX}%' GROUP BY 1, 2, 3
    )
    SELECT l.level, d.day, 'selfweb', d.service, sum(d.n), sum(d.n)
    FROM done d JOIN lineage l ON l.unit_id = d.unit_id GROUP BY 1, 2, 4
    UNION ALL
    SELECT 0, day, 'selfweb', service, sum(n), sum(n) FROM done WHERE unit_id IS NULL
    GROUP BY 2, 4
"""


# Every total from the records, as `rebuild` does (also the last statement of migration 9).
REBUILD_ALL = ";".join(
    (REBUILD_COUNTED, REBUILD_YOUTH_COUNTED, REBUILD_VERIFIED, LINK_DAYS, REBUILD_WEB)
)


def _add(
    conn: sqlite3.Connection,
    rows: list[tuple[int, int, str, str, int, int]],
    table: str = "rollup",
) -> None:
    conn.executemany(
        f"INSERT INTO {table} (level, day, dim, key, assists, anon) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET assists = assists + excluded.assists, "
        "anon = anon + excluded.anon",
        rows,
    )
    if rows and rows[0][4] < 0:
        # A total back at zero is removed, so incremental upkeep and REBUILD agree row for row.
        conn.executemany(
            f"DELETE FROM {table} WHERE level = ? AND day = ? AND dim = ? AND key = ? "
            "AND assists = 0 AND anon = 0",
            [row[:4] for row in rows],
        )


def _text(value: object) -> str:
    return "" if value is None else str(value)


ASSIST_COLUMNS = (
    "id, unit_id, day, services, people, outcome, age_band, sex, volunteer_id, person_key, "
    "status, batch"
)


_ASSIST_FIELDS = tuple(c.strip() for c in ASSIST_COLUMNS.split(","))


def as_record(row: Any) -> dict[str, Any]:
    return dict(zip(_ASSIST_FIELDS, row, strict=True))
