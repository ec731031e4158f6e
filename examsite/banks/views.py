import io

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for,
)
from flask_login import current_user
from ..accounts.access import role_required
from ..extensions import db, posts_lock_first
from ..models import QUESTION_TYPES, Bank, BankUpload, Question
from . import services
from .display import shown
from ..forms import ActionForm
from .forms import BankConfirmForm, BankUploadForm, QuestionForm
from .readers import XLSX_COLUMNS

bp = Blueprint("banks", __name__, url_prefix="/banks")
posts_lock_first(bp)


@bp.get("/")
@role_required("admin")
def index():
    return render_template("banks/index.html", banks=services.banks_with_counts())


@bp.route("/upload", methods=["GET", "POST"])
@role_required("admin")
def upload():
    form = BankUploadForm()
    if form.validate_on_submit():
        file = form.file.data
        data = file.read()
        filename = file.filename or "题库"
        result = services.parse_upload(filename, data, current_app.config["MAX_CONTENT_LENGTH"])
        confirm = None
        if not result.errors:
            pending = services.store_upload(filename, data, current_user)
            db.session.commit()
            confirm = BankConfirmForm(upload_id=pending.id, name=filename.rsplit(".", 1)[0])
        return render_template("banks/preview.html", filename=filename, result=result,
                               questions=[shown(q) for q in result.questions], confirm=confirm,
                               counts=services.count_types(result.questions))
    return render_template("banks/upload.html", form=form, columns=XLSX_COLUMNS)


@bp.post("/confirm")
@role_required("admin")
def confirm():
    form = BankConfirmForm()
    pending = db.session.get(BankUpload, int(form.upload_id.data or 0))
    if pending is None:
        flash("上传的文件已失效，请重新上传。", "warning")
        return redirect(url_for("banks.upload"))
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("banks.upload"))
    result = services.parse_upload(pending.filename, pending.data, None)
    try:
        bank = services.import_bank(form.name.data, pending.filename, result,
                                    description=form.description.data or None)
    except services.BankError as error:
        db.session.rollback()
        return render_template("banks/preview.html", filename=pending.filename, result=result,
                               questions=[shown(q) for q in result.questions], confirm=form,
                               counts=services.count_types(result.questions), problem=str(error))
    db.session.delete(pending)
    db.session.commit()
    flash(f"已导入题库“{bank.name}”，共 {len(result.questions)} 题。", "success")
    return redirect(url_for("banks.bank", bank_id=bank.id))


@bp.get("/<int:bank_id>")
@role_required("admin")
def bank(bank_id: int):
    bank = db.get_or_404(Bank, bank_id)
    return _question_list(bank)


@bp.get("/questions")
@role_required("admin")
def questions():
    return _question_list(None)


def _question_list(bank: Bank | None):
    args = request.args
    filters = {
        "search": args.get("q", "").strip(),
        "qtype": args.get("type", "") if args.get("type", "") in QUESTION_TYPES else "",
        "regulation": args.get("regulation", "").strip(),
        "difficulty": args.get("difficulty", type=int),
        "retired": args.get("retired") == "1",
    }
    query = services.question_query(bank_id=bank.id if bank else None, **filters)
    page = db.paginate(query, per_page=20, error_out=False)
    return render_template(
        "banks/questions.html", bank=bank, page=page, items=[(q, shown(q)) for q in page.items],
        filters=filters, types=QUESTION_TYPES, regulations=services.regulations(bank.id if bank else None),
        action_form=ActionForm(),
    )


@bp.get("/<int:bank_id>/export")
@role_required("admin")
def export(bank_id: int):
    bank = db.get_or_404(Bank, bank_id)
    data = services.export_bank(bank)
    return send_file(
        io.BytesIO(data), as_attachment=True, download_name=f"{bank.name}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/question/<int:question_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_question(question_id: int):
    question = db.get_or_404(Question, question_id)
    form = QuestionForm()
    if request.method == "GET":
        form.stem.data = question.stem
        form.options.data = "\n".join(question.options)
        form.answer.data = services.answer_text(question.qtype, question.answer)
        form.explanation.data = question.explanation or ""
        form.source.data = question.regulation or ""
        form.difficulty.data = str(question.difficulty or "")
    elif form.validate_on_submit():
        edit = services.QuestionEdit(
            stem=form.stem.data, options=(form.options.data or "").splitlines(),
            answer=form.answer.data, explanation=form.explanation.data or "",
            source=form.source.data or "", difficulty=form.difficulty.data or "",
        )
        try:
            services.update_question(question, edit)
        except services.BankError as error:
            db.session.rollback()
            flash(f"没有保存：{error}", "danger")
        else:
            db.session.commit()
            flash(f"已保存题目 #{question.id}。", "success")
            return redirect(url_for("banks.bank", bank_id=question.bank_id))
    return render_template("banks/edit.html", form=form, question=question,
                           type_label=QUESTION_TYPES[question.qtype])


@bp.post("/question/<int:question_id>/<any(retire, restore):action>")
@role_required("admin")
def retire_question(question_id: int, action: str):
    question = db.get_or_404(Question, question_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_retired(question, action == "retire")
    db.session.commit()
    flash(f"题目 #{question.id} 已{'停用，今后不会再被抽到' if action == 'retire' else '恢复使用'}。", "success")
    return redirect(request.referrer or url_for("banks.bank", bank_id=question.bank_id))


@bp.get("/duplicates")
@role_required("admin")
def duplicates():
    groups = [[(q, shown(q)) for q in group] for group in services.duplicate_groups()]
    return render_template("banks/duplicates.html", groups=groups, action_form=ActionForm())
