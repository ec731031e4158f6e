"""题库 pages. The admin keeps every bank. A unit organiser (liaison) sees the banks of the
campaigns his units take part in, read-only and with keys hidden while a test can draw them
(exams/keys.py), and keeps his own units' banks: imports, edits and retires them
(campaigns.access.banks_seen_by / keeps_bank). A bank he may not change is a 404 on every
write, as one he may not see is on every page."""
import io

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for,
)
from flask_login import current_user
from wtforms import SelectField

from ..accounts.access import role_required
from ..accounts.scope import units_in_scope
from ..campaigns.access import banks_seen_by, keeps_bank
from ..exams.keys import HIDDEN_NOTE, questions_with_hidden_keys, without_key
from ..extensions import db, posts_lock_first, write_transaction
from ..models import QUESTION_TYPES, Bank, BankUpload, Question, Unit
from ..roster.services import tree_rows
from . import services
from .display import shown
from .preview import preview_items
from ..forms import ActionForm
from .forms import BankConfirmForm, BankUploadForm, QuestionForm
from .readers import XLSX_COLUMNS, parse_bank

bp = Blueprint("banks", __name__, url_prefix="/banks")
# the two upload views parse the file first and take the write lock only then: parsing a large
# (or hostile) file must not hold up the examinees' autosaves on SQLite
posts_lock_first(bp, except_for=("banks.upload", "banks.confirm"))


class UnitBankConfirmForm(BankConfirmForm):
    """The confirm form of a unit organiser: whose own bank it becomes (a unit of his tree)."""
    owner_unit_id = SelectField("本单位题库归属", coerce=int)


def _confirm_form(**kwargs) -> BankConfirmForm:
    if current_user.role == "admin":
        return BankConfirmForm(**kwargs)
    form = UnitBankConfirmForm(**kwargs)
    within = units_in_scope(current_user)
    form.owner_unit_id.choices = [(unit.id, "　" * depth + unit.name) for unit, depth in tree_rows() if unit.id in within]
    if form.owner_unit_id.data is None:
        form.owner_unit_id.data = current_user.unit_id
    return form


def _seen(bank_id: int) -> Bank:
    """The bank, if the user may open it; else 404."""
    bank = db.get_or_404(Bank, bank_id)
    seen = banks_seen_by(current_user)
    if seen is not None and bank.id not in seen:
        abort(404)
    return bank


def _kept(bank: Bank) -> Bank:
    """The bank, if the user may change it; else 404 (a district bank to a unit organiser)."""
    if not keeps_bank(current_user, bank):
        abort(404)
    return bank


@bp.get("/")
@role_required("admin", "liaison")
def index():
    banks = services.banks_with_counts(banks_seen_by(current_user))
    return render_template("banks/index.html", banks=[(bank, active, retired, keeps_bank(current_user, bank))
                                                      for bank, active, retired in banks])


@bp.route("/upload", methods=["GET", "POST"])
@role_required("admin", "liaison")
def upload():
    form = BankUploadForm()
    if form.validate_on_submit():
        file = form.file.data
        data = file.read()
        filename = file.filename or "题库"
        result = parse_bank(filename, data, current_app.config["MAX_CONTENT_LENGTH"])  # no lock held
        if not result.errors:
            write_transaction()
        result = services.check_against_banks(result, banks_seen_by(current_user))
        confirm = None
        if not result.errors:
            pending = services.store_upload(filename, data, current_user)
            db.session.commit()
            confirm = _confirm_form(formdata=None, upload_id=pending.id, name=filename.rsplit(".", 1)[0])
        return _preview(filename, result, confirm)
    return render_template("banks/upload.html", form=form, columns=XLSX_COLUMNS)


def _pending(upload_id: int) -> BankUpload | None:
    """The upload waiting for confirmation; a unit organiser's own only."""
    pending = db.session.get(BankUpload, upload_id)
    if pending is not None and current_user.role != "admin" and pending.created_by_id != current_user.id:
        return None
    return pending


@bp.post("/confirm")
@role_required("admin", "liaison")
def confirm():
    form = _confirm_form()
    upload_id = int(form.upload_id.data or 0) if str(form.upload_id.data or "0").isdigit() else 0
    pending = _pending(upload_id)
    if pending is None:
        flash("上传的文件已失效，请重新上传。", "warning")
        return redirect(url_for("banks.upload"))
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("banks.upload"))
    filename = pending.filename
    result = parse_bank(filename, pending.data, None)  # parsed before the write lock is taken
    write_transaction()
    pending = _pending(upload_id)
    if pending is None:  # confirmed meanwhile in another tab
        flash("上传的文件已失效，请重新上传。", "warning")
        return redirect(url_for("banks.upload"))
    result = services.check_against_banks(result, banks_seen_by(current_user))
    if result.answer_mark and not form.marks_checked.data:
        db.session.rollback()
        return _preview(pending.filename, result, form,
                        problem=f"答案是按{result.answer_mark}识别的：请逐题核对后勾选“已核对”，再确认导入。")
    try:
        owner = db.session.get(Unit, form.owner_unit_id.data) if isinstance(form, UnitBankConfirmForm) else None
        bank = services.import_bank(form.name.data, pending.filename, result, owner=owner,
                                    seen=banks_seen_by(current_user), description=form.description.data or None,
                                    repeat_ok=form.import_anyway.data)
    except services.BankError as error:
        db.session.rollback()
        return _preview(pending.filename, result, form, problem=str(error))
    db.session.delete(pending)
    db.session.commit()
    flash(f"已导入题库“{bank.name}”，共 {len(result.questions)} 题。", "success")
    return redirect(url_for("banks.bank", bank_id=bank.id))


