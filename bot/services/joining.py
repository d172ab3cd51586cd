"""Joining by invite: check the code at once, then take the display name the person types.

Someone who is already a member is asked first: an invite moves them to another unit or
role only when they say so, under the name they already have (`/name` renames). An invite
that cannot be used raises `Refusal`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import invites
from bot.domain.invites import InviteStatus
from bot.domain.model import Invite, Member
from bot.domain.privacy import blocked_tag
from bot.domain.refusal import Reason, Refusal
from bot.services.access import Directory, Questions
from bot.storage.members import MemberRepository

NAME_WAIT_SECONDS = 5 * 60  # an answer comes at once, or not at all
# An invite's verdict as a refusal; any other (OK without a member) says "not found".
_REFUSALS = {
    InviteStatus.EXPIRED: Reason.INVITE_EXPIRED,
    InviteStatus.USED_UP: Reason.INVITE_USED_UP,
    InviteStatus.PAUSED: Reason.INVITE_PAUSED,
}


@dataclass(frozen=True)
class AskName:
    unit_name: str
    role: str


@dataclass(frozen=True)
class AskSwitch:
    """A member opened another invite: ask before moving them."""

    code: str
    name: str
    unit_name: str
    role: str
    new_unit_name: str
    new_role: str


@dataclass(frozen=True)
class AlreadyThere:
    name: str
    unit_name: str
    role: str


@dataclass(frozen=True)
class Renamed:
    name: str


@dataclass(frozen=True)
class AskNewName:
    current: str


@dataclass(frozen=True)
class Joined:
    name: str
    unit_name: str
    role: str


class Joining:
    def __init__(
        self,
        members: MemberRepository,
        questions: Questions,
        directory: Directory,
        key: bytes = b"",
    ) -> None:
        self._key = key  # for the tag of a paused person who erased themselves
        self._members = members
        self._questions = questions
        self._directory = directory

    async def begin(
        self, user_key: str, code_text: str, now: int
    ) -> AskName | AskSwitch | AlreadyThere:
        await self._directory.fresh()
        code = invites.normalise_code(code_text)
        invite = await self._members.invite(code)
        verdict = invites.status(invite, now)
        member = self._directory.member(user_key)
        if member is not None and not member.active:
            verdict = InviteStatus.PAUSED  # said now, not after they have typed a name
        elif member is not None and invite is not None and _same_place(member, invite):
            # Opening one's own invite again, even a used one: nothing to do.
            here = self._unit_name(member.unit_id)
            return AlreadyThere(member.display_name, here, member.role.value)
        if invite is None or verdict is not InviteStatus.OK:
            raise _refusal(verdict)
        new_unit = self._unit_name(invite.unit_id)
        if member is not None:
            here = self._unit_name(member.unit_id)
            role, new_role = member.role.value, invite.role.value
            return AskSwitch(code, member.display_name, here, role, new_unit, new_role)
        await self._questions.ask(user_key, "name", code, now + NAME_WAIT_SECONDS)
        return AskName(new_unit, invite.role.value)

    async def switch(self, user_key: str, code: str, now: int) -> Joined:
        """The member said yes: move them where the invite says, keeping their name."""
        await self._directory.fresh()
        member = self._directory.member(user_key)
        if member is None:
            raise Refusal(Reason.INVITE_UNKNOWN)
        return await self._join(user_key, invites.normalise_code(code), member.display_name, now)

    async def rename(self, user_key: str, text: str, now: int) -> Renamed:
        await self._directory.fresh()
        member = self._directory.member(user_key)
        self._questions.answered(user_key)
        if member is None:
            raise Refusal(Reason.NOT_MEMBER)
        name = invites.clean_display_name(text)
        if name is None:
            await self._questions.ask(user_key, "rename", "", now + NAME_WAIT_SECONDS)
            raise _name_invalid(text)  # still waiting for a usable name
        renamed = await self._members.rename(member.id, name)
        if renamed is None:
            raise Refusal(Reason.NOT_MEMBER)
        self._directory.put_member(renamed)
        return Renamed(name)

    async def ask_new_name(self, user_key: str, now: int) -> AskNewName:
        await self._directory.fresh()
        member = self._directory.member(user_key)
        if member is None:
            raise Refusal(Reason.NOT_MEMBER)
        await self._questions.ask(user_key, "rename", "", now + NAME_WAIT_SECONDS)
        return AskNewName(member.display_name)

    def _unit_name(self, unit_id: int) -> str:
        unit = self._directory.unit(unit_id)
        return unit.name if unit else ""

    async def name(self, user_key: str, code: str, text: str, now: int) -> Joined:
        name = invites.clean_display_name(text)
        if name is None:  # still waiting for a usable name
            raise _name_invalid(text)
        await self._directory.fresh()
        return await self._join(user_key, code, name, now)

    async def _join(self, user_key: str, code: str, name: str, now: int) -> Joined:
        tag = blocked_tag(self._key, user_key) if self._key else ""
        result = await self._members.join(code, user_key, name, now, tag)
        self._questions.answered(user_key)  # the join closed the question, whatever its verdict
        if result.status is not InviteStatus.OK or result.member is None:
            raise _refusal(result.status)
        self._directory.put_member(result.member)
        return Joined(name, self._unit_name(result.unit_id), result.member.role.value)


def _refusal(status: InviteStatus) -> Refusal:
    return Refusal(_REFUSALS.get(status, Reason.INVITE_UNKNOWN))


def _same_place(member: Member, invite: Invite) -> bool:
    return member.unit_id == invite.unit_id and member.role is invite.role


def _name_invalid(text: str) -> Refusal:
    """A display name that cannot be used: too long or empty, or shaped like a formula."""
    return Refusal(
        Reason.NAME_INVALID, str(invites.MAX_NAME), why=invites.display_name_problem(text)
    )
