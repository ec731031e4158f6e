from pathlib import Path

import click
from flask.cli import AppGroup

from ..clock import now, to_local
from ..extensions import db
from ..models import Exam, Unit
from . import services
from .export import write_workbook

results_cli = AppGroup("results", help="成绩：导出 Excel。")


@results_cli.command("export")
@click.argument("exam_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--unit", "unit_id", type=int, help="只导出这个单位（含下属单位）的人员，同联络员看到的一样。")
def export_command(exam_id: int, out: Path, unit_id: int | None) -> None:
    """Write the results workbook of test EXAM_ID to OUT (.xlsx)."""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise click.ClickException(f"没有编号为 {exam_id} 的测试。")
    if unit_id is not None and db.session.get(Unit, unit_id) is None:
        raise click.ClickException(f"没有编号为 {unit_id} 的单位。")
    if out.suffix.lower() != ".xlsx":
        raise click.ClickException("输出文件名应以 .xlsx 结尾。")
    result = services.settled_results(exam, unit_id)
    db.session.commit()
    write_workbook(result, services.item_stats(exam, result), to_local(now()), target=out)
    click.echo(f"已导出 {len(result.rows)} 人的成绩到 {out}。")
