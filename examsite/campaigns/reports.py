"""A unit's report (报送) of its self-test results to the district.

The report is a snapshot: plain JSON built from the campaign's standings (make-ups folded in
by the campaign's rule) and fixed when the unit's organiser submits it. The 成绩汇总表 (xlsx,
print page, .docx) is written from the snapshot alone, so a submitted report reads the same
after any later roster, bank or grading change. The district may return (退回) a report with a
reason; the unit then submits a new one, and the returned one stays on record.
"""
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import defer
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..clock import now, to_local
from ..exams.assignment import fix_expected
from ..exams.attempts import close_expired
from ..extensions import db
from ..models import Campaign, CampaignReport, Exam, Exemption, Tier, Unit
from ..results.statistics import plan_marks
from ..roster.services import subtree_ids, unit_paths
from ..uploads import scanned_kind
from .bands import Bands
from .counting import RULES
from .figures import Figures, figures_of, latest_per_person, per_tier
from .standings import SELF, STATUS, root_of, standings

#: a signed scan: at most this many bytes, and one of uploads.SCANNED_KINDS, told by its first bytes
SCAN_LIMIT = 10 * 1024 * 1024
REASON_MAX = 500
TIME = "%Y-%m-%d %H:%M"


class ReportError(ValueError):
    """A report cannot be submitted, returned or given a scan; the message is for the page."""


# ---- which tests a unit reports ---------------------------------------------------------------

def tree_and_above(unit_id: int) -> set[int]:
    """The unit, the units under it and those above it."""
    parents = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    found, at = set(subtree_ids(unit_id)), unit_id
    while at is not None:
        found.add(at)
        at = parents.get(at)
    return found


def unit_tests(campaign: Campaign, unit_id: int) -> list[Exam]:
    """The self-tests that may count people of the unit: first sittings organised by the unit,
    by a unit below it or above it (a campaign unit's people count under the nearest campaign
    unit, whoever organised the test), with their make-ups, in the order they opened."""
    organisers = tree_and_above(unit_id)
    found = list(db.session.scalars(
        select(Exam).where(Exam.campaign_id == campaign.id, Exam.organiser_unit_id.in_(organisers))
        .order_by(Exam.opens_at, Exam.id)))
    return found


def report_rows(campaign: Campaign, unit_id: int) -> tuple[list, list[Exam]]:
    """The unit's standings in its self-tests (kind self, counted under the unit), and those
    tests (first sittings whose people count under the unit, and the make-ups of them)."""
    tests = unit_tests(campaign, unit_id)
    firsts = [exam for exam in tests if exam.makeup_of_id is None]
    rows = [row for row in standings(campaign, firsts) if row.kind == SELF and row.group_id == unit_id] if firsts else []
    counted = {row.exam_id for row in rows} | {exam.id for exam in firsts if exam.organiser_unit_id == unit_id}
    by_id = {exam.id: exam for exam in tests}
    return rows, [exam for exam in tests if root_of(exam, by_id).id in counted]


def settle(tests: list[Exam]) -> None:
    """Close the tests' attempts whose time ran out and fix who was expected in those that
    closed, as the results pages do, so a report counts what the results show. The caller
    holds a write transaction and commits."""
    for exam in tests:
        close_expired(limit=None, exam_id=exam.id)
        fix_expected(exam)


def submit_problem(tests: list[Exam], at: datetime) -> str | None:
    """Why the unit cannot submit yet (Chinese), or None."""
    firsts = [exam for exam in tests if exam.makeup_of_id is None]
    if not firsts:
        return "本单位在本次活动中还没有组织自测，不能报送。"
    open_ = [exam for exam in tests if exam.closes_at > at]
    if open_:
        names = "、".join(f"“{exam.title}”（{to_local(exam.closes_at):%m月%d日 %H:%M} 结束）" for exam in open_[:5])
        more = f"等 {len(open_)} 场" if len(open_) > 5 else ""
        return f"{names}{more}尚未结束，全部测试（含补测）结束后才能报送。"
    return None


# ---- the snapshot -------------------------------------------------------------------------

