"""Draws through the pages: make, verify, void, assign, slips, and entering with a code."""
import io
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from examsite import clock
from examsite.models import AccessCode, AuditLog, Draw, Exam, LoginThrottle, Tier, User
from examsite.roster.services import tree_rows

from .. import factories
from ..conftest import AuthActions, csrf_from
from ..factories import PASSWORD


@pytest.fixture
def admin(db, auth, client):
    clock.freeze(datetime(2026, 6, 1, 1, 0))
    for n in range(1, 31):
        factories.staff(f"{n:04d}", f"人员{n}", ["城南区/城关镇/党政办", "城南区/东岗镇/党政办"][n % 2],
                        "乡科级" if n % 3 else "一般干部")
    factories.bank()
    factories.exam(title="乡科级抽测", mode="sample", tiers=("乡科级", "一般干部"))
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    auth.token = csrf_from(client.get("/draws/new").get_data(as_text=True))
    return auth


def make(admin, **fields):
    data = {"method": "size", "amount": "6", "exclude_days": "0", "seed": "20260601", "subunits": "y", **fields}
    return admin.post("/draws/new", data, follow_redirects=True)


def test_make_verify_and_history(admin, client, db):
    html = make(admin, tiers=["乡科级"], units=["城南区/城关镇"]).get_data(as_text=True)
    assert "已抽取 6 人。种子：20260601" in html
    made = db.session.scalar(select(Draw))
    assert all(m.staff.tier.name == "乡科级" and "城关镇" in m.staff.unit.path for m in made.members)
    checked = client.get(f"/draws/{made.id}?verify=1").get_data(as_text=True)
    assert "重新抽取的名单与保存的名单一致" in checked
    assert "第 1 次" in client.get("/draws/").get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({"amount": "100"}, "要抽取 100 人，但符合条件的只有 30 人"),
    ({"method": "proportion", "amount": "2"}, "抽取比例必须大于 0 且不超过 1"),
    ({"tiers": ["县处级"]}, "没有选出任何人员"),
])
def test_bad_draw_stores_nothing(admin, db, fields, message):
    assert message in make(admin, **fields).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Draw.id))) == 0


def test_void_needs_a_reason_and_is_kept(admin, client, db):
    make(admin)
    made = db.session.scalar(select(Draw))
    assert "作废必须写明原因" in admin.post(f"/draws/{made.id}/void", {"reason": ""}, follow_redirects=True).get_data(as_text=True)
    admin.post(f"/draws/{made.id}/void", {"reason": "条件选错"})
    db.session.expire_all()
    assert db.session.get(Draw, made.id).void_reason == "条件选错"
    assert db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "draw.void")) == f"作废第 {made.id} 次抽取：条件选错"


def test_assign_slips_and_single_use_codes(admin, client, db, app):
    make(admin)
    made = db.session.scalar(select(Draw))
    exam = db.session.scalar(select(Exam))
    html = admin.post(f"/draws/{made.id}/assign", {"exam_id": exam.id}, follow_redirects=True).get_data(as_text=True)
    assert "已分配，新建考生账号 6 个" in html
    response = admin.post(f"/draws/{made.id}/slips")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    drawn_units = {m.staff.unit.path for m in made.members}
    assert sorted(book.sheetnames) == sorted(p.split("/", 1)[1].replace("/", "_") for p in drawn_units)
    for sheet in book:  # one sheet per unit, its people only, sorted by 工号
        units = {row[1] for row in sheet.iter_rows(min_row=5, values_only=True)}
        assert len(units) == 1 and units.pop().endswith(sheet.title.replace("_", "/"))
        numbers = [row[2] for row in sheet.iter_rows(min_row=5, values_only=True)]
        assert numbers == sorted(numbers)
    rows = [row for sheet in book for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert len(rows) == 6 and all(re.fullmatch(r"[A-Z2-9]{8}", r[3]) for r in rows)
    assert book.worksheets[0]["A4"].value == "姓名" and book.worksheets[0].freeze_panes == "A5"
    stored = db.session.scalars(select(AccessCode.code_hash)).all()
    assert len(stored) == 6 and not any(r[3] in h for r in rows for h in stored)

    name, _, staff_no, code = rows[0][:4]
    visitor = AuthActions(app.test_client())
    page = visitor.client.get("/code").get_data(as_text=True)
    visitor.token = csrf_from(page)
    entered = visitor.post("/code", {"staff_no": staff_no, "code": code.lower()})
    assert entered.status_code == 302 and entered.headers["Location"] == f"/password?next=/my/exams/{exam.id}"
    asked = visitor.client.get(entered.headers["Location"]).get_data(as_text=True)
    assert "请先设置一个密码" in asked and f'href="/my/exams/{exam.id}" id="skip"' in asked
    assert "开始答题" in visitor.client.get(f"/my/exams/{exam.id}").get_data(as_text=True)

    # he sets a password, and can log in with it after his browser is gone
    visitor.token = csrf_from(asked)
    short = visitor.post(entered.headers["Location"], {"password": "short", "confirm": "short"}, follow_redirects=True)
    assert "字段长度必须介于 8 到 128 个字符之间" in short.get_data(as_text=True)
    differ = visitor.post(entered.headers["Location"], {"password": "new-password-1", "confirm": "new-password-2"},
                          follow_redirects=True)
    assert "两次输入的密码不一样" in differ.get_data(as_text=True)
    done = visitor.post(entered.headers["Location"], {"password": "new-password-1", "confirm": "new-password-1"})
    assert done.status_code == 302 and done.headers["Location"] == f"/my/exams/{exam.id}"
    later = AuthActions(app.test_client())
    assert later.login(staff_no, "new-password-1").status_code == 302
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "user.password")) is not None

    again = AuthActions(app.test_client())
    again.token = csrf_from(again.client.get("/code").get_data(as_text=True))
    html = again.post("/code", {"staff_no": staff_no, "code": code}, follow_redirects=True).get_data(as_text=True)
    assert "访问码已经用过" in html
    wrong = again.post("/code", {"staff_no": rows[1][2], "code": "AAAAAAAA"}, follow_redirects=True)
    assert "工号或访问码不正确" in wrong.get_data(as_text=True)


