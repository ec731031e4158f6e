"""The grace period after a deadline, the test page's clock, and deadlines an admin changes.

Answers given before the deadline may reach the server late over a weak network: they are
stored for SAVE_GRACE_SECONDS after it, the quick way and the full way alike, and the deadline
closes an attempt (at the deadline) only once that is over. The browser asks the clock how
long is left, and every save's reply tells it, from the deadline as the database has it now.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from examsite import clock, config
from examsite.exams import attempts, autosave, save_tokens
from examsite.models import Answer, Attempt

from .. import factories
from ..conftest import AuthActions, csrf_from
from ..factories import PASSWORD
from .test_attempts import GRACE, START, save
from .test_autosave import _taking as _taking_a_test

DEADLINE = START + timedelta(minutes=30)


def _taking(auth, client, db):
    factories.bank()
    return _taking_a_test(auth, client, db)


def _stored(db) -> dict:
    db.session.rollback()  # the saves wrote on their own connections
    return dict(db.session.execute(select(Answer.question_id, Answer.response)).all())


def _attempt(db, attempt_id) -> Attempt:
    db.session.rollback()
    return db.session.get(Attempt, attempt_id)


def test_the_grace_period_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("EXAMSITE_GRACE_SECONDS", raising=False)
    assert config.from_environment(str(tmp_path), "secret")["SAVE_GRACE_SECONDS"] == 120 == GRACE.total_seconds()
    monkeypatch.setenv("EXAMSITE_GRACE_SECONDS", "45")
    assert config.from_environment(str(tmp_path), "secret")["SAVE_GRACE_SECONDS"] == 45


def test_a_save_within_the_grace_period_is_stored_the_quick_way(db, auth, client, requests_built):
    attempt, single = _taking(auth, client, db)
    assert save(client, auth, attempt.id, single[0], "A").status_code == 200  # the paper is kept
    clock.freeze(DEADLINE + GRACE)  # the last moment of the grace period
    requests_built.clear()
    response = save(client, auth, attempt.id, single[1], "B", seq=2)
    assert response.status_code == 200 and response.get_json()["remaining"] == 0
    assert requests_built == []  # stored by the gate, before Flask
    assert _stored(db) == {single[0]: "A", single[1]: "B"}
    assert _attempt(db, attempt.id).submitted_at is None


def test_a_save_within_the_grace_period_is_stored_the_full_way(db, auth, client, monkeypatch):
    attempt, single = _taking(auth, client, db)
    monkeypatch.setattr(autosave, "quick_save", lambda *args: None)  # the quick way declines
    clock.freeze(DEADLINE + timedelta(seconds=30))
    response = save(client, auth, attempt.id, single[0], "C")
    assert response.status_code == 200 and response.get_json() == {
        "saved": True, "question": single[0], "seq": 1, "remaining": 0,
        "saved_at": (DEADLINE + timedelta(seconds=30)).isoformat() + "Z"}
    assert _stored(db) == {single[0]: "C"}
    assert _attempt(db, attempt.id).submitted_at is None


@pytest.mark.parametrize("quick", [True, False])
def test_after_the_grace_period_a_save_is_refused_and_the_attempt_closed_at_its_deadline(
        db, auth, client, monkeypatch, quick):
    attempt, single = _taking(auth, client, db)
    assert save(client, auth, attempt.id, single[0], "A").status_code == 200
    if not quick:
        monkeypatch.setattr(autosave, "quick_save", lambda *args: None)
    clock.freeze(DEADLINE + GRACE + timedelta(microseconds=1))
    late = save(client, auth, attempt.id, single[1], "B", seq=2)
    assert late.status_code == 409 and late.get_json()["closed"] is True
    assert late.get_json()["error"] == "答题时间已到，试卷已自动交卷，这个答案没有保存。"
    closed = _attempt(db, attempt.id)
    assert closed.closed_by == "deadline" and closed.submitted_at == DEADLINE and closed.score is not None
    assert _stored(db) == {single[0]: "A"}


def test_the_deadline_closes_only_after_the_grace_period(db):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(minutes=30)
    people = [factories.examinee(f"{n:04d}", f"考生{n}") for n in range(1, 4)]
    taken = [attempts.start_attempt(exam, person) for person in people]
    db.session.commit()
    ids = [a.id for a in taken]

    clock.freeze(DEADLINE + GRACE)
    assert attempts.close_expired() == 0
    assert attempts.close_if_expired(db.session.get(Attempt, ids[0])) is False
    db.session.commit()
    assert all(_attempt(db, i).submitted_at is None for i in ids)

    clock.freeze(DEADLINE + GRACE + timedelta(seconds=1))
    assert attempts.close_if_expired(db.session.get(Attempt, ids[0])) is True
    db.session.commit()
    assert attempts.close_expired() == 2  # the other two
    db.session.commit()
    for attempt_id in ids:
        closed = _attempt(db, attempt_id)
        assert closed.closed_by == "deadline" and closed.submitted_at == DEADLINE and closed.score is not None


def test_the_examinees_own_submit_closes_at_once(db):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(minutes=30)
    early, late = factories.examinee("0001"), factories.examinee("0002", "李四")
    first, second = attempts.start_attempt(exam, early), attempts.start_attempt(exam, late)
    db.session.commit()
    clock.freeze(START + timedelta(minutes=10))
    attempts.submit(first)
    clock.freeze(DEADLINE + timedelta(seconds=20))  # the page hands in by itself at zero
    attempts.submit(second)
    db.session.commit()
    first, second = _attempt(db, first.id), _attempt(db, second.id)
    assert (first.closed_by, first.submitted_at) == ("examinee", START + timedelta(minutes=10))
    assert (second.closed_by, second.submitted_at) == ("deadline", DEADLINE)
    assert first.score is not None and second.score is not None


def test_the_page_still_opens_in_the_grace_period_with_no_time_left(db, auth, client):
    attempt, single = _taking(auth, client, db)
    clock.freeze(DEADLINE + timedelta(seconds=5))
    page = client.get(f"/my/attempts/{attempt.id}")
    assert page.status_code == 200 and 'data-remaining="0"' in page.get_data(as_text=True)
    assert client.get(f"/my/attempts/{attempt.id}/result").status_code == 302  # not closed yet
    clock.freeze(DEADLINE + GRACE + timedelta(seconds=1))
    assert client.get(f"/my/attempts/{attempt.id}").headers["Location"].endswith("/result")


def _move_deadline(db, attempt_id, deadline, submitted_at=None, closed_by=None):
    """As an admin's change does: the attempt's row in the database, nothing in the workers."""
    db.session.rollback()
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline, attempt.submitted_at, attempt.closed_by = deadline, submitted_at, closed_by
    db.session.commit()


def test_a_save_answers_with_a_deadline_the_admin_changed(db, auth, client, requests_built):
    attempt, single = _taking(auth, client, db)
    assert save(client, auth, attempt.id, single[0], "A").get_json()["remaining"] == 30 * 60
    assert autosave.papers.get(attempt.id).deadline == DEADLINE

    _move_deadline(db, attempt.id, DEADLINE + timedelta(minutes=15))  # extra time
    requests_built.clear()
    extended = save(client, auth, attempt.id, single[0], "B", seq=2)
    assert extended.status_code == 200 and extended.get_json()["remaining"] == 45 * 60
    assert len(requests_built) == 1  # the kept deadline was stale: the quick way stored nothing
    assert autosave.papers.get(attempt.id) is None  # and forgot the kept paper
    requests_built.clear()
    again = save(client, auth, attempt.id, single[1], "C", seq=3)
    assert again.get_json()["remaining"] == 45 * 60 and requests_built == []  # kept afresh, quick again
    assert autosave.papers.get(attempt.id).deadline == DEADLINE + timedelta(minutes=15)

    clock.freeze(START + timedelta(minutes=5))
    _move_deadline(db, attempt.id, START + timedelta(minutes=10))  # less time: the test ends early
    shortened = save(client, auth, attempt.id, single[1], "D", seq=4)
    assert shortened.status_code == 200 and shortened.get_json()["remaining"] == 5 * 60
    assert _stored(db) == {single[0]: "B", single[1]: "D"}


def test_a_save_after_the_admin_ended_the_attempt_is_refused(db, auth, client):
    attempt, single = _taking(auth, client, db)
    assert save(client, auth, attempt.id, single[0], "A").status_code == 200
    clock.freeze(START + timedelta(minutes=5))
    _move_deadline(db, attempt.id, START + timedelta(minutes=5), START + timedelta(minutes=5), "admin")
    refused = save(client, auth, attempt.id, single[0], "B", seq=2)
    assert refused.status_code == 409 and refused.get_json()["error"] == "本次答题已经交卷，答案不能再修改。"
    # reopened with ten minutes: saves are taken again, and say how long is left
    _move_deadline(db, attempt.id, START + timedelta(minutes=15))
    reopened = save(client, auth, attempt.id, single[0], "C", seq=3)
    assert reopened.status_code == 200 and reopened.get_json()["remaining"] == 10 * 60
    assert _stored(db) == {single[0]: "C"}


def _clock(client, attempt_id):
    """(status, {"remaining", "closed"}); an open attempt's reply also carries a fresh save token
    for this attempt and the CSRF token for handing in, a closed one's neither."""
    response = client.get(f"/my/attempts/{attempt_id}/clock")
    body = response.get_json()
    if body is None:
        return response.status_code, None
    token, csrf = body.pop("save_token", None), body.pop("csrf_token", None)
    if body["closed"]:
        assert token is None and csrf is None
    else:
        claim = save_tokens.read(client.application.secret_key, token, attempt_id)
        assert claim is not None and csrf
    return response.status_code, body


