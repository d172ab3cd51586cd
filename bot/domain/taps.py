"""The button protocol of the outreach log, in types: the kinds of button, each kind's ops, and
the codec of their callback data (`1|<kind>|<ref>|<op>|<arg>`, at most 64 bytes of ASCII).

Each op letter is written once, here, as a member of its kind's enum; views, services and
handlers name the member. `decode_tap` returns the member, so a press whose letter is not one
of its kind's ops is refused as stale or forged before any handler runs, and a typo in code
is an `AttributeError` at import or in the tests, not a silent "stale form" toast.
Guide navigation has its own codec (`bot/telegram/callback_data.py`); its actions never
collide with these kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.numbers import is_small_int

FORMAT_VERSION = "1"
MAX_BYTES = 64


NEW_FORM = "new"  # the ref of buttons that open a new assist form (or one's tallies)


class InvalidCallback(ValueError):
    """The data was not made by this codec (forged, truncated or from an older format)."""


class TapKind(StrEnum):
    ASSIST = "a"  # the assist form, and the menu's buttons that open one
    UNDO = "z"
    MEMBER = "u"
    FORGET = "f"
    REPORT = "r"
    JOIN = "j"
    ATTEND = "w"
    ACTIVITY = "v"
    NEW_ACTIVITY = "n"
    CONFIRM = "c"  # a resident-confirmed assist: the volunteer's link, the resident's answer
    REVIEW = "k"  # the review queue: approve, reject, page
    STAFF = "y"  # the staff menu: each op opens the screen of a command (see handlers/menu)


class AssistOp(StrEnum):
    HEADING = "h"  # a group's label: pressing it only explains the group
    SERVICE = "s"
    OUTCOME = "o"
    AGE = "g"
    SEX = "x"
    SET_PEOPLE = "k"
    ADD_PEOPLE = "j"
    DAY_BACK = "d"
    PHONE = "p"
    PHONE_REMOVE = "r"
    UNLINK_ACTIVITY = "n"
    PICKER_OPEN = "u"
    PICKER_BROWSE = "v"
    PICKER_PAGE = "w"
    PICKER_CHOOSE = "U"
    PICKER_CLOSE = "c"
    CANCEL = "q"
    SAVE_CONSENTED = "y"
    SAVE_WITHOUT_CONSENT = "a"
    # On a menu button (ref `NEW_FORM`): open a form, a batch form, or one's own tallies.
    # ("b" and "m" are the letters these buttons always had; the single form's was "o",
    # OUTCOME's letter, so on ref NEW_FORM every op but NEW_BATCH and MINE opens a single
    # form: a menu sent before this protocol keeps working.)
    NEW_ONE = "l"
    NEW_BATCH = "b"
    MINE = "m"


class Answer(StrEnum):
    """The two buttons of a confirmation (undo, erasure, joining)."""

    YES = "y"
    NO = "n"


class MemberOp(StrEnum):
    PAUSE = "d"
    RESUME = "a"
    PAGE = "p"


class ReportOp(StrEnum):
    VIEW = "v"  # another unit or period
    SUMMARY = "s"  # «📝 Tóm tắt»: the paragraph of what is on screen
    EXPORT = "x"
    CHART = "c"


class AttendOp(StrEnum):
    MARK = "y"


class ActivityOp(StrEnum):
    OPEN = "o"
    LINKS = "q"  # its QR codes and links
    CLOSE = "c"


class NewActivityOp(StrEnum):
    BEGIN = "b"  # «➕ Hoạt động mới» under the list
    KIND = "k"
    DAY = "d"
    CAMPAIGN = "p"
    SERVICE = "s"
    TITLE = "t"  # «Tiếp»: the form is complete, ask for the title


class ConfirmOp(StrEnum):
    LINK = "q"  # the volunteer asks for the resident's link (ref: the assist)
    YES = "y"  # the resident confirms (ref: the link's token; arg: a rating)


class ReviewOp(StrEnum):
    APPROVE = "y"
    REJECT = "n"
    PAGE = "p"


class StaffOp(StrEnum):
    """The staff menu's buttons, in the order they are shown, then the others."""

    REPORT = "r"
    ACTIVITIES = "a"
    CAMPAIGNS = "c"
    TARGETS = "t"
    REVIEW = "k"
    MEMBERS = "m"
    INVITE = "i"
    UNITS = "u"
    SUBSCRIBE = "s"
    NEW_CAMPAIGN = "n"  # «➕ Đợt mới» under the campaigns, not in the menu


