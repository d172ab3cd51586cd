"""Erasure: /forget (one's own data) and /forgetphone (a resident's phone code)."""

from __future__ import annotations

from bot.domain import phone
from bot.domain.privacy import blocked_tag
from bot.domain.refusal import Reason, Refusal
from bot.services.access import Actor, Directory, Languages, Questions
from bot.storage.erasure import Erased, ErasureRepository

FORGET_PHONE_WAIT_SECONDS = 5 * 60


class Erasure:
    def __init__(
        self,
        repo: ErasureRepository,
        questions: Questions,
        directory: Directory,
        languages: Languages,
        key: bytes,
    ) -> None:
        self._repo = repo
        self._questions = questions
        self._directory = directory
        self._languages = languages
        self._key = key

    async def forget(self, user_key: str, now: int) -> Erased:
        """Everything kept about this person goes, in one transaction."""
        erased = await self._repo.forget(user_key, now, blocked_tag(self._key, user_key))
        self._directory.drop_member(user_key)
        self._questions.answered(user_key)  # its question went with the rest
        self._languages.forget(user_key)
        return erased

    async def ask_phone(self, actor: Actor, now: int) -> None:
        """A volunteer, sitting with a resident, is about to type that resident's number."""
        assert actor.volunteer is not None  # the caller checked
        expires = now + FORGET_PHONE_WAIT_SECONDS
        await self._questions.ask(actor.user_key, "forget-phone", "-", expires)

    async def forget_phone(self, user_key: str, text: str, now: int) -> int:
        """Unlink the resident's records from each other; the number of records changed."""
        try:
            person_key = phone.person_key(self._key, text)
        except phone.PhoneInvalid:
            raise Refusal(Reason.PHONE_INVALID) from None
        await self._questions.close(user_key)
        return await self._repo.forget_person(person_key, now)
