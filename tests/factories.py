"""Small factories for tests: units by path, staff, users."""
from sqlalchemy import select

from examsite.accounts.services import create_user
from examsite.extensions import db
from examsite.models import Staff, Tier, Unit

PASSWORD = "correct-horse-9"


def unit(path: str) -> Unit:
    """The unit at 'A/B/C', creating any missing level."""
    parent = None
    for name in path.split("/"):
        found = db.session.scalar(select(Unit).where(
            Unit.name == name,
            Unit.parent_id == parent.id if parent else Unit.parent_id.is_(None)))
        if found is None:
            found = Unit(name=name, parent=parent)
            db.session.add(found)
            db.session.flush()
        parent = found
    return parent


def tier(name: str = "一般干部") -> Tier:
    return db.session.scalar(select(Tier).where(Tier.name == name))


def staff(staff_no: str, name: str = "张三", unit_path: str = "城南区/城关镇/党政办",
          tier_name: str = "一般干部", position: str | None = "科员") -> Staff:
    person = Staff(staff_no=staff_no, name=name, unit=unit(unit_path), tier=tier(tier_name),
                   position=position)
    db.session.add(person)
    db.session.flush()
    return person


def user(username: str = "admin", role: str = "admin", unit_path: str | None = None,
         password: str = PASSWORD):
    account = create_user(username, password, role, username,
                          unit=unit(unit_path) if unit_path else None)
    db.session.commit()
    return account
