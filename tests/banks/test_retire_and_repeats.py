"""Retiring a whole bank and all duplicates at once, and a bank file imported twice: services and
pages, on SQLite and PostgreSQL."""
import io
import re

import pytest
from sqlalchemy import func, select

from examsite.banks import services
from examsite.extensions import db as database
from examsite.models import AuditLog, Bank, Question

from .. import factories
from ..conftest import csrf_from
from ..factories import PASSWORD


def judges(first: int, last: int) -> str:
    """A bank file of judge questions numbered first…last (more than a page of 20)."""
    return "\n".join(f"{n}．党员应当遵守第{n}条纪律规定。（√）" for n in range(first, last + 1)) + "\n"


def imported(name: str, text: str) -> Bank:
    bank = services.import_bank(name, f"{name}.txt", services.parse_upload(f"{name}.txt", text.encode(), None))
    database.session.commit()
    return bank


def in_use(bank_id: int) -> int:
    return database.session.scalar(select(func.count(Question.id)).where(
        Question.bank_id == bank_id, Question.retired.is_(False)))


def audit(action: str) -> list[AuditLog]:
    return database.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


# ---- services ------------------------------------------------------------------------------------

def test_a_file_mostly_in_a_bank_is_named_with_how_many_match(db):
    imported("第一批", judges(1, 30))
    imported("其他", judges(101, 110))
    again = services.parse_upload("again.txt", judges(1, 30).encode(), None)
    repeated = services.imported_before(again)
    assert (repeated.bank_name, repeated.matched, repeated.total) == ("第一批", 30, 30)
    assert "文件中的 30 道题有 30 道已在题库“第一批”中" in repeated.message
    partly = services.parse_upload("partly.txt", judges(21, 40).encode(), None)  # 10 of 20 known: not most
    assert services.imported_before(partly) is None
    assert [(o.bank_name, o.matched) for o in services.overlaps(partly)] == [("第一批", 10)]
    mostly = services.parse_upload("mostly.txt", judges(5, 30).encode() + judges(200, 204).encode(), None)
    assert services.imported_before(mostly).matched == 26


def test_a_repeated_import_is_refused_unless_said_so(db):
    imported("第一批", judges(1, 30))
    result = services.parse_upload("again.txt", judges(1, 30).encode(), None)
    with pytest.raises(services.RepeatedImport, match="请勾选“仍然导入”"):
        services.import_bank("第二批", "again.txt", result, repeat_ok=False)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Bank.id))) == 1
    services.import_bank("第二批", "again.txt", result, repeat_ok=True)
    db.session.commit()
    assert db.session.scalar(select(func.count(Question.id))) == 60


def test_a_retired_bank_no_longer_counts_as_imported(db):
    bank = imported("第一批", judges(1, 30))
    services.retire_bank(bank)
    db.session.commit()
    assert services.imported_before(services.parse_upload("a.txt", judges(1, 30).encode(), None)) is None


def test_retire_and_restore_a_whole_bank(db):
    bank = imported("第一批", judges(1, 30))
    other = imported("其他", judges(101, 125))
    single = bank.questions[0]
    services.set_retired(single, True)  # retired one by one before
    db.session.commit()
    assert services.retire_bank(bank) == 29
    db.session.commit()
    assert in_use(bank.id) == 0 and in_use(other.id) == 25
    entry = audit("bank.retire")[-1]
    assert entry.summary == "停用题库“第一批”：29 道题" and entry.target_id == str(bank.id)
    assert len(entry.detail["question_ids"]) == 29 and single.id not in entry.detail["question_ids"]
    with pytest.raises(services.BankError, match="没有在用的题目"):
        services.retire_bank(bank)
    assert services.restore_bank(bank) == 29  # the one retired by itself stays retired
    db.session.commit()
    assert in_use(bank.id) == 29 and db.session.get(Question, single.id).retired is True
    assert audit("bank.restore")[-1].summary == "恢复题库“第一批”：29 道题"
    with pytest.raises(services.BankError, match="没有可以恢复的题目"):
        services.restore_bank(bank)


