"""Admin and liaison pages for tests: create, plan per tier, preview, copy, attempts, regrade."""
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..accounts.access import role_required
from ..banks.display import shown
from ..banks.parser import LETTERS
from ..clock import from_local, to_local
from ..extensions import db, posts_lock_first
from ..models import QUESTION_TYPES, Attempt, Exam, PaperPlan, Tier
from ..roster.services import subtree_ids, tiers, tree_rows
from . import corrections, plans
from .attempts import close_if_expired, responses_of
from .errors import ExamError
from ..forms import ActionForm
from .forms import LOCAL_FORMAT, ExamForm, PlanForm

bp = Blueprint("exams", __name__, url_prefix="/exams")
posts_lock_first(bp)


@bp.get("/")
@role_required("admin", "liaison")
def index():
    exams = db.session.scalars(select(Exam).order_by(Exam.opens_at.desc())).all()
    return render_template("exams/index.html", exams=exams, modes=plans.MODES)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:exam_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(exam_id: int | None = None):
    exam = db.get_or_404(Exam, exam_id) if exam_id else None
    form = ExamForm(obj=exam) if request.method == "GET" and exam else ExamForm()
    form.units.choices = {u.id: "　" * d + u.name for u, d in tree_rows()}
    if request.method == "GET" and exam:
        form.opens_at.data, form.closes_at.data = _local(exam.opens_at), _local(exam.closes_at)
        form.units.data = [link.unit_id for link in exam.units]
    if form.validate_on_submit():
        fields = plans.ExamFields(form.title.data, form.description.data, form.mode.data,
                                     from_local(form.opens_at.data), from_local(form.closes_at.data),
                                     form.review_allowed.data, form.score_shown.data)
        try:
            exam = plans.save_exam(exam, fields, form.units.data or [])
        except ExamError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"已保存测试“{exam.title}”。请为参加的每个干部层级设置试卷方案。", "success")
            return redirect(url_for("exams.detail", exam_id=exam.id))
    return render_template("exams/edit.html", form=form, exam=exam, local_format=LOCAL_FORMAT)


def _local(moment):
    return to_local(moment).replace(tzinfo=None)


