"""The question types, one module each, and the registry every caller goes through.

``REGISTRY`` holds the stored types in display order (单选题, 多选题, 判断题, 填空题); ``get(name)``
finds one (also 选择题, which only a section heading declares and which settles into 单选题 or
多选题). Adding a type is writing one module with a ``QuestionType`` subclass and registering
it here (or calling ``register()``); the parser, settling, the test page, autosave, grading,
the labels of results and exports and the bank's Excel all ask the type. A stored type also
needs the database's ``qtype_known`` constraint to allow its name (a migration).
"""
from collections.abc import Iterator, Mapping

from . import choice, fill, judge, multiple, single
from .base import GENERIC, QuestionType

#: the stored types, in display order
REGISTRY: dict[str, QuestionType] = {}
#: types a heading may declare that settle into a stored one
_DECLARED_ONLY: dict[str, QuestionType] = {}


def register(kind: QuestionType) -> QuestionType:
    """Add a type (at the end of the display order); a type of the same name is replaced."""
    (REGISTRY if kind.stored else _DECLARED_ONLY)[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    REGISTRY.pop(name, None)
    _DECLARED_ONLY.pop(name, None)


def get(name: str) -> QuestionType:
    """The type of this name; KeyError for a name no type has."""
    kind = REGISTRY.get(name) or _DECLARED_ONLY.get(name)
    if kind is None:
        raise KeyError(name)
    return kind


def find(name: str | None) -> QuestionType | None:
    """The type of this name, or None."""
    if name is None:
        return None
    return REGISTRY.get(name) or _DECLARED_ONLY.get(name)


def label_of(name: str | None) -> str:
    kind = find(name)
    return kind.label if kind is not None else (name or "")


def every() -> list[QuestionType]:
    """Every type, the stored ones first in display order, then those only declared."""
    return [*REGISTRY.values(), *_DECLARED_ONLY.values()]


def guessed() -> list[QuestionType]:
    """The types a question under no heading may be taken for, in the order they are asked."""
    return sorted((k for k in every() if k.guess_rank is not None), key=lambda k: k.guess_rank)


def headings() -> list[tuple[object, str]]:
    """(pattern, type name) for section headings, most specific first (多项选择 before 选择)."""
    return [(k.heading, k.name) for k in sorted(every(), key=lambda k: k.heading_rank) if k.heading is not None]


def type_of_heading(title: str) -> str | None:
    """The type a section heading or a 题型 cell names (多项选择题 → multiple), or None."""
    return next((name for pattern, name in headings() if pattern.search(title)), None)


def inline_patterns(has_options: bool) -> list[tuple[object, QuestionType]]:
    """The patterns of an answer written into the stem, for a question with or without options,
    each with the type that reads it; one entry per pattern."""
    seen, found = set(), []
    for kind in every():
        if kind.inline is not None and kind.has_options == has_options and kind.inline.pattern not in seen:
            seen.add(kind.inline.pattern)
            found.append((kind.inline, kind))
    return found


class _Labels(Mapping):
    """type name → label, of the stored types in display order, as the registry is now."""

    def __getitem__(self, name: str) -> str:
        return REGISTRY[name].label

    def __iter__(self) -> Iterator[str]:
        return iter(list(REGISTRY))

    def __len__(self) -> int:
        return len(REGISTRY)

    def __repr__(self) -> str:
        return repr(dict(self))


#: type name → 单选题 …: what models.QUESTION_TYPES is
LABELS: Mapping[str, str] = _Labels()

for _module in (single, multiple, judge, fill, choice):
    register(_module.TYPE)

__all__ = ["GENERIC", "LABELS", "REGISTRY", "QuestionType", "every", "find", "get", "guessed", "headings", "type_of_heading",
           "inline_patterns", "label_of", "register", "unregister"]
