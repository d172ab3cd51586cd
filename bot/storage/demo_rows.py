"""The rows `outreach-bot demo-data` writes (see demo_data): synthetic communes and branches
under the real provinces, volunteers and their teams, a year of assists (campaign days,
weekends and the summer campaign busier, some batches, some phone codes that repeat),
self-serve completions, reader counts, campaigns with their activities, check-ins,
attendance and confirmations.

Every table is written through the bulk method of the repository that owns it, so its
column list is written once. The same seed gives the same rows: the random draws are made
in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
import sqlite3
from collections.abc import Callable, Iterator

from bot import clock
from bot.domain.draft import AGE_BANDS, OUTCOMES, SERVICES, SEXES
from bot.storage.assists import add_assists, add_self_serve
from bot.storage.guide_stats import add_funnel, add_gaps
from bot.storage.members import add_members
from bot.storage.units import add_units

CHUNK = 50_000
SERVICE_WEIGHTS = (30, 22, 14, 8, 12, 5, 7, 2)  # VNeID first, as in the field reports
OUTCOME_WEIGHTS = (80, 14, 6)
AGE_WEIGHTS = (8, 34, 38, 20)
SEX_WEIGHTS = (52, 44, 4)
TOPIC_SERVICES = ("v1", "v2", "vd", "ph", "ds", "sg", "sf")

# What demo-data writes, told apart from real records by marks no real record can carry: a
# real token is 10-12 characters without "-", a real member joined at a real time, a real
# guide id is a file's name, and `created_by` of a real campaign or activity is never 'demo'.
DEMO_ASSIST = "token GLOB 'demo-*'"
DEMO_MEMBER = "joined_at = 0 AND display_name GLOB 'TNV mẫu *'"
DEMO_SELF_SERVE = "guide_id GLOB 'demo-guide-*'"
DEMO_CREATED = "created_by = 'demo'"


def units(conn: sqlite3.Connection, rng: random.Random) -> list[tuple[int, str]]:
    """Demo communes (and a youth-union branch in some) under each real province."""
    provinces = conn.execute("SELECT code FROM units WHERE parent_id IS NULL").fetchall()
    rows: list[tuple[str, str, str, str]] = []
    for (code,) in provinces:
        for number in range(1, rng.randint(20, 60)):
            commune_code = f"DEMO{code}{number:03d}"
            kind = rng.choice(("commune", "commune", "ward"))
            name = f"{'Xã' if kind == 'commune' else 'Phường'} Mẫu {code}-{number:03d}"
            rows.append((commune_code, name, kind, code))
            if rng.random() < 0.2:
                name = f"Chi đoàn mẫu {code}-{number:03d}"
                rows.append((f"{commune_code}-CD", name, "branch", commune_code))
    ids = add_units(conn, rows)
    return [(ids[row[0]], row[0]) for row in rows]


def volunteers(
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
        rows.append((key, f"TNV mẫu {number + 1:05d}", "volunteer", unit_id, 1, 0))
    add_members(conn, rows)
    keys = [row[0] for row in rows]
    found = []
    for start in range(0, len(keys), 500):  # only this run's demo volunteers get assists
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found += conn.execute(
            f"SELECT id FROM members WHERE user_key IN ({marks})", chunk
        ).fetchall()
    return sorted(r[0] for r in found)


def teams(
    conn: sqlite3.Connection,
    rng: random.Random,
    units: list[tuple[int, str]],
    volunteers: list[int],
    seed: int,
) -> None:
    """A đội hình (a unit of kind team) in about one commune in ten; a third of the
    volunteers belong to one."""
    rows = [
        (f"{code}-DH{seed}", f"Đội hình Bình dân học vụ số {code}", "team", code)
        for _, code in units
        if not code.endswith("-CD") and rng.random() <= 0.1
    ]
    if not rows:
        return
    ids = add_units(conn, rows)
    made = [ids[row[0]] for row in rows]
    moved = [(rng.choice(made), v) for v in volunteers if rng.random() < 0.33]
    conn.executemany("UPDATE members SET unit_id = ? WHERE id = ?", moved)


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


def assists(
    conn: sqlite3.Connection,
    rng: random.Random,
    volunteers: list[int],
    count: int,
    today: dt.date,
    token_prefix: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """`count` assists by `volunteers`, written CHUNK at a time; `progress(n)` after each."""
    homes = dict(conn.execute("SELECT id, unit_id FROM members").fetchall())
    days = [today - dt.timedelta(days=n) for n in range(365)][::-1]
    cumulative = list(itertools.accumulate(_day_weights(days, rng)))
    picked: list[dt.date] = []
    phone_pool = max(1000, count // 10)
    batch: list[tuple[object, ...]] = []
    for number in range(count):
        volunteer = rng.choice(volunteers)
        if not picked:
            picked = rng.choices(days, cum_weights=cumulative, k=CHUNK)
        day = picked.pop()
        unit = homes[volunteer]
        batch.append(_assist(rng, token_prefix, number, volunteer, unit, day, phone_pool))
        if len(batch) >= CHUNK or number == count - 1:
            add_assists(conn, batch)
            if progress is not None:
                progress(len(batch))
            batch = []
    return count


def _assist(
    rng: random.Random,
    prefix: str,
    number: int,
    volunteer: int,
    unit: int,
    day: dt.date,
    phone_pool: int,
) -> tuple[object, ...]:
    """One assist's values, in the order of assists.ASSIST_COLUMNS. About one in eight has
    a phone code, drawn from `phone_pool` codes: some people come back."""
    people = 1 if rng.random() > 0.02 else rng.randint(5, 50)
    hour, minute = rng.randint(7, 20), rng.randint(0, 59)
    occurred = clock.day_start(day) + hour * 3600 + minute * 60
    mask = _services(rng)
    consent = rng.random() < 0.85
    person_key = None
    if consent and people == 1 and rng.random() < 0.15:
        phone = f"demo-phone:{prefix}:{rng.randrange(phone_pool)}"
        person_key = hashlib.sha256(phone.encode()).hexdigest()
    outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0] if consent else None
    age_band = rng.choices(AGE_BANDS, AGE_WEIGHTS)[0] if consent else None
    sex = rng.choices(SEXES, SEX_WEIGHTS)[0] if consent and rng.random() < 0.9 else None
    return (
        f"{prefix}{number}", volunteer, unit, mask, people, int(consent), outcome, age_band,
        sex, person_key, "demo" if person_key else None, occurred, occurred,
        clock.day_of(occurred), None, "ok", 0,
    )  # fmt: skip


def _services(rng: random.Random) -> int:
    mask = 1 << rng.choices(range(len(SERVICES)), SERVICE_WEIGHTS)[0]
    if rng.random() < 0.25:
        mask |= 1 << rng.choices(range(len(SERVICES)), SERVICE_WEIGHTS)[0]
    return mask


def self_serve(
    conn: sqlite3.Connection,
    rng: random.Random,
    units: list[tuple[int, str]],
    count: int,
    today: dt.date,
    seed: int,
) -> int:
    def rows() -> Iterator[tuple[object, ...]]:
        for number in range(count):
            day = today - dt.timedelta(days=rng.randrange(365))
            stamp = clock.day_start(day) + 12 * 3600
            unit = rng.choice(units)[0] if rng.random() < 0.6 else None
            key = hashlib.sha256(f"demo-citizen:{seed}:{number}".encode()).hexdigest()[:32]
            guide = f"demo-guide-{rng.randrange(26)}"
            yield (key, guide, rng.choice(TOPIC_SERVICES), unit, stamp, clock.day_of(stamp))

    add_self_serve(conn, rows())
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


def readers(
    conn: sqlite3.Connection,
    rng: random.Random,
    guides: list[tuple[str, str, int]],
    today: dt.date,
) -> None:
    """A month of anonymous reader counts per guide step, and of unanswered questions."""
    rows = []
    for guide_id, version, steps in guides:
        hard = rng.randrange(1, steps + 1)  # where this guide loses most readers
        for back in range(30):
            day = clock.day_number(today) - back
            readers = rng.randrange(5, 40)
            for step in range(1, steps + 1):
                rows.append((guide_id, version, step, day, "reached", readers))
                stuck = int(readers * rng.uniform(0.02, 0.12)) + (2 if step == hard else 0)
                if stuck:
                    rows.append((guide_id, version, step, day, "stuck", stuck))
                keep = rng.uniform(0.55, 0.7) if step == hard else rng.uniform(0.9, 1.0)
                readers = max(int(readers * keep), 0)
            rows.append((guide_id, version, 0, day, "finished", readers))
    add_funnel(conn, rows)
    add_gaps(
        conn,
        [
            (clock.day_number(today) - rng.randrange(30), question)
            for question, asked in DEMO_GAPS
            for _ in range(asked)
        ],
    )
