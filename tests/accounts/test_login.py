from datetime import datetime, timedelta

from sqlalchemy import func, select

from examsite import clock
from examsite.models import AuditLog, LoginThrottle, User

from .. import factories
from ..factories import PASSWORD


def test_admin_logs_in_and_sees_admin_nav(db, auth):
    factories.user("admin", "admin")
    response = auth.login("admin", PASSWORD, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "考试管理" in html and "花名册" in html and "操作日志" in html


def test_wrong_password_is_refused_in_chinese(db, auth):
    factories.user("admin", "admin")
    html = auth.login("admin", "wrong-password", follow_redirects=True).get_data(as_text=True)
    assert "用户名或密码错误" in html
    assert "再输错 4 次账号将被锁定" in html
    assert db.session.scalar(select(LoginThrottle.failures)) == 1


def test_unknown_user_gets_the_same_message(db, auth):
    html = auth.login("nobody", "whatever", follow_redirects=True).get_data(as_text=True)
    assert "用户名或密码错误" in html


def test_account_locks_after_five_failures_then_unlocks(db, auth, client):
    factories.user("admin", "admin")
    start = datetime(2026, 6, 1, 1, 0)
    clock.freeze(start)
    for _ in range(4):
        auth.login("admin", "nope")
    html = auth.login("admin", "nope", follow_redirects=True).get_data(as_text=True)
    assert "账号已锁定 15 分钟" in html

    clock.freeze(start + timedelta(minutes=5))
    html = auth.login("admin", PASSWORD, follow_redirects=True).get_data(as_text=True)
    assert "账号已锁定" in html and "分钟后再试" in html
    assert client.get("/home").status_code == 302  # still not logged in

    clock.freeze(start + timedelta(minutes=16))
    response = auth.login("admin", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/home")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 0  # a good login starts again


def test_disabled_account_cannot_log_in(db, auth):
    account = factories.user("clerk", "admin")
    account.active = False
    db.session.commit()
    html = auth.login("clerk", PASSWORD, follow_redirects=True).get_data(as_text=True)
    assert "已停用" in html


def test_login_without_csrf_token_is_refused(db, client):
    factories.user("admin", "admin")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_logout_needs_post_with_token(db, auth, client):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no token
    assert client.get("/home").status_code == 200
    auth.post("/logout")
    assert client.get("/home").status_code == 302


def test_next_parameter_stays_on_this_site(db, auth, client):
    factories.user("admin", "admin")
    page = client.get("/login")
    from ..conftest import csrf_from

    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/login?next=//evil.example/x",
                           data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"].endswith("/home")


def test_examinee_and_liaison_get_403_on_admin_pages(db, auth, client):
    factories.user("liaison", "liaison", unit_path="城南区/城关镇")
    auth.login("liaison", PASSWORD)
    assert client.get("/audit/").status_code == 403
    assert client.get("/roster/import").status_code == 403
    assert client.get("/roster/units").status_code == 403


def test_pages_need_login(db, client):
    for url in ("/home", "/roster/", "/audit/", "/roster/import"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_create_admin_command(db, runner):
    result = runner.invoke(args=["user", "create-admin", "chief", "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    assert "已创建考试管理员 chief" in result.output
    user = db.session.scalar(select(User).where(User.username == "chief"))
    assert user.role == "admin" and user.check_password("long-enough-1")
    assert db.session.scalar(select(AuditLog.action)) == "user.create"


def test_create_admin_prints_a_generated_password(db, runner):
    result = runner.invoke(args=["user", "create-admin", "chief"])
    assert result.exit_code == 0
    password = result.output.strip().rsplit("密码：", 1)[1]
    assert db.session.scalar(select(User)).check_password(password)


def test_create_admin_refuses_bad_input_and_changes_nothing(db, runner):
    factories.user("chief", "admin")
    before = db.session.scalar(select(func.count(AuditLog.id)))
    result = runner.invoke(args=["user", "create-admin", "chief", "--password", "long-enough-1"])
    assert result.exit_code != 0 and "用户名 chief 已存在" in result.output
    result = runner.invoke(args=["user", "create-admin", "other", "--password", "short"])
    assert result.exit_code != 0 and "密码至少 8 位" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert db.session.scalar(select(func.count(AuditLog.id))) == before


def test_passwords_are_hashed(db):
    account = factories.user("admin", "admin")
    assert PASSWORD not in account.password_hash
    assert account.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
