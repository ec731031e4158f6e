"""Steps of a campaign in the browser that the campaign-cycle test tells its story with: an
organiser's tiered test, an examinee answering so his score is known, a table's cells."""
from playwright.sync_api import expect

from examsite.clock import to_local

from ..factories import PASSWORD
from .actions import log_in


def local(moment) -> str:
    """A naive-UTC moment as a datetime-local field takes it (China time)."""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def create_tiered_test(page, live_server: str, username: str, town: str, title: str, opens, closes) -> None:
    """The organiser's clicks: 新建 for his town with its window, the campaign's default plan for
    一般干部, his own rows for 乡科级 (2 单选 × 5 and 2 判断 × 5 = 20 points, pass mark 12)."""
    log_in(page, live_server, username, PASSWORD)
    page.get_by_role("link", name="测试", exact=True).click()
    page.get_by_role("link", name=f"为{town}新建测试").click()
    page.get_by_label("测试名称").fill(title)
    page.get_by_label("开始时间", exact=True).fill(local(opens))
    page.get_by_label("结束时间", exact=True).fill(local(closes))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"已保存测试“{title}”")).to_be_visible()

    page.get_by_role("button", name="一般干部：采用默认方案").click()
    expect(page.get_by_text("已采用活动的默认试卷方案：一般干部")).to_be_visible()
    page.get_by_role("link", name="添加或修改层级的试卷方案").click()
    page.get_by_label("干部层级").select_option(label="乡科级")
    page.get_by_label("答题时长（分钟）").fill("20")
    page.get_by_label("及格分").fill("12")
    for row, qtype in ((1, "single"), (2, "judge")):
        page.get_by_label(f"第{row}行题型").select_option(qtype)
        page.get_by_label(f"第{row}行题数").fill("2")
        page.get_by_label(f"第{row}行每题分值").fill("5")
    page.get_by_role("button", name="保存试卷方案").click()
    expect(page.get_by_text("已保存乡科级的试卷方案")).to_be_visible()
    expect(page.locator(".plan-card", has_text="一般干部：共 10.0 分")).to_have_count(1)
    expect(page.locator(".plan-card", has_text="乡科级：共 20.0 分")).to_have_count(1)


def answer_and_submit(paper, right: dict[str, int]) -> str:
    """On an open test page: the first ``right[type]`` questions of each type answered right (the
    bank() factory keys single A, judge 正确), the others wrong; submit. Returns the score line."""
    done: dict[str, int] = {}
    questions = paper.locator("section.question")
    for n in range(questions.count()):
        question = questions.nth(n)
        qtype = question.get_attribute("data-type")
        done[qtype] = done.get(qtype, 0) + 1
        good = done[qtype] <= right.get(qtype, 0)
        value = {"single": ("A", "B"), "judge": ("true", "false")}[qtype][0 if good else 1]
        question.locator(f"input.answer-input[value='{value}']").check()
        expect(question.locator(".save-state")).to_have_text("已保存")
    paper.once("dialog", lambda dialog: dialog.accept())
    paper.get_by_role("button", name="交卷").click()
    expect(paper.locator("#score")).to_contain_text("得分")
    return paper.locator("#score").inner_text()


def take(context, live_server: str, staff_no: str, title: str, right: dict[str, int]) -> str:
    """An examinee logs in in his own browser, opens ``title`` and answers as answer_and_submit."""
    paper = context.new_page()
    log_in(paper, live_server, staff_no, PASSWORD)
    paper.locator("#exams-open").get_by_text(title, exact=True).click()
    paper.get_by_role("button", name="开始答题").click()
    score = answer_and_submit(paper, right)
    context.close()
    return score


def cells(row) -> list[str]:
    """The text of a table row's cells, stripped."""
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def table(locator) -> list[list[str]]:
    """The cells of every body row of a table."""
    rows = locator.locator("tbody tr")
    return [cells(rows.nth(n)) for n in range(rows.count())]
