import json

import click
from flask import current_app
from flask.cli import AppGroup

from ..cli_files import read_upload
from ..extensions import db, write_transaction
from . import services
from .readers import parse_bank

bank_cli = AppGroup("bank", help="题库：解析与导入。")


@bank_cli.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出题目、错误和警告。")
def parse_command(file: str, as_json: bool) -> None:
    """Parse FILE (.docx, .txt, .xlsx or .pdf) and report; exit 1 when it has errors."""
    name, data = read_upload(file)
    result = parse_bank(name, data, current_app.config["MAX_CONTENT_LENGTH"])
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        counts = services.count_types(result.questions)
        click.echo(f"{name}：共 {len(result.questions)} 题（{counts.text}），错误 {len(result.errors)} 处，"
                   f"警告 {len(result.warnings)} 处。"
                   + (f"另有 {len(result.rejected)} 题有错误，未计入。" if result.rejected else ""))
        if result.answer_mark:
            click.echo(f"文件中没有写出答案，正确答案按{result.answer_mark}识别，请逐题核对。")
        for problem in result.errors:
            click.echo(f"错误  {problem}")
        for problem in result.warnings:
            click.echo(f"警告  {problem}")
    if result.errors:
        raise SystemExit(1)


@bank_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", required=True, help="新题库的名称。")
@click.option("--again", is_flag=True, help="文件中的多数题目已在某个题库中时仍然导入（否则拒绝，以免重复导入）。")
@click.option("--marks-checked", is_flag=True, help="答案按字体标记（如红色字）识别时，确认已逐题核对过。")
def import_command(file: str, name: str, again: bool, marks_checked: bool) -> None:
    """Import FILE as a new bank NAME: every question, or none when there is any error."""
    filename, data = read_upload(file)
    result = parse_bank(filename, data, current_app.config["MAX_CONTENT_LENGTH"])  # before the write lock
    if result.answer_mark and not marks_checked:
        raise click.ClickException(f"没有导入：文件中没有写出答案，答案是按{result.answer_mark}识别的。"
                                   f"请先用 flask bank parse 逐题核对，无误后加上 --marks-checked 再导入。")
    write_transaction()
    result = services.check_against_banks(result)
    for problem in result.errors:
        click.echo(f"错误  {problem}", err=True)
    try:
        bank = services.import_bank(name, filename, result, repeat_ok=again)
    except services.RepeatedImport as error:
        db.session.rollback()
        raise click.ClickException(f"没有导入：{error.overlap.message}如确需再导入，请加上 --again。") from error
    except services.BankError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    for problem in result.warnings:
        click.echo(f"警告  {problem}")
    click.echo(f"已导入题库“{bank.name}”：{len(result.questions)} 题。")
