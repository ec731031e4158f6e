"""Banks as discipline-inspection offices mail them to each other, in shapes the other tests do
not cover: each fixture is built here and read through parse_bank as an upload would be."""
import pytest

from examsite.banks.readers import parse_bank

from . import documents

SINGLE = [
    ("留党察看的期限最长不超过（  ）。", ["一年", "二年", "三年", "五年"], "B"),
    ("受到开除党籍处分的，（  ）内不得重新入党。", ["二年", "三年", "四年", "五年"], "D"),
    ("根据《中华人民共和国监察法》，（  ）是行使国家监察职能的专责机关。",
     ["各级人民检察院", "各级监察委员会", "各级纪律检查委员会", "各级审计机关"], "B"),
    ("根据《中国共产党问责条例》，对党组织的问责方式不包括（  ）。", ["检查", "通报", "改组", "诫勉"], "D"),
    ("《中华人民共和国公职人员政务处分法》规定，记过的处分期间为（  ）。", ["六个月", "十二个月", "十八个月", "二十四个月"], "B"),
]
JUDGE = [
    ("留党察看的期限最长为三年。", False),
    ("党员受到留党察看处分期间，没有表决权、选举权和被选举权。", True),
    ("政务处分中，警告的处分期间为六个月。", True),
]
FILL = [
    ("监察委员会依照法律规定履行____、____、____职责。", ["监督", "调查", "处置"]),
    ("对党组织的问责方式有：____、____、改组。", ["检查", "通报"]),
    ("党员受到严重警告处分，____内不得在党内提升职务。", ["一年半"]),
]


def _by_type(result, kind):
    return [q for q in result.questions if q.type == kind]


# -- a key whose parts are headed by a bare 一、 二、 on a line of their own ---------------------

def _paper_with_bare_key_headings(fill_separator: str) -> list[str]:
    lines = ["纪律处分条例测试题", "单位：________  姓名：________", "一、单项选择题"]
    lines += [f"{n}．{stem}\nA．{o[0]}  B．{o[1]}  C．{o[2]}  D．{o[3]}" for n, (stem, o, _) in enumerate(SINGLE, 1)]
    lines.append("二、判断题")
    lines += [f"{n}．{stem}（  ）" for n, (stem, _) in enumerate(JUDGE, 1)]
    lines.append("三、填空题")
    lines += [f"{n}．{stem}" for n, (stem, _) in enumerate(FILL, 1)]
    lines += ["", "答案", "一、", "、".join(f"{n}、{a}" for n, (_, _, a) in enumerate(SINGLE, 1)),
              "二、", " ".join(f"{n}、{'√' if a else '×'}" for n, (_, a) in enumerate(JUDGE, 1)), "三、"]
    lines += [f"{n}、{fill_separator.join(a)}" for n, (_, a) in enumerate(FILL, 1)]
    return lines


@pytest.mark.parametrize("separator", ["，", ",", " ", "　"])
def test_key_parts_headed_by_a_bare_numeral_and_blanks_apart_by_commas(separator):
    text = "\n".join(_paper_with_bare_key_headings(separator))
    result = parse_bank("测试题.txt", text.encode("utf-8"))
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.answer for q in _by_type(result, "single")] == [a for _, _, a in SINGLE]
    assert [q.answer for q in _by_type(result, "judge")] == [a for _, a in JUDGE]
    assert [q.answer for q in _by_type(result, "fill")] == [a for _, a in FILL]
    assert [q.stem for q in _by_type(result, "fill")] == [s for s, _ in FILL]
    assert [q.options for q in _by_type(result, "single")] == [o for _, o, _ in SINGLE]
    assert len(result.questions) == len(SINGLE) + len(JUDGE) + len(FILL)


def test_a_bare_numeral_in_a_key_of_a_paper_without_sections_is_still_an_error():
    lines = [f"{n}．{stem}\nA．{o[0]}  B．{o[1]}  C．{o[2]}  D．{o[3]}" for n, (stem, o, _) in enumerate(SINGLE, 1)]
    lines += ["参考答案", "一、", "1-5 BDBDB"]
    result = parse_bank("卷.txt", "\n".join(lines).encode("utf-8"))
    assert [str(e) for e in result.errors] == [f"第 {len(SINGLE) * 2 + 2} 行：参考答案中无法识别这一行：“一、”"]


