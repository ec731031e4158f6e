"""Banks generated in random mixes of the formats parse back to the questions they were made from."""
from hypothesis import given, settings
from hypothesis import strategies as st

from examsite.banks.parser import LETTERS, parse_text

# Words that cannot be mistaken for numbering, labels or 答案/解析 lines.
WORDS = list("党员干部纪律规矩监督组织廉洁群众工作生活政治思想国家机关人民法规条例责任问题处分")
text = st.lists(st.sampled_from(WORDS), min_size=2, max_size=12).map("".join)

NUMBERS = ["{n}．", "{n}、", "{n}.", "（{n}）", "({n})", "{n}) ", "第{n}题．"]
LABELS = ["{l}．", "{l}、", "{l}.", "（{l}）", "{l}:"]
ANSWER_LINES = ["答案：{a}", "【答案】{a}", "参考答案：{a}", "正确答案：{a}", "答案:{a}"]
SEPARATORS = ["", "、", ",", " "]
JUDGE_INLINE = {True: ["（√）", "（ 对 ）", "（正确）", "(✓)"], False: ["（×）", "（错）", "（错误）", "(✗)"]}
JUDGE_WORDS = {True: ["正确", "对", "√"], False: ["错误", "错", "×"]}
HEADINGS = {"single": "单项选择题", "multiple": "多项选择题", "judge": "判断题", "fill": "填空题"}


@st.composite
def question(draw, qtype):
    stem = draw(text)
    spec = {"type": qtype}
    if qtype in ("single", "multiple"):
        count = draw(st.integers(2, 8))
        spec["options"] = [draw(text) for _ in range(count)]
        size = 1 if qtype == "single" else draw(st.integers(2, count))
        letters = sorted(draw(st.lists(st.sampled_from(LETTERS[:count]), min_size=size, max_size=size, unique=True)))
        spec["answer"] = "".join(letters)
        written = draw(st.sampled_from(SEPARATORS)).join(letters)
        if draw(st.booleans()):
            spec["lines"] = [f"{stem}（ {written} ）"]
            spec["stem"] = f"{stem}（  ）"
        else:
            spec["lines"] = [f"{stem}（ ）"]
            spec["stem"] = f"{stem}（ ）"
        labels = draw(st.sampled_from(LABELS))
        per_line = draw(st.integers(1, 4))
        options = [labels.format(l=LETTERS[i]) + option for i, option in enumerate(spec["options"])]
        spec["lines"] += ["　".join(options[i:i + per_line]) for i in range(0, count, per_line)]
        if spec["stem"].endswith("（ ）"):
            spec["lines"].append(draw(st.sampled_from(ANSWER_LINES)).format(a=written))
    elif qtype == "judge":
        value = draw(st.booleans())
        spec["answer"] = value
        if draw(st.booleans()):
            spec["lines"] = [stem + draw(st.sampled_from(JUDGE_INLINE[value]))]
            spec["stem"] = stem + "（  ）"
        else:
            spec["lines"] = [stem, draw(st.sampled_from(ANSWER_LINES)).format(a=draw(st.sampled_from(JUDGE_WORDS[value])))]
            spec["stem"] = stem
        spec["options"] = []
    else:
        blanks = draw(st.integers(1, 3))
        blank = draw(st.sampled_from(["____", "________", "＿＿＿", "（  ）"]))
        pieces = [draw(text) for _ in range(blanks + 1)]
        spec["stem"] = blank.join(pieces)
        answers = [draw(st.lists(text, min_size=1, max_size=3, unique=True)) for _ in range(blanks)]
        spec["answer"] = [a[0] if len(a) == 1 else a for a in answers]
        joined = draw(st.sampled_from(["；", ";"])).join("/".join(a) for a in answers)
        spec["lines"] = [spec["stem"], draw(st.sampled_from(ANSWER_LINES)).format(a=joined)]
        spec["options"] = []
    if draw(st.booleans()):
        spec["explanation"] = draw(text)
        spec["lines"].append(draw(st.sampled_from(["解析：{e}", "【解析】{e}"])).format(e=spec["explanation"]))
    else:
        spec["explanation"] = None
    return spec


