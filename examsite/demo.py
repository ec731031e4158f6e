"""`flask demo`: a district to try examsite with. Safe to run again: it never duplicates."""
import random
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .accounts import throttle
from .accounts.provisioning import ensure_accounts_for_all
from .accounts.services import create_user, generate_password
from .audit.services import record
from .demo_campaign import demo_campaign
from .banks.readers import parse_bank
from .banks.services import import_bank
from .extensions import db, write_transaction
from .exams.drawing import Section
from .models import Bank, Exam, Staff, Tier, Unit, User

QUESTION_BANKS = Path(__file__).resolve().parent.parent / "question_banks"
BANK_SUFFIXES = (".docx", ".txt", ".xlsx")

DISTRICT = "城南区"
#: unit → its sub-units
UNIT_TREE = {
    "区纪委监委": ["党风政风监督室", "第一纪检监察室", "第二纪检监察室", "案件审理室"],
    "区委办公室": ["秘书科", "综合科"],
    "区财政局": ["办公室", "预算股", "国库股"],
    "区教育局": ["办公室", "基础教育股"],
    "区自然资源局": ["办公室", "耕地保护股"],
    "城关镇": ["党政办", "经济发展办", "社会事务办"],
    "东岗镇": ["党政办", "农业农村办"],
    "西湖街道": ["党政办", "社区建设办", "综合执法队"],
}
#: tier → (share of staff, positions)
TIERS = {
    "县处级": (0.07, ["局长", "副局长", "镇党委书记", "镇长", "街道党工委书记", "副区长"]),
    "乡科级": (0.28, ["科长", "副科长", "股长", "副镇长", "镇党委委员", "办公室主任"]),
    "一般干部": (0.65, ["科员", "办事员", "一级科员", "四级主任科员", "专技人员"]),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅玲海燕文斌辉鹏宇浩晨琳欣怡子涵雨萱博文思远俊杰佳琪"
STAFF_COUNT = 300
DEMO_LIAISON_UNIT = "城关镇"
#: the second unit's organiser, so the demo shows that one liaison never sees the other's unit
SECOND_LIAISON_UNIT = "东岗镇"


def build_units() -> dict[str, Unit]:
    """The demo unit tree; existing units are reused. Returns units by path."""
    units = {u.path: u for u in db.session.scalars(select(Unit))}

    def ensure(name, parent):
        path = f"{parent.path}/{name}" if parent else name
        if path not in units:
            units[path] = Unit(name=name, parent=parent)
            db.session.add(units[path])
        return units[path]

    district = ensure(DISTRICT, None)
    for order, (name, children) in enumerate(UNIT_TREE.items()):
        unit = ensure(name, district)
        unit.sort_order = order
        for child in children:
            ensure(child, unit)
    db.session.flush()
    return units


def build_staff(units: dict[str, Unit]) -> int:
    """About STAFF_COUNT staff over the leaf units and tiers; the same on every run."""
    rng = random.Random(20260601)
    tiers = {t.name: t for t in db.session.scalars(select(Tier))}
    leaves = [u for u in units.values() if u.path.count("/") == 2]
    known = {s.staff_no for s in db.session.scalars(select(Staff))}
    added = 0
    for number in range(1, STAFF_COUNT + 1):
        roll, cumulative = rng.random(), 0.0
        for tier_name, (share, positions) in TIERS.items():
            cumulative += share
            if roll < cumulative:
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        unit = rng.choice(leaves)
        position = rng.choice(positions)
        staff_no = f"CN{number:04d}"
        if staff_no in known:
            continue
        db.session.add(Staff(staff_no=staff_no, name=name, unit=unit, tier=tiers[tier_name],
                             position=position))
        added += 1
    db.session.flush()
    return added


def demo_accounts(units: dict[str, Unit]) -> list[tuple[str, str, str]]:
    """One account of each role, with a fresh password each run. Returns (role, user, password)."""
    examinee_staff = db.session.scalar(select(Staff).where(Staff.staff_no == "CN0001"))
    wanted = [
        ("admin", "admin", "演示管理员", None, None),
        ("liaison", "liaison", "城关镇联络员", units[f"{DISTRICT}/{DEMO_LIAISON_UNIT}"], None),
        ("liaison", "liaison2", "东岗镇联络员", units[f"{DISTRICT}/{SECOND_LIAISON_UNIT}"], None),
        ("examinee", examinee_staff.staff_no, examinee_staff.name, None, examinee_staff),
    ]
    printed = []
    for role, username, display, unit, staff in wanted:
        password = generate_password()
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(username, password, role, display, unit=unit)
        else:
            user.set_password(password)
            throttle.clear(user.id)  # a demo account locked by wrong guesses is let in again
        if staff is not None:
            staff.user = user
        printed.append((role, username, password))
    return printed


def load_banks(folder: Path = QUESTION_BANKS) -> list[tuple[str, int]]:
    """Import each sample bank not yet loaded, named after its file. Returns (name, questions)."""
    loaded = []
    known = set(db.session.scalars(select(Bank.name)))
    for path in sorted(folder.iterdir()):
        if path.suffix not in BANK_SUFFIXES or path.stem in known:
            continue
        result = parse_bank(path.name, path.read_bytes())
        bank = import_bank(path.stem, path.name, result, description="examsite 随附的示例题库")
        loaded.append((bank.name, len(result.questions)))
    return loaded


DEMO_EXAM = "演示：纪法知识测试"
#: tier → paper plan rows for the demo test
DEMO_PLANS = {
    "县处级": [("single", 10, 2), ("multiple", 5, 4), ("judge", 10, 2), ("fill", 5, 2)],
    "乡科级": [("single", 10, 2), ("multiple", 5, 4), ("judge", 10, 2), ("fill", 5, 2)],
    "一般干部": [("single", 10, 3), ("multiple", 5, 4), ("judge", 10, 2)],
}


def demo_exam() -> Exam | None:
    """A test open for a month, with a plan per tier, so the demo examinee can take one."""
    from datetime import timedelta

    from .clock import now
    from .exams import plans

    if db.session.scalar(select(Exam.id).where(Exam.title == DEMO_EXAM)):
        return None
    moment = now().replace(second=0, microsecond=0)
    exam = plans.save_exam(None, plans.ExamFields(
        DEMO_EXAM, "演示用的测试：各层级的试卷从随附题库中随机抽取。", "all",
        moment - timedelta(hours=1), moment + timedelta(days=30), True), [])
    tiers = {t.name: t for t in db.session.scalars(select(Tier))}
    for tier_name, rows in DEMO_PLANS.items():
        sections = [Section(qtype, count, points) for qtype, count, points in rows]
        total = sum(s.count * s.points for s in sections)
        plans.save_plan(exam, tiers[tier_name], sections, 30, round(total * 0.6), "all_or_nothing")
    return exam


FINISHED_EXAM = "演示：上月纪法知识测试（已结束）"


def demo_finished_exam(share: float = 0.9) -> Exam | None:
    """Last month's test, taken by most of the staff and closed, with a published notice: so the
    results pages, the Excel export and the notices have something to show from the start.

    The clock is set back while the demo staff sit it, so every answer goes through the same
    start, save and submit as a real one.
    """
    from datetime import timedelta

    from . import clock
    from .exams import plans
    from .notices.services import publish
    from .notices.snapshot import default_draft
    from .results.services import results

    if db.session.scalar(select(Exam.id).where(Exam.title == FINISHED_EXAM)):
        return None
    today = clock.now().replace(hour=1, minute=0, second=0, microsecond=0)  # 09:00 in Beijing
    opens = today - timedelta(days=35)
    rng = random.Random(2026)
    try:
        clock.freeze(opens)
        exam = plans.save_exam(None, plans.ExamFields(
            FINISHED_EXAM, "上月组织的全区纪法知识测试，已经结束，用来演示成绩统计、导出和通报。", "all",
            opens, opens + timedelta(days=7), True), [])
        tiers = {t.name: t for t in db.session.scalars(select(Tier))}
        for tier_name, rows in DEMO_PLANS.items():
            sections = [Section(qtype, count, points) for qtype, count, points in rows]
            plans.save_plan(exam, tiers[tier_name], sections, 30,
                            round(sum(s.count * s.points for s in sections) * 0.6), "all_or_nothing")
        sit_everyone(exam, list(db.session.scalars(select(Staff).order_by(Staff.staff_no))), opens, rng, share)
        clock.freeze(today)
        publish(results(exam), default_draft(results(exam)))
    finally:
        clock.freeze(None)
    return exam


def sit_everyone(exam: Exam, people: list[Staff], opens, rng: random.Random, share: float,
                 ability: tuple[float, float] = (0.35, 0.98)) -> None:
    """Each of ``people`` (but about 1 − ``share`` of them, absent) starts, answers and hands in
    ``exam``, one after another from ``opens``, each right on a share of questions drawn from
    ``ability``. The clock is left where the last one handed in."""
    from datetime import timedelta

    from . import clock
    from .exams import attempts

    room = (exam.closes_at - opens - timedelta(minutes=30)) / max(len(people), 1)
    step = min(timedelta(minutes=20), max(room, timedelta(seconds=30)))
    for number, person in enumerate(people):
        if rng.random() > share:
            continue  # absent
        clock.freeze(opens + step * number)
        attempt = attempts.start_attempt(exam, person)
        right = rng.uniform(*ability)
        for seq, item in enumerate(attempt.paper, start=1):
            attempts.save_answer(attempt, item["id"], _demo_response(item, rng.random() < right, rng), seq)
        clock.freeze(opens + step * number + timedelta(minutes=rng.randint(8, 28)))
        attempts.submit(attempt)


def _demo_response(item: dict, right: bool, rng: random.Random):
    """A right answer, or a plausible wrong one, as the test page would send it."""
    from .banks.parsed import LETTERS

    key = item["answer"]
    if item["type"] == "judge":
        return key if right else not key
    if item["type"] == "fill":
        return [blank if isinstance(blank, str) else blank[0] for blank in key] if right else ["不清楚"] * len(key)
    if right:
        return key
    wrong = [letter for letter in LETTERS[:len(item["options"])] if letter not in key] or ["A"]
    return rng.choice(wrong)


def is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id)))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="只在数据库里还没有任何账号时载入。")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo district: units, about 300 staff, one account of each role, the sample banks."""
    if if_empty and not is_empty():
        click.echo("数据库中已有数据，未载入演示数据。需要演示账号的新密码时运行：flask demo")
        return
    write_transaction()  # one transaction, holding SQLite's write lock, for the whole demo
    units = build_units()
    added = build_staff(units)
    accounts = demo_accounts(units)
    everyone = ensure_accounts_for_all()  # the rest of the roster enters with login slips
    banks = load_banks()
    exam = demo_exam()
    finished = demo_finished_exam()
    campaign = demo_campaign(DISTRICT, sit_everyone)
    record("demo.load", f"载入演示数据：单位 {len(units)} 个，新增人员 {added} 人，新增题库 {len(banks)} 个",
           detail={"units": len(units), "staff_added": added, "banks": banks})
    db.session.commit()
    click.echo(f"演示数据已就绪：单位 {len(units)} 个，本次新增人员 {added} 人。")
    for name, count in banks:
        click.echo(f"  已载入题库“{name}”：{count} 题")
    if exam is not None:
        click.echo(f"  已建立演示测试“{exam.title}”，开放 30 天，各层级有各自的试卷方案")
    if finished is not None:
        click.echo(f"  已建立已结束的演示测试“{finished.title}”（含成绩和一份已发布的通报）")
    if campaign is not None:
        click.echo(f"  已建立演示活动“{campaign.title}”：两个镇的自测、一场补测、一份按时报送和一份逾期报送、区纪委的抽测")
    if everyone:
        click.echo(f"  已为其余 {everyone} 名人员建立考生账号（用户名为工号；在测试页面“登录条”处打印访问码）")
    click.echo("演示账号（密码每次运行 flask demo 都会重新生成）：")
    labels = {"admin": "考试管理员", "liaison": "单位联络员", "examinee": "考生"}
    for role, username, password in accounts:
        click.echo(f"  {labels[role]}：用户名 {username}  密码 {password}")
