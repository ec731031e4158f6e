"""Keys never reach an examinee before his attempt is closed; nobody reads or writes another's attempt."""
import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from examsite import clock
from examsite.exams import save_tokens
from examsite.models import Answer, Attempt, User

from .. import factories
from ..conftest import AuthActions, csrf_from, started_attempt
from ..factories import PASSWORD

START = datetime(2026, 6, 10, 1, 0)


@pytest.fixture
def exam(db):
    clock.freeze(START)
    factories.bank()
    found = factories.exam(review_allowed=True, closes=START + timedelta(hours=2))
    db.session.commit()
    return found


def keys_in(body: str, paper: list[dict]) -> list[str]:
    """Every answer key or explanation of the paper that shows up in a response body."""
    found = []
    for item in paper:
        if item.get("explanation") and item["explanation"] in body:
            found.append(item["explanation"])
        if item["type"] == "fill":
            found += [k for k in item["answer"] if k in body]
    if re.search(r'"answer"|data-answer|option-correct|class="answer"', body):
        found.append("an answer marker")
    return found


def test_a_full_attempt_never_shows_a_key(exam, db, client, auth):
    factories.examinee("0001")
    bodies = []

    def keep(response):
        bodies.append(response.get_data(as_text=True))
        response.close()
        return response

    keep(auth.login("0001", PASSWORD, follow_redirects=True))
    page = keep(client.get(f"/my/exams/{exam.id}"))
    auth.token = csrf_from(page.get_data(as_text=True))
    attempt = db.session.get(Attempt, started_attempt(keep(auth.post(f"/my/exams/{exam.id}/start"))))
    keep(client.get(f"/my/attempts/{attempt.id}"))
    keep(client.get("/my/"))
    for seq, item in enumerate(attempt.paper, start=1):
        response = {"single": "B", "multiple": "AB", "judge": False, "fill": ["不知道"]}[item["type"]]
        keep(client.post(f"/my/attempts/{attempt.id}/answers", data=json.dumps(
            {"question": item["id"], "response": response, "seq": seq}), content_type="application/json",
            headers={"X-CSRFToken": auth.token}))
    keep(client.get(f"/my/attempts/{attempt.id}/result", follow_redirects=True))
    keep(client.get(f"/my/attempts/{attempt.id}"))
    keep(client.get(f"/my/attempts/{attempt.id}/clock"))
    keep(auth.post(f"/my/attempts/{attempt.id}/submit", headers={"Accept": "application/json"}))  # as take.js
    keep(auth.post(f"/my/attempts/{attempt.id}/submit", follow_redirects=True))
    keep(client.get(f"/my/attempts/{attempt.id}/result"))
    keep(client.get(f"/my/attempts/{attempt.id}/clock"))
    keep(client.get("/static/take.js"))
    assert len(bodies) > 12
    assert '"closed":true' in bodies[-2].replace(" ", "")  # the clock after closing
    for body in bodies:
        assert keys_in(body, attempt.paper) == []

    # after the test window closes, review is allowed: now the keys do show
    clock.freeze(START + timedelta(hours=3))
    review = client.get(f"/my/attempts/{attempt.id}/result").get_data(as_text=True)
    assert keys_in(review, attempt.paper)


def test_an_examinee_cannot_open_or_write_anothers_attempt(exam, db, client, auth, app):
    factories.examinee("0001", "张三")
    factories.examinee("0002", "李四")
    auth.login("0001", PASSWORD)
    auth.token = csrf_from(client.get(f"/my/exams/{exam.id}").get_data(as_text=True))
    mine = started_attempt(auth.post(f"/my/exams/{exam.id}/start"))
    question = db.session.get(Attempt, mine).paper[0]["id"]

    intruder = AuthActions(app.test_client())
    intruder.login("0002", PASSWORD)
    other = intruder.client
    for url in (f"/my/attempts/{mine}", f"/my/attempts/{mine}/result", f"/my/attempts/{mine}/clock"):
        assert other.get(url).status_code == 404
    body = json.dumps({"question": question, "response": "A", "seq": 1, "writer": "tab1"})
    forged = other.post(f"/my/attempts/{mine}/answers", data=body, content_type="application/json",
                        headers={"X-CSRFToken": intruder.token})
    assert forged.status_code == 401  # no save token: he never had the page that carries one
    his = db.session.scalar(select(User).where(User.username == "0002"))
    signed = save_tokens.issue(app.secret_key, mine, his.id, his.session_epoch, START + timedelta(hours=1))
    forged = other.post(f"/my/attempts/{mine}/answers", data=body, content_type="application/json",
                        headers={"X-Save-Token": signed})
    assert forged.status_code == 404  # a token we signed, but for his user: not his attempt
    assert intruder.post(f"/my/attempts/{mine}/submit").status_code == 404
    assert other.get("/my/attempts/999999").status_code == 404
    assert db.session.scalar(select(func.count(Answer.id))) == 0
    assert db.session.get(Attempt, mine).submitted_at is None


