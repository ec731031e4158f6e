import json

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import Draw, Exam
from . import sampler, services
from .sampler import SampleError

sample_cli = AppGroup("sample", help="随机抽测：抽取与核验。")


@sample_cli.command("draw")
@click.option("--units", multiple=True, help="单位完整路径，可多次给出；含下级单位。")
@click.option("--no-subunits", is_flag=True, help="只含所给单位本级，不含下级单位。")
@click.option("--tiers", multiple=True, help="干部层级，可多次给出。")
@click.option("--position", "positions", multiple=True, help="职务中包含的词，可多次给出。")
@click.option("--size", type=int, help="抽取总人数。")
@click.option("--per-unit", type=int, help="每个单位抽取的人数。")
@click.option("--proportion", type=float, help="每个单位抽取的比例，0–1。")
@click.option("--stratify", is_flag=True, help="总人数按各单位人数比例分配。")
@click.option("--at-least-one", is_flag=True, help="每个单位至少抽 1 人。")
@click.option("--exclude-days", type=int, default=0, help="排除最近 N 天内已被抽中的人。")
@click.option("--exclude-exam", type=int, help="排除已分配到这个抽测（测试编号）的人。")
@click.option("--seed", help="种子；不给则由系统随机生成并打印。")
@click.option("--save", is_flag=True, help="保存这次抽取（记入操作日志），否则只显示结果。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def draw_command(units, no_subunits, tiers, positions, size, per_unit, proportion, stratify, at_least_one, exclude_days,
                 exclude_exam, seed, save, as_json):
    """Draw staff at random, reproducibly: the same seed and roster give the same list."""
    request = services.DrawRequest(list(units), not no_subunits, list(tiers), list(positions), size, per_unit,
                                   proportion, stratify, at_least_one, exclude_days, exclude_exam, seed)
    try:
        if save:
            stored = services.make_draw(request)
            db.session.commit()
            people_size, chosen, seed = stored.population_size, [m.staff.staff_no for m in stored.members], stored.seed
            population_hash, draw_id = stored.population_hash, stored.id
        else:
            people, chosen, seed = services.run(request)
            people_size, population_hash, draw_id = len(people), sampler.population_hash(people), None
    except SampleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    result = {"draw_id": draw_id, "seed": seed, "algorithm": sampler.ALGORITHM_VERSION,
              "population_size": people_size, "population_hash": population_hash, "chosen": chosen}
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(f"条件：{services.describe_request(request.to_json())}")
        click.echo(f"种子：{seed}（算法 {sampler.ALGORITHM_VERSION}）")
        click.echo(f"总体 {people_size} 人，SHA-256：{population_hash}")
        click.echo(f"抽中 {len(chosen)} 人：{'、'.join(chosen)}")
        if draw_id:
            click.echo(f"已保存为第 {draw_id} 次抽取。")


@sample_cli.command("verify")
@click.argument("draw_id", type=int)
def verify_command(draw_id: int):
    """Re-run stored draw DRAW_ID and say whether it gives the same list; exit 1 when not."""
    stored = db.session.get(Draw, draw_id)
    if stored is None:
        raise click.ClickException(f"没有第 {draw_id} 次抽取。")
    check = services.verify(stored)
    click.echo(f"第 {draw_id} 次抽取：种子 {stored.seed}，算法 {stored.algorithm_version}，总体 {stored.population_size} 人")
    excluded = db.session.get(Exam, stored.parameters.get("exclude_exam")) if stored.parameters.get("exclude_exam") else None
    click.echo(f"条件：{services.describe_request(stored.parameters, excluded.title if excluded else None)}")
    click.echo("保存的总体与其 SHA-256 一致。" if check.stored_population_intact else "保存的总体与其 SHA-256 不一致！")
    click.echo("重新抽取的名单与保存的名单一致。" if check.rerun_matches else "重新抽取的名单与保存的名单不一致！")
    click.echo("按当时的条件，现在的花名册得出同一总体。" if check.roster_unchanged
               else "注意：按当时的条件，现在的花名册得出的总体已经不同（花名册有变化）。")
    if stored.voided_at:
        click.echo(f"此次抽取已作废：{stored.void_reason}")
    if not check.ok:
        raise SystemExit(1)
