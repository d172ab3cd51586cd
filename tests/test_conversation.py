"""End to end: a person talks to the real Application over HTTP through the stand-in."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.guides.loader import load_guides
from bot.guides.models import Guide
from bot.standin import SimUser, StandinBotApi
from bot.telegram.callback_data import Action, Nav, encode

LIBRARY, _ = load_guides(PROJECT_ROOT / "guides")


def library_guide(guide_id: str) -> Guide:
    found = LIBRARY.get(guide_id)
    assert found is not None, guide_id
    return found


GUIDE = library_guide("vneid-forgot-password")


def calls(api: StandinBotApi, method: str) -> int:
    return sum(1 for c in api.calls if c.method == method and c.status == 200)


async def test_start_shows_welcome_and_topic_menu(user: SimUser) -> None:
    await user.send("/start")
    message = user.last()
    assert "Xin chào" in message["text"]
    labels = user.button_texts()
    assert "🪪 VNeID – định danh điện tử" in labels
    assert any("An toàn" in label for label in labels)
    assert all(len(b.get("callback_data", "x").encode()) <= 64 for b in user.buttons(message))


async def test_commands_are_registered_in_both_languages(api: StandinBotApi, bot) -> None:
    assert [c["command"] for c in api.commands[""]] == [
        "start",
        "search",
        "help",
        "language",
        "privacy",
    ]
    assert api.commands["en"][0]["description"] == "Open the guide menu"


async def test_walk_through_a_guide_edits_one_message_in_place(
    api: StandinBotApi, user: SimUser
) -> None:
    await user.send("/start")
    menu_id = user.last()["message_id"]
    await user.press("🪪 VNeID – định danh điện tử")
    await user.press(f"📖 {GUIDE.title}")
    intro = user.last()
    assert intro["message_id"] == menu_id, "navigation must edit the same message"
    assert "Cần chuẩn bị" in intro["text"]
    assert f"Gồm {len(GUIDE.steps)} bước" in intro["text"]
    await user.press("▶ Bắt đầu")
    total = len(GUIDE.steps)
    assert f"Bước 1/{total}: {GUIDE.steps[0].title}" in user.last()["text"]
    assert user.button_texts()[:3] == ["◀ Trước", "Tiếp ▶", "🆘 Gặp khó khăn"]
    await user.press("Tiếp ▶")
    assert f"Bước 2/{total}" in user.last()["text"]
    await user.press("◀ Trước")
    assert f"Bước 1/{total}" in user.last()["text"]
    for _ in range(total - 1):
        await user.press("Tiếp ▶")
    last = user.last()
    assert f"Bước {total}/{total}" in last["text"]
    assert "Tiếp ▶" not in user.button_texts()
    assert "✅ Xong" in user.button_texts()
    related_titles = [library_guide(r).title for r in GUIDE.related]
    assert any(title in " ".join(user.button_texts()) for title in related_titles)
    await user.press("✅ Xong")
    assert "Bạn đã làm xong" in user.last()["text"]
    await user.press("📚 Nguồn đầy đủ")  # every source, for the curious and for editors
    assert "Nguồn của hướng dẫn" in user.last()["text"]
    await user.press("◀ Quay lại")
    assert "Bạn đã làm xong" in user.last()["text"]
    assert len(user.bot_messages()) == 1, "the whole walk-through is one message"
    assert calls(api, "answerCallbackQuery") == calls(api, "editMessageText")


async def test_stuck_shows_that_steps_troubleshooting_and_general_help(user: SimUser) -> None:
    number, step = next((i, s) for i, s in enumerate(GUIDE.steps, start=1) if s.troubleshooting)
    await user.send(f"/start {GUIDE.id}")
    await user.press_data(encode(Nav(Action.STEP, GUIDE.id, number, GUIDE.version)))
    await user.press("🆘 Gặp khó khăn")
    text = user.last()["text"]
    assert step.troubleshooting[0].problem in text
    assert "1900 0368" in text and "Công an xã" in text and "tình nguyện viên" in text
    await user.press(f"◀ Quay lại bước {number}")
    assert f"Bước {number}/" in user.last()["text"]


async def test_deep_link_opens_guide_and_unknown_payload_falls_back(user: SimUser) -> None:
    await user.send(f"/start {GUIDE.id}")
    assert GUIDE.title in user.last()["text"]
    assert "▶ Bắt đầu" in user.button_texts()
    await user.send("/start khong-co-huong-dan-nay")
    text = user.last()["text"]
    assert "không mở được hướng dẫn nào" in text
    assert "🪪 VNeID – định danh điện tử" in user.button_texts()


@pytest.mark.parametrize(
    ("data", "expected_text", "expected_toast"),
    [
        # A button from an older version of the guide (steps since changed).
        (encode(Nav(Action.STEP, GUIDE.id, 2, "ffffff")), "vừa được cập nhật", "cập nhật"),
        # A step that no longer exists.
        (encode(Nav(Action.STEP, GUIDE.id, 99, GUIDE.version)), "vừa được cập nhật", "cập nhật"),
        # A guide that was renamed or removed.
        (encode(Nav(Action.STEP, "old-guide-name", 1, "abcdef")), "không còn nữa", "không còn"),
        (encode(Nav(Action.INTRO, guide_id="old-guide-name")), "không còn nữa", "không còn"),
        # Forged or garbage data.
        ("1|s|../../etc|1|abcdef", "Nút bạn bấm đã cũ", "đã cũ"),
        ("hello", "Nút bạn bấm đã cũ", "đã cũ"),
        ("1|t|no-such-topic", "Nút bạn bấm đã cũ", "đã cũ"),
        ("1|l|fr", "Nút bạn bấm đã cũ", "đã cũ"),
        ("2|m", "Nút bạn bấm đã cũ", "đã cũ"),
        ("1|s|" + "a" * 40 + "|999|zzzzzz", "Nút bạn bấm đã cũ", "đã cũ"),
    ],
)
async def test_stale_or_forged_buttons_get_a_polite_fresh_screen(
    api: StandinBotApi, user: SimUser, data: str, expected_text: str, expected_toast: str
) -> None:
    await user.send("/start")
    update = await user.press_data(data)
    query_id = update["callback_query"]["id"]
    assert expected_toast in api.callback_answers[query_id]["text"]
    assert expected_text in user.last()["text"]
    assert user.buttons(user.last()), "a fresh screen always has buttons to go on"


async def test_same_button_twice_is_not_an_error(api: StandinBotApi, user: SimUser) -> None:
    await user.send(f"/start {GUIDE.id}")
    stale = user.last()
    await user.press("▶ Bắt đầu", stale)
    # The person taps again on the old copy of the screen they still hold.
    await user.press_data(encode(Nav(Action.STEP, GUIDE.id, 1, GUIDE.version)))
    assert calls(api, "answerCallbackQuery") == 2
    assert "Bước 1/" in user.last()["text"]


async def test_free_text_and_search_command_find_guides(user: SimUser) -> None:
    await user.send("quen mat khau vneid")
    assert user.button_texts()[0] == f"📖 {GUIDE.title}"
    await user.send("/search QUÊN MẬT KHẨU")
    assert user.button_texts()[0] == f"📖 {GUIDE.title}"
    await user.press(f"📖 {GUIDE.title}")
    assert "Cần chuẩn bị" in user.last()["text"]


async def test_search_without_match_offers_suggestions(user: SimUser) -> None:
    await user.send("xyzzy qwerty")
    text = user.last()["text"]
    assert "Chưa có hướng dẫn cho «xyzzy qwerty»" in text
    assert "🪪 VNeID – định danh điện tử" in user.button_texts()


async def test_search_command_without_words_explains_how(user: SimUser) -> None:
    await user.send("/search")
    assert "Gõ điều bạn cần" in user.last()["text"]


async def test_search_echo_is_escaped_html(user: SimUser) -> None:
    await user.send("<b>vneid</b> & mật khẩu")
    assert "«<b>vneid</b> & mật khẩu»" in user.last()["text"]


@pytest.mark.parametrize(
    "secret", ["123456", "0912 345", "mã OTP của tôi là 482913", "mk: Abc@1234"]
)
async def test_codes_and_passwords_get_a_warning_and_are_not_kept(
    api: StandinBotApi, bot, user: SimUser, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    await user.send(secret)
    text = user.last()["text"]
    assert "đừng gửi mã OTP" in text
    assert secret not in text
    assert user.button_texts() == ["🏠 Menu"]  # a way on, and nothing that echoes the code
    assert secret not in caplog.text
    services = bot.services
    assert secret not in repr(await services.reach.db.fetchall("SELECT * FROM user_prefs"))


async def test_inline_share_lists_guides_and_posts_a_card_with_deep_link(
    api: StandinBotApi, user: SimUser
) -> None:
    await user.send(f"/start {GUIDE.id}")
    share = next(b for b in user.buttons(user.last()) if b["text"] == "📤 Chia sẻ")
    assert share["switch_inline_query"] == GUIDE.id
    answer = await user.inline(share["switch_inline_query"])
    assert [r["id"] for r in answer["results"]] == [GUIDE.id]
    answer = await user.inline("vneid mật khẩu")
    assert answer["results"][0]["id"] == GUIDE.id
    group = {"id": -100500, "type": "group", "title": "Chi đoàn thôn 3"}
    card = user.post_inline_result(answer, 0, group)
    assert GUIDE.title in card["text"]
    link = card["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert link == f"https://t.me/{api.bot_user['username']}?start={GUIDE.id}"
    # Someone in that group taps the card's button: Telegram opens the bot with /start <id>.
    neighbour = SimUser(api, first_name="Bác Ba")
    await neighbour.send(f"/start {link.rsplit('=', 1)[1]}")
    assert GUIDE.title in neighbour.last()["text"]


async def test_empty_inline_query_lists_guides(user: SimUser) -> None:
    answer = await user.inline("")
    assert len(answer["results"]) == min(len(LIBRARY), 20)
    assert len({r["id"] for r in answer["results"]}) == len(answer["results"])
    assert answer["button"]["start_parameter"] == "menu"


async def test_help_and_language_switch_to_english_and_back(user: SimUser) -> None:
    await user.send("/help")
    assert "1900 0368" in user.last()["text"]
    await user.send("/language")
    await user.press("🇬🇧 English")
    assert "Pick a topic" in user.last()["text"]
    await user.send(f"/start {GUIDE.id}")
    assert "▶ Start" in user.button_texts()
    assert GUIDE.title_en in user.last()["text"]
    await user.press("▶ Start")
    assert "Next ▶" in user.button_texts()
    await user.send("/language")
    await user.press("🇻🇳 Tiếng Việt")
    assert "Chọn chủ đề" in user.last()["text"]


async def test_other_message_kinds_get_a_polite_note(user: SimUser) -> None:
    for kind in ("sticker", "photo", "voice", "location", "document"):
        await user.send_other(kind)
        assert "chỉ đọc được tin nhắn chữ" in user.last()["text"]


async def test_unknown_command_shows_help(user: SimUser) -> None:
    await user.send("/abc")
    assert "Cách dùng" in user.last()["text"]


async def test_edited_messages_and_group_chatter_are_ignored(
    api: StandinBotApi, user: SimUser
) -> None:
    sent = await user.send("vneid")
    count = len(user.bot_messages())
    await user.edit(sent["message"], "mật khẩu")
    assert len(user.bot_messages()) == count
    group = {"id": -42, "type": "group", "title": "Tổ dân phố"}
    before = len(api.calls)
    await user.send("quên mật khẩu", chat=group)
    assert len(api.calls) == before, "group chatter gets a deliberate silence"
    await user.send("/start", chat=group)
    note = list(api.chats[-42].messages.values())[-1]
    assert "tin nhắn riêng" in note["text"]


async def test_blocked_user_does_not_crash_the_bot(api: StandinBotApi, user: SimUser) -> None:
    user.blocked = True
    await user.send("/start")
    api.expected_errors = 1  # type: ignore[attr-defined]  # the api fixture adds it
    assert api.errors[-1].status == 403
    user.blocked = False
    await user.send("/start")
    assert "Xin chào" in user.last()["text"]


async def test_telegram_failure_gets_an_apology_not_a_crash(
    api: StandinBotApi, user: SimUser
) -> None:
    await user.send("/start")
    api.fail_next("editMessageText", 400, "Bad Request: something unexpected")
    update = await user.press("🪪 VNeID – định danh điện tử")
    api.expected_errors = 1  # type: ignore[attr-defined]  # the api fixture adds it
    answer = api.callback_answers[update["callback_query"]["id"]]
    assert answer.get("text") is None  # the query was answered before editing
    assert "Xin lỗi, mình vừa gặp lỗi" in user.last()["text"]
    await user.send("/start")
    assert "Xin chào" in user.last()["text"]


async def test_buttons_and_language_survive_a_restart(api: StandinBotApi, tmp_path) -> None:
    from tests.conftest import make_settings, start_bot

    settings = make_settings(tmp_path, api.base_url)
    first = await start_bot(settings, api)
    person = SimUser(api)
    await person.send("/language")
    await person.press("🇬🇧 English")
    await person.send(f"/start {GUIDE.id}")
    await person.press("▶ Start")
    screen = person.last()
    await first.stop()

    second = await start_bot(settings, api)  # a new process: nothing kept in memory
    try:
        await person.press("Next ▶", screen)
        assert f"Step 2/{len(GUIDE.steps)}" in person.last()["text"]
        assert "Next ▶" in person.button_texts()
    finally:
        await second.stop()


# The smallest valid PNG: 1x1 pixel, so the test needs no image library.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def test_step_with_an_image_offers_the_picture(api: StandinBotApi, tmp_path) -> None:
    import yaml

    from tests.conftest import make_settings, start_bot
    from tests.test_guides import valid_guide

    guides = tmp_path / "guides"
    (guides / "images").mkdir(parents=True)
    (guides / "images" / "step1.png").write_bytes(TINY_PNG)
    guide = valid_guide("with-picture")
    guide["steps"][0]["image"] = "images/step1.png"
    guide["steps"][0]["image_caption"] = "Nút cần bấm nằm ở góc dưới màn hình"
    (guides / "with-picture.yaml").write_text(yaml.safe_dump(guide, allow_unicode=True))
    running = await start_bot(make_settings(tmp_path, api.base_url, guides_dir=guides), api)
    try:
        person = SimUser(api)
        await person.send("/start with-picture")
        await person.press("▶ Bắt đầu")
        screen = person.last()
        await person.press("🖼 Xem ảnh minh họa")
        photo = person.last()
        assert photo["photo"][0]["file_size"] == len(TINY_PNG)
        assert "Bước 1: Bước một" in photo["caption"]
        assert "Nút cần bấm nằm ở góc dưới màn hình" in photo["caption"]
        assert "Bước 1/2" in screen["text"], "the step stays on screen beside the picture"
        await person.press("Tiếp ▶", screen)
        assert "🖼 Xem ảnh minh họa" not in person.button_texts(), "step 2 has no picture"
    finally:
        await running.stop()