def build_snapshot(campaign: Campaign, unit: Unit, at: datetime | None = None) -> dict:
    """Everything the 成绩汇总表 shows, as JSON-ready data (numbers as numbers), for the unit's
    self-tests as they stand now. A draft until submit() adds who submitted it and when."""
    rows, tests = report_rows(campaign, unit.id)
    people = latest_per_person(rows)
    paths = unit_paths()
    tier_names = dict(db.session.execute(select(Tier.id, Tier.name)).all())
    tier_order = dict(db.session.execute(select(Tier.name, Tier.rank)).all())
    people.sort(key=lambda r: (r.tier_rank, r.tier, paths.get(r.unit_id, ""), r.staff_no))
    titles = {exam.id: exam.title for exam in tests}
    bands = Bands.of(campaign)

    def person(row) -> dict:
        return {"staff_no": row.staff_no, "name": row.name, "unit": paths.get(row.unit_id, ""), "tier": row.tier,
                "test": titles.get(row.exam_id, "")}

    def scored(row) -> dict:
        return person(row) | {"score": row.score, "full_marks": row.full_marks, "percent": row.percent}

    reasons = _exemption_reasons([(row.exam_id, row.staff_id) for row in people if row.status == "exempt"])
    failed = [scored(row) | {"note": _how(row)} for row in people if row.took and not row.passed]
    absent = [person(row) | {"status": _absence(row)} for row in people if row.status != "exempt" and not row.took]
    exempt = [person(row) | {"kind": row.exemption or "", "reason": reasons.get((row.exam_id, row.staff_id), "")}
              for row in people if row.status == "exempt"]
    scores = [scored(row) | {"band": row.band or "", "note": _explain(row)} for row in people]
    tiers = per_tier(people)
    return {
        "campaign": {"id": campaign.id, "title": campaign.title, "starts_at": _time(campaign.starts_at),
                     "ends_at": _time(campaign.ends_at), "report_due": _time(campaign.report_due)},
        "unit": {"id": unit.id, "name": unit.name, "path": unit.path},
        "bands": {"excellent": bands.excellent, "good": bands.good, "pass": bands.pass_, "text": bands.describe()},
        "rule": RULES.get(campaign.makeup_rule, campaign.makeup_rule),
        "tests": [{"id": exam.id, "title": exam.title, "opens_at": _time(exam.opens_at),
                   "closes_at": _time(exam.closes_at), "makeup_of": titles.get(exam.makeup_of_id),
                   "tiers": [tier_names[plan.tier_id] for plan in
                             sorted(exam.plans, key=lambda p: (tier_order.get(tier_names[p.tier_id], 0), p.tier_id))],
                   # what each tier's paper is worth, so a reader of the sheet sees why 72.5 in
                   # 百分制 can fail one paper and 75 pass another
                   "marks": [{"tier": m.tier, "full_marks": m.full_marks, "pass_mark": m.pass_mark}
                             for m in plan_marks(exam.plans)]}
                  for exam in tests],
        "tiers": [figures_data(name, figures) for name, figures in tiers.items()],
        "total": figures_data("合计", figures_of(people)),
        "failed": failed,
        "absent": absent,
        "exempt": exempt,
        "scores": scores,
        "generated_at": _time(at or now()),
        "submitted": None,
    }


def figures_data(name: str, figures: Figures) -> dict:
    return {"tier": name, "expected": figures.expected, "exempt": figures.exempt, "took": figures.took,
            "participation": figures.participation, "passed": figures.passed, "pass_rate": figures.pass_rate,
            "excellent": figures.excellent, "excellent_rate": figures.excellent_rate, "average": figures.average,
            "bands": dict(figures.bands)}


def _time(moment: datetime | None) -> str | None:
    return to_local(moment).strftime(TIME) if moment is not None else None


def _how(row) -> str:
    return row.note or ("首次测试成绩" if row.makeup_exam_id is None else "首次测试成绩（补测未交卷）")


def _absence(row) -> str:
    first = STATUS.get(row.status, row.status)
    if row.makeup_status is None:
        return first
    return f"{first}；补测{STATUS.get(row.makeup_status, row.makeup_status)}"


