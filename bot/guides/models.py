"""The schema of a guide file. `guides/README.md` documents it for content editors."""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from bot.link_words import RESERVED_GUIDE_IDS


class Topic(StrEnum):
    VNEID = "vneid"
    PARTY_HANDBOOK = "party-handbook"
    PUBLIC_SERVICES = "public-services"
    SIGNING = "signing"
    SAFETY = "safety"
    PAYMENTS = "payments"
    HEALTH = "health"
    TRANSPORT = "transport"
    COMPUTER_BASICS = "computer-basics"
    UNION = "union"


TOPIC_ORDER: tuple[Topic, ...] = tuple(Topic)


class _Strict(BaseModel):
    # Unknown fields are errors: a typo such as `step:` must not silently drop content.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Trouble(_Strict):
    problem: str = Field(min_length=3, max_length=200)
    fix: str = Field(min_length=3, max_length=1000)


class StepLink(_Strict):
    """A way on from a step: another guide (`guide: <id>`, opens its intro) or another step
    of the same guide (`step: <n>`, 1-based). `guides check` checks that it exists."""

    guide: str | None = Field(default=None, max_length=37)
    step: int | None = Field(default=None, ge=1, le=30)

    @model_validator(mode="after")
    def _exactly_one(self) -> StepLink:
        if (self.guide is None) == (self.step is None):
            raise ValueError("a link is either 'guide: <id>' or 'step: <number>', one of them")
        return self


MAX_IMAGE_BYTES = 200 * 1024  # a picture must load quickly on a slow phone connection


class Step(_Strict):
    title: str = Field(min_length=2, max_length=120)
    text: str = Field(min_length=2, max_length=3000)
    image: str | None = Field(default=None, description="Path relative to the guides folder.")
    image_caption: str | None = Field(
        default=None, min_length=10, max_length=300, description="What the picture shows."
    )
    troubleshooting: tuple[Trouble, ...] = ()
    # A fact that holds only until a date (a fee waiver, a deadline): after it, the bot marks
    # the step as out of date, and `guides check` fails so that an editor updates it.
    valid_until: dt.date | None = None
    # Buttons on the step (and its help) to where its text points: «📖 <guide>», «↪ Bước N».
    links: tuple[StepLink, ...] = Field(default=(), max_length=4)
    # Glossary terms whose words this step uses in another sense ("đường dẫn" as a menu
    # path): the step offers no explanation for them.
    not_terms: tuple[str, ...] = ()

    def expired(self, today: dt.date) -> bool:
        return self.valid_until is not None and today > self.valid_until


# Sites run by the state: a resident is shown these first (the full list is for editors).
OFFICIAL_SUFFIXES = (".gov.vn", "chinhphu.vn", "dangcongsan.vn")


class Source(_Strict):
    title: str = Field(min_length=2, max_length=200)
    url: HttpUrl
    checked: dt.date
    # Why a site's homepage is the right link (say, "the lookup form is on the homepage"):
    # without it `guides check` warns, because a reader cannot find the fact there.
    why: str | None = Field(default=None, min_length=5, max_length=300)

    @property
    def official(self) -> bool:
        host = (self.url.host or "").lower()
        return host.endswith(OFFICIAL_SUFFIXES)


class Guide(_Strict):
    # 37 at most: the «✅ Xong» button carries the id, version, a tag and the credited unit
    # in Telegram's 64 bytes (bot/telegram/callback_data.py).
    id: str = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", max_length=37)
    topic: Topic
    title: str = Field(min_length=3, max_length=100)
    title_en: str | None = Field(default=None, max_length=100)
    summary: str = Field(min_length=10, max_length=400)
    summary_en: str | None = Field(default=None, max_length=400)
    keywords: tuple[str, ...] = Field(min_length=1)
    needs: tuple[str, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=1, max_length=30)
    related: tuple[str, ...] = ()
    # Guides to finish first: the intro asks whether they are done, and offers them.
    requires: tuple[str, ...] = ()
    sources: tuple[Source, ...] = Field(min_length=1)
    reviewed: dt.date
    # The one "screens may differ" remark, with the app version or month checked against.
    screens_note: str | None = Field(default=None, min_length=10, max_length=300)
    screens_note_en: str | None = Field(default=None, min_length=10, max_length=300)
    valid_until: dt.date | None = None  # the whole guide holds until then (see Step)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        # These words mean something else in a deep link (see bot/domain/deep_links.py).
        if value in RESERVED_GUIDE_IDS:
            raise ValueError(f"'{value}' is reserved for deep links; choose another id")
        return value

    @field_validator("keywords", "needs")
    @classmethod
    def _no_blank_items(cls, items: tuple[str, ...]) -> tuple[str, ...]:
        if any(not item.strip() for item in items):
            raise ValueError("items must not be empty")
        return items

    @property
    def version(self) -> str:
        """A short fingerprint of the step list, carried in buttons to spot stale ones.

        Only step titles count: fixing a typo in a step's text must not invalidate the
        buttons residents already have on screen, but removing or reordering steps must.
        """
        digest = hashlib.blake2s("\n".join(s.title for s in self.steps).encode(), digest_size=3)
        return digest.hexdigest()

    def expired(self, today: dt.date) -> bool:
        return self.valid_until is not None and today > self.valid_until

    @property
    def dated(self) -> bool:
        """Whether any fact of the guide holds only until a date."""
        return self.valid_until is not None or any(s.valid_until for s in self.steps)

    def official_sources(self, limit: int = 2) -> list[Source]:
        """What the done screen shows: at most `limit` sources run by the state."""
        return [source for source in self.sources if source.official][:limit]

    def localized_title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def localized_summary(self, language: str) -> str:
        return self.summary_en if language == "en" and self.summary_en else self.summary

    def localized_screens_note(self, language: str) -> str:
        if language == "en" and self.screens_note_en:
            return self.screens_note_en
        return self.screens_note or ""
