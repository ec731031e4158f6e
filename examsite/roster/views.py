from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts.access import role_required
from ..extensions import db
from ..models import Unit
from . import services
from .forms import RosterUploadForm, TierForm, UnitForm
from .records import REQUIRED_COLUMNS

bp = Blueprint("roster", __name__, url_prefix="/roster")


@bp.get("/")
@role_required("admin", "liaison")
def index():
    within = None
    if current_user.role == "liaison":
        within = services.subtree_ids(current_user.unit_id)
    search = request.args.get("q", "").strip()
    unit_id = request.args.get("unit", type=int)
    tier_id = request.args.get("tier", type=int)
    if unit_id is not None and within is not None and unit_id not in within:
        abort(403)
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
        upload = form.file.data
        result = services.import_roster(upload.filename or "", upload.read())
        if result.ok:
            db.session.commit()
            flash(
                f"导入完成：新增 {result.added} 人，更新 {result.updated} 人，未变 {result.unchanged} 人"
                + (f"，新建单位 {len(result.new_units)} 个：{'、'.join(result.new_units)}" if result.new_units else "")
                + "。",
                "success",
            )
            return redirect(url_for("roster.index"))
        db.session.rollback()
        errors = result.errors
    return render_template("roster/upload.html", form=form, errors=errors,
                           columns=list(REQUIRED_COLUMNS) + ["职务（可选）"],
                           tiers=services.tiers())


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
