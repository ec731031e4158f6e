"""Assigning a draw to a spot test, one-time access codes, and the login slips workbook."""
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..clock import now, to_local
from ..extensions import db
from ..models import AccessCode, Draw, DrawMember, Exam, Staff, User
from ..models.accounts import NO_PASSWORD
from .sampler import SampleError

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are typed from paper
CODE_LENGTH = 8


def code_hash(secret_key: str, code: str) -> str:
    return hmac.new(secret_key.encode(), code.strip().upper().encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _members(draw: Draw) -> list[DrawMember]:
    """The drawn, with their staff row, account and unit loaded in three queries, not thousands."""
    staff = selectinload(DrawMember.staff)
    return list(db.session.scalars(
        select(DrawMember).where(DrawMember.draw_id == draw.id).order_by(DrawMember.position)
        .options(staff.selectinload(Staff.user), staff.selectinload(Staff.unit))))


def assign(draw: Draw, exam: Exam, actor=None) -> int:
    """Give the drawn staff the spot test; create a login account for those without one.

    Returns how many accounts were created.
    """
    if draw.voided_at is not None:
        raise SampleError("这次抽取已作废，不能分配测试。")
    if exam.mode != "sample":
        raise SampleError("只能分配给“随机抽测”方式的测试。")
    if draw.exam_id is not None and draw.exam_id != exam.id:
        raise SampleError("这次抽取已经分配给另一个测试。")
    draw.exam_id = exam.id
    members = _members(draw)
    without = [m.staff for m in members if m.staff.user is None]
    numbers = [staff.staff_no for staff in without]
    users = {}
    for start in range(0, len(numbers), 1000):  # one query per thousand, not one per person
        users.update((u.username, u) for u in db.session.scalars(
            select(User).where(User.username.in_(numbers[start:start + 1000]))))
    created = 0
    for staff in without:
        if staff.staff_no not in users:  # no password yet: the slip's one-time code lets him in
            users[staff.staff_no] = User(username=staff.staff_no, role="examinee", display_name=staff.name,
                                         password_hash=NO_PASSWORD)
            db.session.add(users[staff.staff_no])
            created += 1
        staff.user = users[staff.staff_no]
    db.session.flush()
    record("draw.assign", f"将第 {draw.id} 次抽取的 {len(members)} 人分配到抽测“{exam.title}”，新建账号 {created} 个",
           target=draw, detail={"exam": exam.id, "accounts_created": created}, user=actor)
    return created


@dataclass
class Slip:
    staff: Staff
    code: str | None  # None when the code was already used


def issue_codes(draw: Draw, secret_key: str, actor=None) -> list[Slip]:
    """A fresh code for every drawn person whose code is not yet used (older unused codes stop working)."""
    if draw.exam_id is None:
        raise SampleError("请先把这次抽取分配到一个抽测。")
    existing = {c.staff_id: c for c in db.session.scalars(select(AccessCode).where(AccessCode.exam_id == draw.exam_id))}
    slips, moment = [], now()
    for member in _members(draw):
        code = existing.get(member.staff_id)
        if code is not None and code.used_at is not None:
            slips.append(Slip(member.staff, None))
            continue
        plain = new_code()
        if code is None:
            code = AccessCode(exam_id=draw.exam_id, staff_id=member.staff_id)
            db.session.add(code)
        code.code_hash, code.created_at = code_hash(secret_key, plain), moment
        slips.append(Slip(member.staff, plain))
    db.session.flush()
    record("draw.codes", f"为第 {draw.id} 次抽取生成登录条（{sum(1 for s in slips if s.code)} 个访问码）",
           target=draw, user=actor)
    return slips


def account_of(staff_no: str) -> User | None:
    """The login account of the staff member with this 工号, if he has one."""
    return db.session.scalar(select(User).join(Staff, Staff.user_id == User.id)
                             .where(Staff.staff_no == staff_no.strip()))


def redeem(staff_no: str, code: str, secret_key: str) -> AccessCode | None:
    """Use a code once: the matching unused code of this staff member, marked used; else None."""
    staff = db.session.scalar(select(Staff).where(Staff.staff_no == staff_no.strip()))
    if staff is None or not code.strip():
        return None
    wanted = code_hash(secret_key, code)
    for candidate in db.session.scalars(select(AccessCode).where(
            AccessCode.staff_id == staff.id, AccessCode.used_at.is_(None)).with_for_update()):
        if hmac.compare_digest(candidate.code_hash, wanted):
            candidate.used_at = now()
            return candidate
    return None


def slips_workbook(slips: list[Slip], exam: Exam, url: str) -> bytes:
    """Login slips: one sheet per unit, sorted by unit then 工号."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    cell = book.add_format({"border": 1})
    code_format = book.add_format({"border": 1, "font_name": "Consolas", "bold": True, "font_size": 13})
    window = f"{to_local(exam.opens_at):%Y-%m-%d %H:%M} 至 {to_local(exam.closes_at):%Y-%m-%d %H:%M}"
    by_unit: dict[str, list[Slip]] = {}
    for slip in slips:
        by_unit.setdefault(slip.staff.unit.path, []).append(slip)
    used_names: set[str] = set()
    for unit_path in sorted(by_unit):
        sheet = book.add_worksheet(_sheet_name(unit_path, used_names))
        sheet.write(0, 0, f"{exam.title} 登录条（{unit_path}）", title)
        sheet.write(1, 0, f"测试时间：{window}　网址：{url}　凭工号和访问码登录，访问码只能使用一次。")
        sheet.write_row(3, 0, ["姓名", "单位", "工号", "访问码", "测试时间", "网址"], head)
        for row, slip in enumerate(sorted(by_unit[unit_path], key=lambda s: s.staff.staff_no), start=4):
            sheet.write_string(row, 0, slip.staff.name, cell)
            sheet.write_string(row, 1, unit_path, cell)
            sheet.write_string(row, 2, slip.staff.staff_no, cell)
            sheet.write_string(row, 3, slip.code or "（已使用）", code_format)
            sheet.write_string(row, 4, window, cell)
            sheet.write_string(row, 5, url, cell)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 3, 14)
        sheet.set_column(4, 4, 34)
        sheet.set_column(5, 5, 30)
        sheet.freeze_panes(4, 0)
    book.close()
    return out.getvalue()


def _sheet_name(path: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in path.split("/", 1)[-1])[:28] or "单位"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}({n})", n + 1
    used.add(name)
    return name
