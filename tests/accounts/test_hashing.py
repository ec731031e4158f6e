"""Password hashes: Argon2id at OWASP's minimum, older Werkzeug hashes upgraded at login."""
import logging
import time

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import func, select, text, update
from werkzeug.security import generate_password_hash

from examsite.accounts import hashing, services
from examsite.accounts.hashing import hash_password, spend_time, verify_password
from examsite.accounts.provisioning import ensure_accounts_for_all
from examsite.models import AuditLog, User
from examsite.models.accounts import NO_PASSWORD

from .. import factories
from ..conftest import AuthActions
from ..factories import PASSWORD

OURS = "$argon2id$v=19$m=19456,t=2,p=1$"

OLDER_HASHES = {
    "scrypt": lambda password: generate_password_hash(password, method="scrypt"),
    "pbkdf2": lambda password: generate_password_hash(password, method="pbkdf2:sha256:600000"),
    "weak-argon2id": PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash,
    "argon2i": PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.I).hash,
}

GARBAGE = [
    NO_PASSWORD, "", "garbage", "$argon2id$", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$", "$argon2id$中文",
    "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
    "$argon2id$v=19$m=19456,t=100000,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
    "scrypt:abc$salt$hash", "scrypt:1048576:64:64$salt$hash", "scrypt:32768:8$salt$hash",
    "pbkdf2:sha256:notanumber$salt$hash", "pbkdf2:no-such-digest:1000$salt$hash",
    "pbkdf2:sha256:999999999999$salt$hash", "pbkdf2:sha256:600000", "sha1$salt$hash", "plain-text-password",
]


def test_a_new_hash_is_argon2id_at_owasps_minimum():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith(OURS) and second.startswith(OURS) and first != second  # salted
    assert PASSWORD not in first
    assert verify_password(first, PASSWORD) == (True, False)
    assert verify_password(first, PASSWORD + "x") == (False, False)
    assert verify_password(first, "") == (False, False)


@pytest.mark.parametrize("kind", sorted(OLDER_HASHES))
def test_an_older_hash_matches_and_asks_to_be_replaced(kind):
    stored = OLDER_HASHES[kind](PASSWORD)
    assert not stored.startswith(OURS)
    assert verify_password(stored, PASSWORD) == (True, True)
    assert verify_password(stored, "wrong-password-1") == (False, False)


@pytest.mark.parametrize("stored", GARBAGE)
def test_anything_else_never_matches_and_never_raises(stored):
    started = time.monotonic()
    for password in (PASSWORD, stored, "", "中文密码-1", "\ud800"):
        assert verify_password(stored, password) == (False, False)
    assert time.monotonic() - started < 5  # a damaged row's huge parameters are not computed
    assert verify_password(None, PASSWORD) == (False, False)


def test_a_password_that_cannot_be_encoded_does_not_match_a_real_hash():
    assert verify_password(hash_password(PASSWORD), "\ud800") == (False, False)
    assert verify_password(generate_password_hash(PASSWORD), "\ud800") == (False, False)


def test_the_dummy_check_costs_what_a_real_check_costs():
    assert hashing._dummy_hash().startswith(OURS)
    real = hash_password(PASSWORD)

    def cpu(work) -> float:
        timings = []
        for _ in range(5):
            started = time.process_time()
            work()
            timings.append(time.process_time() - started)
        return min(timings)

    spend_time("a-guess-1")  # the dummy hash is made once, on first use
    dummy, checked = cpu(lambda: spend_time("a-guess-1")), cpu(lambda: verify_password(real, "a-guess-1"))
    assert checked > 0.005  # a real check is slow on purpose
    assert 0.5 < dummy / checked < 2


def _store(db, username: str, stored: str) -> None:
    db.session.execute(update(User).where(User.username == username).values(password_hash=stored))
    db.session.commit()


def _stored(db, username: str) -> str:
    db.session.rollback()
    return db.session.scalar(select(User.password_hash).where(User.username == username))


