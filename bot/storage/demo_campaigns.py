"""The union's work in demo data (see demo_data): two campaigns, activities (most closed
with a headcount), member check-ins, resident attendance, and some assists confirmed by
residents; written through the bulk functions of the repositories that own the tables."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sqlite3

from bot import clock
from bot.domain.draft import AGE_BANDS
from bot.storage.activities import add_activities
from bot.storage.attendance import add_attendance, add_checkins
from bot.storage.campaigns import add_campaigns
from bot.storage.confirmations import add_used
from bot.storage.demo_rows import AGE_WEIGHTS, DEMO_ASSIST

KIND_WEIGHTS = (
    ("class", 30),
    ("campaign_day", 25),
    ("help_point", 25),
    ("door_to_door", 15),
    ("online", 5),
)
MAX_ACTIVITIES = 20_000
Campaigns = list[tuple[int, int, int]]  # id, first day, last day


def campaign_work(
    conn: sqlite3.Connection,
    rng: random.Random,
    units: list[tuple[int, str]],
    volunteers: list[int],
    today: dt.date,
    seed: int,
    assists: int,
) -> int:
    """All of it; the number of activities."""
    campaigns = _campaigns(conn, today, seed)
    count = min(MAX_ACTIVITIES, max(10, assists // 200))
    _activities(conn, rng, units, campaigns, today, seed, count)
    made = conn.execute(
        "SELECT id, kind, first_day FROM activities WHERE created_by = 'demo' "
        "ORDER BY id DESC LIMIT ?",
        (count,),
    ).fetchall()
    _people(conn, rng, made, volunteers, seed)
    _confirmations(conn)
    return len(made)


def _campaigns(conn: sqlite3.Connection, today: dt.date, seed: int) -> Campaigns:
    summer = dt.date(today.year if today.month > 8 else today.year - 1, 6, 1)
    periods = [
        (f"HTN-{summer.year}-D{seed}", f"Hè tình nguyện {summer.year}", summer,
         summer.replace(month=8, day=31)),
        (f"BDHVS-2-D{seed}", "Bình dân học vụ số đợt 2", today - dt.timedelta(days=60), today),
    ]  # fmt: skip
    rows = [
        (code, name, None, clock.day_number(first), clock.day_number(last), "demo", 0)
        for code, name, first, last in periods
    ]
    ids = add_campaigns(conn, rows)
    return [(ids[str(code)], int(first), int(last)) for code, _, _, first, last, _, _ in rows]


def _activities(
    conn: sqlite3.Connection,
    rng: random.Random,
    units: list[tuple[int, str]],
    campaigns: Campaigns,
    today: dt.date,
    seed: int,
    count: int,
) -> None:
    kinds = [kind for kind, _ in KIND_WEIGHTS]
    weights = [weight for _, weight in KIND_WEIGHTS]
    rows = []
    for number in range(count):
        day = clock.day_number(today) - rng.randrange(365)
        kind = rng.choices(kinds, weights)[0]
        campaign = next((cid for cid, a, b in campaigns if a <= day <= b), None)
        closed = rng.random() < 0.8
        headcount = rng.randint(0, 40) if closed and kind in ("class", "campaign_day") else 0
        token = hashlib.sha256(f"demo-activity:{seed}:{number}".encode()).hexdigest()[:12]
        unit_id = rng.choice(units)[0]
        # No check-in link (checkin_token NULL): nobody checks in to a demo activity.
        rows.append(
            (token, None, unit_id, kind, f"Hoạt động mẫu {number + 1}", day, day, "", 0,
             campaign, 0 if closed else None, headcount, headcount // 2, "demo", 0)
        )  # fmt: skip
    add_activities(conn, rows)


def _people(
    conn: sqlite3.Connection,
    rng: random.Random,
    activities: list[tuple[int, str, int]],
    volunteers: list[int],
    seed: int,
) -> None:
    """Volunteers checked in to every activity; residents marked at classes and campaign
    days."""
    homes = dict(conn.execute("SELECT id, unit_id FROM members").fetchall())
    checkins, attendance = [], []
    for activity_id, kind, day in activities:
        for member in rng.sample(volunteers, k=min(len(volunteers), rng.randint(2, 12))):
            checkins.append((activity_id, member, homes[member], day, 0, "ok"))
        if kind in ("class", "campaign_day"):
            for n in range(rng.randint(0, 25)):
                key = hashlib.sha256(f"demo-resident:{seed}:{activity_id}:{n}".encode())
                band = rng.choices(("", *AGE_BANDS), (20, *AGE_WEIGHTS))[0]
                attendance.append((activity_id, key.hexdigest()[:32], band or None, 0, "ok"))
    add_checkins(conn, checkins)
    add_attendance(conn, attendance)


def _confirmations(conn: sqlite3.Connection) -> None:
    """About one single assist in twenty was confirmed by the resident, most with a rating."""
    found = conn.execute(
        f"SELECT id, created_at FROM assists WHERE {DEMO_ASSIST} AND people = 1 AND id % 20 = 0"
    )
    add_used(
        conn,
        [
            (f"demo{assist_id}", assist_id, 0, at, None if (assist_id // 20) % 5 == 0
             else 3 + (assist_id // 20) % 3)
            for assist_id, at in found.fetchall()
        ],
    )  # fmt: skip
