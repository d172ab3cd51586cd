"""The assist form (/assist, /batch): every rule of every press, decided on plain values.

Its results (`FormScreen`, `Toast`, …) are in `form_results.py`. A press is decided
inside the one trip that reads and writes its form (see
`AssistRepository.change_form`): the decision is a pure function of the stored form, the
person pressing and the press, so a stale or forged button can neither touch someone else's
form nor save a record twice, and nothing else runs between reading and writing the form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TypeVar

from bot import clock
from bot.domain import phone
from bot.domain.draft import MAX_BATCH, Draft, DraftError, new_token, services_mask, typed_count
from bot.domain.form import FormChange, FormState, NewAssist, Question
from bot.domain.model import Unit
from bot.domain.numbers import NumberError, small_int
from bot.domain.refusal import Reason, Refusal
from bot.domain.review import Limits
from bot.domain.taps import AssistOp
from bot.services.access import Access, Actor, Questions
from bot.services.form_results import (
    AskPhone,
    Cancelled,
    CountInvalid,
    FormClosed,
    FormScreen,
    NotACount,
    PickerScreen,
    PressResult,
    Quiet,
    SavedScreen,
    Toast,
)
from bot.storage.assists import AssistRepository

Screen = TypeVar("Screen", FormScreen, PickerScreen)
PHONE_WAIT_SECONDS = 5 * 60
COUNT_WAIT_SECONDS = 15 * 60  # a batch form in use takes a typed count; renewed by each press
SEEN_PRESSES = 16  # press ids remembered per form, to spot a redelivered press
BACKDATED_HOUR = 12  # a back-dated batch is placed at noon, safely inside its day
SAVE_OPS = frozenset({AssistOp.SAVE_CONSENTED, AssistOp.SAVE_WITHOUT_CONSENT})
PICKER_EXITS = frozenset({AssistOp.PICKER_CHOOSE, AssistOp.PICKER_CLOSE})
UNIT_QUERY_LIMIT = 60  # characters of a typed unit name worth searching
UNITS_FOUND = 8  # one picker page of units found by a typed name


@dataclass(frozen=True)
class _Press:
    """Everything a decision needs, gathered before the trip."""

    actor: Actor
    token: str
    op: AssistOp
    arg: str
    press_id: str
    now: int
    seen: list[str] = field(default_factory=list)
    # Whether the person has a question open (see `Questions`): only then does a press that
    # ends the form's question (a save, a cancel, the picker closing) close it.
    has_question: bool = False

    @property
    def closes_question(self) -> str:
        return self.actor.user_key if self.has_question else ""


class AssistForms:
    def __init__(
        self,
        repo: AssistRepository,
        access: Access,
        questions: Questions,
        key: bytes,
        backdate_days: int,
        limits: Limits | None = None,
    ) -> None:
        self._limits = limits or Limits()
        self._repo = repo
        self._questions = questions
        self._access = access
        self._directory = access.directory
        self._key = key
        self._backdate_days = backdate_days

    async def open(self, actor: Actor, batch: bool, now: int) -> FormScreen:
        member = actor.volunteer
        if member is None:
            # the same two cases as `Actor.why_not_volunteer`, which the other commands say
            paused = actor.member is not None
            raise Refusal(Reason.MEMBER_PAUSED if paused else Reason.NOT_VOLUNTEER)
        unit = self._directory.unit(member.unit_id)
        assert unit is not None  # members.unit_id is a foreign key
        token = new_token()
        draft = Draft(unit_id=unit.id, batch=batch, browse=unit.id)
        question = _count_expected(actor, token, draft, now)

        def with_activity(activity: tuple[int, str] | None) -> Draft:
            # Checked in to an activity today: what is logged now belongs to it.
            if activity is None:
                return draft
            return replace(draft, activity_id=activity[0], activity_title=activity[1])

        day = clock.day_of(now)
        draft = await self._repo.create_draft(token, member.id, with_activity, now, day, question)
        if question is not None:
            self._questions.asked(actor.user_key)
        return FormScreen(token, draft, unit)

    async def press(
        self, actor: Actor, token: str, op: AssistOp, arg: str, press_id: str, now: int
    ) -> PressResult:
        has_question = self._questions.is_open(actor.user_key)
        press = _Press(actor, token, op, arg, press_id, now, has_question=has_question)
        change, saved = await self._repo.change_form(
            token,
            now,
            lambda s: self._decide(press, s),
            may_save=op in SAVE_OPS,
            limits=self._limits,
        )
        outcome: PressResult = change.outcome
        if change.question is not None:
            self._questions.asked(change.question.user_key)
        elif change.ends_question:
            # The question closed in the same trip (a save, the unit picker closing): forget
            # it here too, or the next command or message would look it up in the database.
            self._questions.answered(change.ends_question)
        if isinstance(outcome, SavedScreen) and saved is not None:
            outcome = replace(
                outcome,
                occurred_at=saved.occurred_at,
                created=saved.created,
                assist_id=saved.id,
                pending=saved.pending,
            )
        return outcome

    async def phone(self, actor: Actor, token: str, text: str, now: int) -> FormScreen:
        """The volunteer typed the resident's phone number, for de-duplication only: what is
        kept is an HMAC of the normalised number under the secret key."""
        try:
            person_key = phone.person_key(self._key, text)
        except phone.PhoneInvalid:
            raise Refusal(Reason.PHONE_INVALID) from None  # still waiting for a usable number
        key_id = phone.key_id(self._key)

        def decide(state: FormState) -> FormChange:
            member = actor.volunteer
            done = actor.user_key
            if state.draft is None or member is None or state.owner_id != member.id:
                return FormChange(FormClosed(), ends_question=done)
            try:
                draft = state.draft.with_phone(person_key, key_id)
            except DraftError:
                return FormChange(FormClosed(), ends_question=done)
            unit = self._directory.unit(draft.unit_id)
            assert unit is not None
            screen = FormScreen(token, draft, unit, notice="phone_kept")
            return FormChange(screen, draft=draft, ends_question=done)

        change, _ = await self._repo.change_form(token, now, decide, may_save=False)
        self._questions.answered(actor.user_key)
        return _screen_or_refusal(change.outcome, FormScreen)

    async def count(
        self, actor: Actor, token: str, text: str, now: int
    ) -> FormScreen | NotACount:
        """A number typed while a batch form is open sets the count of the band being
        counted; the form keeps listening for another (a correction) until it is closed."""
        try:
            people = typed_count(text)
        except NumberError as error:
            raise Refusal(Reason.COUNT_INVALID, str(MAX_BATCH), why=error.text) from None
        if people is None:
            return NotACount()
        if not 1 <= people <= MAX_BATCH:
            raise Refusal(Reason.COUNT_INVALID, str(MAX_BATCH))

        def decide(state: FormState) -> FormChange:
            member = actor.volunteer
            if state.draft is None or member is None or state.owner_id != member.id:
                return FormChange(FormClosed(), ends_question=actor.user_key)
            try:
                draft = state.draft.set_people(people)
            except DraftError:
                return FormChange(CountInvalid())
            return FormChange(self._form(token, draft), draft=draft)

        change, _ = await self._repo.change_form(token, now, decide, may_save=False)
        if change.ends_question:
            self._questions.answered(actor.user_key)
        return _screen_or_refusal(change.outcome, FormScreen)

    async def search_units(
        self, actor: Actor, token: str, text: str, now: int
    ) -> PickerScreen:
        """Text typed while the unit picker is open: the units whose names hold its words
        (accents and case aside), within the volunteer's own unit, instead of paging."""
        query = " ".join(text.split())[:UNIT_QUERY_LIMIT]

        def decide(state: FormState) -> FormChange:
            member = actor.volunteer
            if state.draft is None or member is None or state.owner_id != member.id:
                return FormChange(FormClosed(), ends_question=actor.user_key)
            home = self._directory.unit(member.unit_id)
            assert home is not None
            found = self._directory.find(query, home, UNITS_FOUND)
            counts = {u.id: n for u in found if (n := self._directory.child_count(u.id))}
            screen = PickerScreen(token, home, found, counts, 0, can_go_up=False, query=query)
            return FormChange(screen)

        change, _ = await self._repo.change_form(token, now, decide, may_save=False)
        if change.ends_question:
            self._questions.answered(actor.user_key)
        return _screen_or_refusal(change.outcome, PickerScreen)

    # ---- the decision, run inside the form's trip -------------------------------------

    def _decide(self, press: _Press, state: FormState) -> FormChange:
        if state.saved is not None:  # a double tap on save, or a redelivered update
            return FormChange(Toast("toast_already_saved"))
        if state.draft is None:
            return FormChange(Toast("toast_stale_form"))
        member = press.actor.volunteer
        if member is None or member.id != state.owner_id:
            return FormChange(Toast("toast_not_yours", alert=True))
        if press.press_id in state.draft.seen:
            # The same press delivered again (after a crash, before Telegram heard we had
            # it): a toggle must not flip back, so nothing changes.
            return FormChange(Quiet())
        draft = replace(state.draft, seen=(*state.draft.seen, press.press_id)[-SEEN_PRESSES:])
        try:
            change = self._apply(press, draft)
        except (DraftError, ValueError, OverflowError):
            return FormChange(Toast("toast_stale_form"))
        if isinstance(change.outcome, FormScreen) and change.question is None:
            # While a batch form is in use, a typed number is its count.
            question = _count_expected(press.actor, press.token, change.outcome.draft, press.now)
            if question is None and press.op in PICKER_EXITS:
                # The picker closed on a form that takes no count: typing is a search again.
                change = replace(change, ends_question=press.closes_question)
            change = replace(change, question=question)
        elif isinstance(change.outcome, PickerScreen):
            # While the picker is open, typed text searches the units' names.
            expires = press.now + COUNT_WAIT_SECONDS
            question = Question(press.actor.user_key, "unit-search", press.token, expires)
            change = replace(change, question=question)
        return change

    def _apply(self, press: _Press, draft: Draft) -> FormChange:
        op, arg = press.op, press.arg
        match op:
            case AssistOp.SERVICE:
                draft = draft.toggle_service(arg)
            case AssistOp.PICKER_CLOSE:
                pass  # the picker's way back: the form as it was
            case AssistOp.OUTCOME:
                draft = draft.choose("outcome", arg)
            case AssistOp.AGE:
                draft = draft.choose("age", arg)
            case AssistOp.SEX:
                draft = draft.choose("sex", arg)
            case AssistOp.SET_PEOPLE:
                draft = draft.set_people(small_int(arg))
            case AssistOp.ADD_PEOPLE:
                draft = draft.add_people(int(arg))
            case AssistOp.DAY_BACK:
                draft = draft.next_day_back(self._backdate_days)
            case AssistOp.PHONE_REMOVE:
                draft = replace(draft, person_key="", key_id="")
            case AssistOp.UNLINK_ACTIVITY:
                draft = draft.unlink_activity()
            case AssistOp.PHONE:
                expires = press.now + PHONE_WAIT_SECONDS
                question = Question(press.actor.user_key, "phone", press.token, expires)
                return FormChange(AskPhone(), draft=draft, question=question)
            case AssistOp.PICKER_OPEN | AssistOp.PICKER_BROWSE | AssistOp.PICKER_PAGE:
                return self._picker(press, draft)
            case AssistOp.PICKER_CHOOSE:
                unit = self._directory.unit(small_int(arg))
                if unit is None or not self._may_use(press, unit):
                    return FormChange(Toast("toast_not_allowed", alert=True))
                draft = replace(draft, unit_id=unit.id)
            case AssistOp.CANCEL:
                return FormChange(Cancelled(), drop=True, ends_question=press.closes_question)
            case AssistOp.SAVE_CONSENTED | AssistOp.SAVE_WITHOUT_CONSENT:
                return self._save(press, draft, consent=op is AssistOp.SAVE_CONSENTED)
            case _:
                raise DraftError("unknown operation")
        return FormChange(self._form(press.token, draft), draft=draft)

    def _form(self, token: str, draft: Draft) -> FormScreen:
        unit = self._directory.unit(draft.unit_id)
        assert unit is not None
        return FormScreen(token, draft, unit)

    def _may_use(self, press: _Press, unit: Unit) -> bool:
        member = press.actor.volunteer
        return member is not None and self._access.home_contains(member, unit)

    def _picker(self, press: _Press, draft: Draft) -> FormChange:
        member = press.actor.volunteer
        assert member is not None
        browsing = press.op is AssistOp.PICKER_BROWSE
        browse_id = small_int(press.arg) if browsing else draft.browse or member.unit_id
        page = small_int(press.arg) if press.op is AssistOp.PICKER_PAGE else 0
        browse = self._directory.unit(browse_id)
        if browse is None or not self._may_use(press, browse):
            return FormChange(Toast("toast_not_allowed", alert=True))
        draft = replace(draft, browse=browse.id, page=page)
        children = self._directory.children(browse.id)
        counts = {c.id: n for c in children if (n := self._directory.child_count(c.id))}
        screen = PickerScreen(
            press.token, browse, children, counts, page, can_go_up=browse.id != member.unit_id
        )
        return FormChange(screen, draft=draft)

    def _save(self, press: _Press, draft: Draft, *, consent: bool) -> FormChange:
        missing = draft.ready_to_save(consent)
        if missing is not None:
            return FormChange(Toast(f"toast_{missing}"))
        member = press.actor.volunteer
        assert member is not None
        occurred_at = backdated(press.now, draft.days_back)
        assists = assists_for(draft, member.id, consent, press.now, occurred_at)
        unit = self._directory.unit(draft.unit_id)
        assert unit is not None
        screen = SavedScreen(draft, consent, unit, occurred_at)
        return FormChange(screen, assists=assists, ends_question=press.closes_question)