def _preview(filename: str, result, confirm, problem: str | None = None):
    return render_template("banks/preview.html", filename=filename, result=result, items=preview_items(result),
                           confirm=confirm, counts=services.count_types(result.questions), problem=problem,
                           repeated=services.imported_before(result, banks_seen_by(current_user)))


@bp.get("/<int:bank_id>")
@role_required("admin", "liaison")
def bank(bank_id: int):
    return _question_list(_seen(bank_id))


@bp.get("/questions")
@role_required("admin", "liaison")
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
    seen = banks_seen_by(current_user)
    query = services.question_query(bank_id=bank.id if bank else None, bank_ids=seen, **filters)
    page = db.paginate(query, per_page=20, error_out=False)
    # keys of the district's banks reach a unit organiser only as keys.py allows; his own he sees
    hidden = questions_with_hidden_keys([q.id for q in page.items], current_user)
    kept = {q.bank_id: keeps_bank(current_user, q.bank) for q in page.items}
    return render_template(
        "banks/questions.html", bank=bank, page=page, hidden_note=HIDDEN_NOTE,
        items=[(q, without_key(shown(q)) if q.id in hidden else shown(q), q.id in hidden, kept[q.bank_id])
               for q in page.items],
        filters=filters, types=QUESTION_TYPES, regulations=services.regulations(bank.id if bank else None, seen),
        action_form=ActionForm(), keeps=bank is not None and keeps_bank(current_user, bank),
    )


@bp.get("/<int:bank_id>/export")
@role_required("admin", "liaison")
def export(bank_id: int):
    bank = _kept(_seen(bank_id))  # the file holds every key
    data = services.export_bank(bank)
    return send_file(
        io.BytesIO(data), as_attachment=True, download_name=f"{bank.name}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/question/<int:question_id>/edit", methods=["GET", "POST"])
@role_required("admin", "liaison")
def edit_question(question_id: int):
    question = db.get_or_404(Question, question_id)
    _kept(question.bank)
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
@role_required("admin", "liaison")
def retire_question(question_id: int, action: str):
    question = db.get_or_404(Question, question_id)
    _kept(question.bank)
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


# ---- retiring many questions at once: a page that says what will change, then the POST --------

@bp.route("/<int:bank_id>/<any(retire, restore):action>", methods=["GET", "POST"])
@role_required("admin", "liaison")
def bank_retirement(bank_id: int, action: str):
    bank = _kept(db.get_or_404(Bank, bank_id))
    retiring = action == "retire"
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            changed = services.retire_bank(bank) if retiring else services.restore_bank(bank)
        except services.BankError as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash(f"已{'停用' if retiring else '恢复'}题库“{bank.name}”：{changed} 道题"
                  f"{'今后不会再被抽到；已经开始的测试不受影响' if retiring else '重新可以被抽到'}。", "success")
        return redirect(url_for("banks.index"))
    return _confirm_page(bank, retiring)


def _confirm_page(bank: Bank, retiring: bool):
    if retiring:
        count = services.in_use_count(bank)
        lines = [f"将停用题库“{bank.name}”中在用的 {count} 道题：今后新开始的答卷不会再抽到它们。",
                 "已经开始或交卷的答卷不受影响（题目已保存在答卷中），成绩也不会改变。",
                 "以后可以用“恢复整个题库”把这些题目恢复使用。"]
        label = f"确认停用这 {count} 道题"
    else:
        count = len(services.restorable(bank))
        lines = [f"将恢复题库“{bank.name}”中的 {count} 道题，恢复后新开始的答卷可以抽到它们。",
                 "恢复的是上一次“停用整个题库”停用的题目；之前单独停用的题目（如重复题）保持停用。"]
        label = f"确认恢复这 {count} 道题"
    return render_template("banks/confirm.html", title=("停用" if retiring else "恢复") + f"题库“{bank.name}”",
                           lines=lines, count=count, label=label, danger=retiring,
                           action=url_for("banks.bank_retirement", bank_id=bank.id,
                                          action="retire" if retiring else "restore"),
                           back=url_for("banks.index"), action_form=ActionForm())


@bp.route("/duplicates/retire", methods=["GET", "POST"])
@role_required("admin")
def retire_duplicates():
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            retired, groups = services.retire_duplicates()
        except services.BankError as error:
            db.session.rollback()
            flash(str(error), "warning")
        else:
            db.session.commit()
            flash(f"已停用重复题目 {retired} 道（{groups} 组，每组保留最早的一道）。已经开始的测试不受影响。", "success")
        return redirect(url_for("banks.duplicates"))
    kept, surplus = services.surplus_duplicates()
    lines = [f"共 {len(kept)} 组重复题目：每组保留最早导入的一道，停用其余的 {len(surplus)} 道。",
             "已经开始或交卷的答卷不受影响（题目已保存在答卷中），成绩也不会改变。",
             "停用的题目可以在题库中勾选“已停用”找到，逐题恢复。"]
    return render_template("banks/confirm.html", title="停用全部重复题目", lines=lines, count=len(surplus),
                           label=f"确认停用这 {len(surplus)} 道重复题", danger=True,
                           action=url_for("banks.retire_duplicates"), back=url_for("banks.duplicates"),
                           action_form=ActionForm())