@st.composite
def bank(draw):
    headed = draw(st.booleans())
    types = draw(st.lists(st.sampled_from(list(HEADINGS)), min_size=1, max_size=4, unique=True))
    lines, expected, number = [], [], 0
    for index, qtype in enumerate(types):
        if headed:
            lines.append(f"{'一二三四'[index]}、{HEADINGS[qtype]}（每题2分）")
        for _ in range(draw(st.integers(1, 4))):
            spec = draw(question(qtype))
            number += 1
            first, *rest = spec["lines"]
            lines.append(draw(st.sampled_from(NUMBERS)).format(n=number) + first)
            lines.extend(rest)
            if draw(st.booleans()):
                lines.append("")
            expected.append(spec)
    return "\n".join(lines), expected, headed


@settings(max_examples=300, deadline=None)
@given(bank())
def test_generated_banks_parse_back(generated):
    source, expected, headed = generated
    result = parse_text(source)
    assert result.errors == [], (source, [str(e) for e in result.errors])
    assert len(result.questions) == len(expected), source
    for got, want in zip(result.questions, expected):
        assert got.type == want["type"], source
        assert got.stem == want["stem"], source
        assert got.options == want["options"], source
        assert got.answer == want["answer"], source
        assert got.explanation == want["explanation"], source
        assert got.points == (2.0 if headed else None)


# ---- the same banks kept as a Word table or an Excel workbook ---------------------------------

TABLE_SPELLINGS = {
    "stem": ["题干", "题目", "试题内容", "题目内容"], "answer": ["答案", "正确答案", "参考答案"],
    "type": ["题型", "题目类型", "试题类型"], "explanation": ["解析", "答案解析"], "options": ["选项", "备选答案"],
    "number": ["序号", "题号"],
}
TYPE_CELLS = {"single": ["单选题", "单选", "单项选择题"], "multiple": ["多选题", "多选", "多项选择题"],
              "judge": ["判断题", "判断"], "fill": ["填空题", "填空"]}


@st.composite
def table_bank(draw):
    """(rows by sheet, expected questions): a table layout drawn at random — columns in any
    order and spelling, options in a column each or all in one cell, the type in a 题型
    column, in section rows or only in the answers, one sheet per type."""
    types = draw(st.lists(st.sampled_from(list(HEADINGS)), min_size=1, max_size=4, unique=True))
    typing = draw(st.sampled_from(["column", "sections", "sheets", "none"]))
    options_in = draw(st.sampled_from(["columns", "letters", "one line", "one a line"]))
    fields = ["stem", "answer"] + [f for f in ("number", "explanation") if draw(st.booleans())]
    fields += ["type"] if typing == "column" else []
    fields += ["options"] if options_in in ("one line", "one a line") else []
    fields = draw(st.permutations(fields))
    header = [draw(st.sampled_from(TABLE_SPELLINGS[f])) for f in fields]
    letters_at = draw(st.integers(0, len(fields)))
    if options_in in ("columns", "letters"):
        header[letters_at:letters_at] = [("选项" if options_in == "columns" else "") + letter for letter in LETTERS]
    sheets, expected, number = {}, [], 0
    for index, qtype in enumerate(types):
        rows = sheets.setdefault(HEADINGS[qtype] if typing == "sheets" else "题库", [list(header)])
        if typing == "sections":
            rows.append([f"{'一二三四'[index]}、{HEADINGS[qtype]}"] + [""] * (len(header) - 1))
        for _ in range(draw(st.integers(1, 4))):
            spec = draw(question(qtype))
            number += 1
            if "explanation" not in fields:
                spec["explanation"] = None
            if qtype in ("single", "multiple"):
                written = draw(st.sampled_from(SEPARATORS)).join(spec["answer"])
            elif qtype == "judge":
                written = draw(st.sampled_from(JUDGE_WORDS[spec["answer"]]))
            else:
                written = draw(st.sampled_from(["；", ";"])).join(
                    a if isinstance(a, str) else "/".join(a) for a in spec["answer"])
            label = draw(st.sampled_from(LABELS))
            labelled = [label.format(l=LETTERS[i]) + option for i, option in enumerate(spec["options"])]
            joined = (" " if options_in == "one line" else "\n").join(labelled)
            values = {"stem": spec["stem"], "answer": written, "number": str(number),
                      "explanation": spec["explanation"] or "", "type": draw(st.sampled_from(TYPE_CELLS[qtype])),
                      "options": joined}
            row = [values[f] for f in fields]
            if options_in in ("columns", "letters"):
                row[letters_at:letters_at] = spec["options"] + [""] * (len(LETTERS) - len(spec["options"]))
            rows.append(row)
            expected.append(spec)
    return sheets, expected


