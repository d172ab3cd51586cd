"""Volunteers, coordinators and the invites that bring them in."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.domain import invites
from bot.domain.invites import InviteStatus
from bot.domain.model import Invite, Member, Role, Unit
from bot.storage.bulk import insert_sql
from bot.storage.db import Database
from bot.storage.erasure import ERASED_MEMBER
from bot.storage.questions import drop_question_in

_MEMBER = "id, user_key, display_name, role, unit_id, active"
_INVITE = "id, code, unit_id, role, max_uses, uses, expires_at"
# The columns a new member fills, in the order of the values `join` and `add_members` take.
MEMBER_COLUMNS = ("user_key", "display_name", "role", "unit_id", "active", "joined_at")
_ADD_MEMBER = insert_sql("members", MEMBER_COLUMNS)


def _member(row: Any) -> Member:
    return Member(int(row[0]), str(row[1]), str(row[2]), Role(row[3]), int(row[4]), bool(row[5]))


def _invite(row: Any) -> Invite:
    return Invite(
        int(row[0]), str(row[1]), int(row[2]), Role(row[3]), int(row[4]), int(row[5]), int(row[6])
    )


@dataclass(frozen=True)
class JoinResult:
    status: InviteStatus
    member: Member | None = None
    unit_id: int = 0


@dataclass(frozen=True)
class MemberRow:
    member: Member
    unit_code: str
    unit_name: str


class MemberRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self) -> list[Member]:
        rows = await self._db.fetchall(
            f"SELECT {_MEMBER} FROM members WHERE user_key NOT LIKE '{ERASED_MEMBER}%'"
        )
        return [_member(r) for r in rows]

    async def create_invite(
        self, unit_id: int, role: Role, max_uses: int, created_by: str, now: int, expires_at: int
    ) -> Invite:
        def work(conn: sqlite3.Connection) -> Invite:
            while True:  # a collision is astronomically unlikely, but cheap to rule out
                code = invites.new_code()
                if conn.execute("SELECT 1 FROM invites WHERE code = ?", (code,)).fetchone() is None:
                    break
            [(invite_id,)] = conn.execute(
                "INSERT INTO invites (code, unit_id, role, max_uses, created_by, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (code, unit_id, role.value, max_uses, created_by, now, expires_at),
            ).fetchall()
            return Invite(int(invite_id), code, unit_id, role, max_uses, 0, expires_at)

        return await self._db.write(work)

    async def invite(self, code: str) -> Invite | None:
        row = await self._db.fetchone(f"SELECT {_INVITE} FROM invites WHERE code = ?", (code,))
        return _invite(row) if row else None

    async def join(
        self, code: str, user_key: str, display_name: str, now: int, blocked_tag: str = ""
    ) -> JoinResult:
        """Use one place of the invite and register (or move) the person, atomically.

        The invite is checked again inside the transaction: two people racing for its last
        place cannot both get in.
        """

        def work(conn: sqlite3.Connection) -> JoinResult:
            row = conn.execute(f"SELECT {_INVITE} FROM invites WHERE code = ?", (code,)).fetchone()
            invite = _invite(row) if row else None
            verdict = invites.status(invite, now)
            # The question is answered either way: the wait for a name is over.
            drop_question_in(conn, user_key)
            if invite is None or verdict is not InviteStatus.OK:
                return JoinResult(verdict)
            row = conn.execute(
                f"SELECT {_MEMBER} FROM members WHERE user_key = ?", (user_key,)
            ).fetchone()
            existing = _member(row) if row else None
            blocked = conn.execute("SELECT 1 FROM blocked WHERE tag = ?", (blocked_tag,))
            if (existing is not None and not existing.active) or blocked.fetchone():
                # An invite must not undo a coordinator's decision to pause someone.
                return JoinResult(InviteStatus.PAUSED)
            same_place = (
                existing is not None
                and existing.active
                and existing.unit_id == invite.unit_id
                and existing.role is invite.role
            )
            if not same_place:  # a person re-joining where they already are uses no place
                conn.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?", (invite.id,))
            member = _member(
                conn.execute(
                    f"{_ADD_MEMBER} ON CONFLICT (user_key) DO UPDATE SET "
                    "display_name = excluded.display_name, role = excluded.role, "
                    f"unit_id = excluded.unit_id, active = 1 RETURNING {_MEMBER}",
                    (user_key, display_name, invite.role.value, invite.unit_id, 1, now),
                ).fetchone()
            )
            return JoinResult(InviteStatus.OK, member, invite.unit_id)

        return await self._db.write(work)

    async def in_scope(self, root: Unit | None, limit: int, offset: int = 0) -> list[MemberRow]:
        """Members in a subtree (everyone for None), active first, then by name and id."""
        where, params = _subtree(root)
        rows = await self._db.fetchall(
            f"SELECT m.id, m.user_key, m.display_name, m.role, m.unit_id, m.active, "
            f"u.code, u.name FROM members m JOIN units u ON u.id = m.unit_id {where} "
            f"ORDER BY m.active DESC, m.display_name, m.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [MemberRow(_member(r[:6]), str(r[6]), str(r[7])) for r in rows]

    async def count_in_scope(self, root: Unit | None) -> int:
        where, params = _subtree(root)
        row = await self._db.fetchone(
            f"SELECT count(*) FROM members m JOIN units u ON u.id = m.unit_id {where}", params
        )
        return int(row[0])

    async def rename(self, member_id: int, display_name: str) -> Member | None:
        row = await self._db.write(
            lambda conn: conn.execute(
                f"UPDATE members SET display_name = ? WHERE id = ? RETURNING {_MEMBER}",
                (display_name, member_id),
            ).fetchone()
        )
        return _member(row) if row else None

    async def set_active(self, member_id: int, active: bool) -> None:
        await self._db.execute(
            "UPDATE members SET active = ? WHERE id = ?", (int(active), member_id)
        )


def add_members(conn: sqlite3.Connection, rows: Iterable[tuple[object, ...]]) -> None:
    """Members in bulk, values in the order of MEMBER_COLUMNS (demo data); a person already
    there (by user_key) stays as they are."""
    conn.executemany(f"{_ADD_MEMBER} ON CONFLICT (user_key) DO NOTHING", rows)


def _subtree(root: Unit | None) -> tuple[str, tuple[object, ...]]:
    """A WHERE clause on the joined units `u`: the subtree of `root`, or everything; members
    who erased themselves are only numbers on their records, not members to list."""
    erased = f"m.user_key NOT LIKE '{ERASED_MEMBER}%'"
    if root is None:
        return f"WHERE {erased}", ()
    return f"WHERE {erased} AND substr(u.path, 1, ?) = ?", (len(root.path), root.path)
