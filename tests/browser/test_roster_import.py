"""An admin logs in, imports a roster file and finds the staff listed."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from examsite.models import Staff

from .. import factories
from ..factories import PASSWORD
from ..roster.files import xlsx
from .actions import log_in

pytestmark = pytest.mark.browser


def test_admin_imports_a_roster_in_the_browser(db, live_server, page, tmp_path, artifacts_dir):
    factories.unit("城南区/城关镇/党政办")
    factories.user("admin", "admin")
    roster = tmp_path / "城关镇花名册.xlsx"
    roster.write_bytes(xlsx([
        ["0101", "周建国", "城南区/城关镇/党政办", "乡科级", "主任"],
        ["0102", "吴晓梅", "城南区/城关镇/党政办", "一般干部", "科员"],
        ["0103", "郑海燕", "城南区/城关镇/社会事务办", "一般干部", "科员"],
    ]))

    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login"))
    log_in(page, live_server, "admin", PASSWORD)
    expect(page.get_by_role("heading", name="考试管理")).to_be_visible()

    page.get_by_role("link", name="花名册", exact=True).click()
    page.get_by_role("link", name="导入花名册").click()
    page.get_by_label("花名册文件（.xlsx 或 .csv）").set_input_files(str(roster))
    page.get_by_role("button", name="导入").click()

    expect(page.get_by_text("导入完成：新增 3 人")).to_be_visible()
    table = page.locator("#roster")
    expect(table).to_contain_text("周建国")
    expect(table).to_contain_text("城南区/城关镇/社会事务办")
    page.screenshot(path=str(artifacts_dir / "roster-imported.png"), full_page=True)

    page.get_by_placeholder("姓名或工号").fill("吴晓梅")
    page.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("0102")
    db.session.rollback()  # see what the server committed
    assert db.session.scalar(select(func.count(Staff.id))) == 3


def test_bad_roster_shows_errors_in_the_browser(db, live_server, page, tmp_path):
    factories.unit("城南区/城关镇/党政办")
    factories.user("admin", "admin")
    roster = tmp_path / "bad.xlsx"
    roster.write_bytes(xlsx([["0101", "", "党政办", "乡科级", ""], ["0102", "吴晓梅", "党政办", "厅级", ""]]))

    log_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server}/roster/import")
    page.get_by_label("花名册文件（.xlsx 或 .csv）").set_input_files(str(roster))
    page.get_by_role("button", name="导入").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("本次没有导入任何人员")
    expect(errors).to_contain_text("第 2 行：姓名为空。")
    expect(errors).to_contain_text("第 3 行：干部层级“厅级”不在已设置的层级中")
    db.session.rollback()  # see what the server committed
    assert db.session.scalar(select(func.count(Staff.id))) == 0
