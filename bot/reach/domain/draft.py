"""An assist being filled in: pure rules for each tap, stored between taps as JSON.

Keeping the draft in the database (not in memory) means a restart mid-flow loses nothing,
and the draft's token makes "Confirm" idempotent: a second tap finds the record saved.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, replace

from bot.reach.domain.catalog import AGE_BANDS, OUTCOMES, SERVICES, SEXES

BATCH_PRESETS = (5, 10, 20, 50, 100)
MAX_BATCH = 500
TOKEN_LENGTH = 10
_TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


class DraftError(ValueError):
    """A tap that does not fit the draft (forged data or a stale button)."""


@dataclass(frozen=True)
class Draft:
    unit_id: int
    batch: bool = False
    services: tuple[str, ...] = ()
    outcome: str = "done"
    age: str = ""
    sex: str = ""
    person_key: str = ""
    key_id: str = ""
    people: int = 1
    days_back: int = 0
    browse: int = 0  # the unit whose children the unit picker shows
    page: int = 0
    seen: tuple[str, ...] = ()  # ids of the presses already applied (redelivery guard)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Draft:
        data = json.loads(text)
        data["services"] = tuple(data.get("services", ()))
        data["seen"] = tuple(data.get("seen", ()))
        data.pop("extra", None)  # fields of earlier drafts
        data.pop("stage", None)
        return cls(**data)

    def toggle_service(self, code: str) -> Draft:
        if code not in SERVICES:
            raise DraftError("unknown service")
        chosen = set(self.services) ^ {code}
        return replace(self, services=tuple(c for c in SERVICES if c in chosen))


    def choose(self, what: str, code: str) -> Draft:
        options = {"outcome": OUTCOMES, "age": AGE_BANDS, "sex": SEXES}[what]
        if code not in options:
            raise DraftError(f"unknown {what}")
        if what == "sex" and self.sex == code:
            return replace(self, sex="")  # optional: a second tap clears it
        return replace(self, **{what: code})

    def set_people(self, people: int) -> Draft:
        if not self.batch or not 1 <= people <= MAX_BATCH:
            raise DraftError("bad number of people")
        return replace(self, people=people)

    def next_day_back(self, limit: int) -> Draft:
        """Cycle today → yesterday → … → `limit` days ago → today."""
        if not self.batch:
            raise DraftError("only batches are back-dated")
        return replace(self, days_back=(self.days_back + 1) % (limit + 1))

    def with_phone(self, person_key: str, key_id: str) -> Draft:
        if self.batch:
            raise DraftError("a batch has no phone numbers")
        return replace(self, person_key=person_key, key_id=key_id)

    def ready_to_save(self, consent: bool) -> str | None:
        """Why the draft cannot be saved yet, or None."""
        if not self.services:
            return "need_service"
        if consent and not self.age:
            return "need_age"
        return None


def new_token() -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
