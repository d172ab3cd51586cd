"""What the stand-in keeps: the calls it answered, the faults it was told to give, and each
chat's messages."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]


@dataclass
class ApiCall:
    method: str
    params: JSONDict
    status: int
    description: str = ""
    # An answer nobody received: the client had hung up (a poll cancelled at shutdown).
    delivered: bool = True


@dataclass
class Fault:
    method: str
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class ChatState:
    chat: JSONDict
    blocked: bool = False
    messages: dict[int, JSONDict] = field(default_factory=dict)
    next_id: itertools.count = field(default_factory=lambda: itertools.count(1))