def _check_round_trip(result, expected, source):
    assert result.errors == [], (source, [str(e) for e in result.errors])
    assert len(result.questions) == len(expected), source
    for got, want in zip(result.questions, expected):
        assert (got.type, got.stem, got.options, got.answer, got.explanation) == (
            want["type"], want["stem"], want["options"], want["answer"], want["explanation"]), source


@settings(max_examples=60, deadline=None)
@given(table_bank())
def test_generated_banks_in_a_word_table_parse_back(generated):
    from examsite.banks.readers import parse_bank

    from . import documents

    sheets, expected = generated
    doc = documents.new()
    doc.add_paragraph("纪法知识题库")
    for rows in sheets.values():  # one table a sheet
        table = doc.add_table(rows=0, cols=len(rows[0]))
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
    _check_round_trip(parse_bank("题库.docx", documents.save(doc)), expected, sheets)


@settings(max_examples=60, deadline=None)
@given(table_bank(), st.booleans())
def test_generated_banks_in_an_excel_workbook_parse_back(generated, titled):
    from examsite.banks.readers import parse_bank

    from .. import spreadsheets

    sheets, expected = generated
    if titled:  # a title row above each header
        sheets = {name: [["纪法知识题库"]] + rows for name, rows in sheets.items()}
    data = spreadsheets.workbook({name: [[cell or None for cell in row] for row in rows]
                                  for name, rows in sheets.items()})
    _check_round_trip(parse_bank("题库.xlsx", data), expected, sheets)


# -- the same banks with their answers in a key: at the end of the paper or after each section --

KEY_HEADINGS = ["参考答案", "【参考答案】", "参考答案及评分标准", "答案", "参考答案："]
ENTRY_LABELS = ["{n}.", "{n}．", "{n}、", "{n}:", "({n})", "{n})"]
ENTRY_SEPARATORS = [" ", "　", "  ", "、", "，"]
RANGE_DASHES = ["-", "～", "—", "－"]
KEY_JUDGE = {True: ["√", "对", "正确", "✓"], False: ["×", "错", "错误", "✗"]}


@st.composite
def keyed_question(draw, qtype):
    """A question written without its answer, and the answer as a key writes it."""
    stem = draw(text)
    spec = {"type": qtype}
    if qtype in ("single", "multiple"):
        count = draw(st.integers(2, 8))
        spec["options"] = [draw(text) for _ in range(count)]
        size = 1 if qtype == "single" else draw(st.integers(2, count))
        letters = sorted(draw(st.lists(st.sampled_from(LETTERS[:count]), min_size=size, max_size=size, unique=True)))
        spec["answer"] = "".join(letters)
        spec["key"] = "".join(letters) if draw(st.booleans()) else "".join(letters).lower()
        spec["stem"] = f"{stem}（ ）"
        labels = draw(st.sampled_from(LABELS))
        per_line = draw(st.integers(1, 4))
        options = [labels.format(l=LETTERS[i]) + option for i, option in enumerate(spec["options"])]
        spec["lines"] = [spec["stem"]] + ["　".join(options[i:i + per_line]) for i in range(0, count, per_line)]
    elif qtype == "judge":
        value = draw(st.booleans())
        spec.update(answer=value, key=draw(st.sampled_from(KEY_JUDGE[value])), stem=stem, options=[])
        spec["lines"] = [stem]
    else:
        blanks = draw(st.integers(1, 3))
        blank = draw(st.sampled_from(["____", "________", "＿＿＿", "（  ）"]))
        spec["stem"] = blank.join(draw(text) for _ in range(blanks + 1))
        answers = [draw(st.lists(text, min_size=1, max_size=3, unique=True)) for _ in range(blanks)]
        spec["answer"] = [a[0] if len(a) == 1 else a for a in answers]
        spec["key"] = draw(st.sampled_from(["；", ";"])).join("/".join(a) for a in answers)
        spec.update(options=[], lines=[spec["stem"]])
    if draw(st.booleans()):
        spec["explanation"] = draw(text)
        spec["lines"].append(f"解析：{spec['explanation']}")
    else:
        spec["explanation"] = None
    return spec


