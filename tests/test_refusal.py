"""One way to refuse: every `Reason` is a line of `campaign_error` in both languages (the
sentence `tell_refusal` sends) and a toast (what `answer_refusal` shows on a button press),
and no internal code leaks into either."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.refusal import Reason, Refusal
from bot.telegram.handlers.common import refusal_text, refusal_toast
from bot.texts.telegram_html import MAX_CALLBACK_ANSWER
from bot.texts.templates import Texts
from tests.test_templates import ACTIVITY

TEXTS = Texts(Path(__file__).resolve().parents[1] / "templates")


def _said(language: str, reason: Reason, detail: str = "", **context: str) -> str:
    refusal = Refusal(reason, detail, activity=ACTIVITY, example_unit="01", **context)
    return refusal_text(TEXTS, language, refusal)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_reason_has_its_own_sentence(language: str) -> None:
    fallback = TEXTS.render(language, "campaign_error", reason="no such reason", detail="")
    said = {}
    for reason in Reason:
        for detail in ("", "<X-1>"):
            text = _said(language, reason, detail)
            assert text and text != fallback, (reason, detail)
            assert reason.value not in text, f"{reason.value}: an internal code in the sentence"
            assert "<X-1>" not in text, "the detail is escaped"
        said[reason] = _said(language, reason)
    # The reasons said by a whole template of their own say that template.
    assert said[Reason.STAFF_ONLY] == TEXTS.render(language, "not_allowed")
    assert said[Reason.BAD_METRIC] == said[Reason.TARGET_USAGE]
    assert said[Reason.TARGET_USAGE] == TEXTS.render(language, "target_usage")
    comma = _said(language, Reason.NUMBER_COMMA, "1,5")
    assert comma == TEXTS.render(language, "number_comma", text="1,5")
    assert said[Reason.NOT_VOLUNTEER] == TEXTS.render(language, "not_volunteer")
    assert said[Reason.MEMBER_PAUSED] == TEXTS.render(language, "member_inactive")
    unit = _said(language, Reason.UNIT_CODE_UNKNOWN, "X-9")
    assert unit == TEXTS.render(language, "unit_unknown", code="X-9")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_period_refusal_says_what_is_wrong_and_an_example(language: str) -> None:
    for why in ("unknown", "backwards", "bad_month"):
        text = _said(language, Reason.BAD_PERIOD, "31/02", why=why)
        usage = TEXTS.render(language, "period_usage", reason=why, part="31/02", example_unit="01")
        assert text == usage and "31/02" in text and "01" in text
    assert _said(language, Reason.BAD_PERIOD, why="backwards") != _said(
        language, Reason.BAD_PERIOD, why="bad_month"
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_link_refusal_names_its_activity(language: str) -> None:
    for reason in (Reason.LINK_CLOSED, Reason.LINK_NOT_YET, Reason.LINK_OVER):
        assert "Lớp VNeID &lt;cho&gt;" in _said(language, reason), reason


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_reason_has_a_toast(language: str) -> None:
    not_allowed = TEXTS.label(language, "toast_not_allowed")
    for reason in Reason:
        text, alert = refusal_toast(TEXTS, language, Refusal(reason, "<X-1>"))
        assert text and len(text) <= MAX_CALLBACK_ANSWER and "<" not in text, reason
        assert alert is (reason is not Reason.STALE_REPORT), "only an old button passes by"
    toast = {r: refusal_toast(TEXTS, language, Refusal(r))[0] for r in Reason}
    assert toast[Reason.STALE_REPORT] == TEXTS.label(language, "toast_report_stale")
    assert toast[Reason.STAFF_ONLY] == toast[Reason.CONFIRM_USED] == not_allowed
    reviews = (Reason.REVIEW_OWN, Reason.REVIEW_OUT_OF_SCOPE, Reason.REVIEW_GONE)
    assert len({toast[r] for r in reviews} | {not_allowed}) == 4, "each its own toast"
    for reason in (*reviews, Reason.STALE_REPORT):  # said in a message, the same words
        assert _said(language, reason) == toast[reason]


def test_a_refusal_carries_its_reason_and_detail() -> None:
    refusal = Refusal(Reason.UNKNOWN_UNIT, "99")
    assert (refusal.reason, refusal.detail, str(refusal)) == (
        Reason.UNKNOWN_UNIT,
        "99",
        "unknown_unit: 99",
    )
    assert str(Refusal(Reason.RANGE_BACKWARDS)) == "range_backwards"
    assert Reason("bad_code") is Reason.BAD_CODE, "values are the template's line names"
    assert (refusal.activity, refusal.example_unit, refusal.why) == (None, "", "")
    period = Refusal(Reason.BAD_PERIOD, "soon", why="unknown", example_unit="01")
    assert (period.why, period.example_unit, str(period)) == ("unknown", "01", "bad_period: soon")
    assert Refusal(Reason.LINK_OVER, activity=ACTIVITY).activity is ACTIVITY


def test_a_detail_can_be_left_unquoted() -> None:
    quoted = refusal_text(TEXTS, "vi", Refusal(Reason.UNKNOWN_GROUP, "NTB"))
    assert "NTB" in quoted
    plain = refusal_text(TEXTS, "vi", Refusal(Reason.UNKNOWN_GROUP, "NTB"), quote=False)
    assert "NTB" not in plain and plain == TEXTS.render(
        "vi", "campaign_error", reason="unknown_group", detail=""
    )
