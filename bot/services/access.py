"""Who is acting, and what they may do: the one place for roles and scope.

Admins are listed by Telegram id in the settings and act anywhere; an active coordinator
manages their unit's subtree; an active member (volunteer or coordinator) logs assists in
their own unit or below it; a paused member may do neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.model import Member, Role, Scope, Standing, Unit
from bot.domain.privacy import pseudonym
from bot.services.directory import Directory
from bot.texts.folding import fold


@dataclass(frozen=True)
class Actor:
    user_key: str
    member: Member | None
    scope: Scope

    @property
    def volunteer(self) -> Member | None:
        """The active membership that may log assists (coordinators may log too)."""
        return self.member if self.member is not None and self.member.active else None

    @property
    def staff(self) -> bool:
        """Coordinators and admins: reports, invites and members."""
        return self.scope.any

    @property
    def report_root(self) -> Unit | None:
        """The top of what this person may see (None: the whole tree, for admins)."""
        return None if self.scope.admin else self.scope.unit

    @property
    def standing(self) -> Standing:
        """What the menu and help offer this person (a coordinator, or an admin who also
        joined a unit, is both staff and volunteer)."""
        standing = Standing.RESIDENT
        if self.staff:
            standing |= Standing.STAFF
        if self.volunteer is not None:
            standing |= Standing.VOLUNTEER
        return standing

    def may_press(self, *, staff: bool) -> bool:
        """Whether this person may press a button that declares it needs staff (see
        `@pressed` in the Telegram adapter); the service behind it checks again."""
        return not staff or self.staff

    def why_not_volunteer(self) -> str:
        """The template that explains why this person cannot log assists; "" if they can."""
        if self.volunteer is not None:
            return ""
        return "member_inactive" if self.member is not None else "not_volunteer"


UNITS_SHOWN = 10


class Access:
    def __init__(self, directory: Directory, key: bytes, admin_ids: frozenset[int]) -> None:
        self.directory = directory
        self._key = key
        self._admin_ids = admin_ids

    def user_key(self, telegram_id: int) -> str:
        """The only form in which a Telegram id is stored: a keyed, non-reversible hash."""
        return pseudonym(self._key, "tg-user", telegram_id)

    async def actor(self, telegram_id: int, key: str = "") -> Actor:
        """`key`: the id's `user_key`, when the caller has it already (one hash per update)."""
        await self.directory.fresh()
        key = key or self.user_key(telegram_id)
        member = self.directory.member(key)
        unit = None
        if member is not None and member.active and member.role is Role.COORDINATOR:
            unit = self.directory.unit(member.unit_id)
        return Actor(key, member, Scope(admin=telegram_id in self._admin_ids, unit=unit))

    def home_contains(self, member: Member, unit: Unit) -> bool:
        """Whether `unit` is the member's own unit or below it (what a volunteer may act on)."""
        home = self.directory.unit(member.unit_id)
        return home is not None and home.contains(unit)

    def find_units(self, actor: Actor, query: str) -> list[Unit] | None:
        """`/units <name>`: units by name within what this person may use (staff: their
        scope; volunteers: their unit and below); None for someone who has no unit."""
        if actor.staff:
            within = actor.report_root
        elif actor.volunteer is not None:
            within = self.directory.unit(actor.volunteer.unit_id)
        else:
            return None
        return self.directory.find(query, within, UNITS_SHOWN)

    def search_example(self, actor: Actor, query: str) -> str:
        """A unit name to suggest after a search found nothing: one that exists in this
        person's scope and is not what they typed (a unit below theirs, else their own)."""
        if actor.staff:
            within = actor.report_root
        elif actor.volunteer is not None:
            within = self.directory.unit(actor.volunteer.unit_id)
        else:
            return ""
        typed = fold(query).split()
        candidates = self.directory.children(within.id if within else None)
        candidates = [*candidates, *([within] if within else [])]
        for unit in candidates:
            words = fold(unit.name).split()
            example = " ".join(words[-2:])  # «ha noi», «ba dinh»: the part people type
            if example and words and example.split() != typed:
                return example
        return ""

    def may_print_poster(self, actor: Actor, unit: Unit) -> bool:
        """Staff within their scope; volunteers for their own unit and below."""
        if actor.scope.covers(unit):
            return True
        return actor.volunteer is not None and self.home_contains(actor.volunteer, unit)


def example_unit(actor: Actor, directory: Directory) -> str:
    """A unit code for a usage example that works for this person: their own unit (or the
    unit they log for), or for admins the first top-level unit."""
    if actor.report_root is not None:
        return actor.report_root.code
    if actor.volunteer is not None:
        unit = directory.unit(actor.volunteer.unit_id)
        if unit is not None:
            return unit.code
    top = directory.children(None)
    return top[0].code if top else ""
