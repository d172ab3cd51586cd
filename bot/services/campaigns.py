"""Campaigns, activities, check-ins, attendance, targets and clusters: who may do what, once.

Admins act anywhere; a coordinator makes campaigns, activities and targets in their own
subtree (targets only for units below their own: one's own target is set from above). The
command line acts as an admin. Any active member may check in to any open activity on one of
its days (help across units is normal); their home unit is kept with the check-in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import clock
from bot.domain.campaigns import (
    TEAM_KIND,
    Activity,
    ActivityKind,
    Campaign,
    CampaignError,
    Group,
    Target,
    check_code,
    check_headcount,
    check_kind,
    check_metric,
    check_name,
    check_range,
    check_target,
    code_for,
    day_number,
    is_token,
    new_token,
    parse_headcount,
    split_name_and_days,
    target_period,
)
from bot.domain.catalog import AGE_BANDS, SERVICES, services_from_mask, services_mask
from bot.domain.model import Member, Scope, Unit
from bot.domain.periods import PeriodError, parse_date
from bot.domain.review import (
    Limits,
    Status,
    attendance_status,
    checkin_status,
    headcount_status,
)
from bot.domain.units_csv import UnitRow
from bot.services.access import Actor
from bot.services.directory import Directory
from bot.services.waiting import Waiting
from bot.storage.campaigns import ActivityFigures, ActivityLine, CampaignRepository
from bot.storage.units import UnitRepository

ADMIN = Scope(admin=True)  # the command line
HEADCOUNT_WAIT_SECONDS = 10 * 60  # closing an activity waits this long for the typed count
TITLE_WAIT_SECONDS = 10 * 60  # a new activity waits this long for its typed title
NEW_CAMPAIGN_WAIT_SECONDS = 10 * 60  # «➕ Đợt mới» waits this long for the name and dates
DAYS_AHEAD = 7  # the chat form offers today and the six days after it
KINDS = tuple(ActivityKind)


@dataclass(frozen=True)
class NewActivity:
    """The chat form for a new activity, as it travels in its buttons: the unit, the kind,
    how many days from today, the services (a bit mask) and the campaign it belongs to."""

    unit_id: int
    kind: int = -1  # an index into KINDS; -1 while not chosen
    days_ahead: int = -1
    services: int = 0
    campaign: int = -1  # a campaign's id; 0 for none; -1 while not asked

    def code(self) -> str:
        return f"{self.kind}.{self.days_ahead}.{self.services}.{self.campaign}"

    @classmethod
    def decode(cls, unit_id: int, code: str) -> NewActivity:
        """From button data; anything forged raises CampaignError. A form from before the
        campaign was asked (three parts) belongs to no campaign."""
        try:
            parts = [int(part) for part in code.split(".")]
        except ValueError:
            raise CampaignError("stale_form") from None
        if len(parts) == 3:
            parts.append(0)
        if len(parts) != 4:
            raise CampaignError("stale_form")
        kind, days, services, campaign = parts
        if not (-1 <= kind < len(KINDS) and -1 <= days < DAYS_AHEAD):
            raise CampaignError("stale_form")
        if not 0 <= services < 1 << len(SERVICES) or not -1 <= campaign < 10**6:
            raise CampaignError("stale_form")
        return cls(unit_id, kind, days, services, campaign)


@dataclass(frozen=True)
class CheckedIn:
    activity: Activity
    unit_name: str
    first_time: bool
    pending: bool = False  # from another province: counted once a reviewer approves it


@dataclass(frozen=True)
class Attended:
    activity: Activity
    first_time: bool


@dataclass(frozen=True)
class LinkRefused:
    """A check-in or attendance link that cannot be used now; `reason` names the line of
    the template that says why."""

    reason: str  # not_member, paused, unknown, closed, not_yet, over, not_attended
    activity: Activity | None = None


class Campaigns:
    def __init__(
        self,
        repo: CampaignRepository,
        directory: Directory,
        waiting: Waiting,
        units: UnitRepository,
        limits: Limits | None = None,
    ) -> None:
        self._limits = limits or Limits()
        self.repo = repo
        self._units = units
        self._directory = directory
        self._waiting = waiting

    # ---- campaigns --------------------------------------------------------------------

    async def add_campaign(
        self,
        scope: Scope,
        who: str,
        code: str,
        name: str,
        first: dt.date,
        last: dt.date,
        unit_code: str = "",
        now: int = 0,
    ) -> Campaign:
        """A coordinator's campaign belongs to their subtree; an admin's to the whole tree
        unless a unit is named."""
        code, name = check_code(code), check_name(name)
        first_day, last_day = check_range(first, last)
        unit = await self._unit_in_scope(scope, unit_code) if unit_code else scope.unit
        if unit is None and not scope.admin:
            raise CampaignError("not_allowed")
        campaign = await self.repo.add_campaign(
            code, name, unit.id if unit else None, first_day, last_day, who, now or clock.now()
        )
        if campaign is None:
            raise CampaignError("code_taken", code)
        return campaign

    async def ask_new_campaign(self, actor: Actor, now: int, name: str = "") -> None:
        """«➕ Đợt mới»: the name and the dates are typed next (the name alone first is fine:
        then the dates are asked for, and the name kept in the question)."""
        if not actor.staff:
            raise CampaignError("not_allowed")
        await self._waiting.expect(
            actor.user_key, "campaign-new", name, now + NEW_CAMPAIGN_WAIT_SECONDS
        )

    async def campaign_from_chat(
        self, actor: Actor, kept_name: str, text: str, now: int
    ) -> Campaign | None:
        """The typed answer to «➕ Đợt mới»: a name and two dates make the campaign, its code
        made from the name; a name alone is kept, and None says the dates are asked next.
        A mistake raises CampaignError and leaves the question open."""
        name, days = split_name_and_days(text)
        name = name or kept_name
        check_name(name)
        if not days:
            await self.ask_new_campaign(actor, now, name)
            return None
        if len(days) != 2:
            raise CampaignError("campaign_missing", "last")
        first, last = (_typed_date(d) for d in days)
        check_range(first, last)
        base = code_for(name, first)
        for number in range(1, 100):
            code = base if number == 1 else f"{base}-{number}"
            try:
                campaign = await self.add_campaign(
                    actor.scope, actor.user_key, code, name, first, last, now=now
                )
            except CampaignError as error:
                if error.reason == "code_taken":
                    continue
                raise
            await self._waiting.close(actor.user_key)
            return campaign
        raise CampaignError("code_taken", base)

    async def campaign(self, code: str) -> Campaign:
        campaign = await self.repo.campaign(check_code(code))
        if campaign is None:
            raise CampaignError("unknown_campaign", code)
        return campaign

    async def campaigns(self) -> list[Campaign]:
        return await self.repo.campaigns()

    # ---- activities -------------------------------------------------------------------

    async def add_activity(
        self,
        scope: Scope,
        who: str,
        unit_code: str,
        kind: str | ActivityKind,
        title: str,
        first: dt.date,
        last: dt.date | None = None,
        place: str = "",
        services: list[str] | None = None,
        campaign_code: str = "",
        now: int = 0,
    ) -> Activity:
        unit = await self._unit_in_scope(scope, unit_code)
        kind = kind if isinstance(kind, ActivityKind) else check_kind(kind)
        title = check_name(title)
        first_day, last_day = check_range(first, last or first)
        codes = services or []
        unknown = [c for c in codes if c not in SERVICES]
        if unknown:
            raise CampaignError("bad_service", ",".join(unknown))
        campaign_id = None
        if campaign_code:
            campaign = await self.campaign(campaign_code)
            if not (campaign.first_day <= first_day and last_day <= campaign.last_day):
                raise CampaignError("outside_campaign", campaign.code)
            campaign_id = campaign.id
        place = " ".join(place.split())[:200]
        return await self.repo.add_activity(
            new_token(),
            new_token(),  # check-in: its own token, so the public attendance QR cannot give it
            unit.id,
            kind,
            title,
            first_day,
            last_day,
            place,
            services_mask(codes),
            campaign_id,
            who,
            now or clock.now(),
        )

    async def lines(
        self,
        scope: Scope,
        unit_code: str = "",
        first: dt.date | None = None,
        last: dt.date | None = None,
        campaign_code: str = "",
    ) -> list[ActivityLine]:
        """Activities in what this person may see, newest first."""
        paths = await self.paths(scope, unit_code)
        campaign_id = (await self.campaign(campaign_code)).id if campaign_code else None
        first_day = day_number(first) if first else 0
        last_day = day_number(last) if last else 10**6
        if first_day > last_day:
            raise CampaignError("range_backwards")
        return await self.repo.lines(paths, first_day, last_day, campaign_id)

    async def figures(
        self, paths: list[str] | None, first_day: int, last_day: int, campaign_id: int | None
    ) -> ActivityFigures:
        return await self.repo.figures(paths, first_day, last_day, campaign_id)

    async def activity(self, scope: Scope, activity_id: int) -> Activity:
        activity = await self.repo.activity(activity_id)
        unit = self._directory.unit(activity.unit_id) if activity else None
        if activity is None or unit is None or not scope.covers(unit):
            raise CampaignError("unknown_activity", str(activity_id))
        return activity

    async def line(self, activity: Activity) -> ActivityLine | None:
        """One activity with its figures (members, attendees, assists)."""
        lines = await self.repo.lines(None, activity.first_day, activity.first_day, None)
        return next((x for x in lines if x.activity.id == activity.id), None)

    async def new_activity_unit(self, actor: Actor, unit_code: str = "") -> Unit:
        """Where `/activity new` makes the activity: the named unit, else the coordinator's
        own (an admin with no unit must name one)."""
        if unit_code:
            return await self._unit_in_scope(actor.scope, unit_code)
        if actor.scope.unit is not None:
            return actor.scope.unit
        raise CampaignError("name_a_unit")

    def named_unit(self, code: str) -> Unit | None:
        """The unit with this code, if there is one (whether it may be used is checked
        where it is used)."""
        return self._directory.unit_by_code(code.strip())

    def form_unit(self, actor: Actor, form: NewActivity) -> Unit:
        """The form's unit, if this person may still make activities there."""
        unit = self._directory.unit(form.unit_id)
        if unit is None or not actor.scope.covers(unit):
            raise CampaignError("not_allowed")
        return unit

    async def form_campaigns(self, form: NewActivity, now: int) -> list[Campaign]:
        """The campaigns a new activity may join: running on the form's day (today until
        a day is chosen), for the whole tree or a unit the activity lies in."""
        unit = self._directory.unit(form.unit_id)
        day = clock_day(now) + max(form.days_ahead, 0)
        found = []
        for campaign in await self.repo.campaigns():
            owner = self._directory.unit(campaign.unit_id) if campaign.unit_id else None
            if campaign.unit_id and (owner is None or unit is None or not owner.contains(unit)):
                continue
            if campaign.first_day <= day <= campaign.last_day:
                found.append(campaign)
        return found

    async def form_campaign(self, form: NewActivity) -> Campaign | None:
        """The campaign the form chose, if any (and if it still exists)."""
        return await self.repo.campaign_by_id(form.campaign) if form.campaign > 0 else None

    async def ask_title(self, actor: Actor, form: NewActivity, now: int) -> None:
        """The buttons are done: the title is typed next."""
        unit = self._directory.unit(form.unit_id)
        if unit is None or not actor.scope.covers(unit) or form.kind < 0 or form.days_ahead < 0:
            raise CampaignError("stale_form")
        await self._waiting.expect(
            actor.user_key,
            "activity-title",
            f"{form.unit_id}:{form.code()}",
            now + TITLE_WAIT_SECONDS,
        )

    async def create_from_chat(self, actor: Actor, ref: str, title: str, now: int) -> Activity:
        """The typed title completes the form kept in `ref`; a bad title keeps it open."""
        unit_id, _, code = ref.partition(":")
        if not unit_id.isdigit():
            raise CampaignError("stale_form")
        form = NewActivity.decode(int(unit_id), code)
        unit = self._directory.unit(form.unit_id)
        if unit is None or form.kind < 0 or form.days_ahead < 0:
            raise CampaignError("stale_form")
        day = clock.vn_date(now) + dt.timedelta(days=form.days_ahead)
        campaign = await self.form_campaign(form)
        if form.campaign > 0 and campaign is None:
            raise CampaignError("unknown_campaign")
        activity = await self.add_activity(
            actor.scope,
            actor.user_key,
            unit.code,
            KINDS[form.kind],
            title,
            day,
            services=services_from_mask(form.services),
            campaign_code=campaign.code if campaign else "",
            now=now,
        )
        await self._waiting.close(actor.user_key)
        return activity

    def form_days(self, now: int) -> list[dt.date]:
        """The days the chat form offers, from today."""
        today = clock.vn_date(now)
        return [today + dt.timedelta(days=n) for n in range(DAYS_AHEAD)]

    async def ask_headcount(self, actor: Actor, activity_id: int, now: int) -> Activity:
        """Closing starts with a question: how many attended without Telegram."""
        activity = await self.activity(actor.scope, activity_id)
        if activity.closed:
            raise CampaignError("already_closed", activity.title)
        await self._waiting.expect(
            actor.user_key, "headcount", str(activity.id), now + HEADCOUNT_WAIT_SECONDS
        )
        return activity

    async def close_with_text(self, actor: Actor, activity_ref: str, text: str) -> Activity:
        """The typed answer: «40 25» (40 attendees without Telegram, 25 of them under 30),
        or «40», or «0». A malformed answer keeps the question open."""
        total, youth = parse_headcount(text)
        try:
            return await self.close(actor.scope, int(activity_ref), total, youth, actor.user_key)
        finally:
            await self._waiting.close(actor.user_key)

    async def close(
        self, scope: Scope, activity_id: int, headcount: int, youth: int, who: str = ""
    ) -> Activity:
        """Close an activity, adding an anonymous headcount of people present without
        Telegram (a total, and how many of them are under 30). An implausible headcount
        (see review.headcount_status) is kept, waiting for review outside the totals."""
        activity = await self.activity(scope, activity_id)
        headcount, youth = check_headcount(headcount, youth)

        def status_for(marked: int) -> str:
            return headcount_status(headcount, marked, self._limits).value

        if activity.closed or not await self.repo.close(
            activity.id, headcount, youth, clock.now(), status_for, who
        ):
            raise CampaignError("already_closed", activity.title)
        closed = await self.repo.activity(activity.id)
        assert closed is not None
        return closed

    # ---- check-in and attendance ------------------------------------------------------

    async def check_in(self, actor: Actor, token: str, now: int) -> CheckedIn | LinkRefused:
        if actor.member is None:
            return LinkRefused("not_member")
        if not actor.member.active:
            return LinkRefused("paused")
        activity = await self._by_token(token, checkin=True)
        if activity is None:
            return LinkRefused("unknown")
        refused = _on_its_days(activity, now)
        if refused is not None:
            return refused
        # Telegram gives no location: a member from another province waits for review.
        status = checkin_status(
            self._directory.province_of(actor.member.unit_id),
            self._directory.province_of(activity.unit_id),
        )
        first = await self.repo.check_in(
            activity.id, actor.member.id, actor.member.unit_id, clock_day(now), now, status.value
        )
        unit = self._directory.unit(activity.unit_id)
        return CheckedIn(activity, unit.name if unit else "", first, status is Status.PENDING)

    async def attendance_screen(self, token: str, now: int) -> Activity | LinkRefused:
        """What a resident sees before marking attendance."""
        activity = await self._by_token(token)
        if activity is None:
            return LinkRefused("unknown")
        if not activity.attended:
            return LinkRefused("not_attended", activity)
        return _on_its_days(activity, now) or activity

    async def attend(
        self, user_key: str, token: str, age_band: str, now: int
    ) -> Attended | LinkRefused:
        """Counted once per activity, as the person's pseudonymous key; `/forget` erases it."""
        if age_band and age_band not in AGE_BANDS:
            return LinkRefused("unknown")
        screen = await self.attendance_screen(token, now)
        if isinstance(screen, LinkRefused):
            return screen
        kind = screen.kind.value

        def status_for(marks_before: int) -> str:
            return attendance_status(marks_before, kind, self._limits).value

        first = await self.repo.attend(screen.id, user_key, age_band, now, status_for)
        return Attended(screen, first)

    async def today(self, member: Member, now: int) -> Activity | None:
        """The activity a member's assists of today belong to: the one they checked in to."""
        return await self.repo.checked_in(member.id, clock_day(now))

    # ---- targets and clusters ---------------------------------------------------------

    async def set_target(
        self,
        scope: Scope,
        unit_code: str,
        campaign_code: str,
        metric: str,
        value: int,
        first: dt.date | None = None,
        last: dt.date | None = None,
        now: int | None = None,
    ) -> tuple[Unit, Target]:
        """A target for a unit's subtree over one period (see `target_period`); the same
        unit, campaign, metric and first day again replaces it."""
        unit = await self._unit_in_scope(scope, unit_code)
        if not scope.admin and scope.unit is not None and unit.id == scope.unit.id:
            raise CampaignError("own_target")  # a target is set from above
        metric, value = check_metric(metric), check_target(value)
        campaign = await self.campaign(campaign_code) if campaign_code else None
        today = clock.vn_date(clock.now() if now is None else now)
        first_day, last_day = target_period(campaign, first, last, today)
        target = Target(
            unit.id, campaign.id if campaign else None, metric, value, first_day, last_day
        )
        await self.repo.set_target(target)
        return unit, target

    async def add_group(self, code: str, name: str, unit_codes: list[str]) -> Group:
        """A cluster of units (admins and the command line). Units may not overlap: a unit
        inside another of the group would be counted twice."""
        code, name = check_code(code), check_name(name)
        await self._directory.fresh()
        units = []
        for unit_code in unit_codes:
            unit = self._directory.unit_by_code(unit_code.strip())
            if unit is None:
                raise CampaignError("unknown_unit", unit_code)
            units.append(unit)
        if not units:
            raise CampaignError("empty_group", code)
        for a in units:
            for b in units:
                if a.id != b.id and a.contains(b):
                    raise CampaignError("overlapping_units", f"{a.code} ⊃ {b.code}")
        return await self.repo.add_group(code, name, [u.id for u in units])

    async def group(self, code: str) -> tuple[Group, list[Unit]]:
        group = await self.repo.group(check_code(code))
        if group is None:
            raise CampaignError("unknown_group", code)
        await self._directory.fresh()
        units = [u for u in (self._directory.unit(i) for i in group.unit_ids) if u is not None]
        return group, units

    async def groups(self) -> list[Group]:
        return await self.repo.groups()

    async def named_by_ids(
        self, group_id: int, campaign_id: int
    ) -> tuple[tuple[Group, list[Unit]] | None, Campaign | None]:
        """What a report button's ids name (0: none asked), each None once it is gone."""
        group = None
        if group_id:
            found = next((g for g in await self.repo.groups() if g.id == group_id), None)
            if found is not None:
                await self._directory.fresh()
                units = [self._directory.unit(i) for i in found.unit_ids]
                group = (found, [u for u in units if u is not None])
        campaign = await self.repo.campaign_by_id(campaign_id) if campaign_id else None
        return group, campaign

    # ---- teams ----------------------------------------------------------------------------

    async def add_team(self, scope: Scope, unit_code: str, name: str) -> Unit:
        """A đội hình: a unit of kind `team` under `unit_code`, coded `<unit>-DH<n>`, which
        members can be invited into (`/invite <team code>`)."""
        parent = await self._unit_in_scope(scope, unit_code)
        name = check_name(name)
        taken = {u.code for u in self._directory.children(parent.id)}
        number = 1
        while f"{parent.code}-DH{number}" in taken:
            number += 1
        code = f"{parent.code}-DH{number}"
        result = await self._units.import_rows([UnitRow(0, code, name, TEAM_KIND, parent.code)])
        if result.problems:
            raise CampaignError("bad_name", "; ".join(result.problems)[:80])
        self._directory.mark_stale()
        await self._directory.fresh()
        team = self._directory.unit_by_code(code)
        assert team is not None
        return team

    def teams(self, scope: Scope, unit: Unit) -> list[Unit]:
        """The teams directly under a unit."""
        if not scope.covers(unit):
            raise CampaignError("not_allowed")
        return [u for u in self._directory.children(unit.id) if u.kind == TEAM_KIND]

    # ---- helpers ------------------------------------------------------------------------

    async def paths(self, scope: Scope, unit_code: str = "") -> list[str] | None:
        """The subtrees a listing covers: the named unit, else the person's scope."""
        if unit_code:
            return [(await self._unit_in_scope(scope, unit_code)).path]
        if scope.admin:
            return None
        if scope.unit is None:
            raise CampaignError("not_allowed")
        return [scope.unit.path]

    async def _unit_in_scope(self, scope: Scope, code: str) -> Unit:
        await self._directory.fresh()
        unit = self._directory.unit_by_code(code.strip())
        if unit is None:
            raise CampaignError("unknown_unit", code)
        if not scope.covers(unit):
            raise CampaignError("not_allowed", code)
        return unit

    async def _by_token(self, token: str, *, checkin: bool = False) -> Activity | None:
        if not is_token(token):
            return None  # forged: no database work for it
        return await self.repo.activity_by_token(token, checkin=checkin)


def _typed_date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except PeriodError:
        raise CampaignError("bad_date", text) from None


def clock_day(now: int) -> int:
    return day_number(clock.vn_date(now))


def _on_its_days(activity: Activity, now: int) -> LinkRefused | None:
    if activity.closed:
        return LinkRefused("closed", activity)
    today = clock_day(now)
    if today < activity.first_day:
        return LinkRefused("not_yet", activity)
    if today > activity.last_day:
        return LinkRefused("over", activity)
    return None
