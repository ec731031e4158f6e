import click
from flask.cli import AppGroup

from ..accounts import throttle
from ..extensions import db, write_transaction
from . import assignment, attempts

exam_cli = AppGroup("exam", help="测试：到时自动交卷等。")


@exam_cli.command("close-expired")
def close_expired_command() -> None:
    """Close and grade every attempt past its deadline, and store who was expected to take each
    test that has closed; forget wrong-password counts a day old (safe to run from cron every minute)."""
    total = 0
    while True:
        closed = attempts.close_expired()
        db.session.commit()
        total += closed
        if closed == 0:
            break
    write_transaction()
    fixed = assignment.fix_expected_of_closed()
    throttle.purge()
    db.session.commit()
    click.echo(f"已自动交卷并评分 {total} 份答卷。" + (f"固定了 {fixed} 个已结束测试的应参加名单。" if fixed else ""))
