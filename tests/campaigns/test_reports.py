"""A unit's report (报送): its snapshot against figures worked out by hand, frozen once submitted,
the rules for submitting and returning, and the 成绩汇总表 read back from Excel and Word.

Papers as in test_standings: 11 points, pass mark 6. All right 11 (100 → 优秀); single, multiple
and judge right 9; single and multiple right 7 (63.64 → 合格); single right 4 (36.36 → 不合格).
A 补测 under replace_capped counts at most the pass mark 6 (54.55).

城关镇's self-test (一般干部 and 乡科级): A1 11 · A2 4, 补测 11 → 6 · A3 (乡科级) 7 · A4 absent,
补测 9 → 6 · A5 exempt (病假) · A6 absent · A7 4. 东岗镇's own test and the district's spot test
are not 城关镇's to report.
"""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from examsite.campaigns import reports, summary_sheet
from examsite.clock import freeze, now
from examsite.uploads import scanned_kind
from examsite.extensions import db as _db
from examsite.models import AuditLog, Attempt, CampaignReport, ExamMember, ExamUnit, Exemption
from tests import factories as f

ALL = f.ALL_TYPES
NINE = ("single", "multiple", "judge")
SEVEN = ("single", "multiple")
FOUR = ("single",)


def _makeup(of, people):
    found = f.exam(f"{of.title}补测", tiers=("一般干部", "乡科级"), mode="named")
    found.campaign_id, found.organiser_unit_id, found.makeup_of_id = of.campaign_id, of.organiser_unit_id, of.id
    for person in people:
        _db.session.add(ExamMember(exam_id=found.id, staff_id=person.id))
    _db.session.flush()
    return found


def build(due_days: int = 2):
    """The campaign above, its tests open at ``start``; returns (campaign, town test, its make-up,
    people by 工号, start). Every test closes five hours after ``start``."""
    start = now().replace(microsecond=0)
    freeze(start)
    f.bank(singles=2, multiples=1, judges=2, fills=1)
    campaign = f.campaign(due=start + timedelta(days=due_days))
    town = f.unit_test(campaign, "城南区/城关镇", tiers=("一般干部", "乡科级"))
    east = f.unit_test(campaign, "城南区/东岗镇")
    spot = f.exam("区纪委抽测", tiers=("一般干部",))
    spot.campaign_id = campaign.id
    _db.session.add(ExamUnit(exam_id=spot.id, unit_id=f.unit("城南区/城关镇").id))
    people = {no: f.staff(no, f"人员{no}", path, tier) for no, path, tier in (
        ("A1", "城南区/城关镇/党政办", "一般干部"), ("A2", "城南区/城关镇", "一般干部"),
        ("A3", "城南区/城关镇/党政办", "乡科级"), ("A4", "城南区/城关镇", "一般干部"),
        ("A5", "城南区/城关镇", "一般干部"), ("A6", "城南区/城关镇", "一般干部"),
        ("A7", "城南区/城关镇/党政办", "一般干部"), ("B1", "城南区/东岗镇", "一般干部"))}
    _db.session.commit()
    f.sit(town, people["A1"], right=ALL)
    f.sit(town, people["A2"], right=FOUR)
    f.sit(town, people["A3"], right=SEVEN)
    f.sit(town, people["A7"], right=FOUR)
    f.sit(east, people["B1"], right=ALL)
    f.sit(spot, people["A1"], right=FOUR)
    _db.session.add(Exemption(exam_id=town.id, staff_id=people["A5"].id, kind="病假", reason="住院治疗"))
    makeup = _makeup(town, [people["A2"], people["A4"]])
    _db.session.commit()
    f.sit(makeup, people["A2"], right=ALL)
    f.sit(makeup, people["A4"], right=NINE)
    return campaign, town, makeup, people, start


