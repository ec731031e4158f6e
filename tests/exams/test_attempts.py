"""Attempts through the test client: the deadline, late saves, resume, idempotent saves, auto-close."""
import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from examsite import clock
from examsite.exams import corrections, plans
from examsite.exams.drawing import Section, draw_paper
from examsite.models import Answer, Attempt, AuditLog, Question

from .. import factories
from ..conftest import csrf_from, started_attempt
from ..factories import PASSWORD

START = datetime(2026, 6, 10, 1, 0)  # 09:00 in Beijing
GRACE = timedelta(seconds=120)  # SAVE_GRACE_SECONDS by default: saves still stored after a deadline


@pytest.fixture
def setup(db):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(minutes=30)
    person = factories.examinee("0001")
    db.session.commit()
    return exam, person


WRITER = "tab1"  # the browser tab the test client plays (take.js: random for each page load)
SAVE_TOKEN = re.compile(r'data-save-token="([^"]+)"')


def start(auth, client, exam):
    """Start (or resume) the test; the test page's save token is kept in ``auth.save_tokens``."""
    page = client.get(f"/my/exams/{exam.id}").get_data(as_text=True)
    auth.token = csrf_from(page)
    attempt_id = started_attempt(auth.post(f"/my/exams/{exam.id}/start"))
    save_token_of(auth, client, attempt_id)
    return attempt_id


def save_token_of(auth, client, attempt_id) -> str:
    """The save token the test page of this attempt carries, as take.js reads it."""
    page = client.get(f"/my/attempts/{attempt_id}").get_data(as_text=True)
    token = SAVE_TOKEN.search(page).group(1)
    if not hasattr(auth, "save_tokens"):
        auth.save_tokens = {}
    auth.save_tokens[attempt_id] = token
    return token


def save(client, auth, attempt_id, question, response, seq=1, writer=WRITER, token=None):
    """One autosave as take.js sends it: the page's save token in X-Save-Token."""
    token = token if token is not None else getattr(auth, "save_tokens", {}).get(attempt_id, "")
    return client.post(f"/my/attempts/{attempt_id}/answers", data=json.dumps(
        {"question": question, "response": response, "seq": seq, "writer": writer}),
        content_type="application/json", headers={"X-Save-Token": token})


