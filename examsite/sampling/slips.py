"""Login slips and one-time access codes: for a spot test's draw, for a 全员 test's unit, and
for one person; assigning a draw to its spot test; the slips workbook."""
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
from ..accounts.provisioning import ensure_accounts
from ..models.accounts import NO_PASSWORD
from .sampler import SampleError

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are typed from paper
CODE_LENGTH = 8


def code_hash(secret_key: str, code: str) -> str:
    return hmac.new(secret_key.encode(), code.strip().upper().encode(), hashlib.sha256).hexdigest()


def derive_code(secret_key: str, nonce: str) -> str:
    """The code of a slip, made again from its random nonce and the secret key: a slip printed
    twice shows the same code, and the database holds neither the code nor anything that gives
    it without the key."""
    digest = hmac.new(secret_key.encode(), b"slip:" + nonce.encode(), hashlib.sha256).digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])


def _renew(code: AccessCode, secret_key: str) -> str:
    """Give a code row a new code (the old one stops working); returns the new code."""
    code.nonce = secrets.token_hex(16)
    plain = derive_code(secret_key, code.nonce)
    code.code_hash, code.created_at, code.used_at = code_hash(secret_key, plain), now(), None
    return plain


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
    created = ensure_accounts([m.staff for m in members], actor)
    record("draw.assign", f"将第 {draw.id} 次抽取的 {len(members)} 人分配到抽测“{exam.title}”，新建账号 {created} 个",
           target=draw, detail={"exam": exam.id, "accounts_created": created}, user=actor)
    return created


@dataclass
class Slip:
    staff: Staff
    code: str | None  # None: no code on this slip, ``note`` says why
    note: str = ""


#: why a slip carries no code
USED = "访问码已使用；如需重新进入，请联系单位联络员补发"
HAS_PASSWORD = "已设置密码，请用工号和密码登录"
PRINTED_BEFORE = "已发放，见上次打印的登录条"


def issue_slips(exam: Exam, people: list[Staff], secret_key: str, actor=None, *, where: str = "") -> list[Slip]:
    """Slips for ``people`` to enter ``exam``. Everyone gets an account (ensure_accounts()).
    Whoever has set a password logs in with it; whoever has a code not yet used gets the same
    code again, so printing twice never invalidates a slip handed out; the others a new code."""
    ensure_accounts(people, actor)
    ids = [person.id for person in people]
    existing: dict[int, AccessCode] = {}
    for start in range(0, len(ids), 1000):
        existing.update((c.staff_id, c) for c in db.session.scalars(select(AccessCode).where(
            AccessCode.exam_id == exam.id, AccessCode.staff_id.in_(ids[start:start + 1000]))))
    slips, made = [], 0
    for person in people:
        code = existing.get(person.id)
        if person.user is not None and person.user.password_hash != NO_PASSWORD:
            slips.append(Slip(person, None, HAS_PASSWORD))
        elif code is not None and code.used_at is not None:
            slips.append(Slip(person, None, USED))
        elif code is not None:
            slips.append(Slip(person, derive_code(secret_key, code.nonce)) if code.nonce
                         else Slip(person, None, PRINTED_BEFORE))
        else:
            code = AccessCode(exam_id=exam.id, staff_id=person.id)
            db.session.add(code)
            slips.append(Slip(person, _renew(code, secret_key)))
            made += 1
    db.session.flush()
    record("slips.issue", f"生成测试“{exam.title}”{where}的登录条：{len(slips)} 人，新访问码 {made} 个",
           target=exam, detail={"people": len(slips), "new_codes": made}, user=actor)
    return slips


def issue_codes(draw: Draw, secret_key: str, actor=None) -> list[Slip]:
    """The slips of a draw's people for the spot test it is assigned to."""
    if draw.exam_id is None:
        raise SampleError("请先把这次抽取分配到一个抽测。")
    exam = db.session.get(Exam, draw.exam_id)
    return issue_slips(exam, [m.staff for m in _members(draw)], secret_key, actor, where=f"（第 {draw.id} 次抽取）")


def personal_code(staff: Staff, secret_key: str, actor=None) -> str:
    """A new one-time code for one person (he forgot his password, or closed the browser before
    setting one): it lets him in to set a password; his attempts go on with their own time.
    Any earlier personal code of his stops working."""
    ensure_accounts([staff], actor)
    code = db.session.scalar(select(AccessCode).where(AccessCode.staff_id == staff.id, AccessCode.exam_id.is_(None)))
    if code is None:
        code = AccessCode(exam_id=None, staff_id=staff.id)
        db.session.add(code)
    plain = _renew(code, secret_key)
    db.session.flush()
    record("user.code", f"为 {staff.name}（{staff.staff_no}）补发一次性访问码", target=staff.user, user=actor)
    return plain


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
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})  # text is text
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
        sheet.write_string(0, 0, f"{exam.title} 登录条（{unit_path}）", title)
        sheet.write_string(1, 0, f"测试时间：{window}　网址：{url}　凭工号和访问码登录，访问码只能使用一次。")
        sheet.write_row(3, 0, ["姓名", "单位", "工号", "访问码", "测试时间", "网址"], head)
        for row, slip in enumerate(sorted(by_unit[unit_path], key=lambda s: s.staff.staff_no), start=4):
            sheet.write_string(row, 0, slip.staff.name, cell)
            sheet.write_string(row, 1, unit_path, cell)
            sheet.write_string(row, 2, slip.staff.staff_no, cell)
            sheet.write_string(row, 3, slip.code or slip.note, code_format if slip.code else cell)
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
