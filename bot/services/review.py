"""`/review` and `outreach-bot review`: what waits, and who may approve or reject it.

The rule of who may decide is `review.may_review`; this service gathers the facts it needs
(the reviewer, the entry, whether another admin exists) and records each decision; a
decision it may not take raises `Refusal`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.refusal import Reason, Refusal
from bot.domain.review import Reviewer, Subject, may_review
from bot.services.access import Actor
from bot.storage.review import PendingEntry, ReviewRepository

PAGE = 8
_REF_CHARS = frozenset("0123456789.")


@dataclass(frozen=True)
class Queue:
    entries: list[PendingEntry]
    total: int
    page: int


@dataclass(frozen=True)
class Decided:
    entry: PendingEntry
    approved: bool
    note: str  # "own entry, no other admin" when an admin decided on their own entry


CLI_REVIEWER = Reviewer("cli", admin=True, scope_path=None, member_id=None)
# `review.may_review`'s refusals (the domain says them as words) as reasons.
_REFUSALS = {"own": Reason.REVIEW_OWN, "not_allowed": Reason.REVIEW_OUT_OF_SCOPE}


def reviewer_of(actor: Actor) -> Reviewer | None:
    """Admins and active coordinators review; anyone else is refused before any work."""
    if not actor.staff:
        return None
    member = actor.member
    if actor.scope.admin:
        label = f"admin:m{member.id}" if member is not None else "admin"
        return Reviewer(label, True, None, member.id if member else None, actor.user_key)
    assert actor.scope.unit is not None and member is not None  # staff without admin
    return Reviewer(f"m{member.id}", False, actor.scope.unit.path, member.id, actor.user_key)


def parse_ref(subject: str, ref: str) -> tuple[Subject, str] | None:
    """A subject and reference as typed or carried by a button; None when malformed."""
    try:
        kind = Subject(subject)
    except ValueError:
        return None
    if not ref or len(ref) > 21 or not set(ref) <= _REF_CHARS:
        return None
    parts = ref.split(".")
    if len(parts) != (2 if kind is Subject.CHECKIN else 1) or not all(parts):
        return None
    return kind, ref


class Reviews:
    def __init__(self, repo: ReviewRepository, admin_count: int) -> None:
        self._repo = repo
        self._admins = admin_count

    async def queue(self, reviewer: Reviewer, page: int = 0) -> Queue:
        path = None if reviewer.admin else reviewer.scope_path
        total = await self._repo.count(path)
        page = max(0, min(page, (total - 1) // PAGE if total else 0))
        entries = await self._repo.queue(path, PAGE, page * PAGE)
        return Queue(entries, total, page)

    async def decide(
        self, reviewer: Reviewer, subject: Subject, ref: str, approve: bool, now: int
    ) -> Decided:
        found = await self._repo.entry(subject, ref)
        if found is None:
            raise Refusal(Reason.REVIEW_GONE)
        refusal, note = may_review(reviewer, found.entry, other_admins=self._admins > 1)
        if refusal:
            raise Refusal(_REFUSALS[refusal])
        if not await self._repo.decide(subject, ref, approve, reviewer.label, note, now):
            raise Refusal(Reason.REVIEW_GONE)
        return Decided(found, approve, note)

    async def log(self, limit: int = 50) -> list[tuple[int, str, str, str, str, str]]:
        return await self._repo.log(limit)
