"""The outreach log's records, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Flag, StrEnum, auto


class Role(StrEnum):
    """A member's role in their unit (stored: `members.role`)."""

    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"


class Standing(Flag):
    """What the menu and /help offer a person: nothing more than the guides (a resident),
    logging assists (an active member), staff screens (coordinators and admins), or both."""

    RESIDENT = 0
    VOLUNTEER = auto()
    STAFF = auto()

    # For templates: `{% if standing.staff %}`.
    @property
    def resident(self) -> bool:
        return not self

    @property
    def volunteer(self) -> bool:
        return Standing.VOLUNTEER in self

    @property
    def staff(self) -> bool:
        return Standing.STAFF in self


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str  # "/<root id>/…/<own id>/": a subtree is every path with this prefix

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)


@dataclass(frozen=True)
class Member:
    id: int
    user_key: str
    display_name: str
    role: Role
    unit_id: int
    active: bool


@dataclass(frozen=True)
class Invite:
    id: int
    code: str
    unit_id: int
    role: Role
    max_uses: int
    uses: int
    expires_at: int


@dataclass(frozen=True)
class Scope:
    """What a person may manage and read: admins everything, coordinators a subtree."""

    admin: bool = False
    unit: Unit | None = None

    def covers(self, unit: Unit) -> bool:
        return self.admin or (self.unit is not None and self.unit.contains(unit))

    @property
    def any(self) -> bool:
        return self.admin or self.unit is not None
