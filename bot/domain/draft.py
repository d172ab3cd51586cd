"""An assist being filled in, and the fixed answer sets it draws on: pure rules for each tap,
stored between taps as JSON.

Keeping the draft in the database (not in memory) means a restart mid-flow loses nothing,
and the draft's token makes "Confirm" idempotent: a second tap finds the record saved.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass, replace

from bot.domain.numbers import is_number_like, whole_number

# ---- the fixed answer sets of an assist record, as short codes -----------------------------
# Codes go into button data and the database; their wording lives in the templates
# (`labels.txt.j2`), so a label can change without touching stored records.

# Order matters: a service's position is its bit in `assists.services`. Append only.
SERVICES: tuple[str, ...] = ("v1", "v2", "vd", "ph", "ds", "sg", "sf", "ot")
OUTCOMES: tuple[str, ...] = ("done", "partly", "followup")
AGE_BANDS: tuple[str, ...] = ("u16", "16-30", "31-59", "60p")
SEXES: tuple[str, ...] = ("f", "m", "x")  # x: "không muốn nói"

# Which service a citizen's finished guide counts for (self-serve reach).
_GUIDE_SERVICE = {"vneid-level1-register": "v1", "vneid-level2-activate": "v2"}
_TOPIC_SERVICE = {
    "vneid": "vd",
    "party-handbook": "ph",
    "public-services": "ds",
    "signing": "sg",
    "safety": "sf",
}


def services_mask(codes: set[str] | list[str] | tuple[str, ...]) -> int:
    mask = 0
    for code in codes:
        mask |= 1 << SERVICES.index(code)
    return mask


def services_from_mask(mask: int) -> list[str]:
    return [code for bit, code in enumerate(SERVICES) if mask & (1 << bit)]


def service_for_guide(guide_id: str, topic: str) -> str:
    return _GUIDE_SERVICE.get(guide_id) or _TOPIC_SERVICE.get(topic, "ot")


def topic_of_service(code: str) -> str:
    """The guide topic for a service ("" for «other»)."""
    if code in ("v1", "v2"):
        return "vneid"
    return next((topic for topic, service in _TOPIC_SERVICE.items() if service == code), "")


# ---- the draft -------------------------------------------------------------------------------

BATCH_STEPS = (1, 5, 10, 20, 50)  # a batch's buttons add these to the count
MAX_BATCH = 500
MAX_TYPED_DIGITS = 3
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
    people: int = 1  # a batch: the total of `bands`
    # A batch only: how many people in each age band ("" while no band is chosen). The band
    # in `age` is the one the count buttons and a typed number change.
    bands: tuple[tuple[str, int], ...] = ()
    days_back: int = 0
    # The activity the volunteer checked in to today: the record will belong to it.
    activity_id: int = 0
    activity_title: str = ""
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
        data["bands"] = tuple((str(b), int(n)) for b, n in data.get("bands", ()))
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
        if what == "sex" and self.batch:
            raise DraftError("a group has no one sex")
        if what == "sex" and self.sex == code:
            return replace(self, sex="")  # optional: a second tap clears it
        if what == "age" and self.batch:
            return self._switch_band(code)
        if what == "outcome":
            return replace(self, outcome=code)
        if what == "age":
            return replace(self, age=code)
        return replace(self, sex=code)

    def counts(self) -> dict[str, int]:
        """People per age band ("" for those whose band is not chosen yet)."""
        if not self.batch:
            return {self.age: self.people}
        return dict(self.bands) if self.bands else {self.age: self.people}

    def band_count(self) -> int:
        """How many people the band being counted (`age`) has."""
        return self.counts().get(self.age, 0)

    def _switch_band(self, code: str) -> Draft:
        counts = self.counts()
        if self.age == "" and code not in counts:
            # The first band chosen takes the people counted so far: «37», then «16–30».
            counts[code] = counts.pop("", 0)
        counts.setdefault(code, 0)
        return self._with_counts(counts, age=code)

    def set_people(self, people: int) -> Draft:
        """A batch: the band being counted now has `people` (typed, or a reset to 0)."""
        if not self.batch or not 0 <= people <= MAX_BATCH:
            raise DraftError("bad number of people")
        counts = self.counts()
        counts[self.age] = people
        return self._with_counts(counts)

    def add_people(self, change: int) -> Draft:
        """A batch: a count button adds (or takes away) people in the band being counted."""
        if not self.batch:
            raise DraftError("only a batch has a count")
        counts = self.counts()
        here = counts.get(self.age, 0)
        room = MAX_BATCH - (sum(counts.values()) - here)  # a full batch stops growing
        counts[self.age] = min(max(0, here + change), room)
        return self._with_counts(counts)

    def _with_counts(self, counts: dict[str, int], age: str | None = None) -> Draft:
        age = self.age if age is None else age
        # A band emptied and left is forgotten; the one being counted stays, even at 0.
        kept = {b: n for b, n in counts.items() if n > 0 or b == age}
        total = sum(kept.values())
        if total > MAX_BATCH:
            raise DraftError("too many people in one batch")
        ordered = tuple((b, kept[b]) for b in ("", *AGE_BANDS) if b in kept)
        return replace(self, bands=ordered, people=total, age=age)

    def next_day_back(self, limit: int) -> Draft:
        """Cycle today → yesterday → … → `limit` days ago → today."""
        if not self.batch:
            raise DraftError("only batches are back-dated")
        return replace(self, days_back=(self.days_back + 1) % (limit + 1))

    def unlink_activity(self) -> Draft:
        if not self.activity_id:
            raise DraftError("no activity to unlink")
        return replace(self, activity_id=0, activity_title="")

    def with_phone(self, person_key: str, key_id: str) -> Draft:
        if self.batch:
            raise DraftError("a batch has no phone numbers")
        return replace(self, person_key=person_key, key_id=key_id)

    def ready_to_save(self, consent: bool) -> str | None:
        """Why the draft cannot be saved yet, or None."""
        if not self.services:
            return "need_service"
        if self.people < 1:
            return "need_people"
        if consent and (not self.age or self.counts().get("", 0) > 0):
            return "need_age"
        return None

    def age_groups(self) -> list[tuple[str, int]]:
        """What a save with consent writes: one record per age band that has people."""
        return [(band, n) for band, n in self.counts().items() if n > 0]


_TYPED_COUNT = re.compile(r"^(\d[\d.,]{0,11})(?:\s*(?:người|nguoi|ng))?$", re.IGNORECASE)


def typed_count(text: str) -> int | None:
    """A count typed on a batch («37», «37 người», «1.000»), or None when the text is not a
    count (then it is a search). It may still be out of range: see `MAX_BATCH`. «1,5»
    raises NumberError: a comma is the Vietnamese decimal mark, worth a hint."""
    found = _TYPED_COUNT.match(" ".join(text.split()))
    typed = found.group(1) if found else ""
    if not is_number_like(typed) or (typed.isdigit() and len(typed) > MAX_TYPED_DIGITS):
        return None  # «12345» is more likely a code or a search than a crowd
    return whole_number(typed)


def new_token() -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