def test_assign_only_to_a_spot_test(admin, db):
    make(admin)
    made = db.session.scalar(select(Draw))
    everyone = factories.exam(title="全员测试", mode="all")
    db.session.commit()
    html = admin.post(f"/draws/{made.id}/assign", {"exam_id": everyone.id}, follow_redirects=True).get_data(as_text=True)
    assert "请选择一个“随机抽测”方式的测试" in html
    assert db.session.get(Draw, made.id).exam_id is None
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_wrong_access_codes_lock_the_entrance_like_wrong_passwords(admin, db, app):
    make(admin)
    made = db.session.scalar(select(Draw))
    exam = db.session.scalar(select(Exam))
    admin.post(f"/draws/{made.id}/assign", {"exam_id": exam.id})
    book = load_workbook(io.BytesIO(admin.post(f"/draws/{made.id}/slips").data))
    _, _, staff_no, code = next(book.worksheets[0].iter_rows(min_row=5, max_row=5, values_only=True))[:4]
    visitor = AuthActions(app.test_client())
    visitor.token = csrf_from(visitor.client.get("/code").get_data(as_text=True))

    def enter(code_typed):
        return visitor.post("/code", {"staff_no": staff_no, "code": code_typed}, follow_redirects=True).get_data(as_text=True)

    assert "再输错 4 次账号将被锁定" in enter("AAAAAAAA")
    for _ in range(3):
        enter("AAAAAAAA")
    assert "访问码连续输错 5 次，账号已锁定 15 分钟" in enter("AAAAAAAA")
    assert "账号已锁定" in enter(code)  # even the right code waits for the lock
    db.session.expire_all()
    account = db.session.scalar(select(User).where(User.username == staff_no))
    locked_until = db.session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.user_id == account.id))
    clock.freeze(locked_until + timedelta(minutes=1))
    entered = visitor.post("/code", {"staff_no": staff_no, "code": code})
    assert entered.status_code == 302 and entered.headers["Location"].endswith(f"next=/my/exams/{exam.id}")
    visitor.token = csrf_from(visitor.client.get("/code").get_data(as_text=True))  # entering began a new session
    unknown = visitor.post("/code", {"staff_no": "不存在", "code": "AAAAAAAA"}, follow_redirects=True)
    assert "工号或访问码不正确" in unknown.get_data(as_text=True)


class _FormFields(HTMLParser):
    """The (name, value) pairs a browser would send from the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif self.inside and tag in ("input", "button") and attrs.get("name"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = _FormFields(form_id)
    parser.feed(html)
    return parser.fields


def trial_members(html: str) -> list[str]:
    table = html.split('id="trial-members"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row)[3] for row in table.split("<tr>")[2:]]


def post_fields(admin, fields):
    """Post a form's fields as a browser sends them (a name may repeat)."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        if name != "csrf_token":
            data.setdefault(name, []).append(value)
    return admin.post("/draws/new", data, follow_redirects=True)


