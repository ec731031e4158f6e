"""Notices: drafted from a closed test, published as a frozen snapshot, corrected, withdrawn."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from examsite import clock
from examsite.exams.corrections import regrade_exam
from examsite.models import AuditLog, Notice, Question

from .. import factories
from ..conftest import csrf_from
from ..factories import PASSWORD

START = datetime(2026, 6, 10, 1, 0)
AFTER = START + timedelta(hours=6)  # the test window has closed
ID_NUMBER, PHONE = "62010219800101123X", "13912345678"


@pytest.fixture
def closed(db, client, auth):
    clock.freeze(START)
    exam, people = factories.small_test()
    factories.user("admin")
    clock.freeze(AFTER)
    auth.login("admin", PASSWORD)
    return exam, people


def publish(client, auth, exam, **fields):
    page = client.get(f"/exams/{exam.id}/notice").get_data(as_text=True)
    auth.token = csrf_from(page)
    data = {"title": "关于纪法知识测试情况的通报", "intro": "现将测试情况通报如下。", "include_units": "y",
            "include_tiers": "y", "include_chart": "y", "include_failed": "y", "include_absent": "y",
            "supersedes": "0", "action": "publish"} | fields
    return auth.post(f"/exams/{exam.id}/notice", data=data)


def article(html: str) -> str:
    return re.search(r'<article class="notice">.*?</article>', html, re.S).group(0)


def test_no_notice_before_the_test_closes(db, client, auth):
    clock.freeze(START)
    exam, _ = factories.small_test()
    factories.user("admin")
    auth.login("admin", PASSWORD)
    response = client.get(f"/exams/{exam.id}/notice", follow_redirects=True)
    assert "测试尚未结束" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Notice.id))) == 0


def test_the_draft_starts_from_the_figures_and_previews(closed, client, auth):
    exam, _ = closed
    page = client.get(f"/exams/{exam.id}/notice").get_data(as_text=True)
    # B1 ran out of time and was closed with his answers: 4 of 6 submitted, 3 passed
    assert "应参加 6 人，实际交卷 4 人" in page and "及格 3 人" in page
    auth.token = csrf_from(page)
    preview = auth.post(f"/exams/{exam.id}/notice", data={
        "title": "预览标题", "intro": "导语", "include_units": "y", "supersedes": "0", "action": "preview"})
    html = preview.get_data(as_text=True)
    assert 'id="preview"' in html and "预览标题" in html and 'id="notice-units"' in html
    assert 'id="notice-failed"' not in html
    assert preview.status_code == 200


def test_a_published_notice_is_public_masked_and_frozen(closed, client, auth, app, db):
    exam, people = closed
    response = publish(client, auth, exam, intro=f"联系人电话 {PHONE}，身份证 {ID_NUMBER}。")
    assert response.status_code == 302
    url = response.headers["Location"]
    notice = db.session.scalar(select(Notice))
    assert url.endswith(f"/notices/{notice.slug}")
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "notice.publish")) is not None

    visitor = app.test_client()
    page = visitor.get(url).get_data(as_text=True)
    body = article(page)
    assert "关于纪法知识测试情况的通报" in body and "城关镇" in body and "<svg" in body
    assert PHONE not in page and ID_NUMBER not in page and "139****5678" in page and "**************123X" in page
    assert "甲二" in body and "乙二" in body and "丙一" in body  # failed and absent lists
    assert "A2" not in re.sub(r"<[^>]+>", " ", body).split()  # no 工号 in a public notice
    assert notice.title in visitor.get("/notices/").get_data(as_text=True)
    # a visitor gets the notice and nothing else
    for other in (f"/exams/{exam.id}/results/", f"/exams/{exam.id}/results/export.xlsx", f"/exams/{exam.id}",
                  f"/exams/{exam.id}/notice", "/notices/all"):
        assert visitor.get(other).status_code == 302

    # a corrected key, a regrade and a renamed person change nothing in it
    for question in db.session.scalars(select(Question).where(Question.qtype == "judge")):
        question.answer = False
    people["A2"].name = "改名"
    report = regrade_exam(exam)
    db.session.commit()
    assert report.changed > 0
    assert article(visitor.get(url).get_data(as_text=True)) == body


def test_a_correction_supersedes_and_says_so(closed, client, auth, db):
    exam, _ = closed
    first_url = publish(client, auth, exam, title="第一份").headers["Location"]
    first = db.session.scalar(select(Notice).where(Notice.title == "第一份"))
    second_url = publish(client, auth, exam, title="更正后的通报", supersedes=str(first.id)).headers["Location"]
    assert "已被更正" in client.get(first_url).get_data(as_text=True)
    assert "更正并取代" in client.get(second_url).get_data(as_text=True) and "第一份" in client.get(second_url).get_data(as_text=True)
    # the first has been corrected already: correcting it again is refused and stores nothing
    refused = publish(client, auth, exam, title="又一份", supersedes=str(first.id))
    assert db.session.scalar(select(func.count(Notice.id))) == 2
    assert refused.status_code == 200 and "不是有效的选择" in refused.get_data(as_text=True)


def test_withdrawing_needs_a_reason_and_is_audited(closed, client, auth, app, db):
    exam, _ = closed
    url = publish(client, auth, exam).headers["Location"]
    slug = url.rsplit("/", 1)[1]
    auth.token = csrf_from(client.get(url).get_data(as_text=True))
    page = auth.post(f"/notices/{slug}/withdraw", data={"reason": "  "}, follow_redirects=True).get_data(as_text=True)
    assert "请填写撤回原因" in page
    db.session.expire_all()
    assert db.session.scalar(select(Notice)).withdrawn_at is None

    auth.post(f"/notices/{slug}/withdraw", data={"reason": "数据有误"})
    db.session.expire_all()
    assert db.session.scalar(select(Notice)).withdraw_reason == "数据有误"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "notice.withdraw")) is not None
    public = app.test_client().get(url).get_data(as_text=True)
    assert "已于" in public and "数据有误" in public and 'class="notice"' not in public
    assert "关于纪法知识测试情况的通报" not in app.test_client().get("/notices/").get_data(as_text=True)


def test_only_the_admin_drafts_and_withdraws(closed, client, auth, app, db):
    exam, _ = closed
    url = publish(client, auth, exam).headers["Location"]
    factories.user("liaison", role="liaison", unit_path="城南区/东岗镇")
    other = app.test_client()
    from ..conftest import AuthActions
    liaison = AuthActions(other)
    liaison.login("liaison", PASSWORD)
    assert other.get(f"/exams/{exam.id}/notice").status_code == 403
    assert liaison.post(url.replace("/notices/", "/notices/", 1) + "/withdraw", data={"reason": "x"}).status_code == 403
    assert other.get(url).status_code == 200


def test_an_empty_title_publishes_nothing(closed, client, auth, db):
    exam, _ = closed
    page = publish(client, auth, exam, title="  ").get_data(as_text=True)
    assert "请填写通报标题" in page
    assert db.session.scalar(select(func.count(Notice.id))) == 0


def test_a_notice_is_corrected_once_and_only_within_its_test(closed, db):
    from examsite.notices import services
    from examsite.notices.snapshot import NoticeDraft
    from examsite.results.services import results

    exam, _ = closed
    result = results(exam)
    first = services.publish(result, NoticeDraft("一", ""))
    services.publish(result, NoticeDraft("二", ""), supersedes=first)
    with pytest.raises(services.NoticeError, match="已经被更正过"):
        services.publish(result, NoticeDraft("三", ""), supersedes=first)
    clock.freeze(START)
    other = factories.exam(title="另一次测试", closes=START + timedelta(hours=1))
    clock.freeze(AFTER)
    with pytest.raises(services.NoticeError, match="同一次测试"):
        services.publish(results(other), NoticeDraft("四", ""), supersedes=first)
