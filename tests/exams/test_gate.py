"""The autosave gate: saves stored before Flask builds a request, and everything else left to Flask."""
import json
from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from examsite import clock
from examsite.exams import save_tokens
from examsite.models import Answer

from .. import factories
from .test_attempts import GRACE, START, save
from .test_autosave import _taking as _taking_a_test


def _taking(auth, client, db):
    factories.bank()
    return _taking_a_test(auth, client, db)


def _stored(db) -> dict:
    db.session.rollback()  # the saves wrote on their own connections
    return dict(db.session.execute(select(Answer.question_id, Answer.response)).all())


def test_a_save_is_stored_without_building_a_request(db, auth, client, requests_built):
    attempt, single = _taking(auth, client, db)
    requests_built.clear()
    response = save(client, auth, attempt.id, single[0], "A", seq=3)
    assert requests_built == []
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.get_json() == {"saved": True, "question": single[0], "seq": 3,
                                   "saved_at": START.isoformat() + "Z", "remaining": 30 * 60}
    assert response.headers["Cache-Control"] == "no-store"
    assert _stored(db) == {single[0]: "A"}


def test_what_the_gate_does_not_vouch_for_reaches_flask_with_its_body(db, auth, client, requests_built):
    attempt, single = _taking(auth, client, db)
    requests_built.clear()
    unknown = save(client, auth, attempt.id, 424242, "A")
    assert unknown.status_code == 400 and unknown.get_json()["error"] == "这道题不在您的试卷中。"
    assert len(requests_built) == 1
    clock.freeze(START + timedelta(minutes=31) + GRACE)
    late = save(client, auth, attempt.id, single[0], "A", seq=2)
    assert late.status_code == 409 and late.get_json()["closed"] is True
    assert _stored(db) == {}


def _post(client, attempt_id, question, headers, content_type="application/json", **environ):
    return client.post(f"/my/attempts/{attempt_id}/answers", data=json.dumps(
        {"question": question, "response": "A", "seq": 1, "writer": "tab1"}), content_type=content_type,
        headers=headers, environ_overrides=environ)


def _token(auth, attempt) -> dict:
    return {"X-Save-Token": auth.save_tokens[attempt.id]}


def test_the_save_token_is_the_credential_not_the_csrf_token(db, auth, client, app, requests_built):
    attempt, single = _taking(auth, client, db)
    tokens = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    good = auth.save_tokens[attempt.id]
    refused = [
        {},  # no token
        {"X-CSRFToken": auth.token},  # the session's CSRF token is no save token
        {"X-Save-Token": auth.token},
        {"X-Save-Token": good[:-1] + ("A" if good[-1] != "A" else "B")},  # tampered
        {"X-Save-Token": tokens.dumps("another session's token")},  # signed with the secret, for another purpose
    ]
    requests_built.clear()
    for headers in refused:
        response = _post(client, attempt.id, single[0], headers)
        assert response.status_code == 401 and response.get_json()["login"] is True, headers
    assert len(requests_built) == len(refused)  # the gate stored none: each went the full way
    assert _stored(db) == {}


def test_the_session_cookie_is_not_the_credential(db, auth, client, app, requests_built):
    """The token alone stores a save (a browser whose session cookie is gone keeps saving until
    its token expires or the account's epoch is raised); the cookie alone stores nothing."""
    attempt, single = _taking(auth, client, db)
    headers = _token(auth, attempt)
    assert _post(client, attempt.id, single[0], {}).status_code == 401
    cookieless = app.test_client()
    requests_built.clear()
    assert _post(cookieless, attempt.id, single[0], headers).status_code == 200
    assert requests_built == [] and _stored(db) == {single[0]: "A"}
    assert _post(client, attempt.id, single[0], headers, content_type="text/plain").status_code == 400


def test_no_referrer_is_needed_over_https(db, auth, client, requests_built):
    """A page of another site cannot make a browser send a custom header here: a save's
    referrer is not checked (over HTTPS Flask-WTF would have), only its token."""
    attempt, single = _taking(auth, client, db)
    https = {"wsgi.url_scheme": "https"}
    elsewhere = dict(https, HTTP_REFERER="https://evil.example.com/my/")
    assert _post(client, attempt.id, single[0], {}, **elsewhere).status_code == 401  # no token, whatever the referrer
    assert _stored(db) == {}
    requests_built.clear()
    assert _post(client, attempt.id, single[0], _token(auth, attempt), **https).status_code == 200  # no referrer
    assert requests_built == [] and _stored(db) == {single[0]: "A"}


def test_a_token_is_good_only_until_it_expires(db, auth, client, app, requests_built):
    attempt, single = _taking(auth, client, db)
    user = attempt.staff.user
    short = save_tokens.issue(app.secret_key, attempt.id, user.id, user.session_epoch, START + timedelta(minutes=1))
    assert save(client, auth, attempt.id, single[0], "A", token=short).status_code == 200
    clock.freeze(START + timedelta(minutes=1, seconds=1))
    requests_built.clear()
    expired = save(client, auth, attempt.id, single[1], "B", seq=2, token=short)
    assert expired.status_code == 401 and expired.get_json()["login"] is True
    assert len(requests_built) == 1  # the gate did not store it
    fresh = client.get(f"/my/attempts/{attempt.id}/clock").get_json()["save_token"]  # as take.js fetches one
    assert save(client, auth, attempt.id, single[1], "B", seq=2, token=fresh).status_code == 200
    assert _stored(db) == {single[0]: "A", single[1]: "B"}
