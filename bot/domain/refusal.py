"""`Refusal`: the one way a campaign, activity, target, cluster or team request is refused.

Services (and the domain's checks) raise `Refusal(reason, detail)`; they never say the
sentence themselves. The Telegram adapter turns it into the template sentence (the line of
`templates/<lang>/campaign_error.html.j2` named by the reason, see `tell_refusal`), and the
command line into its own line of plain English (`bot/cli/campaigns.py`). `detail` is the
part at fault, as typed, for the sentence to quote.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a request was refused. Each value is the name of a line of `campaign_error`
    (the templates test checks that every one is said in both languages)."""

    # who may act where
    NOT_ALLOWED = "not_allowed"
    STAFF_ONLY = "staff_only"  # the command is for coordinators and admins
    NAME_A_UNIT = "name_a_unit"  # an admin with no unit of their own must name one
    TEAM_NAME_A_UNIT = "team_name_a_unit"  # the same, for `/team`
    OWN_TARGET = "own_target"  # one's own unit's target is set from above
    # things that are not there
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_CAMPAIGN = "unknown_campaign"
    UNKNOWN_ACTIVITY = "unknown_activity"
    UNKNOWN_GROUP = "unknown_group"
    STALE_FORM = "stale_form"  # a chat form's buttons that are forged or out of date
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


class Refusal(ValueError):
    """A request refused for `reason`; `detail` is the part at fault (may be empty)."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail
