"""The report pages: who sees what (forged ids are 404), submitting, the scan upload and download,
returning, and the documents served."""
import io
from datetime import timedelta

import pytest
from docx import Document
from flask import request
from openpyxl import load_workbook
from sqlalchemy import func, select

from examsite.campaigns import report_views, reports
from examsite.campaigns.report_forms import ScanForm
from examsite.clock import freeze
from examsite.models import AuditLog, CampaignReport
from tests import factories as f
from tests.campaigns.test_reports import build
from tests.factories import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def setting(db):
    campaign, town, makeup, people, start = build()
    f.user("admin")
    f.user("town", "liaison", "城南区/城关镇")
    f.user("east", "liaison", "城南区/东岗镇")
    f.examinee("E1", "考生", "城南区/城关镇")
    town_id, east_id = f.unit("城南区/城关镇").id, f.unit("城南区/东岗镇").id
    db.session.commit()
    return campaign, town_id, east_id, start


def _url(campaign, unit_id, tail=""):
    return f"/campaigns/{campaign.id}/units/{unit_id}/report{tail}"


def test_the_liaison_submits_his_unit_once_its_tests_closed(auth, client, setting, db):
    campaign, town_id, _, start = setting
    auth.login("town", PASSWORD)
    page = client.get(_url(campaign, town_id)).get_data(as_text=True)
    assert "尚未结束" in page and "草稿" in page and 'id="report-failed"' in page and "A7" in page
    response = auth.post(_url(campaign, town_id, "/submit"))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CampaignReport)) == 0
    assert "尚未结束" in client.get(_url(campaign, town_id)).get_data(as_text=True)

    freeze(start + timedelta(hours=6))
    page = client.get(_url(campaign, town_id)).get_data(as_text=True)
    assert "data-confirm=" in page and "报送</button>" in page
    auth.post(_url(campaign, town_id, "/submit"))
    report = db.session.scalar(select(CampaignReport))
    assert report.unit_id == town_id and report.snapshot["submitted"]["by"] == "town"
    page = client.get(_url(campaign, town_id)).get_data(as_text=True)
    assert "按时报送" in page and "上传扫描件" in page and "退回这份汇总表" not in page
    again = auth.post(_url(campaign, town_id, "/submit"), follow_redirects=True).get_data(as_text=True)
    assert "不能重复报送" in again
    assert db.session.scalar(select(func.count()).select_from(CampaignReport)) == 1

    xlsx = client.get(_url(campaign, town_id, "/sheet.xlsx"))
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    assert "草稿" not in book["汇总"]["A1"].value
    docx = Document(io.BytesIO(client.get(_url(campaign, town_id, "/sheet.docx")).data))
    assert any("单位负责人（签字）" in p.text for p in docx.paragraphs)
    printed = client.get(_url(campaign, town_id, "/print")).get_data(as_text=True)
    assert "单位负责人（签字）" in printed and "（盖章）" in printed and "print_sheet.css" in printed
    assert 'id="draft-mark"' not in printed
    freeze(None)


