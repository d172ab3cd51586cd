"""Check-ins and attendance: a member's check-in link and a resident's attendance link.

Any active member may check in to any open activity on one of its days (help across units
is normal); their home unit is kept with the check-in. A resident marks attendance once per
activity, as their pseudonymous key. A link that cannot be used now raises `Refusal`, with
the activity when it is known (the sentence names it).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import clock
from bot.domain.campaigns import Activity
from bot.domain.draft import AGE_BANDS
from bot.domain.refusal import Reason, Refusal
from bot.domain.review import Limits, Status, attendance_status, checkin_status
from bot.services.access import Actor, Directory
from bot.services.activities import Activities
from bot.storage.attendance import AttendanceRepository


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


class Attendance:
    def __init__(
        self,
        repo: AttendanceRepository,
        activities: Activities,
        directory: Directory,
        limits: Limits | None = None,
    ) -> None:
        self.repo = repo
        self._activities = activities
        self._directory = directory
        self._limits = limits or Limits()

    async def check_in(self, actor: Actor, token: str, now: int) -> CheckedIn:
        if actor.member is None:
            raise Refusal(Reason.CHECKIN_NOT_MEMBER)
        if not actor.member.active:
            raise Refusal(Reason.CHECKIN_PAUSED)
        activity = await self._activities.by_token(token, checkin=True)
        if activity is None:
            raise Refusal(Reason.LINK_UNKNOWN)
        _on_its_days(activity, now)
        # Telegram gives no location: a member from another province waits for review.
        status = checkin_status(
            self._directory.province_of(actor.member.unit_id),
            self._directory.province_of(activity.unit_id),
        )
        first = await self.repo.check_in(
            activity.id, actor.member.id, actor.member.unit_id, clock.day_of(now), now, status.value
        )
        unit = self._directory.unit(activity.unit_id)
        return CheckedIn(activity, unit.name if unit else "", first, status is Status.PENDING)

    async def attendance_screen(self, token: str, now: int) -> Activity:
        """What a resident sees before marking attendance."""
        activity = await self._activities.by_token(token)
        if activity is None:
            raise Refusal(Reason.LINK_UNKNOWN)
        if not activity.attended:
            raise Refusal(Reason.NO_ATTENDANCE, activity=activity)
        _on_its_days(activity, now)
        return activity

    async def attend(self, user_key: str, token: str, age_band: str, now: int) -> Attended:
        """Counted once per activity, as the person's pseudonymous key; `/forget` erases it."""
        if age_band and age_band not in AGE_BANDS:
            raise Refusal(Reason.LINK_UNKNOWN)
        screen = await self.attendance_screen(token, now)
        kind = screen.kind.value

        def status_for(marks_before: int) -> str:
            return attendance_status(marks_before, kind, self._limits).value

        first = await self.repo.attend(screen.id, user_key, age_band, now, status_for)
        return Attended(screen, first)


def _on_its_days(activity: Activity, now: int) -> None:
    """Refused unless the activity is open and today is one of its days."""
    if activity.closed:
        raise Refusal(Reason.LINK_CLOSED, activity=activity)
    today = clock.day_of(now)
    if today < activity.first_day:
        raise Refusal(Reason.LINK_NOT_YET, activity=activity)
    if today > activity.last_day:
        raise Refusal(Reason.LINK_OVER, activity=activity)
