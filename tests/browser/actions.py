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
