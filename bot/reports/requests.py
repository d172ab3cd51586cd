"""What `/report [period] [unit-code]` (and /export, /chart, and their buttons) asks for.

The rules: only staff; the scope is one's own subtree (admins: everything) or a unit in it
named by its code; the period is parsed in Vietnam's calendar. A request that breaks them
raises `Refusal`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import clock
from bot.domain.campaigns import Campaign, Cluster
from bot.domain.model import Unit
from bot.domain.periods import Period, PeriodError, parse_period
from bot.domain.refusal import Reason, Refusal
from bot.services.access import Actor, Directory, example_unit
from bot.texts.folding import fold


@dataclass(frozen=True)
class Reading:
    """How words that could be read two ways were read, to be said with the report:
    «tháng 11» is November (kind "period"), not unit 11 for this month; or a number that
    is no month or quarter was taken as a unit's code (kind "unit")."""

    kind: str  # "period" or "unit"
    words: str  # as typed
    period: Period
    unit_code: str
    unit_name: str


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    scope: Unit | None  # None: the whole tree (or the cluster below)
    group: Cluster | None = None  # a cluster of units (cụm), for those who see all of it
    group_units: tuple[Unit, ...] = ()
    campaign: Campaign | None = None  # its activities and targets only
    reading: Reading | None = None


GROUP_WORDS = frozenset({"cum", "nhom", "group"})
CAMPAIGN_WORDS = frozenset({"dot", "campaign", "chiendich"})


def split_keywords(args: list[str]) -> tuple[list[str], str, str]:
    """`/report tháng cụm NTB đợt BDHVS-2`: the other words, the group code, the campaign
    code (each "" when not given)."""
    rest: list[str] = []
    group = campaign = ""
    words = iter(args)
    for word in words:
        key = fold(word).replace(" ", "")
        if key in GROUP_WORDS:
            group = next(words, "")
        elif key in CAMPAIGN_WORDS:
            campaign = next(words, "")
        else:
            rest.append(word)
    return rest, group, campaign


def with_group_and_campaign(
    actor: Actor,
    request: ReportRequest,
    group: Cluster | None,
    units: list[Unit],
    campaign: Campaign | None,
    period_given: bool,
) -> ReportRequest:
    """A cluster is reported to those who may see every unit of it; a campaign without a
    period covers the campaign's own days."""
    if group is not None and not all(actor.scope.covers(u) for u in units):
        raise Refusal(Reason.STAFF_ONLY)
    period = request.period
    if campaign is not None and not period_given:
        period = Period(
            "custom",
            clock.day_date(campaign.first_day),
            clock.day_date(campaign.last_day),
        )
    return ReportRequest(
        period,
        None if group is not None else request.scope,
        group,
        tuple(units) if group is not None else (),
        campaign,
        request.reading,
    )


_CODE_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,23}$")


def from_command(
    actor: Actor, args: list[str], today: dt.date, directory: Directory
) -> ReportRequest:
    """A unit code (last) reaches any unit in one's scope, not only the biggest ones that get
    drill-down buttons."""
    if not actor.staff:
        raise Refusal(Reason.STAFF_ONLY)
    example = example_unit(actor, directory)
    unit = directory.unit_by_code(args[-1]) if args else None
    rest = _period_or_none(args[:-1], today) if args else None
    try:
        whole = parse_period(" ".join(args), today)
    except PeriodError as error:
        wrong = error
    else:
        # «tháng 11»: a period reading fits, so 11 is the month, and the answer says so.
        reading = None
        if unit is not None and rest is not None and actor.scope.covers(unit):
            reading = Reading("period", " ".join(args), whole, unit.code, unit.name)
        return ReportRequest(whole, actor.report_root, reading=reading)
    if unit is not None:
        if not actor.scope.covers(unit):
            raise Refusal(Reason.STAFF_ONLY)  # whose sentence says: within their own unit
        try:
            period = parse_period(" ".join(args[:-1]), today)
        except PeriodError as error:
            raise _bad_period(error, example) from None
        reading = None
        if wrong.reason != "unknown":  # «quý 11»: no quarter 11, so unit 11 this quarter
            reading = Reading("unit", " ".join(args), period, unit.code, unit.name)
        return ReportRequest(period, unit, reading=reading)
    last = args[-1] if args else ""
    if wrong.reason == "unknown" and rest is not None and _looks_like_code(last):
        raise Refusal(Reason.UNIT_CODE_UNKNOWN, args[-1][:24])
    raise _bad_period(wrong, example)


