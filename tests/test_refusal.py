"""One way to refuse: every `Reason` is a line of `campaign_error` in both languages (the
sentence `tell_refusal` sends), and no internal code leaks into it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.refusal import Reason, Refusal
from bot.texts.templates import Texts

TEXTS = Texts(Path(__file__).resolve().parents[1] / "templates")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_reason_has_its_own_sentence(language: str) -> None:
    fallback = TEXTS.render(language, "campaign_error", reason="no such reason", detail="")
    said = {}
    for reason in Reason:
        for detail in ("", "<X-1>"):
            text = TEXTS.render(language, "campaign_error", reason=reason, detail=detail)
            assert text and text != fallback, (reason, detail)
            assert reason.value not in text, f"{reason.value}: an internal code in the sentence"
            assert "<X-1>" not in text, "the detail is escaped"
        said[reason] = TEXTS.render(language, "campaign_error", reason=reason, detail="")
    # The reasons said by a whole template of their own say that template.
    assert said[Reason.STAFF_ONLY] == TEXTS.render(language, "not_allowed")
    assert said[Reason.BAD_METRIC] == said[Reason.TARGET_USAGE]
    assert said[Reason.TARGET_USAGE] == TEXTS.render(language, "target_usage")
    comma = TEXTS.render(language, "campaign_error", reason=Reason.NUMBER_COMMA, detail="1,5")
    assert comma == TEXTS.render(language, "number_comma", text="1,5")


def test_a_refusal_carries_its_reason_and_detail() -> None:
    refusal = Refusal(Reason.UNKNOWN_UNIT, "99")
    assert (refusal.reason, refusal.detail, str(refusal)) == (
        Reason.UNKNOWN_UNIT,
        "99",
        "unknown_unit: 99",
    )
    assert str(Refusal(Reason.RANGE_BACKWARDS)) == "range_backwards"
    assert Reason("bad_code") is Reason.BAD_CODE, "values are the template's line names"
