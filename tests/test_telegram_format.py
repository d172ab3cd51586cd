from __future__ import annotations

import pytest

from bot.texts.telegram_html import (
    EntityParseError,
    check_callback_data,
    check_message_text,
    parse_html,
    parse_html_entities,
)


@pytest.mark.parametrize(
    "text",
    [
        "<b>đậm</b> và <i>nghiêng</i>",
        '<a href="https://dichvucong.gov.vn">Cổng DVC</a>',
        "a &lt; b &amp;&amp; c &gt; d &quot;x&quot; &#39;y&#39; &#x1F600;",
        '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>',
        '<blockquote expandable>q</blockquote><pre><code class="language-py">x</code></pre>',
    ],
)
def test_valid_html_is_accepted(text: str) -> None:
    assert check_message_text(text) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<div>x</div>", "unsupported start tag"),
        ("a < b", "unsupported start tag"),
        ("Tom & Jerry", "unescaped '&'"),
        ("&nbsp;", "unsupported HTML entity"),
        ("<b>x</i>", "can't find end tag"),
        ("<b>x", "can't find end tag"),
        ("<a>x</a>", 'must have attribute "href"'),
        ('<b class="x">x</b>', "unsupported attribute"),
        ("<span>x</span>", 'class "tg-spoiler"'),
        ("<b></b>   ", "message text is empty"),
        ("x" * 4097, "message is too long"),
        ("😀" * 2049, "message is too long"),  # 4098 UTF-16 code units
    ],
)
def test_what_telegram_refuses_is_refused(text: str, fragment: str) -> None:
    problem = check_message_text(text)
    assert problem is not None and fragment in problem


def test_length_counts_visible_text_after_entity_parsing() -> None:
    assert check_message_text("<b>" + "x" * 4096 + "</b>") is None
    assert check_message_text("&amp;" * 4096) is None


def test_entities_use_utf16_offsets() -> None:
    text, entities = parse_html("😀<b>ok</b>"), parse_html_entities("😀<b>ok</b>")[1]
    assert text == "😀ok"
    assert entities == [{"type": "bold", "offset": 2, "length": 2}]


def test_entities_after_escapes_emoji_and_nesting() -> None:
    # Offsets count what comes before each tag as Telegram does: an escape as one character,
    # an emoji (written or as a character reference) as two UTF-16 units; empty tags vanish.
    text, entities = parse_html_entities(
        'a😀 <b>b&amp;<i>😀c</i></b> <a href="https://x.vn/?a=1&amp;b=2">link</a>&#x1F600;<u></u>'
    )
    assert text == "a😀 b&😀c link😀"
    assert entities == [
        {"type": "bold", "offset": 4, "length": 5},
        {"type": "italic", "offset": 6, "length": 3},
        {"type": "text_link", "offset": 10, "length": 4, "url": "https://x.vn/?a=1&b=2"},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ab&c", "unescaped '&' at byte offset 2"),
        ("<b>x</b> > y", "unescaped '>' at byte offset 9"),
        ("ok &#169; ok &bogus; x", "unsupported HTML entity '&bogus;' at byte offset 13"),
        ("😀 a < b", "unsupported start tag at byte offset 4"),
        (
            'x <a href="u" title="t">x</a>',
            'unsupported attribute "title" of tag "a" at byte offset 2',
        ),
        ("x <i>y</b>", 'can\'t find end tag corresponding to start tag "b"'),
        ("😀&lt;<b>x", 'can\'t find end tag corresponding to start tag "b"'),
    ],
)
def test_parse_errors_name_the_offset_in_the_source(text: str, message: str) -> None:
    with pytest.raises(EntityParseError) as error:
        parse_html_entities(text)
    assert str(error.value) == f"Can't parse entities: {message}"


def test_parse_error_type() -> None:
    with pytest.raises(EntityParseError):
        parse_html("<script>")


@pytest.mark.parametrize(
    ("data", "ok"),
    [("x", True), ("x" * 64, True), ("", False), ("x" * 65, False), ("đ" * 33, False)],
)
def test_callback_data_is_limited_to_64_bytes(data: str, ok: bool) -> None:
    assert (check_callback_data(data) is None) is ok
