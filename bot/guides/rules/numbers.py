"""Rule 2 of the wording (issue 27): a 1900 number costs the caller, and the sentence says
so; a number said to be free must be one of the known free lines (guides/free-numbers.yaml)."""

from __future__ import annotations

import re

from bot.guides.models import Guide
from bot.guides.rules.fields import RuleProblem, lower, resident_fields, sentences

FREE_NUMBERS_FILE = "free-numbers.yaml"

_NUMBER_1900 = re.compile(r"(?<![\d.,/])1900(?:[ .]?\d){4,6}(?![\d/])")
_CHARGED = re.compile(r"cước|có phí|mất phí|tính phí|tốn")
_FREE = re.compile(r"miễn phí|miễn cước")
# A phone number or short code: 1800/1900 numbers, or 3 to 5 digits standing alone (not part
# of a date, an amount, a document number or a year).
_PHONE = re.compile(
    r"(?<![\d.,/:])(?:1[89]00(?:[ .]?\d){4,6}|\d{3,5})(?![\d/%]|[.,]\d)"
    r"(?!\s*(?:đồng|kb|mb|km|ngày|tháng|năm|tuổi|giờ|phút|người|lần))"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def phone_key(number: str) -> str:
    return re.sub(r"\D", "", number)


def number_cost_problems(guide: Guide, free_numbers: frozenset[str] | None) -> list[RuleProblem]:
    problems = []
    for loc, text in resident_fields(guide):
        for sentence in sentences(text):
            low = lower(sentence)
            for number in _NUMBER_1900.findall(sentence):
                if not _CHARGED.search(low):
                    problems.append(
                        RuleProblem(
                            guide.id,
                            loc,
                            f"{number.strip()} is a charged number: say so in the same "
                            "sentence, e.g. '(có tính cước)'",
                        )
                    )
            if free_numbers is None or not _FREE.search(low):
                continue
            for number in _PHONE.findall(sentence):
                key = phone_key(number)
                if _YEAR.match(key) and not key.startswith(("1800", "1900")):
                    continue
                if key not in free_numbers:
                    problems.append(
                        RuleProblem(
                            guide.id,
                            loc,
                            f"{number.strip()} is called free ('miễn phí') but is not in "
                            f"guides/{FREE_NUMBERS_FILE}: check it, then add it there with "
                            "its source",
                        )
                    )
    return problems
