from __future__ import annotations

import pytest

from bot.callback_data import Action, InvalidCallback, Nav, decode

LONGEST_ID = "a" * 40


@pytest.mark.parametrize(
    "nav",
    [
        Nav(Action.MENU),
        Nav(Action.TOPIC, topic="public-services"),
        Nav(Action.INTRO, guide_id=LONGEST_ID),
        Nav(Action.STEP, LONGEST_ID, 30, "abc123"),
        Nav(Action.HELP, LONGEST_ID, 1, "abc123"),
        Nav(Action.DONE, LONGEST_ID, version="abc123"),
        Nav(Action.LANGUAGE, language="en"),
    ],
)
def test_round_trip_within_64_bytes(nav: Nav) -> None:
    data = nav.encode()
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
