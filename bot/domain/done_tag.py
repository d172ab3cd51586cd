"""The tag on a guide's «✅ Xong» button: proof that the bot showed this person its last step.

Without it, anyone could send the button's data for every guide, without opening one, and
count a self-serve completion for any unit. The tag is a keyed hash (HMAC-SHA256 under the
bot's secret key) of the person's pseudonymous key, the guide, its version and the credited
unit, so a made-up tag, another person's tag, or a tag for another guide, version or unit
does not match. It is cut to 8 base64url characters (48 bits) to fit Telegram's 64-byte
button data; a wrong guess among 2^48 is far beyond what the flood limit lets anyone try.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

TAG_CHARS = 8  # base64url characters: 6 bytes of the HMAC, no padding
TAG_PATTERN = re.compile(rf"^[A-Za-z0-9_-]{{{TAG_CHARS}}}$")
_KIND = "done-tag"  # keeps these hashes apart from the key's other uses (see privacy.pseudonym)


def done_tag(key: bytes, user_key: str, guide_id: str, version: str, unit: int) -> str:
    """The tag for this person's «✅ Xong» on this guide version, crediting `unit` (0: none)."""
    message = f"{_KIND}:{user_key}|{guide_id}|{version}|{unit}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[: TAG_CHARS * 3 // 4]).decode()


def done_tag_matches(
    key: bytes, tag: str, user_key: str, guide_id: str, version: str, unit: int
) -> bool:
    """Whether `tag` was made for exactly this person, guide, version and unit."""
    expected = done_tag(key, user_key, guide_id, version, unit)
    return hmac.compare_digest(tag.encode(), expected.encode())