def test_trial_shows_the_list_and_saves_nothing_then_confirm_saves_the_same(admin, db):
    html = make(admin, seed="", units=["城南区/城关镇"], trial="试抽（不保存）").get_data(as_text=True)
    assert 'id="trial"' in html and "试抽结果（尚未保存）" in html
    assert db.session.scalar(select(func.count(Draw.id))) == 0
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "draw.trial")) == 1
    assert "城南区/城关镇（含下级单位）的全部在岗人员；随机抽取 6 人" in html
    assert re.search(r'id="trial-population">15<', html)
    shown = trial_members(html)
    assert len(shown) == 6
    fields = form_fields(html, "confirm-form")
    seed = dict(fields)["trial_seed"]
    assert len(seed) == 32 and dict(fields)["confirm"] == "确认保存"
    saved = post_fields(admin, fields).get_data(as_text=True)
    assert f"已抽取 6 人。种子：{seed}" in saved
    made = db.session.scalar(select(Draw))
    assert [m.staff.staff_no for m in made.members] == shown and made.seed == seed
    assert made.parameters["unit_paths"] == ["城南区/城关镇"]
    assert "城南区/城关镇（含下级单位）的全部在岗人员；随机抽取 6 人" in saved  # the detail page in words
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "draw.create")) == 1


def test_confirm_after_the_population_changed_shows_the_new_trial(admin, db):
    html = make(admin, tiers=["乡科级"], trial="试抽（不保存）").get_data(as_text=True)
    fields = form_fields(html, "confirm-form")
    factories.staff("0999", "新调入", "城南区/城关镇/党政办", "乡科级")
    db.session.commit()
    refused = post_fields(admin, fields).get_data(as_text=True)
    assert "试抽之后花名册有变化" in refused and "没有保存" in refused
    assert 'id="trial"' in refused and re.search(r'id="trial-population">21<', refused)
    assert db.session.scalar(select(func.count(Draw.id))) == 0
    newer = form_fields(refused, "confirm-form")
    assert dict(newer)["trial_hash"] != dict(fields)["trial_hash"]
    post_fields(admin, newer)
    made = db.session.scalar(select(Draw))
    assert [m.staff.staff_no for m in made.members] == trial_members(refused)


def test_subunits_ticked_with_their_town_are_one_stratum(admin, db):
    html = make(admin, units=["城南区/城关镇", "城南区/城关镇/党政办"], amount="1", method="per_unit",
                trial="试抽（不保存）").get_data(as_text=True)
    shares = html.split('id="trial-shares"', 1)[1].split("</table>", 1)[0]
    assert "<td>城南区/城关镇</td>" in shares and "党政办" not in shares
    assert "城南区/城关镇（含下级单位）的全部在岗人员；每个单位抽取 1 人" in html


def test_the_draw_form_is_checkboxes_in_tree_order(admin, client, db):
    html = client.get("/draws/new").get_data(as_text=True)
    boxes = re.findall(r'<input class="form-check-input" type="checkbox" name="units" value="([^"]+)"', html)
    assert boxes == [unit.path for unit, _ in tree_rows()]
    assert re.findall(r'name="tiers" value="([^"]+)"', html) == [t.name for t in db.session.scalars(
        select(Tier).order_by(Tier.rank))]
    assert 'data-cascade="subunits"' in html and "unit-picker.js" in html
    assert not re.search(r"<select[^>]*multiple", html)  # no Ctrl-click lists
    # an unknown unit is refused as before, with nothing drawn
    refused = make(admin, units=["城南区/不存在的镇"]).get_data(as_text=True)
    assert "没有这个单位（城南区/不存在的镇），可能刚被改名或删除，请刷新页面后重新勾选。" in refused
    refused = make(admin, tiers=["厅级"]).get_data(as_text=True)
    assert "没有这个干部层级（厅级）" in refused
    assert db.session.scalar(select(func.count(Draw.id))) == 0


def test_the_history_shows_conditions_in_words(admin, client, db):
    make(admin, units=["城南区/东岗镇"], positions="科员", exclude_days="30")
    html = client.get("/draws/").get_data(as_text=True)
    assert "城南区/东岗镇（含下级单位）中职务含“科员”的人员，排除最近 30 天内被抽中的人；随机抽取 6 人" in html
