"""A loopback HTTP server for the Bot API client's tests: it answers each request as a test
says (any framing, or none), over plain TCP or TLS, and counts connections."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

OK = b'{"ok":true,"result":true}'


class Wire:
    """A loopback server that answers each request as a test says, and counts connections."""

    def __init__(self, answer: Callable[[bytes, bytes], bytes | None], **server: object) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[tuple[bytes, bytes]] = []  # (head, body)
        self.server: asyncio.Server | None = None
        self.options = server  # e.g. ssl= for a TLS server
        self.scheme = "https" if server.get("ssl") else "http"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                reply = self.answer(head, body)
                if reply is None:  # hang up without answering
                    break
                writer.write(reply)
                await writer.drain()
                if b"Connection: close" in reply:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, **self.options)  # type: ignore[arg-type]  # ssl= in options
        port = self.server.sockets[0].getsockname()[1]
        return f"{self.scheme}://127.0.0.1:{port}/bot123:abc/"

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


def answer(body: bytes = OK, status: str = "200 OK", *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in headers) or f"Content-Length: {len(body)}\r\n"
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body
