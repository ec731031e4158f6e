"""Who organises what in a campaign: the one place the organiser rule is written.

The district admin organises everything. A unit's liaison organises the tests of the campaign
units in his own tree: he creates and runs them, sees their results and reports them; a test
organised by the district, or by another unit, is never his to change. Everyone else organises
nothing. Pages answer 404 for anything outside this, never a hint that it exists.
"""
from flask import abort
from sqlalchemy import select

from ..accounts.scope import units_in_scope
from ..extensions import db
from ..models import Bank, Campaign, CampaignBank, CampaignUnit, Exam


def organised_units(user, campaign: Campaign) -> list[int]:
    """The campaign units ``user`` organises tests for, in the campaign's order."""
    units = [link.unit_id for link in campaign.units]
    within = units_in_scope(user)
    return units if within is None else [unit_id for unit_id in units if unit_id in within]


def organises_unit(user, campaign: Campaign, unit_id: int) -> bool:
    return unit_id in organised_units(user, campaign)


def require_unit(user, campaign: Campaign, unit_id: int) -> None:
    if not organises_unit(user, campaign, unit_id):
        abort(404)


def campaigns_of(user) -> list[Campaign]:
    """The campaigns ``user`` takes part in, newest first: all for the admin; for a liaison
    those with a unit in his tree."""
    query = select(Campaign).order_by(Campaign.starts_at.desc(), Campaign.id.desc())
    within = units_in_scope(user)
    if within is not None:
        query = query.where(Campaign.id.in_(select(CampaignUnit.campaign_id).where(CampaignUnit.unit_id.in_(within))))
    return list(db.session.scalars(query))


def require_campaign(user, campaign: Campaign) -> None:
    if units_in_scope(user) is not None and not organised_units(user, campaign):
        abort(404)


def manages_exam(user, exam: Exam) -> bool:
    """Whether ``user`` may change and run ``exam``: the admin any test; a liaison a campaign
    test organised by a unit of his tree."""
    within = units_in_scope(user)
    if within is None:
        return True
    return exam.campaign_id is not None and exam.organiser_unit_id is not None and exam.organiser_unit_id in within


def require_managed_exam(user, exam: Exam) -> None:
    if not manages_exam(user, exam):
        abort(404)


def campaign_bank_ids(campaign: Campaign) -> list[int]:
    return sorted(link.bank_id for link in campaign.banks)


def drawable_bank_ids(exam: Exam) -> list[int] | None:
    """The banks a test's plans may draw from: for a unit's test of a campaign, the campaign's
    banks and the banks of the organising unit's tree; for the district's own test of a
    campaign (its 抽测), the campaign's banks when it names any; None (all banks) otherwise."""
    if exam.campaign_id is None:
        return None
    shared = set(db.session.scalars(select(CampaignBank.bank_id).where(CampaignBank.campaign_id == exam.campaign_id)))
    if exam.organiser_unit_id is None:
        return sorted(shared) or None
    from ..roster.services import subtree_ids

    own = select(Bank.id).where(Bank.owner_unit_id.in_(subtree_ids(exam.organiser_unit_id)))
    return sorted(set(db.session.scalars(own)) | shared)


def banks_seen_by(user) -> list[int] | None:
    """The banks ``user`` may open: all for the admin; for a liaison the banks of the campaigns
    his units take part in (read-only) and those owned by units of his tree (his to keep)."""
    within = units_in_scope(user)
    if within is None:
        return None
    campaigns = select(CampaignUnit.campaign_id).where(CampaignUnit.unit_id.in_(within))
    shared = select(CampaignBank.bank_id).where(CampaignBank.campaign_id.in_(campaigns))
    own = select(Bank.id).where(Bank.owner_unit_id.in_(within))
    return sorted(set(db.session.scalars(shared)) | set(db.session.scalars(own)))


def keeps_bank(user, bank: Bank) -> bool:
    """Whether ``user`` may change ``bank``: the admin any; a liaison a bank of his tree's units."""
    within = units_in_scope(user)
    return within is None or (bank.owner_unit_id is not None and bank.owner_unit_id in within)
