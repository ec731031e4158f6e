"""DESIGN invariant 8: no key or explanation reaches anyone but the admin while a test that can
use the question is not over — on the examinee's review, and a liaison's attempt and item
analysis pages (exams/keys.py)."""
import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from examsite import clock
from examsite.exams.keys import HIDDEN_NOTE, questions_with_hidden_keys
from examsite.models import Attempt, Question, User

from .. import factories
from ..conftest import AuthActions
from ..factories import ALL_TYPES, PASSWORD

START = datetime(2026, 6, 10, 1, 0)
LATER = START + timedelta(hours=3)  # the first test is over, the other two not
SINGLES_ONLY = [{"qtype": "single", "count": 2, "points": 2}]
JUDGES_ONLY = [{"qtype": "judge", "count": 2, "points": 1}]


@pytest.fixture
def shared(db):
    """One bank shared by three tests. 月考 (every type) closes at +2h; 周测 draws singles
    only and is open until +5h; 补考 draws judges only and closed at +2.5h, but one attempt of
    it was given time to +4h (reopened). Every paper holds every question of its types."""
    clock.freeze(START)
    factories.bank(singles=2, multiples=1, judges=2, fills=1)
    month = factories.exam(title="月考", closes=START + timedelta(hours=2), review_allowed=True)
    factories.exam(title="周测", closes=START + timedelta(hours=5), sections=SINGLES_ONLY)
    makeup = factories.exam(title="补考", closes=START + timedelta(hours=2, minutes=30), sections=JUDGES_ONLY)
    person = factories.examinee("0001")
    other = factories.examinee("0002", "李四")
    attempt = factories.sit(month, person, right=ALL_TYPES)
    late = factories.sit(makeup, other, submit=False)
    late.deadline = START + timedelta(hours=4)  # as reopening it for the afternoon would
    db.session.commit()
    ids = {qtype: [q.id for q in db.session.scalars(select(Question).where(Question.qtype == qtype))]
           for qtype in ALL_TYPES}
    return {"month": month, "attempt": attempt, "late": late, "ids": ids, "person": person}


def test_the_rule(shared, db):
    ids = shared["ids"]
    every = [qid for group in ids.values() for qid in group]
    examinee = shared["person"].user
    admin = factories.user("admin")
    clock.freeze(LATER)
    # singles: a plan of 周测 (not over) can draw them; judges: on 补考's paper still taking answers
    assert questions_with_hidden_keys(every, examinee) == set(ids["single"]) | set(ids["judge"])
    assert questions_with_hidden_keys(every, admin) == set()
    assert questions_with_hidden_keys([], examinee) == set()
    # the late attempt handed in: the judges are free, the singles not
    clock.freeze(START + timedelta(hours=4, minutes=5))  # past its deadline and the grace period
    assert questions_with_hidden_keys(every, examinee) == set(ids["single"])
    # a retired question is drawn by nobody
    retired = db.session.get(Question, ids["single"][0])
    retired.retired = True
    db.session.commit()
    assert questions_with_hidden_keys(every, examinee) == {ids["single"][1]}
    # a test still to come counts as one not over
    factories.exam(title="下月考试", opens=START + timedelta(days=30), closes=START + timedelta(days=31),
                   sections=[{"qtype": "fill", "count": 1, "points": 2}])
    assert questions_with_hidden_keys(every, examinee) == {ids["single"][1]} | set(ids["fill"])
    clock.freeze(START + timedelta(days=32))
    assert questions_with_hidden_keys(every, examinee) == set()


def _cards(html: str, paper: list[dict]) -> dict[int, str]:
    cards = {}
    for number, item in enumerate(paper, start=1):
        cards[item["id"]] = html.split(f'id="q-{number}"', 1)[1].split('class="question-card', 1)[0]
    return cards


