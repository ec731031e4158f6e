"""Answer keys written at the end of a paper (参考答案), or after each of its sections. Pure.

A key is read as it comes (``read_key_line``: the entries of one line) and applied when the
whole bank has been read (``apply_keys``): each entry goes to the question of its number, in
the section its sub-heading names (一、单项选择题 … matched to the paper's sections by type, by
title and by order) or, without sub-headings, by one numbering over the paper, or by the
numbering restarting as the paper's does. The ways offices type keys:

    1-5 BCADA 6-8 CBD          1～5：BCADA           1.ABC 2.BD 3.ABCD      1.C　2.A、3.B
    1-4 √××√                   1.对 2.错              1.通报 2.监督、调查、处置
    题号 1 2 3 / 答案 B C A     BCADA (a run with no numbers, after a sub-heading)

Every entry that finds no question, every question the key misses and every answer written
twice that disagrees is an error naming the lines.
"""
import re
from dataclasses import dataclass, field

from .answers import BLANK_RE, parse_choice_answer, parse_judge_answer
from .parsed import Draft, ParseResult, Problem
from .text import fold, match_key

# 参考答案 / 参考答案及评分标准 / 答案 / 【参考答案】 / 附：参考答案 / 二〇二四年测试卷参考答案, alone on
# a line (a folded one).
KEY_HEADING_RE = re.compile(
    r"^(?:附\s*(?:件\s*\d*)?\s*:?\s*)?(?:[一二三四五六七八九十]{1,3}\s*[、.]\s*)?"
    r"(?:[【\[(]\s*)?"
    r"(?P<title>[^,，。？?:()_]{0,40}?(?:试卷|试题|测试|测验|考试|竞赛|题库|练习|卷|题|部分)\s*)?"
    r"(?P<word>参考答案|标准答案|正确答案|答案)"
    r"(?:\s*(?:及|与|和|暨|、)\s*(?:评分标准|评分参考|评分细则|评分说明|评分意见|解析|详解|答案解析|说明))?"
    r"\s*(?:[】\])]\s*)?(?:\([^)]*\))?\s*:?\s*$"
)
_RANGE_DASH = r"(?:-|~|〜|—|–|―|至|到)"
# Where an entry starts: 1. 1、 1: 1) (1) 第1题 1-5 1～5：, at the start of the line or after a
# separator (or after an answer, as in 1.A2.B).
ENTRY_START_RE = re.compile(
    r"(?:^|(?<=[\s,;、:)A-Za-z√×✓✗✔✕╳对错]))(?:第\s*)?"
    r"(?:\(\s*(?P<paren>\d{1,4})\s*\)"
    r"|(?P<first>\d{1,4})\s*" + _RANGE_DASH + r"\s*(?P<last>\d{1,4})\s*(?:题\s*)?[:.、)]?"
    r"|(?P<one>\d{1,4})\s*(?:题\s*[:.、]?|[.、:)])"
    r"|(?P<tight>\d{1,4})(?=(?:[A-Ha-h]+|[√×✓✗✔✕╳对错])(?:[\s,;、]|\d|$)))\s*"
)
_SEPARATORS = " \t,;、，；"
# One answer of a run: option letters or a judge mark.
_ANSWER_TOKEN_RE = re.compile(r"正确|错误|[A-Ha-h]|[√×✓✗✔✕╳对错TFXx]")
_CHOICE_OR_JUDGE_RE = re.compile(r"^(?:[A-Ha-h]+|正确|错误|[√×✓✗✔✕╳对错TFX])$")
# A run of answers with no numbers: BCADA, √××√, ABC BD ABCD.
POSITIONAL_RE = re.compile(r"^(?:[A-Ha-h√×✓✗✔✕╳对错TFXx]+|正确|错误)(?:[\s,;、]+(?:[A-Ha-h√×✓✗✔✕╳对错TFXx]+|正确|错误))*$")
NUMBERS_ROW_RE = re.compile(r"^题\s*号\s*:?\s*((?:\d{1,4}\s*)*)$")
BARE_NUMBERS_RE = re.compile(r"^(?:\d{1,4}\s*)+$")
ANSWERS_ROW_RE = re.compile(r"^(?:参考|正确|标准)?答\s*案\s*:?\s*(.*)$")
# The value of an entry that is really a question's stem: it has a blank or an answer in
# brackets, asks something, or is too long to be a fill answer.
_STEM_LIKE_RE = re.compile(r"_|\(\s*\)|\(\s*[A-H√×对错]{1,8}\s*\)|[?？]\s*$")
FILL_ANSWER_MAX = 40


