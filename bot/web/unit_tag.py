"""The tag a printed web link carries after its unit code: `?u=<code>.<tag>`.

The guide pages are public, so anyone can type `?u=<any unit>`: without a tag, a web
completion could be credited to a unit of the sender's choosing. `qr --web --unit` signs the
code with the bot's secret key; the counter credits the unit only when the tag matches. An
unsigned or wrong link still counts, for no unit (old posters, pages opened without one).

Pure hashlib/hmac, so that the site, the counter and the command line may all import it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SEPARATOR = "."  # never in a unit code (letters, digits and '-')
TAG_BYTES = 9  # 72 bits: 12 URL-safe characters, short enough for a clean QR code
_KIND = b"web-unit:"  # keeps these tags apart from every other use of the key


def tag(key: bytes, unit_code: str) -> str:
    digest = hmac.new(key, _KIND + unit_code.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TAG_BYTES]).decode().rstrip("=")


def signed(key: bytes, unit_code: str) -> str:
    """What a poster's `?u=` carries."""
    return f"{unit_code}{SEPARATOR}{tag(key, unit_code)}"


def verified(key: bytes, value: str) -> str | None:
    """The unit code of a signed `?u=` value, or None when it is unsigned or the tag is
    wrong. Compared in constant time, so guessing gets no hint from timing."""
    code, separator, offered = value.rpartition(SEPARATOR)
    if not separator or not code:
        return None
    if not hmac.compare_digest(offered.encode(), tag(key, code).encode()):
        return None
    return code
