"""What one press on an assist form finds in the database, and what it asks to change.

The service decides (`FormChange` from `FormState`, a pure function); storage reads the
state, calls the decision and applies it, all in one trip and one transaction, so two
presses on the same form can never interleave and lose a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.draft import Draft


@dataclass(frozen=True)
class SavedAssist:
    id: int
    created: bool  # False when this token was saved before (a double tap, a redelivery)
    people: int
    occurred_at: int
    pending: bool = False  # over the daily limit: saved, waiting for review


@dataclass(frozen=True)
class FormState:
    saved: SavedAssist | None  # the record, when this form has been saved already
    owner_id: int | None  # the draft's volunteer; None when there is no draft
    draft: Draft | None


@dataclass(frozen=True)
class NewAssist:
    """An assist record as it is written: only what consent allows is filled in."""

    volunteer_id: int
    unit_id: int
    services: int  # bit mask, see catalog.services_mask
    people: int
    consent: bool
    outcome: str | None
    age_band: str | None
    sex: str | None
    person_key: str | None
    key_id: str | None
    occurred_at: int
    created_at: int
    activity_id: int | None = None  # the activity the volunteer checked in to
    status: str = "ok"  # see bot/domain/review.py; set when written
    batch: bool = False  # logged with /batch (several people at once), not one resident


@dataclass(frozen=True)
class Question:
    """Typed input the bot now waits for from one person (a phone number, a name)."""

    user_key: str
    kind: str
    ref: str
    expires_at: int


@dataclass(frozen=True)
class FormChange:
    """A press's decision. At most one of `draft`, `drop` and `assists` applies; `outcome`
    is the service's own answer, handed back untouched."""

    outcome: Any
    draft: Draft | None = None  # store this draft
    drop: bool = False  # delete the draft (the form was cancelled)
    # Save the form as these assists (a batch split by age band makes one per band), and
    # drop its draft.
    assists: tuple[NewAssist, ...] = ()
    question: Question | None = None
    ends_question: str = ""  # a user key whose pending typed input is over