def test_scope_other_units_liaison_examinee_and_forged_ids(auth, client, setting, db):
    campaign, town_id, east_id, start = setting
    freeze(start + timedelta(hours=6))
    town_report = reports.submit(campaign, f.unit("城南区/城关镇"), None)
    east_report = reports.submit(campaign, f.unit("城南区/东岗镇"), None)
    town_report.scan_filename, town_report.scan_type, town_report.scan_data = "s.pdf", "application/pdf", PDF
    db.session.commit()
    outside = f.unit("城南区/外单位").id
    db.session.commit()

    auth.login("east", PASSWORD)
    assert client.get(_url(campaign, east_id)).status_code == 200
    for url in (_url(campaign, town_id), _url(campaign, town_id, "/print"), _url(campaign, town_id, "/sheet.xlsx"),
                f"/campaigns/{campaign.id}/units/{town_id}/reports/{town_report.id}/scan",
                f"/campaigns/{campaign.id}/units/{town_id}/reports/{town_report.id}/print",
                # his own unit's URL with the other unit's report id
                f"/campaigns/{campaign.id}/units/{east_id}/reports/{town_report.id}/scan",
                f"/campaigns/{campaign.id}/units/{east_id}/reports/{town_report.id}/sheet.xlsx",
                _url(campaign, outside), f"/campaigns/{campaign.id + 99}/units/{east_id}/report",
                _url(campaign, east_id, "/sheet.pdf")):
        assert client.get(url).status_code == 404, url
    for url in (_url(campaign, town_id, "/submit"),
                f"/campaigns/{campaign.id}/units/{east_id}/reports/{town_report.id}/scan"):
        assert auth.post(url).status_code == 404, url
    # returning is the district's
    assert auth.post(f"/campaigns/{campaign.id}/units/{east_id}/reports/{east_report.id}/return",
                     data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(CampaignReport, east_report.id).returned_at is None

    client.post("/logout", data={"csrf_token": auth.token})
    auth.login("E1", PASSWORD)
    assert client.get(_url(campaign, town_id)).status_code == 403

    client.post("/logout", data={"csrf_token": auth.token})
    auth.login("admin", PASSWORD)
    assert client.get(_url(campaign, town_id)).status_code == 200
    scan = client.get(f"/campaigns/{campaign.id}/units/{town_id}/reports/{town_report.id}/scan")
    assert scan.status_code == 200 and scan.data == PDF and scan.mimetype == "application/pdf"
    assert scan.headers["X-Content-Type-Options"] == "nosniff" and "attachment" in scan.headers["Content-Disposition"]
    assert client.get(f"/campaigns/{campaign.id}/units/{east_id}/reports/{east_report.id}/scan").status_code == 404
    freeze(None)


def _upload(auth, campaign, unit_id, report_id, data: bytes, name: str):
    return auth.post(f"/campaigns/{campaign.id}/units/{unit_id}/reports/{report_id}/scan",
                     data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
                     follow_redirects=True)


def test_scan_upload_checks_size_and_kind_and_replacing_keeps_the_snapshot(auth, client, setting, db, monkeypatch):
    campaign, town_id, _, start = setting
    freeze(start + timedelta(hours=6))
    report = reports.submit(campaign, f.unit("城南区/城关镇"), None)
    db.session.commit()
    report_id, snapshot = report.id, dict(report.snapshot)
    auth.login("town", PASSWORD)

    refused = _upload(auth, campaign, town_id, report_id, b"<html>not a scan</html>", "scan.pdf").get_data(as_text=True)
    assert "只能上传 PDF、JPEG 或 PNG" in refused
    big = _upload(auth, campaign, town_id, report_id, b"%PDF-" + b"0" * reports.SCAN_LIMIT, "big.pdf")
    assert "超过 10 MB" in big.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CampaignReport, report_id).scan_filename is None
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "report.scan")) == 0

    # a request far over the limit is refused on its declared length, its body never parsed
    with monkeypatch.context() as patch:
        def unread(*args, **kwargs):
            assert request.method == "GET", "the upload's form was read"  # the page redirected to has one
            return ScanForm(*args, **kwargs)
        patch.setattr(report_views, "ScanForm", unread)
        huge = _upload(auth, campaign, town_id, report_id, b"%PDF-" + b"0" * (reports.SCAN_LIMIT + 200_000), "huge.pdf")
    assert "超过 10 MB" in huge.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CampaignReport, report_id).scan_filename is None

    done = _upload(auth, campaign, town_id, report_id, PDF, "盖章件.pdf").get_data(as_text=True)
    assert "扫描件已保存" in done and "盖章件.pdf" in done
    done = _upload(auth, campaign, town_id, report_id, PNG, "照片.png").get_data(as_text=True)
    assert "照片.png" in done
    db.session.expire_all()
    stored = db.session.get(CampaignReport, report_id)
    assert (stored.scan_type, stored.scan_data) == ("image/png", PNG) and stored.snapshot == snapshot
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "report.scan").order_by(AuditLog.id)).all()
    assert [a.detail["replaced"] for a in audits] == [None, "盖章件.pdf"]
    assert "更换" in audits[1].summary
    freeze(None)


