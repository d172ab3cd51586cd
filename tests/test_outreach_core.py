"""Telegram-free rules of the outreach log: phones, drafts, deep links, days in Vietnam."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import clock
from bot.domain import deep_links, phone
from bot.domain.draft import (
    SERVICES,
    Draft,
    DraftError,
    service_for_guide,
    services_from_mask,
    services_mask,
)


@pytest.mark.parametrize(
    "text", ["", "123", "0212345678", "091234567", "09123456789", "abc", "+1 212 555 0100"]
)
def test_not_a_mobile_number(text: str) -> None:
    with pytest.raises(phone.PhoneInvalid):
        phone.normalise_phone(text)


def test_person_key_is_keyed_and_stable() -> None:
    a = phone.person_key(b"k1", "0912 345 678")
    assert a == phone.person_key(b"k1", "+84912345678")
    assert a != phone.person_key(b"k2", "0912345678")  # without the key it cannot be recomputed
    assert phone.key_id(b"k1") != phone.key_id(b"k2") and len(phone.key_id(b"k1")) == 8
    assert "0912345678" not in a


def test_service_bits_round_trip() -> None:
    assert services_from_mask(services_mask({"v1", "sf"})) == ["v1", "sf"]
    assert services_mask(SERVICES) == 2 ** len(SERVICES) - 1
    assert service_for_guide("vneid-level2-activate", "vneid") == "v2"
    assert service_for_guide("signing-x", "signing") == "sg"


def test_draft_rules() -> None:
    draft = Draft(unit_id=1)
    assert draft.ready_to_save(consent=False) == "need_service"
    draft = draft.toggle_service("sf").toggle_service("v1").toggle_service("sf")
    assert draft.services == ("v1",)
    assert draft.ready_to_save(consent=True) == "need_age"
    assert draft.ready_to_save(consent=False) is None
    assert draft.choose("sex", "f").choose("sex", "f").sex == ""
    for bad in (
        lambda: draft.choose("age", "99"),
        lambda: draft.toggle_service("zz"),
        lambda: draft.set_people(5),
        lambda: draft.next_day_back(7),
    ):
        with pytest.raises(DraftError):
            bad()
    batch = Draft(unit_id=1, batch=True)
    days = []
    for _ in range(3):
        batch = batch.next_day_back(2)
        days.append(batch.days_back)
    assert days == [1, 2, 0]
    with pytest.raises(DraftError):
        batch.set_people(501)
    with pytest.raises(DraftError):
        batch.with_phone("k", "id")
    assert Draft.from_json(draft.to_json()) == draft


def test_deep_links() -> None:
    assert deep_links.parse("") == deep_links.MenuLink()
    assert deep_links.parse("menu") == deep_links.MenuLink()
    assert deep_links.parse("vneid-forgot-password") == deep_links.GuideLink(
        "vneid-forgot-password"
    )
    assert deep_links.parse("vneid-x_00004") == deep_links.GuideLink("vneid-x", "00004")
    assert deep_links.parse("join_ABCDEF2345") == deep_links.JoinLink("ABCDEF2345")
    assert deep_links.parse("join_!") == deep_links.MenuLink(unknown=True)
    assert deep_links.parse("a b") == deep_links.MenuLink(unknown=True)
    assert deep_links.parse("x" * 65) == deep_links.MenuLink(unknown=True)
    payload = deep_links.guide_payload("a" * 40, "CD-BD-1")
    assert len(payload) <= 64 and deep_links.parse(payload) == deep_links.GuideLink(
        "a" * 40, "CD-BD-1"
    )
    with pytest.raises(ValueError):
        deep_links.guide_payload("a" * 40, "b" * 30)


def test_days_are_vietnamese_days() -> None:
    day = dt.date(2026, 11, 28)
    start = clock.day_start(day)
    assert dt.datetime.fromtimestamp(start, dt.UTC) == dt.datetime(2026, 11, 27, 17, tzinfo=dt.UTC)
    assert clock.vn_date(start - 60) == dt.date(2026, 11, 27)  # 23:59 Vietnam time
    assert clock.vn_date(start + 60) == day  # 00:01
    assert clock.week_start(day) == dt.date(2026, 11, 23)  # a Monday
    assert clock.format_day(day) == "28/11/2026"
