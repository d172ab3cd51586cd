"""Assist drafts and assists, and the tallies a volunteer sees in /mine."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from bot import clock
from bot.domain.draft import Draft
from bot.domain.form import FormChange, FormState, NewAssist, Question, SavedAssist
from bot.domain.review import Limits, Status, assist_status
from bot.storage import rollup
from bot.storage.bulk import insert_sql
from bot.storage.db import Database
from bot.storage.questions import ask_in, drop_question_in


@dataclass(frozen=True)
class LastAssist:
    id: int
    services: int
    people: int
    created_at: int


@dataclass(frozen=True)
class Tally:
    people: int
    assists: int


# One tally's two columns (assists, people) over the assists matching `where`.
_TALLY = (
    "coalesce(sum(CASE WHEN {where} THEN people END), 0), "
    "count(DISTINCT CASE WHEN {where} THEN person_key END) + "
    "coalesce(sum(CASE WHEN {where} AND person_key IS NULL THEN people END), 0)"
)


class AssistRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_draft(
        self,
        token: str,
        member_id: int,
        build: Callable[[tuple[int, str] | None], Draft],
        now: int,
        day: int,
        question: Question | None = None,
    ) -> Draft:
        """Open a form in one trip: `build` makes the draft from the open activity the
        member checked in to today (its id and title), if any."""

        def work(conn: sqlite3.Connection) -> Draft:
            row = conn.execute(
                "SELECT a.id, a.title FROM checkins k JOIN activities a ON a.id = k.activity_id "
                "WHERE k.member_id = ? AND k.day = ? AND a.closed_at IS NULL "
                "ORDER BY k.at DESC LIMIT 1",
                (member_id, day),
            ).fetchone()
            draft = build((int(row[0]), str(row[1])) if row else None)
            # One open form per volunteer: an abandoned one must not pile up.
            conn.execute("DELETE FROM drafts WHERE member_id = ?", (member_id,))
            conn.execute(
                "INSERT INTO drafts (token, member_id, data, updated_at) VALUES (?, ?, ?, ?)",
                (token, member_id, draft.to_json(), now),
            )
            if question is not None:
                ask_in(conn, question)
            return draft

        # A new form's draft may be lost to a power cut (the volunteer opens another), never
        # to a crash: like every other draft write, it does not wait for the disk.
        return await self._db.write(work, durable=False)

    async def change_form(
        self,
        token: str,
        now: int,
        decide: Callable[[FormState], FormChange],
        *,
        may_save: bool = True,
        limits: Limits | None = None,
    ) -> tuple[FormChange, SavedAssist | None]:
        """Read the form, let `decide` say what changes, and apply it: one trip, one
        transaction. With a record, the same token saves once (a unique key). A press that
        cannot save (`may_save=False`) only changes a draft, which need not wait for the disk.
        A save past the volunteer's daily limit (`limits`) is kept as pending review."""

        def work(conn: sqlite3.Connection) -> tuple[FormChange, SavedAssist | None]:
            change = decide(_form_state(conn, token))
            saved = None
            if change.assists:
                saved = _insert_all(conn, token, change.assists, limits or Limits(), now)
                conn.execute("DELETE FROM drafts WHERE token = ?", (token,))
            elif change.drop:
                conn.execute("DELETE FROM drafts WHERE token = ?", (token,))
            elif change.draft is not None:
                conn.execute(
                    "UPDATE drafts SET data = ?, updated_at = ? WHERE token = ?",
                    (change.draft.to_json(), now, token),
                )
            if change.question is not None:
                ask_in(conn, change.question)
            if change.ends_question:
                drop_question_in(conn, change.ends_question)
            return change, saved

        return await self._db.write(work, durable=may_save)

    async def save_assist(self, token: str, record: NewAssist) -> SavedAssist:
        """Write one record on its own (seeding, imports): once per token."""

        def work(conn: sqlite3.Connection) -> SavedAssist:
            state = _form_state(conn, token)
            if state.saved is not None:
                return state.saved
            saved = _insert(conn, token, record)
            conn.execute("DELETE FROM drafts WHERE token = ?", (token,))
            return saved

        return await self._db.write(work)

    async def last_of(self, volunteer_id: int, since: int) -> LastAssist | None:
        """The volunteer's latest record made at or after `since`, with the people of the
        assists saved with it (a batch split by age band)."""
        row = await self._db.fetchone(
            f"WITH last AS (SELECT id, {_BASE} AS base, services, created_at FROM assists "
            "WHERE volunteer_id = ?1 AND created_at >= ?2 "
            "ORDER BY created_at DESC, id DESC LIMIT 1) "
            "SELECT last.id, last.services, (SELECT sum(people) FROM assists "
            "WHERE (token = last.base OR token BETWEEN last.base || '/' AND last.base || '0') "
            "AND volunteer_id = ?1), last.created_at FROM last",
            (volunteer_id, since),
        )
        return LastAssist(int(row[0]), int(row[1]), int(row[2]), int(row[3])) if row else None

    async def undo(self, assist_id: int, volunteer_id: int, since: int) -> bool:
        """Delete the volunteer's own record made at or after `since`; False if there is none
        (the delete itself checks owner and age: a forged id removes nothing of anyone's)."""

        def work(conn: sqlite3.Connection) -> bool:
            found = conn.execute(
                # A rejected record is evidence of what was refused: kept, never undone.
                f"SELECT {_BASE} FROM assists WHERE id = ? AND volunteer_id = ? "
                "AND created_at >= ? AND status <> 'rejected'",
                (assist_id, volunteer_id, since),
            ).fetchone()
            if found is None:
                return False
            rows = conn.execute(
                f"SELECT {rollup.ASSIST_COLUMNS} FROM assists WHERE {_GROUP} "
                "AND volunteer_id = :who AND created_at >= :since",
                {"base": found[0], "who": volunteer_id, "since": since},
            ).fetchall()
            for row in rows:
                record = rollup.as_record(row)
                if record["status"] == Status.OK:  # only counted assists are in the totals
                    rollup.apply_assist(conn, record, -1)
                    # Every confirmation of it goes with it (ON DELETE CASCADE), and so
                    # does its share of the verified totals.
                    for (rating,) in conn.execute(
                        "SELECT rating FROM confirmations WHERE assist_id = ? "
                        "AND used_at IS NOT NULL",
                        (row[0],),
                    ).fetchall():
                        rollup.apply_confirmation(
                            conn, record["unit_id"], record["day"], rating, -1
                        )
                conn.execute("DELETE FROM assists WHERE id = ?", (row[0],))
            return True

        return await self._db.write(work)

    async def tallies(self, volunteer_id: int, since: tuple[int, ...]) -> list[Tally]:
        """A volunteer's counted assists from each of `since` (UTC seconds) on, then those
        waiting for review (all time), in one read. People: a phone seen twice counts once,
        an anonymous assist as one each. A rejected assist counts nowhere."""
        columns = [
            _TALLY.format(where=f"status = 'ok' AND occurred_at >= {int(start)}")
            for start in since
        ]
        columns.append(_TALLY.format(where="status = 'pending'"))
        [row] = await self._db.read(
            f"SELECT {', '.join(columns)} FROM assists WHERE volunteer_id = ?", (volunteer_id,)
        )
        return [Tally(people=int(row[i + 1]), assists=int(row[i])) for i in range(0, len(row), 2)]

    async def record_self_serve(
        self, user_key: str, guide_id: str, service: str, unit_id: int | None, now: int
    ) -> bool:
        """A citizen finished a guide; once per person and guide. True if newly counted."""
        day = clock.day_of(now)

        def work(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(ADD_SELF_SERVE, (user_key, guide_id, service, unit_id, now, day))
            if cursor.rowcount != 1:
                return False
            web = user_key.startswith(rollup.WEB_KEY_PREFIX)
            rollup.apply_self_serve(conn, unit_id, day, service, +1, web)
            return True

        return await self._db.write(work)


def _form_state(conn: sqlite3.Connection, token: str) -> FormState:
    """The form's record if it was saved, else its draft: one query for both."""
    row = conn.execute(
        "SELECT a.id, a.people, a.occurred_at, d.member_id, d.data, a.status "
        "FROM (SELECT ? AS token) t "
        "LEFT JOIN assists a ON a.token = t.token LEFT JOIN drafts d ON d.token = t.token",
        (token,),
    ).fetchone()
    if row[0] is not None:
        pending = row[5] != Status.OK
        saved = SavedAssist(int(row[0]), False, int(row[1]), int(row[2]), pending)
        return FormState(saved, None, None)
    if row[3] is not None:
        return FormState(None, int(row[3]), Draft.from_json(str(row[4])))
    return FormState(None, None, None)


def _insert_all(
    conn: sqlite3.Connection,
    token: str,
    assists: tuple[NewAssist, ...],
    limits: Limits,
    now: int,
) -> SavedAssist:
    """The assists of one form: the first keeps the form's token (which makes saving
    once-only), the others are named after it (`<token>/<age band>`), so /undo finds them
    together. Past the volunteer's daily limit the whole form waits for review."""
    people = sum(r.people for r in assists)
    status = assist_status(entered_today(conn, assists[0].volunteer_id, now), people, limits)
    assists = tuple(replace(r, status=status.value) for r in assists)
    first = _insert(conn, token, assists[0])
    for record in assists[1:]:
        _insert(conn, f"{token}/{record.age_band or ''}", record)
    return SavedAssist(first.id, True, people, first.occurred_at, status != Status.OK)


def entered_today(conn: sqlite3.Connection, volunteer_id: int | None, now: int) -> int:
    """People the volunteer entered since the start of today's Vietnam day (by the time of
    entry, whatever day they were dated), pending and rejected ones included."""
    if volunteer_id is None:
        return 0
    start = clock.day_start(clock.day_of(now))
    (people,) = conn.execute(
        "SELECT coalesce(sum(people), 0) FROM assists WHERE volunteer_id = ? AND created_at >= ?",
        (volunteer_id, start),
    ).fetchone()
    return int(people)


# The assists saved together by one form: its token, and `<token>/…` (a range, so that the
# token's unique index is used).
_GROUP = "(token = :base OR token BETWEEN :base || '/' AND :base || '0')"
_BASE = "CASE WHEN instr(token, '/') THEN substr(token, 1, instr(token, '/') - 1) ELSE token END"


# The columns a new record fills, in the order of the values `_insert` and `add_assists` take.
ASSIST_COLUMNS = (
    "token", "volunteer_id", "unit_id", "services", "people", "consent", "outcome", "age_band",
    "sex", "person_key", "key_id", "occurred_at", "created_at", "day", "activity_id", "status",
    "batch",
)  # fmt: skip
_ADD_ASSIST = insert_sql("assists", ASSIST_COLUMNS)
# Once per person and guide: a second completion is not counted again.
SELF_SERVE_COLUMNS = ("user_key", "guide_id", "service", "unit_id", "completed_at", "day")
ADD_SELF_SERVE = insert_sql(
    "self_serve", SELF_SERVE_COLUMNS, "ON CONFLICT (user_key, guide_id) DO NOTHING"
)


def add_assists(conn: sqlite3.Connection, rows: Iterable[tuple[object, ...]]) -> None:
    """Records in bulk, values in the order of ASSIST_COLUMNS (demo data). The running
    totals are not touched: the caller rebuilds them once at the end (`rollup.rebuild`)."""
    conn.executemany(_ADD_ASSIST, rows)


def add_self_serve(conn: sqlite3.Connection, rows: Iterable[tuple[object, ...]]) -> None:
    """Guide completions in bulk, values in the order of SELF_SERVE_COLUMNS; like
    `add_assists`, without the running totals."""
    conn.executemany(ADD_SELF_SERVE, rows)


def _insert(conn: sqlite3.Connection, token: str, record: NewAssist) -> SavedAssist:
    day = clock.day_of(record.occurred_at)
    [(assist_id,)] = conn.execute(
        f"{_ADD_ASSIST} RETURNING id",
        (
            token,
            record.volunteer_id,
            record.unit_id,
            record.services,
            record.people,
            int(record.consent),
            record.outcome,
            record.age_band,
            record.sex,
            record.person_key,
            record.key_id,
            record.occurred_at,
            record.created_at,
            day,
            record.activity_id,
            record.status,
            int(record.batch),
        ),
    ).fetchall()
    if record.status != Status.OK:  # waits for review outside the totals
        return SavedAssist(int(assist_id), True, record.people, record.occurred_at, True)
    rollup.apply_assist(
        conn,
        {
            "id": assist_id,
            "unit_id": record.unit_id,
            "day": day,
            "services": record.services,
            "people": record.people,
            "outcome": record.outcome,
            "age_band": record.age_band,
            "sex": record.sex,
            "volunteer_id": record.volunteer_id,
            "person_key": record.person_key,
            "batch": record.batch,
        },
        +1,
    )
    return SavedAssist(int(assist_id), True, record.people, record.occurred_at)
