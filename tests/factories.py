"""Small factories for tests: units by path, staff, users."""
from sqlalchemy import select

from examsite.accounts.services import create_user
from examsite.extensions import db
from examsite.models import Staff, Tier, Unit

PASSWORD = "correct-horse-9"


def unit(path: str) -> Unit:
    """The unit at 'A/B/C', creating any missing level."""
    parent = None
    for name in path.split("/"):
        found = db.session.scalar(select(Unit).where(
            Unit.name == name,
            Unit.parent_id == parent.id if parent else Unit.parent_id.is_(None)))
        if found is None:
            found = Unit(name=name, parent=parent)
            db.session.add(found)
            db.session.flush()
        parent = found
    return parent


def tier(name: str = "一般干部") -> Tier:
    return db.session.scalar(select(Tier).where(Tier.name == name))


def staff(staff_no: str, name: str = "张三", unit_path: str = "城南区/城关镇/党政办",
          tier_name: str = "一般干部", position: str | None = "科员") -> Staff:
    person = Staff(staff_no=staff_no, name=name, unit=unit(unit_path), tier=tier(tier_name),
                   position=position)
    db.session.add(person)
    db.session.flush()
    return person


def user(username: str = "admin", role: str = "admin", unit_path: str | None = None,
         password: str = PASSWORD):
    account = create_user(username, password, role, username,
                          unit=unit(unit_path) if unit_path else None)
    db.session.commit()
    return account


def bank(name: str = "测试题库", singles: int = 6, multiples: int = 4, judges: int = 4, fills: int = 2,
         regulation: str = "中国共产党纪律处分条例"):
    """A bank of numbered questions: single answers A, multiple AC, judge true, fill one blank '答{n}'."""
    from examsite.banks.text import fingerprint
    from examsite.models import Bank, Question

    found = Bank(name=name)
    db.session.add(found)
    db.session.flush()
    n = 0
    for qtype, count in (("single", singles), ("multiple", multiples), ("judge", judges), ("fill", fills)):
        for _ in range(count):
            n += 1
            options = ["甲", "乙", "丙", "丁"] if qtype in ("single", "multiple") else []
            answer = {"single": "A", "multiple": "AC", "judge": True, "fill": [f"答{n}"]}[qtype]
            stem = f"{name}第{n}题（{qtype}）" + ("____" if qtype == "fill" else "")
            db.session.add(Question(bank_id=found.id, qtype=qtype, stem=stem, options=options, answer=answer,
                                    explanation=f"解析{n}", regulation=regulation, fingerprint=fingerprint(stem, options)))
    db.session.flush()
    return found


def exam(title: str = "纪法知识测试", minutes: int = 30, opens=None, closes=None, mode: str = "all",
         tiers=("一般干部",), sections=None, pass_mark: float = 6, scoring: str = "all_or_nothing",
         review_allowed: bool = False):
    """A test open now (by the frozen or real clock) with the same plan for each tier in ``tiers``."""
    from datetime import timedelta

    from examsite.clock import now
    from examsite.models import Exam, PaperPlan

    moment = now()
    found = Exam(title=title, mode=mode, opens_at=opens or moment - timedelta(hours=1),
                 closes_at=closes or moment + timedelta(hours=5), review_allowed=review_allowed)
    db.session.add(found)
    db.session.flush()
    sections = sections or [
        {"qtype": "single", "count": 2, "points": 2}, {"qtype": "multiple", "count": 1, "points": 3},
        {"qtype": "judge", "count": 2, "points": 1}, {"qtype": "fill", "count": 1, "points": 2},
    ]
    for name in tiers:
        db.session.add(PaperPlan(exam_id=found.id, tier_id=tier(name).id, sections=sections,
                                 duration_minutes=minutes, pass_mark=pass_mark, multiple_scoring=scoring))
    db.session.flush()
    db.session.refresh(found)
    return found


def examinee(staff_no: str = "0001", name: str = "张三", unit_path: str = "城南区/城关镇/党政办",
             tier_name: str = "一般干部"):
    """A staff member with a login account (username = 工号, password PASSWORD)."""
    person = staff(staff_no, name, unit_path, tier_name)
    person.user = create_user(staff_no, PASSWORD, "examinee", name)
    db.session.commit()
    return person


