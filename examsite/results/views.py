"""Results pages of a test for the admin (everyone) and a liaison (his unit tree only)."""
from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user

from ..accounts.access import role_required
from ..accounts.scope import require_exam, scope_unit
from ..clock import now, to_local
from ..extensions import db, write_transaction
from ..exams.keys import questions_with_hidden_keys
from ..models import Exam
from . import services
from .makeups import first_of, sittings
from .export import export_filename, write_workbook
from .statistics import plan_marks

bp = Blueprint("results", __name__, url_prefix="/exams/<int:exam_id>/results")

LISTS = {"failed": "不及格人员", "absent": "未参加人员", "all": "全部人员"}


def _results(exam_id: int) -> services.Results:
    """The test's results as the logged-in user may see them, after closing attempts whose
    time has run out (so nobody is left "answering" past his deadline)."""
    write_transaction()
    exam = db.get_or_404(Exam, exam_id)
    require_exam(current_user, exam)  # a liaison: only tests of his units
    result = services.settled_results(exam, scope_unit(current_user))
    db.session.commit()
    return result


@bp.get("/")
@role_required("admin", "liaison")
def overview(exam_id: int):
    result = _results(exam_id)
    units = result.by_unit()
    unit = request.args.get("unit")
    if unit is not None and unit not in dict(units):
        abort(404)
    shown = [r for r in result.rows if r.group == unit] if unit else None
    return render_template("results/overview.html", exam=result.exam, result=result, overall=result.overall(),
                           units=units, tiers=result.by_tier(), unit=unit,
                           bins=result.distribution(shown), still_open=now() < result.exam.closes_at,
                           marks=plan_marks(result.exam.plans), sittings=sittings(result.exam),
                           first=first_of(result.exam))


@bp.get("/people")
@role_required("admin", "liaison")
def people(exam_id: int):
    listing = request.args.get("list", "failed")
    if listing not in LISTS:
        abort(404)
    result = _results(exam_id)
    rows = {"failed": result.failed, "absent": result.absent, "all": lambda: result.rows}[listing]()
    page = max(1, request.args.get("page", 1, type=int))
    per_page = 100
    return render_template("results/people.html", exam=result.exam, rows=rows[(page - 1) * per_page:page * per_page],
                           total=len(rows), page=page, pages=max(1, -(-len(rows) // per_page)), listing=listing,
                           lists=LISTS, status=services.STATUS, banded=result.bands is not None,
                           sittings=sittings(result.exam), first=first_of(result.exam))


def _item_stats(result) -> tuple[list, int]:
    """The item analysis the logged-in user may see, and how many questions were left out: a
    question still in use by a test not over (exams/keys.py) tells a liaison neither its key nor
    its correct rate or most chosen answers, so it is left out whole."""
    stats = services.item_stats(result.exam, result)
    hidden = questions_with_hidden_keys([item.question_id for item in stats], current_user)
    return [item for item in stats if item.question_id not in hidden], len(hidden)


@bp.get("/items")
@role_required("admin", "liaison")
def items(exam_id: int):
    result = _results(exam_id)
    stats, hidden = _item_stats(result)
    return render_template("results/items.html", exam=result.exam, items=stats, hidden=hidden,
                           type_name=services.type_name, answer_label=services.answer_label)


@bp.get("/export.xlsx")
@role_required("admin", "liaison")
def export(exam_id: int):
    result = _results(exam_id)
    moment = to_local(now())
    stream = write_workbook(result, _item_stats(result)[0], moment, sittings(result.exam))
    return send_file(stream, as_attachment=True, download_name=export_filename(result.exam, moment),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
