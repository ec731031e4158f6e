"""A bank kept as a table (a Word table, an Excel sheet): the header row naming the columns,
and a row of named cells → a Draft for the parser. Shared by readers/tables.py and
readers/xlsx.py. Pure.

Columns come in any order and in the spellings offices use (题目 / 题干 / 试题内容, 正确答案 /
参考答案 …); options in a column each (选项A … 选项H, or bare A … H) or all in one 选项 column
(``A．甲 B．乙`` on one line, one a line, one a paragraph). The header is found with
examsite/headers.py, as the roster's is.
"""
import re

from ... import qtypes
from ...headers import alias_table, columns_of, header_key, stacked
from ..answers import parse_judge_answer
from ..parsed import LETTERS, Draft, Problem
from ..parser import OPTION_LABEL_RE, QUESTION_RE, section_of, split_options
from ..text import clip, fold

SPELLINGS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "题号", "编号", "序", "试题编号", "题目编号", "题目序号", "NO", "NO."),
    "type": ("题型", "题目类型", "试题类型", "题型名称", "类型", "题类", "试题题型"),
    "stem": ("题干", "题目", "试题内容", "题目内容", "试题", "试题题干", "题目题干", "问题", "题面", "内容",
             "题目名称", "试题名称"),
    "options": ("选项", "备选项", "备选答案", "选项内容", "答案选项", "可选项", "全部选项", "选择项"),
    "answer": ("答案", "正确答案", "参考答案", "标准答案", "正确选项", "答案选项值"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "解释", "答题解析", "解析说明"),
    "source": ("出处", "依据", "法规依据", "出题依据", "来源", "政策依据", "法规出处", "题目出处", "出处依据",
               "依据条款", "法规条款"),
    "difficulty": ("难度", "难易程度", "难易度", "难度等级", "难易"),
    "points": ("分值", "分数", "每题分值", "题目分值", "单题分值"),
}
for _letter in LETTERS:
    _n = LETTERS.index(_letter)
    SPELLINGS[_letter] = (f"选项{_letter}", _letter, f"{_letter}选项", f"选项{_letter}内容", f"选项{_n + 1}",
                          f"选项{'一二三四五六七八'[_n]}")
ALIASES = alias_table(SPELLINGS)
NAMES = {"number": "序号", "type": "题型", "stem": "题干", "options": "选项", "answer": "答案", "explanation": "解析",
         "source": "出处", "difficulty": "难度", "points": "分值"}
#: what a header row must name besides the stem: an answer, options, or a type
OTHERS = ("answer", "options", "type", "A")
#: the stem's spellings no other table uses (not 内容, 问题)
STRONG_STEMS = {header_key(name) for name in ("题干", "题目", "试题内容", "题目内容", "试题", "试题题干", "题目题干", "题面")}
TYPE_WORDS = {"SINGLE": "single", "MULTIPLE": "multiple", "JUDGE": "judge", "FILL": "fill",
              "是非题": "judge", "对错题": "judge", "正误题": "judge", "填空": "fill"}
JUDGE_PAIRS = ({"正确", "错误"}, {"对", "错"}, {"√", "×"}, {"是", "否"})
_ANSWER_PREFIX = re.compile(r"^\s*[【\[]?\s*(?:正确|参考|标准)?答案\s*(?:为|是)?\s*[】\]]?\s*[:]?\s*")
#: a line under or between the questions that is none: 注：…, 制表人：…, 合计
REMARK = re.compile(r"^\s*(?:注|备注|说明|附注|制表|填表|审核|审批|联系人|联系电话|合\s*计|共\s*计|总\s*计|以上|本题库|本表|"
                    r"本试卷|出题人|命题人|校对|整理)")
_LOWER_LABELS = str.maketrans("abcdefgh", "ABCDEFGH")
_SEPARATORS = re.compile(r"\s*(?:[|｜]|;|；|\t)\s*")
_LINE_LABEL = re.compile(r"^\s*(?:\(\s*[A-Ha-h]\s*\)|[A-Ha-h]\s*[.、:)]|[A-Ha-h](?=\s))\s*")
_TRAILING = re.compile(r"[\s;；,，、|｜]+$")  # A．三；B．四：the separators typed between options
_OPTIONS_HEAD = re.compile(r"^[\s选项:：]*$")