@dataclass
class KeyEntry:
    number: int
    value: str
    line: int
    explanation: list[str] = field(default_factory=list)
    #: written with no number (BCADA after a sub-heading, 【答案】 and B on the next line):
    #: ``number`` is its place, among the questions the key answers
    positional: bool = False


@dataclass
class KeyGroup:
    """The entries under one sub-heading of a key (or under none)."""

    line: int
    title: str | None = None
    qtype: str | None = None
    #: the paper's section this group answers (index into the parser's sections), when named
    section: int | None = None
    entries: list[KeyEntry] = field(default_factory=list)


@dataclass
class KeyTable:
    """A key kept as a table being read: its 题号 row, then its 答案 row."""

    line: int
    numbers: list[int]
    answers: list[str] | None = None
    line_of_answers: int = 0


@dataclass
class KeyRegion:
    """A key: the questions it answers are the drafts ``start``…``end`` of the parser's list."""

    line: int
    start: int
    end: int
    groups: list[KeyGroup] = field(default_factory=list)
    table: "KeyTable | None" = None  # a 题号 row waiting for its 答案 row

    def group(self, line: int) -> KeyGroup:
        if not self.groups:
            self.groups.append(KeyGroup(line))
        return self.groups[-1]

    @property
    def has_entries(self) -> bool:
        return any(group.entries for group in self.groups)


@dataclass
class KeyLine:
    entries: list[tuple[int, str]]  # (number, answer text as typed)
    problems: list[str]
    ranged: bool


_SECOND_ENTRY_RE = re.compile(r"[\s,;、A-Za-z√×✓✗✔✕╳对错]\d{1,4}\s*(?:[.、:)]|题)|\d\s*" + _RANGE_DASH + r"\s*\d")


def several_entries(folded: str) -> bool:
    """Quickly: the line may hold a range or more than one entry."""
    return _SECOND_ENTRY_RE.search(folded) is not None


def is_key_heading(folded: str) -> bool:
    return KEY_HEADING_RE.match(folded.strip()) is not None


def bare_answer_heading(folded: str) -> bool:
    """The heading is a bare 答案 / 答案： (it could be a question's empty 答案 line)."""
    match = KEY_HEADING_RE.match(folded.strip())
    return bool(match) and match.group("word") == "答案" and folded.strip().rstrip(":").strip() == "答案"


def stem_like(value: str) -> bool:
    folded = fold(value)
    if _STEM_LIKE_RE.search(folded) or (len(value) >= 6 and folded.rstrip().endswith("。")):
        return True  # a blank, a question, a sentence: a question of the paper
    # several blanks' answers and their alternatives may be long; a sentence without them is not
    return len(value) > FILL_ANSWER_MAX and not any(c in folded for c in ";/")


def read_key_line(original: str, folded: str) -> KeyLine | None:
    """The entries of a key line, or None when the line is not (wholly) a key line."""
    if "分" in folded:  # 1.B（2分）: the points a key gives each answer are no part of it
        original, folded = _without_points(original, folded)
    text = folded.rstrip(" 。.")
    starts = list(ENTRY_START_RE.finditer(text))
    if not starts or starts[0].start() != len(text) - len(text.lstrip()):
        return None
    entries, problems, ranged = [], [], False
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        value_start, value_end = _trim(text, match.end(), end)
        if value_start >= value_end:
            return None
        value, typed = text[value_start:value_end], original[value_start:value_end]
        if match.group("first"):
            ranged = True
            first, last = int(match.group("first")), int(match.group("last"))
            count = last - first + 1
            answers = split_run(value, count)
            if answers is None:
                return None
            if last < first:
                problems.append(f"“{first}-{last}”的题号前大后小。")
                continue
            if len(answers) != count:
                problems.append(f"第 {first}–{last} 题是 {count} 道题，这里的答案却有 {len(answers)} 个（{typed}）。")
                continue
            entries.extend(zip(range(first, last + 1), answers))
        else:
            number = int(match.group("paren") or match.group("one") or match.group("tight"))
            whole = original[value_start:len(folded) if index + 1 == len(starts) else end]
            if stem_like(whole):
                return None
            entries.append((number, typed))
    return KeyLine(entries, problems, ranged)


