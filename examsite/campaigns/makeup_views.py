"""Make-up tests (补测): who failed or missed a closed test, exemptions, the make-up in one step."""
import io
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..accounts.access import role_required
from ..clock import from_local, now, to_local
from ..extensions import db, posts_lock_first, write_transaction
from ..models import Exam
from ..results.services import settled_results
from . import makeup as services
from .access import manages_exam, require_managed_exam
from .counting import RULES
from .reports import REPORTED, test_reported
from .makeup_forms import ExemptionForm, MakeupForm, RemoveExemptionForm

bp = Blueprint("makeups", __name__, url_prefix="/exams")
posts_lock_first(bp)


@bp.before_request
def _reported_results_stay():
    """A unit that has reported changes no exemption or make-up of the tests it reported."""
    if request.method != "POST" or not current_user.is_authenticated:
        return None
    exam = db.session.get(Exam, (request.view_args or {}).get("exam_id", 0))
    if exam is None or not manages_exam(current_user, exam) or not test_reported(exam):
        return None  # the view answers for one he may not change (404)
    flash(REPORTED, "danger")
    return redirect(url_for("makeups.makeup", exam_id=exam.id))


def _managed(exam_id: int) -> Exam:
    """A campaign test the user runs; any other is a 404, never a hint it exists."""
    exam = db.get_or_404(Exam, exam_id)
    require_managed_exam(current_user, exam)
    if exam.campaign_id is None:
        abort(404)
    return exam


def _settled(exam: Exam):
    """The test's results with expired attempts closed and, once closed, who was expected fixed."""
    write_transaction()
    result = settled_results(exam)
    db.session.commit()
    return result


@bp.get("/<int:exam_id>/makeup")
@role_required("admin", "liaison")
def makeup(exam_id: int):
    """Those who failed or missed a closed test, their exemptions, and the make-up test."""
    exam = _managed(exam_id)
    closed = services.is_closed(exam)
    found = services.roll(_settled(exam)) if closed else None
    exemption_form = ExemptionForm()
    if found is not None:
        exemption_form.staff_id.choices = _candidates(found)
    create_form = MakeupForm(data=_new_window(exam)) if found is not None else None
    edit_form = None
    if exam.makeup_of_id is not None and not closed:
        edit_form = MakeupForm(data={"title": exam.title, "opens_at": _local(exam.opens_at),
                                     "closes_at": _local(exam.closes_at)})
    return render_template("campaigns/makeup.html", exam=exam, closed=closed, roll=found,
                           first=db.session.get(Exam, exam.makeup_of_id) if exam.makeup_of_id else None,
                           root=services.first_test(exam), makeups=services.makeups_of(exam),
                           named=_named_count(exam), rule=RULES[exam.campaign.makeup_rule],
                           exemption_form=exemption_form, remove_form=RemoveExemptionForm(),
                           create_form=create_form, edit_form=edit_form)


def _candidates(found: services.Roll) -> dict[int, str]:
    """Who may be excused: the absent (who sat and failed takes the make-up), on no make-up yet."""
    return {p.row.staff_id: f"{p.row.staff_no} {p.row.name}（{p.row.unit_path}，{p.label}）"
            for p in found.absent if p.makeup is None}


def _new_window(exam: Exam) -> dict:
    """A week from now (or from the test's close), within the campaign when it can be."""
    start = max(now(), exam.closes_at).replace(second=0, microsecond=0) + timedelta(hours=1)
    end = min(start + timedelta(days=7), exam.campaign.ends_at)
    return {"title": services.default_title(exam), "opens_at": _local(start), "closes_at": _local(end)}


def _named_count(exam: Exam) -> int:
    from sqlalchemy import func, select

    from ..models import ExamMember

    return db.session.scalar(select(func.count()).select_from(ExamMember).where(ExamMember.exam_id == exam.id)) or 0


def _local(moment):
    return to_local(moment).replace(tzinfo=None)


def _back(exam: Exam):
    return redirect(url_for("makeups.makeup", exam_id=exam.id))


def _errors(form) -> str:
    return "；".join(e for errors in form.errors.values() for e in errors)