def test_the_admin_returns_a_report_and_the_unit_submits_anew(auth, client, setting, db):
    campaign, town_id, _, start = setting
    freeze(start + timedelta(days=3))  # past the deadline
    auth.login("admin", PASSWORD)
    page = client.get(_url(campaign, town_id)).get_data(as_text=True)
    assert "已过报送截止时间" in page
    auth.post(_url(campaign, town_id, "/submit"))
    first = db.session.scalar(select(CampaignReport))
    assert reports.is_late(first)
    assert "逾期报送" in client.get(_url(campaign, town_id)).get_data(as_text=True)
    base = f"/campaigns/{campaign.id}/units/{town_id}/reports/{first.id}"
    empty = auth.post(f"{base}/return", data={"reason": ""}, follow_redirects=True).get_data(as_text=True)
    assert "请填写退回原因" in empty
    auth.post(f"{base}/return", data={"reason": "缺少免测人员的证明材料"})
    db.session.expire_all()
    assert db.session.get(CampaignReport, first.id).returned_at is not None
    page = client.get(_url(campaign, town_id)).get_data(as_text=True)
    assert "缺少免测人员的证明材料" in page and 'id="report-returned"' in page and "报送</button>" in page
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "report.return")) == "report.return"
    assert client.get(f"{base}/print").status_code == 200  # the returned one stays readable
    again = auth.post(f"{base}/return", data={"reason": "再退"}, follow_redirects=True).get_data(as_text=True)
    assert "已经退回过了" in again

    client.post("/logout", data={"csrf_token": auth.token})
    auth.login("town", PASSWORD)
    auth.post(_url(campaign, town_id, "/submit"))
    assert db.session.scalar(select(func.count()).select_from(CampaignReport)) == 2
    assert set(reports.standing_reports(campaign)) == {town_id}
    freeze(None)


def test_the_draft_documents_say_draft(auth, client, setting):
    campaign, town_id, _, _ = setting
    auth.login("town", PASSWORD)
    printed = client.get(_url(campaign, town_id, "/print")).get_data(as_text=True)
    assert 'id="draft-mark"' in printed and "草稿（未报送）" in printed and "联系电话" in printed
    response = client.get(_url(campaign, town_id, "/sheet.xlsx"))
    assert "草稿" in load_workbook(io.BytesIO(response.data), read_only=True)["汇总"]["A1"].value
    docx = Document(io.BytesIO(client.get(_url(campaign, town_id, "/sheet.docx")).data))
    assert docx.sections[0].header.paragraphs[0].text == "草稿（未报送）"
    freeze(None)


def test_a_reported_test_keeps_its_results_until_the_district_returns_the_report(auth, client, setting, db):
    """Moving its window, regrading, a retake or reopening a paper would leave the district's
    page and the submitted 成绩汇总表 telling different stories."""
    from examsite.models import Attempt, Exam

    campaign, town_id, _, start = setting
    freeze(start + timedelta(hours=6))
    tests = reports.unit_tests(campaign, town_id)
    first = next(exam for exam in tests if exam.makeup_of_id is None)
    report = reports.submit(campaign, f.unit("城南区/城关镇"), None)
    db.session.commit()
    closes, attempt = first.closes_at, db.session.scalar(select(Attempt).where(Attempt.exam_id == first.id))
    logged = db.session.scalar(select(func.count(AuditLog.id)))
    for who in ("town", "admin"):
        auth.login(who, PASSWORD)
        for url, data in ((f"/exams/{first.id}/regrade", {}), (f"/exams/attempt/{attempt.id}/retake", {}),
                          (f"/exams/attempt/{attempt.id}/reopen", {"minutes": "10", "reason": "断电"}),
                          (f"/exams/{first.id}/edit", {"title": "改", "opens_at": "2026-01-01T08:00",
                                                        "closes_at": "2030-01-01T08:00", "mode": "all"})):
            response = auth.post(url, data, follow_redirects=True)
            assert "本单位已报送，报送的成绩已固定" in response.get_data(as_text=True), (who, url)
        auth.post("/logout")
    db.session.expire_all()
    assert db.session.get(Exam, first.id).closes_at == closes and db.session.get(Attempt, attempt.id).submitted_at
    assert db.session.scalar(select(func.count(AuditLog.id))) == logged
    # another unit's liaison is told nothing about it: the page he may not see is a 404
    auth.login("east", PASSWORD)
    assert auth.post(f"/exams/{first.id}/regrade").status_code == 404
    auth.post("/logout")
    reports.return_report(report, "名单有误", None)
    db.session.commit()
    auth.login("town", PASSWORD)
    back = auth.post(f"/exams/{first.id}/regrade", follow_redirects=True).get_data(as_text=True)
    assert "已重新评分" in back
    freeze(None)


