"""The campaign pages: the list, create and edit (admin), the default plans, a campaign's
district page with its Excel export, and a unit's page of it."""
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from ..paging import ListPage
from sqlalchemy import select

from ..accounts.access import role_required
from ..accounts.scope import exam_concerns
from ..clock import from_local, now, to_local
from ..exams.drawing import Section
from ..exams.errors import ExamError
from ..exams.forms import plan_form
from ..exams.plans import MODES, parse_sections
from ..extensions import db, posts_lock_first
from ..forms import ActionForm
from ..models import QUESTION_TYPES, Bank, Campaign, CampaignPlan, Tier, Unit
from ..roster.services import tree_rows
from . import services
from .access import campaigns_of, organised_units, require_campaign, require_unit
from .bands import Bands
from .counting import RULES
from .export import export_filename, write_workbook
from .figures import REPORT_STATES
from .forms import CampaignForm

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
posts_lock_first(bp)

PAGE_SIZE = 20


@bp.get("/")
@role_required("admin", "liaison")
def index():
    page = ListPage(page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False,
                    rows=campaigns_of(current_user))
    mine = {}
    if current_user.role != "admin":  # his units' pages, one click from the list
        for campaign in page.items:
            ids = organised_units(current_user, campaign)
            mine[campaign.id] = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name)))
    return render_template("campaigns/index.html", page=page, now=now(), mine=mine)


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.get_or_404(Campaign, campaign_id)
    require_campaign(current_user, campaign)
    return campaign


def _local(moment):
    return to_local(moment).replace(tzinfo=None)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(campaign_id: int | None = None):
    campaign = db.get_or_404(Campaign, campaign_id) if campaign_id else None
    form = CampaignForm(obj=campaign) if request.method == "GET" and campaign else CampaignForm()
    if request.method == "GET" and campaign:
        form.starts_at.data, form.ends_at.data = _local(campaign.starts_at), _local(campaign.ends_at)
        form.report_due.data = _local(campaign.report_due)
        form.units.data = [link.unit_id for link in campaign.units]
        form.banks.data = [link.bank_id for link in campaign.banks]
    form.units.choices = {unit.id: unit.name for unit, _ in tree_rows()}
    form.banks.choices = {bank.id: bank.name for bank in db.session.scalars(
        select(Bank).where(Bank.owner_unit_id.is_(None)).order_by(Bank.id))}
    if form.validate_on_submit():
        fields = services.CampaignFields(
            form.title.data, form.description.data, from_local(form.starts_at.data), from_local(form.ends_at.data),
            from_local(form.report_due.data), form.band_excellent.data, form.band_good.data, form.band_pass.data,
            form.makeup_rule.data, form.flag_pass_rate.data, form.flag_gap.data, form.flag_participation.data)
        try:
            campaign = services.save_campaign(campaign, fields, form.units.data or [], form.banks.data or [],
                                              current_user)
        except services.CampaignError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"已保存活动“{campaign.title}”。可以为各层级设置默认试卷方案。", "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/edit.html", form=form, campaign=campaign, rules=RULES)


@bp.route("/<int:campaign_id>/plan", methods=["GET", "POST"])
@role_required("admin")
def plan(campaign_id: int):
    """A default paper plan of one tier (?tier=), as a unit's test may take it."""
    campaign = db.get_or_404(Campaign, campaign_id)
    allowed = services.campaign_bank_ids(campaign)
    banks = {"": "活动的全部题库", **{str(bank.id): bank.name for bank in _banks(allowed)}}
    form = plan_form(campaign.plans, allowed, banks)
    if request.method == "POST" and form.validate_on_submit():
        tier = db.get_or_404(Tier, form.tier_id.data)
        try:
            sections = parse_sections(list(form.sections.data))
            services.save_plan(campaign, tier, sections, form.duration_minutes.data, float(form.pass_mark.data),
                               form.multiple_scoring.data)
        except (services.CampaignError, ExamError) as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(f"已保存{tier.name}的默认试卷方案。", "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id) + "#plans")
    return render_template("campaigns/plan.html", form=form, campaign=campaign,
                           drawable=[bank.name for bank in _banks(allowed)])


def _banks(bank_ids: list[int]) -> list[Bank]:
    if not bank_ids:
        return []
    return list(db.session.scalars(select(Bank).where(Bank.id.in_(bank_ids)).order_by(Bank.id)))


@bp.post("/<int:campaign_id>/plan/<int:plan_id>/delete")
@role_required("admin")
def remove_plan(campaign_id: int, plan_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    found = db.get_or_404(CampaignPlan, plan_id)
    if found.campaign_id != campaign.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_plan(campaign, found)
    db.session.commit()
    flash("已删除这个默认试卷方案。", "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign.id) + "#plans")


def _plans_shown(campaign: Campaign) -> list[tuple[CampaignPlan, list[Section], float]]:
    return [(each, [Section.from_json(s) for s in each.sections], services.plan_total(each))
            for each in services.campaign_plans(campaign)]


@bp.get("/<int:campaign_id>")
@role_required("admin", "liaison")
def detail(campaign_id: int):
    """The district's page of a campaign. A liaison sees his units' lines only (their places in
    the league among all units, never another unit's figures)."""
    campaign = _campaign(campaign_id)
    mine = organised_units(current_user, campaign)
    only = None if current_user.role == "admin" else set(mine)
    shown = services.overview(campaign, only)
    return render_template("campaigns/detail.html", campaign=campaign, view=shown, states=REPORT_STATES,
                           bands=Bands.of(campaign), rules=RULES, plans=_plans_shown(campaign),
                           banks=_banks(services.campaign_bank_ids(campaign)), types=QUESTION_TYPES,
                           modes=MODES, action_form=ActionForm(), admin=current_user.role == "admin",
                           spot_links={exam.id for exam in shown.district_tests
                                       if exam_concerns(current_user, exam)})


@bp.get("/<int:campaign_id>/export.xlsx")
@role_required("admin")
def export(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    moment = to_local(now())
    stream = write_workbook(services.overview(campaign), moment)
    return send_file(stream, as_attachment=True, download_name=export_filename(campaign, moment),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/<int:campaign_id>/units/<int:unit_id>")
@role_required("admin", "liaison")
def unit(campaign_id: int, unit_id: int):
    """One campaign unit: its self-tests (new test, make-ups), its report, its figures."""
    campaign = db.get_or_404(Campaign, campaign_id)
    require_unit(current_user, campaign, unit_id)
    found = db.get_or_404(Unit, unit_id)
    moment = now()
    return render_template("campaigns/unit.html", campaign=campaign, unit=found,
                           exams=services.unit_exams(campaign, unit_id), line=services.unit_line(campaign, found),
                           states=REPORT_STATES, bands=Bands.of(campaign), rules=RULES,
                           plans=_plans_shown(campaign), banks=_banks(services.campaign_bank_ids(campaign)),
                           types=QUESTION_TYPES, modes=MODES, now=moment,
                           open=campaign.ends_at > moment)