def _explain(row) -> str:
    if row.status == "exempt":
        return f"免测（{row.exemption}）" if row.exemption else "免测"
    if not row.took:
        return _absence(row)
    return row.note or ""


def _exemption_reasons(keys: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    if not keys:
        return {}
    exams = {exam_id for exam_id, _ in keys}
    wanted = set(keys)
    return {(exam_id, sid): reason for exam_id, sid, reason in db.session.execute(
        select(Exemption.exam_id, Exemption.staff_id, Exemption.reason).where(Exemption.exam_id.in_(exams)))
        if (exam_id, sid) in wanted}


# ---- standing reports ---------------------------------------------------------------------

def standing_reports(campaign: Campaign) -> dict[int, CampaignReport]:
    """Each unit's standing report (submitted, not returned), by unit id. Their snapshots (each
    person's score: 50,000 of them in a city's campaign) are read only when asked for."""
    return {report.unit_id: report for report in db.session.scalars(
        select(CampaignReport).options(defer(CampaignReport.snapshot)).where(CampaignReport.campaign_id == campaign.id, CampaignReport.returned_at.is_(None)))}


def submissions(campaign: Campaign) -> tuple[dict[int, datetime], frozenset[int]]:
    """For the campaign's page, from three columns of its reports: unit → when its standing
    report was submitted, and the units whose report the district returned and which have not
    submitted again."""
    standing, returned = {}, set()
    for unit_id, submitted_at, returned_at in db.session.execute(select(
            CampaignReport.unit_id, CampaignReport.submitted_at, CampaignReport.returned_at)
            .where(CampaignReport.campaign_id == campaign.id)):
        if returned_at is None:
            standing[unit_id] = submitted_at
        else:
            returned.add(unit_id)
    return standing, frozenset(returned - standing.keys())


def standing_report(campaign: Campaign, unit_id: int) -> CampaignReport | None:
    return db.session.scalar(select(CampaignReport).where(
        CampaignReport.campaign_id == campaign.id, CampaignReport.unit_id == unit_id,
        CampaignReport.returned_at.is_(None)))


def reported(campaign_id: int, organiser_unit_id: int) -> bool:
    """Whether a standing report counts the tests ``organiser_unit_id`` organises in the campaign
    (as unit_tests(), seen from the test's side): once a unit has reported, the results it
    reported are not changed — no regrade, reopening, exemption, make-up or new test — until
    the district returns the report."""
    return bool(db.session.scalar(select(exists().where(
        CampaignReport.campaign_id == campaign_id, CampaignReport.returned_at.is_(None),
        CampaignReport.unit_id.in_(tree_and_above(organiser_unit_id))))))


def test_reported(exam: Exam) -> bool:
    """Whether a standing report counts ``exam`` (a unit's self-test or its make-up)."""
    return exam.campaign_id is not None and exam.organiser_unit_id is not None and reported(
        exam.campaign_id, exam.organiser_unit_id)


REPORTED = "本单位已报送，报送的成绩已固定：如需更正，请区纪委先退回报送，改正后重新报送。"


def unit_reports(campaign: Campaign, unit_id: int) -> list[CampaignReport]:
    """Every report the unit submitted in the campaign, newest first (the returned ones too)."""
    return list(db.session.scalars(select(CampaignReport).where(
        CampaignReport.campaign_id == campaign.id, CampaignReport.unit_id == unit_id)
        .order_by(CampaignReport.submitted_at.desc(), CampaignReport.id.desc())))


def is_late(report: CampaignReport) -> bool:
    return bool((report.snapshot.get("submitted") or {}).get("late"))


# ---- what the organiser and the district do ----------------------------------------------------

def submit(campaign: Campaign, unit: Unit, user) -> CampaignReport:
    """Freeze the unit's report as it stands now. Refused (ReportError) before every one of the
    unit's self-tests has closed, or while a standing report exists."""
    at = now()
    if standing_report(campaign, unit.id) is not None:
        raise ReportError("本单位已报送，不能重复报送；如需更正，请联系区纪委退回后重新报送。")
    _, tests = report_rows(campaign, unit.id)
    problem = submit_problem(tests, at)
    if problem:
        raise ReportError(problem)
    settle(tests)
    snapshot = build_snapshot(campaign, unit, at)
    late = at > campaign.report_due
    snapshot["submitted"] = {"at": _time(at), "by": getattr(user, "display_name", None),
                             "by_id": getattr(user, "id", None), "due": _time(campaign.report_due), "late": late}
    report = CampaignReport(campaign_id=campaign.id, unit_id=unit.id, snapshot=snapshot, submitted_at=at,
                            submitted_by_id=getattr(user, "id", None))
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError as error:  # submitted meanwhile (the unique index); the caller rolls back
        raise ReportError("本单位已报送，不能重复报送。") from error
    total = snapshot["total"]
    record("report.submit", f"{unit.name}报送“{campaign.title}”成绩汇总表" + ("（逾期）" if late else ""),
           target=report, detail={"campaign_id": campaign.id, "unit_id": unit.id, "late": late,
                                  "expected": total["expected"], "took": total["took"], "passed": total["passed"]})
    return report


def read_scan(stream, size: int | None) -> bytes:
    """The bytes of an uploaded scan, refused (ReportError) when larger than SCAN_LIMIT — told
    by ``size`` where known, and never reading more than SCAN_LIMIT + 1 bytes — or when it is
    not a PDF, JPEG or PNG."""
    if size is not None and size > SCAN_LIMIT:
        raise ReportError(f"文件有 {size / 1048576:.1f} MB，超过 {SCAN_LIMIT // 1048576} MB 的上限，没有保存。"
                          f"请降低扫描分辨率后再上传。")
    data = stream.read(SCAN_LIMIT + 1)
    if len(data) > SCAN_LIMIT:
        raise ReportError(f"文件超过 {SCAN_LIMIT // 1048576} MB 的上限，没有保存。请降低扫描分辨率后再上传。")
    if not data:
        raise ReportError("上传的文件是空的。")
    if scanned_kind(data[:16]) is None:
        raise ReportError("只能上传 PDF、JPEG 或 PNG 格式的扫描件（文件内容不是这几种格式）。")
    return data


def attach_scan(report: CampaignReport, filename: str, data: bytes) -> None:
    """Attach (or replace) the signed, stamped scan of a standing report; its snapshot stays."""
    if report.returned_at is not None:
        raise ReportError("这份汇总表已被退回，不能再上传扫描件；请重新报送后上传。")
    kind = scanned_kind(data[:16])
    if kind is None or len(data) > SCAN_LIMIT or not data:
        raise ReportError("只能上传不超过 10 MB 的 PDF、JPEG 或 PNG 扫描件。")
    mime, extension = kind
    replaced = report.scan_filename
    name = _clean_filename(filename, extension)
    report.scan_filename, report.scan_type, report.scan_data = name, mime, data
    report.scan_uploaded_at = now()
    record("report.scan", f"{report.unit.name}{'更换' if replaced else '上传'}“{report.campaign.title}”汇总表签字盖章扫描件",
           target=report, detail={"filename": name, "bytes": len(data), "type": mime, "replaced": replaced})


def _clean_filename(filename: str | None, extension: str) -> str:
    """The uploaded file's own name (path parts, control and quote characters taken out), with
    the extension its content says."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|*?:').strip() or "扫描件"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:200]}.{extension}"


def return_report(report: CampaignReport, reason: str, user) -> None:
    """The district returns (退回) a standing report; the unit may then submit a new one."""
    reason = (reason or "").strip()
    if not reason:
        raise ReportError("请填写退回原因。")
    if len(reason) > REASON_MAX:
        raise ReportError(f"退回原因最多 {REASON_MAX} 个字。")
    if report.returned_at is not None:
        raise ReportError("这份汇总表已经退回过了。")
    report.returned_at, report.returned_by_id, report.return_reason = now(), getattr(user, "id", None), reason
    record("report.return", f"退回{report.unit.name}“{report.campaign.title}”成绩汇总表：{reason[:60]}",
           target=report, detail={"campaign_id": report.campaign_id, "unit_id": report.unit_id, "reason": reason})
