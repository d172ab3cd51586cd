"""Is a built page well-formed? Every tag closed in order, nothing stray: a broken guide page
fails `guides check` and the build, as a screen Telegram would refuse does."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements that never have a closing tag.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <br/>: opens nothing

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in VOID:
            self.problems.append(f"line {line}: </{tag}> closes a void element")
            return
        if not self.open or self.open[-1][0] != tag:
            expected = f"</{self.open[-1][0]}>" if self.open else "nothing"
            self.problems.append(f"line {line}: </{tag}> where {expected} was due")
            if any(name == tag for name, _ in self.open):
                while self.open and self.open.pop()[0] != tag:
                    pass
            return
        self.open.pop()


def html_problems(html: str) -> list[str]:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    problems = checker.problems
    problems += [f"line {line}: <{tag}> is never closed" for tag, line in checker.open]
    if not html.lstrip().lower().startswith("<!doctype html>"):
        problems.append("line 1: no <!doctype html>")
    return problems
