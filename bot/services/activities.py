"""Activities: making one (on the command line, or in chat on buttons then a typed title),
listing them, and closing one with a headcount.

A coordinator makes activities in their own subtree, an admin anywhere; the command line
acts as an admin. An activity may belong to a campaign whose days hold its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from bot import clock
from bot.domain.campaigns import (
    Activity,
    ActivityKind,
    Campaign,
    check_headcount,
    check_kind,
    check_name,
    check_range,
    is_token,
    new_token,
    parse_headcount,
)
from bot.domain.draft import SERVICES, services_from_mask, services_mask
from bot.domain.model import Scope, Unit
from bot.domain.refusal import Reason, Refusal
from bot.domain.review import Limits, headcount_status
from bot.services.access import Actor, Directory, Questions
from bot.services.campaigns import Campaigns
from bot.services.scoping import own_or_named_unit, paths, staff_only, unit_in_scope
from bot.storage.activities import ActivityLine, ActivityRepository

HEADCOUNT_WAIT_SECONDS = 10 * 60  # closing an activity waits this long for the typed count
TITLE_WAIT_SECONDS = 10 * 60  # a new activity waits this long for its typed title
DAYS_AHEAD = 7  # the chat form offers today and the six days after it
KINDS = tuple(ActivityKind)
LISTED = 8  # `/activity` shows this many upcoming and recent ones; the form this many campaigns
TITLE_REASONS = frozenset({Reason.BAD_NAME, Reason.NAME_FORMULA})  # the title is typed again


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
        """From button data; anything forged raises Refusal. A form from before the
        campaign was asked (three parts) belongs to no campaign."""
        try:
            parts = [int(part) for part in code.split(".")]
        except ValueError:
            raise Refusal(Reason.STALE_FORM) from None
        if len(parts) == 3:
            parts.append(0)
        if len(parts) != 4:
            raise Refusal(Reason.STALE_FORM)
        kind, days, services, campaign = parts
        if not (-1 <= kind < len(KINDS) and -1 <= days < DAYS_AHEAD):
            raise Refusal(Reason.STALE_FORM)
        if not 0 <= services < 1 << len(SERVICES) or not -1 <= campaign < 10**6:
            raise Refusal(Reason.STALE_FORM)
        return cls(unit_id, kind, days, services, campaign)


@dataclass(frozen=True)
class FormStep:
    """The form's next question, with what its screen shows."""

    form: NewActivity  # its campaign is 0 when none runs on its day: that question is skipped
    unit_name: str
    days: list[dt.date]  # the days offered, from today
    running: list[Campaign]  # the campaigns it may join, while that is asked
    chosen: Campaign | None  # the campaign it joins, once chosen


@dataclass(frozen=True)
class TitleAsked:
    """The buttons are done: the title is asked for this."""

    kind: ActivityKind
    day: dt.date
    unit_name: str


@dataclass(frozen=True)
class Overview:
    """`/activity`: the upcoming activities (the soonest first), then the recent ones."""

    shown: list[ActivityLine]
    upcoming: int  # how many activities are upcoming (not all may be shown)
    recent: int  # how many recent ones are shown


@dataclass(frozen=True)
class ActivityCard:
    activity: Activity
    unit_name: str
    line: ActivityLine | None  # its figures (None if it cannot be counted)


