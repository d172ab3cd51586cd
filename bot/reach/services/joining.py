"""Joining by invite: check the code at once, then take the display name the person types."""

from __future__ import annotations

from dataclasses import dataclass

from bot.reach.domain import invites
from bot.reach.domain.invites import InviteStatus
from bot.reach.services.directory import Directory
from bot.reach.services.waiting import Waiting
from bot.storage.members import MemberRepository

NAME_WAIT_SECONDS = 5 * 60  # an answer comes at once, or not at all


@dataclass(frozen=True)
class AskName:
    unit_name: str
    role: str


@dataclass(frozen=True)
class JoinRefused:
    reason: str  # an InviteStatus value


@dataclass(frozen=True)
class NameInvalid:
    limit: int


@dataclass(frozen=True)
class Joined:
    name: str
    unit_name: str
    role: str


class Joining:
    def __init__(self, members: MemberRepository, waiting: Waiting, directory: Directory) -> None:
        self._members = members
        self._waiting = waiting
        self._directory = directory

    async def begin(self, user_key: str, code_text: str, now: int) -> AskName | JoinRefused:
        await self._directory.fresh()
        code = invites.normalise_code(code_text)
        invite = await self._members.invite(code)
        verdict = invites.status(invite, now)
        member = self._directory.member(user_key)
        if member is not None and not member.active:
            verdict = InviteStatus.PAUSED  # said now, not after they have typed a name
        if invite is None or verdict is not InviteStatus.OK:
            return JoinRefused(verdict.value)
        unit = self._directory.unit(invite.unit_id)
        await self._waiting.expect(user_key, "name", code, now + NAME_WAIT_SECONDS)
        return AskName(unit.name if unit else "", invite.role.value)

    async def name(
        self, user_key: str, code: str, text: str, now: int
    ) -> Joined | NameInvalid | JoinRefused:
        name = invites.clean_display_name(text)
        if name is None:
            return NameInvalid(invites.MAX_NAME)  # still waiting for a usable name
        await self._directory.fresh()
        result = await self._members.join(code, user_key, name, now)
        self._waiting.answered(user_key)  # the join closed the question, whatever its verdict
        if result.status is not InviteStatus.OK or result.member is None:
            return JoinRefused(result.status.value)
        self._directory.put_member(result.member)
        unit = self._directory.unit(result.unit_id)
        return Joined(name, unit.name if unit else "", result.member.role.value)
