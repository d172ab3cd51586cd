"""Plausibility limits and who may review: figures a union can sign.

Nothing that crosses a limit is refused or lost: it is saved with the status "pending"
(chờ duyệt) and stays out of every total until a reviewer approves it; a rejected entry is
kept as "rejected" and never counts. These functions decide on plain values; storage calls
them inside the same transaction that writes, so two entries cannot both slip under a limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    OK = "ok"
    PENDING = "pending"
    REJECTED = "rejected"


class Subject(StrEnum):
    """What a review decides on."""

    ASSIST = "assist"  # a record (one resident, or one age band of a batch)
    HEADCOUNT = "headcount"  # an activity's typed closing headcount
    ATTENDANCE = "attendance"  # one resident's attendance mark
    CHECKIN = "checkin"  # one member's check-in to an activity


@dataclass(frozen=True)
class Limits:
    """The settings (REVIEW_*) as plain values."""

    daily_people: int = 200
    headcount_floor: int = 200
    headcount_multiple: int = 3
    attendance_cap: tuple[tuple[str, int], ...] = (("class", 150), ("campaign_day", 500))

    def attendance_cap_of(self, kind: str) -> int | None:
        return dict(self.attendance_cap).get(kind)


def assist_status(entered_today: int, people: int, limits: Limits) -> Status:
    """A volunteer's entry waits once the people they entered today (Vietnam day of entry,
    whatever day the records are dated) would pass the daily limit: back-dating cannot
    spread a flood over several days."""
    return Status.PENDING if entered_today + people > limits.daily_people else Status.OK


def headcount_status(headcount: int, marked: int, limits: Limits) -> Status:
    """A typed headcount waits when it is above both the floor and a multiple of the marked
    attendance: a class of residents without phones (0 marks) stays under the floor."""
    if headcount > limits.headcount_floor and headcount > limits.headcount_multiple * marked:
        return Status.PENDING
    return Status.OK


def attendance_status(marks_before: int, kind: str, limits: Limits) -> Status:
    """Marks past the activity kind's cap wait for review."""
    cap = limits.attendance_cap_of(kind)
    return Status.PENDING if cap is not None and marks_before >= cap else Status.OK


def checkin_status(home_province: int | None, activity_province: int | None) -> Status:
    """Telegram gives no location: a member whose home unit lies in another province than the
    activity's is the signal that the check-in may be remote."""
    if home_province is not None and home_province == activity_province:
        return Status.OK
    return Status.PENDING


@dataclass(frozen=True)
class Reviewer:
    """Who is deciding: an admin, a coordinator with their scope's path, or the command line
    (an operator on the server, who acts as an admin)."""

    label: str  # for the log: "m<member number>", "admin", "cli"
    admin: bool
    scope_path: str | None  # a coordinator's subtree ("/1/5/"); None for admins
    member_id: int | None  # to tell their own entries
    user_key: str = ""


@dataclass(frozen=True)
class Entry:
    """One thing that waits: enough to decide who may review it."""

    subject: Subject
    ref: str
    unit_path: str
    entered_by_member: int | None  # the volunteer or member who made it, if one did
    entered_by_key: str = ""  # a closing headcount: the pseudonym of who typed it


def may_review(reviewer: Reviewer, entry: Entry, other_admins: bool) -> tuple[str, str]:
    """(refusal, note for the log); an empty refusal means allowed. A coordinator whose scope
    holds the entry's unit, other than the person who entered it; admins. An admin may decide
    on their own entry only when there is no other admin, and the log says so."""
    own = (reviewer.member_id is not None and reviewer.member_id == entry.entered_by_member) or (
        bool(reviewer.user_key) and reviewer.user_key == entry.entered_by_key
    )
    if reviewer.admin:
        if own and other_admins:
            return "own", ""
        return "", "own entry, no other admin" if own else ""
    if reviewer.scope_path is None or not entry.unit_path.startswith(reviewer.scope_path):
        return "not_allowed", ""
    return ("own", "") if own else ("", "")