def test_review_hides_the_keys_of_questions_another_test_still_uses(shared, db, auth, client):
    attempt, ids = shared["attempt"], shared["ids"]
    auth.login("0001", PASSWORD)
    clock.freeze(LATER)
    html = client.get(f"/my/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "答案与解析" in html
    for item in attempt.paper:
        number = item["stem"].split("第")[1].split("题")[0]
        card = _cards(html, attempt.paper)[item["id"]]
        assert item["stem"].replace("____", "") in card.replace("____", "")
        assert "您的答案：" in card
        if item["id"] in ids["single"] or item["id"] in ids["judge"]:
            assert HIDDEN_NOTE in card and "正确答案" not in card and f"解析{number}" not in card
            assert "option-correct" not in card and "✓ 正确" not in card and "得 " not in card
        else:
            assert HIDDEN_NOTE not in card and "正确答案：" in card and f"解析{number}" in card
            assert "✓ 正确" in card
    # both other tests over: every key shows
    clock.freeze(START + timedelta(hours=6))
    html = client.get(f"/my/attempts/{attempt.id}/result").get_data(as_text=True)
    assert HIDDEN_NOTE not in html and html.count("正确答案：") == len(attempt.paper)


@pytest.fixture
def liaison(shared, db, app):
    factories.user("liaison", "liaison", unit_path="城南区/城关镇")
    factories.user("admin")
    for n in range(3, 8):  # more people, all in his town
        factories.sit(shared["month"], factories.examinee(f"00{n:02d}", f"人员{n}"), right=("single",))
    actor = AuthActions(app.test_client())
    assert actor.login("liaison", PASSWORD).status_code == 302
    return actor


def test_liaison_attempt_page_hides_keys_of_questions_still_in_use(shared, liaison, db):
    attempt, ids = shared["attempt"], shared["ids"]
    clock.freeze(LATER)
    html = liaison.client.get(f"/exams/attempt/{attempt.id}").get_data(as_text=True)
    cards = _cards(html, attempt.paper)
    for item in attempt.paper:
        card = cards[item["id"]]
        assert item["stem"].replace("____", "") in card.replace("____", "")
        number = item["stem"].split("第")[1].split("题")[0]
        if item["id"] in ids["single"] or item["id"] in ids["judge"]:
            assert HIDDEN_NOTE in card and 'class="answer"' not in card and f"解析{number}" not in card
            assert "option-correct" not in card
        else:
            assert HIDDEN_NOTE not in card and 'class="answer"' in card and f"解析{number}" in card
    # the admin sees every key now
    admin = AuthActions(liaison.client.application.test_client())
    admin.login("admin", PASSWORD)
    html = admin.client.get(f"/exams/attempt/{attempt.id}").get_data(as_text=True)
    assert HIDDEN_NOTE not in html and html.count('class="answer"') == len(attempt.paper)
    # while his test is open a liaison sees no key at all (as before)
    clock.freeze(START + timedelta(minutes=30))
    html = liaison.client.get(f"/exams/attempt/{attempt.id}").get_data(as_text=True)
    assert 'class="answer"' not in html and "测试结束前" in html


def _item_sheet(response) -> list[str]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    return [row[0] for row in book["试题分析"].iter_rows(min_row=3, values_only=True) if row and row[0]]


def test_liaison_item_analysis_leaves_out_questions_still_in_use(shared, liaison, db):
    month, ids = shared["month"], shared["ids"]
    stems = {q.id: q.stem for q in db.session.scalars(select(Question))}
    clock.freeze(LATER)
    html = liaison.client.get(f"/exams/{month.id}/results/items").get_data(as_text=True)
    table = html.split('id="items"', 1)[1]
    for qid, stem in stems.items():
        if qid in ids["single"] or qid in ids["judge"]:
            assert stem not in table, stem
        else:
            assert stem in table, stem
    assert "另有 4 道题仍在未结束的测试中使用" in html
    exported = _item_sheet(liaison.client.get(f"/exams/{month.id}/results/export.xlsx"))
    assert sorted(exported) == sorted(stems[q] for q in ids["multiple"] + ids["fill"])
    # the admin's analysis has them all
    admin = AuthActions(liaison.client.application.test_client())
    admin.login("admin", PASSWORD)
    html = admin.client.get(f"/exams/{month.id}/results/items").get_data(as_text=True)
    assert all(stem in html for stem in stems.values()) and "另有" not in html
    assert len(_item_sheet(admin.client.get(f"/exams/{month.id}/results/export.xlsx"))) == len(stems)
    # once 周测 is over and 补考's last attempt handed in, the liaison sees them all too
    late = db.session.get(Attempt, shared["late"].id)
    late.deadline = START + timedelta(hours=3, minutes=30)
    db.session.commit()
    clock.freeze(START + timedelta(hours=6))
    html = liaison.client.get(f"/exams/{month.id}/results/items").get_data(as_text=True)
    assert all(stem in html for stem in stems.values()) and "另有" not in html
    assert db.session.scalar(select(User).where(User.username == "liaison")).role == "liaison"
