"""A unit's report (报送) of its self-test results: the 成绩汇总表, submitting, the signed scan.

The unit's organiser (a liaison whose tree holds the campaign unit) and the district admin see
it; anyone else gets 404, as does a report id that is not this unit's in this campaign.
"""
import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..accounts.access import role_required
from ..clock import now
from ..extensions import db, posts_lock_first, write_transaction
from ..forms import ActionForm
from ..models import Campaign, CampaignReport, Unit
from . import reports, summary_sheet
from .access import require_unit
from .report_forms import ReturnForm, ScanForm

bp = Blueprint("reports", __name__, url_prefix="/campaigns")
# the scan upload checks the file's size before anything else, and takes the write lock after
posts_lock_first(bp, except_for=("reports.upload_scan",))

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
#: the most an upload request may carry besides the scan itself (the form's other fields)
FORM_OVERHEAD = 64 * 1024


def _unit(campaign_id: int, unit_id: int) -> tuple[Campaign, Unit]:
    campaign = db.get_or_404(Campaign, campaign_id)
    require_unit(current_user, campaign, unit_id)  # a campaign unit he organises, else 404
    return campaign, db.get_or_404(Unit, unit_id)


def _report(campaign: Campaign, unit: Unit, report_id: int) -> CampaignReport:
    report = db.session.get(CampaignReport, report_id)
    if report is None or report.campaign_id != campaign.id or report.unit_id != unit.id:
        abort(404)
    return report


def _draft(campaign: Campaign, unit: Unit) -> tuple[dict, str | None]:
    """The draft as the unit's tests stand now (after closing overdue attempts), and why it
    cannot be submitted yet."""
    write_transaction()
    _, tests = reports.report_rows(campaign, unit.id)
    reports.settle(tests)
    db.session.commit()
    snapshot = reports.build_snapshot(campaign, unit)
    return snapshot, reports.submit_problem(tests, now())


def _shown(campaign: Campaign, unit: Unit, report_id: int | None) -> dict:
    """The snapshot a document is written from: a given report's, else the standing report's,
    else the draft."""
    if report_id is not None:
        return _report(campaign, unit, report_id).snapshot
    standing = reports.standing_report(campaign, unit.id)
    return standing.snapshot if standing is not None else _draft(campaign, unit)[0]


@bp.get("/<int:campaign_id>/units/<int:unit_id>/report")
@role_required("admin", "liaison")
def report(campaign_id: int, unit_id: int):
    """The unit's report: a draft from its self-tests, or the one it submitted."""
    campaign, unit = _unit(campaign_id, unit_id)
    standing = reports.standing_report(campaign, unit.id)
    problem = None
    if standing is not None:
        snapshot = standing.snapshot
    else:
        snapshot, problem = _draft(campaign, unit)
    returned = [r for r in reports.unit_reports(campaign, unit.id) if r.returned_at is not None]
    return render_template("campaigns/report.html", campaign=campaign, unit=unit, standing=standing,
                           data=snapshot, problem=problem, returned=returned, late_now=now() > campaign.report_due,
                           action_form=ActionForm(), scan_form=ScanForm(), return_form=ReturnForm())


@bp.get("/<int:campaign_id>/units/<int:unit_id>/report/print")
@bp.get("/<int:campaign_id>/units/<int:unit_id>/reports/<int:report_id>/print")
@role_required("admin", "liaison")
def print_sheet(campaign_id: int, unit_id: int, report_id: int | None = None):
    """The 成绩汇总表 as a page to print on A4."""
    campaign, unit = _unit(campaign_id, unit_id)
    data = _shown(campaign, unit, report_id)
    return render_template("campaigns/report_print.html", campaign=campaign, unit=unit, data=data,
                           title=summary_sheet.sheet_title(data), status=summary_sheet.status_line(data),
                           info=summary_sheet.info_lines(data), draft=summary_sheet.is_draft(data),
                           signatures=summary_sheet.SIGNATURES)


