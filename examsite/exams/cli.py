import click
from flask.cli import AppGroup

from ..extensions import db
from . import attempts

exam_cli = AppGroup("exam", help="测试：到时自动交卷等。")


@exam_cli.command("close-expired")
def close_expired_command() -> None:
    """Close and grade every attempt past its deadline (safe to run from cron every minute)."""
    total = 0
    while True:
        closed = attempts.close_expired()
        db.session.commit()
        total += closed
        if closed == 0:
            break
    click.echo(f"已自动交卷并评分 {total} 份答卷。")
