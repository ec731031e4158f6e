"""Pages for draws: make one, see its history, verify, void, assign to a spot test, print slips,
and the access-code entrance for drawn staff."""
import io

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for,
)
from flask_login import current_user
from sqlalchemy import select

from ..accounts.access import role_required
from ..accounts import throttle
from ..accounts.services import login_refusal
from ..accounts.views import begin_session, client_address
from ..extensions import db, posts_lock_first, write_transaction
from ..forms import ActionForm
from ..models import Draw, Exam, Tier
from ..roster.services import tree_rows
from . import services, slips
from .forms import AssignForm, CodeLoginForm, DrawForm, VoidForm
from .sampler import SampleError

bp = Blueprint("draws", __name__)
posts_lock_first(bp, except_for=("draws.code_login",))


@bp.get("/draws/")
@role_required("admin")
def index():
    draws = db.session.scalars(select(Draw).order_by(Draw.id.desc())).all()
    return render_template("draws/index.html", draws=draws, describe=_describer())


def _describer():
    """describe_request() for templates, naming the spot test a draw excluded by its title."""
    titles = dict(db.session.execute(select(Exam.id, Exam.title)).all())
    return lambda parameters: services.describe_request(parameters, titles.get((parameters or {}).get("exclude_exam")))


def _draw_request(form: DrawForm) -> services.DrawRequest:
    amount = float(form.amount.data)
    method = form.method.data
    paths = form.units.data or []
    return services.DrawRequest(
        unit_paths=services.outermost(paths) if form.subunits.data else paths, subunits=form.subunits.data,
        tiers=form.tiers.data or [], position_words=(form.positions.data or "").split(),
        size=int(amount) if method == "size" else None,
        per_unit=int(amount) if method == "per_unit" else None,
        proportion=amount if method == "proportion" else None,
        stratify=form.stratify.data, at_least_one=form.at_least_one.data,
        exclude_days=form.exclude_days.data or 0, exclude_exam=form.exclude_exam.data or None,
        seed=(form.seed.data or "").strip() or None,
    )


