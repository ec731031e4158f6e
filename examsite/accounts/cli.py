import click
from flask.cli import AppGroup

from ..extensions import db
from .services import AccountError, create_user, generate_password

user_cli = AppGroup("user", help="管理登录账号。")


@user_cli.command("create-admin")
@click.argument("username")
@click.option("--name", "display_name", default="", help="显示的姓名。")
@click.option("--password", default=None,
              help="密码（至少 8 位）；不给则生成一个并打印出来。")
def create_admin(username: str, display_name: str, password: str | None) -> None:
    """Create an admin (考试管理员) account named USERNAME."""
    password = password or generate_password()
    try:
        create_user(username, password, "admin", display_name or username)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"已创建考试管理员 {username}，密码：{password}")
