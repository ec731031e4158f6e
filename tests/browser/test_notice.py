"""The admin publishes a notice in the browser; a logged-out visitor opens it and prints it."""
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from examsite import clock

from .. import factories
from ..factories import PASSWORD
from .actions import log_in

pytestmark = pytest.mark.browser

START = datetime(2026, 6, 10, 1, 0)


def test_publish_a_notice_and_open_it_logged_out(db, live_server, browser, artifacts_dir):
    clock.freeze(START)
    exam, _ = factories.small_test()
    factories.user("admin")
    clock.freeze(START + timedelta(hours=6))  # the test has closed

    admin = browser.new_context(locale="zh-CN")
    page = admin.new_page()
    log_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server}/exams/{exam.id}")
    page.get_by_role("link", name="成绩", exact=True).click()
    expect(page.locator("#by-unit")).to_contain_text("城关镇")
    page.get_by_role("link", name="起草通报").click()
    page.get_by_label("不及格人员名单").check()
    page.get_by_label("导语").fill("为检验学习成效，区纪委监委组织了本次测试。联系电话 13912345678。")
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#preview")).to_contain_text("不及格人员名单")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("通报已发布。")).to_be_visible()
    url = page.url
    admin.close()

    visitor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    public = visitor.new_page()
    public.goto(url)
    expect(public.locator("h1.notice-title")).to_have_text(f"关于“{exam.title}”情况的通报")
    expect(public.locator("#notice-units")).to_contain_text("城关镇")
    expect(public.locator("#notice-failed")).to_contain_text("甲二")
    expect(public.locator("article.notice")).to_contain_text("139****5678")
    expect(public.locator("article.notice svg").first).to_be_visible()
    public.screenshot(path=str(artifacts_dir / "notice.png"), full_page=True)

    public.emulate_media(media="print")
    expect(public.locator(".site-nav")).to_be_hidden()
    expect(public.get_by_role("button", name="打印")).to_be_hidden()
    public.pdf(path=str(artifacts_dir / "notice-a4.pdf"), format="A4", print_background=True)
    assert (artifacts_dir / "notice-a4.pdf").stat().st_size > 10_000

    public.goto(f"{live_server}/exams/{exam.id}/results/")
    expect(public).to_have_url(f"{live_server}/login?next=%2Fexams%2F{exam.id}%2Fresults%2F")
    visitor.close()