def test_start_draws_a_paper_and_fixes_the_deadline(setup, auth, client, db):
    exam, person = setup
    auth.login("0001", PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    assert [item["type"] for item in attempt.paper].count("single") == 2 and len(attempt.paper) == 6
    assert attempt.started_at == START and attempt.deadline == START + timedelta(minutes=30)
    assert attempt.seed and attempt.number == 1


def test_the_drawn_paper_is_the_pure_draw_of_the_bank(db):
    """plans.draw() reads only what choosing needs, then the drawn questions in full: the
    paper is the one drawing_paper() makes from every question read in full."""
    factories.bank()
    db.session.commit()
    full = [{"id": q.id, "qtype": q.qtype, "stem": q.stem, "options": q.options, "answer": q.answer,
             "explanation": q.explanation, "regulation": q.regulation, "difficulty": q.difficulty}
            for q in db.session.scalars(select(Question))]
    plan = [Section("single", 3, 2), Section("multiple", 2, 3), Section("judge", 2, 1), Section("fill", 1, 2)]
    for seed in ("a", "b", "c"):
        assert plans.draw(plan, seed) == draw_paper(plan, full, seed)


def test_deadline_never_later_than_the_window(db, auth, client):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(minutes=60, closes=START + timedelta(minutes=20))
    factories.examinee("0001")
    auth.login("0001", PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    assert attempt.deadline == START + timedelta(minutes=20)


def test_reload_and_another_device_resume_the_same_paper(setup, auth, client, db, app):
    exam, _ = setup
    auth.login("0001", PASSWORD)
    first = start(auth, client, exam)
    paper = client.get(f"/my/attempts/{first}").get_data(as_text=True)
    clock.freeze(START + timedelta(minutes=10))
    other = app.test_client()
    from ..conftest import AuthActions

    device = AuthActions(other)
    device.login("0001", PASSWORD)
    assert start(device, other, exam) == first
    again = other.get(f"/my/attempts/{first}").get_data(as_text=True)
    assert paper.split('id="paper"')[1].split("data-remaining")[0] == again.split('id="paper"')[1].split("data-remaining")[0]
    assert 'data-remaining="1200"' in again  # 20 minutes left, by the server's clock
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_saves_are_idempotent_and_never_go_back_in_time(setup, auth, client, db):
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    single = next(i for i in attempt.paper if i["type"] == "single")["id"]
    first = save(client, auth, attempt.id, single, "B", seq=10)
    assert first.status_code == 200 and first.get_json()["saved"] is True
    again = save(client, auth, attempt.id, single, "B", seq=10)  # a retry whose reply was lost
    assert again.status_code == 200 and again.get_json() == {
        "saved": False, "superseded": True, "question": single, "seq": 10}
    older = save(client, auth, attempt.id, single, "C", seq=5)  # an older write arriving late
    assert older.status_code == 200 and older.get_json()["saved"] is False and older.get_json()["superseded"] is True
    rows = db.session.execute(select(Answer.response, Answer.client_seq, Answer.writer)
                              .where(Answer.attempt_id == attempt.id)).all()
    assert rows == [("B", 10, WRITER)]
    assert save(client, auth, attempt.id, single, "D", seq=11).get_json()["saved"] is True
    db.session.rollback()  # a new transaction: SQLite would otherwise go on reading its snapshot
    assert db.session.scalar(select(Answer.response)) == "D"


def test_bad_saves_are_refused_clearly(setup, auth, client, db):
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    single = next(i for i in attempt.paper if i["type"] == "single")["id"]
    other_question = db.session.scalar(select(Question.id).where(Question.id.not_in([i["id"] for i in attempt.paper])))
    assert save(client, auth, attempt.id, other_question, "A").get_json()["error"] == "这道题不在您的试卷中。"
    assert save(client, auth, attempt.id, single, "AB").get_json()["error"] == "答案格式不正确。"
    token = {"X-Save-Token": auth.save_tokens[attempt.id]}
    bad = client.post(f"/my/attempts/{attempt.id}/answers", data="not json", content_type="application/json",
                      headers=token)
    assert bad.status_code == 400 and bad.get_json()["error"] == "请求格式不正确。"
    for seq in (2**63, -1):  # beyond what the database stores, or before the first
        huge = save(client, auth, attempt.id, single, "A", seq=seq)
        assert huge.status_code == 400 and huge.get_json()["error"] == "请求格式不正确。"
    infinite = client.post(f"/my/attempts/{attempt.id}/answers", data='{"question": Infinity, "response": "A"}',
                           content_type="application/json", headers=token)
    assert infinite.status_code == 400 and infinite.get_json()["error"] == "请求格式不正确。"
    for writer in ("", "x" * 33, "带空格 的", 7, ["tab"]):  # answer.writer is String(32) of letters and digits
        refused = save(client, auth, attempt.id, single, "A", writer=writer)
        assert refused.status_code == 400 and refused.get_json()["error"] == "请求格式不正确。", writer
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_json_save_needs_the_save_token(setup, auth, client, db):
    """Not the session cookie, not the CSRF token: without the page's save token a save is a
    401 in JSON (take.js keeps the answer and fetches a fresh token), never a redirect."""
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    for headers in ({}, {"X-CSRFToken": auth.token}):
        response = client.post(f"/my/attempts/{attempt.id}/answers", data=json.dumps(
            {"question": attempt.paper[0]["id"], "response": "A", "seq": 1}), content_type="application/json",
            headers=headers)
        assert response.status_code == 401 and response.get_json() == {
            "saved": False, "login": True, "error": "登录已失效，请在新窗口重新登录后回到本页，答案会自动补发。"}
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_late_save_gets_409_and_the_attempt_is_closed_and_graded(setup, auth, client, db):
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    single = next(i for i in attempt.paper if i["type"] == "single")["id"]
    save(client, auth, attempt.id, single, "A", seq=1)
    clock.freeze(START + timedelta(minutes=30, seconds=1) + GRACE)
    late = save(client, auth, attempt.id, single, "B", seq=2)
    assert late.status_code == 409
    assert late.get_json()["error"] == "答题时间已到，试卷已自动交卷，这个答案没有保存。"
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.closed_by == "deadline" and attempt.submitted_at == attempt.deadline
    assert float(attempt.score) == 2.0 and attempt.score_detail["single"] == 2.0
    assert db.session.scalar(select(Answer.response)) == "A"
    assert save(client, auth, attempt.id, single, "C", seq=3).get_json()["error"] == "本次答题已经交卷，答案不能再修改。"


def test_save_exactly_at_the_deadline_is_accepted(setup, auth, client, db):
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    clock.freeze(attempt.deadline)
    assert save(client, auth, attempt.id, attempt.paper[0]["id"], None, seq=1).status_code == 200


def test_close_expired_command_grades_abandoned_attempts(setup, auth, client, db, runner):
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, exam)
    attempt = db.session.get(Attempt, attempt_id)
    for item in attempt.paper:
        key = item["answer"]
        save(client, auth, attempt_id, item["id"], key, seq=1)
    clock.freeze(START + timedelta(hours=1))
    result = runner.invoke(args=["exam", "close-expired"])
    assert "已自动交卷并评分 1 份答卷" in result.output
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.closed_by == "deadline" and float(attempt.score) == 11.0 and attempt.passed is True
    assert "已自动交卷并评分 0 份答卷" in runner.invoke(args=["exam", "close-expired"]).output


def test_opening_an_expired_attempt_closes_it(setup, auth, client, db):
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, exam)
    clock.freeze(START + timedelta(minutes=31) + GRACE)
    response = client.get(f"/my/attempts/{attempt_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    assert "时间到，自动交卷" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_submit_grades_and_one_attempt_unless_a_retake_is_granted(setup, auth, client, db, app):
    exam, person = setup
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, exam)
    attempt = db.session.get(Attempt, attempt_id)
    for item in attempt.paper:
        if item["type"] != "fill":
            save(client, auth, attempt_id, item["id"], item["answer"], seq=1)
    html = auth.post(f"/my/attempts/{attempt_id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "得分 <strong>9.0</strong>" in html and "及格" in html
    again = auth.post(f"/my/exams/{exam.id}/start", follow_redirects=True).get_data(as_text=True)
    assert "您已经完成了这次测试" in again

    db.session.expire_all()
    corrections.grant_retake(db.session.get(Attempt, attempt_id), None)
    db.session.commit()
    second = start(auth, client, exam)
    assert second != attempt_id and db.session.get(Attempt, second).number == 2
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "attempt.retake")) == 1


