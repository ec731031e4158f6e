"""Account pages: the admin manages every account, a liaison the examinees of his unit tree.

"I forgot my password" on the morning of a test: the liaison finds the person, clicks 补发访问码
(or 重置密码), and reads or prints what the page shows once."""
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db, posts_lock_first
from ..forms import ActionForm
from ..models import ROLES, Unit, User
from ..roster.services import subtree_ids, tree_rows
from ..sampling.slips import personal_code
from ..sampling.views import entrance_url
from . import management, throttle
from .access import role_required
from .forms import AccountForm, ReasonForm
from .scope import units_in_scope
from .services import AccountError

bp = Blueprint("users", __name__, url_prefix="/accounts")
posts_lock_first(bp)


@bp.app_template_global("account_locked")
def account_locked(user_id: int) -> bool:
    return throttle.is_locked(user_id)


def _units_for(viewer):
    within = units_in_scope(viewer)
    return [(unit, depth) for unit, depth in tree_rows() if within is None or unit.id in within]


@bp.get("/")
@role_required("admin", "liaison")
def index():
    search = request.args.get("q", "").strip()[:60]
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    unit_id = request.args.get("unit", type=int)
    units = _units_for(current_user)
    unit_ids = None
    if unit_id is not None:
        if unit_id not in {unit.id for unit, _ in units}:
            abort(404)
        unit_ids = subtree_ids(unit_id)
    query = management.account_query(current_user, search, role, status, unit_ids)
    page = db.paginate(query, per_page=current_app.config["ROSTER_PAGE_SIZE"], error_out=False)
    return render_template("accounts/index.html", page=page, search=search, role=role, status=status,
                           unit_id=unit_id, units=units, roles=ROLES, statuses=management.STATUSES)


def _account(user_id: int) -> User:
    account = db.get_or_404(User, user_id)
    if not management.may_manage(current_user, account):
        abort(404)
    return account


@bp.get("/<int:user_id>")
@role_required("admin", "liaison")
def detail(user_id: int):
    account = _account(user_id)
    return render_template("accounts/detail.html", account=account, form=ActionForm(), reason_form=ReasonForm())


@bp.post("/<int:user_id>/<any(disable, enable, unlock):action>")
@role_required("admin", "liaison")
def change(user_id: int, action: str):
    account = _account(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if action == "unlock":
            management.unlock(account, current_user)
        else:
            management.set_active(account, action == "enable", current_user, form.reason.data or "")
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash({"disable": "账号已停用，它的登录随即失效。", "enable": "账号已启用。",
               "unlock": "已解除锁定，可以马上登录。"}[action], "success")
    return redirect(url_for("users.detail", user_id=user_id))


@bp.post("/<int:user_id>/<any(password, code):action>")
@role_required("admin", "liaison")
def renew(user_id: int, action: str):
    """A new password or a new one-time code, shown on this page once and never again."""
    account = _account(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if action == "code" and account.staff is None:
        flash("只有花名册中的人员可以补发访问码；请改用“重置密码”。", "danger")
        return redirect(url_for("users.detail", user_id=user_id))
    if action == "password":
        secret = management.reset_password(account, current_user)
    else:
        secret = personal_code(account.staff, current_app.config["SECRET_KEY"], current_user)
    db.session.commit()
    response = make_response(render_template("accounts/renewed.html", account=account, action=action, secret=secret,
                                             entrance=entrance_url()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = AccountForm()
    form.unit_id.choices = {0: "（不限单位）", **{unit.id: "　" * depth + unit.name for unit, depth in tree_rows()}}
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        try:
            account, password = management.create_account(form.username.data, form.role.data, form.display_name.data,
                                                          unit, current_user)
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            response = make_response(render_template("accounts/renewed.html", account=account, action="created",
                                                     secret=password, entrance=url_for("accounts.login", _external=True)))
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("accounts/new.html", form=form)

