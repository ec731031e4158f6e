"""Accounts for everyone on the roster, and their management by the admin and by a liaison."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from examsite import clock
from examsite.models import AccessCode, AuditLog, Staff, User
from examsite.accounts import throttle
from examsite.models.accounts import NO_PASSWORD
from examsite.roster.services import import_roster

from .. import factories
from ..conftest import AuthActions, csrf_from, started_attempt
from ..factories import PASSWORD
from ..roster.files import csv_bytes


def _roster(count: int, town: str = "城关镇", start: int = 1) -> bytes:
    return csv_bytes([(f"{n:05d}", f"人员{n}", f"城南区/{town}/党政办", "一般干部", "科员")
                      for n in range(start, start + count)])


def test_a_roster_import_gives_every_person_an_account_named_by_his_staff_number(db):
    factories.unit("城南区/城关镇/党政办")
    factories.unit("城南区/东岗镇/党政办")
    factories.user("admin", "admin")  # a 工号 equal to an admin's username never takes that account over
    rows = [(f"{n:05d}", f"人员{n}", "城南区/城关镇/党政办" if n < 500 else "城南区/东岗镇/党政办", "一般干部", "科员")
            for n in [*range(1, 121), *range(500, 530)]] + [("admin", "同名", "城南区/城关镇/党政办", "一般干部", "科员")]
    result = import_roster("花名册.csv", csv_bytes(rows))
    db.session.commit()
    assert result.ok and result.accounts_created == 150
    accounts = db.session.execute(select(User.username, User.role, User.password_hash, Staff.staff_no)
                                  .join(Staff, Staff.user_id == User.id)).all()
    assert len(accounts) == 150
    assert all(a.username == a.staff_no and a.role == "examinee" and a.password_hash == NO_PASSWORD for a in accounts)
    assert db.session.scalar(select(Staff.user_id).where(Staff.staff_no == "admin")) is None
    assert db.session.scalar(select(User.role).where(User.username == "admin")) == "admin"
    assert db.session.scalar(select(AuditLog.summary).where(AuditLog.summary.like("%150 名人员建立考生账号%")))
    # importing again creates nothing more
    again = import_roster("花名册.csv", csv_bytes(rows))
    db.session.commit()
    assert again.accounts_created == 0 and db.session.scalar(select(func.count(User.id))) == 151


def _liaison_and_people(db):
    factories.user("admin", "admin")
    liaison = factories.user("liaison", "liaison", unit_path="城南区/城关镇")
    import_roster("a.csv", _roster(60))
    import_roster("b.csv", _roster(5, "东岗镇", 900))
    db.session.commit()
    return liaison


def test_accounts_list_pages_and_searches_and_a_liaison_sees_only_his_examinees(db, auth, app):
    _liaison_and_people(db)
    auth.login("admin", PASSWORD)
    first = auth.client.get("/accounts/").get_data(as_text=True)
    assert "共 67 条" in first and "第 1 / 2 页" in first
    second = auth.client.get("/accounts/?page=2").get_data(as_text=True)
    assert auth.client.get("/accounts/?page=2").status_code == 200 and "第 2 / 2 页" in second
    found = auth.client.get("/accounts/?q=人员903").get_data(as_text=True)
    assert "00903" in found and "00001" not in found and "共 1 条" in found

    liaison = AuthActions(app.test_client())
    liaison.login("liaison", PASSWORD)
    mine = liaison.client.get("/accounts/").get_data(as_text=True)
    assert "共 60 条" in mine and "00903" not in mine and ">admin<" not in mine
    outside = db.session.scalar(select(User.id).where(User.username == "00903"))
    admin_id = db.session.scalar(select(User.id).where(User.username == "admin"))
    for target in (outside, admin_id):
        assert liaison.client.get(f"/accounts/{target}").status_code == 404
        for action in ("disable", "unlock", "password", "code"):
            assert liaison.post(f"/accounts/{target}/{action}").status_code == 404
    assert liaison.client.get("/accounts/new").status_code == 403
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action.like("user.%"),
                                                                    AuditLog.action != "user.create")) == 0
    east = db.session.scalar(select(Staff.unit_id).where(Staff.staff_no == "00903"))
    assert liaison.client.get(f"/accounts/?unit={east}").status_code == 404


def test_a_forgotten_password_takes_the_liaison_one_click_and_the_attempt_goes_on(db, app):
    _liaison_and_people(db)
    factories.bank()
    exam = factories.exam(minutes=30)
    db.session.commit()
    person = db.session.scalar(select(Staff).where(Staff.staff_no == "00007"))
    person.user.set_password("own-password-1")
    db.session.commit()
    examinee = AuthActions(app.test_client())
    examinee.login("00007", "own-password-1")
    attempt_url = f"/my/attempts/{started_attempt(examinee.post(f'/my/exams/{exam.id}/start'))}"
    clock.freeze(clock.now() + timedelta(minutes=10))

    liaison = AuthActions(app.test_client())
    liaison.login("liaison", PASSWORD)
    page = liaison.client.get(f"/accounts/{person.user_id}").get_data(as_text=True)
    liaison.token = csrf_from(page)
    shown = liaison.post(f"/accounts/{person.user_id}/code")
    assert shown.headers["Cache-Control"] == "no-store"
    html = shown.get_data(as_text=True)
    code = re.search(r'id="secret">([A-Z2-9]{8})<', html).group(1)
    assert "argon2" not in html and "scrypt" not in html and "pbkdf2" not in html
    stored = db.session.scalar(select(AccessCode).where(AccessCode.staff_id == person.id, AccessCode.exam_id.is_(None)))
    assert stored is not None and code not in stored.code_hash and code not in html.replace(f'id="secret">{code}<', "")

    again = AuthActions(app.test_client())
    again.token = csrf_from(again.client.get("/code").get_data(as_text=True))
    entered = again.post("/code", {"staff_no": "00007", "code": code})
    assert entered.status_code == 302 and entered.headers["Location"] == "/password?next=/my/"
    paper = again.client.get(attempt_url).get_data(as_text=True)
    assert "remaining" in paper or "剩余" in paper
    remaining = int(re.search(r'data-remaining="(\d+)"', paper).group(1))
    assert 19 * 60 - 5 <= remaining <= 20 * 60  # his own time, 10 of 30 minutes gone
    assert db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "user.code")).startswith("为 人员7（00007）")


def test_reset_disable_enable_unlock_are_audited_and_end_sessions(db, app):
    _liaison_and_people(db)
    person = db.session.scalar(select(Staff).where(Staff.staff_no == "00003"))
    person.user.set_password("own-password-1")
    db.session.commit()
    examinee = AuthActions(app.test_client())
    examinee.login("00003", "own-password-1")
    assert examinee.client.get("/my/").status_code == 200

    admin = AuthActions(app.test_client())
    admin.login("admin", PASSWORD)
    admin.token = csrf_from(admin.client.get(f"/accounts/{person.user_id}").get_data(as_text=True))
    admin.post(f"/accounts/{person.user_id}/disable", {"reason": "调离"})
    assert examinee.client.get("/my/").status_code == 302  # his session is over
    refused = AuthActions(app.test_client()).login("00003", "own-password-1", follow_redirects=True)
    assert "已停用" in refused.get_data(as_text=True)
    admin.post(f"/accounts/{person.user_id}/enable")

    html = admin.post(f"/accounts/{person.user_id}/password").get_data(as_text=True)
    password = re.search(r'id="secret">([^<]+)<', html).group(1)
    assert AuthActions(app.test_client()).login("00003", password).status_code == 302
    assert AuthActions(app.test_client()).login("00003", "own-password-1").status_code == 200  # the old one is gone

    for _ in range(5):
        AuthActions(app.test_client()).login("00003", "wrong-guess")
    db.session.expire_all()
    assert throttle.is_locked(person.user_id)
    admin.post(f"/accounts/{person.user_id}/unlock")
    assert AuthActions(app.test_client()).login("00003", password).status_code == 302
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.target_id == str(person.user_id))
                                 .order_by(AuditLog.id)).all()
    assert actions == ["user.disable", "user.enable", "user.reset_password", "user.unlock"]
    assert "调离" in db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "user.disable"))
    assert "不能停用自己的账号" in admin.post(
        f"/accounts/{db.session.scalar(select(User.id).where(User.username == 'admin'))}/disable",
        follow_redirects=True).get_data(as_text=True)


def test_the_admin_creates_a_liaison_with_his_unit(db, auth, app):
    factories.user("admin", "admin")
    town = factories.unit("城南区/城关镇")
    db.session.commit()
    auth.login("admin", PASSWORD)
    auth.token = csrf_from(auth.client.get("/accounts/new").get_data(as_text=True))
    html = auth.post("/accounts/new", {"username": "cg-liaison", "display_name": "王联络", "role": "liaison",
                                       "unit_id": town.id}).get_data(as_text=True)
    password = re.search(r'id="secret">([^<]+)<', html).group(1)
    created = db.session.scalar(select(User).where(User.username == "cg-liaison"))
    assert created.role == "liaison" and created.unit_id == town.id
    assert AuthActions(app.test_client()).login("cg-liaison", password).status_code == 302
    no_unit = auth.post("/accounts/new", {"username": "x2", "display_name": "x", "role": "liaison", "unit_id": 0},
                        follow_redirects=True).get_data(as_text=True)
    assert "必须指定所属单位" in no_unit
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "x2")) == 0


def test_a_person_who_left_cannot_log_in_and_one_who_came_back_can(db, auth):
    person = factories.examinee("0101", "李四")
    person.left_at = clock.now()
    db.session.commit()
    html = auth.login("0101", PASSWORD, follow_redirects=True).get_data(as_text=True)
    assert "离岗" in html and auth.client.get("/my/").status_code == 302
    person.left_at = None
    db.session.commit()
    assert auth.login("0101", PASSWORD).status_code == 302
