"""An admin logs in, imports a roster file, confirms its new units and finds the staff listed."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from examsite.models import Staff, Tier

from .. import factories
from ..factories import PASSWORD
from ..roster.files import xlsx
from ..spreadsheets import workbook
from .actions import log_in

pytestmark = pytest.mark.browser


def test_admin_imports_a_multi_sheet_roster_and_confirms_new_units(db, live_server, page, tmp_path, artifacts_dir):
    factories.unit("城南区/城关镇/党政办")
    factories.unit("城南区/东岗镇")
    factories.user("admin", "admin")
    roster = tmp_path / "全区花名册.xlsx"
    roster.write_bytes(workbook({
        "城关镇": [["城关镇干部花名册"], ["工号", "姓 名", "单位", "职级", "职务"],
                 ["0101", "周建国", "城关镇/党政办", "一级主任科员", "主任"],
                 ["0102", "吴晓梅", "城关镇/党政办", "一级科员", "科员"],
                 ["0103", "郑海燕", "城关镇 社会事务办", "二级科员", "科员"]],
        "东岗镇": [["工号", "姓 名", "单位", "职级", "职务"],
                 ["0201", "阿依古丽・买买提", "东岗镇-综治中心", "四级主任科员", "主任"],
                 [None, "合计", None, None, None]],
    }, "xlsxwriter"))

    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login"))
    log_in(page, live_server, "admin", PASSWORD)
    expect(page.get_by_role("heading", name="考试管理")).to_be_visible()

    page.get_by_role("link", name="花名册", exact=True).click()
    page.get_by_role("link", name="导入花名册").click()
    page.get_by_label("花名册文件（.xlsx 或 .csv）").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()

    expect(page.locator("#counts")).to_contain_text("新增")
    new_units = page.locator("#new-units")
    expect(new_units).to_contain_text("城南区/城关镇/社会事务办")
    expect(new_units).to_contain_text("城南区/东岗镇/综治中心")
    expect(page.locator("#import-notes")).to_contain_text("工作表“东岗镇”第 3 行是合计行，已跳过。")
    page.screenshot(path=str(artifacts_dir / "roster-preview.png"), full_page=True)

    page.get_by_role("button", name="确认导入").click()  # without ticking the new units
    expect(page.get_by_text("请勾选确认新建后再导入")).to_be_visible()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Staff.id))) == 0

    page.get_by_label("确认新建以上单位").check()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成：新增 4 人")).to_be_visible()
    table = page.locator("#roster")
    expect(table).to_contain_text("周建国")
    expect(table).to_contain_text("城南区/城关镇/社会事务办")
    expect(table).to_contain_text("阿依古丽·买买提")
    expect(table).to_contain_text("城南区/东岗镇/综治中心")
    page.screenshot(path=str(artifacts_dir / "roster-imported.png"), full_page=True)

    page.get_by_label("单位").select_option(label="　　综治中心")
    page.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("0201")
    db.session.rollback()  # see what the server committed
    tiers = dict(db.session.execute(select(Staff.staff_no, Tier.name).join(Staff.tier)).all())
    assert tiers == {"0101": "乡科级", "0102": "一般干部", "0103": "一般干部", "0201": "乡科级"}


def test_bad_roster_shows_errors_in_the_browser(db, live_server, page, tmp_path):
    factories.unit("城南区/城关镇/党政办")
    factories.user("admin", "admin")
    roster = tmp_path / "bad.xlsx"
    roster.write_bytes(xlsx([["0101", "", "党政办", "乡科级", ""], ["0102", "吴晓梅", "党政办", "厅级", ""]]))

    log_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server}/roster/import")
    page.get_by_label("花名册文件（.xlsx 或 .csv）").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("本次没有导入任何人员")
    expect(errors).to_contain_text("第 2 行：姓名为空。")
    expect(errors).to_contain_text("第 3 行：干部层级“厅级”不在已设置的层级中")
    db.session.rollback()  # see what the server committed
    assert db.session.scalar(select(func.count(Staff.id))) == 0
