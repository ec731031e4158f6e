"""Accounts: creating users, checking passwords (with a lock per account and address after
repeated failures) and setting them."""
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from ..audit.services import record
from ..clock import now
from ..extensions import db, write_transaction
from ..models import ROLES, User
from ..models.accounts import NO_PASSWORD
from . import throttle
from .hashing import hash_password, spend_time, verify_password
from .passwords import password_problem
from .sessions import end_sessions


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""


@dataclass
class LoginResult:
    user: User | None
    message: str | None = None


def authenticate(username: str, password: str, address: str, *, max_failures: int, lock_minutes: int) -> LoginResult:
    """Check a login. Each guess is counted for this account and address before the slow check
    (throttle.reserve()); ``max_failures`` wrong ones lock that address for ``lock_minutes``.

    A right password whose hash is older or weaker than today's (hashing.verify_password) gets
    a new Argon2id hash, made before the write transaction and stored in it.

    The caller commits: failure counts must be stored even when the login fails.
    """
    refused = "用户名或密码错误。"
    found = db.session.execute(select(User.id, User.password_hash).where(User.username == username.strip())).first()
    db.session.rollback()  # the password check is slow on purpose: hold no transaction meanwhile
    if found is None:
        spend_time(password)  # unknown names take the time of a real check
        return LoginResult(None, refused)
    locked = throttle.reserve(found.id, address, "密码", max_failures=max_failures, lock_minutes=lock_minutes)
    if locked:
        return LoginResult(None, locked)
    if found.password_hash == NO_PASSWORD:
        spend_time(password)  # so do accounts that have no password yet
    correct, needs_rehash = verify_password(found.password_hash, password)
    rehashed = hash_password(password) if correct and needs_rehash else None  # slow: before the lock
    write_transaction()
    if rehashed is not None:  # only over the hash just checked: a password changed meanwhile stays
        db.session.execute(update(User).where(User.id == found.id, User.password_hash == found.password_hash)
                           .values(password_hash=rehashed))
    user = db.session.get(User, found.id)
    if not correct:
        return LoginResult(None, throttle.failed(user.id, address, "密码", refused, max_failures=max_failures,
                                                 lock_minutes=lock_minutes))
    refusal = login_refusal(user)
    if refusal:
        return LoginResult(None, refusal)
    throttle.succeeded(user.id, address)
    user.last_login_at = now()
    return LoginResult(user)


def login_refusal(user: User) -> str | None:
    """Why this account may not be logged in at all, or None: disabled by the admin or the
    liaison, or its owner has left (离岗; he may log in again once the roster has him back)."""
    if not user.active:
        return "该账号已停用，请联系单位联络员或考试管理员。"
    if user.staff is not None and user.staff.left_at is not None:
        return "花名册中您已标为离岗，不能登录；如有疑问请联系单位联络员。"
    return None


def change_password(user: User, password: str, current: str | None = None, *, need_current: bool = True) -> None:
    """Set a person's own password (the caller commits). The current one is asked for, except
    right after entering with a one-time code. Every other session of his ends."""
    if need_current and not user.check_password(current or ""):
        raise AccountError("当前密码不正确。")
    problem = password_problem(password, user.username)
    if problem:
        raise AccountError(problem)
    user.set_password(password)
    end_sessions(user)
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
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
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