@bp.post("/<int:exam_id>/makeup/exemptions")
@role_required("admin", "liaison")
def exempt(exam_id: int):
    exam = _managed(exam_id)
    result = settled_results(exam)
    form = ExemptionForm()
    form.staff_id.choices = _candidates(services.roll(result)) if services.is_closed(exam) else {}
    if not form.validate_on_submit():
        db.session.rollback()
        flash(_errors(form), "danger")
        return _back(exam)
    upload = form.attachment.data
    attachment = None
    if upload is not None and getattr(upload, "filename", ""):
        data = upload.read(services.ATTACHMENT_MAX + 1)  # one byte more tells it is too big
        attachment = (upload.filename, data)
    return _carried_out(exam, "已登记免测。", services.record_exemption, result, form.staff_id.data,
                        form.kind.data, form.reason.data, attachment)


@bp.post("/<int:exam_id>/makeup/exemptions/<int:staff_id>/remove")
@role_required("admin", "liaison")
def unexempt(exam_id: int, staff_id: int):
    exam = _managed(exam_id)
    result = settled_results(exam)
    found = services.roll(result)
    if found.exempted(staff_id) is None:
        abort(404)
    form = RemoveExemptionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        flash(_errors(form), "danger")
        return _back(exam)
    return _carried_out(exam, "已撤销免测。", services.remove_exemption, result, staff_id, form.reason.data)


@bp.get("/<int:exam_id>/makeup/exemptions/<int:staff_id>/attachment")
@role_required("admin", "liaison")
def attachment(exam_id: int, staff_id: int):
    """An exemption's attachment, for the admin and the test's organiser only."""
    exam = _managed(exam_id)
    root = services.first_test(exam)
    exemption = services.exemption_of(root, staff_id)
    if exemption is None or exemption.attachment_data is None or not _on_page(exam, root, staff_id):
        abort(404)
    return send_file(io.BytesIO(exemption.attachment_data), mimetype=exemption.attachment_type,
                     as_attachment=True, download_name=exemption.attachment_filename or "证明材料")


def _on_page(exam: Exam, root: Exam, staff_id: int) -> bool:
    """Whether the person belongs to this test's page: anyone of the first test's; on a make-up
    page, someone it names."""
    if exam.id == root.id:
        return True
    from ..models import ExamMember

    return db.session.get(ExamMember, (exam.id, staff_id)) is not None


@bp.post("/<int:exam_id>/makeup/create")
@role_required("admin", "liaison")
def create(exam_id: int):
    exam = _managed(exam_id)
    form = MakeupForm()
    if not form.validate_on_submit():
        db.session.rollback()
        flash(_errors(form), "danger")
        return _back(exam)
    try:
        made = services.create_makeup(settled_results(exam), form.title.data, from_local(form.opens_at.data),
                                      from_local(form.closes_at.data))
    except services.MakeupError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return _back(exam)
    db.session.commit()
    flash(f"已创建补测“{made.title}”。", "success")
    return redirect(url_for("makeups.makeup", exam_id=made.id))


@bp.post("/<int:exam_id>/makeup/edit")
@role_required("admin", "liaison")
def edit(exam_id: int):
    """A make-up's own title and window (the test form does not know named tests)."""
    exam = _managed(exam_id)
    if exam.makeup_of_id is None:
        abort(404)
    form = MakeupForm()
    if not form.validate_on_submit():
        db.session.rollback()
        flash(_errors(form), "danger")
        return _back(exam)
    return _carried_out(exam, "已保存补测。", services.edit_makeup, exam, form.title.data,
                        from_local(form.opens_at.data), from_local(form.closes_at.data))


def _carried_out(exam: Exam, done: str, action, *args):
    """``action(*args)`` committed with ``done`` said, or refused with its reason and nothing
    kept; back to the make-up page either way."""
    try:
        action(*args)
    except services.MakeupError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return _back(exam)


@bp.app_template_global("makeup_box")
def makeup_box(exam: Exam) -> dict | None:
    """What the test's page says about make-ups (templates/campaigns/_exam_makeup.html): the
    test it makes up, its make-ups, and whether the user may open the make-up page."""
    if exam.campaign_id is None or not current_user.is_authenticated:
        return None
    return {"first": db.session.get(Exam, exam.makeup_of_id) if exam.makeup_of_id else None,
            "makeups": services.makeups_of(exam), "closed": services.is_closed(exam),
            "manages": manages_exam(current_user, exam)}
