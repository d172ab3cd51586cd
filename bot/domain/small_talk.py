"""Small talk: a greeting, thanks, "ok", goodbye or an emoji is not a question for the guides.

A message is small talk when, folded, every word in it is small talk ("xin chào", "cảm ơn
bot nhiều", "ok ạ", "dc r cảm ơn") and at least one of them is a greeting, thanks, goodbye or
acknowledgement; or when it is only friendly emoji. One word with a topic in it ("chào bot,
quên mật khẩu vneid") makes it a question, which the search answers as before.
"""

from __future__ import annotations

import re
import unicodedata

from bot.texts.folding import fold

GREETING, THANKS, BYE, ACK = "greeting", "thanks", "bye", "ack"

MAX_WORDS = 8  # longer messages are questions, or at least worth a search

# Phrases first (on folded text), each standing for one kind; then single words.
_PHRASES: tuple[tuple[str, str], ...] = (
    ("cam on", THANKS),
    ("thank you", THANKS),
    ("thanks you", THANKS),
    ("tam biet", BYE),
    ("good night", BYE),
    ("good bye", BYE),
    ("see you", BYE),
    ("chuc ngu ngon", BYE),
    ("ngu ngon", BYE),
    ("hen gap lai", BYE),
    ("xin chao", GREETING),
    ("good morning", GREETING),
    ("good afternoon", GREETING),
    ("good evening", GREETING),
    ("co ai khong", GREETING),
    ("co ai o day khong", GREETING),
    ("co ai o do khong", GREETING),
    ("ngay tot lanh", GREETING),
    ("buoi sang", GREETING),
    ("buoi trua", GREETING),
    ("buoi chieu", GREETING),
    ("buoi toi", GREETING),
    ("hay qua", ACK),
    ("hieu roi", ACK),
    ("ro roi", ACK),
    ("duoc roi", ACK),
    ("dc roi", ACK),
    ("dc r", ACK),
    ("xong roi", ACK),
    ("tuyet voi", ACK),
    ("da vang", ACK),
    ("vang a", ACK),
    ("bot oi", GREETING),
    ("ad oi", GREETING),
    ("admin oi", GREETING),
)

_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ["chao", "alo", "hi", "hello", "helo", "hallo", "hey", "hii", "hiii", "xinchao"],
        GREETING,
    ),
    **dict.fromkeys(
        ["camon", "thanks", "thank", "thx", "tks", "thankyou", "ty", "thks"],
        THANKS,
    ),
    **dict.fromkeys(["bye", "byebye", "bb", "goodbye", "pai"], BYE),
    **dict.fromkeys(
        [
            "ok", "oke", "okela", "okie", "oki", "okay", "okey", "okk", "okkk", "okok",
            "uk", "u", "uh", "um", "uhm", "umm", "vang", "da", "hihi", "hehe", "haha",
            "hii", "kaka", "hic", "hix", "nice", "great", "cool", "good", "tuyet",
        ],
        ACK,
    ),
}

# Words that may stand beside small talk without making it a question: who is spoken to,
# softeners and intensifiers ("bot", "ad", "ạ", "nhé", "nhiều", "lắm"...).
_BESIDE_WORDS = """
    bot ad admin ban em e anh a chi c chau co bac ong ba minh toi tui moi nguoi ca nha
    oi ah nhe nhen nghen nhoa ne nhi ha ho day nhieu nhiu lam rat qua that thiet luon
    roi r chuc vay you so much very all everyone guys again lai sir
"""
_BESIDE = frozenset(_BESIDE_WORDS.split())

# Emoji that mean "hello", "thanks", "ok" or a smile (and what joins and varies them).
_FRIENDLY = re.compile(
    "^(?:[\U0001f44b\U0001f44d\U0001f44c\U0001f64f\U0001f64c\U0001f44f\u2764\u2665"
    "\U0001f496\U0001f497\U0001f499\U0001f49a\U0001f49b\U0001f49c\U0001f9e1\U0001f970"
    "\U0001f600-\U0001f60f\U0001f617-\U0001f61a\U0001f642\U0001f917\U0001f929\U0001f60a"
    "\U0001f31e\U0001f339\U0001f338\u263a\u270c\u2705\U0001f3fb-\U0001f3ff\ufe0f\u200d"
    "\\s!.,~:)(<3^_-]+)$"
)
_THANKFUL = re.compile("[\U0001f64f\U0001f64c\u2764\u2665\U0001f496\U0001f497\U0001f970]")
_ANY_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_WORD = re.compile(r"[a-z]+")


def small_talk(text: str) -> str | None:
    """The kind of small talk this message is (GREETING, THANKS, BYE, ACK), or None for
    anything that may be a question. Repeated letters ("okkk", "alooo") count once."""
    text = unicodedata.normalize("NFC", text.strip())
    if not text or len(text) > 120:
        return None
    folded = fold(text)
    words = [_squeeze(w) for w in _WORD.findall(folded)]
    if not words:
        if not (_FRIENDLY.match(text) and _ANY_EMOJI.search(text)):
            return None
        if "\U0001f44b" in text:  # a waving hand
            return GREETING
        return THANKS if _THANKFUL.search(text) else ACK
    if len(words) > MAX_WORDS or any(c.isdigit() for c in folded):
        return None
    rest = _without_emoji(text)
    if rest is None:
        return None  # a symbol or script that is not small talk
    kinds: set[str] = set()
    joined = f" {' '.join(words)} "
    for phrase, kind in _PHRASES:
        if f" {phrase} " in joined:
            kinds.add(kind)
            joined = joined.replace(f" {phrase} ", " ")
    for word in joined.split():
        if word in _WORDS:
            kinds.add(_WORDS[word])
        elif word not in _BESIDE:
            return None
    for kind in (THANKS, BYE, GREETING, ACK):
        if kind in kinds:
            return kind
    return None


def _squeeze(word: str) -> str:
    """"alooo" -> "alo", "okkk" -> "ok", "hiii" -> "hi": letters held down for emphasis."""
    return re.sub(r"(.)\1{2,}", r"\1", word) if len(word) > 2 else word


def _without_emoji(text: str) -> str | None:
    """The text without friendly emoji and punctuation; None when something else remains
    that is neither a letter nor a digit (e.g. a URL's slashes, an @)."""
    rest = _ANY_EMOJI.sub(" ", text)
    for char in rest:
        if char.isalnum() or char.isspace() or char in "!.,?~:)(-'\"…\ufe0f\u200d^_<3":
            continue
        if unicodedata.category(char) in ("Mn", "Sk", "So"):
            continue
        return None
    return rest