def _bad_period(error: PeriodError, example_unit: str) -> Refusal:
    """The words at fault and what is wrong with them, with a unit code for the example."""
    return Refusal(Reason.BAD_PERIOD, error.part[:40], why=error.reason, example_unit=example_unit)


def _looks_like_code(word: str) -> bool:
    """A unit code as typed: letters, digits and dashes, with a digit (00004, CD-BD-1)."""
    return bool(_CODE_LIKE.match(word)) and any(c.isdigit() for c in word)


def _period_or_none(args: list[str], today: dt.date) -> Period | None:
    try:
        return parse_period(" ".join(args), today)
    except PeriodError:
        return None


def shows_reader_drops(actor: Actor, request: ReportRequest) -> bool:
    """Where readers leave guides is for admins, on the whole tree's report."""
    return actor.scope.admin and request.scope is None and request.group is None


def offers_clusters(actor: Actor, scope: Unit | None, group_id: int) -> bool:
    """The whole tree's report offers admins its clusters (cụm) as buttons."""
    return scope is None and not group_id and actor.scope.admin


@dataclass(frozen=True)
class ButtonRef:
    """What a report's buttons carry, so that a cluster's or a campaign's report stays one
    when its period changes: `<unit id>` (0: the whole tree) or `g<group id>`, then
    `c<campaign id>` when a campaign narrows it."""

    unit_id: int = 0
    group_id: int = 0
    campaign_id: int = 0

    def encode(self) -> str:
        where = f"g{self.group_id}" if self.group_id else str(self.unit_id)
        return where + (f"c{self.campaign_id}" if self.campaign_id else "")


_BUTTON_REF = re.compile(r"^(?:(?P<unit>\d{1,9})|g(?P<group>\d{1,6}))(?:c(?P<campaign>\d{1,6}))?$")


def parse_button_ref(ref: str) -> ButtonRef | None:
    """None for anything these buttons never carry (forged or from an older format)."""
    found = _BUTTON_REF.match(ref)
    if found is None:
        return None
    return ButtonRef(int(found["unit"] or 0), int(found["group"] or 0), int(found["campaign"] or 0))


def from_button(
    actor: Actor,
    ref: ButtonRef,
    period_code: str,
    today: dt.date,
    directory: Directory,
    group: tuple[Cluster, list[Unit]] | None = None,
    campaign: Campaign | None = None,
) -> ReportRequest:
    """A report button. Unit 0 is the whole tree, which only admins may see; `group` and
    `campaign` are what the button's ids name (None when they no longer exist)."""
    try:
        period = parse_period(period_code, today)
    except PeriodError:
        raise Refusal(Reason.STALE_REPORT) from None
    if (ref.group_id and group is None) or (ref.campaign_id and campaign is None):
        raise Refusal(Reason.STALE_REPORT)
    if group is not None:
        return with_group_and_campaign(
            actor, ReportRequest(period, None), *group, campaign, period_given=True
        )
    unit = directory.unit(ref.unit_id) if ref.unit_id else None
    allowed = (
        actor.scope.admin if ref.unit_id == 0 else unit is not None and actor.scope.covers(unit)
    )
    if not allowed:
        raise Refusal(Reason.STAFF_ONLY)
    return ReportRequest(period, unit, campaign=campaign)
