import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..accounts.access import role_required
from ..accounts.scope import units_in_scope
from ..clock import now, to_local
from ..extensions import db, posts_lock_first, write_transaction
from ..forms import ActionForm
from ..kept_uploads import keep
from ..models import RankTier, RosterUpload, Tier, Unit
from . import services
from .reader import RosterFileError, read_sheets
from .forms import RankForm, RosterConfirmForm, RosterUploadForm, TierForm, UnitForm

bp = Blueprint("roster", __name__, url_prefix="/roster")
# the two import views read the file first and take the write lock only then: reading a large
# (or hostile) file must not hold up the examinees' autosaves on SQLite
posts_lock_first(bp, except_for=("roster.upload", "roster.preview"))


@bp.get("/")
@role_required("admin", "liaison")
def index():
    within = units_in_scope(current_user)
    search = request.args.get("q", "").strip()
    unit_id = request.args.get("unit", type=int)
    tier_id = request.args.get("tier", type=int)
    if unit_id is not None and within is not None and unit_id not in within:
        abort(404)  # another unit: no hint that it exists
    query = services.roster_query(search=search, unit_id=unit_id, tier_id=tier_id, within=within)
    page = db.paginate(query, per_page=current_app.config["ROSTER_PAGE_SIZE"], error_out=False)
    units = [(u, d) for u, d in services.tree_rows() if within is None or u.id in within]
    return render_template(
        "roster/index.html", page=page, units=units, tiers=services.tiers(),
        search=search, unit_id=unit_id, tier_id=tier_id,
    )


@bp.route("/import", methods=["GET", "POST"])
@role_required("admin")
def upload():
    form = RosterUploadForm()
    errors: list[str] = []
    if form.validate_on_submit():
        file = form.file.data
        filename, data = file.filename or "", file.read()
        plan = services.plan_import(filename, data)  # no lock held: this only reads
        if plan.ok:
            write_transaction()
            pending = keep(RosterUpload, filename, data, current_user)
            db.session.commit()
            return redirect(url_for("roster.preview", upload_id=pending.id))
        db.session.rollback()
        errors = plan.errors
    return render_template("roster/upload.html", form=form, errors=errors, tiers=services.tiers())


@bp.route("/import/<int:upload_id>", methods=["GET", "POST"])
@role_required("admin")
def preview(upload_id: int):
    """What the import would do, and the admin's confirmation of new units and leavers."""
    pending = db.get_or_404(RosterUpload, upload_id)
    form = RosterConfirmForm()
    if request.method == "POST":
        filename, data = pending.filename, pending.data
        try:
            sheets = read_sheets(filename, data)  # the slow part, before the write lock
        except RosterFileError:
            sheets = None  # plan_import reports it
        write_transaction()
        pending = db.session.get(RosterUpload, upload_id)
        if pending is None:  # confirmed meanwhile in another tab
            flash("上传的文件已失效，请重新上传。", "warning")
            return redirect(url_for("roster.upload"))
        plan = services.plan_import(filename, data, sheets)  # under the lock: the roster may have changed since
    else:
        plan = services.plan_import(pending.filename, pending.data)
    if form.validate_on_submit() and plan.ok:
        result = services.apply_import(plan, confirm_units=form.create_units.data,
                                       mark_leaving=form.mark_leaving.data)
        if result.ok:
            db.session.delete(pending)
            db.session.commit()
            flash(f"导入完成：新增 {result.added} 人，更新 {result.updated} 人，未变 {result.unchanged} 人"
                  + (f"，新建单位 {len(result.new_units)} 个" if result.new_units else "")
                  + (f"，{result.marked_leaving} 人标为离岗" if result.marked_leaving else "")
                  + (f"，为 {result.accounts_created} 人建立了登录账号（用户名为工号，凭登录条首次登录）" if result.accounts_created else "")
                  + "。", "success")
            return redirect(url_for("roster.index"))
        db.session.rollback()
        flash(" ".join(result.errors), "danger")
    return render_template("roster/preview.html", plan=plan, form=form, upload=pending)


@bp.get("/export.xlsx")
@role_required("admin", "liaison")
def export():
    within = units_in_scope(current_user)
    moment = to_local(now())
    return send_file(io.BytesIO(services.roster_workbook(within)), as_attachment=True,
                     download_name=f"花名册-{moment:%Y%m%d-%H%M}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/ranks", methods=["GET", "POST"])
@role_required("admin")
def ranks():
    """The tier map: which 干部层级 a 职级 or 职务 in a roster belongs to."""
    form = RankForm()
    form.tier_id.choices = {tier.id: tier.name for tier in services.tiers()}
    if form.validate_on_submit():
        try:
            entry = services.add_rank(form.rank.data, db.session.get(Tier, form.tier_id.data))
        except services.RosterError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"已添加：{entry.rank} → {entry.tier.name}。", "success")
            return redirect(url_for("roster.ranks"))
    return render_template("roster/ranks.html", form=form, entries=services.rank_entries(),
                           tiers=services.tiers(), action_form=ActionForm())


@bp.post("/ranks/<int:entry_id>/delete")
@role_required("admin")
def delete_rank(entry_id: int):
    entry = db.get_or_404(RankTier, entry_id)
    if ActionForm().validate_on_submit():
        services.remove_rank(entry)
        db.session.commit()
        flash(f"已删除“{entry.rank}”的对应。", "success")
    return redirect(url_for("roster.ranks"))


@bp.route("/units", methods=["GET", "POST"])
@role_required("admin")
def units():
    form = UnitForm()
    rows = services.tree_rows()
    form.parent_id.choices = {0: "（顶层单位）", **{u.id: "　" * d + u.name for u, d in rows}}
    if form.validate_on_submit():
        parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
        try:
            unit = services.create_unit(form.name.data, parent)
        except services.RosterError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"已添加单位 {unit.path}。", "success")
            return redirect(url_for("roster.units"))
    counts = services.staff_per_unit()
    return render_template("roster/units.html", form=form, rows=rows, counts=counts)


@bp.route("/tiers", methods=["GET", "POST"])
@role_required("admin")
def tiers():
    form = TierForm()
    if form.validate_on_submit():
        try:
            tier = services.create_tier(form.name.data)
        except services.RosterError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"已添加干部层级“{tier.name}”。测试可以为它单独设置试卷方案。", "success")
            return redirect(url_for("roster.tiers"))
    return render_template("roster/tiers.html", form=form, tiers=services.tiers(),
                           counts=services.staff_per_tier())
