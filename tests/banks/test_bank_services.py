"""Importing, editing, retiring, de-duplicating and exporting banks, through services, CLI and pages."""
import io
import json
import re

import pytest
from sqlalchemy import func, select

from examsite.banks import services
from examsite.banks.readers import parse_bank
from examsite.models import AuditLog, Bank, BankUpload, Question

from .. import factories
from ..factories import PASSWORD

GOOD = """一、单项选择题（每题2分）
1．党的纪律处分有（ C ）种。
A．三　B．四　C．五　D．六
出处：中国共产党纪律处分条例
二、多项选择题（每题3分）
2．党的纪律处分条例规定的党纪处分包括（ ）。
A．警告　B．严重警告　C．撤销党内职务　D．罚款
答案：ABC
三、判断题
3．党员必须遵守党的纪律。（√）
四、填空题
4．党员受到警告处分，____内不得在党内提升职务。
答案：一年/1年
"""
BAD = GOOD.replace("答案：ABC", "答案：ABE")


def counts(db):
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Bank, Question, AuditLog))


def test_import_bank_lands_whole_and_is_audited(db):
    result = parse_bank("题库.txt", GOOD.encode())
    bank = services.import_bank("纪律处分条例题库", "题库.txt", result)
    db.session.commit()
    stored = db.session.scalars(select(Question).where(Question.bank_id == bank.id).order_by(Question.id)).all()
    assert [(q.qtype, q.answer) for q in stored] == [("single", "C"), ("multiple", "ABC"), ("judge", True),
                                                     ("fill", [["一年", "1年"]])]
    assert stored[0].regulation == "中国共产党纪律处分条例" and float(stored[0].points) == 2.0
    assert stored[0].stem == "党的纪律处分有（  ）种。" and stored[0].source_line == 2
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "bank.import"))
    assert "共 4 题" in entry.summary


def test_bank_with_an_error_imports_nothing(db):
    before = counts(db)
    with pytest.raises(services.BankError, match="有 1 处错误"):
        services.import_bank("x", "题库.txt", parse_bank("题库.txt", BAD.encode()))
    db.session.rollback()
    assert counts(db) == before


