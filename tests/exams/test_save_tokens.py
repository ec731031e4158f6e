"""The save token: what it is signed for, and every token that must not store a save refused
by the gate (before Flask) and by the full way (the Flask view alone), with the reply take.js
reads: a 401 in JSON that asks for a new login, never a redirect."""
from datetime import datetime, timedelta

from sqlalchemy import select, text

from examsite import clock
from examsite.exams import autosave, save_tokens
from examsite.exams.taking import LOGIN_LOST
from examsite.models import Answer, Attempt, User

from .. import factories
from ..conftest import AuthActions
from ..factories import PASSWORD
from .test_attempts import GRACE, START, save, start

SECRET = "a secret"
LOGIN_LOST_REPLY = {"saved": False, "error": "登录已失效，请在新窗口重新登录后回到本页，答案会自动补发。", "login": True}


def test_a_token_reads_back_as_issued_until_it_expires():
    until = datetime(2026, 6, 10, 2, 0)
    token = save_tokens.issue(SECRET, 41, 7, 3, until)
    claim = save_tokens.read(SECRET, token, 41, at=until)
    assert claim == save_tokens.SaveClaim(41, 7, 3, save_tokens.seconds(until))
    assert save_tokens.read(SECRET, token, 41, at=until + timedelta(seconds=1)) is None  # expired
    assert save_tokens.read(SECRET, token, 42, at=until) is None  # another attempt's
    assert save_tokens.read("another secret", token, 41, at=until) is None  # another server's key
    assert LOGIN_LOST_REPLY["error"] == LOGIN_LOST


def test_a_tampered_or_foreign_token_reads_as_none():
    until = datetime(2026, 6, 10, 2, 0)
    token = save_tokens.issue(SECRET, 41, 7, 3, until)
    message, signature = token.rsplit(".", 1)
    forged = [
        "", None, "v1", token + "x", token[:-1] + ("A" if token[-1] != "A" else "B"),
        message.replace(".7.", ".8.") + "." + signature,  # another user, the signature kept
        message.replace(".3.", ".4.") + "." + signature,  # a newer epoch
        message[:-1] + "9." + signature,  # a later expiry
        "v2" + token[2:],
        save_tokens.issue(SECRET, 41, 7, 3, until).replace("v1.", "v1.0", 1),
        "令牌." + signature, "x" * 500,
    ]
    for value in forged:
        assert save_tokens.read(SECRET, value, 41, at=until) is None, value
    # signed for this purpose only: the same fields under the bare secret are not a token
    import base64
    import hashlib
    import hmac

    bare = base64.urlsafe_b64encode(hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).digest())
    assert save_tokens.read(SECRET, message + "." + bare.rstrip(b"=").decode(), 41, at=until) is None