def test_restoring_a_bank_never_retired_as_a_whole_brings_back_its_retired_questions(db):
    bank = imported("第一批", judges(1, 30))
    for question in bank.questions[:3]:
        services.set_retired(question, True)
    db.session.commit()
    assert services.restorable(bank) == sorted(q.id for q in bank.questions[:3])
    assert services.restore_bank(bank) == 3


def test_retiring_a_bank_leaves_started_attempts_alone(db):
    from examsite.exams import attempts

    bank = factories.bank(singles=15, multiples=5, judges=6, fills=4)
    exam = factories.exam()
    person = factories.examinee()
    attempt = attempts.start_attempt(exam, person)
    db.session.commit()
    paper = [dict(item) for item in attempt.paper]
    assert services.retire_bank(bank) == 30
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(type(attempt), attempt.id)
    assert [dict(item) for item in again.paper] == paper and again.submitted_at is None
    first = paper[0]
    attempts.save_answer(again, first["id"], "A" if first["type"] != "judge" else True, 1)
    db.session.commit()


def test_retire_all_duplicates_keeps_the_earliest_of_each_group(db):
    first = imported("第一批", judges(1, 30))
    second = imported("第二批", judges(1, 25))  # 25 of them again
    third = imported("第三批", judges(1, 5))  # 5 a third time
    groups = services.duplicate_groups()
    assert len(groups) == 25
    assert services.retire_duplicates() == (30, 25)
    db.session.commit()
    assert services.duplicate_groups() == []
    assert (in_use(first.id), in_use(second.id), in_use(third.id)) == (30, 0, 0)
    entry = audit("question.retire_duplicates")[-1]
    assert entry.summary == "停用重复题目 30 道（25 组，每组保留最早的一道）"
    assert len(entry.detail["retired"]) == 30 and len(entry.detail["kept"]) == 25
    with pytest.raises(services.BankError, match="没有发现重复的题目"):
        services.retire_duplicates()


# ---- pages ---------------------------------------------------------------------------------------

@pytest.fixture
def admin(db, auth, client):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    auth.token = csrf_from(client.get("/banks/upload").get_data(as_text=True))
    return auth


def upload(admin, name: str, text: str) -> str:
    return admin.post("/banks/upload", {"file": (io.BytesIO(text.encode()), name)},
                      content_type="multipart/form-data").get_data(as_text=True)


def upload_id(page: str) -> str:
    return re.search(r'name="upload_id" type="hidden" value="(\d+)"', page).group(1)


def test_the_same_file_twice_warns_and_needs_the_tick(admin, db):
    first = upload(admin, "处分条例.txt", judges(1, 30))
    assert 'id="repeated"' not in first and "仍然导入" not in first
    admin.post("/banks/confirm", {"upload_id": upload_id(first), "name": "处分条例"})
    assert db.session.scalar(select(func.count(Question.id))) == 30

    page = upload(admin, "处分条例.txt", judges(1, 30))
    warning = page.split('id="repeated"', 1)[1].split("</div>", 1)[0]
    assert "这个文件很可能已经导入过" in warning and "30 道题有 <strong>30</strong> 道" in warning and "处分条例" in warning
    assert "仍然导入（我已核对" in page
    refused = admin.post("/banks/confirm", {"upload_id": upload_id(page), "name": "处分条例（二）"}).get_data(as_text=True)
    assert "没有导入：这个文件很可能已经导入过" in refused and 'id="repeated"' in refused
    assert db.session.scalar(select(func.count(Bank.id))) == 1
    done = admin.post("/banks/confirm", {"upload_id": upload_id(page), "name": "处分条例（二）", "import_anyway": "y"},
                      follow_redirects=True).get_data(as_text=True)
    assert "已导入题库“处分条例（二）”，共 30 题" in done
    assert db.session.scalar(select(func.count(Question.id))) == 60


