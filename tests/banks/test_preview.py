"""The import preview lists every question found, those with errors in place and marked."""
import io
import re

from examsite.banks.parsed import ParseResult, Problem, Rejected
from examsite.banks.parser import parse_text
from examsite.banks.preview import preview_items

from .. import factories
from ..factories import PASSWORD

LAWS = ["中国共产党纪律处分条例", "中华人民共和国监察法", "中国共产党廉洁自律准则", "中国共产党问责条例"]


def bank_text(count: int, broken: set[int]) -> str:
    """``count`` single-choice questions; those numbered in ``broken`` answer with a letter no
    option has."""
    lines = ["一、单项选择题（每题2分）"]
    for n in range(1, count + 1):
        lines += [f"{n}．{LAWS[n % 4]}第 {n} 条的规定，下列说法正确的是（  ）。",
                  f"A．甲{n}　B．乙{n}　C．丙{n}　D．丁{n}",
                  f"答案：{'F' if n in broken else 'ABCD'[n % 4]}"]
    return "\n".join(lines) + "\n"


def test_every_question_found_is_listed_in_file_order_with_its_own_errors():
    result = parse_text(bank_text(40, {7, 23, 40}))
    items = preview_items(result)
    assert len(items) == 40 and [i.line for i in items] == sorted(i.line for i in items)
    bad = [i for i in items if i.question is None]
    assert [i.rejected.stem.split("第 ")[1].split(" 条")[0] for i in bad] == ["7", "23", "40"]
    for item in bad:
        assert [p.message for p in item.problems] == ["答案 F 没有对应的选项（本题只有 A–D）。"]
        assert item.rejected.options == [f"甲{n}" for n in [int(item.rejected.stem.split("第 ")[1].split(" 条")[0])]] \
            + item.rejected.options[1:]
    assert all(not i.problems for i in items if i.question is not None)


def test_an_error_after_the_last_question_stays_only_in_the_list():
    result = ParseResult(rejected=[Rejected(3, "甲", [], None), Rejected(10, "乙", [], None)],
                         errors=[Problem(3, "一"), Problem(5, "二"), Problem(10, "三"), Problem(50, "答案表")])
    items = preview_items(result)
    assert [[p.message for p in i.problems] for i in items] == [["一", "二"], ["三"]]


def test_preview_page_marks_the_questions_with_errors(db, auth):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    data = bank_text(45, {5, 31}).encode()
    page = auth.post("/banks/upload", {"file": (io.BytesIO(data), "抽测题.txt")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "共识别 <strong>43</strong> 题" in page and "另有 <strong class=\"text-danger\">2</strong> 题有错误" in page
    assert page.count('class="question-card card mb-2"') == 43
    assert page.count("rejected-question") == 2 and page.count("有错误，不会导入") == 2
    cards = re.findall(r'rejected-question" id="line-(\d+)"', page)
    assert cards == ["14", "92"]  # questions 5 and 31 begin on these lines
    assert "确认导入" not in page


def test_a_question_with_a_problem_found_while_reading_it_is_shown_not_taken():
    text = bank_text(12, set()).replace("答案：D\n", "答案：D\n解析：见条例。\n答案：B\n", 1)
    result = parse_text(text)
    assert len(result.questions) == 11 and len(result.rejected) == 1
    item = next(i for i in preview_items(result) if i.rejected is not None)
    assert [p.message for p in item.problems] == ["同一题有两处答案。"]


def test_a_workbook_question_names_its_sheet_and_row(db, auth):
    import openpyxl

    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    workbook = openpyxl.Workbook()
    workbook.active.title = "单选题"
    for title in ("单选题", "判断题"):
        sheet = workbook[title] if title in workbook.sheetnames else workbook.create_sheet(title)
        sheet.append(["序号", "题干", "选项", "答案"])
        for n in range(1, 31):
            if title == "单选题":
                sheet.append([n, f"依照{LAWS[n % 4]}，第 {n} 题的说法是（  ）。", "A.甲 B.乙 C.丙 D.丁",
                              "E" if n == 9 else "ABCD"[n % 4]])
            else:
                sheet.append([n, f"{LAWS[n % 4]}规定了第 {n} 项义务。", "", "对" if n % 2 else "错"])
    data = io.BytesIO()
    workbook.save(data)
    page = auth.post("/banks/upload", {"file": (io.BytesIO(data.getvalue()), "分表.xlsx")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "共识别 <strong>59</strong> 题" in page
    assert "判断题 · 工作表“判断题”第 31 行" in page  # the card of the last question names its own row
    assert re.search(r"工作表“单选题”第 10 行</span>", page)  # the rejected card too


def red_bank(count: int) -> bytes:
    """A Word bank whose right options are red and no answer letter is written."""
    import docx
    from docx.shared import RGBColor

    document = docx.Document()
    document.add_paragraph("一、单项选择题（每题2分）")
    for n in range(1, count + 1):
        document.add_paragraph(f"{n}．依照{LAWS[n % 4]}，下列关于第 {n} 项规定的说法，正确的是（  ）。")
        for index, letter in enumerate("ABCD"):
            run = document.add_paragraph().add_run(f"{letter}．说法{letter}{n}")
            if index == n % 4:
                run.font.color.rgb = RGBColor(0xC0, 0, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_answers_read_from_red_text_are_imported_only_once_checked(db, auth):
    from sqlalchemy import func, select

    from examsite.models import Question

    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    page = auth.post("/banks/upload", {"file": (io.BytesIO(red_bank(35)), "标红.docx")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "正确答案按红色字识别" in page and 'name="marks_checked"' in page
    assert 'class="answer">C<' in page  # question 2's red option
    upload_id = re.search(r'name="upload_id" type="hidden" value="(\d+)"', page).group(1)
    refused = auth.post("/banks/confirm", {"upload_id": upload_id, "name": "标红题库"}).get_data(as_text=True)
    assert "请逐题核对后勾选“已核对”" in refused
    assert db.session.scalar(select(func.count(Question.id))) == 0
    done = auth.post("/banks/confirm", {"upload_id": upload_id, "name": "标红题库", "marks_checked": "y"},
                     follow_redirects=True).get_data(as_text=True)
    assert "共 35 题" in done
    answers = db.session.scalars(select(Question.answer).order_by(Question.id)).all()
    assert answers == ["ABCD"[n % 4] for n in range(1, 36)]


def test_cli_import_of_answers_read_from_red_text_needs_marks_checked(db, runner, tmp_path):
    from sqlalchemy import func, select

    from examsite.models import Question

    path = tmp_path / "标红.docx"
    path.write_bytes(red_bank(12))
    refused = runner.invoke(args=["bank", "import", str(path), "--name", "标红"])
    assert refused.exit_code != 0 and "--marks-checked" in refused.output
    assert db.session.scalar(select(func.count(Question.id))) == 0
    done = runner.invoke(args=["bank", "import", str(path), "--name", "标红", "--marks-checked"])
    assert done.exit_code == 0 and "12 题" in done.output
