"""Two devices on one attempt: the order of writes never depends on the browsers' clocks, and a
save is acknowledged only when it was stored — the quick way (the gate) and the full way alike."""
from sqlalchemy import select

from examsite import clock
from examsite.exams import autosave
from examsite.models import Answer, Attempt

from .. import factories
from ..conftest import AuthActions
from ..factories import PASSWORD
from .test_attempts import START, save, start

AHEAD = 1_780_000_000_000 + 3_600_000  # an old page's seq was Date.now(): this device's clock runs an hour ahead


def _row(db, attempt_id, question_id):
    db.session.rollback()  # the saves wrote on their own connections
    return db.session.execute(select(Answer.response, Answer.writer, Answer.client_seq).where(
        Answer.attempt_id == attempt_id, Answer.question_id == question_id)).one_or_none()


def _two_devices(db, auth, client, app):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(minutes=30)
    factories.examinee("0001")
    db.session.commit()
    auth.login("0001", PASSWORD)
    attempt_id = start(auth, client, exam)
    phone = AuthActions(app.test_client())  # the same examinee on a second device
    phone.login("0001", PASSWORD)
    assert start(phone, phone.client, exam) == attempt_id
    attempt = db.session.get(Attempt, attempt_id)
    autosave.papers.forget(attempt_id)
    single = [item["id"] for item in attempt.paper if item["type"] == "single"]
    return attempt_id, single, phone


def test_the_newest_arrival_wins_whatever_the_clocks_say(db, auth, client, app, way, requests_built):
    attempt_id, single, phone = _two_devices(db, auth, client, app)
    question = single[0]
    devices = [(client, auth, "desk", lambda n: AHEAD + n), (phone.client, phone, "phone", lambda n: n)]
    acknowledged = []
    requests_built.clear()
    for change in range(24):  # the devices take turns; the phone's numbers are far below the desk's
        device, actor, writer, seq = devices[change % 2]
        response = "ABCD"[change % 4]
        reply = save(device, actor, attempt_id, question, response, seq=seq(change + 1), writer=writer)
        assert reply.status_code == 200 and reply.get_json()["saved"] is True, (change, reply.get_json())
        acknowledged.append((response, writer, seq(change + 1)))
        assert _row(db, attempt_id, question) == acknowledged[-1]  # stored: the newest arrival
    assert len(acknowledged) == 24
    if way == "gate":  # the quick way stored every one of them
        assert requests_built == []


def test_an_older_retry_of_one_device_is_superseded(db, auth, client, app, way, requests_built):
    attempt_id, single, phone = _two_devices(db, auth, client, app)
    question = single[1]
    assert save(client, auth, attempt_id, question, "A", seq=AHEAD + 1, writer="desk").get_json()["saved"] is True
    assert save(client, auth, attempt_id, question, "B", seq=AHEAD + 2, writer="desk").get_json()["saved"] is True
    requests_built.clear()
    retry = save(client, auth, attempt_id, question, "A", seq=AHEAD + 1, writer="desk")  # arriving late
    assert retry.status_code == 200 and retry.get_json() == {
        "saved": False, "superseded": True, "question": question, "seq": AHEAD + 1}
    assert len(requests_built) == 1  # the quick way did not acknowledge what it did not store
    assert _row(db, attempt_id, question) == ("B", "desk", AHEAD + 2)
    same = save(client, auth, attempt_id, question, "B", seq=AHEAD + 2, writer="desk")  # a lost reply's retry
    assert same.get_json()["superseded"] is True and _row(db, attempt_id, question) == ("B", "desk", AHEAD + 2)

    # the phone's first change, numbered far lower, is another writer's: stored, by arrival
    phone_change = save(phone.client, phone, attempt_id, question, "C", seq=1, writer="phone")
    assert phone_change.get_json()["saved"] is True and _row(db, attempt_id, question) == ("C", "phone", 1)
    # the desk's change after it is stored again, and the phone's own older retry is not
    assert save(client, auth, attempt_id, question, "D", seq=AHEAD + 3, writer="desk").get_json()["saved"] is True
    later = save(phone.client, phone, attempt_id, question, "A", seq=2, writer="phone")
    assert later.get_json()["saved"] is True, later.get_json()
    old = save(phone.client, phone, attempt_id, question, "C", seq=1, writer="phone")
    assert old.get_json()["superseded"] is True
    assert _row(db, attempt_id, question) == ("A", "phone", 2)


def test_many_questions_from_two_devices_are_all_in_the_database(db, auth, client, app, way):
    """More saves than a paper has questions, spread over both devices: every acknowledged
    change is what the database holds once the last change of each question has arrived."""
    attempt_id, single, phone = _two_devices(db, auth, client, app)
    db.session.rollback()
    paper = db.session.get(Attempt, attempt_id).paper
    values = {"single": "ABCD", "multiple": ["AB", "BC", "AC", "ABC"], "judge": [True, False, True, False],
              "fill": [["一"], ["二"], ["三"], ["四"]]}
    last = {}
    counters = {"desk": 0, "phone": 0}
    for round_ in range(4):
        for index, item in enumerate(paper):
            writer = "desk" if (index + round_) % 2 else "phone"
            actor = auth if writer == "desk" else phone
            counters[writer] += 1
            seq = counters[writer] + (AHEAD if writer == "desk" else 0)
            response = values[item["type"]][round_]
            reply = save(actor.client, actor, attempt_id, item["id"], response, seq=seq, writer=writer)
            assert reply.get_json()["saved"] is True, reply.get_json()
            last[item["id"]] = (response, writer, seq)
    db.session.rollback()
    rows = db.session.execute(select(Answer.question_id, Answer.response, Answer.writer, Answer.client_seq)
                              .where(Answer.attempt_id == attempt_id)).all()
    assert {row.question_id: (row.response, row.writer, row.client_seq) for row in rows} == last
    assert len(rows) == len(paper) and sum(counters.values()) == 4 * len(paper)
