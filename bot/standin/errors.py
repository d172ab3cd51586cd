"""How the stand-in fails: with the HTTP status and description Telegram gives, so
python-telegram-bot raises the same exception it would in production."""

from __future__ import annotations

MODIFIED_ERROR = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def bad(description: str) -> ApiError:
    return ApiError(400, description)
