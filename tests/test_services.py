"""The rules, tested where they live: the services, on a real SQLite file, with no Telegram
and no stand-in. Each test runs in milliseconds."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.clock import VIETNAM
from bot.domain.model import Role
from bot.domain.refusal import Reason, Refusal
from bot.domain.taps import AssistOp
from bot.domain.units_csv import parse_units_csv
from bot.reports import requests
from bot.services import Policy, Reach
from bot.services import assist_form as form
from bot.services import joining as jn
from bot.services import membership as ms
from bot.services.access import Actor
from bot.storage.assists import Tally
from bot.storage.db import open_database
from tests.outreach_helpers import SMALL_TREE
from tests.test_campaign_rules import refused

ADMIN = 1
NOW = 1_800_000_000  # 15/01/2027, 08:00 UTC
KEY = b"k" * 32


@dataclass
class World:
    """The services over a real SQLite file, and people made the way they join."""

    reach: Reach
    path: Path
    now: int = NOW

    async def actor(self, telegram_id: int) -> Actor:
        return await self.reach.access.actor(telegram_id)

    async def member(self, telegram_id: int, unit: str, role: Role = Role.VOLUNTEER) -> Actor:
        """Make `telegram_id` a member of `unit` the way people join: invite, then name."""
        admin = await self.actor(ADMIN)
        made = await self.reach.membership.invite(admin, [unit, role.value], self.now)
        assert isinstance(made, ms.InviteMade)
        key = self.reach.access.user_key(telegram_id)
        begun = await self.reach.joining.begin(key, made.invite.code, self.now)
        assert isinstance(begun, jn.AskName)
        joined = await self.reach.joining.name(key, made.invite.code, f"P{telegram_id}", self.now)
        assert isinstance(joined, jn.Joined)
        return await self.actor(telegram_id)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    db = await open_database(tmp_path / "s.db")
    reach = Reach(db, KEY, Policy(admin_ids=frozenset({ADMIN}), undo_minutes=10, backdate_days=7))
    rows, problems = parse_units_csv(SMALL_TREE)
    await reach.import_units(rows, problems)
    await reach.start(NOW)
    yield World(reach, tmp_path / "s.db")
    await db.close()


async def test_roles_and_scope(world: World) -> None:
    admin = await world.actor(ADMIN)
    citizen = await world.actor(2)
    volunteer = await world.member(3, "00004")
    coordinator = await world.member(4, "00004", Role.COORDINATOR)
    ba_dinh = world.reach.directory.unit_by_code("00004")
    branch = world.reach.directory.unit_by_code("CD-BD-1")
    bac_lieu = world.reach.directory.unit_by_code("31825")
    assert ba_dinh and branch and bac_lieu
    assert admin.staff and admin.report_root is None and admin.scope.covers(bac_lieu)
    assert not citizen.staff and citizen.volunteer is None
    assert citizen.why_not_volunteer() == "not_volunteer"
    assert volunteer.volunteer is not None and not volunteer.staff
    assert coordinator.staff and coordinator.report_root == ba_dinh
    assert coordinator.scope.covers(branch) and not coordinator.scope.covers(bac_lieu)
    access = world.reach.access
    assert access.may_print_poster(volunteer, branch)
    assert not access.may_print_poster(volunteer, bac_lieu)


async def test_a_paused_member_cannot_log_or_rejoin(world: World) -> None:
    coordinator = await world.member(4, "00004", Role.COORDINATOR)
    volunteer = await world.member(3, "00004")
    assert volunteer.member is not None
    changed = await world.reach.membership.set_active(coordinator, volunteer.member.id, False, 0)
    assert isinstance(changed, ms.Changed) and not changed.active
    paused = await world.actor(3)
    assert paused.volunteer is None and paused.why_not_volunteer() == "member_inactive"
    opened = await refused(world.reach.forms.open(paused, False, NOW))
    assert opened.reason is Reason.MEMBER_PAUSED
    stranger = await refused(world.reach.forms.open(await world.actor(2), False, NOW))
    assert stranger.reason is Reason.NOT_VOLUNTEER
    admin = await world.actor(ADMIN)
    made = await world.reach.membership.invite(admin, ["00004"], NOW)
    assert isinstance(made, ms.InviteMade)
    begun = await refused(world.reach.joining.begin(paused.user_key, made.invite.code, NOW))
    assert begun.reason is Reason.INVITE_PAUSED
    assert coordinator.member is not None
    itself = await refused(
        world.reach.membership.set_active(coordinator, coordinator.member.id, False, 0)
    )
    assert itself.reason is Reason.NOT_YOURSELF


async def test_invites_are_checked(world: World) -> None:
    citizen = await world.actor(2)
    coordinator = await world.member(4, "00004", Role.COORDINATOR)
    membership = world.reach.membership
    assert (await refused(membership.invite(citizen, ["00004"], NOW))).reason is Reason.STAFF_ONLY
    out_of_scope = await refused(membership.invite(coordinator, ["31825"], NOW))
    assert out_of_scope.reason is Reason.STAFF_ONLY
    unknown = await refused(membership.invite(coordinator, ["99999"], NOW))
    assert (unknown.reason, unknown.detail) == (Reason.UNIT_CODE_UNKNOWN, "99999")
    usage = await refused(membership.invite(coordinator, ["00004", "boss"], NOW))
    assert (usage.reason, usage.example_unit) == (Reason.INVITE_USAGE, "00004")
    for words in (["điều", "phối", "viên"], ["dieu", "phoi"], ["Điều", "Phối"], ["DPV"]):
        made = await membership.invite(coordinator, ["CD-BD-1", *words], NOW)
        assert isinstance(made, ms.InviteMade) and made.invite.role is Role.COORDINATOR
    for words in (["tình", "nguyện", "viên"], ["tnv"], []):
        made = await membership.invite(coordinator, ["CD-BD-1", *words], NOW)
        assert isinstance(made, ms.InviteMade) and made.invite.role is Role.VOLUNTEER
    made = await membership.invite(coordinator, ["CD-BD-1", "coordinator"], NOW)
    assert isinstance(made, ms.InviteMade) and made.invite.max_uses == 1
    joining = world.reach.joining
    key = world.reach.access.user_key(9)
    assert (await refused(joining.begin(key, "NOPE", NOW))).reason is Reason.INVITE_UNKNOWN
    blank = await refused(joining.name(key, made.invite.code, "   ", NOW))
    assert (blank.reason, blank.detail, blank.why) == (Reason.NAME_INVALID, "40", "length")
    expired = made.invite.expires_at
    late = await refused(joining.begin(key, made.invite.code, expired))
    assert late.reason is Reason.INVITE_EXPIRED


async def _filled_form(world: World, volunteer: Actor, batch: bool = False) -> str:
    opened = await world.reach.forms.open(volunteer, batch, NOW)
    assert isinstance(opened, form.FormScreen)
    return opened.token


_PRESS_NUMBERS = itertools.count(1)


async def press(world: World, actor: Actor, token: str, op: str, arg: str = "") -> object:
    press_id = f"q{next(_PRESS_NUMBERS)}"
    return await world.reach.forms.press(actor, token, AssistOp(op), arg, press_id, NOW)


async def test_the_assist_form_rules(world: World) -> None:
    volunteer = await world.member(3, "00004")
    other = await world.member(5, "00004")
    token = await _filled_form(world, volunteer)
    shown = await press(world, volunteer, token, "s", "v1")
    assert isinstance(shown, form.FormScreen) and shown.draft.services == ("v1",)
    assert await press(world, other, token, "s", "v2") == form.Toast("toast_not_yours", True)
    assert await press(world, volunteer, token, "y") == form.Toast("toast_need_age")
    assert await press(world, volunteer, token, "s", "zz") == form.Toast("toast_stale_form")
    assert await press(world, volunteer, token, "k", "20") == form.Toast("toast_stale_form")
    bac_lieu = world.reach.directory.unit_by_code("31825")
    assert bac_lieu is not None
    refused = await press(world, volunteer, token, "U", str(bac_lieu.id))
    assert refused == form.Toast("toast_not_allowed", True)  # outside the volunteer's unit
    picker = await press(world, volunteer, token, "u")
    assert isinstance(picker, form.PickerScreen)
    assert [u.code for u in picker.children] == ["CD-BD-1"] and not picker.can_go_up
    branch = picker.children[0]
    moved = await press(world, volunteer, token, "U", str(branch.id))
    assert isinstance(moved, form.FormScreen) and moved.unit == branch
    await press(world, volunteer, token, "g", "60p")
    saved = await press(world, volunteer, token, "y")
    assert isinstance(saved, form.SavedScreen) and saved.created and saved.unit == branch
    assert await press(world, volunteer, token, "y") == form.Toast("toast_already_saved")
    assert await press(world, volunteer, "nosuchform", "s", "v1") == form.Toast("toast_stale_form")


async def test_a_redelivered_press_changes_nothing(world: World) -> None:
    volunteer = await world.member(3, "00004")
    token = await _filled_form(world, volunteer)
    forms = world.reach.forms
    first = await forms.press(volunteer, token, AssistOp.SERVICE, "v1", "same-press", NOW)
    again = await forms.press(volunteer, token, AssistOp.SERVICE, "v1", "same-press", NOW)
    assert isinstance(first, form.FormScreen) and again == form.Quiet()
    later = await forms.press(volunteer, token, AssistOp.SERVICE, "v2", "next", NOW)
    assert isinstance(later, form.FormScreen) and later.draft.services == ("v1", "v2")


async def test_batch_clamps_and_back_dating(world: World) -> None:
    volunteer = await world.member(3, "00004")
    token = await _filled_form(world, volunteer, batch=True)
    assert isinstance(await press(world, volunteer, token, "k", "500"), form.FormScreen)
    assert await press(world, volunteer, token, "k", "501") == form.Toast("toast_stale_form")
    down = await press(world, volunteer, token, "j", "-999")
    assert isinstance(down, form.FormScreen) and down.draft.people == 0  # never below none
    await press(world, volunteer, token, "s", "v1")
    assert await press(world, volunteer, token, "a") == form.Toast("toast_need_people")
    for expected in (1, 2, 3, 4, 5, 6, 7, 0):  # today → 7 days back → today
        shown = await press(world, volunteer, token, "d")
        assert isinstance(shown, form.FormScreen) and shown.draft.days_back == expected
    assert form.backdated(NOW, 0) == NOW
    yesterday_noon = dt.datetime.fromtimestamp(form.backdated(NOW, 1), VIETNAM)
    assert yesterday_noon == dt.datetime(2027, 1, 14, 12, tzinfo=VIETNAM)


async def test_a_batch_counts_typed_numbers_adds_steps_and_splits_age_bands(
    world: World,
) -> None:
    volunteer = await world.member(3, "00004")
    token = await _filled_form(world, volunteer, batch=True)
    await press(world, volunteer, token, "s", "v2")
    await world.reach.forms.count(volunteer, token, "37", NOW)  # typed: sets the count
    await press(world, volunteer, token, "g", "16-30")  # the first band takes all 37
    shown = await press(world, volunteer, token, "k", "20")
    assert isinstance(shown, form.FormScreen) and shown.draft.counts() == {"16-30": 20}
    await press(world, volunteer, token, "g", "60p")
    for step in ("10", "5", "1", "1"):  # steps add, they do not replace
        shown = await press(world, volunteer, token, "j", step)
    assert isinstance(shown, form.FormScreen)
    assert shown.draft.counts() == {"16-30": 20, "60p": 17} and shown.draft.people == 37
    saved = await press(world, volunteer, token, "y")
    assert isinstance(saved, form.SavedScreen) and saved.draft.people == 37
    with sqlite3.connect(world.path) as conn:
        rows = conn.execute("SELECT age_band, people FROM assists ORDER BY age_band").fetchall()
    assert rows == [("16-30", 20), ("60p", 17)]
    offer = await world.reach.mine.undo_offer(volunteer, NOW)
    assert offer is not None and offer.people == 37  # the batch is undone as one
    assert await world.reach.mine.undo(volunteer, offer.assist_id, NOW)
    with sqlite3.connect(world.path) as conn:
        assert conn.execute("SELECT count(*) FROM assists").fetchone() == (0,)


async def test_a_typed_count_that_is_not_a_count_is_refused(world: World) -> None:
    volunteer = await world.member(3, "00004")
    token = await _filled_form(world, volunteer, batch=True)
    for text in ("0", "501", "000"):
        invalid = await refused(world.reach.forms.count(volunteer, token, text, NOW))
        assert (invalid.reason, invalid.detail) == (Reason.COUNT_INVALID, "500")
    for text in ("ba mươi", "12345", "-3", "37 tuổi"):  # not a count: searched as usual
        assert await world.reach.forms.count(volunteer, token, text, NOW) == form.NotACount()
    shown = await world.reach.forms.count(volunteer, token, " 37 người ", NOW)
    assert isinstance(shown, form.FormScreen) and shown.draft.people == 37


async def test_without_consent_only_a_count_is_kept(world: World) -> None:
    volunteer = await world.member(3, "00004")
    token = await _filled_form(world, volunteer)
    await press(world, volunteer, token, "s", "v2")
    await press(world, volunteer, token, "g", "60p")
    await press(world, volunteer, token, "x", "f")
    assert isinstance(await press(world, volunteer, token, "a"), form.SavedScreen)
    with sqlite3.connect(world.path) as conn:
        row = conn.execute("SELECT consent, outcome, age_band, sex, person_key FROM assists")
        assert row.fetchall() == [(0, None, None, None, None)]


async def test_a_phone_number_is_kept_only_as_a_keyed_hash(world: World) -> None:
    volunteer = await world.member(3, "00004")
    token = await _filled_form(world, volunteer)
    asked = await press(world, volunteer, token, "p")
    assert asked == form.AskPhone()
    waiting = await world.reach.question_for(volunteer.user_key, NOW)
    assert waiting is not None and (waiting.kind, waiting.ref) == ("phone", token)
    forms = world.reach.forms
    assert (await refused(forms.phone(volunteer, token, "12", NOW))).reason is Reason.PHONE_INVALID
    kept = await forms.phone(volunteer, token, "0912 345 678", NOW)
    assert isinstance(kept, form.FormScreen) and kept.draft.person_key
    assert "0912345678" not in kept.draft.person_key
    assert await world.reach.question_for(volunteer.user_key, NOW) is None
    other = await world.member(5, "00004")
    closed = await refused(forms.phone(other, token, "0912 345 678", NOW))
    assert closed.reason is Reason.FORM_CLOSED


async def test_undo_has_one_window(world: World) -> None:
    volunteer = await world.member(3, "00004")
    other = await world.member(5, "00004")
    token = await _filled_form(world, volunteer)
    await press(world, volunteer, token, "s", "v1")
    await press(world, volunteer, token, "a")
    own = world.reach.mine
    offer = await own.undo_offer(volunteer, NOW + 9 * 60)
    assert offer is not None and offer.services == ["v1"] and offer.minutes_ago == 9
    assert await own.undo_offer(volunteer, NOW + 10 * 60 + 1) is None  # past the window
    assert not await own.undo(volunteer, offer.assist_id, NOW + 10 * 60 + 1)
    assert not await own.undo(other, offer.assist_id, NOW)  # not theirs
    assert await own.undo(volunteer, offer.assist_id, NOW + 60)
    assert await own.undo_offer(volunteer, NOW + 60) is None


async def test_forget_removes_the_member_from_memory_too(world: World) -> None:
    volunteer = await world.member(3, "00004")
    erased = await world.reach.erasure.forget(volunteer.user_key, NOW)
    assert erased.profile == 1
    assert (await world.actor(3)).member is None


async def test_report_requests(world: World) -> None:
    today = dt.date(2027, 1, 15)
    directory = world.reach.directory
    admin = await world.actor(ADMIN)
    coordinator = await world.member(4, "00004", Role.COORDINATOR)
    citizen = await world.actor(2)

    def refusal(call: Callable[[], object]) -> Refusal:
        with pytest.raises(Refusal) as caught:
            call()
        return caught.value

    assert refusal(lambda: requests.from_command(citizen, [], today, directory)).reason is (
        Reason.STAFF_ONLY
    )
    asked = requests.from_command(coordinator, ["tuan", "CD-BD-1"], today, directory)
    assert isinstance(asked, requests.ReportRequest) and asked.scope is not None
    assert asked.scope.code == "CD-BD-1" and asked.period.kind == "week"
    outside = refusal(lambda: requests.from_command(coordinator, ["31825"], today, directory))
    assert outside.reason is Reason.STAFF_ONLY
    nonsense = refusal(lambda: requests.from_command(coordinator, ["soon"], today, directory))
    # Their own unit in the example, and the words at fault named.
    said = (nonsense.reason, nonsense.example_unit, nonsense.why, nonsense.detail)
    assert said == (Reason.BAD_PERIOD, "00004", "unknown", "soon")
    whole_tree = refusal(lambda: requests.from_command(admin, ["soon"], today, directory))
    assert whole_tree.reason is Reason.BAD_PERIOD and whole_tree.example_unit == "01"
    unknown = refusal(
        lambda: requests.from_command(coordinator, ["tuan", "X-99"], today, directory)
    )
    assert (unknown.reason, unknown.detail) == (Reason.UNIT_CODE_UNKNOWN, "X-99")
    accented = requests.from_command(coordinator, ["quý", "trước"], today, directory)
    assert isinstance(accented, requests.ReportRequest) and accented.period.kind == "last-quarter"
    whole = requests.from_button(admin, requests.ButtonRef(), "month", today, directory)
    assert isinstance(whole, requests.ReportRequest) and whole.scope is None
    not_whole = refusal(
        lambda: requests.from_button(coordinator, requests.ButtonRef(), "month", today, directory)
    )
    assert not_whole.reason is Reason.STAFF_ONLY
    # A cluster's button stays the cluster's; one that no longer exists is stale.
    assert requests.parse_button_ref("g3c7") == requests.ButtonRef(0, 3, 7)
    parsed = requests.parse_button_ref(requests.ButtonRef(12, 0, 4).encode())
    assert parsed is not None and parsed.unit_id == 12
    assert requests.parse_button_ref("g") is None and requests.parse_button_ref("1g2") is None
    gone = refusal(
        lambda: requests.from_button(admin, requests.ButtonRef(0, 3), "month", today, directory)
    )
    assert gone.reason is Reason.STALE_REPORT
    old = refusal(lambda: requests.from_button(admin, requests.ButtonRef(), "x", today, directory))
    assert old.reason is Reason.STALE_REPORT


async def test_a_press_that_saves_nothing_makes_one_trip(world: World) -> None:
    """Counted on the database itself: the trips to its writer's worker thread."""
    volunteer = await world.member(3, "00004")
    token = await _filled_form(world, volunteer)
    db = world.reach.db
    counts = {}
    for op, arg in (("s", "v1"), ("g", "60p"), ("x", "f"), ("o", "partly"), ("u", ""), ("c", "")):
        before = db.trips
        await press(world, volunteer, token, op, arg)
        counts[op] = db.trips - before
    before = db.trips
    saved = await press(world, volunteer, token, "y")
    counts["save"] = db.trips - before
    assert isinstance(saved, form.SavedScreen)
    assert counts == {"s": 1, "g": 1, "x": 1, "o": 1, "u": 1, "c": 1, "save": 1}


