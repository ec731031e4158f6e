"""Accounts: creating users and checking passwords with a lock after repeated failures."""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from ..audit.services import record
from ..clock import now
from ..extensions import db, write_transaction
from ..models import ROLES, User
from ..models.accounts import password_matches

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""


@dataclass
class LoginResult:
    user: User | None
    message: str | None = None


def authenticate(username: str, password: str, *, max_failures: int, lock_minutes: int) -> LoginResult:
    """Check a login. Locks the account for ``lock_minutes`` after ``max_failures`` wrong passwords.

    The caller commits: failure counts must be stored even when the login fails.
    """
    refused = "用户名或密码错误。"
    found = db.session.execute(select(User.id, User.password_hash, User.locked_until)
                               .where(User.username == username.strip())).first()
    db.session.rollback()  # the password check is slow on purpose: hold no transaction meanwhile
    if found is None:
        return LoginResult(None, refused)
    moment = now()
    locked = lock_message(found.locked_until, "密码")
    if locked:
        return LoginResult(None, locked)
    correct = password_matches(found.password_hash, password)
    write_transaction()
    user = db.session.get(User, found.id)
    if not correct:
        return LoginResult(None, note_failure(user, refused, "密码", max_failures=max_failures,
                                              lock_minutes=lock_minutes))
    refusal = login_refusal(user)
    if refusal:
        return LoginResult(None, refusal)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = moment
    return LoginResult(user)


def login_refusal(user: User) -> str | None:
    """Why this account may not be logged in at all, or None: disabled by the admin or the
    liaison, or its owner has left (离岗; he may log in again once the roster has him back)."""
    if not user.active:
        return "该账号已停用，请联系单位联络员或考试管理员。"
    if user.staff is not None and user.staff.left_at is not None:
        return "花名册中您已标为离岗，不能登录；如有疑问请联系单位联络员。"
    return None


def lock_message(locked_until, what: str) -> str | None:
    """The refusal for an account locked after too many wrong ``what`` (密码, 访问码), or None."""
    moment = now()
    if locked_until is None or locked_until <= moment:
        return None
    minutes = max(1, int((locked_until - moment).total_seconds() // 60) + 1)
    return f"{what}连续输错次数过多，账号已锁定，请 {minutes} 分钟后再试。"


def note_failure(user: User, refused: str, what: str, *, max_failures: int, lock_minutes: int) -> str:
    """Count one wrong password or access code; lock the account at ``max_failures``.
    Returns the message for the person. The caller commits."""
    user.failed_logins += 1
    if user.failed_logins >= max_failures:
        user.locked_until = now() + timedelta(minutes=lock_minutes)
        user.failed_logins = 0
        return f"{what}连续输错 {max_failures} 次，账号已锁定 {lock_minutes} 分钟。"
    return f"{refused}再输错 {max_failures - user.failed_logins} 次账号将被锁定。"


def change_password(user: User, password: str) -> None:
    """Set a person's own password (the caller commits)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 位。")
    user.set_password(password)
    record("user.password", f"{user.username} 设置了自己的密码", target=user, user=user)


def generate_password() -> str:
    """A password that is easy to read aloud and type: no 0/O or 1/l."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def create_user(username: str, password: str, role: str, display_name: str, *,
                unit=None, actor: User | None = None) -> User:
    """Create an account; raises AccountError with a Chinese message on bad input."""
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空。")
    if role not in ROLES:
        raise AccountError(f"未知角色：{role}。")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 位。")
    if role == "liaison" and unit is None:
        raise AccountError("单位联络员必须指定所属单位。")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise AccountError(f"用户名 {username} 已存在。")
    user = User(username=username, role=role, display_name=display_name.strip() or username,
                unit=unit)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", f"创建{ROLES[role]}账号 {username}", target=user,
           detail={"role": role, "unit": unit.path if unit else None}, user=actor)
    return user