def header_columns(cells: list[str]) -> dict[str, int] | None:
    """The column of each field if ``cells`` is a bank's header row: it names the stem and an
    answer, options or a type; or a 序号 and the stem by a name only questions have (题目,
    题干, 试题 …: answers in a key at the end, or marked by formatting)."""
    columns = columns_of(cells, ALIASES)
    if "stem" not in columns:
        return None
    if any(name in columns for name in OTHERS):
        return columns
    if "number" in columns and header_key(cells[columns["stem"]]) in STRONG_STEMS:
        return columns
    return None


def find_header(rows: list[list[str]], search: int = 10) -> tuple[int, dict[str, int]] | None:
    """(index in ``rows`` of its last row, columns) of the first of the top rows that is a
    header. A header may span two rows: 选项 merged across over A | B | C | D below it (the
    other cells merged down, or blank below), taken together when they name more fields."""
    for index, cells in enumerate(rows[:search]):
        columns = header_columns(cells)
        if columns is None:
            continue
        if index + 1 < len(rows):
            both = columns_of(stacked(cells, rows[index + 1]), ALIASES)
            if "stem" in both and len(both) > len(columns):
                if any(letter in both for letter in LETTERS):
                    both.pop("options", None)  # the group cell over the lettered ones
                return index + 1, both
        return index, columns
    return None


def is_header_again(cells: list[str], columns: dict[str, int]) -> bool:
    """A header row repeated further down (on each page, or pasted in again)."""
    if not any(position < len(cells) and header_key(cells[position]) in ALIASES
               for position in (columns["stem"], columns.get("A", -1)) if position >= 0):
        return False  # the quick look: no header word where the stem or option A is
    again = columns_of(cells, ALIASES)
    known = [name for name in again if name in columns]  # 选项 over A | B | C is in neither row alone
    return len(known) >= 2 and all(columns[name] == again[name] for name in known)


def type_of(text: str) -> str | None:
    """单选题 / 单项选择 / 多选 / 判断 / 填空题（每题1分） → the type; 'choice' for 选择题."""
    folded = fold(text).strip()
    found = TYPE_WORDS.get(header_key(folded))
    if found:
        return found
    return qtypes.type_of_heading(folded)


def split_option_cell(text: str) -> tuple[list[str], str | None]:
    """The options written in one cell, and a problem when they cannot be told apart.

    ``A．甲 B．乙`` (on one line or several, labels full-width or lower-case too), or one
    option a line or a paragraph, or 甲|乙|丙 / 甲；乙；丙."""
    text = text.strip()
    if not text:
        return [], None
    folded = fold(text)
    for labels in (folded, folded.translate(_LOWER_LABELS)):
        head, options = split_options(text, labels, "A")
        options = [_TRAILING.sub("", option) for option in options]
        if len(options) >= 2:
            if not _OPTIONS_HEAD.match(fold(head)):
                return options, f"选项栏开头的“{clip(head.strip())}”不在任何选项字母之后。"
            return options, None
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        lines = [part for part in _SEPARATORS.split(text) if part]
    if len(lines) >= 2:
        return [_LINE_LABEL.sub("", line, count=1).strip() for line in lines], None
    return [text], (f"选项“{clip(text)}”无法拆分成 A、B、C 各项（请写成“A．… B．…”，或每个选项一行）。")


