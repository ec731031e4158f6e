from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager, write_transaction
from ..models import User
from ..models.accounts import NO_PASSWORD
from .forms import LoginForm, PasswordForm
from .services import AccountError, authenticate, change_password, login_refusal
from .sessions import end_sessions, parse_session_id

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The logged-in account, from "<id>.<epoch>" (User.get_id()). A session of an older epoch
    (logged out, password changed, disabled or reset since), or of an account disabled or left
    (离岗) since, is over."""
    parsed = parse_session_id(session_id)
    if parsed is None:
        return None
    # with his staff record in the same query: every examinee page and login_refusal() need it
    user = db.session.get(User, parsed[0], options=[joinedload(User.staff)])
    if user is None or user.session_epoch != parsed[1] or login_refusal(user) is not None:
        return None
    return user


def client_address() -> str:
    """The address a login comes from, as counted for its lock (behind the trusted proxy: the
    forwarded one)."""
    return (request.remote_addr or "unknown")[:45]


def begin_session(user: User, remember: bool = False, entered_with_code: bool = False) -> None:
    """Log ``user`` in on a fresh session: whatever the browser's session held before (its CSRF
    token too) is dropped, so a session id fixed by someone else is worth nothing."""
    session.clear()
    login_user(user, remember=remember)
    if entered_with_code:
        session["entered_with_code"] = True  # he may set a password without knowing one


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(
            form.username.data, form.password.data, client_address(),
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        )
        db.session.commit()
        if result.user is None:
            flash(result.message, "danger")
        else:
            begin_session(result.user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log out everywhere: every session and remember cookie of this account ends."""
    write_transaction()
    user = db.session.get(User, int(current_user.get_id().split(".")[0]))
    end_sessions(user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("您已退出登录。", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Set one's own password. The current one is asked for, except right after entering with
    a one-time code (staff who came in with a slip's code, or a new code from the liaison), so
    that a closed browser or another device can still log in and go on with the test."""
    need_current = not session.get("entered_with_code") and current_user.password_hash != NO_PASSWORD
    form = PasswordForm()
    if not need_current:
        del form.current
    target = _safe_next(request.args.get("next"))
    if form.validate_on_submit():
        write_transaction()
        user = db.session.get(User, current_user.id)
        try:
            change_password(user, form.password.data, form.current.data if need_current else None,
                            need_current=need_current)
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            begin_session(user)  # his other sessions are over; this one goes on
            flash(f"密码已设置。以后可以用用户名 {user.username} 和这个密码登录。", "success")
            return redirect(target)
    return render_template("accounts/password.html", form=form, target=target)


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within this site."""
    if target and target.startswith("/") and not urlsplit(target).netloc and not target.startswith("//"):
        return target
    return url_for("main.home")
