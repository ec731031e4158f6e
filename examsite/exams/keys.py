"""Who may see a question's answer key and explanation, and when (DESIGN invariant 8).

The admin always. Anyone else — the examinee reviewing a closed attempt, a liaison on an attempt
page or the item analysis — not while the question is still in use somewhere, that is while

1. an attempt that still takes answers (not handed in, its deadline with the grace period not
   passed), of anyone and of any test, has the question on its paper; or
2. a test that has not closed yet (open now, or still to come) has a paper plan with a section
   that can draw the question (its type, regulation and difficulty; a retired question is drawn
   by nobody); or
3. its bank is one a campaign not yet over draws from: the district's spot test of the
   campaign may still be made from it after the units' own tests have closed.

A unit organiser (liaison) sees the keys of his own units' banks, which he keeps, on the tests
he runs: only a test he does not run (a district test, whose plan draws from every bank) that
can draw such a question, or its open papers holding one, hides it from him.

Banks are shared between tests, so "his test is closed" is not enough: a key shown on one test's
review would reach the people still answering another test drawn from the same bank. Every page
that shows keys to someone other than the admin asks ``questions_with_hidden_keys()`` first.
"""
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from ..clock import now
from ..extensions import db
from ..models import Attempt, Bank, Campaign, CampaignBank, Exam, PaperPlan, Question
from .attempts import grace
from .drawing import Section


def questions_with_hidden_keys(question_ids: Iterable[int], viewer, at: datetime | None = None) -> set[int]:
    """Of ``question_ids``, those whose key and explanation ``viewer`` may not see now."""
    wanted = {int(qid) for qid in question_ids}
    if not wanted or getattr(viewer, "role", None) == "admin":
        return set()
    moment = at or now()
    kept = of_kept_banks(wanted, viewer)
    hidden: set[int] = set()
    if kept:
        # his own bank's keys he wrote himself; but a test he does not run (a district test
        # drawing from every bank) may draw them, and then its examinees must not get them
        others = not_run_by(viewer)
        hidden = drawable_by_unclosed_tests(kept, moment, others)
        hidden |= on_open_papers(kept - hidden, moment, others) if kept - hidden else set()
        wanted -= kept
    if not wanted:
        return hidden
    hidden |= in_running_campaigns(wanted, moment)
    rest = wanted - hidden
    if rest:
        hidden |= drawable_by_unclosed_tests(rest, moment)
    rest = wanted - hidden
    if rest:
        hidden |= on_open_papers(rest, moment)
    return hidden


def in_running_campaigns(question_ids: set[int], moment: datetime) -> set[int]:
    """The questions of banks a campaign not over at ``moment`` names."""
    return set(db.session.scalars(
        select(Question.id).join(CampaignBank, CampaignBank.bank_id == Question.bank_id)
        .join(Campaign, Campaign.id == CampaignBank.campaign_id)
        .where(Question.id.in_(question_ids), Campaign.ends_at > moment)))


def _within(viewer) -> set[int]:
    from ..accounts.scope import units_in_scope

    return units_in_scope(viewer) if getattr(viewer, "role", None) == "liaison" else set()


def of_kept_banks(question_ids: set[int], viewer) -> set[int]:
    """The questions of banks ``viewer`` keeps (a unit organiser's own banks, the set form of
    campaigns.access.keeps_bank)."""
    within = _within(viewer)
    if not within:
        return set()
    return set(db.session.scalars(select(Question.id).join(Bank, Bank.id == Question.bank_id).where(
        Question.id.in_(question_ids), Bank.owner_unit_id.in_(within))))


def not_run_by(viewer):
    """A condition on Exam: the tests a unit organiser does not run (the negation of
    campaigns.access.manages_exam for a liaison)."""
    within = _within(viewer)
    return ~(Exam.campaign_id.is_not(None) & Exam.organiser_unit_id.is_not(None) & Exam.organiser_unit_id.in_(within))


def drawable_by_unclosed_tests(question_ids: set[int], moment: datetime, among=None) -> set[int]:
    """The questions a plan of a test not yet closed at ``moment`` (and meeting ``among``, a
    condition on Exam, if given) can draw."""
    query = select(PaperPlan.sections).join(Exam, Exam.id == PaperPlan.exam_id).where(Exam.closes_at > moment)
    if among is not None:
        query = query.where(among)
    sections = [Section.from_json(data) for (plan,) in db.session.execute(query) for data in plan or ()]
    if not sections:
        return set()
    hidden = set()
    rows = db.session.execute(select(Question.id, Question.bank_id, Bank.owner_unit_id.is_not(None), Question.qtype,
                                     Question.regulation, Question.difficulty)
                              .join(Bank, Bank.id == Question.bank_id)
                              .where(Question.id.in_(question_ids), Question.retired.is_(False)))
    for qid, bank_id, unit_bank, qtype, regulation, difficulty in rows:
        question = {"bank_id": bank_id, "unit_bank": bool(unit_bank), "qtype": qtype, "regulation": regulation,
                    "difficulty": difficulty}
        if any(section.accepts(question) for section in sections):
            hidden.add(qid)
    return hidden


def on_open_papers(question_ids: set[int], moment: datetime, among=None) -> set[int]:
    """The questions on the paper of an attempt that still takes answers at ``moment`` (of a
    test meeting ``among``, a condition on Exam, if given)."""
    found: set[int] = set()
    query = select(Attempt.paper).where(Attempt.submitted_at.is_(None), Attempt.deadline >= moment - grace())
    if among is not None:
        query = query.join(Exam, Exam.id == Attempt.exam_id).where(among)
    papers = db.session.execute(query.execution_options(yield_per=500))
    try:
        for (paper,) in papers:
            found.update(item["id"] for item in paper or () if item["id"] in question_ids)
            if found >= question_ids:
                break
    finally:
        papers.close()
    return found


def without_key(question):
    """A shown question (banks.display.ShownQuestion) with its key and explanation left out."""
    from dataclasses import replace

    options = [replace(option, correct=False) for option in question.options]
    return replace(question, options=options, answer="", explanation=None)


HIDDEN_NOTE = "本题仍在未结束的测试中使用，答案和解析暂不公布。"
