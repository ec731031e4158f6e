"""What a person does in the browser, as steps tests share."""


def log_in(page, live_server: str, username: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