@bp.get("/<int:campaign_id>/units/<int:unit_id>/report/sheet.<fmt>")
@bp.get("/<int:campaign_id>/units/<int:unit_id>/reports/<int:report_id>/sheet.<fmt>")
@role_required("admin", "liaison")
def sheet(campaign_id: int, unit_id: int, fmt: str, report_id: int | None = None):
    """The 成绩汇总表 as an Excel workbook or a Word document."""
    if fmt not in FORMATS:
        abort(404)
    campaign, unit = _unit(campaign_id, unit_id)
    data = _shown(campaign, unit, report_id)
    stream = summary_sheet.write_workbook(data) if fmt == "xlsx" else summary_sheet.write_docx(data)
    return send_file(stream, as_attachment=True, download_name=summary_sheet.filename(data, fmt),
                     mimetype=FORMATS[fmt])


@bp.post("/<int:campaign_id>/units/<int:unit_id>/report/submit")
@role_required("admin", "liaison")
def submit(campaign_id: int, unit_id: int):
    campaign, unit = _unit(campaign_id, unit_id)
    back = url_for("reports.report", campaign_id=campaign.id, unit_id=unit.id)
    if not ActionForm().validate_on_submit():
        flash("页面已过期，请刷新后重试。", "danger")
        return redirect(back)
    try:
        made = reports.submit(campaign, unit, current_user)
    except reports.ReportError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back)
    db.session.commit()
    flash("已报送，逾期报送。" if reports.is_late(made) else "已报送。", "warning" if reports.is_late(made) else "success")
    return redirect(back)


@bp.post("/<int:campaign_id>/units/<int:unit_id>/reports/<int:report_id>/scan")
@role_required("admin", "liaison")
def upload_scan(campaign_id: int, unit_id: int, report_id: int):
    """Attach or replace the signed, stamped scan. The whole request is bounded by the app's
    upload limit (MAX_CONTENT_LENGTH, before the form is parsed); the file's own limit is checked
    from its stream's size, and its first bytes say its kind."""
    campaign, unit = _unit(campaign_id, unit_id)
    _report(campaign, unit, report_id)
    back = url_for("reports.report", campaign_id=campaign.id, unit_id=unit.id)
    if request.content_length is not None and request.content_length > reports.SCAN_LIMIT + FORM_OVERHEAD:
        flash(f"文件超过 {reports.SCAN_LIMIT // 1048576} MB 的上限，没有保存。请降低扫描分辨率后再上传。", "danger")
        return redirect(back)
    form = ScanForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(back)
    file = form.file.data
    try:
        data = reports.read_scan(file.stream, _size(file.stream))
    except reports.ReportError as error:
        flash(str(error), "danger")
        return redirect(back)
    write_transaction()
    report = _report(campaign, unit, report_id)
    try:
        reports.attach_scan(report, file.filename, data)
    except reports.ReportError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back)
    db.session.commit()
    flash("扫描件已保存。", "success")
    return redirect(back)


def _size(stream) -> int | None:
    """The length of an uploaded file's stream without reading it, where it can be told."""
    try:
        at = stream.tell()
        stream.seek(0, 2)
        size = stream.tell() - at
        stream.seek(at)
        return size
    except (AttributeError, OSError, ValueError):
        return None


@bp.get("/<int:campaign_id>/units/<int:unit_id>/reports/<int:report_id>/scan")
@role_required("admin", "liaison")
def scan(campaign_id: int, unit_id: int, report_id: int):
    campaign, unit = _unit(campaign_id, unit_id)
    report = _report(campaign, unit, report_id)
    if report.scan_filename is None or report.scan_data is None:
        abort(404)
    response = send_file(io.BytesIO(report.scan_data), as_attachment=True,
                         download_name=report.scan_filename or "扫描件", mimetype=report.scan_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:campaign_id>/units/<int:unit_id>/reports/<int:report_id>/return")
@role_required("admin")
def return_report(campaign_id: int, unit_id: int, report_id: int):
    """The district returns (退回) a report; the unit may then submit a new one."""
    campaign, unit = _unit(campaign_id, unit_id)
    report = _report(campaign, unit, report_id)
    back = url_for("reports.report", campaign_id=campaign.id, unit_id=unit.id)
    form = ReturnForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(back)
    try:
        reports.return_report(report, form.reason.data, current_user)
    except reports.ReportError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(back)
    db.session.commit()
    flash("已退回，该单位可重新报送。", "success")
    return redirect(back)