_POINTS_RE = re.compile(r"\(\s*\d+(?:\.\d+)?\s*分\s*\)")


def _without_points(original: str, folded: str) -> tuple[str, str]:
    kept = [(m.start(), m.end()) for m in _POINTS_RE.finditer(folded)]
    for start, end in reversed(kept):
        original, folded = original[:start] + original[end:], folded[:start] + folded[end:]
    return original, folded


def split_run(value: str, count: int | None = None) -> list[str] | None:
    """The answers of a run, one per question: 'BCADA' → B C A D A, 'ABC BD' → ABC BD,
    '√××√' → √ × × √, '对错对' → 对 错 对 ('AB' for one question is AB); None when it is not
    a run of answers."""
    tokens = [token for token in re.split(r"[\s,;、]+", value.strip()) if token]
    if not tokens or not all(_ANSWER_TOKEN_RE.fullmatch(piece) for token in tokens
                             for piece in _ANSWER_TOKEN_RE.findall(token)):
        return None
    if any("".join(_ANSWER_TOKEN_RE.findall(token)) != token for token in tokens):
        return None
    if len(tokens) == 1 and count != 1:
        return [piece.upper() for piece in _ANSWER_TOKEN_RE.findall(tokens[0])]
    return [token.upper() for token in tokens]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SEPARATORS:
        start += 1
    while end > start and text[end - 1] in _SEPARATORS + "。.":
        end -= 1
    return start, end


def positional_run(folded: str) -> list[str] | None:
    """A line that is only answers (after a sub-heading): each answer in order."""
    text = folded.strip().rstrip("。.")
    if not POSITIONAL_RE.match(text):
        return None
    return split_run(text)


# -- applying keys ---------------------------------------------------------------------------

def types_agree(section_type: str | None, heading_type: str | None) -> bool:
    if section_type is None or heading_type is None:
        return False
    if "choice" in (section_type, heading_type):
        return {section_type, heading_type} <= {"choice", "single", "multiple"}
    return section_type == heading_type


def same_answer(a: str, b: str) -> bool:
    letters_a, letters_b = parse_choice_answer(a), parse_choice_answer(b)
    if letters_a is not None and letters_b is not None:
        return letters_a == letters_b
    judge_a, judge_b = parse_judge_answer(a), parse_judge_answer(b)
    if judge_a is not None and judge_b is not None:
        return judge_a == judge_b
    return match_key(a) == match_key(b)