def test_bare_numeral_key_headings_in_word_answer_their_sections_in_order():
    document = documents.new()
    document.add_paragraph("（一）判断题")
    for n, (stem, _) in enumerate(JUDGE, 1):
        document.add_paragraph(f"{n}.{stem}")
    document.add_paragraph("（二）单项选择题")
    for n, (stem, o, _) in enumerate(SINGLE, 1):
        document.add_paragraph(f"{n}.{stem}")
        document.add_paragraph("\t".join(f"{'ABCD'[k]}.{x}" for k, x in enumerate(o)))
    document.add_paragraph("参考答案：")
    document.add_paragraph("（一）")
    document.add_paragraph("　".join(f"{n}.{'对' if a else '错'}" for n, (_, a) in enumerate(JUDGE, 1)))
    document.add_paragraph("（二）")
    document.add_paragraph("1-5：" + "".join(a for _, _, a in SINGLE))
    result = parse_bank("题.docx", documents.save(document))
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.answer for q in _by_type(result, "judge")] == [a for _, a in JUDGE]
    assert [q.answer for q in _by_type(result, "single")] == [a for _, _, a in SINGLE]


# -- several blanks' answers written apart by commas or spaces, inline ------------------------

@pytest.mark.parametrize("separator", ["，", ", ", " "])
def test_inline_fill_answers_apart_by_commas_or_spaces(separator):
    lines = []
    for n, (stem, answer) in enumerate(FILL, 1):
        lines += [f"({n}){stem}", f"答案：{separator.join(answer)}"]
    result = parse_bank("填空.txt", "\n".join(lines).encode("utf-8"))
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.answer for q in result.questions] == [a for _, a in FILL]


def test_a_comma_inside_one_blanks_answer_is_kept():
    text = ("1．党员廉洁自律规范要求坚持____。\n答案：公私分明，先公后私，克己奉公\n"
            "2．监察机关履行____、____职责。\n答案：监督，调查，处置\n")
    result = parse_bank("填空.txt", text.encode("utf-8"))
    assert [q.answer for q in result.questions] == [["公私分明，先公后私，克己奉公"]]
    assert [str(e) for e in result.errors] == ["第 3 行：填空题有 2 处空，答案却有 1 个（多个空的答案用“；”分开）。"]


# -- an answer followed by its 解析 (出处, 难度) on the same line -----------------------------

def test_answer_and_explanation_on_one_line():
    lines = ["单选题"]
    explanations = ["留党察看分为留党察看一年、留党察看二年。", "《中国共产党纪律处分条例》规定五年内不得重新入党。", None,
                    "对党组织的问责方式为检查、通报、改组。", None]
    for n, ((stem, o, a), e) in enumerate(zip(SINGLE, explanations), 1):
        lines += [f"{n}、{stem}", "".join(f"{'ABCD'[k]}.{x}" for k, x in enumerate(o))]
        lines.append({1: f"答案：{a}  解析：{e}", 2: f"【答案】{a}【解析】{e}【出处】《中国共产党纪律处分条例》",
                      4: f"答案：{a}。解析：{e} 难度：易"}.get(n, f"答案：{a}"))
    lines += ["判断题", f"6、{JUDGE[0][0]}", "答案：错误，解析：最长不超过二年。"]
    result = parse_bank("单选.txt", "\n".join(lines).encode("utf-8"))
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.answer for q in result.questions] == [a for _, _, a in SINGLE] + [False]
    assert [q.explanation for q in result.questions] == explanations + ["最长不超过二年。"]
    assert [q.source for q in result.questions][:2] == [None, "《中国共产党纪律处分条例》"]
    assert [q.difficulty for q in result.questions] == [None, None, None, 1, None, None]
    assert [q.options for q in result.questions[:5]] == [o for _, o, _ in SINGLE]


