"""What a liaison may see: his own unit and the units under it, nothing else.

The one place this rule is written. The admin sees everything (``None``); a liaison his unit
tree; anyone else nothing.
"""
from flask import abort
from sqlalchemy import exists, select

from ..extensions import db
from ..models import Draw, DrawMember, Exam, ExamMember, Staff
from ..roster.services import subtree_ids, unit_children


def units_in_scope(user) -> set[int] | None:
    """The unit ids ``user`` may see; None means every unit (the admin)."""
    if user.role == "admin":
        return None
    if user.role == "liaison" and user.unit_id is not None:
        return subtree_ids(user.unit_id)
    return set()


def scope_unit(user) -> int | None:
    """The unit whose tree ``user`` sees, for the services that take one; None: every unit."""
    return user.unit_id if user.role == "liaison" else None


def in_scope(user, unit_id: int) -> bool:
    within = units_in_scope(user)
    return within is None or unit_id in within


def require_unit(user, unit_id: int) -> None:
    """A page about a unit (or a person of it) outside the user's units is a 404, never a hint."""
    if not in_scope(user, unit_id):
        abort(404)


def require_staff(user, staff: Staff) -> None:
    require_unit(user, staff.unit_id)


def exam_concerns(user, exam: Exam, within: set[int] | None = None) -> bool:
    """Whether a test includes any of the user's units: a 全员 test for all units or for a unit
    above, in or below his tree; a 抽测 that drew, or a 补测 that names, anyone of his units."""
    within = units_in_scope(user) if within is None else within
    if within is None:
        return True
    if not within:
        return False
    if exam.mode == "sample":
        drawn = (select(DrawMember.staff_id).join(Draw, Draw.id == DrawMember.draw_id)
                 .join(Staff, Staff.id == DrawMember.staff_id)
                 .where(Draw.exam_id == exam.id, Draw.voided_at.is_(None), Staff.unit_id.in_(within)))
        return db.session.scalar(select(exists(drawn))) or False
    if exam.mode == "named":
        named = (select(ExamMember.staff_id).join(Staff, Staff.id == ExamMember.staff_id)
                 .where(ExamMember.exam_id == exam.id, Staff.unit_id.in_(within)))
        return db.session.scalar(select(exists(named))) or False
    linked = [link.unit_id for link in exam.units]
    if not linked:
        return True
    children = unit_children()
    # a unit above his holds his tree in its own; one below is in his tree
    return any(subtree_ids(unit_id, children) & within for unit_id in linked)


def require_exam(user, exam: Exam) -> None:
    if not exam_concerns(user, exam):
        abort(404)


def exams_concerning(user, exams: list[Exam]) -> list[Exam]:
    within = units_in_scope(user)
    if within is None:
        return exams
    return [exam for exam in exams if exam_concerns(user, exam, within)]

