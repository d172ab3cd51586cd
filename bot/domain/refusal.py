"""`Refusal`: the one way a service (or the domain's checks, or a report request) refuses.

Services raise `Refusal(reason, detail)`; they never say the sentence themselves. Where the
sentence lives is one place per channel:

- Telegram, as a message: the line of `templates/<lang>/campaign_error.html.j2` named by the
  reason's value (`tell_refusal` and `refusal_text` in `bot/telegram/handlers/common.py`).
  A reason whose sentence is a template of its own (`not_allowed`, `period_usage`, …) has a
  line there that includes it, so every reason is said through that one template.
- Telegram, as a toast for a button press: the `toast_refusal(reason)` label of
  `templates/<lang>/labels.txt.j2` (`answer_refusal`, same module); a reason with no toast
  of its own says `toast_not_allowed`.
- The command line: its own plain English (`bot/cli/campaigns.py`, `bot/cli/review.py`).

`detail` is the part at fault, as typed, for the sentence to quote. The keyword fields are
context a few sentences need: `activity` (a check-in or attendance link's activity),
`example_unit` (a unit code the person may type) and `why` (what exactly is wrong with
`detail`, such as a `PeriodError` reason, one line of `period_usage`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the campaigns module raises Refusal: a type-only import keeps no cycle
    from bot.domain.campaigns import Activity


class Reason(StrEnum):
    """Why a request was refused. Each value is the name of a line of `campaign_error`
    (the refusal test checks that every one is said in both languages, and as a toast)."""

    # who may act where
    NOT_ALLOWED = "not_allowed"
    STAFF_ONLY = "staff_only"  # the command is for coordinators and admins (and reports)
    NAME_A_UNIT = "name_a_unit"  # an admin with no unit of their own must name one
    TEAM_NAME_A_UNIT = "team_name_a_unit"  # the same, for `/team`
    OWN_TARGET = "own_target"  # one's own unit's target is set from above
    NOT_VOLUNTEER = "not_volunteer"  # `/assist` by someone who has not joined
    MEMBER_PAUSED = "member_paused"  # `/assist` by a paused member
    # things that are not there
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_CAMPAIGN = "unknown_campaign"
    UNKNOWN_ACTIVITY = "unknown_activity"
    UNKNOWN_GROUP = "unknown_group"
    STALE_FORM = "stale_form"  # a chat form's buttons that are forged or out of date
    STALE_REPORT = "stale_report"  # a report's button that is forged or out of date
    UNIT_CODE_UNKNOWN = "unit_code_unknown"  # `/report … CODE`, `/invite CODE`: no such unit
    INVITE_USAGE = "invite_usage"  # `/invite` without a unit, or with an unknown role
    NOT_YOURSELF = "not_yourself"  # a coordinator pausing themselves
    # An answer to a question that cannot be used: the question stays open, type it again.
    PHONE_INVALID = "phone_invalid"  # not a Vietnamese mobile number
    COUNT_INVALID = "count_invalid"  # `detail`: the largest count; `why`: «1,5» as typed
    NAME_INVALID = "name_invalid"  # `detail`: the longest name; `why`: "length" or "formula"
    FORM_CLOSED = "form_closed"  # the assist form the typed text was for is gone
    NOT_MEMBER = "not_member"  # /name from someone who has not joined
    # states
    ALREADY_CLOSED = "already_closed"
    CODE_TAKEN = "code_taken"
    # input that cannot be used
    BAD_CODE = "bad_code"
    BAD_NAME = "bad_name"
    NAME_FORMULA = "name_formula"  # a name an exported spreadsheet would run as a formula
    BAD_DATE = "bad_date"
    RANGE_BACKWARDS = "range_backwards"
    RANGE_TOO_LONG = "range_too_long"
    CAMPAIGN_MISSING = "campaign_missing"  # `detail`: the first part missing
    CAMPAIGN_DATES = "campaign_dates"  # a campaign's target with dates of its own
    OUTSIDE_CAMPAIGN = "outside_campaign"
    BAD_KIND = "bad_kind"
    BAD_SERVICE = "bad_service"
    BAD_METRIC = "bad_metric"
    BAD_TARGET = "bad_target"
    TARGET_USAGE = "target_usage"  # `/target` typed in a shape that is not a target
    BAD_HEADCOUNT = "bad_headcount"
    NUMBER_COMMA = "number_comma"  # «1,5»: the Vietnamese decimal mark, not thousands
    EMPTY_GROUP = "empty_group"
    OVERLAPPING_UNITS = "overlapping_units"
    BAD_PERIOD = "bad_period"  # a report's period: `why` is the PeriodError reason
    # a member's check-in link and a resident's attendance link (with `activity` when known)
    CHECKIN_NOT_MEMBER = "checkin_not_member"
    CHECKIN_PAUSED = "checkin_paused"
    LINK_UNKNOWN = "link_unknown"
    LINK_CLOSED = "link_closed"
    LINK_NOT_YET = "link_not_yet"
    LINK_OVER = "link_over"
    NO_ATTENDANCE = "no_attendance"  # the activity does not take residents' attendance
    # a resident's confirmation link
    CONFIRM_UNKNOWN = "confirm_unknown"
    CONFIRM_USED = "confirm_used"
    CONFIRM_EXPIRED = "confirm_expired"
    CONFIRM_OWN = "confirm_own"  # the volunteer opened their own link
    CONFIRM_NOT_YOURS = "confirm_not_yours"  # a link asked for someone else's assist
    # invites
    INVITE_UNKNOWN = "invite_unknown"
    INVITE_EXPIRED = "invite_expired"
    INVITE_USED_UP = "invite_used_up"
    INVITE_PAUSED = "invite_paused"  # a paused member opened an invite
    # review decisions
    REVIEW_OWN = "review_own"  # one's own entry, while another admin could decide
    REVIEW_OUT_OF_SCOPE = "review_out_of_scope"
    REVIEW_GONE = "review_gone"  # decided already, or undone


class Refusal(ValueError):
    """A request refused for `reason`; `detail` is the part at fault (may be empty), and the
    keyword fields the context a sentence needs (see the module's docstring)."""

    def __init__(
        self,
        reason: Reason,
        detail: str = "",
        *,
        activity: Activity | None = None,
        example_unit: str = "",
        why: str = "",
    ) -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail
        self.activity = activity
        self.example_unit = example_unit
        self.why = why
