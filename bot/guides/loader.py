"""Read guide files into validated models, collecting every problem with its file and field."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from bot.guides import rules
from bot.guides.glossary import GLOSSARY_FILE, Glossary, GlossaryFile
from bot.guides.models import MAX_IMAGE_BYTES, TOPIC_ORDER, Guide, Step, Topic
from bot.texts.collation import vietnamese_key

GUIDE_SUFFIXES = (".yaml", ".yml")
# libyaml's safe loader, where PyYAML has it (its wheels do): the pure-Python one took most
# of a start-up (0.6 s of 0.75 s for 26 guides).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class GuideProblem:
    file: str
    field: str
    message: str
    line: int | None = None  # in the file, where the field is
    level: str = "error"  # or "expired" / "warning": see bot/guides/rules/

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        guide = self.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        tag = "" if self.level == "error" else f"{self.level}: "
        return f"{where}: {tag}[{guide}] {self.field}: {self.message}"


class GuidesInvalid(Exception):
    def __init__(self, problems: list[GuideProblem]) -> None:
        self.problems = problems
        first = problems[0]
        more = (
            f" (and {len(problems) - 1} more; run `outreach-bot guides check`)"
            if len(problems) > 1
            else ""
        )
        super().__init__(f"Guide error: {first}{more}")


class GuideLibrary:
    """All guides, indexed by id and by topic, in a stable order, with the glossary and the
    warnings for editors (problems that do not stop the bot)."""

    def __init__(
        self,
        guides: Iterable[Guide],
        glossary: Glossary | None = None,
        warnings: Iterable[GuideProblem] = (),
    ) -> None:
        self._by_id = {g.id: g for g in guides}
        self.glossary = glossary or Glossary()
        self.warnings = list(warnings)
        order = {topic: i for i, topic in enumerate(TOPIC_ORDER)}
        basic = _dependants(self._by_id)
        # Each topic starts with the basics (a guide others build on comes before them: VNeID
        # level 1, then level 2), then follows the Vietnamese alphabet, not character codes.
        self.ordered = sorted(
            self._by_id.values(),
            key=lambda g: (order[g.topic], -basic[g.id], vietnamese_key(g.title)),
        )

    def get(self, guide_id: str) -> Guide | None:
        return self._by_id.get(guide_id)

    def in_topic(self, topic: Topic) -> list[Guide]:
        return [g for g in self.ordered if g.topic == topic]

    def topics(self) -> list[Topic]:
        present = {g.topic for g in self.ordered}
        return [t for t in TOPIC_ORDER if t in present]

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Guide]:
        return iter(self.ordered)


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the field at `loc` (0-based list indexes), or of its nearest
    parent that exists; None when the text is not YAML."""
    try:
        node = yaml.compose(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = next((v for k, v in node.value if k.value == part), None)
            key = next((k for k, v in node.value if k.value == part), None)
            if found is None or key is None:
                break
            line, node = key.start_mark.line + 1, found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _field_path(loc: tuple[int | str, ...]) -> str:
    # Editors count steps from 1, as the bot shows them ("Bước 3/6"), so lists are 1-based here.
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item + 1}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts) or "(file)"