RIGHT = {"single": "A", "multiple": "AC", "judge": True}
WRONG = {"single": "B", "multiple": "B", "judge": False, "fill": ["不知道"]}


def sit(exam, person: Staff, right=(), skip=(), submit: bool = True):
    """``person`` takes ``exam`` through the services: questions of the types in ``right`` are
    answered right (as the bank() factory keys them), those in ``skip`` left blank, the rest
    wrong. Returns the attempt, submitted and graded unless ``submit`` is false."""
    from examsite.exams import attempts

    attempt = attempts.start_attempt(exam, person)
    for seq, item in enumerate(attempt.paper, start=1):
        if item["type"] in skip:
            continue
        good = item["answer"] if item["type"] == "fill" else RIGHT[item["type"]]
        attempts.save_answer(attempt, item["id"], good if item["type"] in right else WRONG[item["type"]], seq)
    if submit:
        attempts.submit(attempt)
    db.session.commit()
    return attempt


ALL_TYPES = ("single", "multiple", "judge", "fill")


def small_test():
    """A test worked out by hand, with the bank holding exactly the questions the plan asks for
    (so every paper has the same questions): 2 single × 2 points, 1 multiple × 3, 2 judge × 1,
    1 fill × 2 = 11 points, pass mark 6. Returns (exam, people by 工号):

    A1 一般干部 城南区/城关镇/党政办 all right, 11 · A2 一般干部 城南区/城关镇 singles right, the
    multiple blank, 4 · A3 乡科级 城关镇/党政办 singles and multiple right, 7 · B1 东岗镇/党政办
    still answering · B2 东岗镇/党政办 and C1 西山镇 absent · X1 县处级, not in the test.
    """
    bank(singles=2, multiples=1, judges=2, fills=1)
    found = exam(tiers=("一般干部", "乡科级"))
    people = {
        "A1": staff("A1", "甲一", "城南区/城关镇/党政办"),
        "A2": staff("A2", "甲二", "城南区/城关镇"),
        "A3": staff("A3", "甲三", "城南区/城关镇/党政办", tier_name="乡科级"),
        "B1": staff("B1", "乙一", "城南区/东岗镇/党政办"),
        "B2": staff("B2", "乙二", "城南区/东岗镇/党政办"),
        "C1": staff("C1", "丙一", "城南区/西山镇"),
        "X1": staff("X1", "局外", "城南区/城关镇", tier_name="县处级"),
    }
    sit(found, people["A1"], right=ALL_TYPES)
    sit(found, people["A2"], right=("single",), skip=("multiple",))
    sit(found, people["A3"], right=("single", "multiple"))
    sit(found, people["B1"], right=ALL_TYPES, submit=False)
    return found, people


def campaign(title: str = "2026年警示教育月", unit_paths=("城南区/城关镇", "城南区/东岗镇", "城南区/西山镇"),
             banks=(), opens=None, closes=None, due=None, rule: str = "replace_capped", **settings):
    """A campaign running now (by the frozen or real clock), for the units at ``unit_paths``,
    drawing from ``banks``; ``settings`` sets its other columns (band_excellent …)."""
    from datetime import timedelta

    from examsite.clock import now
    from examsite.models import Campaign, CampaignBank, CampaignUnit

    moment = now()
    found = Campaign(title=title, starts_at=opens or moment - timedelta(days=10),
                     ends_at=closes or moment + timedelta(days=20), report_due=due or moment + timedelta(days=5),
                     makeup_rule=rule, **settings)
    db.session.add(found)
    db.session.flush()
    for path in unit_paths:
        db.session.add(CampaignUnit(campaign_id=found.id, unit_id=unit(path).id))
    for each in banks:
        db.session.add(CampaignBank(campaign_id=found.id, bank_id=each.id))
    db.session.flush()
    db.session.refresh(found)
    return found


def unit_test(found_campaign, unit_path: str, title: str | None = None, **kwargs):
    """A unit's self-test of ``found_campaign`` for the staff of ``unit_path`` (as exam())."""
    from examsite.models import ExamUnit

    organiser = unit(unit_path)
    found = exam(title or f"{organiser.name}{found_campaign.title}测试", **kwargs)
    found.campaign_id, found.organiser_unit_id = found_campaign.id, organiser.id
    db.session.add(ExamUnit(exam_id=found.id, unit_id=organiser.id))
    db.session.flush()
    db.session.refresh(found)
    return found
