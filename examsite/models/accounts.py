"""Login accounts."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.hashing import hash_password, verify_password
from ..clock import now
from ..extensions import db

#: the hash of an account that has no password yet (its owner enters with a one-time code)
NO_PASSWORD = "!"

def password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from; never for NO_PASSWORD."""
    return password_hash != NO_PASSWORD and verify_password(password_hash, password)[0]


#: role → how the interface names it
ROLES = {"admin": "考试管理员", "liaison": "单位联络员", "examinee": "考生"}


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'liaison', 'examinee')", name="role_known"),
        CheckConstraint("role != 'liaison' OR unit_id IS NOT NULL", name="liaison_has_unit"),
        CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: login name; for examinees usually the 工号
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    #: name shown in the interface
    display_name: Mapped[str] = mapped_column(String(60))
    #: a liaison's unit: he sees it and the units under it, nothing else
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    #: a disabled account cannot log in
    active: Mapped[bool] = mapped_column(default=True)
    #: no longer used: wrong guesses are counted per account and address in LoginThrottle
    failed_logins: Mapped[int] = mapped_column(default=0)
    #: no longer used (see LoginThrottle); kept until a migration drops it
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    #: part of every session's and remember cookie's id and of every save token: raised at
    #: logout, password change, disabling and reset, so everything issued before stops working
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    unit: Mapped["Unit | None"] = relationship()  # noqa: F821
    staff: Mapped["Staff | None"] = relationship(back_populates="user")  # noqa: F821

    def get_id(self) -> str:  # Flask-Login: the session's and remember cookie's id carries the epoch
        return f"{self.id}.{self.session_epoch or 0}"

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginThrottle(db.Model):
    """Wrong passwords and access codes for one account from one address. The lock holds that
    address only: someone who knows a 工号 cannot lock its owner out of his test from another
    computer. Counted before the slow password check, so parallel guesses cannot pass it."""

    __tablename__ = "login_throttle"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    #: the client's address as the app sees it (behind a proxy: the forwarded one)
    address: Mapped[str] = mapped_column(String(45), primary_key=True)
    #: guesses since the last good login or the last lock, those being checked included
    failures: Mapped[int] = mapped_column(default=0)
    #: no login from this address before this time (naive UTC)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=now)
