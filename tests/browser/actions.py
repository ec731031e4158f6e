"""What a person does in the browser, as steps tests share."""


def log_in(page, live_server: str, username: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def answer_first_and_submit(page) -> None:
    """Answer question 1 with its first option, wait for 已保存, submit and accept the confirmation."""
    from playwright.sync_api import expect

    page.locator("#q-1 input.answer-input").first.check()
    expect(page.locator("#q-1 .save-state")).to_have_text("已保存")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#score")).to_contain_text("得分")


def enter_with_code(page, live_server: str, staff_no: str, code: str) -> None:
    """Enter with a slip's 工号 and one-time code, as far as the page asking for a password."""
    from playwright.sync_api import expect

    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="用工号和访问码进入").click()
    page.get_by_label("工号").fill(staff_no)
    page.get_by_label("访问码（登录条上的 8 位字母数字）").fill(code)
    page.get_by_role("button", name="进入测试").click()
    expect(page.get_by_text("请先设置一个密码")).to_be_visible()