def test_retired_questions_are_not_drawn_and_edits_do_not_change_a_started_paper(setup, auth, client, db):
    exam, _ = setup
    singles = db.session.scalars(select(Question).where(Question.qtype == "single").order_by(Question.id)).all()
    for question in singles[2:]:
        question.retired = True
    db.session.commit()
    auth.login("0001", PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    drawn = {i["id"] for i in attempt.paper if i["type"] == "single"}
    assert drawn == {singles[0].id, singles[1].id}
    singles[0].stem = "改过的题干"
    db.session.commit()
    assert "改过的题干" not in client.get(f"/my/attempts/{attempt.id}").get_data(as_text=True)


def test_regrade_after_a_key_is_corrected(setup, auth, client, db):
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, exam)
    attempt = db.session.get(Attempt, attempt_id)
    single = next(i for i in attempt.paper if i["type"] == "single")
    save(client, auth, attempt_id, single["id"], "B", seq=1)  # wrong by the key "A"
    auth.post(f"/my/attempts/{attempt_id}/submit")
    db.session.expire_all()
    assert float(db.session.get(Attempt, attempt_id).score) == 0
    db.session.get(Question, single["id"]).answer = "B"
    db.session.commit()
    report = corrections.regrade_exam(db.session.get(Attempt, attempt_id).exam)
    db.session.commit()
    assert (report.attempts, report.changed, report.keys_updated) == (1, 1, 1)
    assert float(db.session.get(Attempt, attempt_id).score) == 2
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "exam.regrade"))
    assert entry.detail == {"attempts": 1, "changed": 1, "keys_updated": 1}


