from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..accounts.scope import exams_concerning, units_in_scope
from ..extensions import db
from ..models import AuditLog, Exam, Staff, Unit, User

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("accounts.login"))


@bp.get("/home")
@login_required
def home():
    if current_user.role == "admin":
        counts = {
            "staff": db.session.scalar(select(func.count(Staff.id))),
            "units": db.session.scalar(select(func.count(Unit.id))),
            "users": db.session.scalar(select(func.count(User.id))),
        }
        recent = db.session.scalars(
            select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(8)
        ).all()
        return render_template("main/admin_home.html", counts=counts, recent=recent)
    if current_user.role == "liaison":
        within = units_in_scope(current_user)
        staff = db.session.scalar(select(func.count(Staff.id)).where(Staff.unit_id.in_(within)))
        exams = exams_concerning(current_user, db.session.scalars(
            select(Exam).order_by(Exam.opens_at.desc()).limit(50)).all())
        return render_template("main/liaison_home.html", staff=staff, unit_count=len(within), exams=exams)
    return redirect(url_for("take.home"))


@bp.get("/livez")
def livez():
    """The process answers, without touching the database: for a load balancer's liveness probe,
    and the trivial endpoint the benchmarks compare the autosave with (/healthz asks the database)."""
    return {"status": "ok"}


@bp.get("/healthz")
def healthz():
    """For load balancers and monitoring: the database answers (SELECT 1) and, on SQLite, its
    file can be written; else 503 with the Chinese message (the log names the file to fix)."""
    from ..faults import DATABASE_DOWN, database_message, unwritable_sqlite_file

    try:
        db.session.execute(select(1))
        unwritable = unwritable_sqlite_file()
    except Exception as error:  # the database is down: say so, once, as faults.py logs it
        db.session.rollback()
        current_app.logger.error("GET /healthz → 503 %s", database_message(error))
        return {"status": "unavailable", "error": DATABASE_DOWN}, 503
    finally:
        db.session.rollback()  # end the read (on SQLite it would hold back the WAL checkpoint)
    if unwritable is not None:
        current_app.logger.error("GET /healthz → 503 %s", database_message())  # which file to fix
        return {"status": "unavailable", "error": DATABASE_DOWN}, 503
    return {"status": "ok"}
