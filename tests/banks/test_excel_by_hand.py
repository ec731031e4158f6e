"""Excel banks as offices fill them by hand: a title row, their own header spellings, a sheet
per type, a 说明 sheet, options in one column, answers typed every way, numbers as numbers."""
import io

import pytest
from openpyxl import Workbook
from openpyxl.styles import Border, Side

from examsite.banks.readers import parse_bank

from .. import spreadsheets


def ok(result):
    assert result.errors == [], [str(e) for e in result.errors]
    return result.questions


def book(sheets: dict[str, list[list]], active: int = 0, title_merged: dict[str, int] | None = None,
         bordered: dict[str, int] | None = None) -> bytes:
    """A workbook by openpyxl: each sheet's rows as given; a title merged across the first row
    of the sheets in ``title_merged`` (name → columns), ``bordered`` blank rows with borders
    added below the rows (name → how many), the sheet ``active`` selected when saved."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    thin = Side(style="thin")
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if title_merged and name in title_merged:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=title_merged[name])
        for extra in range((bordered or {}).get(name, 0)):
            for column in range(1, 6):
                sheet.cell(row=len(rows) + 1 + extra, column=column).border = Border(thin, thin, thin, thin)
    workbook.active = active
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


INSTRUCTIONS = [["填写说明"], ["1．每个工作表填写一种题型，不要修改表头。"], ["2．多选题答案连写，如 ABD。"]]


def per_type_sheets():
    return {
        "填写说明": INSTRUCTIONS,
        "单选题": [
            ["2024年纪法知识题库（单选题）"],
            ["序号", "试题内容", "选项A", "选项B", "选项C", "选项D", "正确答案", "答案解析", "出题依据"],
            [1, "党的纪律处分有（ ）种。", "三", "四", "五", "六", "c ", "警告、严重警告、撤销党内职务、留党察看、开除党籍。",
             "中国共产党纪律处分条例"],
            [2, "给予党员警告处分的期限为（ ）。", "六个月", "一年", "一年半", "二年", "B", None, "中国共产党纪律处分条例"],
        ],
        "多选题": [
            ["2024年纪法知识题库（多选题）"],
            ["题号", "题目", "选项", "答案"],
            [1, "监察机关可以采取的调查措施有（ ）。", "A.谈话 B.讯问 C.询问 D.查询 E.冻结", "A,B,D,E"],
            [2, "党的纪律包括（ ）。", "A、政治纪律\nB、组织纪律\nC、廉洁纪律\nD、群众纪律", "ABCD"],
            [3, "中央八项规定精神要求（ ）。", "改进调查研究\n精简会议活动\n精简文件简报", "ac"],
        ],
        "判断题": [
            ["2024年纪法知识题库（判断题）"],
            ["序号", "题干", "答案"],
            [1, "党员受到警告处分一年内不得在党内提升职务。", "正确"],
            [2, "监察机关可以对所有公民采取留置措施。", "错误"],
            [3, "纪检监察机关应当依规依纪依法履行职责。", "对"],
            [4, "党员可以参加迷信活动。", "错"],
            [5, "党员领导干部应当廉洁从政。", "√"],
            [6, "留置时间可以无限延长。", "×"],
        ],
        "填空题": [
            ["序号", "题干", "答案", "分值"],
            [1, "党的纪律处分中，留党察看处分分为留党察看____和留党察看二年。", "一年", 2],
            [2, "对党员的纪律处分种类有____种。", 5, 2],
            [3, "监察机关履行____、____、____职责。", "监督、调查、处置", 3],
        ],
    }


@pytest.mark.parametrize("active", [0, 3])
def test_one_sheet_per_type_with_title_rows_and_an_instructions_sheet(active):
    data = book(per_type_sheets(), active=active, title_merged={"单选题": 9, "多选题": 4, "判断题": 3},
                bordered={"判断题": 5, "单选题": 3})
    result = parse_bank("题库.xlsx", data)
    questions = ok(result)
    counts = {t: sum(1 for q in questions if q.type == t) for t in ("single", "multiple", "judge", "fill")}
    assert counts == {"single": 2, "multiple": 3, "judge": 6, "fill": 3}
    single = [q for q in questions if q.type == "single"]
    assert [q.answer for q in single] == ["C", "B"] and single[0].options == ["三", "四", "五", "六"]
    assert single[0].explanation.startswith("警告") and single[1].explanation is None
    assert single[0].source == "中国共产党纪律处分条例"
    multiple = [q for q in questions if q.type == "multiple"]
    assert [q.answer for q in multiple] == ["ABDE", "ABCD", "AC"]
    assert multiple[0].options == ["谈话", "讯问", "询问", "查询", "冻结"]
    assert multiple[1].options == ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律"]
    assert multiple[2].options == ["改进调查研究", "精简会议活动", "精简文件简报"]
    assert [q.answer for q in questions if q.type == "judge"] == [True, False, True, False, True, False]
    fills = [q for q in questions if q.type == "fill"]
    assert [q.answer for q in fills] == [["一年"], ["5"], ["监督", "调查", "处置"]]
    assert [q.points for q in fills] == [2.0, 2.0, 3.0]
    assert [str(w) for w in result.warnings] == ["工作表“填写说明”是填写说明，没有读取其中的内容。"]


def test_problems_name_the_sheet_and_the_row():
    sheets = per_type_sheets()
    sheets["多选题"].append([4, "下列属于违反廉洁纪律的有（ ）。", "A.违规收受礼金 B.违规经商", "ABF"])
    sheets["多选题"].append([5, "党员的权利有（ ）。", "A.表决权 B.选举权 C.被选举权", ""])
    sheets["判断题"].append([7, "党员必须遵守党的纪律。", "A"])
    result = parse_bank("题库.xlsx", book(sheets))
    messages = [str(e) for e in result.errors]
    assert "工作表“多选题”第 6 行：答案 F 没有对应的选项（本题只有 A–B）。" in messages
    assert "工作表“多选题”第 7 行：没有答案。" in messages
    assert "工作表“判断题”第 9 行：判断题答案“A”无法识别（应为 √/×、对/错 或 正确/错误）。" in messages
    assert len(messages) == 3
    assert result.to_json()["errors"][0]["place"].startswith("工作表“多选题”")
    # every question found is kept, those with errors too, in the order of the workbook
    assert len(result.questions) == 14 and len(result.rejected) == 3
    lines = sorted([q.line for q in result.questions] + [r.line for r in result.rejected])
    assert len(set(lines)) == len(lines)
    assert [r.stem for r in result.rejected] == [
        "下列属于违反廉洁纪律的有（ ）。", "党员的权利有（ ）。", "党员必须遵守党的纪律。"]


def test_a_sheet_named_for_a_type_without_a_header_is_an_error():
    sheets = {"单选题": per_type_sheets()["单选题"], "判断题": [["党员必须遵守党的纪律。", "正确"]]}
    result = parse_bank("题库.xlsx", book(sheets))
    assert [str(e) for e in result.errors] == [
        "工作表“判断题”中没有找到表头（需有“题干”和“答案”两列），其中的题目没有读取。"]


def test_one_sheet_with_a_type_column_typed_by_hand():
    rows = [
        ["××县纪委2024年度纪法知识测试题库", None, None, None, None, None],
        ["题目类型", "题 干", "选项", "答案\n（必填）", "难易程度", "分值"],
        ["单项选择", "党的最高领导机关是（ ）。", "A．党的全国代表大会和它所产生的中央委员会 B．中央政治局", "A", "易", 1],
        ["多项选择", "党内监督的主要内容有（ ）。", "A．遵守党章党规 B．维护党中央集中统一领导 C．坚持民主集中制", "A B C", 3, 2],
        ["判断", "党员有权对党的工作提出建议和倡议。", None, "对", None, 1],
        ["填空", "《中华人民共和国监察法》自____起施行。", None, "2018年3月20日", None, 1.5],
        ["判断题", "党员领导干部可以违规兼职取酬。", "A．正确 B．错误", "B", None, 1],
        [None, None, None, None, None, None],
        ["注：本题库依据现行党内法规整理。", None, None, None, None, None],
        [None, "以上题目由区纪委监委宣传部整理", None, None, None, None],
    ]
    data = spreadsheets.workbook({"Sheet1": rows}, writer="xlsxwriter")
    result = parse_bank("题库.xlsx", data)
    questions = ok(result)
    assert [(q.type, q.answer, q.points) for q in questions] == [
        ("single", "A", 1.0), ("multiple", "ABC", 2.0), ("judge", True, 1.0),
        ("fill", ["2018年3月20日"], 1.5), ("judge", False, 1.0)]
    assert questions[0].difficulty == 1 and questions[1].difficulty == 3
    assert questions[4].options == []
    assert [str(w) for w in result.warnings] == ["第 9 行：不是题目，已忽略：“注：本题库依据现行党内法规整理。”",
                                                 "第 10 行：不是题目，已忽略：“以上题目由区纪委监委宣传部整理”"]


def test_template_rows_numbered_but_never_filled_are_skipped():
    rows = [["序号", "题干", "A", "B", "C", "D", "答案"]]
    rows += [[n, f"依照监察法第{n}条，下列说法正确的是（ ）。", "甲", "乙", "丙", "丁", "ABCD"[n % 4]] for n in range(1, 121)]
    rows += [[n, None, None, None, None, None, None] for n in range(121, 201)]  # the template's empty rows
    result = parse_bank("题库.xlsx", spreadsheets.workbook({"单选题": rows}))
    questions = ok(result)
    assert len(questions) == 120 and result.warnings == []
    assert all(q.type == "single" for q in questions)
    assert [q.line for q in questions] == list(range(2, 122))


def test_sheet_names_give_the_type_only_without_a_type_column():
    sheets = {
        "单项选择": [["题干", "选项", "答案"], ["党的纪律处分有（ ）种。", "A.三 B.四 C.五 D.六", "C"]],
        "多选": [["题型", "题干", "选项", "答案"], ["单选题", "党章是党的（ ）。", "A.根本大法 B.一般规定", "A"]],
        "不定项": [["题干", "选项", "答案"], ["纪检监察机关的职责有（ ）。", "A.监督 B.执纪 C.问责", "A"]],
    }
    result = parse_bank("题库.xlsx", spreadsheets.workbook(sheets))
    questions = ok(result)
    assert [(q.type, q.answer) for q in questions] == [("single", "C"), ("single", "A"), ("multiple", "A")]
    assert [w.message for w in result.warnings] == ["多选题只有一个正确答案，请确认。"]
    assert result.warnings[0].place == "工作表“不定项”第 2 行"


def test_header_repeated_and_a_duplicate_across_sheets():
    header = ["序号", "题干", "答案"]
    sheets = {
        "判断一": [header, [1, "党员必须遵守党的纪律。", "√"], header, [2, "党员可以参加迷信活动。", "×"]],
        "判断二": [header, [1, "党员必须遵守党的纪律。", "对"]],
    }
    result = parse_bank("题库.xlsx", spreadsheets.workbook(sheets))
    assert len(ok(result)) == 3
    assert [str(w) for w in result.warnings] == ["工作表“判断二”第 2 行：与工作表“判断一”第 2 行的题目重复。"]


def test_no_header_anywhere():
    result = parse_bank("题库.xlsx", spreadsheets.workbook({"Sheet1": [["党员必须遵守党的纪律。", "正确"]]}))
    assert result.questions == [] and len(result.errors) == 1
    assert "没有找到表头" in result.errors[0].message and "第 1 行的内容：党员必须遵守党的纪律。、正确" in result.errors[0].message


def test_a_workbook_of_instructions_only():
    data = spreadsheets.workbook({"填写说明": INSTRUCTIONS, "说明二": [["不要修改表头"]]})
    result = parse_bank("题库.xlsx", data)
    assert result.questions == [] and [e.message for e in result.errors] == [
        "工作簿中只有填写说明，没有题目。请把题目填在有“题干”“答案”表头的工作表中。"]


# Cells drawn from what banks hold: header words, labels, answers, headings, remarks, odd digits.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = ["题干", "题目", "答案", "题型", "选项", "选项A", "A", "B", "序号", "解析", "分值", "难度", "单选题", "多选",
          "判断", "填空", "A．甲 B．乙", "A、甲\nB、乙", "甲", "____", "（ ）", "√", "×", "正确", "AB", "E", "一、单项选择题",
          "注：", "1．", "²", "３", "0.5", " ", "\n", "（", "）", "说明", "|"]
cells = st.one_of(st.none(), st.integers(-5, 10_000), st.floats(allow_nan=False, allow_infinity=False, width=32),
                  st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join),
                  st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8))
sheet_rows = st.lists(st.lists(cells, max_size=8), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["单选题", "多选题", "判断", "说明", "Sheet1", "统计", "填空题"]), sheet_rows,
                       min_size=1, max_size=3))
def test_any_workbook_gives_questions_or_problems_never_a_crash(sheets):
    data = spreadsheets.workbook({name: [[None if isinstance(c, str) and not c.strip() else c for c in row]
                                         for row in rows] for name, rows in sheets.items()})
    result = parse_bank("题库.xlsx", data)
    assert result.questions or result.errors
    for problem in result.errors + result.warnings:
        assert problem.message and str(problem)


# ---- the preview page and flask bank parse ----------------------------------------------------

def test_preview_page_names_sheets_and_rows_and_shows_the_rows_with_errors(db, auth):
    import io as _io

    from .. import factories
    from ..factories import PASSWORD

    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    sheets = per_type_sheets()
    sheets["多选题"].append([4, "下列属于违反廉洁纪律的有（ ）。", "A.违规收受礼金 B.违规经商", "ABF"])
    response = auth.post("/banks/upload", {"file": (_io.BytesIO(book(sheets)), "题库.xlsx")},
                         content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "工作表“多选题”第 6 行：答案 F 没有对应的选项（本题只有 A–B）。" in page
    assert "共识别 <strong>14</strong> 题" in page and "下列属于违反廉洁纪律的有" in page
    assert "确认导入" not in page


def test_flask_bank_parse_of_a_workbook(runner, tmp_path, db):
    import json

    path = tmp_path / "题库.xlsx"
    path.write_bytes(book(per_type_sheets(), active=2))
    result = runner.invoke(args=["bank", "parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["questions"]) == 14 and data["errors"] == []
    sheets = per_type_sheets()
    sheets["判断题"].append([7, "党员必须遵守党的纪律。", "A"])
    path.write_bytes(book(sheets))
    result = runner.invoke(args=["bank", "parse", str(path)])
    assert result.exit_code == 1 and "错误  工作表“判断题”第 9 行：判断题答案“A”无法识别" in result.output


@pytest.mark.parametrize("cell", [
    "A.警告 B.严重警告 C.撤销党内职务",
    "A、警告\nB、严重警告\nC、撤销党内职务",
    "Ａ．警告；Ｂ．严重警告；Ｃ．撤销党内职务",
    "a.警告 b.严重警告 c.撤销党内职务",
    "(A)警告 (B)严重警告 (C)撤销党内职务",
    "警告\n严重警告\n撤销党内职务",
    "警告|严重警告|撤销党内职务",
    "A．警告，B．严重警告，C．撤销党内职务。".rstrip("。"),
])
def test_options_in_one_column_every_way(cell):
    rows = [["题干", "选项", "答案"], ["对党员的纪律处分种类包括（ ）。", cell, "ABC"]]
    question = ok(parse_bank("题库.xlsx", spreadsheets.workbook({"多选题": rows})))[0]
    assert question.options == ["警告", "严重警告", "撤销党内职务"] and question.answer == "ABC"


def test_option_columns_numbered_and_a_cell_that_cannot_be_split():
    rows = [["试题", "选项1", "选项2", "选项3", "答案"],
            ["党组织的纪律检查委员会由（ ）选举产生。", "党的代表大会", "党委", "上级纪委", "A"]]
    assert ok(parse_bank("题库.xlsx", spreadsheets.workbook({"单选题": rows})))[0].options == [
        "党的代表大会", "党委", "上级纪委"]
    rows = [["试题", "选项", "答案"], ["党章是党的（ ）。", "根本大法", "A"]]
    result = parse_bank("题库.xlsx", spreadsheets.workbook({"单选题": rows}))
    assert [str(e) for e in result.errors][0].startswith("第 2 行：选项“根本大法”无法拆分成 A、B、C 各项")
    assert result.rejected[0].stem == "党章是党的（ ）。"


def test_type_merged_down_hidden_rows_and_a_hidden_sheet():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题库"
    sheet.append(["题型", "题干", "选项", "答案"])
    sheet.append(["单选题", "党的纪律处分有（ ）种。", "A.三 B.四 C.五 D.六", "C"])
    sheet.append([None, "党员受警告处分（ ）内不得在党内提升职务。", "A.半年 B.一年", "B"])
    sheet.append([None, "留党察看最长不超过（ ）。", "A.一年 B.二年", "B"])
    sheet.append(["判断题", "党员必须遵守党的纪律。", None, "正确"])
    sheet.append([None, "党员可以参加迷信活动。", None, "错误"])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("A5:A6")
    sheet.row_dimensions[6].hidden = True
    lists = workbook.create_sheet("下拉选项")
    lists.append(["单选题"])
    lists.append(["判断题"])
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    result = parse_bank("题库.xlsx", out.getvalue())
    questions = ok(result)
    assert [(q.type, q.answer) for q in questions] == [
        ("single", "C"), ("single", "B"), ("single", "B"), ("judge", True), ("judge", False)]
    assert [str(w) for w in result.warnings] == [
        "工作表“题库”有 1 行是隐藏的（被筛选或手工隐藏），已照常读取，请确认这些行也是要导入的题目。",
        "工作表“下拉选项”是隐藏的工作表，没有读取。"]


def test_a_two_row_header_with_options_merged_across():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2024年度廉洁自律知识题库"])
    sheet.append(["序号", "题型", "题干", "选项", None, None, None, "答案"])
    sheet.append([None, None, None, "A", "B", "C", "D", None])
    sheet.append([1, "单选", "《中国共产党廉洁自律准则》自（ ）起施行。", "2016年1月1日", "2015年10月1日", "2018年10月1日",
                  "2019年1月1日", "A"])
    sheet.append([2, "多选", "党员领导干部廉洁自律规范包括（ ）。", "廉洁从政，自觉保持人民公仆本色", "廉洁用权，自觉维护人民根本利益",
                  "廉洁修身，自觉提升思想道德境界", "廉洁齐家，自觉带头树立良好家风", "ABCD"])
    sheet.append(["序号", "题型", "题干", "选项", None, None, None, "答案"])  # the header again, as on a printed page
    sheet.append([None, None, None, "A", "B", "C", "D", None])
    sheet.append([3, "判断", "党员领导干部应当廉洁齐家。", None, None, None, None, "√"])
    sheet.merge_cells("A1:H1")
    sheet.merge_cells("D2:G2")
    for column in "ABCH":
        sheet.merge_cells(f"{column}2:{column}3")
    out = io.BytesIO()
    workbook.save(out)
    questions = ok(parse_bank("题库.xlsx", out.getvalue()))
    assert [(q.type, q.answer, len(q.options)) for q in questions] == [
        ("single", "A", 4), ("multiple", "ABCD", 4), ("judge", True, 0)]
    assert questions[0].options[0] == "2016年1月1日" and questions[0].line == 4
