"""Who is acting, and what they may do: the one place for roles and scope, and the people
the bot keeps in memory to decide it without a database trip.

Admins are listed by Telegram id in the settings and act anywhere; an active coordinator
manages their unit's subtree; an active member (volunteer or coordinator) logs assists in
their own unit or below it; a paused member may do neither.

In memory (`Directory`, `Languages`, `Questions`): units and members, the languages people
chose, and who has a question open. Every change the bot makes goes through a service that
updates the copy; a change made by another process (a command-line unit import) is noticed
by the database on the next trip, which marks the copy stale; the next call reloads it. The
questions themselves are kept in the database, so a restart loses none.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from bot.domain.model import Member, Role, Scope, Standing, Unit
from bot.domain.privacy import pseudonym
from bot.storage.db import Database
from bot.storage.members import MemberRepository
from bot.storage.prefs import PrefsRepository
from bot.storage.questions import OpenQuestion, QuestionRepository
from bot.storage.units import UnitRepository
from bot.texts.folding import fold


class Directory:
    def __init__(self, db: Database, units: UnitRepository, members: MemberRepository) -> None:
        self._units_repo = units
        self._members_repo = members
        self._stale = True
        self._units: dict[int, Unit] = {}
        self._codes: dict[str, Unit] = {}
        self._children: dict[int | None, list[Unit]] = {}
        self._members: dict[str, Member] = {}
        self._member_ids: dict[int, Member] = {}
        self._folded: dict[int, list[str]] = {}
        db.on_outside_change(self.mark_stale)

    def mark_stale(self) -> None:
        self._stale = True

    async def fresh(self) -> None:
        """Reload if something changed behind the cache's back (two trips, rarely)."""
        if not self._stale:
            return
        self._stale = False
        units = await self._units_repo.all()
        members = await self._members_repo.all()
        children: dict[int | None, list[Unit]] = defaultdict(list)
        for unit in sorted(units, key=lambda u: u.code):
            children[unit.parent_id].append(unit)
        self._units = {u.id: u for u in units}
        self._codes = {u.code: u for u in units}
        self._children = dict(children)
        self._folded = {u.id: fold(u.name).split() for u in units}
        self._members = {m.user_key: m for m in members}
        self._member_ids = {m.id: m for m in members}

    def unit(self, unit_id: int) -> Unit | None:
        return self._units.get(unit_id)

    def province_of(self, unit_id: int) -> int | None:
        """The top-level unit (a province) a unit lies in, by its path."""
        unit = self._units.get(unit_id)
        if unit is None:
            return None
        return int(unit.path.strip("/").split("/")[0])

    def unit_by_code(self, code: str) -> Unit | None:
        return self._codes.get(code)

    def children(self, unit_id: int | None) -> list[Unit]:
        """Child units by code (the top-level units for None)."""
        return self._children.get(unit_id, [])

    def child_count(self, unit_id: int) -> int:
        return len(self._children.get(unit_id, ()))

    def find(self, query: str, within: Unit | None, limit: int) -> list[Unit]:
        """Units whose name has every word of `query` (accents and case aside), or whose code
        is `query`, inside `within` (everywhere for None); the shortest paths first."""
        words = fold(query).split()
        if not words:
            return []
        found = [
            unit
            for unit in self._units.values()
            if (within is None or within.contains(unit))
            and (
                unit.code.lower() == query.strip().lower()
                or all(any(w.startswith(q) for w in self._folded[unit.id]) for q in words)
            )
        ]
        found.sort(key=lambda u: (u.path.count("/"), u.name))
        return found[:limit]

    def member(self, user_key: str) -> Member | None:
        return self._members.get(user_key)

    def member_by_id(self, member_id: int) -> Member | None:
        return self._member_ids.get(member_id)

    def put_member(self, member: Member) -> None:
        self._members[member.user_key] = member
        self._member_ids[member.id] = member

    def drop_member(self, user_key: str) -> None:
        member = self._members.pop(user_key, None)
        if member is not None:
            self._member_ids.pop(member.id, None)


class Languages:
    """Each person's interface language. Only the people who chose one have a row (most keep
    the default), so all of them are kept in memory, loaded at start like the members: a
    lookup is never a database trip, and memory grows only with explicit choices, each of
    which is a row in the database too."""

    def __init__(self, prefs: PrefsRepository, default: str) -> None:
        self._prefs = prefs
        self.default = default
        self._chosen: dict[str, str] = {}

    async def load(self) -> None:
        self._chosen = await self._prefs.all_languages()

    def of(self, user_key: str) -> str:
        return self._chosen.get(user_key, self.default)

    async def choose(self, user_key: str, language: str) -> None:
        await self._prefs.set_language(user_key, language)
        self._chosen[user_key] = language

    def forget(self, user_key: str) -> None:
        """Erasure: the language must not outlive the person's preferences row."""
        self._chosen.pop(user_key, None)


class Questions:
    """Who has a question open (the bot asked them to type something), in memory, so that
    the many messages and commands from everyone else cost no database trip at all."""

    def __init__(self, repo: QuestionRepository) -> None:
        self._repo = repo
        self._open: set[str] = set()

    async def load(self, now: int) -> None:
        self._open = set(await self._repo.open_ones(now))

    async def ask(self, user_key: str, kind: str, ref: str, expires_at: int) -> None:
        await self._repo.ask(user_key, kind, ref, expires_at)
        self._open.add(user_key)

    def asked(self, user_key: str) -> None:
        """A question written in another unit of work (the assist form asking for a phone)."""
        self._open.add(user_key)

    def is_open(self, user_key: str) -> bool:
        """Whether this person has a question open (from memory: no database trip)."""
        return user_key in self._open

    def answered(self, user_key: str) -> None:
        """A question closed in another unit of work."""
        self._open.discard(user_key)

    async def question(self, user_key: str, now: int) -> OpenQuestion | None:
        if user_key not in self._open:
            return None
        pending = await self._repo.get(user_key, now)
        if pending is None:
            self._open.discard(user_key)  # expired
        return pending

    async def close(self, user_key: str) -> None:
        if user_key in self._open:
            await self._repo.clear(user_key)
            self._open.discard(user_key)


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
USER_KEYS_KEPT = 100_000  # the people active lately: each a few hundred bytes


class Access:
    def __init__(self, directory: Directory, key: bytes, admin_ids: frozenset[int]) -> None:
        self.directory = directory
        self._user_keys = functools.lru_cache(maxsize=USER_KEYS_KEPT)(
            functools.partial(pseudonym, key, "tg-user")
        )
        self._admin_ids = admin_ids

    def user_key(self, telegram_id: int) -> str:
        """The only form in which a Telegram id is stored: a keyed, non-reversible hash.
        Worked out once per person while they are active (a bounded cache, in memory only:
        the hash is the same every time, so keeping it reveals nothing the key does not)."""
        return self._user_keys(telegram_id)

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