def row_draft(cells: dict[str, str], line: int, place: str = "", declared: str | None = None,
              points: float | None = None) -> tuple[Draft, list[Problem]]:
    """A row of named cells (field → text, stripped) → a Draft and the problems of reading it.

    ``declared`` and ``points`` are what the sheet's name or the section heading above the
    table say; the row's own 题型 and 分值 cells win over them."""
    problems: list[Problem] = []

    def problem(message):
        problems.append(Problem(line, message, place=place))

    def get(name):
        return cells.get(name, "").strip()

    type_text = get("type")
    if type_text:
        declared = type_of(type_text)
        if declared is None:
            problem(f"题型“{clip(type_text)}”无法识别（应为 单选题、多选题、判断题 或 填空题）。")
    stem = get("stem")
    question = QUESTION_RE.match(fold(stem))
    if question:
        stem = stem[question.end():].strip()  # a 题干 typed with its number: 1．下列……
    options: list[str] = []
    if get("options"):
        options, message = split_option_cell(get("options"))
        if message:
            problem(message)
    lettered = [get(letter) for letter in LETTERS]
    while lettered and not lettered[-1]:
        lettered.pop()
    if lettered:
        if options:
            problem("“选项”一栏和“选项A”等栏都写了选项，只能用其中一种。")
        for index, text in enumerate(lettered):
            if not text:
                problem(f"选项{LETTERS[index]}为空，但后面还有选项。")
        options = [_strip_label(text, LETTERS[index]) for index, text in enumerate(lettered) if text]
    elif not options and declared not in ("judge", "fill"):
        head, inline = split_options(stem, fold(stem), "A")  # options written into the stem's cell
        if len(inline) >= 2:
            stem, options = head.strip(), inline
    if len(options) > len(LETTERS):
        problem(f"有 {len(options)} 个选项，最多 {len(LETTERS)} 个（A–H）。")
        options = options[:len(LETTERS)]
    answer = _ANSWER_PREFIX.sub("", get("answer")) or None
    options, answer, declared = _judge_as_choice(options, answer, declared)
    if get("points"):
        try:
            points = float(fold(get("points")).replace("分", "").strip())
        except ValueError:
            problem(f"分值“{clip(get('points'))}”不是数字。")
    number = get("number")
    draft = Draft(
        line=line, declared=declared, points=points, stem=[stem], options=options,
        answer=answer, answer_line=line if answer else None,
        explanation=[get("explanation")] if get("explanation") else [],
        source=[get("source")] if get("source") else [],
        difficulty=get("difficulty") or None, place=place,
    )
    folded_number = fold(number).rstrip(".、")
    if re.fullmatch(r"[0-9]{1,6}", folded_number):
        draft.number = int(folded_number)
    return draft, problems


def row_kind(cells: list[str], named: dict[str, str], columns: dict[str, int]) -> str:
    """What a row below the header is: 'question'; 'blank' (empty, only a 序号 or a 题型, or
    the header again); 'section' (一、单项选择题 alone on the row); 'remark' (注：…, a line
    alone in another column than the stem's)."""
    if is_header_again(cells, columns):
        return "blank"
    filled = list(dict.fromkeys(text for text in cells if text))
    if not filled:
        return "blank"
    if len(filled) == 1 and "\n" not in filled[0] and section_of(fold(filled[0])) is not None:
        return "section"  # in whichever column it was typed, or merged across the row
    if len(filled) == 1 and not named.get("answer"):
        text = filled[0]
        if re.fullmatch(r"[0-9]+", fold(text).strip().rstrip(".、")) or (text == named.get("type") and type_of(text)):
            return "blank"
        if named.get("stem") != text or REMARK.match(text):
            return "remark"
    return "blank" if is_blank(named) else "question"


def is_blank(cells: dict[str, str]) -> bool:
    """Nothing but a 序号 or a 题型 (a template's numbered, empty rows)."""
    return not any(value.strip() for name, value in cells.items() if name not in ("number", "type"))


def _strip_label(text: str, letter: str) -> str:
    """选项B cell written as 'B．四' → '四'."""
    match = OPTION_LABEL_RE.match(fold(text).translate(_LOWER_LABELS))
    if match and (match.group(1) or match.group(2)) == letter:
        return text[match.end():].strip()
    return text


def _judge_as_choice(options, answer, declared):
    """A judge question written as two options 正确 / 错误 and a letter answer (as exam
    platforms export them) → a judge question answered 正确 or 错误."""
    if len(options) != 2 or declared not in (None, "judge", "choice", "single"):
        return options, answer, declared
    words = [fold(option).strip().rstrip("。.") for option in options]
    if not any(set(words) == pair for pair in JUDGE_PAIRS):
        return options, answer, declared
    letter = fold(answer or "").strip().upper()
    if letter in ("A", "B"):
        answer = words[LETTERS.index(letter)]
    elif declared != "judge" and (answer is None or parse_judge_answer(answer) is None):
        return options, answer, declared
    return [], {"是": "正确", "否": "错误"}.get(answer, answer), "judge"
