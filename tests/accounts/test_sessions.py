"""Sessions that end (logout, password change, disabling), logins that cannot be guessed in
parallel or used to lock someone out, and passwords that are not the obvious ones."""
import threading

import pytest
from sqlalchemy import func, select

from examsite.accounts import passwords, services
from examsite.models import LoginThrottle, User

from .. import factories
from ..conftest import AuthActions, csrf_from
from ..factories import PASSWORD


def _cookies(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _replay(app, cookies: dict[str, str]):
    """A new browser holding yesterday's cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def test_a_cookie_copied_before_logout_or_a_password_change_reads_nothing_after(db, app):
    factories.user("clerk", "admin")
    auth = AuthActions(app.test_client())
    auth.login("clerk", PASSWORD)
    before = _cookies(auth.client)
    assert _replay(app, before).get("/home").status_code == 200
    auth.post("/logout")
    assert _replay(app, before).get("/home").status_code == 302

    auth.login("clerk", PASSWORD)
    other_device = AuthActions(app.test_client())
    other_device.login("clerk", PASSWORD)
    copied = _cookies(auth.client)
    page = auth.client.get("/password").get_data(as_text=True)
    auth.token = csrf_from(page)
    changed = auth.post("/password", {"current": PASSWORD, "password": "brand-new-pass-7", "confirm": "brand-new-pass-7"})
    assert changed.status_code == 302
    assert auth.client.get("/home").status_code == 200  # the browser that changed it stays in
    assert other_device.client.get("/home").status_code == 302  # every other session is over
    assert _replay(app, copied).get("/home").status_code == 302


def test_the_remember_cookie_dies_with_a_password_change(db, app):
    factories.user("clerk", "admin")
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "clerk", "password": PASSWORD, "remember": "y", "csrf_token": token})
    remember = {k: v for k, v in _cookies(client).items() if k == "remember_token"}
    assert remember and _replay(app, remember).get("/home").status_code == 200  # restored from the cookie alone
    user = db.session.scalar(select(User).where(User.username == "clerk"))
    services.change_password(user, "brand-new-pass-7", PASSWORD)
    db.session.commit()
    assert _replay(app, remember).get("/home").status_code == 302


def test_a_login_starts_a_new_session_and_csrf_token(db, app):
    factories.user("clerk", "admin")
    client = app.test_client()
    before_token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": before_token})
    assert client.post("/logout", data={"csrf_token": before_token}).status_code == 400
    after = csrf_from(client.get("/home").get_data(as_text=True))
    assert after != before_token


def test_parallel_wrong_passwords_are_counted_before_the_slow_check(db, app, monkeypatch):
    factories.user("clerk", "admin")
    checked = []
    real = services.verify_password

    def counting(password_hash, password):
        checked.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", counting)
    guessers = [AuthActions(app.test_client()) for _ in range(16)]
    for guesser in guessers:
        guesser.token = csrf_from(guesser.client.get("/login").get_data(as_text=True))
    barrier = threading.Barrier(len(guessers))
    replies = []

    def guess(actor, n):
        barrier.wait()
        replies.append(actor.client.post("/login", data={"username": "clerk", "password": f"guess-{n}",
                                                         "csrf_token": actor.token}).get_data(as_text=True))

    threads = [threading.Thread(target=guess, args=(g, n)) for n, g in enumerate(guessers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(replies) == 16 and len(checked) <= 5  # the rest were refused before any check
    assert sum("账号已锁定" in reply for reply in replies) >= 11
    assert "账号已锁定" in AuthActions(app.test_client()).login("clerk", PASSWORD, follow_redirects=True).get_data(as_text=True)


def test_a_lock_holds_one_address_and_the_liaison_lifts_it(db, app):
    person = factories.examinee("0042", "王五")
    factories.user("liaison", "liaison", unit_path="城南区/城关镇")
    stranger = AuthActions(app.test_client())
    stranger.client.environ_base["REMOTE_ADDR"] = "127.0.0.9"
    for _ in range(6):
        stranger.login("0042", "wrong-guess-x")
    assert "账号已锁定" in stranger.login("0042", PASSWORD, follow_redirects=True).get_data(as_text=True)
    owner = AuthActions(app.test_client())  # his own computer
    assert owner.login("0042", PASSWORD).status_code == 302
    liaison = AuthActions(app.test_client())
    liaison.login("liaison", PASSWORD)
    liaison.token = csrf_from(liaison.client.get(f"/accounts/{person.user_id}").get_data(as_text=True))
    liaison.post(f"/accounts/{person.user_id}/unlock")
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 0
    assert stranger.login("0042", PASSWORD).status_code == 302


def test_unknown_names_and_accounts_without_a_password_cost_a_real_check(db, app, monkeypatch):
    factories.staff("0077")
    from examsite.accounts.provisioning import ensure_accounts_for_all

    ensure_accounts_for_all()
    db.session.commit()
    hashed = []
    real = services.spend_time
    monkeypatch.setattr(services, "spend_time", lambda p: hashed.append(p) or real(p))
    for name in ("nobody-here", "0077"):
        reply = AuthActions(app.test_client()).login(name, "some-guess-1", follow_redirects=True)
        assert "用户名或密码错误" in reply.get_data(as_text=True)
    assert hashed == ["some-guess-1", "some-guess-1"]


def test_changing_a_password_asks_for_the_current_one_except_after_a_code(db, app):
    factories.user("clerk", "admin")
    auth = AuthActions(app.test_client())
    auth.login("clerk", PASSWORD)
    auth.token = csrf_from(auth.client.get("/password").get_data(as_text=True))
    wrong = auth.post("/password", {"current": "not-it-at-all", "password": "brand-new-pass-7",
                                    "confirm": "brand-new-pass-7"}, follow_redirects=True)
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    missing = auth.post("/password", {"password": "brand-new-pass-7", "confirm": "brand-new-pass-7"},
                        follow_redirects=True)
    assert "请输入当前密码" in missing.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "clerk")).check_password(PASSWORD)


@pytest.mark.parametrize("candidate, problem", [
    ("short1", "至少 8 位"), ("12345678", "太常见"), ("abcdefgh", "太常见"), ("aaaaaaaa", "太常见"),
    ("Password123", "太常见"), ("x0042y-secret", "包含用户名"), ("woaini1314", "太常见"),
])
def test_obvious_passwords_are_refused(candidate, problem):
    assert problem in passwords.password_problem(candidate, "0042")


def test_a_sound_password_passes():
    assert passwords.password_problem("晴天-Lake-2719", "0042") is None
    assert passwords.password_problem("river-stone-88", "0042") is None


def test_the_minute_job_forgets_old_counts_but_not_a_lock(db, runner):
    from datetime import timedelta

    from examsite import clock

    factories.user("clerk", "admin")
    clerk = db.session.scalar(select(User.id).where(User.username == "clerk"))
    moment = clock.now()
    db.session.add_all([
        LoginThrottle(user_id=clerk, address="10.0.0.1", failures=3, updated_at=moment - timedelta(days=2)),
        LoginThrottle(user_id=clerk, address="10.0.0.2", failures=2, updated_at=moment - timedelta(minutes=5)),
        LoginThrottle(user_id=clerk, address="10.0.0.3", failures=0, updated_at=moment - timedelta(days=2),
                      locked_until=moment + timedelta(minutes=10)),
    ])
    db.session.commit()
    assert runner.invoke(args=["exam", "close-expired"]).exit_code == 0
    db.session.expire_all()
    left = set(db.session.scalars(select(LoginThrottle.address)))
    assert left == {"10.0.0.2", "10.0.0.3"}  # a fresh count and a lock that still holds stay