STAFF_MENU = tuple(op for op in StaffOp if op is not StaffOp.NEW_CAMPAIGN)

OPS: dict[TapKind, type[StrEnum]] = {
    TapKind.ASSIST: AssistOp,
    TapKind.UNDO: Answer,
    TapKind.MEMBER: MemberOp,
    TapKind.FORGET: Answer,
    TapKind.REPORT: ReportOp,
    TapKind.JOIN: Answer,
    TapKind.ATTEND: AttendOp,
    TapKind.ACTIVITY: ActivityOp,
    TapKind.NEW_ACTIVITY: NewActivityOp,
    TapKind.CONFIRM: ConfirmOp,
    TapKind.REVIEW: ReviewOp,
    TapKind.STAFF: StaffOp,
}

_REF = re.compile(r"^[a-z0-9]{1,16}$")
_OP = re.compile(r"^[A-Za-z]$")
_ARG = re.compile(r"^[A-Za-z0-9.+-]{0,20}$")


@dataclass(frozen=True)
class Tap:
    """`1|<kind>|<ref>|<op>|<arg>`: ref names the thing acted on (a draft token, a record
    id), op the action (a member of the kind's enum), arg its argument. Handlers re-check
    ownership: data is untrusted."""

    kind: TapKind
    ref: str
    op: StrEnum
    arg: str = ""

    def encode(self) -> str:
        if not isinstance(self.op, OPS[self.kind]):
            raise ValueError(f"{self.op!r} is not an op of {self.kind!r}")
        data = "|".join((FORMAT_VERSION, self.kind.value, self.ref, self.op.value, self.arg))
        if not (_REF.match(self.ref) and _OP.match(self.op) and _ARG.match(self.arg)):
            raise ValueError(f"bad tap: {data!r}")
        return data


def kind_of(data: object) -> TapKind | None:
    """The kind of an outreach button, from its first fields alone (for routing); None for
    anything else (guide navigation, forged data)."""
    if not isinstance(data, str) or len(data) < 4 or data[1] != "|" or data[3] != "|":
        return None
    if data[0] != FORMAT_VERSION:
        return None
    try:
        return TapKind(data[2])
    except ValueError:
        return None


def decode_tap(
    data: str | None,
    kind: TapKind | None = None,
    *,
    numeric_ref: bool = False,
    numeric_arg: bool = False,
) -> Tap:
    """Decode and check a tap: its op must be one of its kind's (and the kind `kind`, when
    given); `numeric_ref`/`numeric_arg` require small whole numbers there (ids, pages)."""
    if not data or len(data) > MAX_BYTES or not data.isascii():
        raise InvalidCallback("empty, too long or not ASCII")
    parts = data.split("|")
    if len(parts) != 5 or parts[0] != FORMAT_VERSION:
        raise InvalidCallback("not a tap")
    try:
        found = TapKind(parts[1])
    except ValueError:
        raise InvalidCallback("unknown tap kind") from None
    if kind is not None and found is not kind:
        raise InvalidCallback("another kind of button")
    ref, letter, arg = parts[2:]
    if not (_REF.match(ref) and _OP.match(letter) and _ARG.match(arg)):
        raise InvalidCallback("bad tap fields")
    try:
        op = OPS[found](letter)
    except ValueError:
        raise InvalidCallback("unknown action for this kind of button") from None
    if numeric_ref and not is_small_int(ref):
        raise InvalidCallback("the reference must be a small number")
    if numeric_arg and not is_small_int(arg):
        raise InvalidCallback("the argument must be a small number")
    return Tap(found, ref, op, arg)