def test_the_snapshot_holds_the_figures_worked_out_by_hand(db):
    campaign, town, makeup, _, _ = build()
    unit = f.unit("城南区/城关镇")
    data = reports.build_snapshot(campaign, unit)
    assert data["submitted"] is None and data["unit"]["path"] == "城南区/城关镇"
    assert [t["title"] for t in data["tests"]] == [town.title, makeup.title]  # not 东岗镇's, not the spot test
    assert data["tests"][1]["makeup_of"] == town.title and data["tests"][0]["tiers"] == ["乡科级", "一般干部"]
    assert data["tests"][0]["marks"] == [{"tier": "乡科级", "full_marks": 11, "pass_mark": 6},
                                         {"tier": "一般干部", "full_marks": 11, "pass_mark": 6}]
    from examsite.campaigns.summary_sheet import info_lines

    assert any("乡科级满分 11 分、及格 6 分" in line for line in info_lines(data))  # on the xlsx, .docx and print
    tiers = {row["tier"]: row for row in data["tiers"]}
    general = tiers["一般干部"]
    assert (general["expected"], general["exempt"], general["took"], general["passed"], general["excellent"]) == (5, 1, 4, 3, 1)
    assert general["participation"] == pytest.approx(0.8) and general["pass_rate"] == pytest.approx(0.75)
    assert general["average"] == pytest.approx((100 + 54.55 + 54.55 + 36.36) / 4, abs=0.01)
    assert general["bands"] == {"优秀": 1, "良好": 0, "合格": 2, "不合格": 1}
    section = tiers["乡科级"]
    assert (section["expected"], section["took"], section["passed"], section["average"]) == (1, 1, 1, pytest.approx(63.64))
    total = data["total"]
    assert (total["tier"], total["expected"], total["exempt"], total["took"], total["passed"]) == ("合计", 6, 1, 5, 4)
    assert total["participation"] == pytest.approx(5 / 6) and total["excellent_rate"] == pytest.approx(0.2)
    assert [(p["staff_no"], p["score"], p["note"]) for p in data["failed"]] == [("A7", 4, "首次测试成绩")]
    assert [(p["staff_no"], p["status"]) for p in data["absent"]] == [("A6", "未参加")]
    assert [(p["staff_no"], p["kind"], p["reason"]) for p in data["exempt"]] == [("A5", "病假", "住院治疗")]
    scores = {p["staff_no"]: p for p in data["scores"]}
    assert set(scores) == {"A1", "A2", "A3", "A4", "A5", "A6", "A7"}
    assert (scores["A2"]["score"], scores["A2"]["band"]) == (6, "合格") and "补测 11 分" in scores["A2"]["note"]
    assert scores["A1"]["band"] == "优秀" and scores["A1"]["percent"] == 100
    assert scores["A5"]["note"] == "免测（病假）" and scores["A5"]["score"] is None
    assert scores["A7"]["unit"] == "城南区/城关镇/党政办"
    freeze(None)


def test_submitting_waits_for_every_test_to_close_and_a_unit_without_tests_cannot(db):
    campaign, town, makeup, _, start = build()
    unit = f.unit("城南区/城关镇")
    admin = f.user("admin")
    with pytest.raises(reports.ReportError, match="尚未结束"):
        reports.submit(campaign, unit, admin)
    makeup.closes_at = start + timedelta(days=1)  # the first sitting closes at +5h, the 补测 a day later
    db.session.commit()
    freeze(start + timedelta(hours=6))
    with pytest.raises(reports.ReportError, match=f"{makeup.title}.*尚未结束"):
        reports.submit(campaign, unit, admin)
    with pytest.raises(reports.ReportError, match="还没有组织自测"):
        reports.submit(campaign, f.unit("城南区/西山镇"), admin)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CampaignReport)) == 0
    freeze(None)


def _sheet_values(stream) -> dict:
    book = load_workbook(stream, read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_a_submitted_report_is_frozen_and_a_second_is_refused(db):
    campaign, town, _, people, start = build()
    unit = f.unit("城南区/城关镇")
    liaison = f.user("town", "liaison", "城南区/城关镇")
    freeze(start + timedelta(hours=6))
    report = reports.submit(campaign, unit, liaison)
    db.session.commit()
    assert report.snapshot["submitted"]["late"] is False and report.snapshot["submitted"]["by"] == "town"
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.target_type == "CampaignReport", AuditLog.target_id == str(report.id))) == "report.submit"
    before_xlsx = _sheet_values(summary_sheet.write_workbook(report.snapshot))
    before_docx = _docx_text(summary_sheet.write_docx(report.snapshot))

    people["A7"].name = "改过的名字"
    attempt = db.session.scalar(select(Attempt).where(Attempt.exam_id == town.id, Attempt.staff_id == people["A7"].id))
    attempt.score, attempt.passed = 11, True
    db.session.commit()
    db.session.expire_all()
    assert reports.build_snapshot(campaign, unit)["failed"] == []  # a draft now would differ
    stored = db.session.get(CampaignReport, report.id)
    after = _sheet_values(summary_sheet.write_workbook(stored.snapshot))
    assert after == before_xlsx
    assert any(row[2] == "人员A7" for row in after["不合格人员"][2:])
    assert _docx_text(summary_sheet.write_docx(stored.snapshot)) == before_docx

    with pytest.raises(reports.ReportError, match="已报送，不能重复报送"):
        reports.submit(campaign, unit, liaison)
    freeze(None)


def test_a_report_after_the_deadline_is_late(db):
    campaign, _, _, _, start = build(due_days=1)
    freeze(start + timedelta(days=1, seconds=1))
    report = reports.submit(campaign, f.unit("城南区/城关镇"), f.user("admin"))
    db.session.commit()
    assert reports.is_late(report) and report.snapshot["submitted"]["due"] == report.snapshot["campaign"]["report_due"]
    assert "逾期报送" in summary_sheet.status_line(report.snapshot)
    assert reports.standing_reports(campaign) == {report.unit_id: report}
    freeze(None)


