"""«✅ Xong» counts a self-serve completion only with the tag the bot made for that person
when it showed the guide's last step (issue 23: the forged «Xong»)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import InlineKeyboardMarkup

from bot.config import PROJECT_ROOT
from bot.domain.done_tag import TAG_CHARS, TAG_PATTERN, done_tag, done_tag_matches
from bot.domain.periods import all_time
from bot.domain.taps import InvalidCallback
from bot.guides.loader import load_guides
from bot.guides.navigation import Screen, ScreenKind
from bot.reports.service import report
from bot.services import Policy, Reach
from bot.services.self_serve import DonePress
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from bot.storage.db import open_database
from bot.telegram.callback_data import Action, Nav, decode, encode
from bot.telegram.views.guides import Views
from bot.texts.templates import Texts
from tests.conftest import RunningBot
from tests.outreach_helpers import SMALL_TREE, start_outreach_bot
from tests.outreach_helpers import query_db as db_rows

KEY = b"k" * 32
LIBRARY, _ = load_guides(PROJECT_ROOT / "guides")
GUIDE = "vneid-forgot-passcode"
NOW = 1_760_000_000


# --- the tag, a pure function --------------------------------------------------------------


def test_the_tag_is_short_url_safe_and_the_same_each_time() -> None:
    tag = done_tag(KEY, "person", GUIDE, "abcdef", 7)
    assert len(tag) == TAG_CHARS == 8 and TAG_PATTERN.match(tag)
    assert done_tag(KEY, "person", GUIDE, "abcdef", 7) == tag
    assert done_tag_matches(KEY, tag, "person", GUIDE, "abcdef", 7)


@pytest.mark.parametrize(
    ("key", "user_key", "guide", "version", "unit"),
    [
        (b"x" * 32, "person", GUIDE, "abcdef", 7),  # another bot's secret key
        (KEY, "someone-else", GUIDE, "abcdef", 7),  # another person
        (KEY, "person", "safety-never-share-otp", "abcdef", 7),  # another guide
        (KEY, "person", GUIDE, "abcde0", 7),  # another version of the guide
        (KEY, "person", GUIDE, "abcdef", 8),  # another unit
        (KEY, "person", GUIDE, "abcdef", 0),  # no unit at all
    ],
)
def test_the_tag_is_bound_to_each_field(
    key: bytes, user_key: str, guide: str, version: str, unit: int
) -> None:
    tag = done_tag(KEY, "person", GUIDE, "abcdef", 7)
    assert not done_tag_matches(key, tag, user_key, guide, version, unit)
    assert done_tag(key, user_key, guide, version, unit) != tag


def test_a_made_up_or_altered_tag_does_not_match() -> None:
    tag = done_tag(KEY, "person", GUIDE, "abcdef", 7)
    altered = ("B" if tag[0] != "B" else "C") + tag[1:]
    for wrong in ("", "AAAAAAAA", altered, tag[:-1], tag + "A", "đđđđ"):
        assert not done_tag_matches(KEY, wrong, "person", GUIDE, "abcdef", 7)


def test_the_done_button_of_every_real_guide_fits_in_64_bytes() -> None:
    """With the longest unit code, the search mark and a full tag; decoded back unchanged."""
    views = Views(Texts(PROJECT_ROOT / "templates"), LIBRARY)
    tag = "A" * TAG_CHARS
    assert len(LIBRARY) >= 50
    for guide in LIBRARY:
        last = len(guide.steps)
        for action in (Action.DONE, Action.SOURCES):
            nav = Nav(action, guide.id, 0, guide.version, unit=36**4 - 1, from_search=True, tag=tag)
            data = encode(nav)
            assert len(data.encode()) <= 64, (guide.id, data)
            assert decode(data) == nav
        screen = Screen(ScreenKind.STEP, guide, last, unit=36**4 - 1, from_search=True, tag=tag)
        view = views.render("vi", screen)
        assert isinstance(view.markup, InlineKeyboardMarkup)
        [done] = [b for row in view.markup.inline_keyboard for b in row if b.text == "✅ Xong"]
        assert tag in str(done.callback_data) and len(str(done.callback_data).encode()) <= 64


@pytest.mark.parametrize(
    "data",
    [
        f"1|d|{GUIDE}|abcdef",  # the old format: no tag, no unit
        f"1|d|{GUIDE}|abcdef|4",  # the old format, crediting unit 4
        f"1|d|{GUIDE}|abcdef|4.s",
        f"1|d|{GUIDE}|abcdef|AAAAAAA|4",  # a tag one character short
        f"1|d|{GUIDE}|abcdef|AAAAAAAAA|4",  # one too long
        f"1|d|{GUIDE}|abcdef|AAAA.AAA|4",
        f"1|o|{GUIDE}|abcdef|4",
    ],
)
def test_done_data_without_a_well_formed_tag_does_not_decode(data: str) -> None:
    with pytest.raises(InvalidCallback):
        decode(data)


def test_an_untagged_done_button_is_never_made() -> None:
    with pytest.raises(ValueError):
        encode(Nav(Action.DONE, GUIDE, version="abcdef"))


# --- the service ---------------------------------------------------------------------------


@pytest.fixture
async def reach(tmp_path: Path) -> AsyncIterator[Reach]:
    from bot.domain.units_csv import parse_units_csv

    db = await open_database(tmp_path / "s.db")
    reach = Reach(db, KEY, Policy())
    rows, problems = parse_units_csv(SMALL_TREE)
    await reach.import_units(rows, problems)
    await reach.start(NOW)
    yield reach
    await db.close()


async def test_a_press_counts_once_and_only_with_its_own_tag(reach: Reach) -> None:
    serve = reach.self_serve
    unit = reach.directory.unit_by_code("00004")
    assert unit is not None
    me, other = reach.access.user_key(1), reach.access.user_key(2)
    mine = serve.done_tag(me, GUIDE, "abcdef", unit.id)
    assert mine == done_tag(KEY, me, GUIDE, "abcdef", unit.id)  # the service adds only the key
    theirs = serve.done_tag(other, GUIDE, "abcdef", unit.id)

    async def press(user_key: str, tag: str, unit_id: int = unit.id) -> DonePress:
        return await serve.pressed_done(user_key, GUIDE, "abcdef", "vneid", unit_id, tag, NOW)

    trips = reach.db.trips
    assert await press(me, theirs) is DonePress.FORGED
    assert await press(me, "AAAAAAAA") is DonePress.FORGED
    assert await press(me, mine, unit_id=unit.id + 1) is DonePress.FORGED  # the unit altered
    assert reach.db.trips == trips  # a forged press costs no trip to the database
    assert await press(me, mine) is DonePress.COUNTED
    assert reach.db.trips == trips + 1  # a press that saves: one trip
    assert await press(me, mine) is DonePress.REPEATED
    assert await reach.db.fetchall("SELECT user_key, unit_id FROM self_serve") == [(me, unit.id)]


# --- end to end, through the stand-in ------------------------------------------------------


@pytest.fixture
async def tbot(api: StandinBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    # No flood limit in the way: every forged press must reach the handler.
    running = await start_outreach_bot(api, tmp_path, flood_max_updates=100_000)
    yield running
    await running.stop()


async def walk_to_the_last_step(reader: SimUser, link: str) -> None:
    await reader.send(f"/start {link}")
    await reader.press("▶ Bắt đầu")
    while "✅ Xong" not in reader.button_texts():
        await reader.press("Tiếp ▶")


def done_data(reader: SimUser) -> str:
    [button] = [b for b in reader.buttons(reader.last()) if b["text"] == "✅ Xong"]
    return str(button["callback_data"])


async def self_serve_total(obot: RunningBot) -> int:
    services = obot.services
    assert services is not None
    counted = await report(services.reach.db, None, all_time(dt.date.today()))
    return counted.totals.self_serve


def answered_stale(api: StandinBotApi, update: dict, reader: SimUser) -> bool:
    toast = api.callback_answers[update["callback_query"]["id"]].get("text", "")
    return "Nút này đã cũ" in toast and "Nút bạn bấm đã cũ" in reader.last()["text"]


async def test_a_reader_who_reaches_the_last_step_is_counted_once(
    api: StandinBotApi, tbot: RunningBot
) -> None:
    reader = SimUser(api, first_name="Bà Tư")
    await walk_to_the_last_step(reader, f"{GUIDE}_00004")  # a poster's link, crediting 00004
    data = done_data(reader)
    assert len(data.encode()) <= 64 and decode(data).tag
    await reader.press("✅ Xong")
    assert "Nút bạn bấm đã cũ" not in reader.last()["text"]
    await reader.press("📚 Nguồn đầy đủ")  # the sources screen, and back to the done screen
    await reader.press(0)
    await reader.press_data(data)  # the same button again
    rows = db_rows(
        tbot,
        "SELECT s.guide_id, u.code FROM self_serve s LEFT JOIN units u ON u.id = s.unit_id",
    )
    assert rows == [(GUIDE, "00004")]
    assert await self_serve_total(tbot) == 1


async def test_forged_done_presses_count_nothing_and_get_the_stale_answer(
    api: StandinBotApi, tbot: RunningBot
) -> None:
    services = tbot.services
    assert services is not None
    unit_id = await services.reach.self_serve.unit_id("00004")
    assert unit_id
    honest, forger = SimUser(api, first_name="Lan"), SimUser(api, first_name="Kẻ gian")
    honest_key = services.user_key(honest.id)
    await forger.send("/start")  # a message to press the forged buttons on
    forged: list[str] = []
    for guide in LIBRARY:
        old = encode(Nav(Action.INTRO, guide.id, unit=unit_id)).split("|")[-1]
        forged.append(f"1|d|{guide.id}|{guide.version}|{old}")  # the old format
        made_up = Nav(Action.DONE, guide.id, version=guide.version, unit=unit_id, tag="AbCd-_12")
        forged.append(encode(made_up))
        # Another person's valid tag for this guide and unit (as if they shared their button).
        theirs = services.reach.self_serve.done_tag(honest_key, guide.id, guide.version, unit_id)
        forged.append(
            encode(Nav(Action.DONE, guide.id, version=guide.version, unit=unit_id, tag=theirs))
        )
    for data in forged:
        update = await forger.press_data(data)
        assert answered_stale(api, update, forger), data
    assert db_rows(tbot, "SELECT count(*) FROM self_serve") == [(0,)]
    assert await self_serve_total(tbot) == 0

    # A real button, altered: the forger's own tag for the guide opened without a unit,
    # sent for unit 00004, and the honest reader's button sent by the forger.
    await walk_to_the_last_step(forger, GUIDE)
    own = decode(done_data(forger))
    assert own.unit == 0
    moved = encode(Nav(Action.DONE, GUIDE, version=own.version, unit=unit_id, tag=own.tag))
    assert answered_stale(api, await forger.press_data(moved), forger)
    await walk_to_the_last_step(honest, f"{GUIDE}_00004")
    assert answered_stale(api, await forger.press_data(done_data(honest)), forger)
    assert await self_serve_total(tbot) == 0

    # The same people's own presses still count: the refusals above were the tags.
    await walk_to_the_last_step(forger, GUIDE)
    await forger.press("✅ Xong")
    await honest.press("✅ Xong")
    rows = db_rows(tbot, "SELECT u.code FROM self_serve s LEFT JOIN units u ON u.id = s.unit_id")
    assert sorted(rows, key=str) == sorted([(None,), ("00004",)], key=str)
    assert await self_serve_total(tbot) == 2
