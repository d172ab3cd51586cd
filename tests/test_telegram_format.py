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


def test_parse_error_type() -> None:
    with pytest.raises(EntityParseError):
        parse_html("<script>")


@pytest.mark.parametrize(
    ("data", "ok"),
    [("x", True), ("x" * 64, True), ("", False), ("x" * 65, False), ("đ" * 33, False)],
)
def test_callback_data_is_limited_to_64_bytes(data: str, ok: bool) -> None:
    assert (check_callback_data(data) is None) is ok
