"""Every template renders in every language, as Telegram-valid HTML, with no gaps."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from bot.config import PROJECT_ROOT
from bot.content.loader import load_guides
from bot.content.navigation import Notice
from bot.telegram_format import MAX_CALLBACK_ANSWER, check_message_text
from bot.texts import LANGUAGES, Texts

TEXTS = Texts(PROJECT_ROOT / "templates")
LIBRARY, _ = load_guides(PROJECT_ROOT / "guides")
GUIDE = next(iter(LIBRARY))
STEP = next((s for s in GUIDE.steps if s.troubleshooting), GUIDE.steps[0])

SAMPLE_CONTEXT: dict[str, list[dict[str, object]]] = {
    "welcome": [{}],
    "menu": [{"guide_count": 3}],
    "topic": [{"topic": "VNeID", "count": 1}, {"topic": "VNeID", "count": 2}],
    "intro": [{"guide": GUIDE, "title": GUIDE.title, "summary": GUIDE.summary, "step_count": 3}],
    "step": [{"guide": GUIDE, "title": GUIDE.title, "step": STEP, "number": 1, "total": 3}],
    "stuck": [
        {"step": STEP, "number": 1, "title": GUIDE.title},
        {
            "step": GUIDE.steps[0].model_copy(update={"troubleshooting": ()}),
            "number": 1,
            "title": GUIDE.title,
        },
    ],
    "done": [
        {"guide": GUIDE, "title": GUIDE.title, "has_related": True},
        {"guide": GUIDE, "title": GUIDE.title, "has_related": False},
    ],
    "language": [{"current": "vi"}, {"current": "en"}],
    "search_hint": [{}],
    "help": [{}],
    "search_results": [{"query": "<b>&", "hits": [("A & B", "x < y")]}],
    "search_empty": [{"query": "<i>", "examples": ["A"]}, {"query": "x", "examples": []}],
    "inline_card": [{"title": "A & B", "summary": "<s>", "step_count": 4}],
    "notice": [{"kind": kind.value} for kind in Notice if kind is not Notice.NONE],
    "otp_warning": [{}],
    "unsupported_message": [{}],
    "group_note": [{"bot_username": "outreach_bot"}],
    "error": [{}],
    "photo_caption": [{"step": STEP, "number": 2}],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_languages_have_the_same_templates_and_labels(language: str) -> None:
    assert TEXTS.template_names(language) == sorted(SAMPLE_CONTEXT)
    assert TEXTS.label_names(language) == TEXTS.label_names("vi")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(SAMPLE_CONTEXT))
def test_every_template_renders_valid_telegram_html(language: str, name: str) -> None:
    for context in SAMPLE_CONTEXT[name]:
        text = TEXTS.render(language, name, **context)
        assert check_message_text(text) is None, (name, text)


def test_user_text_is_escaped() -> None:
    text = TEXTS.render("vi", "search_results", query="<b>&", hits=[("A & B", "x < y")])
    assert "«&lt;b&gt;&amp;»" in text and "A &amp; B" in text


def test_quoted_labels_in_guides_are_bold() -> None:
    step = STEP.model_copy(update={"text": 'Bấm "Quên mật khẩu" rồi bấm “Tiếp tục”.'})
    text = TEXTS.render("vi", "step", guide=GUIDE, title="T", step=step, number=1, total=1)
    assert "<b>“Quên mật khẩu”</b>" in text and "<b>“Tiếp tục”</b>" in text


def test_missing_variables_fail_loudly() -> None:
    with pytest.raises(UndefinedError):
        TEXTS.render("vi", "menu")


LABEL_ARGS: dict[str, list[object]] = {
    "topic_name": ["vneid"],
    "btn_guide": ["A & B"],
    "btn_related": ["A & B"],
    "btn_back_to_step": [3],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_are_plain_and_short(language: str) -> None:
    for name in TEXTS.label_names(language):
        args = LABEL_ARGS.get(name, [])
        label = TEXTS.label(language, name, *args)
        assert label and "&amp;" not in label and "<" not in label, name
        if name.startswith("toast_"):
            assert len(label) <= MAX_CALLBACK_ANSWER
        if name.startswith("cmd_"):
            assert 1 <= len(label) <= 256