async def test_a_change_by_another_process_reloads_the_cache(world: World) -> None:
    assert world.reach.directory.unit_by_code("NEW-1") is None
    with sqlite3.connect(world.path) as conn:  # as `outreach-bot units import` would
        conn.execute(
            "INSERT INTO units (code, name, kind, parent_id, path) VALUES "
            "('NEW-1', 'Chi đoàn mới', 'branch', NULL, '/999/')"
        )
    await world.reach.db.fetchall("SELECT 1")  # any trip notices the outside change
    await world.reach.directory.fresh()
    assert world.reach.directory.unit_by_code("NEW-1") is not None


async def test_mine_counts_only_what_counts_and_shows_what_waits_apart(world: World) -> None:
    volunteer = await world.member(3, "00004")
    token = await _filled_form(world, volunteer, batch=True)
    await press(world, volunteer, token, "s", "v1")
    await press(world, volunteer, token, "g", "16-30")
    await world.reach.forms.count(volunteer, token, "500", NOW)  # past the daily limit
    saved = await press(world, volunteer, token, "y")
    assert isinstance(saved, form.SavedScreen) and saved.pending
    mine = await world.reach.mine.tallies(volunteer, NOW)
    assert (mine.today, mine.total) == (Tally(0, 0), Tally(0, 0))
    assert mine.pending == Tally(people=500, assists=500)
    with sqlite3.connect(world.path) as conn:
        conn.execute("UPDATE assists SET status = 'rejected'")
    rejected = await world.reach.mine.tallies(volunteer, NOW)
    assert (rejected.total, rejected.pending) == (Tally(0, 0), Tally(0, 0))
