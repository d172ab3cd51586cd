"""/invite and /members: coordinators and admins, within their scope only."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot import clock
from bot.domain.model import Invite, Role, Unit
from bot.domain.refusal import Reason, Refusal
from bot.services.access import Actor, Directory, example_unit
from bot.storage.members import MemberRepository, MemberRow
from bot.texts.folding import fold

MEMBERS_PER_PAGE = 20
# Role words folded (no accents, no spaces): "điều phối viên", "dieu phoi", "Điều phối"…
ROLE_WORDS = {
    "volunteer": Role.VOLUNTEER,
    "tnv": Role.VOLUNTEER,
    "tinhnguyen": Role.VOLUNTEER,
    "tinhnguyenvien": Role.VOLUNTEER,
    "coordinator": Role.COORDINATOR,
    "dieuphoi": Role.COORDINATOR,
    "dieuphoivien": Role.COORDINATOR,
    "dpv": Role.COORDINATOR,
}


def role_of(words: list[str]) -> Role | None:
    """The role named by the words after the unit code (a volunteer when there are none)."""
    if not words:
        return Role.VOLUNTEER
    return ROLE_WORDS.get(fold("".join(words)))


@dataclass(frozen=True)
class InviteMade:
    invite: Invite
    unit: Unit


@dataclass(frozen=True)
class MembersPage:
    scope: Unit | None  # None: everyone (admins)
    rows: list[MemberRow]
    total: int
    page: int  # from 0
    pages: int
    own_key: str  # the viewer: listed, but without a button to pause themselves


@dataclass(frozen=True)
class Changed:
    active: bool
    page: MembersPage


class Membership:
    def __init__(
        self,
        members: MemberRepository,
        directory: Directory,
        invite_days: int,
        invite_uses: int,
    ) -> None:
        self._members = members
        self._directory = directory
        self._invite_days = invite_days
        self._invite_uses = invite_uses

    async def invite(
        self, actor: Actor, args: list[str], now: int
    ) -> InviteMade:
        """`/invite <unit-code> [role]`; coordinator invites are single-use. The role may be
        written in Vietnamese or English, with or without accents."""
        if not actor.staff:
            raise Refusal(Reason.STAFF_ONLY)
        role = role_of(args[1:])
        if not args or role is None:
            raise Refusal(Reason.INVITE_USAGE, example_unit=example_unit(actor, self._directory))
        unit = self._directory.unit_by_code(args[0])
        if unit is None:
            raise Refusal(Reason.UNIT_CODE_UNKNOWN, args[0][:20])
        if not actor.scope.covers(unit):
            raise Refusal(Reason.STAFF_ONLY)
        uses = 1 if role is Role.COORDINATOR else self._invite_uses
        expires = now + self._invite_days * clock.SECONDS_PER_DAY
        invite = await self._members.create_invite(
            unit.id, role, uses, actor.user_key, now, expires
        )
        return InviteMade(invite, unit)

    async def page(self, actor: Actor, page: int = 0) -> MembersPage:
        if not actor.staff:
            raise Refusal(Reason.STAFF_ONLY)
        root = actor.report_root
        total = await self._members.count_in_scope(root)
        pages = max(1, -(-total // MEMBERS_PER_PAGE))
        page = max(0, min(page, pages - 1))
        rows = await self._members.in_scope(root, MEMBERS_PER_PAGE, page * MEMBERS_PER_PAGE)
        return MembersPage(root, rows, total, page, pages, actor.user_key)

    async def set_active(
        self, actor: Actor, member_id: int, active: bool, page: int
    ) -> Changed:
        """Pause or reactivate a member of one's scope (never oneself)."""
        if not actor.staff:
            raise Refusal(Reason.STAFF_ONLY)
        member = self._directory.member_by_id(member_id)
        unit = self._directory.unit(member.unit_id) if member else None
        if member is None or unit is None or not actor.scope.covers(unit):
            raise Refusal(Reason.NOT_ALLOWED)
        if member.user_key == actor.user_key:
            raise Refusal(Reason.NOT_YOURSELF)
        await self._members.set_active(member.id, active)
        self._directory.put_member(replace(member, active=active))
        return Changed(active, await self.page(actor, page))