def test_autosave_needs_a_live_examinee_login(exam, db, client, auth):
    person = factories.examinee("0001")
    auth.login("0001", PASSWORD)
    auth.token = csrf_from(client.get(f"/my/exams/{exam.id}").get_data(as_text=True))
    attempt_id = started_attempt(auth.post(f"/my/exams/{exam.id}/start"))
    question = db.session.get(Attempt, attempt_id).paper[0]["id"]
    token = re.search(r'data-save-token="([^"]+)"', client.get(f"/my/attempts/{attempt_id}").get_data(as_text=True))

    def save(seq):
        return client.post(f"/my/attempts/{attempt_id}/answers", data=json.dumps(
            {"question": question, "response": "A", "seq": seq, "writer": "tab1"}), content_type="application/json",
            headers={"X-Save-Token": token.group(1)})

    assert save(1).status_code == 200
    db.session.rollback()  # the save wrote on its own connection: SQLite needs a fresh transaction to write after it
    person.user.active = False  # the account is switched off mid-test
    db.session.commit()
    assert save(2).status_code == 404
    person.user.active, person.user.role, person.user.unit_id = True, "liaison", person.unit_id
    db.session.commit()
    assert save(3).status_code == 404
    person.user.role = "examinee"
    db.session.commit()
    assert save(4).status_code == 200  # on again: the page's token still works
    db.session.rollback()
    auth.post("/logout")  # ends every session and save token of the account (its epoch is raised)
    refused = save(5)
    assert refused.status_code == 401 and refused.get_json()["login"] is True  # JSON, never a redirect
    db.session.rollback()
    assert db.session.scalars(select(Answer.client_seq)).all() == [4]


def test_an_examinee_cannot_use_admin_pages(exam, db, client, auth):
    factories.examinee("0001")
    auth.login("0001", PASSWORD)
    for url in (f"/exams/{exam.id}", f"/exams/{exam.id}/attempts", "/exams/", "/banks/"):
        assert client.get(url).status_code == 403


def test_a_liaison_sees_only_his_units_attempts(exam, db, client, auth, app):
    people = [factories.examinee("0001", "张三", "城南区/城关镇/党政办"),
              factories.examinee("0002", "李四", "城南区/东岗镇/党政办")]
    for person in people:
        device = AuthActions(app.test_client())
        device.login(person.staff_no, PASSWORD)
        device.token = csrf_from(device.client.get(f"/my/exams/{exam.id}").get_data(as_text=True))
        device.post(f"/my/exams/{exam.id}/start")
    factories.user("liaison", "liaison", unit_path="城南区/城关镇")
    auth.login("liaison", PASSWORD)
    listing = client.get(f"/exams/{exam.id}/attempts").get_data(as_text=True)
    assert "张三" in listing and "李四" not in listing
    theirs = db.session.scalar(select(Attempt.id).join(Attempt.staff).where(Attempt.staff_id == people[1].id))
    ours = db.session.scalar(select(Attempt.id).where(Attempt.staff_id == people[0].id))
    assert client.get(f"/exams/attempt/{theirs}").status_code == 404  # another unit's: not even a hint
    assert client.get(f"/exams/attempt/{ours}").status_code == 200
    assert auth.post(f"/exams/attempt/{ours}/retake").status_code == 403


def test_staff_outside_the_test_cannot_start_it(db, client, auth):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(tiers=("县处级",))
    factories.examinee("0001", tier_name="一般干部")
    auth.login("0001", PASSWORD)
    assert client.get(f"/my/exams/{exam.id}").status_code == 404
    assert "当前没有分配给您的测试" in client.get("/my/").get_data(as_text=True)


@pytest.mark.parametrize("shown, before_close, after_close", [
    ("on_submit", True, True), ("after_close", False, True), ("never", False, False)])
def test_the_score_shows_only_when_the_test_allows(db, client, auth, shown, before_close, after_close):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(closes=START + timedelta(hours=2))
    exam.score_shown = shown
    person = factories.examinee("0001")
    attempt = factories.sit(exam, person, right=factories.ALL_TYPES)
    auth.login("0001", PASSWORD)

    def score_shown() -> bool:
        result = client.get(f"/my/attempts/{attempt.id}/result").get_data(as_text=True)
        home = client.get("/my/").get_data(as_text=True)
        assert ("得分" in result) == ("得分" in home.split("</nav>", 1)[1])
        return "得分" in result

    assert score_shown() is before_close
    clock.freeze(START + timedelta(hours=3))
    assert score_shown() is after_close
    if not after_close:
        assert "以单位通报为准" in client.get(f"/my/attempts/{attempt.id}/result").get_data(as_text=True)


def test_the_admin_chooses_when_scores_show(db, client, auth):
    from examsite.models import Exam

    factories.user("admin")
    auth.login("admin", PASSWORD)
    auth.token = csrf_from(client.get("/exams/new").get_data(as_text=True))
    response = auth.post("/exams/new", {"title": "四月测试", "mode": "all", "opens_at": "2026-04-01T09:00",
                                        "closes_at": "2026-04-02T09:00", "score_shown": "after_close"})
    assert response.status_code == 302
    assert db.session.scalar(select(Exam.score_shown).where(Exam.title == "四月测试")) == "after_close"
    refused = auth.post("/exams/new", {"title": "五月测试", "mode": "all", "opens_at": "2026-05-01T09:00",
                                       "closes_at": "2026-05-02T09:00", "score_shown": "sometimes"})
    assert refused.status_code == 200 and db.session.scalar(select(func.count(Exam.id))) == 1
