"""QR codes as PNG bytes (segno: pure Python, no image library needed)."""

from __future__ import annotations

import io

import segno


def qr_png(data: str, scale: int = 10) -> bytes:
    # Error level M survives a crease or a smudge on a printed invite.
    code = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