def parse_guide_file(path: Path, root: Path) -> tuple[Guide | None, list[GuideProblem]]:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml.load(text, Loader=_SAFE_LOADER)
    except UnicodeDecodeError:
        return None, [GuideProblem(name, "(file)", "is not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [GuideProblem(name, where, f"YAML syntax error: {problem}")]
    if not isinstance(raw, dict):
        return None, [GuideProblem(name, "(file)", "must be a mapping of fields (id, title, ...)")]
    try:
        guide = Guide.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown field (check the spelling against guides/README.md)"
            loc = tuple(err["loc"])
            problems.append(GuideProblem(name, _field_path(loc), message, _line_of(text, loc)))
        return None, problems
    problems = []
    if path.stem != guide.id:
        problems.append(
            GuideProblem(
                name, "id", f"must match the file name ('{path.stem}')", _line_of(text, ("id",))
            )
        )
    for i, step in enumerate(guide.steps, start=1):
        problems += [
            replace(p, line=_line_of(text, ("steps", i - 1, p.field.rsplit(".", 1)[-1])))
            for p in _image_problems(name, root, i, step)
        ]
    return guide, problems


def _image_problems(name: str, root: Path, number: int, step: Step) -> list[GuideProblem]:
    where = f"steps[{number}]"
    if not step.image:
        if step.image_caption:
            return [GuideProblem(name, f"{where}.image_caption", "a caption needs an image")]
        return []
    image = root / step.image
    if not image.is_file():
        return [GuideProblem(name, f"{where}.image", f"file '{step.image}' not found")]
    problems = []
    if image.stat().st_size > MAX_IMAGE_BYTES:
        limit = MAX_IMAGE_BYTES // 1024
        problems.append(GuideProblem(name, f"{where}.image", f"larger than {limit} KB"))
    if not step.image_caption:
        problems.append(
            GuideProblem(name, f"{where}.image_caption", "every picture needs a caption")
        )
    return problems


_LOADED_KEPT = 8


def load_guides(root: Path) -> tuple[GuideLibrary, list[GuideProblem]]:
    """Load every guide under `root`; return the library of valid ones and all problems.

    The result is kept while no file under `root` changes (names, sizes and times), so a
    process that builds the bot more than once (the tests, the console) parses it once.
    """
    library, problems = _load_signed(_signature(root), root)
    return library, list(problems)


@functools.lru_cache(maxsize=_LOADED_KEPT)
def _load_signed(
    signature: tuple[object, ...], root: Path
) -> tuple[GuideLibrary, list[GuideProblem]]:
    """`_load`, kept by the folder's signature: a changed file is a new key."""
    return _load(root)


def _signature(root: Path) -> tuple[object, ...]:
    if not root.is_dir():
        return (str(root),)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return (str(root.resolve()), *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


def _load(root: Path) -> tuple[GuideLibrary, list[GuideProblem]]:
    problems: list[GuideProblem] = []
    guides: dict[str, tuple[Guide, str]] = {}
    if not root.is_dir():
        return GuideLibrary([]), [GuideProblem(str(root), "(folder)", "guides folder not found")]
    files = sorted(
        p
        for p in root.rglob("*")
        if p.suffix in GUIDE_SUFFIXES
        and p.is_file()
        and p.name not in (GLOSSARY_FILE, rules.FREE_NUMBERS_FILE)
    )
    glossary, glossary_problems = load_glossary(root)
    problems.extend(glossary_problems)
    free_numbers, free_problems = load_free_numbers(root)
    problems.extend(free_problems)
    names: dict[str, Path] = {}
    for path in files:
        guide, found = parse_guide_file(path, root)
        problems.extend(found)
        if guide is None:
            continue
        name = path.relative_to(root).as_posix()
        if guide.id in guides:
            other = guides[guide.id][1]
            problems.append(
                GuideProblem(name, "id", f"duplicate id '{guide.id}' (also in {other})")
            )
            continue
        guides[guide.id] = (guide, name)
        names[guide.id] = path
    if not files:
        problems.append(GuideProblem(str(root), "(folder)", "no guide files (*.yaml)"))
    found_by_rules = _rule_problems({i: g for i, (g, _) in guides.items()}, glossary, free_numbers)
    located = [locate(problem, root, names) for problem in found_by_rules]
    problems += [p for p in located if p.level == "error"]
    warnings = [p for p in located if p.level != "error"]
    if glossary is None:
        warnings.append(
            GuideProblem(
                GLOSSARY_FILE, "(file)", "not found: terms are not checked", level="warning"
            )
        )
    library = GuideLibrary((g for g, _ in guides.values()), glossary, warnings)
    return library, problems


def _rule_problems(
    guides: dict[str, Guide], glossary: Glossary | None, free_numbers: frozenset[str] | None
) -> list[rules.RuleProblem]:
    """What the rules find across the valid guides, without files or lines yet."""
    found: list[rules.RuleProblem] = []
    for guide in guides.values():
        for i, target in enumerate(guide.related):
            if target not in guides:
                found.append(
                    rules.RuleProblem(guide.id, ("related", i), f"no guide with id '{target}'")
                )
            elif target == guide.id:
                found.append(
                    rules.RuleProblem(guide.id, ("related", i), "a guide cannot relate to itself")
                )
    found += rules.requires_problems(guides)
    found += rules.link_problems(guides)
    for guide in guides.values():
        found += rules.hedge_problems(guide) + rules.source_problems(guide)
        found += rules.editor_wording_problems(guide) + rules.old_name_problems(guide)
        found += rules.number_cost_problems(guide, free_numbers)
        found += rules.deadline_problems(guide) + rules.pointer_problems(guide)
        if glossary is not None:
            found += rules.glossary_problems(guide, glossary)
            found += rules.not_terms_problems(guide, glossary)
    return found


def locate(problem: rules.RuleProblem, root: Path, names: dict[str, Path]) -> GuideProblem:
    """A rule's problem with its file and line."""
    path = names.get(problem.guide_id)
    if path is None:
        return GuideProblem(
            problem.guide_id, _field_path(problem.loc), problem.message, None, problem.level
        )
    text = path.read_text(encoding="utf-8")
    return GuideProblem(
        path.relative_to(root).as_posix(),
        _field_path(problem.loc),
        problem.message,
        _line_of(text, problem.loc),
        problem.level,
    )


def load_glossary(root: Path) -> tuple[Glossary | None, list[GuideProblem]]:
    """The glossary beside the guides (None when there is none), and its problems."""
    path = root / GLOSSARY_FILE
    if not path.is_file():
        return None, []
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.load(text, Loader=_SAFE_LOADER)
        parsed = GlossaryFile.model_validate(raw)
    except yaml.YAMLError as exc:
        return None, [GuideProblem(GLOSSARY_FILE, "(file)", f"YAML syntax error: {exc}")]
    except ValidationError as exc:
        return None, [
            GuideProblem(
                GLOSSARY_FILE,
                _field_path(tuple(e["loc"])),
                e["msg"],
                _line_of(text, tuple(e["loc"])),
            )
            for e in exc.errors()
        ]
    problems = []
    seen: dict[str, int] = {}
    for i, term in enumerate(parsed.terms):
        for form in (*term.forms, *term.avoid):
            key = form.casefold()
            if key in seen and seen[key] != i:
                loc = ("terms", i, "term")
                problems.append(
                    GuideProblem(
                        GLOSSARY_FILE,
                        _field_path(loc),
                        f"'{form}' is also in terms[{seen[key] + 1}]: one name, one entry",
                        _line_of(text, loc),
                    )
                )
            seen.setdefault(key, i)
    return Glossary(parsed.terms), problems


class FreeNumber(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    number: str = Field(pattern=r"^[0-9 ]{3,12}$")
    name: str = Field(min_length=3, max_length=200)
    source: HttpUrl


class FreeNumbersFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    numbers: tuple[FreeNumber, ...] = Field(min_length=1)


def load_free_numbers(root: Path) -> tuple[frozenset[str] | None, list[GuideProblem]]:
    """The lines a guide may call free (`guides/free-numbers.yaml`), as digits only; None when
    the file is missing (numbers said to be free are then not checked)."""
    name = rules.FREE_NUMBERS_FILE
    path = root / name
    if not path.is_file():
        return None, []
    text = path.read_text(encoding="utf-8")
    try:
        parsed = FreeNumbersFile.model_validate(yaml.load(text, Loader=_SAFE_LOADER))
    except yaml.YAMLError as exc:
        return None, [GuideProblem(name, "(file)", f"YAML syntax error: {exc}")]
    except ValidationError as exc:
        return None, [
            GuideProblem(
                name, _field_path(tuple(e["loc"])), e["msg"], _line_of(text, tuple(e["loc"]))
            )
            for e in exc.errors()
        ]
    return frozenset(rules.phone_key(n.number) for n in parsed.numbers), []


def _dependants(guides: dict[str, Guide]) -> dict[str, int]:
    """How many guides build on each guide, directly or through others (`requires`)."""
    found: dict[str, set[str]] = {gid: set() for gid in guides}
    for gid, guide in guides.items():
        stack = list(guide.requires)
        seen: set[str] = set()
        while stack:
            needed = stack.pop()
            if needed in seen or needed not in guides:
                continue
            seen.add(needed)
            found[needed].add(gid)
            stack.extend(guides[needed].requires)
    return {gid: len(users) for gid, users in found.items()}