def test_a_basis_named_inside_an_explanation_stays_in_it():
    text = ("1．留党察看的期限最长为三年。\n答案：×\n"
            "解析：依据：《中国共产党纪律处分条例》，留党察看最长不超过二年。\n")
    result = parse_bank("判断.txt", text.encode("utf-8"))
    assert not result.errors
    assert result.questions[0].explanation == "依据：《中国共产党纪律处分条例》，留党察看最长不超过二年。"
    assert result.questions[0].source is None


# -- fill blanks drawn in Word as underlined spaces ---------------------------------------------

def _underlined(paragraph, text):
    run = paragraph.add_run(text)
    run.underline = True
    return run


def test_fill_blanks_drawn_as_underlined_spaces_in_word():
    document = documents.new()
    document.add_paragraph("三、填空题（每空1分）")
    drawn = ["      ", "\u3000\u3000\u3000", "\t"]
    for n, (stem, answer) in enumerate(FILL, 1):
        paragraph = document.add_paragraph(f"{n}．")
        pieces = stem.split("____")
        for index, piece in enumerate(pieces):
            paragraph.add_run(piece)
            if index < len(pieces) - 1:
                _underlined(paragraph, drawn[(n + index) % len(drawn)])
        document.add_paragraph("答案：" + "；".join(answer))
    result = parse_bank("填空.docx", documents.save(document))
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.stem for q in result.questions] == [s for s, _ in FILL]
    assert [q.answer for q in result.questions] == [a for _, a in FILL]


def test_an_underlined_space_inside_an_underlined_answer_is_a_space():
    document = documents.new()
    document.add_paragraph(f"1．{SINGLE[0][0]}")
    for letter, text in zip("ABCD", SINGLE[0][1]):
        paragraph = document.add_paragraph()
        if letter == SINGLE[0][2]:
            for piece in (f"{letter}．", " ", text):
                run = _underlined(paragraph, piece)
                run.bold = True
        else:
            paragraph.add_run(f"{letter}． {text}")
    document.add_paragraph(f"2．{SINGLE[1][0]}")
    for letter, text in zip("ABCD", SINGLE[1][1]):
        run = document.add_paragraph().add_run(f"{letter}．{text}")
        run.bold = run.underline = letter == SINGLE[1][2]
    result = parse_bank("下划线.docx", documents.save(document))
    assert not result.errors, [str(e) for e in result.errors]
    assert result.answer_mark == "加粗下划线"
    assert [q.answer for q in result.questions] == [SINGLE[0][2], SINGLE[1][2]]
    assert [q.options for q in result.questions] == [SINGLE[0][1], SINGLE[1][1]]
    assert "_" not in "".join(q.stem for q in result.questions)


def test_a_form_line_drawn_with_underlined_spaces_is_furniture():
    document = documents.new()
    paragraph = document.add_paragraph("姓名：")
    _underlined(paragraph, "          ")
    paragraph.add_run("  单位：")
    _underlined(paragraph, "              ")
    document.add_paragraph(f"1．{JUDGE[1][0]}（√）")
    result = parse_bank("卷.docx", documents.save(document))
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.answer for q in result.questions] == [True]
    assert [w.line for w in result.warnings] == [1]
    assert "填写栏" in result.warnings[0].message


# -- a PDF whose last page holds only short lines (the key) -------------------------------------

from .test_pdf_banks import writer  # noqa: E402,F401 (the Chromium PDF writer fixture, shared)