def _taking(db, auth, client, number="0001"):
    clock.freeze(START)
    factories.bank()
    exam = factories.exam(minutes=30)
    factories.examinee(number)
    db.session.commit()
    auth.login(number, PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    autosave.papers.forget(attempt.id)
    return exam, attempt, [item["id"] for item in attempt.paper if item["type"] == "single"]


def _stored(db) -> dict:
    db.session.rollback()
    return dict(db.session.execute(select(Answer.question_id, Answer.response)).all())


def _raise_epoch(db, user_id):
    """As end_sessions() does at logout, a password change, disabling and a reset."""
    db.session.rollback()
    db.session.execute(text('UPDATE "user" SET session_epoch = session_epoch + 1 WHERE id = :id'), {"id": user_id})
    db.session.commit()


def _refused(response, built, way, status=401):
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 401:
        assert response.get_json() == LOGIN_LOST_REPLY and "Location" not in response.headers
    if way == "gate":
        assert len(built) == 1  # the gate stored nothing: it reached Flask
    built.clear()


def test_a_token_issued_before_the_epoch_was_raised_is_refused(db, auth, client, way, requests_built):
    """Logout, a password change, disabling or a reset elsewhere: the page's token stops at once."""
    _, attempt, single = _taking(db, auth, client)
    assert save(client, auth, attempt.id, single[0], "A").status_code == 200  # the paper is kept
    user_id = attempt.staff.user_id
    for reason in ("logout", "password", "disable"):
        old = auth.save_tokens[attempt.id]
        _raise_epoch(db, user_id)
        if reason == "disable":
            db.session.execute(text('UPDATE "user" SET active = :off WHERE id = :id'), {"off": False, "id": user_id})
            db.session.commit()
        requests_built.clear()
        _refused(save(client, auth, attempt.id, single[1], reason[0].upper(), seq=2, token=old), requests_built, way)
        if reason != "disable":  # logged in again: the clock hands out a token of the new epoch
            auth.login("0001", PASSWORD)
            fresh = client.get(f"/my/attempts/{attempt.id}/clock").get_json()["save_token"]
            assert save_tokens.read(client.application.secret_key, fresh, attempt.id).epoch == \
                save_tokens.read(client.application.secret_key, old, attempt.id).epoch + 1
            auth.save_tokens[attempt.id] = fresh
    assert _stored(db) == {single[0]: "A"}
    assert db.session.get(User, user_id).session_epoch == 3


def test_the_quick_statement_itself_checks_the_epoch(db, auth, client):
    """Not only the view: the one statement of the quick way stores nothing for an old epoch."""
    _, attempt, single = _taking(db, auth, client)
    user = attempt.staff.user
    epoch, user_id = user.session_epoch, user.id
    _raise_epoch(db, user_id)
    assert autosave.quick_save(db.engine, attempt.id, user_id, epoch, single[0], "A", 1, "tab1", GRACE) is None
    assert _stored(db) == {}
    assert autosave.quick_save(db.engine, attempt.id, user_id, epoch + 1, single[0], "A", 1, "tab1", GRACE) is not None
    assert _stored(db) == {single[0]: "A"}


def test_a_token_of_another_attempt_or_user_is_refused(db, auth, client, app, way, requests_built):
    exam, attempt, single = _taking(db, auth, client)
    factories.examinee("0002", "李四")
    db.session.commit()
    other = AuthActions(app.test_client())
    other.login("0002", PASSWORD)
    theirs = start(other, other.client, exam)
    assert theirs != attempt.id
    requests_built.clear()
    # his own page's token, sent to my attempt: it names another attempt
    _refused(save(other.client, other, attempt.id, single[0], "B", token=other.save_tokens[theirs]),
             requests_built, way)
    # my page's token, from his browser, to his attempt
    _refused(save(other.client, other, theirs, single[0], "B", token=auth.save_tokens[attempt.id]),
             requests_built, way)
    # a token we signed for my attempt but his user (as if issued by mistake): not his attempt
    db.session.rollback()
    his = db.session.scalar(select(User).where(User.username == "0002"))
    signed = save_tokens.issue(app.secret_key, attempt.id, his.id, his.session_epoch, START + timedelta(hours=1))
    _refused(save(other.client, other, attempt.id, single[0], "B", token=signed), requests_built, way, status=404)
    assert _stored(db) == {}


def test_an_expired_or_tampered_token_is_refused(db, auth, client, app, way, requests_built):
    _, attempt, single = _taking(db, auth, client)
    good = auth.save_tokens[attempt.id]
    message, signature = good.rsplit(".", 1)
    user = attempt.staff.user
    parts = message.split(".")
    later = ".".join(parts[:4] + [str(int(parts[4]) + 3600)])
    refused = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # the signature changed
        later + "." + signature,  # an hour more, the signature kept
        save_tokens.issue("another key", attempt.id, user.id, user.session_epoch, START + timedelta(hours=1)),
        save_tokens.issue(app.secret_key, attempt.id, user.id, user.session_epoch, START - timedelta(seconds=1)),
    ]
    requests_built.clear()
    for token in refused:
        _refused(save(client, auth, attempt.id, single[0], "A", token=token), requests_built, way)
    # the page's token itself expires at the deadline, the grace period and the margin
    clock.freeze(attempt.deadline + GRACE + save_tokens.MARGIN + timedelta(seconds=1))
    _refused(save(client, auth, attempt.id, single[0], "A", token=good), requests_built, way)
    assert _stored(db) == {}
    db.session.rollback()
    assert db.session.get(Attempt, attempt.id).submitted_at is None  # refused before the attempt was read


def test_a_good_token_saves_either_way(db, auth, client, way, requests_built):
    _, attempt, single = _taking(db, auth, client)
    requests_built.clear()
    response = save(client, auth, attempt.id, single[0], "C", seq=4)
    assert response.status_code == 200 and response.get_json() == {
        "saved": True, "question": single[0], "seq": 4, "saved_at": START.isoformat() + "Z", "remaining": 30 * 60}
    assert len(requests_built) == (0 if way == "gate" else 1)
    assert _stored(db) == {single[0]: "C"}