def test_not_open_yet_and_already_closed(db, auth, client):
    clock.freeze(START)
    factories.bank()
    later = factories.exam(title="未开始", opens=START + timedelta(hours=1), closes=START + timedelta(hours=2))
    over = factories.exam(title="已结束", opens=START - timedelta(hours=2), closes=START - timedelta(hours=1))
    factories.examinee("0001")
    auth.login("0001", PASSWORD)
    for exam, message in ((later, "测试尚未开始"), (over, "测试已经结束")):
        auth.token = csrf_from(client.get(f"/my/exams/{exam.id}").get_data(as_text=True))
        html = auth.post(f"/my/exams/{exam.id}/start", follow_redirects=True).get_data(as_text=True)
        assert message in html
    assert db.session.scalar(select(func.count(Attempt.id))) == 0
    home = client.get("/my/").get_data(as_text=True)
    assert "即将开始" in home and "已结束（未参加）" in home


def test_the_home_list_closes_an_expired_attempt_and_goes_on_listing(db, auth, client):
    """Closing takes a write transaction in the middle of the list (see close_if_expired)."""
    clock.freeze(START)
    factories.bank()
    first = factories.exam(title="先开考的测试", minutes=30, opens=START - timedelta(hours=1))
    factories.exam(title="后列出的测试", opens=START - timedelta(hours=2))
    factories.examinee("0001")
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, first)
    clock.freeze(START + timedelta(minutes=31) + GRACE)
    db.session.rollback()
    home = client.get("/my/").get_data(as_text=True)
    assert "先开考的测试" in home and "后列出的测试" in home
    db.session.rollback()
    assert db.session.get(Attempt, attempt_id).closed_by == "deadline"


def test_examinee_pages_are_never_kept_by_the_browser(setup, auth, client, db):
    """Back must never show a stale paper: every page of a test is sent with no-store."""
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, exam)
    responses = [(url, client.get(url)) for url in ("/my/", f"/my/exams/{exam.id}", f"/my/attempts/{attempt_id}")]
    auth.post(f"/my/attempts/{attempt_id}/submit")
    responses.append(("result", client.get(f"/my/attempts/{attempt_id}/result")))
    for url, response in responses:
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_the_test_page_hands_in_through_json(setup, auth, client, db):
    """take.js posts the hand-in and is told in JSON where the result is; a stale page gets a
    clear message in JSON, and nothing changes."""
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, exam)
    json_headers = {"Accept": "application/json"}
    stale = client.post(f"/my/attempts/{attempt_id}/submit", data={"csrf_token": "stale"}, headers=json_headers)
    assert stale.status_code == 400 and stale.get_json() == {
        "saved": False, "closed": False, "stale": True, "error": "页面已过期，请刷新页面后再交卷。"}
    plain = client.post(f"/my/attempts/{attempt_id}/submit", data={"csrf_token": "stale"})  # no JavaScript
    assert plain.status_code == 400 and "CSRF 校验失败" in plain.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Attempt, attempt_id).submitted_at is None
    clock.freeze(START + timedelta(minutes=12))
    handed_in = auth.post(f"/my/attempts/{attempt_id}/submit", headers=json_headers)
    assert handed_in.status_code == 200
    assert handed_in.get_json() == {"closed": True, "result_url": f"/my/attempts/{attempt_id}/result"}
    db.session.rollback()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.closed_by == "examinee" and attempt.submitted_at == START + timedelta(minutes=12)
    again = auth.post(f"/my/attempts/{attempt_id}/submit", headers=json_headers)  # a retry whose reply was lost
    assert again.get_json()["closed"] is True
    db.session.rollback()
    assert db.session.get(Attempt, attempt_id).submitted_at == START + timedelta(minutes=12)


