"""Accounts for everyone on the roster: each staff member logs in by his 工号.

An office of 5,000 has no e-mail and no SMS, and the admin types nothing per person: every
staff member gets an examinee account named by his 工号 with no password yet (NO_PASSWORD).
He enters the first time with the one-time code on his login slip and sets a password there.
"""
from sqlalchemy import select

from ..audit.services import record
from ..extensions import db
from ..models import Staff, User
from ..models.accounts import NO_PASSWORD


def ensure_accounts(people: list[Staff], actor=None) -> int:
    """Link each listed person without an account to the examinee account named by his 工号,
    creating it when there is none. A 工号 that is already the username of an admin, a liaison
    or another person's account is left unlinked (that account is never taken over). Returns
    how many accounts were created."""
    without = [person for person in people if person.user_id is None]
    if not without:
        return 0
    users: dict[str, User] = {}
    numbers = [person.staff_no for person in without]
    for start in range(0, len(numbers), 1000):  # one query per thousand, not one per person
        users.update((u.username, u) for u in db.session.scalars(
            select(User).where(User.username.in_(numbers[start:start + 1000]))))
    linked = set(db.session.scalars(select(Staff.user_id).where(
        Staff.user_id.in_([u.id for u in users.values()])))) if users else set()
    created = 0
    for person in without:
        account = users.get(person.staff_no)
        if account is None:
            account = User(username=person.staff_no, role="examinee", display_name=person.name,
                           password_hash=NO_PASSWORD)
            db.session.add(account)
            users[person.staff_no] = account
            created += 1
        elif account.role != "examinee" or account.id in linked:
            continue
        person.user = account
        linked.add(account.id)
    db.session.flush()
    if created:
        record("user.create", f"为花名册中的 {created} 名人员建立考生账号（用户名为工号，凭登录条上的访问码首次登录）",
               detail={"accounts_created": created}, user=actor)
    return created


def ensure_accounts_for_all(actor=None) -> int:
    """ensure_accounts() for every staff member on the roster who has none."""
    return ensure_accounts(list(db.session.scalars(select(Staff).where(Staff.user_id.is_(None)))), actor)
