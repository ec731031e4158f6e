"""Notices: the admin drafts, previews and publishes; anyone reads a published one."""
from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts.access import role_required
from ..extensions import db, write_transaction
from ..models import Exam, Notice
from ..results.services import settled_results
from . import services
from .forms import NoticeForm, WithdrawForm
from .snapshot import NoticeDraft, build_snapshot, default_draft

bp = Blueprint("notices", __name__)


@bp.route("/exams/<int:exam_id>/notice", methods=["GET", "POST"])
@role_required("admin")
def draft(exam_id: int):
    write_transaction()
    exam = db.get_or_404(Exam, exam_id)
    try:
        services.check_publishable(exam)
    except services.NoticeError as error:
        flash(str(error), "warning")
        return redirect(url_for("results.overview", exam_id=exam.id))
    result = settled_results(exam)
    db.session.commit()
    earlier = [n for n in services.for_exam(exam) if services.superseded_by(n) is None]
    form = NoticeForm(data=asdict(default_draft(result)) if request.method == "GET" else None)
    form.supersedes.choices = {0: "不更正（新的通报）", **{n.id: f"更正：{n.title}" for n in earlier}}
    preview = None
    if form.validate_on_submit():
        chosen = NoticeDraft(**{name: form[name].data for name in NoticeDraft.__dataclass_fields__})
        if request.form.get("action") == "publish":
            write_transaction()
            superseded = db.session.get(Notice, form.supersedes.data) if form.supersedes.data else None
            try:
                notice = services.publish(result, chosen, superseded, current_user.id)
            except services.NoticeError as error:
                db.session.rollback()
                flash(str(error), "danger")
            else:
                db.session.commit()
                flash("通报已发布。", "success")
                return redirect(url_for("notices.show", slug=notice.slug))
        preview = build_snapshot(result, chosen)
    return render_template("notices/draft.html", exam=exam, form=form, preview=preview,
                           preview_title=form.title.data)


@bp.get("/notices/")
def index():
    return render_template("notices/index.html", notices=services.published())


@bp.get("/notices/<slug>")
def show(slug: str):
    notice = db.one_or_404(db.select(Notice).where(Notice.slug == slug))
    earlier = db.session.get(Notice, notice.supersedes_id) if notice.supersedes_id else None
    return render_template("notices/show.html", notice=notice, data=notice.snapshot, earlier=earlier,
                           later=services.superseded_by(notice), withdraw_form=WithdrawForm())


@bp.post("/notices/<slug>/withdraw")
@role_required("admin")
def withdraw(slug: str):
    write_transaction()
    notice = db.one_or_404(db.select(Notice).where(Notice.slug == slug))
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("notices.show", slug=slug))
    try:
        services.withdraw(notice, form.reason.data)
    except services.NoticeError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash("通报已撤回。", "success")
    return redirect(url_for("notices.show", slug=slug))


@bp.get("/notices/all")
@role_required("admin")
def manage():
    return render_template("notices/index.html", notices=services.published(include_withdrawn=True), manage=True)