def test_return_then_submit_anew(db):
    campaign, _, _, _, start = build()
    unit = f.unit("城南区/城关镇")
    admin = f.user("admin")
    freeze(start + timedelta(hours=6))
    first = reports.submit(campaign, unit, admin)
    db.session.commit()
    with pytest.raises(reports.ReportError, match="退回原因"):
        reports.return_report(first, "  ", admin)
    reports.return_report(first, "合格率计算有误，请核对后重报", admin)
    db.session.commit()
    assert reports.standing_reports(campaign) == {}
    with pytest.raises(reports.ReportError, match="已经退回"):
        reports.return_report(first, "再退", admin)
    with pytest.raises(reports.ReportError, match="已被退回"):
        reports.attach_scan(first, "scan.pdf", b"%PDF-1.4\n")
    second = reports.submit(campaign, unit, admin)
    db.session.commit()
    assert reports.standing_reports(campaign) == {unit.id: second}
    assert [r.id for r in reports.unit_reports(campaign, unit.id)] == [second.id, first.id]
    assert first.return_reason == "合格率计算有误，请核对后重报"
    freeze(None)


def test_scan_bounds_and_kinds():
    small = io.BytesIO(b"%PDF-1.7\n...")
    assert reports.read_scan(small, None).startswith(b"%PDF-")
    with pytest.raises(reports.ReportError, match="超过 10 MB"):
        reports.read_scan(io.BytesIO(b""), reports.SCAN_LIMIT + 1)  # told by its size, nothing read

    class Endless(io.RawIOBase):
        """A stream of unknown length that never ends: at most the limit and a byte are read."""
        read_bytes = 0

        def read(self, size=-1):
            assert size != -1
            self.read_bytes += size
            return b"%PDF-" + b"0" * (size - 5)

    endless = Endless()
    with pytest.raises(reports.ReportError, match="超过 10 MB"):
        reports.read_scan(endless, None)
    assert endless.read_bytes == reports.SCAN_LIMIT + 1
    with pytest.raises(reports.ReportError, match="PDF、JPEG 或 PNG"):
        reports.read_scan(io.BytesIO(b"<html>%PDF-"), None)
    with pytest.raises(reports.ReportError, match="空的"):
        reports.read_scan(io.BytesIO(b""), 0)
    assert scanned_kind(b"\xff\xd8\xff\xe0") == ("image/jpeg", "jpg")
    assert scanned_kind(b"\x89PNG\r\n\x1a\n....") == ("image/png", "png")
    assert reports._clean_filename('..\\x/盖章"件.PDF', "pdf") == "盖章件.pdf"


def _docx_text(stream) -> str:
    from docx import Document

    document = Document(stream)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    parts.extend(p.text for p in document.sections[0].header.paragraphs)
    return "\n".join(parts)


def test_the_workbook_and_the_document_hold_the_figures_and_the_signature_lines(db):
    campaign, _, _, _, start = build()
    unit = f.unit("城南区/城关镇")
    draft = reports.build_snapshot(campaign, unit)
    sheets = _sheet_values(summary_sheet.write_workbook(draft))
    assert list(sheets) == ["汇总", "不合格人员", "未参加人员", "免测人员", "成绩名单"]
    summary = sheets["汇总"]
    assert "草稿（未报送）" in summary[0][0]
    header = next(n for n, row in enumerate(summary) if row[0] == "层级")
    total = next(row for row in summary[header:] if row[0] == "合计")
    assert total[1:5] == [6, 1, 5, pytest.approx(5 / 6)] and total[5:7] == [4, pytest.approx(0.8)]
    general = next(row for row in summary[header:] if row[0] == "一般干部")
    assert general[10:14] == [1, 0, 2, 1] and general[9] == pytest.approx(61.37, abs=0.01)
    labels = [cell for row in summary for cell in row if isinstance(cell, str)]
    for line in summary_sheet.SIGNATURES:
        assert line in labels
    assert sheets["不合格人员"][2][1:4] == ["A7", "人员A7", "城南区/城关镇/党政办"]
    assert sheets["不合格人员"][2][6] == 4  # a number, not text
    # by tier, then unit, then 工号
    assert [row[1] for row in sheets["成绩名单"][2:]] == ["A3", "A2", "A4", "A5", "A6", "A1", "A7"]

    text = _docx_text(summary_sheet.write_docx(draft))
    assert "草稿（未报送）" in text and "城关镇“2026年警示教育月”成绩汇总表" in text
    for line in summary_sheet.SIGNATURES:
        assert line in text
    assert "住院治疗" in text and "83.3%" in text  # 免测 reason; 参考率 5/6

    freeze(start + timedelta(hours=6))
    report = reports.submit(campaign, unit, f.user("admin"))
    db.session.commit()
    final = _sheet_values(summary_sheet.write_workbook(report.snapshot))
    assert "草稿" not in final["汇总"][0][0]
    assert "草稿" not in _docx_text(summary_sheet.write_docx(report.snapshot))
    freeze(None)
