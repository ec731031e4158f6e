"""The domain model of examsite (see DESIGN.md), split by feature."""
from .accounts import ROLES, LoginThrottle, User
from .audit import AuditLog
from .campaigns import Campaign, CampaignBank, CampaignPlan, CampaignReport, CampaignUnit, Exemption
from .banks import QUESTION_TYPES, Bank, BankUpload, Question, QuestionRevision
from .exams import Answer, Attempt, Exam, ExamMember, ExamUnit, ExpectedExaminee, PaperPlan
from .notices import Notice
from .roster import DEFAULT_TIERS, RankTier, RosterUpload, Staff, Tier, Unit
from .sampling import AccessCode, Draw, DrawMember

__all__ = [
    "ROLES", "LoginThrottle", "User", "AuditLog", "QUESTION_TYPES", "Bank", "BankUpload", "Question", "QuestionRevision",
    "Answer", "Attempt", "Exam", "ExamMember", "ExamUnit", "ExpectedExaminee", "PaperPlan", "Notice", "DEFAULT_TIERS", "RankTier", "RosterUpload", "Staff", "Tier", "Unit",
    "AccessCode", "Draw", "DrawMember",
    "Campaign", "CampaignBank", "CampaignPlan", "CampaignReport", "CampaignUnit", "Exemption",
]
