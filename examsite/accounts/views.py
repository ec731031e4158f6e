from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, login_manager, write_transaction
from ..models import User
from .forms import LoginForm, PasswordForm
from .services import AccountError, authenticate, change_password, login_refusal

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The logged-in account; a session of one disabled or left (离岗) since is over."""
    user = db.session.get(User, int(user_id))
    return user if user is not None and login_refusal(user) is None else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(
            form.username.data, form.password.data,
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        )
        db.session.commit()
        if result.user is None:
            flash(result.message, "danger")
        else:
            login_user(result.user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Set one's own password: for staff who came in with a one-time access code, so that a
    closed browser or another device can still log in and go on with the test."""
    form = PasswordForm()
    target = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        write_transaction()
        try:
            change_password(db.session.get(User, current_user.id), form.password.data)
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"密码已设置。以后可以用用户名 {current_user.username} 和这个密码登录。", "success")
            return redirect(target)
    return render_template("accounts/password.html", form=form, target=target)


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within this site."""
    if target and target.startswith("/") and not urlsplit(target).netloc and not target.startswith("//"):
        return target
    return url_for("main.home")
