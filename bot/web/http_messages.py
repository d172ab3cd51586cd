"""HTTP/1.1 on the wire for `http_server.py`: a request's head read and checked line by line,
the limits a server keeps, and a response written back. Keep-alive, Content-Length bodies
only; every malformed request raises `BadRequest` with the status to send."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    # False once the client has hung up (e.g. a long poll it cancelled while stopping).
    client_connected: Callable[[], bool] = lambda: True
    # The socket's peer address ("" when unknown); see bot/web/clients.py for the client.
    peer: str = ""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass(frozen=True)
class Limits:
    max_body: int = 1024 * 1024
    head_timeout: float | None = 10.0
    body_timeout: float | None = 10.0
    idle_timeout: float | None = 30.0
    max_connections: int = 256
    max_line: int = 8 * 1024
    max_headers: int = 64
    # Per client address (None: no cap); see http_server.py's docstring.
    per_address_connections: int | None = None
    per_address_incomplete: int | None = None


# The stand-in Bot API on loopback: uploads up to Telegram's 50 MB, and python-telegram-bot
# keeps its connections idle between long polls.
TRUSTED = Limits(max_body=60 * 1024 * 1024, idle_timeout=None, max_connections=1024)

Handler = Callable[[Request], Awaitable[Response]]
Gate = Callable[[Request], Response | None]  # sees the head only (an empty body)

_TOKEN = re.compile(r"^[A-Z]{1,16}$")
_LENGTH = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²".isdigit() is true
_TARGET = re.compile(r"^/[\x21-\x7e]*$")


class BadRequest(Exception):
    """A request the server refuses: `status` is sent (0: the connection is just closed)."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


async def read_head(
    reader: asyncio.StreamReader, line: bytes, max_headers: int, peer: str = ""
) -> Request | None:
    """The head that `line` starts (with an empty body), or None when the client is done."""
    if not line.strip():
        if line:
            raise BadRequest(400, "empty request line")
        return None
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not _TOKEN.match(parts[0]) or not parts[2].startswith("HTTP/1."):
        raise BadRequest(400, "malformed request line")
    method, path, _ = parts
    if not _TARGET.match(path):
        raise BadRequest(400, "malformed request target")
    headers = await _read_headers(reader, max_headers)
    if "transfer-encoding" in headers:
        raise BadRequest(501, "chunked bodies are not accepted")
    # Checked here, before anyone sees the head; GET and HEAD never have a body read.
    if content_length(headers) and method in ("GET", "HEAD"):
        raise BadRequest(400, f"a body on {method}")
    return Request(method, path, headers, b"", peer=peer)


async def _read_headers(reader: asyncio.StreamReader, max_headers: int) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(max_headers + 1):
        header = await read_line(reader)
        if header in (b"\r\n", b"\n"):
            break
        if not header:
            raise asyncio.IncompleteReadError(header, None)
        name, colon, value = header.decode("latin-1").partition(":")
        if not colon or not name or name[-1] in " \t" or name[0] in " \t":
            raise BadRequest(400, "malformed header line")
        key = name.lower()
        if key in headers and key in ("content-length", "host", "transfer-encoding"):
            raise BadRequest(400, f"repeated {key}")
        headers[key] = value.strip()
    else:
        raise BadRequest(431, "too many header lines")
    return headers


async def send(writer: asyncio.StreamWriter, response: Response, *, close: bool) -> None:
    phrase = HTTPStatus(response.status).phrase
    head = (
        f"HTTP/1.1 {response.status} {phrase}\r\n"
        f"Content-Type: {response.content_type}\r\n"
        f"Content-Length: {len(response.body)}\r\n"
        f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
    )
    writer.write(head.encode() + response.body)
    await writer.drain()


async def read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise BadRequest(431, "a line is too long") from None
    except asyncio.IncompleteReadError as exc:
        if exc.partial:  # hung up halfway through a line
            raise
        return b""  # hung up between requests


def content_length(headers: dict[str, str]) -> int:
    value = headers.get("content-length", "0")
    if not _LENGTH.fullmatch(value):
        raise BadRequest(400, "malformed Content-Length")
    return int(value)