def test_a_pdf_paper_whose_key_page_is_short_lines(writer):  # noqa: F811 (the fixture imported above)
    """Two pages: the paper, then the key on a page of short lines. The margin is where the
    paper's lines reach, so the paper's last line is no line wrapped onto 参考答案."""
    rows = ["<p style='text-align:center'>纪法知识测试</p>", "<p>一、单项选择题</p>"]
    questions = SINGLE[:4]
    for n, (stem, o, _) in enumerate(questions, 1):
        rows.append(f"<p>{n}．{stem}</p>")
        rows.append("<p>" + "　".join(f"{'ABCD'[k]}．{x}" for k, x in enumerate(o)) + "</p>")
    rows.append("<p>二、填空题</p>")
    rows += [f"<p>{n}．{stem}</p>" for n, (stem, _) in enumerate(FILL, 1)]
    rows += ["<p style='page-break-before:always'>参考答案</p>", "<p>一、</p>",
             "<p>1-4 " + "".join(a for _, _, a in questions) + "</p>", "<p>二、</p>"]
    rows += [f"<p>{n}．{'，'.join(a)}</p>" for n, (_, a) in enumerate(FILL, 1)]
    data = writer.make("".join(rows), footer="<span class='pageNumber'></span>/<span class='totalPages'></span>")
    result = parse_bank("测试.pdf", data)
    assert not result.errors, [str(e) for e in result.errors]
    assert [q.answer for q in _by_type(result, "single")] == [a for _, _, a in questions]
    assert [q.options for q in _by_type(result, "single")] == [o for _, o, _ in questions]
    assert [q.answer for q in _by_type(result, "fill")] == [a for _, a in FILL]
    assert [q.stem for q in _by_type(result, "fill")] == [s for s, _ in FILL]


# -- a bank of 多选题 whose right options (most of them) are red or highlighted ------------------

