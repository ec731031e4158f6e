"""A draw made in the browser, assigned, its slips downloaded, and a drawn person taking the test with his code."""
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from examsite.models import Attempt

from .. import factories
from ..factories import PASSWORD
from .actions import answer_first_and_submit, enter_with_code, log_in

pytestmark = pytest.mark.browser


def test_draw_assign_slips_and_take_with_a_code(db, live_server, browser, tmp_path):
    for n in range(1, 21):
        factories.staff(f"{n:04d}", f"人员{n}", "城南区/城关镇/党政办", "乡科级")
    factories.bank(fills=0)
    factories.exam(title="六月抽测", mode="sample", tiers=("乡科级",),
                   sections=[{"qtype": "judge", "count": 2, "points": 5}], pass_mark=5)
    factories.user("admin", "admin")

    admin = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = admin.new_page()
    log_in(page, live_server, "admin", PASSWORD)
    page.get_by_role("link", name="抽测").click()
    page.get_by_role("link", name="新的抽取").click()
    page.get_by_label("人数或比例（比例如 0.1 表示 10%）").fill("3")
    page.get_by_label("种子（可选：如事先公布的数字或当天的开奖号码；不填则由系统随机生成）").fill("528")
    page.get_by_role("button", name="抽取").click()
    expect(page.get_by_text("已抽取 3 人。种子：528")).to_be_visible()
    expect(page.locator("#members tbody tr")).to_have_count(3)
    page.get_by_role("link", name="核验：重新抽取并比对").click()
    expect(page.locator("#verification")).to_contain_text("重新抽取的名单与保存的名单一致")

    page.get_by_label("分配到抽测").select_option(label="六月抽测")
    page.get_by_role("button", name="分配").click()
    expect(page.get_by_text("已分配，新建考生账号 3 个")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="下载登录条（Excel）").click()
    path = tmp_path / "slips.xlsx"
    info.value.save_as(path)
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).worksheets[0].iter_rows(min_row=5, values_only=True))
    assert len(rows) == 3
    admin.close()

    name, _, staff_no, code = rows[0][:4]
    person = browser.new_context(locale="zh-CN")
    page = person.new_page()
    enter_with_code(page, live_server, staff_no, code)
    page.get_by_label("新密码（至少 8 位）").fill("my-own-password")
    page.get_by_label("再输入一次").fill("my-own-password")
    page.get_by_role("button", name="设置密码").click()
    expect(page.get_by_text("密码已设置")).to_be_visible()
    page.get_by_role("button", name="开始答题").click()
    answer_first_and_submit(page)
    person.close()
    db.session.rollback()  # see what the server committed
    attempt = db.session.scalar(select(Attempt))
    assert attempt.staff.staff_no == staff_no and attempt.staff.name == name and attempt.score is not None