def apply_keys(regions: list[KeyRegion], drafts: list[Draft], result: ParseResult,
               inline_answer) -> set[int]:
    """Give each question its answer from the keys; the ids of drafts that have errors for it.

    ``drafts`` is the parser's list in file order; ``inline_answer(draft)`` the answer written
    into the stem, if any.
    """
    unit = result.unit
    rejected: set[int] = set()

    def error(line, message):
        result.errors.append(Problem(line, message))

    for region in regions:
        scope = [d for d in drafts[region.start:region.end] if d is not None]
        found: dict[int, KeyEntry] = {}  # id(draft) → its entry
        for group, entries, target in _targets(region, scope):
            for entry in entries:
                draft = target.get(entry.number)
                if draft is None:
                    where = f"“{group.title}”部分" if group.title else "试卷"
                    error(entry.line, f"参考答案中有第 {entry.number} 题，但{where}中没有第 {entry.number} 题。")
                    continue
                earlier = found.get(id(draft))
                if earlier is not None:
                    error(entry.line, f"参考答案中第 {entry.number} 题写了两次（第 {earlier.line} {unit}和"
                                      f"第 {entry.line} {unit}）。")
                    continue
                found[id(draft)] = entry
        for position, draft in enumerate(scope, start=1):
            entry = found.get(id(draft))
            number = draft.number if draft.number is not None else position
            inline = inline_answer(draft)
            if entry is None:
                if draft.answer is None and inline is None:
                    error(draft.line, f"没有答案：题后没有写答案，参考答案（第 {region.line} {unit}起）中也没有"
                                      f"这道题（第 {number} 题）。")
                    rejected.add(id(draft))
                continue
            written = draft.answer if draft.answer is not None and draft.answer.strip() else None
            if written is not None and not same_answer(written, entry.value):
                error(draft.line, f"第 {number} 题的答案写了两处且不一致：第 {draft.answer_line} {unit}写的是"
                                  f"“{written.strip()}”，参考答案第 {entry.line} {unit}是“{entry.value}”。")
                rejected.add(id(draft))
                continue
            if inline is not None and not same_answer(inline, entry.value):
                error(draft.line, f"第 {number} 题的答案写了两处且不一致：题干中是“{inline}”，"
                                  f"参考答案第 {entry.line} {unit}是“{entry.value}”。")
                rejected.add(id(draft))
                continue
            draft.answer, draft.answer_line = _per_blank(draft, entry.value), entry.line
            if entry.explanation and not draft.explanation:
                draft.explanation = list(entry.explanation)
    return rejected


def _per_blank(draft: Draft, value: str) -> str:
    """A fill key may give several blanks' answers apart by spaces (6.互相配合 互相制约): as ；."""
    folded = fold(value)
    if draft.options or any(c in folded for c in ";/、"):
        return value
    parts = value.split()
    blanks = len(BLANK_RE.findall(fold("\n".join(draft.stem))))
    return "；".join(parts) if blanks > 1 and len(parts) == blanks else value


def _targets(region: KeyRegion, scope: list[Draft]):
    """(group, entries, number → draft) for each run of entries of the key."""
    by_section: dict[int | None, list[Draft]] = {}
    for draft in scope:
        by_section.setdefault(draft.section, []).append(draft)
    sections = list(by_section)
    claimed = {group.section for group in region.groups if group.section is not None}
    unclaimed = [s for s in sections if s not in claimed]
    whole = _numbered(scope)
    for group in region.groups:
        placed = [entry for entry in group.entries if entry.positional]
        if placed:
            own = by_section.get(group.section, []) if group.section is not None else scope
            yield group, placed, dict(enumerate(own, start=1))
        entries = [entry for entry in group.entries if not entry.positional]
        if not entries:
            continue
        if group.section is not None:
            own = _numbered(by_section.get(group.section, [])) or {}
            # one numbering over the whole paper: the key may use it under its sub-headings
            if whole is not None and not all(entry.number in own for entry in entries):
                own = whole
            yield group, entries, own
            continue
        runs = _runs(entries)
        if len(runs) == 1 and whole is not None:
            yield group, entries, whole
        elif len(runs) == 1:
            # the paper numbers each section from 1 but the key counts on over the whole paper
            yield group, entries, dict(enumerate(scope, start=1))
        else:
            for index, run in enumerate(runs):
                section = unclaimed[index] if index < len(unclaimed) else None
                target = _numbered(by_section.get(section, [])) if section in by_section else {}
                yield group, run, target or {}


def _numbered(drafts: list[Draft]) -> dict[int, Draft] | None:
    """number → draft (the typed number, else the place in the list); None when two share one."""
    table: dict[int, Draft] = {}
    for position, draft in enumerate(drafts, start=1):
        number = draft.number if draft.number is not None else position
        if number in table:
            return None
        table[number] = draft
    return table


def _runs(entries: list[KeyEntry]) -> list[list[KeyEntry]]:
    """Entries split where the numbering starts again (goes back to where the run began or
    before: a number repeated inside a run is a mistake reported as such)."""
    runs: list[list[KeyEntry]] = []
    for entry in entries:
        if not runs or entry.number <= runs[-1][0].number:
            runs.append([])
        runs[-1].append(entry)
    return runs