MULTIPLE = [
    ("《中国共产党纪律处分条例》分则规定的纪律包括（  ）。", ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"], "ABCDEF"),
    ("根据《中国共产党问责条例》，对党的领导干部的问责方式有（  ）。", ["通报", "诫勉", "组织调整或者组织处理", "纪律处分", "改组"], "ABCD"),
    ("监察委员会依照法律规定履行的职责有（  ）。", ["监督", "调查", "处置", "审判"], "ABC"),
    ("《中华人民共和国公职人员政务处分法》规定的政务处分种类包括（  ）。", ["警告", "记过", "留党察看", "降级", "开除"], "ABDE"),
    ("对党员的纪律处分种类包括（  ）。", ["警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍", "记大过"], "ABCDE"),
]


def _marked_multiple_bank(mark, line_breaks):
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import RGBColor

    document = documents.new()
    document.add_paragraph("多项选择题")
    for n, (stem, options, answer) in enumerate(MULTIPLE, 1):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(f"{n}.{stem}")
        for index, text in enumerate(options):
            if line_breaks:
                run.add_break()
            else:
                paragraph = document.add_paragraph()
            run = paragraph.add_run(f"{'ABCDEFGH'[index]}.{text}")
            if "ABCDEFGH"[index] in answer:
                if mark == "红色字":
                    run.font.color.rgb = RGBColor(0xFF, 0, 0)
                else:
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return documents.save(document)


@pytest.mark.parametrize("mark,line_breaks", [("红色字", False), ("突出显示", True)])
def test_a_multiple_choice_bank_marks_most_options_in_red_or_highlight(mark, line_breaks):
    result = parse_bank("多选.docx", _marked_multiple_bank(mark, line_breaks))
    assert not result.errors, [str(e) for e in result.errors]
    assert result.answer_mark == mark
    assert [q.answer for q in result.questions] == [a for _, _, a in MULTIPLE]
    assert [q.options for q in result.questions] == [o for _, o, _ in MULTIPLE]
    assert all(q.type == "multiple" for q in result.questions)


def test_every_option_red_is_how_the_text_looks_and_says_so():
    from docx.shared import RGBColor

    document = documents.new()
    for n, (stem, options, _) in enumerate(MULTIPLE[:3], 1):
        document.add_paragraph(f"{n}.{stem}")
        for index, text in enumerate(options):
            document.add_paragraph().add_run(f"{'ABCDEFGH'[index]}.{text}").font.color.rgb = RGBColor(0xFF, 0, 0)
    result = parse_bank("多选.docx", documents.save(document))
    assert result.answer_mark is None
    assert [str(e) for e in result.errors] == ["第 1 段：没有答案。", "第 8 段：没有答案。", "第 14 段：没有答案。"]
    assert [w.message for w in result.warnings] == [
        "多数题目的全部选项都标有红色字，不像是标出正确答案，没有把它当作正确答案；请在题后写明答案。"]


# -- a choice answer written with the text of its options --------------------------------------

def test_choice_answers_followed_by_their_option_texts():
    (s1, o1, _), (s2, o2, _) = SINGLE[0], SINGLE[1]
    stem3, o3, _ = MULTIPLE[2]
    text = "\n".join([
        f"1．{s1}", *[f"{'ABCD'[k]}．{x}" for k, x in enumerate(o1)], "答案：B．二年",
        f"2．{s2}", "　".join(f"{'ABCD'[k]}．{x}" for k, x in enumerate(o2)), "正确答案：D 五年",
        f"3．{stem3}", *[f"{'ABCD'[k]}．{x}" for k, x in enumerate(o3)], "答案：ABC（监督、调查、处置）",
        f"4．{stem3}（第二遍）", *[f"{'ABCD'[k]}．{x}" for k, x in enumerate(o3)], "【答案】A．监督 B．调查 C．处置",
        f"5．{s1}（又一遍）", *[f"{'ABCD'[k]}．{x}" for k, x in enumerate(o1)], "答案：B．一年",
    ])
    result = parse_bank("选择.txt", text.encode("utf-8"))
    assert [(q.type, q.answer) for q in result.questions] == [("single", "B"), ("single", "D"), ("multiple", "ABC"),
                                                                ("multiple", "ABC")]
    # the text after the letter is not option B's: the answer is not guessed
    assert [str(e) for e in result.errors] == ["第 22 行：答案“B．一年”不是选项字母（应为 A–H）。"]


# -- a key kept as a table, a row per question ------------------------------------------------

KEYED = [("single", "依照《中国共产党纪律处分条例》，党纪处分有几种？", ["三种", "四种", "五种", "六种"], "C"),
         ("single", "监察机关对涉嫌职务犯罪的，调查终结后移送哪个机关依法审查、提起公诉？",
          ["公安机关", "人民检察院", "人民法院", "审计机关"], "B"),
         ("multiple", "监察机关的职责包括（  ）。", ["监督", "调查", "处置", "审判"], "ABC"),
         ("judge", "党员受到警告处分一年内，不得在党内提升职务。", [], "√"),
         ("judge", "留置时间可以无限延长。", [], "×")]


def _paper_with_key_table(with_types: bool, headed: bool) -> bytes:
    document = documents.new()
    document.add_paragraph("纪法知识测试卷")
    sections = {"single": "一、单项选择题", "multiple": "二、多项选择题", "judge": "三、判断题"}
    number, last = 0, None
    for kind, stem, options, _ in KEYED:
        if kind != last:
            document.add_paragraph(sections[kind])
            last, number = kind, 0
        number += 1
        document.add_paragraph(f"{number}．{stem}")
        if options:
            document.add_paragraph("　".join(f"{l}．{t}" for l, t in zip("ABCD", options)))
    if headed:
        document.add_paragraph("参考答案")
    header = ["题型", "题号", "答案"] if with_types else ["题号", "答案"]
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    number, last = 0, None
    for whole, (kind, _, _, answer) in enumerate(KEYED, start=1):
        number = number + 1 if kind == last else 1  # within its section with types, over the paper without
        last = kind
        row = table.add_row().cells
        values = [sections[kind].split("、")[1], str(number), answer] if with_types else [str(whole), answer]
        for cell, text in zip(row, values):
            cell.text = text
    return documents.save(document)


@pytest.mark.parametrize("with_types", [True, False])
@pytest.mark.parametrize("headed", [True, False])
def test_a_key_kept_as_a_table_of_numbers_and_answers(with_types, headed):
    result = parse_bank("测试卷.docx", _paper_with_key_table(with_types, headed))
    assert not result.errors, [str(p) for p in result.errors]
    assert [q.answer for q in result.questions] == ["C", "B", "ABC", True, False]
    assert [q.type for q in result.questions] == ["single", "single", "multiple", "judge", "judge"]


def test_a_key_table_missing_a_question_names_it():
    data = _paper_with_key_table(True, headed=True)
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    table = document.tables[0]
    table._tbl.remove(table.rows[2]._tr)  # the key's row for question 2 of the single-choice part
    out = io.BytesIO()
    document.save(out)
    result = parse_bank("测试卷.docx", out.getvalue())
    assert len(result.questions) == 4 and len(result.rejected) == 1
    assert any("第 2 题" in p.message for p in result.errors)
