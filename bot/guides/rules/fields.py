"""What the rules read: the fields of a guide a resident reads, cut into sentences, and the
problem a rule reports."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from bot.guides.models import Guide

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class RuleProblem:
    guide_id: str
    loc: Loc
    message: str
    level: str = "error"


def text_fields(guide: Guide) -> Iterator[tuple[Loc, str]]:
    """Every field a resident reads in Vietnamese, where the names and hedge rules apply.
    Keywords are search words (chat forms such as "cmnd" belong there) and are left out."""
    yield ("title",), guide.title
    yield ("summary",), guide.summary
    for i, need in enumerate(guide.needs):
        yield ("needs", i), need
    for i, step in enumerate(guide.steps):
        yield ("steps", i, "title"), step.title
        yield ("steps", i, "text"), step.text
        if step.image_caption:
            yield ("steps", i, "image_caption"), step.image_caption
        for j, trouble in enumerate(step.troubleshooting):
            yield ("steps", i, "troubleshooting", j, "problem"), trouble.problem
            yield ("steps", i, "troubleshooting", j, "fix"), trouble.fix


def english_fields(guide: Guide) -> Iterator[tuple[Loc, str]]:
    if guide.title_en:
        yield ("title_en",), guide.title_en
    if guide.summary_en:
        yield ("summary_en",), guide.summary_en


# ---- issue 27: wording that must not reach a resident ------------------------------------
# Each rule reads the fields a resident reads (`resident_fields`) sentence by sentence: a
# sentence ends at ".", "!" or "?" followed by a space, or at a line break. Documented in
# guides/README.md ("Rules on wording").


def resident_fields(guide: Guide) -> Iterator[tuple[Loc, str]]:
    """`text_fields` and the screens note: everything a resident reads in Vietnamese."""
    yield from text_fields(guide)
    if guide.screens_note:
        yield ("screens_note",), guide.screens_note


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def fold(text: str) -> str:
    """Lower case, without accents, đ as d, spaces collapsed: "Chưa có  Nguồn" → "chua co nguon"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def lower(text: str) -> str:
    """Lower case with its accents (composed), spaces collapsed: what the wording rules match."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
