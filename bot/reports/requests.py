"""What `/report [period] [unit-code]` (and /export, /chart, and their buttons) asks for.

The rules: only staff; the scope is one's own subtree (admins: everything) or a unit in it
named by its code; the period is parsed in Vietnam's calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.reach.domain.model import Unit
from bot.reach.domain.periods import Period, PeriodError, parse_period
from bot.reach.services.access import Actor, example_unit
from bot.reach.services.directory import Directory


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    scope: Unit | None  # None: the whole tree


@dataclass(frozen=True)
class ReportRefused:
    template: str  # "not_allowed" or "period_usage" (for a tap: a toast label)
    example_unit: str = ""  # a unit code the person may use, for the usage text


def from_command(
    actor: Actor, args: list[str], today: dt.date, directory: Directory
) -> ReportRequest | ReportRefused:
    """A unit code (last) reaches any unit in one's scope, not only the biggest ones that get
    drill-down buttons."""
    if not actor.staff:
        return ReportRefused("not_allowed")
    try:
        return ReportRequest(parse_period(" ".join(args), today), actor.report_root)
    except PeriodError:
        pass
    unit = directory.unit_by_code(args[-1]) if args else None
    if unit is not None:
        if not actor.scope.covers(unit):
            return ReportRefused("not_allowed")
        try:
            return ReportRequest(parse_period(" ".join(args[:-1]), today), unit)
        except PeriodError:
            pass
    return ReportRefused("period_usage", example_unit(actor, directory))


def from_button(
    actor: Actor, unit_ref: int, period_code: str, today: dt.date, directory: Directory
) -> ReportRequest | ReportRefused:
    """A report button: `unit_ref` 0 is the whole tree, which only admins may see."""
    try:
        period = parse_period(period_code, today)
    except PeriodError:
        return ReportRefused("toast_stale_form")
    unit = directory.unit(unit_ref) if unit_ref else None
    allowed = actor.scope.admin if unit_ref == 0 else unit is not None and actor.scope.covers(unit)
    if not allowed:
        return ReportRefused("toast_not_allowed")
    return ReportRequest(period, unit)
