"""`flask roster parse FILE [--json]`: check a roster file as the upload preview does, without
importing it. Units and people are looked up in the database, which is only read."""
import json
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..cli_files import read_upload
from ..extensions import db
from . import services
from .records import place

roster_cli = AppGroup("roster", help="花名册：检查文件。")


def _database_exists() -> None:
    """Refuse a SQLite database file that is not there, before connecting creates an empty one."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not url.database.startswith("file:") and not Path(url.database).exists():
        raise click.ClickException(f"数据库文件 {url.database} 不存在：请先运行 flask db upgrade，"
                                   f"或用 EXAMSITE_DATABASE_URL 指定要核对的数据库。")


def plan_report(plan: services.RosterPlan) -> dict:
    """What the upload preview shows, as JSON: people, units, tiers, errors with sheet and row,
    warnings, notes and the rows skipped as hidden."""
    names = plan.sheet_names

    def sheet_of(number: int) -> str | None:
        return (names[number] or None) if 0 <= number < len(names) else None

    status: dict[str, tuple[str, list[str]]] = {}
    for rec, _ in plan.added:
        status[rec.staff_no] = ("new", [])
    for change in plan.changed:
        status[change.record.staff_no] = ("changed", change.changes)
    people, units, tier_counts = [], {}, {tier.name: 0 for tier in services.tiers()}
    for rec, unit in plan.people:
        state, changes = status.get(rec.staff_no, ("unchanged", [])) if plan.ok else (None, [])
        path = "/".join(unit) if isinstance(unit, tuple) else unit.path
        people.append({"sheet": sheet_of(rec.sheet_number), "row": rec.row, "staff_no": rec.staff_no,
                       "name": rec.name, "unit": path, "new_unit": isinstance(unit, tuple), "tier": rec.tier,
                       "rank": rec.rank, "position": rec.position, "id_number": rec.id_number,
                       "status": state, "changes": changes})
        entry = units.setdefault(path, {"path": path, "new": isinstance(unit, tuple), "people": 0})
        entry["people"] += 1
        tier_counts[rec.tier] = tier_counts.get(rec.tier, 0) + 1
    return {
        "file": plan.filename,
        "sheets": plan.sheet_names,
        "ok": plan.ok,
        "counts": {"people": len(people), "added": len(plan.added), "changed": len(plan.changed),
                   "unchanged": plan.unchanged, "leaving": len(plan.leaving), "hidden": len(plan.hidden)},
        "people": people,
        "units": sorted(units.values(), key=lambda u: u["path"]),
        "new_units": plan.new_units,
        "tiers": tier_counts,
        "leaving": [{"staff_no": s.staff_no, "name": s.name, "unit": s.unit.path} for s in plan.leaving],
        "hidden": [{"sheet": sheet_of(h.sheet_number), "row": h.row, "staff_no": h.staff_no, "name": h.name}
                   for h in plan.hidden],
        "errors": [{"sheet": sheet_of(p.sheet) if p.row else None, "row": p.row or None, "message": p.message}
                   for p in plan.problems],
        "warnings": plan.warnings,
        "notes": plan.notes,
    }


def _summary(report: dict) -> list[str]:
    counts = report["counts"]
    lines = [f"{report['file']}：共 {counts['people']} 人（新增 {counts['added']}，有变动 {counts['changed']}，"
             f"不变 {counts['unchanged']}）" + ("" if report["ok"] else "（有错误，变动未计）")
             + f"，单位 {len(report['units'])} 个（其中新建 {len(report['new_units'])} 个），"
             f"错误 {len(report['errors'])} 处，警告 {len(report['warnings'])} 处。"]
    if any(report["tiers"].values()):
        lines.append("干部层级：" + "，".join(f"{name} {n} 人" for name, n in report["tiers"].items() if n))
    for unit in report["units"]:
        lines.append(f"单位  {unit['path']}{'（新建）' if unit['new'] else ''}：{unit['people']} 人")
    for person in report["people"]:
        if person["changes"]:
            lines.append(f"变动  {person['staff_no']} {person['name']}：{'；'.join(person['changes'])}")
    if counts["leaving"]:
        lines.append(f"文件所列单位中有 {counts['leaving']} 人不在文件中（导入时可选择标为离岗）："
                     + "、".join(f"{p['staff_no']} {p['name']}" for p in report["leaving"][:20])
                     + (" 等" if counts["leaving"] > 20 else ""))
    for row in report["hidden"][:50]:
        where = place(row["sheet"] if len(report["sheets"]) > 1 else "", row["row"])
        lines.append(f"隐藏  {where}：{row['staff_no']} {row['name']}（没有导入）")
    if counts["hidden"] > 50:
        lines.append(f"隐藏  ……共 {counts['hidden']} 行")
    lines += [f"错误  {e['message']}" for e in report["errors"]]
    lines += [f"警告  {w}" for w in report["warnings"]]
    lines += [f"说明  {n}" for n in report["notes"]]
    return lines


@roster_cli.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出人员、单位、层级、错误、警告和说明。")
def parse_command(file: str, as_json: bool) -> None:
    """Check FILE (.xlsx or .csv) as the roster upload does, without importing; exit 1 on errors."""
    name, data = read_upload(file)
    _database_exists()
    try:
        plan = services.plan_import(name, data)  # reads units, tiers and staff; writes nothing
        report = plan_report(plan)
    except (OperationalError, ProgrammingError) as error:  # no tables: a database never migrated
        raise click.ClickException("无法读取数据库中的单位和干部层级（数据库可能还没有建立）：请先运行 flask db upgrade，"
                                   "或用 EXAMSITE_DATABASE_URL 指定要核对的数据库。") from error
    finally:
        db.session.rollback()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for line in _summary(report):
            click.echo(line)
    if report["errors"]:
        raise SystemExit(1)
