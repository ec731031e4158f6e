"""Admin and liaison pages for tests: create, plan per tier, preview, copy, attempts, regrade.

The admin runs every test. A liaison runs the tests his units organise in a campaign
(campaigns.access.manages_exam): everything the admin has on their pages, 404 on any other
test's management pages; a district test concerning his units he sees as before, his people's
controls on the test day included."""
import io
from types import SimpleNamespace

from flask import (
    Blueprint, abort, current_app, flash, jsonify, make_response, redirect, render_template, request, send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import qtypes
from ..accounts.access import role_required
from ..accounts.forms import ReasonForm, SlipForm
from ..accounts.scope import exam_concerns, exams_concerning, require_exam, require_staff, scope_unit, units_in_scope
from ..banks.display import shown
from ..campaigns.access import (
    campaigns_of, drawable_bank_ids, manages_exam, organised_units, require_campaign,
)
from ..clock import from_local, now, to_local
from ..extensions import db, posts_lock_first, write_transaction
from ..models import QUESTION_TYPES, Attempt, Bank, Campaign, Exam, PaperPlan, Tier, Unit
from ..paging import ListPage
from ..qtypes.base import UNANSWERED
from ..results.live import LIVE_STATUS, progress
from ..results.services import settled_results
from ..sampling.slips import issue_slips, slips_workbook
from ..sampling.views import entrance_url
from ..roster.services import subtree_ids, tree_rows
from . import controls, corrections, plans
from .keys import HIDDEN_NOTE, questions_with_hidden_keys, without_key
from .assignment import slip_people
from .attempts import close_if_expired, responses_of
from .errors import ExamError
from ..campaigns.reports import REPORTED, reported, test_reported
from ..forms import ActionForm
from .forms import LOCAL_FORMAT, ExamForm, plan_form

bp = Blueprint("exams", __name__, url_prefix="/exams")
posts_lock_first(bp)

#: changes of a test's results, refused while a unit's standing report counts the test (and a
#: make-up's plans, which are its first test's)
CHANGE_RESULTS = {"exams.edit", "exams.plan", "exams.default_plan", "exams.regrade", "exams.retake",
                  "exams.end", "exams.extend", "exams.control"}


@bp.before_request
def _results_stay():
    if request.method != "POST" or request.endpoint not in CHANGE_RESULTS or not current_user.is_authenticated:
        return None
    args = request.view_args or {}
    if "exam_id" in args:
        exam = db.session.get(Exam, args["exam_id"])
    elif "attempt_id" in args:
        exam = getattr(db.session.get(Attempt, args["attempt_id"]), "exam", None)
    else:
        return None
    if exam is None or not exam_concerns(current_user, exam):
        return None  # the view answers for one he may not see (404) or change
    if exam.makeup_of_id is not None and request.endpoint in ("exams.plan", "exams.default_plan"):
        flash("补测的试卷方案与原测试相同，不能另行修改：成绩按原测试的满分和及格分计入。", "danger")
    elif test_reported(exam):
        flash(REPORTED, "danger")
    else:
        return None
    return redirect(url_for("exams.detail", exam_id=exam.id))


@bp.get("/")
@role_required("admin", "liaison")
def index():
    """The tests of the user's units, newest first, a page at a time (a city's campaign brings
    hundreds: a self-test per unit and their make-ups)."""
    every = db.session.scalars(select(Exam).options(selectinload(Exam.plans).joinedload(PaperPlan.tier),
                                                    selectinload(Exam.units))
                               .order_by(Exam.opens_at.desc(), Exam.id.desc())).all()
    page = ListPage(page=request.args.get("page", 1, type=int), per_page=current_app.config["EXAMS_PAGE_SIZE"],
                    error_out=False, rows=exams_concerning(current_user, every))
    return render_template("exams/index.html", page=page, modes=plans.MODES, organising=_organising())


def _organising() -> list[tuple[Campaign, list[Unit]]]:
    """For a liaison, the campaigns still running or to come with the units he organises in
    each: the new-test links of the list."""
    if current_user.role != "liaison":
        return []
    moment = now()
    found = []
    for campaign in campaigns_of(current_user):
        units = [db.session.get(Unit, unit_id) for unit_id in organised_units(current_user, campaign)]
        if campaign.ends_at > moment and units:
            found.append((campaign, units))
    return found


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:exam_id>/edit", methods=["GET", "POST"])
@role_required("admin", "liaison")
def edit(exam_id: int | None = None):
    exam = _managed(exam_id) if exam_id else None
    if exam is not None and exam.makeup_of_id is not None:
        return redirect(url_for("makeups.makeup", exam_id=exam.id))  # its title and window are kept there
    campaign = None if exam else _new_campaign()
    if exam is None and campaign is None and current_user.role != "admin":
        abort(403)  # a unit's test belongs to a campaign: the list links to 新建 per campaign unit
    form = ExamForm(obj=exam) if request.method == "GET" and exam else ExamForm()
    organisers = _organiser_choices(form, campaign)
    if current_user.role != "admin" or (exam is not None and exam.organiser_unit_id):
        form.mode.choices = [("all", plans.MODES["all"])]  # a unit's own test is for all its people
    if request.method == "GET" and exam:
        form.opens_at.data, form.closes_at.data = _local(exam.opens_at), _local(exam.closes_at)
        form.units.data = [link.unit_id for link in exam.units]
    elif request.method == "GET" and campaign:
        form.opens_at.data = form.opens_at.data or _local(max(campaign.starts_at, now()).replace(second=0, microsecond=0))
        form.closes_at.data = form.closes_at.data or _local(campaign.ends_at)
    # a unit's test lists the units of its organiser's tree; a new one, for a liaison, those of
    # all the units he organises (plans.save_exam checks the chosen organiser's)
    if exam is not None and exam.organiser_unit_id:
        within = subtree_ids(exam.organiser_unit_id)
    elif exam is None and current_user.role != "admin" and organisers:
        within = set().union(*(subtree_ids(unit_id) for unit_id in organisers))
    else:
        within = None
    form.units.choices = {u.id: "　" * d + u.name for u, d in tree_rows() if within is None or u.id in within}
    if form.validate_on_submit():
        fields = plans.ExamFields(form.title.data, form.description.data, form.mode.data,
                                     from_local(form.opens_at.data), from_local(form.closes_at.data),
                                     form.review_allowed.data, form.score_shown.data)
        organiser = None
        if campaign is not None and form.organiser_unit_id.data:
            organiser = db.session.get(Unit, int(form.organiser_unit_id.data))
        if campaign is not None and exam is None and (organiser.id if organiser else None) not in organisers:
            abort(404)  # only the admin holds a district test; a liaison only for the units he organises
        if exam is None and organiser is not None and reported(campaign.id, organiser.id):
            flash(REPORTED, "danger")
            return redirect(url_for("campaigns.unit", campaign_id=campaign.id, unit_id=organiser.id))
        try:
            exam = plans.save_exam(exam, fields, form.units.data or [], campaign, organiser)
        except ExamError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            if exam.created_by_id is None:
                exam.created_by_id = current_user.id
            db.session.commit()
            flash(f"已保存测试“{exam.title}”。请为参加的每个干部层级设置试卷方案。", "success")
            return redirect(url_for("exams.detail", exam_id=exam.id))
    return render_template("exams/edit.html", form=form, exam=exam, local_format=LOCAL_FORMAT, campaign=campaign,
                           organised_by=plans.organised_by(exam) if exam else "")


def _new_campaign() -> Campaign | None:
    """The campaign a new test belongs to (?campaign= or the form's campaign_id), if any; a
    campaign the user takes no part in is a 404."""
    raw = request.form.get("campaign_id") if request.method == "POST" else request.args.get("campaign")
    if not raw:
        return None
    if not str(raw).isdigit():
        abort(404)
    campaign = db.get_or_404(Campaign, int(raw))
    require_campaign(current_user, campaign)
    return campaign


def _organiser_choices(form: ExamForm, campaign: Campaign | None) -> list[int | None]:
    """Fill the form's campaign fields; the organising units offered (None: the district)."""
    if campaign is None:
        del form.campaign_id
        del form.organiser_unit_id
        return []
    units = organised_units(current_user, campaign)
    offered: list[int | None] = ([None] if current_user.role == "admin" else []) + units
    names = {unit.id: unit.path for unit in db.session.scalars(select(Unit).where(Unit.id.in_(units)))}
    form.organiser_unit_id.choices = [("" if u is None else str(u), "区纪委（区级测试，如本活动的抽测）" if u is None else names[u])
                                      for u in offered]
    form.campaign_id.data = str(campaign.id)
    if request.method == "GET":
        wanted = request.args.get("unit", "")
        if wanted and not (wanted.isdigit() and int(wanted) in units):
            abort(404)  # a unit he does not organise: no hint it exists
        form.organiser_unit_id.data = wanted or ("" if current_user.role == "admin" else str(units[0]))
    return offered


def _local(moment):
    return to_local(moment).replace(tzinfo=None)


@bp.get("/<int:exam_id>")
@role_required("admin", "liaison")
def detail(exam_id: int):
    exam = _exam(exam_id)
    tier_plans = sorted(exam.plans, key=lambda p: (p.tier.rank, p.tier_id))
    return render_template("exams/detail.html", exam=exam, plans=tier_plans, modes=plans.MODES,
                           score_shown=plans.SCORE_SHOWN,
                           types=QUESTION_TYPES, scoring=plans.SCORING, plan_total=plans.plan_total,
                           counts=corrections.attempt_counts(exam, units_in_scope(current_user)), action_form=ActionForm(),
                           slip_form=_slip_form(), reason_form=ReasonForm(), now=now(),
                           manages=manages_exam(current_user, exam), defaults=plans.default_plans(exam),
                           organised_by=plans.organised_by(exam), banks=_bank_titles(drawable_bank_ids(exam)))


def _bank_titles(bank_ids: list[int] | None) -> dict[int, str]:
    if not bank_ids:
        return {}
    return dict(db.session.execute(select(Bank.id, Bank.name).where(Bank.id.in_(bank_ids)).order_by(Bank.id)).all())


def _exam(exam_id: int) -> Exam:
    """The test, if it concerns the user: a liaison gets a 404 for a test of none of his units."""
    exam = db.get_or_404(Exam, exam_id)
    if not manages_exam(current_user, exam):
        require_exam(current_user, exam)
    return exam


def _managed(exam_id: int) -> Exam:
    """The test, if the user runs it (the admin, or the organiser of a unit's test). A test he
    only sees (a district test of his units) is a 403, as before; any other a 404."""
    exam = db.get_or_404(Exam, exam_id)
    _require_managed(exam)
    return exam


def _require_managed(exam: Exam) -> None:
    if not manages_exam(current_user, exam):
        require_exam(current_user, exam)
        abort(403)


def _slip_form() -> SlipForm:
    form = SlipForm()
    within = units_in_scope(current_user)
    form.unit_id.choices = {unit.id: "　" * depth + unit.name for unit, depth in tree_rows()
                            if within is None or unit.id in within}
    return form


@bp.route("/<int:exam_id>/plan", methods=["GET", "POST"])
@role_required("admin", "liaison")
def plan(exam_id: int):
    exam = _managed(exam_id)
    allowed = drawable_bank_ids(exam)
    form = plan_form(exam.plans, allowed, _bank_choices(allowed))
    if request.method == "POST" and form.validate_on_submit():
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
    return render_template("exams/plan.html", form=form, exam=exam, restricted=allowed is not None,
                           drawable=plans.bank_names(allowed), defaults=plans.default_plans(exam),
                           action_form=ActionForm())


def _bank_choices(allowed: list[int] | None) -> list[tuple[str, str]]:
    choices = [("", "全部可用题库")]
    if allowed:
        choices += [(str(bank.id), bank.name) for bank in
                    db.session.scalars(select(Bank).where(Bank.id.in_(allowed)).order_by(Bank.id))]
    return choices


@bp.post("/<int:exam_id>/plan/default")
@role_required("admin", "liaison")
def default_plan(exam_id: int):
    """Take the campaign's default plan of one tier (tier_id) or of all its tiers (no tier_id)."""
    exam = _managed(exam_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    raw = request.form.get("tier_id", "")
    if raw and not raw.isdigit():
        abort(400)
    try:
        taken = plans.take_default_plans(exam, int(raw) if raw else None)
    except ExamError as error:
        return _refused(error, url_for("exams.detail", exam_id=exam.id))
    names = "、".join(plan.tier.name for plan in taken)
    return _done(f"已采用活动的默认试卷方案：{names}。", url_for("exams.detail", exam_id=exam.id))


@bp.get("/<int:exam_id>/plan/<int:plan_id>/preview")
@role_required("admin", "liaison")
def preview(exam_id: int, plan_id: int):
    exam = _managed(exam_id)
    plan = db.get_or_404(PaperPlan, plan_id)
    if plan.exam_id != exam.id:
        abort(404)
    try:
        paper = plans.preview_paper(plan)
    except ValueError:
        flash("题库中的题目已不够这个方案抽取，请检查方案。", "danger")
        return redirect(url_for("exams.detail", exam_id=exam_id))
    # an organiser sees the keys of his own banks; the district's only as keys.py allows
    hidden = questions_with_hidden_keys([item["id"] for item in paper], current_user)
    return render_template("exams/preview.html", plan=plan, exam=plan.exam, hidden_note=HIDDEN_NOTE,
                           questions=[(without_key(shown_item(item)), True) if item["id"] in hidden
                                      else (shown_item(item), False) for item in paper])


def shown_item(item: dict):
    """A paper item (with its key) in the display shape the bank pages use, options in paper order."""
    options = [item["options"][i] for i in item["order"]]
    key = qtypes.get(item["type"]).seen_key(item["order"], item["answer"])
    return shown(SimpleNamespace(type=item["type"], stem=item["stem"], options=options, answer=key,
                                 explanation=item.get("explanation"), source=None, line=None, place=""))


def shown_response(item: dict, response) -> str:
    """What the examinee answered, in the letters he saw."""
    if response is None:
        return UNANSWERED
    return qtypes.get(item["type"]).seen_response(item["order"], response)


@bp.post("/<int:exam_id>/copy")
@role_required("admin", "liaison")
def copy(exam_id: int):
    exam = _managed(exam_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        duplicate = plans.copy_exam(exam)
    except ExamError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("exams.detail", exam_id=exam.id))
    db.session.commit()
    flash(f"已复制为“{duplicate.title}”，请修改名称和时间。", "success")
    return redirect(url_for("exams.edit", exam_id=duplicate.id))


@bp.post("/<int:exam_id>/regrade")
@role_required("admin", "liaison")
def regrade(exam_id: int):
    exam = _managed(exam_id)
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
    exam = _exam(exam_id)
    page = db.paginate(corrections.attempts_query(exam, units_in_scope(current_user)), per_page=50, error_out=False)
    return render_template("exams/attempts.html", exam=exam, page=page, action_form=ActionForm(),
                           manages=manages_exam(current_user, exam))


def _attempt(attempt_id: int) -> Attempt:
    attempt = db.get_or_404(Attempt, attempt_id)
    require_staff(current_user, attempt.staff)
    return attempt


@bp.get("/attempt/<int:attempt_id>")
@role_required("admin", "liaison")
def attempt(attempt_id: int):
    attempt = _attempt(attempt_id)
    close_if_expired(attempt)
    db.session.commit()
    responses = responses_of(attempt)
    answered = [shown_response(item, responses.get(item["id"])) for item in attempt.paper]
    # keys and explanations are the admin's; a liaison sees them once the test has closed, or on
    # a test he runs, and then not those of questions still in use by a test not over unless
    # they are of his own banks (keys.py)
    keys = manages_exam(current_user, attempt.exam) or now() >= attempt.exam.closes_at
    hidden = questions_with_hidden_keys([item["id"] for item in attempt.paper], current_user) if keys else set()
    return render_template("exams/attempt.html", attempt=attempt, answered=answered, keys=keys,
                           questions=[None if item["id"] in hidden else shown_item(item) for item in attempt.paper]
                           if keys else [], hidden_note=HIDDEN_NOTE,
                           paper=attempt.paper, reason_form=ReasonForm(), now=now())


@bp.post("/attempt/<int:attempt_id>/retake")
@role_required("admin", "liaison")
def retake(attempt_id: int):
    attempt = _attempt(attempt_id)
    _require_managed(attempt.exam)
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


# ---- the day of the test: live progress, 收卷, 加时, reopen, force submit, slips ------------------

def _progress(exam: Exam):
    result = settled_results(exam, scope_unit(current_user))
    groups = [name for name, _ in result.by_unit()]
    group = request.args.get("unit") or None
    status = request.args.get("status") or None
    if (group is not None and group not in groups) or (status is not None and status not in LIVE_STATUS):
        abort(404)
    return progress(exam, result, group, status), groups, group, status


@bp.get("/<int:exam_id>/live")
@role_required("admin", "liaison")
def live(exam_id: int):
    """Who is in: per unit not started / answering / handed in, per person his answered count and
    last save. The page refreshes itself from live.json (static/live.js); without script it is
    a plain page to reload."""
    write_transaction()
    exam = _exam(exam_id)
    state, groups, group, status = _progress(exam)
    db.session.commit()
    response = make_response(render_template(
        "exams/live.html", exam=exam, progress=state, groups=groups, group=group, status=status,
        statuses=LIVE_STATUS, reason_form=ReasonForm(), manages=manages_exam(current_user, exam)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:exam_id>/live.json")
@role_required("admin", "liaison")
def live_json(exam_id: int):
    write_transaction()
    exam = _exam(exam_id)
    state, _, _, _ = _progress(exam)
    db.session.commit()
    response = jsonify(state.to_json())
    response.headers["Cache-Control"] = "no-store"
    return response


def _done(message: str, target: str):
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def _refused(error: ExamError, target: str):
    db.session.rollback()
    flash(str(error), "danger")
    return redirect(target)


@bp.post("/<int:exam_id>/end")
@role_required("admin", "liaison")
def end(exam_id: int):
    exam = _managed(exam_id)
    form = ReasonForm()
    back = url_for("exams.live", exam_id=exam.id)
    if not form.validate_on_submit():
        abort(400)
    try:
        closed = controls.end_now(exam, form.reason.data)
    except ExamError as error:
        return _refused(error, back)
    return _done(f"已收卷：{closed} 份正在答的答卷已交卷评分，测试已结束。", back)


@bp.post("/<int:exam_id>/extend")
@role_required("admin", "liaison")
def extend(exam_id: int):
    """加时 for the ticked people of the live page (or one, from his attempt page)."""
    exam = _exam(exam_id)
    form = ReasonForm()
    back = request.form.get("back") == "attempt" and request.form.get("attempt_id", type=int)
    target = url_for("exams.attempt", attempt_id=back) if back else url_for(  # back to the same filter
        "exams.live", exam_id=exam.id, unit=request.form.get("unit") or None, status=request.form.get("status") or None)
    if not form.validate_on_submit():
        abort(400)
    ids = [int(value) for value in request.form.getlist("attempt_id") if value.isdigit()][:5000]
    chosen = list(db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.id.in_(ids))))
    if len(chosen) != len(set(ids)) or not chosen:
        return _refused(ExamError("请勾选要加时的人（只能是这次测试正在答题的人）。"), target)
    for item in chosen:
        require_staff(current_user, item.staff)
    try:
        changed = controls.extend(chosen, request.form.get("minutes"), form.reason.data)
    except ExamError as error:
        return _refused(error, target)
    return _done(f"已为 {changed} 人加时 {int(request.form['minutes'])} 分钟。", target)


@bp.post("/attempt/<int:attempt_id>/<any(reopen, force_submit):action>")
@role_required("admin", "liaison")
def control(attempt_id: int, action: str):
    attempt = _attempt(attempt_id)
    form = ReasonForm()
    target = url_for("exams.attempt", attempt_id=attempt.id)
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == "reopen":
            controls.reopen(attempt, request.form.get("minutes"), form.reason.data)
        else:
            controls.force_submit(attempt, form.reason.data)
    except ExamError as error:
        return _refused(error, target)
    name = attempt.staff.name
    return _done(f"已重新开放 {name} 的答卷，他可以接着答。" if action == "reopen" else f"{name} 的答卷已交卷评分。", target)


@bp.post("/<int:exam_id>/slips")
@role_required("admin", "liaison")
def slips(exam_id: int):
    """Login slips for one unit's people (with its sub-units): Excel, or a page to print."""
    exam = _exam(exam_id)
    form = _slip_form()
    if not form.validate_on_submit():
        flash("请选择单位。", "danger")
        return redirect(url_for("exams.detail", exam_id=exam.id))
    unit = db.session.get(Unit, form.unit_id.data)
    people = slip_people(exam, subtree_ids(unit.id))
    if not people:
        flash(f"“{unit.path}”没有要参加这次测试的人员（看试卷方案的层级和参加单位）。", "warning")
        return redirect(url_for("exams.detail", exam_id=exam.id))
    issued = issue_slips(exam, people, current_app.config["SECRET_KEY"], current_user, where=f"（{unit.path}）")
    db.session.commit()
    if form.format.data == "print":
        response = make_response(render_template("exams/slips.html", exam=exam, unit=unit, slips=issued,
                                                 entrance=entrance_url()))
    else:
        response = send_file(io.BytesIO(slips_workbook(issued, exam, entrance_url())), as_attachment=True,
                             download_name=f"登录条-{exam.title}-{unit.name}.xlsx",
                             mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Cache-Control"] = "no-store"
    return response
