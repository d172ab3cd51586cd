"""Telegram's rules for message text in HTML parse mode, without the telegram library.

Used by the stand-in Bot API (to refuse what Telegram refuses) and by `guides check` (to
refuse a guide whose rendered step Telegram would refuse), so both agree by construction.
"""

from __future__ import annotations

import html
import re

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

# Tag -> attributes it may carry. Everything else is "unsupported start tag".
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:=(?:\"([^\"]*)\"|'([^']*)'))?")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_SPECIAL = re.compile(r"[<&>]")  # what ends a run of plain text
_NEED_ATTRIBUTES = frozenset({"a", "span"})  # refused without them (see _check_attributes)


_NO_END_TAG = "Can't parse entities: can't find end tag corresponding to start tag \"{name}\""


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message mimics Telegram's wording."""


_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def parse_html(text: str) -> str:
    """Return the visible text of `text`, or raise EntityParseError as Telegram would."""
    return parse_html_entities(text)[0]


def parse_html_entities(text: str) -> tuple[str, list[dict[str, object]]]:
    """Visible text and its MessageEntity dicts (offsets in UTF-16 units, as Telegram's)."""
    return _EntityParser(text).parse()


class _EntityParser:
    """One pass over a text: the visible pieces so far, the tags still open (each with the
    offset it opened at) and the entities closed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.stack: list[str] = []
        self.opened: list[tuple[int, dict[str, str]]] = []
        self.entities: list[dict[str, object]] = []
        # The visible text's UTF-16 length, kept up to date only at tags (where an offset is
        # needed), from the pieces appended since: measuring all of `out` at every tag made
        # long texts quadratic, and `guides check` parses thousands of screens.
        self.length = 0
        self.measured = 0  # how many pieces of `out` `length` counts

    def parse(self) -> tuple[str, list[dict[str, object]]]:
        text, out = self.text, self.out
        pos = 0
        while True:
            special = _SPECIAL.search(text, pos)
            if special is None:
                if pos < len(text):
                    out.append(text[pos:])
                break
            if special.start() > pos:
                out.append(text[pos : special.start()])  # a run of plain text, kept as is
            pos = special.start()
            char = special.group()
            if char == "<":
                pos = self._tag(pos)
            elif char == "&":
                pos = self._entity(pos)
            else:  # ">"
                # Telegram tolerates a bare '>', but a template that emits one has escaped
                # nothing.
                raise EntityParseError(f"Can't parse entities: unescaped '>' at byte offset {pos}")
        if self.stack:
            raise EntityParseError(
                "Can't parse entities: can't find end tag corresponding to start tag "
                f'"{self.stack[-1]}"'
            )
        self.entities.sort(key=_entity_order)
        return "".join(out), self.entities

    def _tag(self, pos: int) -> int:
        """Open or close the tag at `pos`; where the text goes on after it."""
        match = _TAG.match(self.text, pos)
        if not match:
            raise EntityParseError(
                f"Can't parse entities: unsupported start tag at byte offset {pos}"
            )
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if name not in ALLOWED_TAGS:
            raise EntityParseError(
                f'Can\'t parse entities: unsupported start tag "{name}" at byte offset {pos}'
            )
        if closing:
            self._close(name)
        else:
            attributes = _check_attributes(name, attrs, pos)
            self.stack.append(name)
            self.length, self.measured = _measure(self.out, self.length, self.measured)
            self.opened.append((self.length, attributes))
        return match.end()

    def _close(self, name: str) -> None:
        """End the innermost open tag, which must be `name`: an entity if it holds text."""
        if not self.stack or self.stack[-1] != name:
            raise EntityParseError(_NO_END_TAG.format(name=name))
        self.stack.pop()
        start, attributes = self.opened.pop()
        self.length, self.measured = _measure(self.out, self.length, self.measured)
        if self.length > start:
            entity: dict[str, object] = {
                "type": _ENTITY_TYPES[name],
                "offset": start,
                "length": self.length - start,
            }
            if name == "a":
                entity["url"] = attributes.get("href", "")
            self.entities.append(entity)

    def _entity(self, pos: int) -> int:
        """The character the HTML entity at `pos` stands for; where the text goes on."""
        match = _ENTITY.match(self.text, pos)
        if not match:
            raise EntityParseError(f"Can't parse entities: unescaped '&' at byte offset {pos}")
        body = match.group(1)
        if body.startswith("#"):
            self.out.append(html.unescape(match.group(0)))
        elif body in _NAMED_ENTITIES:
            self.out.append(_NAMED_ENTITIES[body])
        else:
            raise EntityParseError(
                f"Can't parse entities: unsupported HTML entity '&{body};' at byte offset {pos}"
            )
        return match.end()


def _measure(out: list[str], length: int, measured: int) -> tuple[int, int]:
    """`length` plus the UTF-16 length of the pieces of `out` from `measured` on, and how many
    pieces that counts."""
    if measured == len(out):
        return length, measured
    try:
        length += text_length("".join(out[measured:]))
    except UnicodeEncodeError:
        # A lone surrogate: fail as measuring the whole text does, with its position in it.
        text_length("".join(out))
        raise
    return length, len(out)


def _check_attributes(name: str, attrs: str, pos: int) -> dict[str, str]:
    if not attrs and name not in _NEED_ATTRIBUTES:  # <b>, <i>…: most tags; nothing to check
        return {}
    allowed = ALLOWED_TAGS[name]
    seen = {m.group(1).lower(): (m.group(2) or m.group(3) or "") for m in _ATTR.finditer(attrs)}
    for attr in seen:
        if attr not in allowed:
            raise EntityParseError(
                f'Can\'t parse entities: unsupported attribute "{attr}" of tag "{name}" '
                f"at byte offset {pos}"
            )
    if name == "a" and "href" not in seen:
        raise EntityParseError('Can\'t parse entities: tag "a" must have attribute "href"')
    if name == "span" and seen.get("class") != "tg-spoiler":
        raise EntityParseError('Can\'t parse entities: tag "span" must have class "tg-spoiler"')
    return {k: html.unescape(v) for k, v in seen.items()}


def text_length(visible: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji may count twice)."""
    return len(visible.encode("utf-16-le")) // 2


def check_message_text(text: str, *, limit: int = MAX_TEXT, html_mode: bool = True) -> str | None:
    """None if Telegram would accept `text`, else Telegram's error description."""
    try:
        visible = parse_html(text) if html_mode else text
    except EntityParseError as exc:
        return f"Bad Request: {exc}"
    if not visible.strip():
        return "Bad Request: message text is empty"
    if text_length(visible) > limit:
        return "Bad Request: message is too long"
    return None


def check_callback_data(data: str) -> str | None:
    size = len(data.encode("utf-8"))
    if size < 1 or size > MAX_CALLBACK_DATA:
        return "Bad Request: BUTTON_DATA_INVALID"
    return None


def _entity_order(entity: dict[str, object]) -> tuple[int, int]:
    """Telegram's order: by offset, and the longer (outer) entity first at one offset."""
    offset, length = entity["offset"], entity["length"]
    assert isinstance(offset, int) and isinstance(length, int)
    return offset, -length