def test_bank_name_must_be_new(db):
    services.import_bank("纪律", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.commit()
    before = counts(db)
    with pytest.raises(services.BankError, match="已有名为“纪律”的题库"):
        services.import_bank("纪律", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.rollback()
    assert counts(db) == before


def test_questions_already_in_a_bank_are_warned_about(db):
    services.import_bank("甲库", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.commit()
    result = services.check_against_banks(parse_bank("b.txt", GOOD.encode()))
    assert [str(w) for w in result.warnings][:1] == ["第 2 行：题库“甲库”中已有相同的题目。"]
    assert len(result.warnings) == 4


def test_export_then_import_gives_the_same_questions(db):
    source = parse_bank("a.txt", GOOD.encode())
    bank = services.import_bank("原库", "a.txt", source)
    db.session.flush()
    exported = services.export_bank(bank)
    again = parse_bank("导出.xlsx", exported)
    assert again.errors == []
    keys = lambda qs: [(q.type, q.stem, q.options, q.answer, q.explanation, q.source, q.points) for q in qs]
    assert keys(again.questions) == keys(source.questions)


def test_export_leaves_retired_questions_out_and_sets_a_filter(db):
    from openpyxl import load_workbook

    bank = services.import_bank("原库", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.flush()
    services.set_retired(bank.questions[0], True)
    sheet = load_workbook(io.BytesIO(services.export_bank(bank))).active
    assert sheet.max_row == 4 and sheet.auto_filter.ref and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:3] == ["题型", "题干", "选项A"]


def test_edit_is_checked_like_an_import_and_audited(db):
    bank = services.import_bank("原库", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.commit()
    question = bank.questions[1]
    edit = services.QuestionEdit(stem=question.stem, options=["警告", "严重警告", "撤销党内职务", "开除党籍"],
                                 answer="ABCD", explanation="五种处分中的四种。", source="纪律处分条例第八条",
                                 difficulty="中")
    services.update_question(question, edit)
    db.session.commit()
    assert question.answer == "ABCD" and question.options[3] == "开除党籍" and question.difficulty == 3
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "question.edit"))
    assert entry.detail["before"]["答案"] == "ABC" and entry.detail["after"]["答案"] == "ABCD"

    bad = services.QuestionEdit(stem=question.stem, options=["甲", "乙"], answer="E", explanation="",
                                source="", difficulty="")
    with pytest.raises(services.BankError, match="答案 E 没有对应的选项"):
        services.update_question(question, bad)
    db.session.rollback()
    assert db.session.get(Question, question.id).answer == "ABCD"


def test_duplicates_across_banks(db):
    services.import_bank("甲", "a.txt", parse_bank("a.txt", GOOD.encode()))
    services.import_bank("乙", "b.txt", parse_bank("b.txt", "1．党员必须遵守党的纪律 。（√）".encode()))
    db.session.commit()
    groups = services.duplicate_groups()
    assert len(groups) == 1 and {q.bank.name for q in groups[0]} == {"甲", "乙"}
    services.set_retired(groups[0][1], True)
    assert services.duplicate_groups() == []


# ---- command line --------------------------------------------------------------------------

def test_cli_parse_json(runner, tmp_path, db):
    path = tmp_path / "题库.txt"
    path.write_bytes(GOOD.encode("gbk"))
    result = runner.invoke(args=["bank", "parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"questions", "rejected", "errors", "warnings", "unit"} and data["unit"] == "行"
    first = data["questions"][0]
    assert set(first) == {"type", "stem", "options", "answer", "explanation", "source", "points", "line"}
    assert first["answer"] == "C" and first["points"] == 2.0 and first["line"] == 2
    assert data["questions"][2]["answer"] is True
    assert data["questions"][3]["answer"] == [["一年", "1年"]]


def test_cli_parse_exits_1_on_errors(runner, tmp_path, db):
    path = tmp_path / "坏.txt"
    path.write_bytes(BAD.encode())
    result = runner.invoke(args=["bank", "parse", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"][0]["line"] == 6


def test_cli_import_is_atomic(runner, tmp_path, db):
    bad = tmp_path / "坏.txt"
    bad.write_bytes(BAD.encode())
    before = counts(db)
    result = runner.invoke(args=["bank", "import", str(bad), "--name", "坏库"])
    assert result.exit_code != 0 and "没有导入任何题目" in result.output
    assert counts(db) == before
    good = tmp_path / "好.txt"
    good.write_bytes(GOOD.encode())
    result = runner.invoke(args=["bank", "import", str(good), "--name", "好库"])
    assert result.exit_code == 0 and "已导入题库“好库”：4 题" in result.output


# ---- pages ---------------------------------------------------------------------------------

@pytest.fixture
def admin(db, auth):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    return auth


def upload(auth, name, data):
    return auth.post("/banks/upload", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_upload_preview_confirm(db, admin, client):
    page = upload(admin, "处分条例.txt", GOOD.encode()).get_data(as_text=True)
    assert "共识别 <strong>4</strong> 题" in page and "确认导入" in page
    assert 'class="answer">ABC<' in page and "第1空：一年 或 1年" in page
    assert db.session.scalar(select(func.count(Question.id))) == 0  # nothing until confirmed
    upload_id = re.search(r'name="upload_id" type="hidden" value="(\d+)"', page).group(1)
    response = admin.post("/banks/confirm", {"upload_id": upload_id, "name": "处分条例"}, follow_redirects=True)
    assert "已导入题库“处分条例”，共 4 题" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Question.id))) == 4
    assert db.session.scalar(select(func.count(BankUpload.id))) == 0


def test_upload_with_errors_shows_them_and_offers_no_confirm(db, admin):
    before = counts(db)
    page = upload(admin, "坏.txt", BAD.encode()).get_data(as_text=True)
    assert "第 6 行：答案 E 没有对应的选项（本题只有 A–D）。" in page
    assert "确认导入" not in page and "修改后重新上传" in page
    assert counts(db) == before


@pytest.mark.parametrize("name, data, message", [
    ("旧.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "旧版 Word（.doc）"),
    ("空.txt", b"", "文件是空的"),
])
def test_unreadable_uploads(db, admin, name, data, message):
    before = counts(db)
    assert message in upload(admin, name, data).get_data(as_text=True)
    assert counts(db) == before


def test_question_list_filters(db, admin, client):
    bank = services.import_bank("库", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.commit()
    html = client.get(f"/banks/{bank.id}?type=judge").get_data(as_text=True)
    assert "党员必须遵守党的纪律" in html and "党的纪律处分有" not in html
    html = client.get(f"/banks/{bank.id}?q=警告处分").get_data(as_text=True)
    assert "不得在党内提升职务" in html and "党员必须遵守" not in html
    html = client.get("/banks/questions?regulation=纪律处分条例").get_data(as_text=True)
    assert "党的纪律处分有" in html and "党员必须遵守" not in html


def test_retire_from_the_page_hides_and_audits(db, admin, client):
    bank = services.import_bank("库", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.commit()
    question = bank.questions[2]
    page = client.get(f"/banks/{bank.id}").get_data(as_text=True)
    from ..conftest import csrf_from

    admin.post(f"/banks/question/{question.id}/retire", {"csrf_token": csrf_from(page)})
    assert db.session.get(Question, question.id).retired is True
    assert "党员必须遵守党的纪律" not in client.get(f"/banks/{bank.id}").get_data(as_text=True)
    assert "党员必须遵守党的纪律" in client.get(f"/banks/{bank.id}?retired=1").get_data(as_text=True)
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "question.retire"))


def test_edit_page_refuses_a_bad_answer(db, admin, client):
    bank = services.import_bank("库", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.commit()
    question = bank.questions[0]
    html = admin.post(f"/banks/question/{question.id}/edit", {
        "stem": question.stem, "options": "三\n四\n五\n六", "answer": "AB", "explanation": "",
        "source": "", "difficulty": ""}, follow_redirects=True).get_data(as_text=True)
    assert "没有保存：单选题有 2 个答案（AB）" in html
    assert db.session.get(Question, question.id).answer == "C"


def test_export_download(db, admin, client):
    bank = services.import_bank("库", "a.txt", parse_bank("a.txt", GOOD.encode()))
    db.session.commit()
    response = client.get(f"/banks/{bank.id}/export")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert len(parse_bank("库.xlsx", response.data).questions) == 4


def test_a_liaison_sees_no_district_bank_outside_his_campaigns(db, auth, client):
    """He may keep banks of his own units; the district's banks reach him only through a
    campaign his units take part in (tests/campaigns/test_organisers.py)."""
    factories.bank("区纪委题库")
    db.session.commit()
    factories.user("liaison", "liaison", unit_path="城南区")
    auth.login("liaison", PASSWORD)
    for url in ("/banks/", "/banks/questions"):
        page = client.get(url)
        assert page.status_code == 200 and "区纪委题库" not in page.get_data(as_text=True), url
    assert client.get("/banks/duplicates").status_code == 403


def test_unconfirmed_uploads_are_dropped_after_a_day(db):
    from datetime import datetime, timedelta

    from examsite import clock

    clock.freeze(datetime(2026, 6, 1, 8, 0))
    old_id = services.store_upload("旧.txt", b"1. x", None).id
    db.session.commit()
    clock.freeze(datetime(2026, 6, 1, 8, 0) + timedelta(hours=25))
    services.store_upload("新.txt", b"1. y", None)
    db.session.commit()
    assert db.session.scalars(select(BankUpload.filename)).all() == ["新.txt"]
    assert db.session.scalar(select(func.count()).where(BankUpload.id == old_id, BankUpload.filename == "旧.txt")) == 0


def test_cli_refuses_a_hostile_file_with_a_chinese_message(runner, tmp_path, db):
    from ..test_hostile_uploads import entity_expansion, xlsx_bomb

    for name, data in (("炸弹.xlsx", xlsx_bomb()), ("实体.docx", entity_expansion(True))):
        path = tmp_path / name
        path.write_bytes(data)
        parsed = runner.invoke(args=["bank", "parse", str(path)])
        assert parsed.exit_code == 1 and ("解压后超过" in parsed.output or "DTD" in parsed.output), parsed.output
        imported = runner.invoke(args=["bank", "import", str(path), "--name", "恶意"])
        assert imported.exit_code == 1 and "没有导入任何题目" in imported.output, imported.output
    assert db.session.scalars(select(Bank)).all() == []


def test_cli_refuses_a_file_over_the_upload_limit_before_reading_it(runner, tmp_path, app):
    path = tmp_path / "大.txt"
    path.write_bytes(b"1." * (app.config["MAX_CONTENT_LENGTH"] // 2 + 1))
    result = runner.invoke(args=["bank", "parse", str(path)])
    assert result.exit_code == 1 and "超过了" in result.output and "上传上限" in result.output
