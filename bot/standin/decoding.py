"""A Bot API call's parameters from its HTTP request (JSON, a form or multipart with
uploads), checked against the method's declared parameters as strictly as Telegram."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from bot.standin.errors import bad
from bot.standin.params import METHODS
from bot.standin.state import JSONDict
from bot.web.http_server import Request


def decode_params(method: str, request: Request) -> JSONDict:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        raw = json.loads(request.body or b"{}")
        return dict(raw)
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/form-data"):
        fields, files = _parse_multipart(content_type, request.body)
    elif request.body and not content_type.startswith("application/x-www-form-urlencoded"):
        raise bad(f"Bad Request: unsupported content type {content_type!r}")
    else:
        fields = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
    declared = METHODS[method]
    for name, data in files.items():
        if declared.get(name, ("", False))[0] != "file":
            raise bad(f"Bad Request: unexpected file in field {name!r}")
        if not data:
            raise bad("Bad Request: file must be non-empty")
    params = _typed_fields(method, fields)
    params.update(files)
    for name, (_, required) in declared.items():
        if required and name not in params:
            raise bad(f"Bad Request: {name} is empty")
    return params


def _typed_fields(method: str, fields: dict[str, str]) -> JSONDict:
    """Form fields as the values their declared kinds say: text, a chat id or JSON."""
    declared = METHODS[method]
    params: JSONDict = {}
    for name, value in fields.items():
        if name not in declared:
            # Telegram ignores unknown fields; a typo here is a bug in the bot, so refuse.
            raise bad(f"Bad Request: unknown parameter {name!r} for {method}")
        kind, _ = declared[name]
        if kind in ("string", "file"):
            params[name] = value  # a file_id or URL instead of an upload
        elif kind == "chat_id":
            params[name] = int(value) if value.lstrip("-").isdigit() else value
        else:
            try:
                params[name] = json.loads(value)
            except json.JSONDecodeError:
                raise bad(f"Bad Request: can't parse {name} JSON object") from None
    return params


class Upload(bytes):
    """An uploaded file's bytes, with the name the client gave it."""

    filename: str

    def __new__(cls, data: bytes, filename: str) -> Upload:
        upload = super().__new__(cls, data)
        upload.filename = filename
        return upload


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """Form fields and uploaded files of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            raise bad("Bad Request: multipart part without a name")
        decoded = part.get_payload(decode=True)  # bytes for a leaf part, which these all are
        payload = decoded if isinstance(decoded, bytes) else b""
        if part.get_filename() is not None:
            files[str(name)] = Upload(payload, str(part.get_filename()))
        else:
            fields[str(name)] = payload.decode()
    return fields, files