def _key_lines(draw, entries) -> list[str]:
    """Entries (number, spec) as a key writes them: ranges of single answers, or lists."""
    lines, index = [], 0
    while index < len(entries):
        number, spec = entries[index]
        runnable = spec["type"] in ("single", "judge") and (spec["type"] == "single" or len(spec["key"]) == 1)
        if runnable and draw(st.booleans()):
            end = index
            while (end + 1 < len(entries) and entries[end + 1][1]["type"] == spec["type"]
                   and entries[end + 1][0] == entries[end][0] + 1 and end - index < 9
                   and (spec["type"] == "single" or len(entries[end + 1][1]["key"]) == 1)):
                end += 1
            last = entries[end][0]
            run = "".join(e[1]["key"] for e in entries[index:end + 1])
            dash = draw(st.sampled_from(RANGE_DASHES))
            lines.append(f"{number}{dash}{last}{draw(st.sampled_from(['', ' ', '：']))}{run}")
            index = end + 1
            continue
        size = draw(st.integers(1, 5))
        chunk = entries[index:index + size]
        separator = draw(st.sampled_from(ENTRY_SEPARATORS))
        if any(e[1]["type"] == "fill" for e in chunk):
            separator = draw(st.sampled_from([" ", "　", "  "]))
        label = draw(st.sampled_from(ENTRY_LABELS))
        lines.append(separator.join(label.format(n=n) + s["key"] for n, s in chunk))
        index += len(chunk)
    return lines


@st.composite
def keyed_bank(draw):
    headed = draw(st.booleans())
    layout = draw(st.sampled_from(["whole", "per_section"])) if headed else "whole"
    restart = headed and draw(st.booleans())
    sub_headings = headed and (restart or draw(st.booleans())) if layout == "whole" else False
    types = draw(st.lists(st.sampled_from(list(HEADINGS)), min_size=1, max_size=4, unique=True))
    lines, expected, number, sections = [], [], 0, []
    for index, qtype in enumerate(types):
        if headed:
            lines.append(f"{'一二三四'[index]}、{HEADINGS[qtype]}（每题2分）")
        if restart:
            number = 0
        entries = []
        for _ in range(draw(st.integers(1, 6))):
            spec = draw(keyed_question(qtype))
            number += 1
            first, *rest = spec["lines"]
            lines.append(draw(st.sampled_from(NUMBERS)).format(n=number) + first)
            lines.extend(rest)
            entries.append((number, spec))
            expected.append(spec)
        sections.append((index, qtype, entries))
        if layout == "per_section":
            heading = draw(st.sampled_from(KEY_HEADINGS))
            lines.append(heading)
            lines.extend(_key_lines(draw, entries))
    if layout == "whole":
        if draw(st.booleans()):
            lines.append("\f")  # a page break before the key
        lines.append(draw(st.sampled_from(KEY_HEADINGS)))
        for index, qtype, entries in sections:
            if sub_headings:
                lines.append(f"{'一二三四'[index]}、{HEADINGS[qtype]}")
            lines.extend(_key_lines(draw, entries))
    # paper furniture anywhere: a page number between any two lines, the name boxes on top
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(lines)))
        lines.insert(where, draw(st.sampled_from(FURNITURE)).format(n=where + 1))
    if draw(st.booleans()):
        lines.insert(0, "姓名：________　单位：________　得分：______")
    return "\n".join(lines), expected, headed


FURNITURE = ["第 {n} 页 共 9 页", "- {n} -", "（第{n}页，共9页）", "得分　评卷人", "……密……封……线……"]


@settings(max_examples=300, deadline=None)
@given(keyed_bank())
def test_generated_banks_with_keys_parse_back(generated):
    source, expected, headed = generated
    result = parse_text(source)
    assert result.errors == [], (source, [str(e) for e in result.errors])
    assert len(result.questions) == len(expected), source
    for got, want in zip(result.questions, expected):
        assert got.type == want["type"], source
        assert got.stem == want["stem"], source
        assert got.options == want["options"], source
        assert got.answer == want["answer"], source
        assert got.explanation == want["explanation"], source
        assert got.points == (2.0 if headed else None)


# Lines made of the characters the parser looks at: whatever they say, it answers with problems
# and questions, never an exception.
SIGNIFICANT = list("0123456789０１-～—.．、:：()（）【】ABCDEabcdeＡ√×对错正确答案参考解析出处一二三四第部分题选择判断填空____ 　\t姓名单位得分页共")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(SIGNIFICANT), max_size=30).map("".join), max_size=25))
def test_any_lines_parse_without_an_exception(lines):
    result = parse_text("\n".join(lines))
    assert result.questions or result.errors
    for problem in result.errors + result.warnings:
        assert 0 <= problem.line <= len(lines) and problem.message
    for question in result.questions:
        assert question.type in ("single", "multiple", "judge", "fill")