@bp.get("/<int:exam_id>")
@role_required("admin", "liaison")
def detail(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    tier_plans = sorted(exam.plans, key=lambda p: (p.tier.rank, p.tier_id))
    return render_template("exams/detail.html", exam=exam, plans=tier_plans, modes=plans.MODES,
                           score_shown=plans.SCORE_SHOWN,
                           types=QUESTION_TYPES, scoring=plans.SCORING, plan_total=plans.plan_total,
                           counts=corrections.attempt_counts(exam), action_form=ActionForm())


@bp.route("/<int:exam_id>/plan", methods=["GET", "POST"])
@role_required("admin")
def plan(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    form = PlanForm()
    form.tier_id.choices = {t.id: t.name for t in tiers()}
    existing = None
    if request.method == "GET":
        tier_id = request.args.get("tier", type=int)
        existing = next((p for p in exam.plans if p.tier_id == tier_id), None)
        if existing:
            form = PlanForm(formdata=None, tier_id=existing.tier_id, duration_minutes=existing.duration_minutes,
                            pass_mark=existing.pass_mark, multiple_scoring=existing.multiple_scoring,
                            sections=[_row(s) for s in existing.sections] + [{}] * 2)
            form.tier_id.choices = {t.id: t.name for t in tiers()}
        elif tier_id:
            form.tier_id.data = tier_id
    elif form.validate_on_submit():
        tier = db.get_or_404(Tier, form.tier_id.data)
        try:
            sections = plans.parse_sections([row for row in form.sections.data])
            plans.save_plan(exam, tier, sections, form.duration_minutes.data, float(form.pass_mark.data),
                               form.multiple_scoring.data)
        except ExamError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"已保存{tier.name}的试卷方案。", "success")
            return redirect(url_for("exams.detail", exam_id=exam.id))
    return render_template("exams/plan.html", form=form, exam=exam)


def _row(section: dict) -> dict:
    return {"qtype": section["qtype"], "count": section["count"], "points": section["points"],
            "regulation": section.get("regulation") or "", "difficulty": str(section.get("difficulty") or "")}


@bp.get("/<int:exam_id>/plan/<int:plan_id>/preview")
@role_required("admin")
def preview(exam_id: int, plan_id: int):
    plan = db.get_or_404(PaperPlan, plan_id)
    if plan.exam_id != exam_id:
        abort(404)
    try:
        paper = plans.preview_paper(plan)
    except ValueError:
        flash("题库中的题目已不够这个方案抽取，请检查方案。", "danger")
        return redirect(url_for("exams.detail", exam_id=exam_id))
    return render_template("exams/preview.html", plan=plan, exam=plan.exam,
                           questions=[shown_item(item) for item in paper])


def shown_item(item: dict):
    """A paper item (with its key) in the display shape the bank pages use, options in paper order."""
    key = item["answer"]
    options = [item["options"][i] for i in item["order"]]
    if item["type"] in ("single", "multiple"):
        key = _seen_letters(item, key)
    return shown(SimpleNamespace(type=item["type"], stem=item["stem"], options=options, answer=key,
                                 explanation=item.get("explanation"), source=None, line=None))


def _seen_letters(item: dict, letters: str) -> str:
    """Bank letters as the letters the examinee saw, his options being shuffled."""
    return "".join(sorted(LETTERS[item["order"].index(LETTERS.index(letter))] for letter in letters))


def shown_response(item: dict, response) -> str:
    """What the examinee answered, in the letters he saw."""
    if response is None:
        return "（未作答）"
    if item["type"] in ("single", "multiple"):
        return _seen_letters(item, response)
    if item["type"] == "judge":
        return "正确" if response else "错误"
    return "；".join(r or "（空）" for r in response)


@bp.post("/<int:exam_id>/copy")
@role_required("admin")
def copy(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    duplicate = plans.copy_exam(exam)
    db.session.commit()
    flash(f"已复制为“{duplicate.title}”，请修改名称和时间。", "success")
    return redirect(url_for("exams.edit", exam_id=duplicate.id))


@bp.post("/<int:exam_id>/regrade")
@role_required("admin")
def regrade(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    report = corrections.regrade_exam(exam)
    db.session.commit()
    flash(f"已重新评分 {report.attempts} 份答卷（更新答案 {report.keys_updated} 处），其中 {report.changed} 份成绩有变化。",
          "success")
    return redirect(url_for("exams.detail", exam_id=exam.id))


@bp.get("/<int:exam_id>/attempts")
@role_required("admin", "liaison")
def attempts(exam_id: int):
    exam = db.get_or_404(Exam, exam_id)
    within = subtree_ids(current_user.unit_id) if current_user.role == "liaison" else None
    page = db.paginate(corrections.attempts_query(exam, within), per_page=50, error_out=False)
    return render_template("exams/attempts.html", exam=exam, page=page, action_form=ActionForm())


@bp.get("/attempt/<int:attempt_id>")
@role_required("admin", "liaison")
def attempt(attempt_id: int):
    attempt = db.get_or_404(Attempt, attempt_id)
    if current_user.role == "liaison" and attempt.staff.unit_id not in subtree_ids(current_user.unit_id):
        abort(403)
    close_if_expired(attempt)
    db.session.commit()
    responses = responses_of(attempt)
    answered = [shown_response(item, responses.get(item["id"])) for item in attempt.paper]
    return render_template("exams/attempt.html", attempt=attempt, answered=answered,
                           questions=[shown_item(item) for item in attempt.paper])


@bp.post("/attempt/<int:attempt_id>/retake")
@role_required("admin")
def retake(attempt_id: int):
    attempt = db.get_or_404(Attempt, attempt_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        corrections.grant_retake(attempt, current_user)
    except ExamError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(f"已准许 {attempt.staff.name} 重考。", "success")
    return redirect(url_for("exams.attempts", exam_id=attempt.exam_id))
