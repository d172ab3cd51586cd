"""What the campaign, activity, target and cluster services share, written once: the
command line's scope, the staff gate, a unit within a person's scope, the subtrees a listing
covers, Vietnam's day number, and a date as typed."""

from __future__ import annotations

import datetime as dt

from bot.domain.model import Scope, Unit
from bot.domain.periods import PeriodError, parse_date
from bot.domain.refusal import Reason, Refusal
from bot.services.access import Actor, Directory

ADMIN = Scope(admin=True)  # the command line


def staff_only(actor: Actor) -> None:
    """Campaigns, activities, targets and teams are managed by coordinators and admins."""
    if not actor.staff:
        raise Refusal(Reason.STAFF_ONLY)


async def unit_in_scope(directory: Directory, scope: Scope, code: str) -> Unit:
    await directory.fresh()
    unit = directory.unit_by_code(code.strip())
    if unit is None:
        raise Refusal(Reason.UNKNOWN_UNIT, code)
    if not scope.covers(unit):
        raise Refusal(Reason.NOT_ALLOWED, code)
    return unit


async def own_or_named_unit(
    directory: Directory, actor: Actor, unit_code: str, missing: Reason
) -> Unit:
    """The named unit (within the person's scope), else the coordinator's own; an admin
    with no unit of their own must name one (`missing` says so in the command's words)."""
    if unit_code:
        return await unit_in_scope(directory, actor.scope, unit_code)
    if actor.scope.unit is not None:
        return actor.scope.unit
    raise Refusal(missing)


async def paths(directory: Directory, scope: Scope, unit_code: str = "") -> list[str] | None:
    """The subtrees a listing covers: the named unit, else the person's scope (None: the
    whole tree)."""
    if unit_code:
        return [(await unit_in_scope(directory, scope, unit_code)).path]
    if scope.admin:
        return None
    if scope.unit is None:
        raise Refusal(Reason.NOT_ALLOWED)
    return [scope.unit.path]


def typed_date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except PeriodError:
        raise Refusal(Reason.BAD_DATE, text) from None