def test_the_result_page_lists_the_paper_and_what_the_server_stored(setup, auth, client, db):
    """For take.js to name the answers the server never received: the paper's question ids in
    order, and the sequence number stored for each answer."""
    exam, _ = setup
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, exam)
    attempt = db.session.get(Attempt, attempt_id)
    single = next(i for i in attempt.paper if i["type"] == "single")["id"]
    save(client, auth, attempt_id, single, "B", seq=17)
    auth.post(f"/my/attempts/{attempt_id}/submit")
    html = client.get(f"/my/attempts/{attempt_id}/result").get_data(as_text=True)
    note = html.split('id="unsaved-note"', 1)[1].split(">", 1)[0]
    order = json.loads(note.split("data-order='", 1)[1].split("'", 1)[0])
    stored = json.loads(note.split("data-stored='", 1)[1].split("'", 1)[0])
    assert order == [item["id"] for item in attempt.paper] and stored == {str(single): [WRITER, 17]}


def test_review_shows_his_answer_beside_the_key(db, auth, client):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(minutes=30, closes=START + timedelta(hours=2), review_allowed=True, scoring="partial",
                          pass_mark=6)
    person = factories.examinee("0001")
    attempt = factories.sit(exam, person, right=("single", "fill"), skip=("judge",))  # the multiple: "B", wrong
    auth.login("0001", PASSWORD)
    before = client.get(f"/my/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "您的答案" not in before and "正确答案" not in before and "测试结束" in before
    assert "满分 11 分 · 及格分 6 分" in before and "得分 <strong>6.0</strong>" in before

    clock.freeze(START + timedelta(hours=3))
    db.session.rollback()
    multiple = next(i for i in attempt.paper if i["type"] == "multiple")
    answer = db.session.scalar(select(Answer).where(Answer.attempt_id == attempt.id,
                                                    Answer.question_id == multiple["id"]))
    answer.response = "A"  # a subset of the key "AC": half the points with partial scoring
    db.session.commit()
    corrections.regrade_exam(exam)
    db.session.commit()
    html = client.get(f"/my/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "满分 11 分 · 及格分 6 分" in html and "得分 <strong>7.5</strong>" in html
    cards = {}
    for number, item in enumerate(attempt.paper, start=1):
        card = html.split(f'id="q-{number}"', 1)[1].split('class="question-card', 1)[0]
        cards[item["type"], number] = card
        assert f"解析{item['stem'].split('第')[1].split('题')[0]}" in card  # the explanation
        assert "您的答案：" in card and "正确答案：" in card
    verdicts = {key: card for key, card in cards.items()}
    for (qtype, number), card in verdicts.items():
        item = attempt.paper[number - 1]
        if qtype in ("single", "fill"):
            assert "✓ 正确" in card and f"得 {item['points']:g} 分" in card
        elif qtype == "multiple":
            assert "部分正确" in card and "得 1.5 分" in card
        else:  # judge, left blank
            assert "✗ 错误" in card and "得 0 分" in card and "（未作答）" in card
    single = next(n for (t, n) in cards if t == "single")
    item = attempt.paper[single - 1]
    seen = "ABCD"[item["order"].index(0)]  # the bank's "A" as the letter he saw
    assert f'<span class="given">{seen}</span>' in cards["single", single]
    assert f'<span class="answer">{seen}</span>' in cards["single", single]