def test_after_reporting_no_exemption_make_up_or_new_test_changes_what_was_reported(auth, client, setting, db):
    from examsite.models import Exam, Exemption, Staff

    campaign, town_id, _, start = setting
    freeze(start + timedelta(hours=6))
    first = next(exam for exam in reports.unit_tests(campaign, town_id) if exam.makeup_of_id is None)
    people = {p.staff_no: p.id for p in db.session.scalars(select(Staff))}
    auth.login("town", PASSWORD)
    # before: a failed person is not excused (he takes the make-up), an absent one may be
    page = auth.post(f"/exams/{first.id}/makeup/exemptions", {"staff_id": people["A7"], "kind": "病假", "reason": "病"},
                     follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Exemption)) == 1 and "不是有效的选择" in page
    reports.submit(campaign, f.unit("城南区/城关镇"), None)
    db.session.commit()
    counts = (db.session.scalar(select(func.count()).select_from(Exemption)),
              db.session.scalar(select(func.count(Exam.id))))
    window = {"opens_at": "2030-01-01T08:00", "closes_at": "2030-01-02T08:00"}
    for url, data in ((f"/exams/{first.id}/makeup/exemptions", {"staff_id": people["A6"], "kind": "病假", "reason": "病"}),
                      (f"/exams/{first.id}/makeup/create", window)):
        page = auth.post(url, data, follow_redirects=True).get_data(as_text=True)
        assert "本单位已报送，报送的成绩已固定" in page, url
    new = auth.post(f"/exams/new?campaign={campaign.id}&unit={town_id}",
                    {"campaign_id": campaign.id, "organiser_unit_id": town_id, "title": "再测一次", "mode": "all",
                     "opens_at": "2026-01-01T08:00", "closes_at": "2026-01-01T09:00", "score_shown": "on_submit"},
                    follow_redirects=True).get_data(as_text=True)
    assert "本单位已报送，报送的成绩已固定" in new
    assert (db.session.scalar(select(func.count()).select_from(Exemption)),
            db.session.scalar(select(func.count(Exam.id)))) == counts
    freeze(None)


def test_a_make_ups_plans_are_its_first_tests(auth, client, setting, db):
    campaign, town_id, _, start = setting
    makeup = next(exam for exam in reports.unit_tests(campaign, town_id) if exam.makeup_of_id is not None)
    plans = [(p.tier_id, p.sections) for p in makeup.plans]
    auth.login("town", PASSWORD)
    page = auth.post(f"/exams/{makeup.id}/plan/default", {}, follow_redirects=True).get_data(as_text=True)
    assert "补测的试卷方案与原测试相同" in page
    db.session.expire_all()
    assert [(p.tier_id, p.sections) for p in db.session.get(type(makeup), makeup.id).plans] == plans


def test_a_returned_report_shows_as_returned_until_the_unit_reports_again(auth, client, setting, db):
    campaign, town_id, _, start = setting
    freeze(start + timedelta(hours=6))
    report = reports.submit(campaign, f.unit("城南区/城关镇"), None)
    reports.return_report(report, "免测名单有误", None)
    db.session.commit()
    auth.login("admin", PASSWORD)
    assert "已退回，待重新报送" in client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    auth.post("/logout")
    auth.login("town", PASSWORD)
    page = client.get(_url(campaign, town_id)).get_data(as_text=True)
    assert 'id="returned-banner"' in page and "免测名单有误" in page
    freeze(None)
