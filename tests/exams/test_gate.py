"""The autosave gate: saves stored before Flask builds a request, and everything else left to Flask."""
import json
import time
from datetime import timedelta

import pytest
from flask import request_started
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from examsite import clock
from examsite.models import Answer

from .. import factories
from ..conftest import csrf_from
from .test_attempts import GRACE, START, save
from .test_autosave import _taking as _taking_a_test


def _taking(auth, client, db):
    factories.bank()
    return _taking_a_test(auth, client, db)


@pytest.fixture
def requests_built(app):
    """How many requests reached Flask."""
    built = []
    record = lambda sender, **extra: built.append(sender)  # noqa: E731
    request_started.connect(record, app)
    yield built
    request_started.disconnect(record, app)


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
        {"question": question, "response": "A", "seq": 1}), content_type=content_type, headers=headers,
        environ_overrides=environ)


def test_the_csrf_token_is_checked_as_flask_wtf_checks_it(db, auth, client, app):
    attempt, single = _taking(auth, client, db)
    tokens = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    refused = [
        {},  # no token
        {"X-CSRFToken": auth.token + "x"},  # tampered
        {"X-CSRFToken": tokens.dumps("another session's token")},  # signed, but not this session's
    ]
    for headers in refused:
        response = _post(client, attempt.id, single[0], headers)
        assert response.status_code == 400, headers
    clock.freeze(None)  # the token's time limit is checked against the real clock
    expired = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    old = expired.dumps(raw)
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is already too old
    assert _post(client, attempt.id, single[0], {"X-CSRFToken": old}).status_code == 400
    assert _stored(db) == {}


def test_a_forged_or_missing_session_is_left_to_flask(db, auth, client, app):
    attempt, single = _taking(auth, client, db)
    headers = {"X-CSRFToken": auth.token}
    cookie = client.get_cookie("session")
    forged = app.test_client()
    forged.set_cookie("session", cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"))
    assert _post(forged, attempt.id, single[0], headers).status_code == 400  # no session, so no CSRF match
    stranger = app.test_client()  # a session of its own, with a CSRF token, but nobody logged in
    token = csrf_from(stranger.get("/login").get_data(as_text=True))
    response = _post(stranger, attempt.id, single[0], {"X-CSRFToken": token})
    assert response.status_code in (302, 401) and "saved" not in response.get_data(as_text=True)
    assert _post(client, attempt.id, single[0], headers, content_type="text/plain").status_code == 400
    assert _stored(db) == {}


def test_over_https_the_referrer_must_be_this_site(db, auth, client, requests_built):
    attempt, single = _taking(auth, client, db)
    headers = {"X-CSRFToken": auth.token}
    https = {"wsgi.url_scheme": "https"}
    assert _post(client, attempt.id, single[0], headers, **https).status_code == 400  # no referrer
    elsewhere = dict(https, HTTP_REFERER="https://evil.example.com/my/")
    assert _post(client, attempt.id, single[0], headers, **elsewhere).status_code == 400
    assert _stored(db) == {}
    requests_built.clear()
    here = dict(https, HTTP_REFERER="https://localhost/my/attempts/1")
    assert _post(client, attempt.id, single[0], headers, **here).status_code == 200
    assert requests_built == [] and _stored(db) == {single[0]: "A"}


def test_a_checked_session_and_token_are_kept_only_while_both_are_valid(db, auth, client, app, monkeypatch):
    app.config["WTF_CSRF_TIME_LIMIT"] = 1800
    attempt, single = _taking(auth, client, db)
    assert save(client, auth, attempt.id, single[0], "A").status_code == 200  # checked, and kept

    real = time.time

    class AnHourLater:
        @staticmethod
        def time():
            return real() + 3600

    monkeypatch.setattr("examsite.exams.gate.time", AnHourLater)
    monkeypatch.setattr("itsdangerous.timed.time", AnHourLater)
    assert save(client, auth, attempt.id, single[1], "B", seq=2).status_code == 400  # the token has expired
    assert _stored(db) == {single[0]: "A"}
