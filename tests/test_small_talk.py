"""Issue 25, part 4: greetings, thanks, "ok" and emoji get a short friendly answer with the
menu, are not kept as unanswered questions, and are not taken while the bot waits for an
answer (a display name, a title, a number)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.domain.small_talk import ACK, BYE, GREETING, THANKS, small_talk
from bot.standin import SimUser, StandinBotApi
from tests.conftest import make_settings, start_bot
from tests.outreach_helpers import invite_code

DATA = PROJECT_ROOT / "tests" / "data"


def _resident_lines(kind: str) -> list[str]:
    """Queries of one kind from the blind set (kind<TAB>query<TAB>expected; not edited)."""
    lines = (DATA / "search_residents.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return [row[1] for row in rows if row[0] == kind]


SMALL_TALK = _resident_lines("smalltalk")
QUESTIONS = [q for kind in ("find", "first", "offtopic") for q in _resident_lines(kind)]
OFF_TOPIC = [
    line.strip()
    for line in (DATA / "search_offtopic.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
SMALL_TALK_ANSWER = "Bạn cần gì thì chọn chủ đề bên dưới"


def test_the_blind_set_has_enough_small_talk() -> None:
    assert len(SMALL_TALK) >= 30 and len(QUESTIONS) >= 400


@pytest.mark.parametrize("text", SMALL_TALK)
def test_greetings_thanks_ok_and_emoji_are_small_talk(text: str) -> None:
    assert small_talk(text) is not None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("xin chào", GREETING),
        ("Chào bot ạ", GREETING),
        ("alooo", GREETING),
        ("👋", GREETING),
        ("cám ơn bot nhiều", THANKS),
        ("tks ad", THANKS),
        ("🙏", THANKS),
        ("tạm biệt", BYE),
        ("ok", ACK),
        ("okkk", ACK),
        ("👍👍", ACK),
        ("dạ vâng ạ", ACK),
    ],
)
def test_small_talk_kinds(text: str, kind: str) -> None:
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "chào bot, cho hỏi quên mật khẩu vneid",
        "cảm ơn, giờ đổi mật khẩu thế nào",
        "ok vậy làm sao",
        "dạ em muốn hỏi",
        "ok 123",
        "bot",
        "😡",
        "",
    ],
)
def test_a_question_with_a_greeting_is_still_a_question(text: str) -> None:
    assert small_talk(text) is None


def test_no_question_of_the_blind_set_is_taken_for_small_talk() -> None:
    taken = [q for q in QUESTIONS + OFF_TOPIC if small_talk(q) is not None]
    assert taken == []


async def test_small_talk_gets_a_friendly_answer_with_the_menu_and_is_not_kept(
    api: StandinBotApi, tmp_path: Path
) -> None:
    running = await start_bot(
        make_settings(tmp_path, api.base_url, flood_max_updates=len(SMALL_TALK) + 10), api
    )
    try:
        user = SimUser(api, first_name="Lan")
        answered = []
        for text in SMALL_TALK:
            await user.send(text)
            reply = user.last()
            if SMALL_TALK_ANSWER in reply["text"]:
                answered.append(text)
                assert "🪪 VNeID – định danh điện tử" in user.button_texts()
        assert len(answered) >= 30, sorted(set(SMALL_TALK) - set(answered))
        assert answered == SMALL_TALK  # measured: 44 of 44
        assert "Chưa có hướng dẫn" not in " ".join(m["text"] for m in user.bot_messages())
        services = running.services
        assert await services.reach.db.fetchall("SELECT * FROM search_gaps") == []
        # A question with a greeting in it is still searched.
        await user.send("chào bot, cho hỏi quên mật khẩu vneid")
        assert SMALL_TALK_ANSWER not in user.last()["text"]
    finally:
        await running.stop()


async def test_small_talk_in_english(user: SimUser) -> None:
    await user.send("/language")
    await user.press("🇬🇧 English")
    await user.send("thanks")
    assert user.last()["text"].startswith("🙏 You are welcome!")


async def test_small_talk_is_not_taken_while_the_bot_waits_for_a_name(
    api: StandinBotApi, obot, admin: SimUser
) -> None:
    await admin.send("/invite 00004")
    code = invite_code(admin.bot_messages()[-2])
    person = SimUser(api, first_name="Hoa")
    await person.send(f"/start join_{code}")
    await person.send("Alo")  # the name the bot asked for, though it looks like a greeting
    assert "🎉" in person.last()["text"], person.last()["text"]
    assert SMALL_TALK_ANSWER not in person.last()["text"]
    await person.send("alo")  # no question open now: small talk
    assert SMALL_TALK_ANSWER in person.last()["text"]