def test_set_password_and_new_accounts_store_argon2id(db):
    account = factories.user("clerk", "admin")
    assert account.password_hash.startswith(OURS) and account.check_password(PASSWORD)
    account.set_password("another-secret-7")
    db.session.commit()
    assert _stored(db, "clerk").startswith(OURS)
    assert account.check_password("another-secret-7") and not account.check_password(PASSWORD)


@pytest.mark.parametrize("kind", sorted(OLDER_HASHES))
def test_an_older_hash_logs_in_and_is_upgraded(db, app, kind, caplog):
    caplog.set_level(logging.DEBUG, logger="examsite")
    factories.user("clerk", "admin")
    older = OLDER_HASHES[kind](PASSWORD)
    _store(db, "clerk", older)
    audited = db.session.scalar(select(func.count(AuditLog.id)))

    wrong = AuthActions(app.test_client()).login("clerk", "wrong-password-1", follow_redirects=True)
    assert wrong.status_code == 200 and "用户名或密码错误" in wrong.get_data(as_text=True)
    assert _stored(db, "clerk") == older

    right = AuthActions(app.test_client())
    assert right.login("clerk", PASSWORD).status_code == 302
    assert "考试管理" in right.client.get("/home").get_data(as_text=True)
    upgraded = _stored(db, "clerk")
    assert upgraded.startswith(OURS) and verify_password(upgraded, PASSWORD) == (True, False)

    again = AuthActions(app.test_client())
    assert again.login("clerk", PASSWORD).status_code == 302
    assert _stored(db, "clerk") == upgraded  # a current hash is left as it is
    assert AuthActions(app.test_client()).login("clerk", "wrong-password-1").status_code == 200
    assert _stored(db, "clerk") == upgraded
    assert db.session.scalar(select(func.count(AuditLog.id))) == audited  # a rehash is nobody's act
    for secret in (PASSWORD, older, upgraded):
        assert secret not in caplog.text


def test_the_slow_hashing_holds_no_transaction_and_keeps_a_password_changed_meanwhile(db, app, monkeypatch):
    factories.user("clerk", "admin")
    _store(db, "clerk", generate_password_hash(PASSWORD))
    changed_meanwhile = hash_password("changed-elsewhere-3")
    real = services.hash_password
    seen = []

    def change_elsewhere(password):
        seen.append(db.session().in_transaction())
        with db.engine.connect() as other:  # another worker: it must not wait for this login
            if other.dialect.name == "sqlite":
                other.execute(text("PRAGMA busy_timeout=1000"))
            other.execute(update(User).where(User.username == "clerk").values(password_hash=changed_meanwhile))
            other.commit()
        return real(password)

    monkeypatch.setattr(services, "hash_password", change_elsewhere)
    result = services.authenticate("clerk", PASSWORD, "127.0.0.1", max_failures=5, lock_minutes=15)
    db.session.commit()
    assert seen == [False] and result.user is not None
    assert _stored(db, "clerk") == changed_meanwhile  # not overwritten by the login's rehash


@pytest.mark.parametrize("stored", ["garbage", "$argon2id$v=19$broken", "scrypt:abc$salt$hash", "pbkdf2:md5x:1$s$h"])
def test_a_damaged_hash_refuses_the_login_without_an_error(db, app, stored):
    factories.user("clerk", "admin")
    _store(db, "clerk", stored)
    for password in (PASSWORD, stored):
        reply = AuthActions(app.test_client()).login("clerk", password, follow_redirects=True)
        assert reply.status_code == 200 and "用户名或密码错误" in reply.get_data(as_text=True)
    assert _stored(db, "clerk") == stored


def test_an_account_without_a_password_cannot_log_in_with_any_password(db, app):
    factories.staff("0077")
    ensure_accounts_for_all()
    db.session.commit()
    assert _stored(db, "0077") == NO_PASSWORD
    for password in ("!", "some-guess-1", PASSWORD, "examsite-no-such-account"):  # 4: the 5th would lock
        reply = AuthActions(app.test_client()).login("0077", password, follow_redirects=True)
        assert reply.status_code == 200 and "用户名或密码错误" in reply.get_data(as_text=True)
    account = db.session.scalar(select(User).where(User.username == "0077"))
    assert not account.check_password("!") and account.password_hash == NO_PASSWORD