@bp.route("/draws/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    """试抽（不保存） shows the draw; 确认保存 saves it with the same conditions and seed, unless the
    population changed meanwhile; 直接抽取并保存 saves at once."""
    form = DrawForm()
    form.units.choices = {u.path: "　" * d + u.name for u, d in tree_rows()}
    form.tiers.choices = {t.name: t.name for t in db.session.scalars(select(Tier).order_by(Tier.rank))}
    form.exclude_exam.choices = {0: "（不排除）", **{e.id: e.title for e in db.session.scalars(
        select(Exam).where(Exam.mode == "sample").order_by(Exam.opens_at.desc()))}}
    shown = None
    if form.validate_on_submit():
        draw_request = _draw_request(form)
        try:
            if form.trial.data:
                shown = services.trial(draw_request, current_user)
            elif form.confirm.data:
                draw_request.seed = draw_request.seed or (form.trial_seed.data or "").strip() or None
                made = services.confirm_trial(draw_request, form.trial_key.data or "", form.trial_hash.data or "",
                                              current_user)
            else:
                made = services.make_draw(draw_request, current_user)
        except services.TrialOutdated as outdated:
            db.session.commit()  # the new trial's line in the audit log; no draw
            flash(str(outdated), "warning")
            shown = outdated.trial
        except SampleError as error:
            db.session.rollback()
            flash(f"没有抽取：{error}", "danger")
        else:
            db.session.commit()
            if shown is None:
                flash(f"已抽取 {len(made.members)} 人。种子：{made.seed}", "success")
                return redirect(url_for("draws.detail", draw_id=made.id))
    if shown is not None:
        form.trial_seed.data, form.trial_key.data, form.trial_hash.data = shown.seed, shown.key, shown.population_hash
    return render_template("draws/new.html", form=form, trial=shown, describe=_describer())


@bp.get("/draws/<int:draw_id>")
@role_required("admin")
def detail(draw_id: int):
    made = db.get_or_404(Draw, draw_id)
    assign_form = AssignForm()
    assign_form.exam_id.choices = {e.id: e.title for e in db.session.scalars(
        select(Exam).where(Exam.mode == "sample").order_by(Exam.opens_at.desc()))}
    check = services.verify(made) if request.args.get("verify") else None
    return render_template("draws/detail.html", draw=made, assign_form=assign_form, void_form=VoidForm(),
                           check=check, exam=db.session.get(Exam, made.exam_id) if made.exam_id else None,
                           describe=_describer())


@bp.post("/draws/<int:draw_id>/assign")
@role_required("admin")
def assign(draw_id: int):
    made = db.get_or_404(Draw, draw_id)
    form = AssignForm()
    form.exam_id.choices = {e.id: e.title for e in db.session.scalars(select(Exam).where(Exam.mode == "sample"))}
    if not form.validate_on_submit():
        flash("请选择一个“随机抽测”方式的测试（先在“测试”中新建）。", "danger")
        return redirect(url_for("draws.detail", draw_id=draw_id))
    try:
        created = slips.assign(made, db.session.get(Exam, form.exam_id.data), current_user)
    except SampleError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(f"已分配，新建考生账号 {created} 个。请下载登录条发给抽中的人员。", "success")
    return redirect(url_for("draws.detail", draw_id=draw_id))


@bp.post("/draws/<int:draw_id>/slips")
@role_required("admin")
def download_slips(draw_id: int):
    made = db.get_or_404(Draw, draw_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        issued = slips.issue_codes(made, current_app.config["SECRET_KEY"], current_user)
    except SampleError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("draws.detail", draw_id=draw_id))
    exam = db.session.get(Exam, made.exam_id)
    data = slips.slips_workbook(issued, exam, entrance_url())
    db.session.commit()
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"登录条-{exam.title}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def entrance_url() -> str:
    """The access-code entrance as printed on slips: from EXAMSITE_BASE_URL, the address staff
    reach the site by; only when it is not set, the address this request came to."""
    base = current_app.config.get("BASE_URL")
    return base + url_for("draws.code_login") if base else url_for("draws.code_login", _external=True)


@bp.post("/draws/<int:draw_id>/void")
@role_required("admin")
def void(draw_id: int):
    made = db.get_or_404(Draw, draw_id)
    form = VoidForm()
    try:
        if not form.validate_on_submit():
            raise SampleError("作废必须写明原因。")
        services.void(made, form.reason.data, current_user)
    except SampleError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(f"第 {made.id} 次抽取已作废。", "success")
    return redirect(url_for("draws.detail", draw_id=draw_id))


@bp.route("/code", methods=["GET", "POST"])
def code_login():
    """Staff enter with 工号 and the one-time code from their slip: a test's slip leads to the
    test, a personal code (a new slip from the liaison) to his own page. Either way he is asked
    to set a password first, so a closed browser or another device can log in again."""
    form = CodeLoginForm()
    if form.validate_on_submit():
        # wrong codes count against the account from this address as wrong passwords do, and lock it alike
        refused = "工号或访问码不正确，或访问码已经用过。"
        limits = {"max_failures": current_app.config["LOGIN_MAX_FAILURES"],
                  "lock_minutes": current_app.config["LOGIN_LOCK_MINUTES"]}
        account = slips.account_of(form.staff_no.data)
        account_id = account.id if account is not None else None
        db.session.rollback()
        locked = throttle.reserve(account_id, client_address(), "访问码", **limits) if account_id else None
        if locked:
            flash(locked, "danger")
            return render_template("draws/code.html", form=form)
        write_transaction()
        used = slips.redeem(form.staff_no.data, form.code.data, current_app.config["SECRET_KEY"])
        user = used.staff.user if used is not None else None
        refusal = login_refusal(user) if user is not None else None
        if user is not None and refusal is None:
            throttle.succeeded(user.id, client_address())
            db.session.commit()
            begin_session(user, entered_with_code=True)
            flash("已进入。访问码只能用一次：请先设置一个密码，万一浏览器关闭或换了设备，"
                  f"可以用工号 {used.staff.staff_no} 和这个密码重新登录，接着答题。", "info")
            target = url_for("take.start_page", exam_id=used.exam_id) if used.exam_id else url_for("take.home")
            return redirect(url_for("accounts.password", next=target))
        db.session.rollback()
        if refusal:
            flash(refusal, "danger")
            return render_template("draws/code.html", form=form)
        message = refused
        if account_id is not None:
            write_transaction()
            message = throttle.failed(account_id, client_address(), "访问码", refused, **limits)
            db.session.commit()
        flash(message, "danger")
    return render_template("draws/code.html", form=form)
