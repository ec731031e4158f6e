"""Wrong passwords and access codes, counted per account and address before the slow check.

Each guess is counted in one statement before its password is checked, so sixteen guesses
sent at once see sixteen different counts and only the first few are checked at all. The lock
holds one address: someone who knows a 工号 cannot lock its owner out from another computer,
and the liaison can always let him in (unlock, or a new code)."""
from datetime import timedelta

from sqlalchemy import case, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..clock import now
from ..extensions import db, write_transaction
from ..models import LoginThrottle

table = LoginThrottle.__table__


def lock_message(locked_until, what: str) -> str | None:
    """The refusal while a lock holds after too many wrong ``what`` (密码, 访问码), or None."""
    moment = now()
    if locked_until is None or locked_until <= moment:
        return None
    minutes = max(1, int((locked_until - moment).total_seconds() // 60) + 1)
    return f"{what}连续输错次数过多，账号已锁定，请 {minutes} 分钟后再试（只锁这台电脑；可请单位联络员解除锁定）。"


def reserve(user_id: int, address: str, what: str, *, max_failures: int, lock_minutes: int) -> str | None:
    """Count one guess before it is checked, and commit the count. Returns the refusal when this
    address is locked or past ``max_failures`` guesses (the guess is then not to be checked)."""
    write_transaction()
    moment = now()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    expired = table.c.locked_until <= moment
    statement = dialect.insert(table).values(user_id=user_id, address=address, failures=1, updated_at=moment)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.address],
        set_={"failures": _case(expired, 1, table.c.failures + 1),
              "locked_until": _case(expired, None, table.c.locked_until), "updated_at": moment},
    ).returning(table.c.failures, table.c.locked_until)
    failures, locked_until = db.session.execute(statement).one()
    refusal = lock_message(locked_until, what)
    if refusal is None and failures > max_failures:
        locked_until = moment + timedelta(minutes=lock_minutes)
        db.session.execute(update(table).where(table.c.user_id == user_id, table.c.address == address)
                           .values(locked_until=locked_until, failures=0))
        refusal = lock_message(locked_until, what)
    db.session.commit()
    return refusal


def _case(condition, then, otherwise):
    return case((condition, then), else_=otherwise)


def failed(user_id: int, address: str, what: str, refused: str, *, max_failures: int, lock_minutes: int) -> str:
    """After a wrong guess (already counted by reserve()): lock at ``max_failures``. Returns the
    message for the person. The caller holds a write transaction and commits."""
    failures = db.session.scalar(select(table.c.failures).where(table.c.user_id == user_id,
                                                                table.c.address == address)) or 0
    if failures >= max_failures:
        db.session.execute(update(table).where(table.c.user_id == user_id, table.c.address == address)
                           .values(locked_until=now() + timedelta(minutes=lock_minutes), failures=0))
        return f"{what}连续输错 {max_failures} 次，账号已锁定 {lock_minutes} 分钟（只锁这台电脑，别处登录不受影响）。"
    return f"{refused}再输错 {max_failures - failures} 次账号将被锁定。"


def succeeded(user_id: int, address: str) -> None:
    """A good login from this address: its count starts again."""
    db.session.execute(delete(table).where(table.c.user_id == user_id, table.c.address == address))


def clear(user_id: int) -> None:
    """Unlock the account everywhere (the liaison or the admin lets him in)."""
    db.session.execute(delete(table).where(table.c.user_id == user_id))


def is_locked(user_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(table.c.user_id == user_id, table.c.locked_until > now()))))


def locked_condition(user_id_column):
    """For a list filter: accounts locked from some address now."""
    return exists().where(table.c.user_id == user_id_column, table.c.locked_until > now())


def purge(older_than: timedelta = timedelta(days=1)) -> int:
    """Forget counts nobody added to for ``older_than`` and no lock holds (the minute's cron
    job): a wrong guess long ago no longer brings a lock closer. The caller commits."""
    moment = now()
    return db.session.execute(delete(table).where(
        table.c.updated_at < moment - older_than,
        (table.c.locked_until.is_(None)) | (table.c.locked_until <= moment))).rowcount
