"""Turn a read roster table into checked records. Pure: no Flask, no database.

Columns are found by their Chinese header, in any order: 工号, 姓名, 单位 and 干部层级
are required, 职务 is optional. Every bad row is reported with its row number.
"""
import re
from dataclasses import dataclass

from .reader import Table

REQUIRED_COLUMNS = {"工号": "staff_no", "姓名": "name", "单位": "unit", "干部层级": "tier"}
OPTIONAL_COLUMNS = {"职务": "position"}
MAX_LENGTHS = {"staff_no": 40, "name": 60, "position": 100}
UNIT_SEPARATORS = re.compile(r"\s*[/／]\s*")
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class RosterRecord:
    row: int
    staff_no: str
    name: str
    unit_path: tuple[str, ...]
    tier: str
    position: str | None


def header_key(text: str) -> str:
    """A header cell as matched: spaces (full-width too) removed."""
    return _SPACES.sub("", text)


def unit_path(text: str) -> tuple[str, ...]:
    """'城南区/城关镇/党政办' → ('城南区', '城关镇', '党政办')."""
    return tuple(part for part in UNIT_SEPARATORS.split(text.strip()) if part)


def parse_records(table: Table, known_tiers: list[str]) -> tuple[list[RosterRecord], list[str]]:
    """Check every row; returns the records and a list of Chinese error messages."""
    columns = {}
    for index, cell in enumerate(table.header):
        key = header_key(cell)
        field = REQUIRED_COLUMNS.get(key) or OPTIONAL_COLUMNS.get(key)
        if field and field not in columns:
            columns[field] = index
    missing = [name for name, field in REQUIRED_COLUMNS.items() if field not in columns]
    if missing:
        found = "、".join(c for c in table.header if c) or "（无）"
        return [], [
            f"第 {table.header_row} 行（表头）缺少必需的列：{'、'.join(missing)}。"
            f"表头中找到的列：{found}。"
        ]
    if not table.rows:
        return [], ["花名册中只有表头，没有人员数据。"]

    records, errors, first_row_of = [], [], {}
    for number, cells in table.rows:
        def cell(field):
            index = columns.get(field)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        values = {field: cell(field) for field in (*REQUIRED_COLUMNS.values(), "position")}
        problems = []
        if not values["staff_no"]:
            problems.append("工号为空")
        elif values["staff_no"] in first_row_of:
            problems.append(f"工号 {values['staff_no']} 与第 {first_row_of[values['staff_no']]} 行重复")
        if not values["name"]:
            problems.append("姓名为空")
        if not values["unit"]:
            problems.append("单位为空")
        if not values["tier"]:
            problems.append("干部层级为空")
        elif values["tier"] not in known_tiers:
            problems.append(
                f"干部层级“{values['tier']}”不在已设置的层级中（{'、'.join(known_tiers)}）"
            )
        for field, limit in MAX_LENGTHS.items():
            if len(values[field]) > limit:
                label = {"staff_no": "工号", "name": "姓名", "position": "职务"}[field]
                problems.append(f"{label}超过 {limit} 个字")
        if values["staff_no"] and values["staff_no"] not in first_row_of:
            first_row_of[values["staff_no"]] = number
        if problems:
            errors.append(f"第 {number} 行：{'；'.join(problems)}。")
            continue
        records.append(RosterRecord(
            row=number, staff_no=values["staff_no"], name=values["name"],
            unit_path=unit_path(values["unit"]), tier=values["tier"],
            position=values["position"] or None,
        ))
    return records, errors
