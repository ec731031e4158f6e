"""A unit's organiser reports in the browser: he opens his unit's report, checks the A4 print page
(signature lines, no navigation when printed), submits, uploads the signed scan (a real PDF),
and the district admin sees the report and downloads the scan."""
import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from examsite import clock

from .. import factories
from ..campaigns.test_reports import build
from ..factories import PASSWORD
from .actions import log_in

pytestmark = pytest.mark.browser


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    writer.add_metadata({"/Title": "城关镇成绩汇总表（签字盖章）"})
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def test_the_organiser_reports_and_the_district_sees_it(db, live_server, browser, tmp_path, artifacts_dir):
    campaign, _, _, _, start = build()
    factories.user("admin")
    factories.user("town", "liaison", "城南区/城关镇")
    unit_id = factories.unit("城南区/城关镇").id
    clock.freeze(start + timedelta(hours=6))  # every test of 城关镇 has closed
    report_url = f"{live_server}/campaigns/{campaign.id}/units/{unit_id}/report"

    liaison = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = liaison.new_page()
    log_in(page, live_server, "town", PASSWORD)
    page.goto(report_url)
    expect(page.locator("#report-status")).to_contain_text("未报送")
    expect(page.locator("#report-failed")).to_contain_text("人员A7")
    expect(page.locator("#report-exempt")).to_contain_text("住院治疗")

    page.get_by_role("link", name="打印汇总表（A4）").click()
    expect(page.locator("#draft-mark")).to_be_visible()
    signatures = page.locator("#sheet-signatures")
    for line in ("单位负责人（签字）", "（盖章）", "填报人", "联系电话", "日期"):
        expect(signatures).to_contain_text(line)
    expect(page.locator("#sheet-figures")).to_contain_text("合计")
    page.get_by_role("link", name="← 返回报送页").click()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("已报送。")).to_be_visible()
    expect(page.locator("#report-status")).to_contain_text("按时报送")

    scan = tmp_path / "盖章件.pdf"
    scan.write_bytes(_pdf())
    page.get_by_label("签字盖章后的汇总表扫描件（PDF、JPEG 或 PNG，不超过 10 MB）").set_input_files(str(scan))
    page.get_by_role("button", name="上传扫描件").click()
    expect(page.get_by_text("扫描件已保存。")).to_be_visible()
    expect(page.locator("#report-scan")).to_contain_text("盖章件.pdf")
    page.goto(f"{report_url}/print")
    expect(page.locator("#draft-mark")).to_have_count(0)
    expect(page.locator("#sheet-signatures")).to_contain_text("单位负责人（签字）")
    page.emulate_media(media="print")  # printed: no navigation, no buttons, the signature lines kept
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    expect(page.locator("#sheet-signatures")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "campaign-report-print.png"), full_page=True)
    page.pdf(path=str(artifacts_dir / "campaign-report-a4.pdf"), format="A4", print_background=True)
    assert len(PdfReader(str(artifacts_dir / "campaign-report-a4.pdf")).pages) >= 3  # summary, lists, scores
    liaison.close()

    admin = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = admin.new_page()
    log_in(page, live_server, "admin", PASSWORD)
    page.goto(report_url)
    expect(page.locator("#report-status")).to_contain_text("按时报送")
    expect(page.locator("#report-return")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "campaign-report-admin.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="盖章件.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes() == scan.read_bytes()
    assert PdfReader(str(saved)).metadata.title == "城关镇成绩汇总表（签字盖章）"
    admin.close()
    clock.freeze(None)