def _count_expected(actor: Actor, token: str, draft: Draft, now: int) -> Question | None:
    if not draft.batch:
        return None
    return Question(actor.user_key, "count", token, now + COUNT_WAIT_SECONDS)


def assists_for(
    draft: Draft, volunteer_id: int, consent: bool, now: int, occurred_at: int
) -> tuple[NewAssist, ...]:
    """A batch saved with consent keeps one record per age band (20 aged 16–30 and 17 over
    60 are two assists); anything else is one record."""
    if not (draft.batch and consent):
        return (assist_for(draft, volunteer_id, consent, now, occurred_at),)
    return tuple(
        assist_for(replace(draft, age=band, people=n), volunteer_id, consent, now, occurred_at)
        for band, n in draft.age_groups()
    )


def assist_for(
    draft: Draft, volunteer_id: int, consent: bool, now: int, occurred_at: int
) -> NewAssist:
    """What a saved form keeps. Without consent only the anonymous count is kept: services,
    unit, time, how many."""
    return NewAssist(
        volunteer_id=volunteer_id,
        unit_id=draft.unit_id,
        services=services_mask(draft.services),
        people=draft.people,
        consent=consent,
        outcome=draft.outcome if consent else None,
        age_band=(draft.age or None) if consent else None,
        sex=(draft.sex or None) if consent else None,
        person_key=(draft.person_key or None) if consent else None,
        key_id=(draft.key_id or None) if consent else None,
        occurred_at=occurred_at,
        created_at=now,
        activity_id=draft.activity_id or None,
        batch=draft.batch,
    )


def backdated(now: int, days_back: int) -> int:
    """When a record dated `days_back` days ago happened: noon of that Vietnam day."""
    if not days_back:
        return now
    day = clock.vn_date(now) - dt.timedelta(days=days_back)
    return clock.day_start(day) + BACKDATED_HOUR * 3600


def _screen_or_refusal(outcome: object, screen: type[Screen]) -> Screen:
    """A typed answer's outcome, decided inside the form's trip (which must finish, to close
    the question): the screen, or the refusal it stands for, raised now."""
    if isinstance(outcome, FormClosed):
        raise Refusal(Reason.FORM_CLOSED)
    if isinstance(outcome, CountInvalid):
        raise Refusal(Reason.COUNT_INVALID, str(outcome.limit), why=outcome.comma)
    assert isinstance(outcome, screen)
    return outcome
