"""What a press on the assist form (or a typed phone number or count) comes to: plain values,
which the Telegram adapter turns into screens and toasts (see `assist_form.AssistForms`).
Someone who may not use the form at all is refused with `Refusal`, like every refusal."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.draft import MAX_BATCH, Draft
from bot.domain.model import Unit

__all__ = [
    "AskPhone",
    "Cancelled",
    "CountInvalid",
    "FormClosed",
    "FormScreen",
    "NotACount",
    "PickerScreen",
    "PressResult",
    "Quiet",
    "SavedScreen",
    "Toast",
]


@dataclass(frozen=True)
class Toast:
    label: str
    alert: bool = False


@dataclass(frozen=True)
class Quiet:
    """A press delivered again: acknowledged, nothing changes."""


@dataclass(frozen=True)
class FormScreen:
    token: str
    draft: Draft
    unit: Unit
    notice: str = ""  # a template to show above the form


@dataclass(frozen=True)
class PickerScreen:
    token: str
    browse: Unit
    children: list[Unit]
    counts: dict[int, int]
    page: int
    can_go_up: bool
    query: str = ""  # typed while the picker was open: `children` are the units found


@dataclass(frozen=True)
class AskPhone:
    pass


@dataclass(frozen=True)
class Cancelled:
    pass


@dataclass(frozen=True)
class SavedScreen:
    draft: Draft
    consent: bool
    unit: Unit
    occurred_at: int
    created: bool = True
    assist_id: int = 0  # the record (the first, for a batch split by age band)
    pending: bool = False  # past the daily limit: saved, but counted only once approved


@dataclass(frozen=True)
class FormClosed:
    pass


@dataclass(frozen=True)
class NotACount:
    """Text typed while a batch form is open that is no count: it is meant as a search."""


@dataclass(frozen=True)
class CountInvalid:
    limit: int = MAX_BATCH
    comma: str = ""  # «1,5» as typed: a decimal mark where a whole number was asked


PressResult = Toast | Quiet | FormScreen | PickerScreen | AskPhone | Cancelled | SavedScreen