def test_two_previews_of_one_file_confirmed_one_after_the_other(admin, db):
    """Both previews were clean; the second confirm comes after the first import and is caught."""
    one, two = upload(admin, "a.txt", judges(1, 30)), upload(admin, "a.txt", judges(1, 30))
    assert 'id="repeated"' not in two
    admin.post("/banks/confirm", {"upload_id": upload_id(one), "name": "甲"})
    refused = admin.post("/banks/confirm", {"upload_id": upload_id(two), "name": "乙"}).get_data(as_text=True)
    assert "没有导入" in refused and "题库“甲”中" in refused and "仍然导入（我已核对" in refused
    assert db.session.scalar(select(func.count(Bank.id))) == 1


def test_retire_a_bank_from_the_list_with_a_confirmation(admin, client, db):
    bank = imported("第一批", judges(1, 30))
    listing = client.get("/banks/").get_data(as_text=True)
    assert f'href="/banks/{bank.id}/retire"' in listing
    page = client.get(f"/banks/{bank.id}/retire").get_data(as_text=True)
    assert "将停用题库“第一批”中在用的 30 道题" in page and "已经开始或交卷的答卷不受影响" in page
    assert in_use(bank.id) == 30  # the page alone changes nothing
    done = admin.post(f"/banks/{bank.id}/retire", follow_redirects=True).get_data(as_text=True)
    assert "已停用题库“第一批”：30 道题今后不会再被抽到" in done and "已停用</span>" in done
    assert in_use(bank.id) == 0 and len(audit("bank.retire")) == 1
    assert "将恢复题库“第一批”中的 30 道题" in client.get(f"/banks/{bank.id}/restore").get_data(as_text=True)
    done = admin.post(f"/banks/{bank.id}/restore", follow_redirects=True).get_data(as_text=True)
    assert "已恢复题库“第一批”：30 道题重新可以被抽到" in done
    assert in_use(bank.id) == 30 and len(audit("bank.restore")) == 1
    again = admin.post(f"/banks/{bank.id}/restore", follow_redirects=True).get_data(as_text=True)
    assert "没有可以恢复的题目" in again and len(audit("bank.restore")) == 1


def test_retire_needs_the_form_token(admin, client, db):
    bank = imported("第一批", judges(1, 30))
    assert client.post(f"/banks/{bank.id}/retire").status_code == 400
    assert client.post("/banks/duplicates/retire").status_code == 400
    assert in_use(bank.id) == 30
    assert client.get("/banks/999/retire").status_code == 404


def test_retire_all_duplicates_from_the_page(admin, client, db):
    first = imported("第一批", judges(1, 30))
    second = imported("第二批", judges(1, 30))
    listing = client.get("/banks/duplicates").get_data(as_text=True)
    assert "共 30 组、60 道题" in listing and 'href="/banks/duplicates/retire"' in listing
    page = client.get("/banks/duplicates/retire").get_data(as_text=True)
    assert "共 30 组重复题目：每组保留最早导入的一道，停用其余的 30 道" in page
    done = admin.post("/banks/duplicates/retire", follow_redirects=True).get_data(as_text=True)
    assert "已停用重复题目 30 道（30 组，每组保留最早的一道）" in done and "没有发现重复的题目" in done
    assert (in_use(first.id), in_use(second.id)) == (30, 0)
    nothing = client.get("/banks/duplicates/retire").get_data(as_text=True)
    assert "没有需要改变的题目" in nothing


def test_the_command_line_refuses_a_repeat_without_again(runner, db, tmp_path):
    path = tmp_path / "题库.txt"
    path.write_text(judges(1, 30), encoding="utf-8")
    assert runner.invoke(args=["bank", "import", str(path), "--name", "甲"]).exit_code == 0
    refused = runner.invoke(args=["bank", "import", str(path), "--name", "乙"])
    assert refused.exit_code != 0 and "30 道题有 30 道已在题库“甲”中" in refused.output and "--again" in refused.output
    assert db.session.scalar(select(func.count(Bank.id))) == 1
    assert runner.invoke(args=["bank", "import", str(path), "--name", "乙", "--again"]).exit_code == 0
    assert db.session.scalar(select(func.count(Bank.id))) == 2