def test_the_clocks_token_follows_a_deadline_the_admin_moved(db, auth, client):
    """A token lasts until the deadline, the grace period and a margin; after 加时 the page
    gets a token for the new deadline from the clock (take.js takes every one it is given)."""
    attempt, single = _taking(auth, client, db)
    first = save_tokens.read(client.application.secret_key, auth.save_tokens[attempt.id], attempt.id)
    assert first.expires == save_tokens.seconds(DEADLINE + GRACE + save_tokens.MARGIN)
    _move_deadline(db, attempt.id, DEADLINE + timedelta(hours=1))
    clock.freeze(DEADLINE + GRACE + save_tokens.MARGIN + timedelta(seconds=1))
    assert save(client, auth, attempt.id, single[0], "A").status_code == 401  # the page's token has expired
    fresh = client.get(f"/my/attempts/{attempt.id}/clock").get_json()["save_token"]
    claim = save_tokens.read(client.application.secret_key, fresh, attempt.id)
    assert claim.expires == save_tokens.seconds(DEADLINE + timedelta(hours=1) + GRACE + save_tokens.MARGIN)
    assert save(client, auth, attempt.id, single[0], "A", token=fresh).status_code == 200
    assert _stored(db) == {single[0]: "A"}


def test_the_clock_tells_the_time_left_as_the_database_has_it(db, auth, client):
    attempt, single = _taking(auth, client, db)
    assert _clock(client, attempt.id) == (200, {"remaining": 30 * 60, "closed": False})
    response = client.get(f"/my/attempts/{attempt.id}/clock")
    assert response.headers["Cache-Control"] == "no-store"

    clock.freeze(START + timedelta(minutes=29))
    _move_deadline(db, attempt.id, DEADLINE + timedelta(minutes=10))
    assert _clock(client, attempt.id) == (200, {"remaining": 11 * 60, "closed": False})

    clock.freeze(DEADLINE + timedelta(minutes=10, seconds=30))  # in the grace period: not yet closed
    assert _clock(client, attempt.id) == (200, {"remaining": 0, "closed": False})
    assert _attempt(db, attempt.id).submitted_at is None

    clock.freeze(DEADLINE + timedelta(minutes=10) + GRACE + timedelta(seconds=1))
    assert _clock(client, attempt.id) == (200, {"remaining": 0, "closed": True})
    closed = _attempt(db, attempt.id)
    assert closed.closed_by == "deadline" and closed.submitted_at == DEADLINE + timedelta(minutes=10)
    assert closed.score is not None


def test_the_clock_of_an_attempt_ended_or_reopened_by_the_admin(db, auth, client):
    attempt, _ = _taking(auth, client, db)
    _move_deadline(db, attempt.id, START, START, "admin")
    assert _clock(client, attempt.id) == (200, {"remaining": 0, "closed": True})
    _move_deadline(db, attempt.id, START + timedelta(minutes=20))
    assert _clock(client, attempt.id) == (200, {"remaining": 20 * 60, "closed": False})


def test_only_the_examinee_reads_his_clock(db, auth, client, app):
    attempt, _ = _taking(auth, client, db)
    db.session.rollback()
    factories.examinee("0002", "李四")
    db.session.commit()
    other = AuthActions(app.test_client())
    other.login("0002", PASSWORD)
    assert other.client.get(f"/my/attempts/{attempt.id}/clock").status_code == 404
    assert other.client.get("/my/attempts/999999/clock").status_code == 404
    stranger = app.test_client()  # nobody logged in
    csrf_from(stranger.get("/login").get_data(as_text=True))
    assert stranger.get(f"/my/attempts/{attempt.id}/clock").status_code in (302, 401)
    assert _clock(client, attempt.id)[0] == 200
