"""Every user-facing sentence comes from a Jinja template in `templates/<language>/`.

`*.html.j2` templates render Telegram HTML (autoescaped); `labels.txt.j2` holds plain-text
macros for button labels, toasts and command descriptions, which Telegram shows verbatim.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from bot import clock

LANGUAGES = ("vi", "en")

# Quoted UI labels in guide text ("Quên mật khẩu") are shown in bold, so a reader can match
# them against the buttons on their phone.
_QUOTED = re.compile(r"&#34;([^&<>\n]{1,80}?)&#34;|“([^”<>\n]{1,80}?)”")


def _labels_filter(text: str) -> Markup:
    escaped = str(escape(text))
    return Markup(_QUOTED.sub(lambda m: f"<b>“{m.group(1) or m.group(2)}”</b>", escaped))


def _number(value: int) -> str:
    # Vietnamese groups thousands with dots: 751.901
    return f"{value:,}".replace(",", ".")


LABEL_CACHE_SIZE = 50_000


@functools.cache
def _environment(templates_dir: str) -> Environment:
    """One Jinja environment per templates folder in a process, so every Texts over it (the
    bot's, the guide check's, the site's; a test suite's hundreds of bots) shares the
    templates compiled so far. Jinja still checks each template against its file when it
    is used, so an edited template is picked up."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=lambda name: name is None or name.endswith(".html.j2"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # Compiled templates are kept in the temp folder (checked against the source):
        # compiling the label macros was a third of every start-up.
        bytecode_cache=FileSystemBytecodeCache(),
    )
    env.filters["labels"] = _labels_filter
    env.filters["number"] = _number
    env.filters["day"] = clock.format_day_number  # a stored day number: dd/mm/yyyy
    env.filters["moment"] = clock.format_moment  # UTC seconds: dd/mm/yyyy hh:mm in Vietnam
    return env


class Texts:
    def __init__(self, templates_dir: Path) -> None:
        self.env = _environment(str(Path(templates_dir).resolve()))
        # A label depends only on its arguments: the assist form alone shows two dozen, and
        # calling their macros was most of the time it took to build it. Bounded: a label
        # pushed out is cheap to make again.
        # Labels are pure functions of their arguments: a bounded cache from the standard
        # library (per instance, so that its bound and lifetime are this object's).
        self._cached_label = functools.lru_cache(maxsize=LABEL_CACHE_SIZE)(self._render_label)
        self._labels = {
            lang: self.env.get_template(f"{lang}/labels.txt.j2").module for lang in LANGUAGES
        }

    def render(self, language: str, template: str, /, **context: Any) -> str:
        """Render `templates/<language>/<template>.html.j2` into Telegram HTML."""
        lang = language if language in LANGUAGES else LANGUAGES[0]
        return self.env.get_template(f"{lang}/{template}.html.j2").render(**context).strip()

    def label(self, language: str, name: str, *args: Any) -> str:
        """A plain-text macro from `labels.txt.j2` (buttons, toasts, command descriptions)."""
        lang = language if language in LANGUAGES else LANGUAGES[0]
        try:
            return self._cached_label(lang, name, args)
        except TypeError:  # an argument that cannot be a key: render it every time
            return self._render_label(lang, name, args)

    def _render_label(self, lang: str, name: str, args: tuple[Any, ...]) -> str:
        return str(getattr(self._labels[lang], name)(*args)).strip()

    def template_names(self, language: str) -> list[str]:
        prefix = f"{language}/"
        return sorted(
            n.removeprefix(prefix).removesuffix(".html.j2")
            for n in self.env.list_templates()
            if n.startswith(prefix) and n.endswith(".html.j2")
        )

    def label_names(self, language: str) -> list[str]:
        module = self._labels[language]
        return sorted(n for n in dir(module) if not n.startswith("_"))
