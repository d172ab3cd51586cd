from __future__ import annotations

import pytest

from bot.domain.taps import Answer, AssistOp, MemberOp, Tap, TapKind, decode_tap
from bot.telegram.callback_data import Action, InvalidCallback, Nav, decode, encode

LONGEST_ID = "a" * 40
# A guide id is at most 37 characters (bot/guides/models.py): the done button, which also
# carries an 8-character tag, must still fit with the longest unit and the search mark.
LONGEST_GUIDE = "a" * 37
TAG = "Ab-_09xZ"


@pytest.mark.parametrize(
    "nav",
    [
        Nav(Action.MENU),
        Nav(Action.TOPIC, topic="public-services"),
        Nav(Action.INTRO, guide_id=LONGEST_ID),
        Nav(Action.STEP, LONGEST_ID, 30, "abc123"),
        Nav(Action.HELP, LONGEST_ID, 1, "abc123"),
        Nav(Action.DONE, LONGEST_GUIDE, version="abc123", tag=TAG),
        Nav(Action.LANGUAGE, language="en"),
    ],
)
def test_round_trip_within_64_bytes(nav: Nav) -> None:
    data = encode(nav)
    assert len(data.encode()) <= 64
    assert decode(data) == nav


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "x",
        "1",
        "1|",
        "9|m",
        "1|z",
        "1|m|extra",
        "1|s|id|1",
        "1|s|ID|1|abc123",
        "1|s|id|-1|abc123",
        "1|s|id|1|ABC123",
        "1|s|-id|1|abc123",
        "1|s|id|1e3|abc123",
        "1|i|" + "a" * 41,
        "1|i|đ",
        "1|t|" + "a" * 21,
        "1|s|id|1234|abc123",
    ],
)
def test_anything_not_made_by_the_codec_is_invalid(data: str | None) -> None:
    with pytest.raises(InvalidCallback):
        decode(data)


def test_unit_rides_along_a_guide_within_64_bytes() -> None:
    longest = "a" * 40
    for nav in (
        Nav(Action.STEP, longest, 999, "abcdef", unit=36**4 - 1),
        Nav(Action.DONE, LONGEST_GUIDE, version="abcdef", unit=36**4 - 1, tag=TAG),
        Nav(Action.DONE, LONGEST_GUIDE, 0, "abcdef", unit=36**4 - 1, from_search=True, tag=TAG),
        Nav(Action.INTRO, guide_id=longest, unit=1),
        Nav(Action.STEP, longest, 999, "abcdef", unit=36**4 - 1, from_search=True),
        Nav(Action.SOURCES, LONGEST_GUIDE, 0, "abcdef", unit=36**4 - 1, from_search=True, tag=TAG),
        Nav(Action.INTRO, guide_id=longest, unit=7, from_search=True),
    ):
        data = encode(nav)
        assert len(data.encode()) <= 64
        assert decode(data) == nav
    assert decode("1|s|id|1|abc123") == Nav(Action.STEP, "id", 1, "abc123")  # no unit: 0
    assert decode("1|i|id|.s") == Nav(Action.INTRO, guide_id="id", from_search=True)
    for bad in (
        "1|s|id|1|abc123|",
        "1|s|id|1|abc123|ZZ",
        "1|s|id|1|abc123|12345",
        "1|m|1",
        "1|i|id|.",
        "1|i|id|.x",
        "1|i|id|s.",
        "1|x|x",
    ):
        with pytest.raises(InvalidCallback):
            decode(bad)


def test_taps_round_trip_and_reject_garbage() -> None:
    tap = Tap(TapKind.ASSIST, "abcdefghjk", AssistOp.SERVICE, "v1")
    assert decode_tap(tap.encode()) == tap
    assert len(Tap(TapKind.MEMBER, "9" * 16, MemberOp.PAUSE, "x" * 20).encode()) <= 64
    for bad in (None, "", "1|a|tok|s", "1|q|tok|s|", "1|a|TOK|s|", "1|a|tok|ss|", "1|a|tok|s|<>"):
        with pytest.raises(InvalidCallback):
            decode_tap(bad)
    with pytest.raises(ValueError):
        Tap(TapKind.UNDO, "", Answer.YES).encode()  # no ref
    with pytest.raises(ValueError):
        Tap(TapKind.UNDO, "1", AssistOp.SERVICE).encode()  # another kind's op
    with pytest.raises(ValueError):
        Tap(TapKind.UNDO, "1", "y").encode()  # type: ignore[arg-type]  # a bare letter


def test_outreach_buttons_never_collide_with_guide_navigation() -> None:
    # Each kind of outreach button is routed by the letter after "1|"; a guide button with the
    # same letter would be sent to the wrong handler.
    assert not {a.value for a in Action} & {k.value for k in TapKind}