class Activities:
    def __init__(
        self,
        repo: ActivityRepository,
        campaigns: Campaigns,
        directory: Directory,
        questions: Questions,
        limits: Limits | None = None,
    ) -> None:
        self.repo = repo
        self._campaigns = campaigns
        self._directory = directory
        self._questions = questions
        self._limits = limits or Limits()

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
        unit = await unit_in_scope(self._directory, scope, unit_code)
        kind = kind if isinstance(kind, ActivityKind) else check_kind(kind)
        title = check_name(title)
        first_day, last_day = check_range(first, last or first)
        codes = services or []
        unknown = [c for c in codes if c not in SERVICES]
        if unknown:
            raise Refusal(Reason.BAD_SERVICE, ",".join(unknown))
        campaign_id = None
        if campaign_code:
            campaign = await self._campaigns.campaign(campaign_code)
            if not (campaign.first_day <= first_day and last_day <= campaign.last_day):
                raise Refusal(Reason.OUTSIDE_CAMPAIGN, campaign.code)
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
        covered = await paths(self._directory, scope, unit_code)
        campaign = await self._campaigns.campaign(campaign_code) if campaign_code else None
        first_day = clock.day_number(first) if first else 0
        last_day = clock.day_number(last) if last else 10**6
        if first_day > last_day:
            raise Refusal(Reason.RANGE_BACKWARDS)
        campaign_id = campaign.id if campaign else None
        return await self.repo.lines(covered, first_day, last_day, campaign_id)

    async def overview(self, actor: Actor, now: int) -> Overview:
        """`/activity`: what is still to come or running (not closed), the soonest first,
        then the latest of the others."""
        staff_only(actor)
        lines = await self.lines(actor.scope)
        today = clock.day_of(now)
        upcoming = [x for x in lines if x.activity.last_day >= today and not x.activity.closed]
        upcoming.sort(key=lambda x: x.activity.first_day)
        recent = [x for x in lines if x not in upcoming][:LISTED]
        return Overview(upcoming[:LISTED] + recent, len(upcoming), len(recent))

    async def activity(self, scope: Scope, activity_id: int) -> Activity:
        activity = await self.repo.activity(activity_id)
        unit = self._directory.unit(activity.unit_id) if activity else None
        if activity is None or unit is None or not scope.covers(unit):
            raise Refusal(Reason.UNKNOWN_ACTIVITY, str(activity_id))
        return activity

    async def by_token(self, token: str, *, checkin: bool = False) -> Activity | None:
        """By its attendance token, or (`checkin`) its members' check-in token."""
        if not is_token(token):
            return None  # forged: no database work for it
        return await self.repo.activity_by_token(token, checkin=checkin)

    async def line(self, activity: Activity) -> ActivityLine | None:
        """One activity with its figures (members, attendees, assists)."""
        lines = await self.repo.lines(None, activity.first_day, activity.first_day, None)
        return next((x for x in lines if x.activity.id == activity.id), None)

    async def card(self, activity: Activity) -> ActivityCard:
        unit = self._directory.unit(activity.unit_id)
        return ActivityCard(activity, unit.name if unit else "", await self.line(activity))

    # ---- the chat form --------------------------------------------------------------------

    async def new_activity_unit(self, actor: Actor, unit_code: str = "") -> Unit:
        """Where `/activity new` makes the activity: the named unit, else the coordinator's
        own (an admin with no unit must name one)."""
        staff_only(actor)
        return await own_or_named_unit(self._directory, actor, unit_code, Reason.NAME_A_UNIT)

    def form_unit(self, actor: Actor, form: NewActivity) -> Unit:
        """The form's unit, if this person may still make activities there."""
        unit = self._directory.unit(form.unit_id)
        if unit is None or not actor.scope.covers(unit):
            raise Refusal(Reason.NOT_ALLOWED)
        return unit

    async def form_step(self, actor: Actor, form: NewActivity, now: int) -> FormStep:
        """One question at a time: the kind, the day, the campaign (when one is running that
        day), then the services and «Tiếp»."""
        unit = self.form_unit(actor, form)
        running: list[Campaign] = []
        if form.kind >= 0 and form.days_ahead >= 0 and form.campaign < 0:
            running = await self.form_campaigns(form, now)
            if not running:  # nothing to choose from: the question is skipped
                form = replace(form, campaign=0)
        chosen = await self._campaigns.by_id(form.campaign)
        return FormStep(form, unit.name, self.form_days(now), running[:LISTED], chosen)

    async def form_campaigns(self, form: NewActivity, now: int) -> list[Campaign]:
        """The campaigns a new activity may join: running on the form's day (today until
        a day is chosen), for the whole tree or a unit the activity lies in."""
        unit = self._directory.unit(form.unit_id)
        day = clock.day_of(now) + max(form.days_ahead, 0)
        found = []
        for campaign in await self._campaigns.campaigns():
            owner = self._directory.unit(campaign.unit_id) if campaign.unit_id else None
            if campaign.unit_id and (owner is None or unit is None or not owner.contains(unit)):
                continue
            if campaign.first_day <= day <= campaign.last_day:
                found.append(campaign)
        return found

    async def ask_title(self, actor: Actor, form: NewActivity, now: int) -> TitleAsked:
        """The buttons are done: the title is typed next."""
        unit = self.form_unit(actor, form)
        if form.kind < 0 or form.days_ahead < 0:
            raise Refusal(Reason.STALE_FORM)
        await self._questions.ask(
            actor.user_key,
            "activity-title",
            f"{form.unit_id}:{form.code()}",
            now + TITLE_WAIT_SECONDS,
        )
        return TitleAsked(KINDS[form.kind], self.form_days(now)[form.days_ahead], unit.name)

    async def create_from_chat(self, actor: Actor, ref: str, title: str, now: int) -> Activity:
        """The typed title completes the form kept in `ref`. A bad title keeps the question
        open (see TITLE_REASONS); any other refusal ends it."""
        try:
            activity = await self._create(actor, ref, title, now)
        except Refusal as refusal:
            if refusal.reason not in TITLE_REASONS:
                await self._questions.close(actor.user_key)
            raise
        await self._questions.close(actor.user_key)
        return activity

    async def _create(self, actor: Actor, ref: str, title: str, now: int) -> Activity:
        unit_id, _, code = ref.partition(":")
        if not unit_id.isdigit():
            raise Refusal(Reason.STALE_FORM)
        form = NewActivity.decode(int(unit_id), code)
        unit = self._directory.unit(form.unit_id)
        if unit is None or form.kind < 0 or form.days_ahead < 0:
            raise Refusal(Reason.STALE_FORM)
        day = clock.vn_date(now) + dt.timedelta(days=form.days_ahead)
        campaign = await self._campaigns.by_id(form.campaign)
        if form.campaign > 0 and campaign is None:
            raise Refusal(Reason.UNKNOWN_CAMPAIGN)
        return await self.add_activity(
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

    def form_days(self, now: int) -> list[dt.date]:
        """The days the chat form offers, from today."""
        today = clock.vn_date(now)
        return [today + dt.timedelta(days=n) for n in range(DAYS_AHEAD)]

    # ---- closing --------------------------------------------------------------------------

    async def ask_headcount(self, actor: Actor, activity_id: int, now: int) -> Activity:
        """Closing starts with a question: how many attended without Telegram."""
        activity = await self.activity(actor.scope, activity_id)
        if activity.closed:
            raise Refusal(Reason.ALREADY_CLOSED, activity.title)
        await self._questions.ask(
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
            await self._questions.close(actor.user_key)

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
            raise Refusal(Reason.ALREADY_CLOSED, activity.title)
        closed = await self.repo.activity(activity.id)
        assert closed is not None
        return closed
