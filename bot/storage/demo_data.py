"""`outreach-bot demo-data`: a realistic, reproducible synthetic year of outreach.

Synthetic communes and branches under the 34 real provinces, volunteers, assists (with
campaign days, weekends and the summer campaign busier, some batches, some phone codes that
repeat) and self-serve completions. Rows are written in bulk with plain sqlite3 and the
running totals rebuilt once at the end: the per-record path would take hours for millions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import itertools
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.clock import VIETNAM
from bot.domain.catalog import AGE_BANDS, OUTCOMES, SERVICES, SEXES
from bot.storage import db as database
from bot.storage import rollup

CHUNK = 50_000
SERVICE_WEIGHTS = (30, 22, 14, 8, 12, 5, 7, 2)  # VNeID first, as in the field reports
OUTCOME_WEIGHTS = (80, 14, 6)
AGE_WEIGHTS = (8, 34, 38, 20)
SEX_WEIGHTS = (52, 44, 4)
TOPIC_SERVICES = ("v1", "v2", "vd", "ph", "ds", "sg", "sf")


class DemoRefused(Exception):
    """Demo data must never be mixed into a database with real records."""


# The meta row that marks a database demo-data made (its value: seed, assists, date).
DEMO_MARK = "demo_data"

# What demo-data writes, told apart from real records by marks no real record can carry: a
# real token is 10-12 characters without "-", a real member joined at a real time, a real
# guide id is a file's name, and `created_by` of a real campaign or activity is never 'demo'.
_DEMO_ASSIST = "token GLOB 'demo-*'"
_DEMO_MEMBER = "joined_at = 0 AND display_name GLOB 'TNV mẫu *'"
_DEMO_SELF_SERVE = "guide_id GLOB 'demo-guide-*'"
_DEMO_CREATED = "created_by = 'demo'"
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


def _day_weights(days: list[dt.date], rng: random.Random) -> list[float]:
    """Weekends double, the summer campaign (June-August) triples, a few big campaign days."""
    campaign = set(rng.sample(range(len(days)), k=max(1, len(days) // 30)))
    weights = []
    for index, day in enumerate(days):
        weight = 1.0
        if day.weekday() >= 5:
            weight *= 2
        if 6 <= day.month <= 8:
            weight *= 3
        if index in campaign:
            weight *= 8
        weights.append(weight)
    return weights


def generate(
    path: Path,
    assists: int,
    seed: int = 1,
    today: dt.date | None = None,
    guides: list[tuple[str, str, int]] = (),  # type: ignore[assignment]
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
    rng = random.Random(seed)
    today = today or dt.date.today()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # bulk load of synthetic data: speed over safety
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        earlier = _check_target(conn, path, replace)
        if earlier:
            _remove_demo(conn)
        units = _units(conn, rng)
        offset = conn.execute("SELECT count(*) FROM assists").fetchone()[0]
        volunteers = _volunteers(conn, rng, units, max(20, assists // 400), seed)
        _teams(conn, rng, units, volunteers, seed)
        records = _assists(
            conn, rng, volunteers, assists, today, f"demo-{seed}-{offset}-", progress
        )
        tell = stage or (lambda what: None)
        tell("self-serve completions, activities, readers")
        self_serve = _self_serve(conn, rng, units, max(10, assists // 5), today, seed)
        activities = _campaign_work(conn, rng, units, volunteers, today, seed, assists)
        if not earlier:  # reader counts are sums, not rows: added once, never doubled
            _readers(conn, rng, list(guides), today)
        conn.execute(
            "INSERT INTO meta (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (DEMO_MARK, f"seed {seed}, made {dt.date.today().strftime('%d/%m/%Y')}"),
        )
        conn.execute("COMMIT")
        tell("running totals")
        conn.execute("BEGIN")
        rollup.rebuild(conn)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return DemoSummary(
        len(units),
        len(volunteers),
        assists,
        records,
        self_serve,
        time.perf_counter() - started,
        activities,
    )


async def _migrate(path: Path) -> None:
    conn = await database.connect(path)
    await conn.close()


def _units(conn: sqlite3.Connection, rng: random.Random) -> list[tuple[int, str]]:
    """Demo communes (and a youth-union branch in some) under each real province."""
    provinces = conn.execute("SELECT id, code, path FROM units WHERE parent_id IS NULL").fetchall()
    leaves: list[tuple[int, str]] = []
    for province_id, code, path in provinces:
        for number in range(1, rng.randint(20, 60)):
            commune_code = f"DEMO{code}{number:03d}"
            kind = rng.choice(("commune", "commune", "ward"))
            name = f"{'Xã' if kind == 'commune' else 'Phường'} Mẫu {code}-{number:03d}"
            conn.execute(
                "INSERT OR IGNORE INTO units (code, name, kind, parent_id, path) "
                "VALUES (?, ?, ?, ?, '')",
                (commune_code, name, kind, province_id),
            )
            (commune_id,) = conn.execute(
                "SELECT id FROM units WHERE code = ?", (commune_code,)
            ).fetchone()
            conn.execute(
                "UPDATE units SET path = ? WHERE id = ?", (f"{path}{commune_id}/", commune_id)
            )
            leaves.append((commune_id, commune_code))
            if rng.random() < 0.2:
                branch_code = f"{commune_code}-CD"
                conn.execute(
                    "INSERT OR IGNORE INTO units (code, name, kind, parent_id, path) "
                    "VALUES (?, ?, 'branch', ?, '')",
                    (branch_code, f"Chi đoàn mẫu {code}-{number:03d}", commune_id),
                )
                (branch_id,) = conn.execute(
                    "SELECT id FROM units WHERE code = ?", (branch_code,)
                ).fetchone()
                conn.execute(
                    "UPDATE units SET path = ? WHERE id = ?",
                    (f"{path}{commune_id}/{branch_id}/", branch_id),
                )
                leaves.append((branch_id, branch_code))
    return leaves


def _volunteers(
    conn: sqlite3.Connection,
    rng: random.Random,
    units: list[tuple[int, str]],
    count: int,
    seed: int,
) -> list[int]:
    rows = []
    for number in range(count):
        unit_id, _ = rng.choice(units)
        key = hashlib.sha256(f"demo-volunteer:{seed}:{number}".encode()).hexdigest()[:32]
        rows.append((key, f"TNV mẫu {number + 1:05d}", unit_id))
    conn.executemany(
        "INSERT OR IGNORE INTO members (user_key, display_name, role, unit_id, active, joined_at) "
        "VALUES (?, ?, 'volunteer', ?, 1, 0)",
        rows,
    )
    keys = [row[0] for row in rows]
    found = []
    for start in range(0, len(keys), 500):  # only this run's demo volunteers get assists
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found += conn.execute(
            f"SELECT id FROM members WHERE user_key IN ({marks})", chunk
        ).fetchall()
    return sorted(r[0] for r in found)


def _assists(
    conn: sqlite3.Connection,
    rng: random.Random,
    volunteers: list[int],
    count: int,
    today: dt.date,
    token_prefix: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    units = dict(conn.execute("SELECT id, unit_id FROM members").fetchall())
    days = [today - dt.timedelta(days=n) for n in range(365)][::-1]
    cumulative = list(itertools.accumulate(_day_weights(days, rng)))
    picked: list[dt.date] = []
    phone_pool = max(1000, count // 10)
    records = 0
    batch: list[tuple] = []
    while records < count:
        volunteer = rng.choice(volunteers)
        if not picked:
            picked = rng.choices(days, cum_weights=cumulative, k=CHUNK)
        day = picked.pop()
        people = 1 if rng.random() > 0.02 else rng.randint(5, 50)
        occurred = int(
            dt.datetime.combine(
                day, dt.time(rng.randint(7, 20), rng.randint(0, 59)), VIETNAM
            ).timestamp()
        )
        mask = _services(rng)
        consent = rng.random() < 0.85
        person_key = None
        if consent and people == 1 and rng.random() < 0.15:
            person_key = hashlib.sha256(
                f"demo-phone:{token_prefix}:{rng.randrange(phone_pool)}".encode()
            ).hexdigest()
        batch.append(
            (
                f"{token_prefix}{records}",
                volunteer,
                units[volunteer],
                mask,
                people,
                int(consent),
                rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0] if consent else None,
                rng.choices(AGE_BANDS, AGE_WEIGHTS)[0] if consent else None,
                rng.choices(SEXES, SEX_WEIGHTS)[0] if consent and rng.random() < 0.9 else None,
                person_key,
                "demo" if person_key else None,
                occurred,
                occurred,
                rollup.day_of(occurred),
            )
        )
        records += 1
        if len(batch) >= CHUNK:
            _insert_assists(conn, batch)
            if progress is not None:
                progress(len(batch))
            batch = []
    _insert_assists(conn, batch)
    if progress is not None and batch:
        progress(len(batch))
    return records


def _services(rng: random.Random) -> int:
    mask = 1 << rng.choices(range(len(SERVICES)), SERVICE_WEIGHTS)[0]
    if rng.random() < 0.25:
        mask |= 1 << rng.choices(range(len(SERVICES)), SERVICE_WEIGHTS)[0]
    return mask


def _insert_assists(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    conn.executemany(
        "INSERT INTO assists (token, volunteer_id, unit_id, services, people, consent, outcome, "
        "age_band, sex, person_key, key_id, occurred_at, created_at, day) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _self_serve(
    conn: sqlite3.Connection,
    rng: random.Random,
    units: list[tuple[int, str]],
    count: int,
    today: dt.date,
    seed: int,
) -> int:
    def rows() -> Iterator[tuple]:
        for number in range(count):
            day = today - dt.timedelta(days=rng.randrange(365))
            stamp = int(dt.datetime.combine(day, dt.time(12), VIETNAM).timestamp())
            unit = rng.choice(units)[0] if rng.random() < 0.6 else None
            key = hashlib.sha256(f"demo-citizen:{seed}:{number}".encode()).hexdigest()[:32]
            yield (
                key,
                f"demo-guide-{rng.randrange(26)}",
                rng.choice(TOPIC_SERVICES),
                unit,
                stamp,
                rollup.day_of(stamp),
            )

    conn.executemany(
        "INSERT OR IGNORE INTO self_serve "
        "(user_key, guide_id, service, unit_id, completed_at, day) VALUES (?, ?, ?, ?, ?, ?)",
        rows(),
    )
    return count


# Questions people ask that the library does not answer yet (kept folded, as the bot keeps them).
DEMO_GAPS = (
    ("dang ky xe may online", 40),
    ("tra cuu diem thi vao lop muoi", 25),
    ("bao hiem that nghiep lam the nao", 22),
    ("lam lai so do bi mat", 15),
    ("doi bang lai quoc te", 12),
    ("nop thue dat online", 9),
    ("dang ky ket hon tren vneid", 7),
)


def _readers(
    conn: sqlite3.Connection,
    rng: random.Random,
    guides: list[tuple[str, str, int]],
    today: dt.date,
) -> None:
    """A month of anonymous reader counts per guide step, and of unanswered questions."""
    epoch = dt.date(1970, 1, 1)
    rows = []
    for guide_id, version, steps in guides:
        hard = rng.randrange(1, steps + 1)  # where this guide loses most readers
        for back in range(30):
            day = (today - dt.timedelta(days=back) - epoch).days
            readers = rng.randrange(5, 40)
            for step in range(1, steps + 1):
                rows.append((guide_id, version, step, day, "reached", readers))
                stuck = int(readers * rng.uniform(0.02, 0.12)) + (2 if step == hard else 0)
                if stuck:
                    rows.append((guide_id, version, step, day, "stuck", stuck))
                keep = rng.uniform(0.55, 0.7) if step == hard else rng.uniform(0.9, 1.0)
                readers = max(int(readers * keep), 0)
            rows.append((guide_id, version, 0, day, "finished", readers))
    conn.executemany(
        "INSERT INTO guide_funnel (guide_id, version, step, day, kind, n) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET n = n + excluded.n",
        rows,
    )
    gaps = [
        ((today - dt.timedelta(days=rng.randrange(30)) - epoch).days, question)
        for question, asked in DEMO_GAPS
        for _ in range(asked)
    ]
    conn.executemany(
        "INSERT INTO search_gaps (day, question, n) VALUES (?, ?, 1) "
        "ON CONFLICT DO UPDATE SET n = n + 1",
        gaps,
    )


KIND_WEIGHTS = (
    ("class", 30),
    ("campaign_day", 25),
    ("help_point", 25),
    ("door_to_door", 15),
    ("online", 5),
)
MAX_ACTIVITIES = 20_000


def _teams(
    conn: sqlite3.Connection,
    rng: random.Random,
    units: list[tuple[int, str]],
    volunteers: list[int],
    seed: int,
) -> None:
    """A đội hình (a unit of kind team) in about one commune in ten; a third of the
    volunteers belong to one."""
    teams = []
    for unit_id, code in units:
        if code.endswith("-CD") or rng.random() > 0.1:
            continue
        team_code = f"{code}-DH{seed}"
        (path,) = conn.execute("SELECT path FROM units WHERE id = ?", (unit_id,)).fetchone()
        conn.execute(
            "INSERT OR IGNORE INTO units (code, name, kind, parent_id, path) "
            "VALUES (?, ?, 'team', ?, '')",
            (team_code, f"Đội hình Bình dân học vụ số {code}", unit_id),
        )
        (team_id,) = conn.execute("SELECT id FROM units WHERE code = ?", (team_code,)).fetchone()
        conn.execute("UPDATE units SET path = ? WHERE id = ?", (f"{path}{team_id}/", team_id))
        teams.append(team_id)
    if not teams:
        return
    moved = [(rng.choice(teams), v) for v in volunteers if rng.random() < 0.33]
    conn.executemany("UPDATE members SET unit_id = ? WHERE id = ?", moved)


def _campaign_work(
    conn: sqlite3.Connection,
    rng: random.Random,
    units: list[tuple[int, str]],
    volunteers: list[int],
    today: dt.date,
    seed: int,
    assists: int,
) -> int:
    """Two campaigns, activities (most closed with a headcount), member check-ins, resident
    attendance, and some assists confirmed by residents."""
    epoch = dt.date(1970, 1, 1)
    summer = dt.date(today.year if today.month > 8 else today.year - 1, 6, 1)
    campaigns = [
        (f"HTN-{summer.year}-D{seed}", f"Hè tình nguyện {summer.year}", summer,
         summer.replace(month=8, day=31)),
        (f"BDHVS-2-D{seed}", "Bình dân học vụ số đợt 2", today - dt.timedelta(days=60), today),
    ]  # fmt: skip
    ids = []
    for code, name, first, last in campaigns:
        conn.execute(
            "INSERT OR IGNORE INTO campaigns (code, name, unit_id, first_day, last_day, "
            "created_by, created_at) VALUES (?, ?, NULL, ?, ?, 'demo', 0)",
            (code, name, (first - epoch).days, (last - epoch).days),
        )
        ids.append(
            (
                conn.execute("SELECT id FROM campaigns WHERE code = ?", (code,)).fetchone()[0],
                (first - epoch).days,
                (last - epoch).days,
            )
        )
    homes = dict(conn.execute("SELECT id, unit_id FROM members").fetchall())
    count = min(MAX_ACTIVITIES, max(10, assists // 200))
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    activities, checkins, attendance = [], [], []
    for number in range(count):
        day = (today - epoch).days - rng.randrange(365)
        kind = rng.choices(kinds, weights)[0]
        campaign = next((cid for cid, a, b in ids if a <= day <= b), None)
        closed = rng.random() < 0.8
        headcount = rng.randint(0, 40) if closed and kind in ("class", "campaign_day") else 0
        token = hashlib.sha256(f"demo-activity:{seed}:{number}".encode()).hexdigest()[:12]
        activities.append(
            (
                token,
                rng.choice(units)[0],
                kind,
                f"Hoạt động mẫu {number + 1}",
                day,
                day,
                campaign,
                0 if closed else None,
                headcount,
                headcount // 2,
            )
        )
    conn.executemany(
        "INSERT OR IGNORE INTO activities (token, unit_id, kind, title, first_day, last_day, "
        "campaign_id, closed_at, headcount, headcount_youth, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo', 0)",
        activities,
    )
    made = conn.execute(
        "SELECT id, kind, first_day FROM activities WHERE created_by = 'demo' "
        "ORDER BY id DESC LIMIT ?",
        (count,),
    ).fetchall()
    for activity_id, kind, day in made:
        for member in rng.sample(volunteers, k=min(len(volunteers), rng.randint(2, 12))):
            checkins.append((activity_id, member, homes[member], day, 0))
        if kind in ("class", "campaign_day"):
            for n in range(rng.randint(0, 25)):
                key = hashlib.sha256(f"demo-resident:{seed}:{activity_id}:{n}".encode())
                band = rng.choices(("", *AGE_BANDS), (20, *AGE_WEIGHTS))[0]
                attendance.append((activity_id, key.hexdigest()[:32], band or None, 0))
    conn.executemany(
        "INSERT OR IGNORE INTO checkins (activity_id, member_id, home_unit_id, day, at) "
        "VALUES (?, ?, ?, ?, ?)",
        checkins,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO attendance (activity_id, person_key, age_band, at) "
        "VALUES (?, ?, ?, ?)",
        attendance,
    )
    # About one assist in twenty was confirmed by the resident, most with a rating.
    conn.execute(
        "INSERT OR IGNORE INTO confirmations (token, assist_id, expires_at, used_at, rating) "
        "SELECT 'demo' || id, id, 0, created_at, "
        "CASE WHEN (id / 20) % 5 = 0 THEN NULL ELSE 3 + (id / 20) % 3 END "
        f"FROM assists WHERE {_DEMO_ASSIST} AND people = 1 AND id % 20 = 0"
    )
    return len(made)
