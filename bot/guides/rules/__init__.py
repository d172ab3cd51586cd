"""Content rules beyond the schema: one hedge per guide, the glossary's names, prerequisites
that exist and do not loop, sources that point at the fact, and facts that expire.

Each rule returns problems as (guide id, field path, message, level); the loader adds the file
and the line. Levels: "error" (the bot refuses to start), "expired" (`guides check` fails, the
bot marks the fact as out of date) and "warning" (printed for editors).

The rules live by subject in the modules beside this one; callers use them from here
(`from bot.guides import rules`, then `rules.hedge_problems`).
"""

from __future__ import annotations

from bot.guides.rules.dates import (
    EXPIRY_WARNING_DAYS,
    dated_problems,
    deadline_problems,
    states_deadline,
)
from bot.guides.rules.fields import (
    Loc,
    RuleProblem,
    english_fields,
    fold,
    resident_fields,
    sentences,
    text_fields,
)
from bot.guides.rules.numbers import FREE_NUMBERS_FILE, number_cost_problems, phone_key
from bot.guides.rules.pointers import link_problems, pointer_problems, step_pointer_fields
from bot.guides.rules.sources import (
    MIN_DEEP_SOURCES,
    deep_source_share,
    is_homepage,
    source_problems,
)
from bot.guides.rules.structure import requires_problems
from bot.guides.rules.wording import (
    EDITOR_WORDING,
    OLD_NAMES,
    editor_wording_problems,
    glossary_problems,
    hedge_problems,
    not_terms_problems,
    old_name_problems,
)

__all__ = [
    "EDITOR_WORDING",
    "EXPIRY_WARNING_DAYS",
    "FREE_NUMBERS_FILE",
    "MIN_DEEP_SOURCES",
    "OLD_NAMES",
    "Loc",
    "RuleProblem",
    "dated_problems",
    "deadline_problems",
    "deep_source_share",
    "editor_wording_problems",
    "english_fields",
    "fold",
    "glossary_problems",
    "hedge_problems",
    "is_homepage",
    "link_problems",
    "not_terms_problems",
    "number_cost_problems",
    "old_name_problems",
    "phone_key",
    "pointer_problems",
    "requires_problems",
    "resident_fields",
    "sentences",
    "source_problems",
    "states_deadline",
    "step_pointer_fields",
    "text_fields",
]
