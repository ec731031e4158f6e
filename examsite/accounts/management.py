"""Account management: the admin for every account, a liaison for the examinees of his unit
tree only. Nothing here commits; every change is audited. No function here ever returns a
password hash or a code's HMAC: a new password or code is returned once, to be shown once."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..models import ROLES, Staff, User
from ..models.accounts import NO_PASSWORD
from . import throttle
from .scope import units_in_scope
from .sessions import end_sessions
from .services import AccountError, create_user, generate_password

#: the status filter of the accounts list
STATUSES = {"active": "正常", "disabled": "已停用", "locked": "已锁定", "no_password": "未设置密码", "left": "已离岗"}


def account_query(viewer: User, search: str = "", role: str = "", status: str = "", unit_ids: set[int] | None = None):
    """The accounts ``viewer`` may manage, filtered; for a paged list."""
    query = (select(User).outerjoin(Staff, Staff.user_id == User.id)
             .options(selectinload(User.staff).selectinload(Staff.unit), selectinload(User.unit))
             .order_by(User.role, User.username))
    within = units_in_scope(viewer)
    if within is not None:
        query = query.where(User.role == "examinee", Staff.unit_id.in_(within))
    if unit_ids is not None:
        query = query.where(or_(Staff.unit_id.in_(unit_ids), User.unit_id.in_(unit_ids)))
    if role in ROLES:
        query = query.where(User.role == role)
    words = search.strip()
    if words:
        like = f"%{words}%"
        query = query.where(or_(User.username.ilike(like), User.display_name.ilike(like), Staff.name.ilike(like),
                                Staff.staff_no.ilike(like)))
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "disabled":
        query = query.where(User.active.is_(False))
    elif status == "locked":
        query = query.where(throttle.locked_condition(User.id))
    elif status == "no_password":
        query = query.where(User.password_hash == NO_PASSWORD)
    elif status == "left":
        query = query.where(Staff.left_at.is_not(None))
    return query


def may_manage(viewer: User, account: User) -> bool:
    """The admin manages every account; a liaison only the examinees of his unit tree."""
    within = units_in_scope(viewer)
    if within is None:
        return True
    return account.role == "examinee" and account.staff is not None and account.staff.unit_id in within


def _who(account: User) -> str:
    staff = account.staff
    return f"{staff.name}（{staff.staff_no}）" if staff is not None else f"{account.display_name}（{account.username}）"


def set_active(account: User, active: bool, actor: User, reason: str = "") -> None:
    """Disable or enable an account. A disabled account cannot log in, and its open sessions end."""
    if account.id == actor.id and not active:
        raise AccountError("不能停用自己的账号。")
    if account.active == active:
        raise AccountError("该账号已经是" + ("启用" if active else "停用") + "状态。")
    account.active = active
    if not active:
        end_sessions(account)
    verb = "启用" if active else "停用"
    record("user.enable" if active else "user.disable", f"{verb}账号 {_who(account)}" + (f"：{reason}" if reason else ""),
           target=account, detail={"reason": reason or None}, user=actor)


def unlock(account: User, actor: User) -> None:
    """Let in now someone locked out by wrong passwords or codes (someone else may have typed them)."""
    if not throttle.is_locked(account.id):
        raise AccountError("该账号没有被锁定。")
    throttle.clear(account.id)
    record("user.unlock", f"解除账号 {_who(account)} 的锁定", target=account, user=actor)


def reset_password(account: User, actor: User) -> str:
    """A new password for someone who forgot his; returned once, to be read to him or printed."""
    password = generate_password()
    account.set_password(password)
    throttle.clear(account.id)
    end_sessions(account)
    record("user.reset_password", f"重置账号 {_who(account)} 的密码", target=account, user=actor)
    return password


def create_account(username: str, role: str, display_name: str, unit, actor: User) -> tuple[User, str]:
    """A new admin or liaison account with a generated password (shown once)."""
    if role not in ("admin", "liaison"):
        raise AccountError("这里只能新建考试管理员或单位联络员账号；考生账号随花名册自动建立。")
    password = generate_password()
    return create_user(username, password, role, display_name, unit=unit, actor=actor), password
