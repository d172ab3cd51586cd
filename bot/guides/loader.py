"""Read guide files into validated models, collecting every problem with its file and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.guides.models import MAX_IMAGE_BYTES, TOPIC_ORDER, Guide, Step, Topic

GUIDE_SUFFIXES = (".yaml", ".yml")
# libyaml's safe loader, where PyYAML has it (its wheels do): the pure-Python one took most
# of a start-up (0.6 s of 0.75 s for 26 guides).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class GuideProblem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


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
    """All guides, indexed by id and by topic, in a stable order."""

    def __init__(self, guides: Iterable[Guide]) -> None:
        self._by_id = {g.id: g for g in guides}
        order = {topic: i for i, topic in enumerate(TOPIC_ORDER)}
        self.ordered = sorted(self._by_id.values(), key=lambda g: (order[g.topic], g.title))

    def get(self, guide_id: str) -> Guide | None:
        return self._by_id.get(guide_id)

    def in_topic(self, topic: Topic) -> list[Guide]:
        return [g for g in self.ordered if g.topic == topic]

    def topics(self) -> list[Topic]:
        present = {g.topic for g in self.ordered}
        return [t for t in TOPIC_ORDER if t in present]

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):
        return iter(self.ordered)


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
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
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
            problems.append(GuideProblem(name, _field_path(err["loc"]), message))
        return None, problems
    problems = []
    if path.stem != guide.id:
        problems.append(GuideProblem(name, "id", f"must match the file name ('{path.stem}')"))
    for i, step in enumerate(guide.steps, start=1):
        problems += _image_problems(name, root, i, step)
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


_LOADED: dict[tuple[object, ...], tuple[GuideLibrary, list[GuideProblem]]] = {}
_LOADED_KEPT = 8


def load_guides(root: Path) -> tuple[GuideLibrary, list[GuideProblem]]:
    """Load every guide under `root`; return the library of valid ones and all problems.

    The result is kept while no file under `root` changes (names, sizes and times), so a
    process that builds the bot more than once (the tests, the console) parses it once.
    """
    key = _signature(root)
    loaded = _LOADED.get(key)
    if loaded is None:
        if len(_LOADED) >= _LOADED_KEPT:
            _LOADED.clear()
        loaded = _LOADED[key] = _load(root)
    return loaded[0], list(loaded[1])


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
    files = sorted(p for p in root.rglob("*") if p.suffix in GUIDE_SUFFIXES and p.is_file())
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
    for guide, name in guides.values():
        for i, target in enumerate(guide.related, start=1):
            if target not in guides:
                problems.append(GuideProblem(name, f"related[{i}]", f"no guide with id '{target}'"))
            elif target == guide.id:
                problems.append(
                    GuideProblem(name, f"related[{i}]", "a guide cannot relate to itself")
                )
    if not files:
        problems.append(GuideProblem(str(root), "(folder)", "no guide files (*.yaml)"))
    return GuideLibrary(g for g, _ in guides.values()), problems
