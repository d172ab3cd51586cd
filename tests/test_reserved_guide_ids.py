"""The words deep links reserve (bot/domain/deep_links.py) are refused as guide ids.

The guide schema keeps its own copy of the words: bot.guides may not import bot.domain (the
web site is built from guides and texts alone, see pyproject's contracts), so this test is
what keeps the two lists the same."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.domain.deep_links import RESERVED_GUIDE_IDS
from bot.guides.models import Guide
from tests.test_guides import valid_guide


@pytest.mark.parametrize("word", sorted(RESERVED_GUIDE_IDS))
def test_a_word_deep_links_reserve_is_no_guide_id(word: str) -> None:
    with pytest.raises(ValidationError, match="reserved for deep links"):
        Guide.model_validate(valid_guide(word))


def test_an_ordinary_id_is_accepted() -> None:
    assert Guide.model_validate(valid_guide("join-a-team")).id == "join-a-team"
