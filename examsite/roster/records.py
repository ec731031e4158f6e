"""Turn the sheets of a roster into checked records. Pure: no Flask, no database.

Each sheet's header is found among its first rows (title rows above it are skipped), by the
Chinese column names in any order, spelled with spaces or line breaks. 工号, 姓名 and 单位 are
required; the tier comes from a 干部层级 column, or else from 职级 or 职务 through the tier map.
Every bad row is reported with its sheet and row number; blank and subtotal rows are
skipped and said so.
"""
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..headers import alias_table, find_header_rows, header_key
from .normalise import check_id_number, person_name, squash, unit_parts
from .reader import Sheet

COLUMNS = {
    "staff_no": ("工号", "人员编号", "职工号", "工作证号", "人员编码", "职工编号", "员工编号", "员工号", "人员代码"),
    "name": ("姓名", "人员姓名", "职工姓名", "干部姓名", "员工姓名"),
    "unit": ("单位", "工作单位", "所在单位", "单位名称", "部门", "所在部门", "所属单位", "所属部门", "部门名称",
             "工作部门", "所在机构", "机构名称"),
    "tier": ("干部层级", "层级", "人员层级"),
    "rank": ("职级", "现职级", "现任职级", "职级名称", "职务职级"),
    "position": ("职务", "现任职务", "职务名称", "担任职务", "现职务", "行政职务"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "身份证件号码", "公民身份证号码",
                  "身份证件号"),
}
LABELS = {"staff_no": "工号", "name": "姓名", "unit": "单位", "tier": "干部层级", "rank": "职级", "position": "职务",
          "id_number": "身份证号"}
REQUIRED = ("staff_no", "name", "unit")
MAX_LENGTHS = {"staff_no": 40, "name": 60, "position": 100, "rank": 40}
_SUBTOTAL = re.compile(r"合\s*计|小\s*计|总\s*计|共\s*计")
#: a long number Excel turned into scientific notation when it opened or saved the file (1.10105E+17)
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
_BY_KEY = alias_table(COLUMNS)


@dataclass(frozen=True)
class RosterRecord:
    sheet: str
    row: int
    staff_no: str
    name: str
    unit_path: tuple[str, ...]
    tier: str
    #: the 单位 cell as written, for matching a unit whose own name holds a separator
    unit_text: str = ""
    position: str | None = None
    rank: str | None = None
    #: masked; None when the file has none for this person
    id_number: str | None = None
    #: the position of its sheet in the file (``sheet`` is its name only when the file has several)
    sheet_number: int = 0

    @property
    def place(self) -> str:
        return place(self.sheet, self.row)


@dataclass(frozen=True)
class Problem:
    """A reason the file cannot be imported, ordered by where it is in the file."""

    sheet: int
    row: int
    message: str


class Hidden(NamedTuple):
    """A row skipped because Excel hides it (a filter left it out, or it was hidden by hand)."""

    sheet: str          # as in RosterRecord.sheet: the name only when the file has several sheets
    row: int
    staff_no: str       # as written
    name: str
    sheet_number: int = 0


@dataclass
class Parsed:
    records: list[RosterRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: things to check that do not stop the import
    warnings: list[str] = field(default_factory=list)
    #: what was skipped, and why
    notes: list[str] = field(default_factory=list)
    #: the rows skipped because Excel hides them (a filter)
    hidden: list[Hidden] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [p.message for p in sorted(self.problems, key=lambda p: (p.sheet, p.row))]


def place(sheet: str, row: int) -> str:
    return f"工作表“{sheet}”第 {row} 行" if sheet else f"第 {row} 行"


def places(spots: list[tuple[str, int]]) -> str:
    """'第 3、7 行' or '工作表“城关镇”第 3、7 行，工作表“东岗镇”第 2 行'."""
    by_sheet: dict[str, list[int]] = {}
    for sheet, row in spots:
        by_sheet.setdefault(sheet, []).append(row)
    parts = []
    for sheet, rows in by_sheet.items():
        shown = "、".join(str(r) for r in rows[:10]) + (f" 等 {len(rows)} 行" if len(rows) > 10 else " 行")
        parts.append((f"工作表“{sheet}”" if sheet else "") + f"第 {shown}")
    return "，".join(parts)


def find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """(index in sheet.rows of its last row, column of each field) of the header: the first row
    naming 工号 and 姓名, or two rows naming them together (a group row above, see
    headers.find_header_rows)."""
    found = find_header_rows([cells for _, cells, _ in sheet.rows], _BY_KEY, ("staff_no", "name"))
    if found is None:
        return None
    index, height, columns = found
    return index + height - 1, columns


def parse_sheets(sheets: list[Sheet], known_tiers: list[str], rank_map: dict[str, str]) -> Parsed:
    """Check every row of every sheet. ``rank_map`` maps squash(职级 or 职务) to a tier name."""
    parsed = Parsed()
    headed = [(number, sheet, find_header(sheet)) for number, sheet in enumerate(sheets)]
    if any(found and sheet.state == "visible" for _, sheet, found in headed):  # a hidden sheet only when all are
        for number, sheet, found in headed:
            if sheet.state != "visible" and sheet.rows:
                parsed.notes.append(f"工作表“{sheet.name}”在 Excel 中是隐藏的，已跳过。")
        headed = [(number, sheet, found if sheet.state == "visible" else None) for number, sheet, found in headed]
    if not any(found for _, _, found in headed):
        first = next(sheet for sheet in sheets if sheet.rows)
        seen = "、".join(c for c in first.rows[0][1] if c) or "（无）"
        parsed.problems.append(Problem(0, 0, f"{place(first.name, first.rows[0][0])}起找不到表头：需要有“工号”“姓名”“单位”"
                                             f"等列。找到的内容：{seen}。"))
        return parsed
    checker = _RowChecker(known_tiers, rank_map, parsed)
    numeric_numbers: list[tuple[str, int, str]] = []
    several = sum(1 for _, _, found in headed if found) > 1  # name the sheet only when there is a choice
    for number, sheet, found in headed:
        if found is None:
            if sheet.rows and sheet.state == "visible":
                parsed.notes.append(f"工作表“{sheet.name}”中没有含“工号”“姓名”的表头，已跳过。")
            continue
        header_index, columns = found
        label = sheet.name if several else ""
        header_row = sheet.rows[header_index][0]
        missing = [LABELS[f] for f in REQUIRED if f not in columns]
        if not {"tier", "rank", "position"} & columns.keys():
            missing.append("干部层级（或可按对照表换算的“职级”“职务”）")
        if missing:
            parsed.problems.append(Problem(number, header_row, f"{place(label, header_row)}（表头）缺少必需的列："
                                                               f"{'、'.join(missing)}。"))
            continue
        body = sheet.rows[header_index + 1:]
        if not body and label:
            parsed.notes.append(f"工作表“{label}”只有表头，没有人员。")
        skipped = sheet.blank_rows
        hidden, repeated = [], []
        for row, cells, numeric in body:
            values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in columns.items()}
            if all(_BY_KEY.get(header_key(values[f])) == f for f in ("staff_no", "name")):
                if row != header_row + 1:  # not the lower half of a header merged down over two rows
                    repeated.append((label, row))
                continue
            if row in sheet.hidden:
                hidden.append(Hidden(label, row, values["staff_no"], values["name"], number))
                continue
            if _is_subtotal(cells, values):
                parsed.notes.append(f"{place(label, row)}是合计行，已跳过。")
                continue
            if not (values["staff_no"] or values["name"]):
                skipped += 1
                continue
            record = checker.check(label, number, row, values, columns.get("id_number") in numeric)
            if record is not None:
                parsed.records.append(record)
                if columns["staff_no"] in numeric:
                    numeric_numbers.append((label, row, record.staff_no))
        if skipped:
            parsed.notes.append(f"{'工作表“' + label + '”中' if label else ''}跳过空行 {skipped} 行。")
        if repeated:
            parsed.notes.append(f"{places(repeated)}是重复的表头，已跳过。")
        if hidden:
            parsed.hidden += hidden
            parsed.notes.append(_hidden_note(label, sheet.filtered, hidden))
    for value, spots in checker.unmapped.items():
        sheet_number = next((n for n, s, _ in headed if s.name == spots[0][0]), 0)
        parsed.problems.append(Problem(sheet_number, spots[0][1],
                                       f"“{value}”没有对应的干部层级（{places(spots)}）：请在“层级对照”页面把它对应到某个层级"
                                       f"后重新导入，或在文件中加一列“干部层级”。"))
    if not parsed.records and not parsed.problems:
        if parsed.hidden:
            parsed.problems.append(Problem(0, 0, f"文件中的 {len(parsed.hidden)} 行人员在 Excel 中全部被筛选或隐藏了"
                                                 f"（{places([(h.sheet, h.row) for h in parsed.hidden])}），"
                                                 f"没有可以导入的人员：请在 Excel 中取消筛选（或取消隐藏）后保存，再重新上传。"))
        else:
            parsed.problems.append(Problem(0, 0, "花名册中只有表头，没有人员数据。"))
    _warn_lost_zeros(parsed, numeric_numbers)
    return parsed


def _is_subtotal(cells: list[str], values: dict[str, str]) -> bool:
    """合计/小计 in the first cell, the 工号 or the 姓名, or anywhere in a row without both."""
    if any(_SUBTOTAL.search(c) for c in (cells[0], values["staff_no"], values["name"])):
        return True
    return not (values["staff_no"] and values["name"]) and any(_SUBTOTAL.search(c) for c in cells)


class _RowChecker:
    """Checks rows one by one, remembering what spans rows: 工号 seen, ranks with no tier."""

    def __init__(self, known_tiers: list[str], rank_map: dict[str, str], parsed: Parsed):
        self.known_tiers, self.rank_map, self.parsed = known_tiers, rank_map, parsed
        self.seen_numbers: dict[str, str] = {}
        #: a 职级 or 职务 with no tier → where it appears
        self.unmapped: dict[str, list[tuple[str, int]]] = {}

    def check(self, sheet: str, sheet_number: int, row: int, values: dict[str, str],
              id_is_number: bool) -> RosterRecord | None:
        """The row's record, or None after noting its problems (or its unmapped rank)."""
        problems = []
        staff_no, name = squash(values["staff_no"]), person_name(values["name"])
        if not staff_no:
            problems.append("工号为空")
        elif staff_no in self.seen_numbers:
            problems.append(f"工号 {staff_no} 与{self.seen_numbers[staff_no]}重复")
        else:
            self.seen_numbers[staff_no] = place(sheet, row)
        if not name:
            problems.append("姓名为空")
        path = unit_parts(values["unit"])
        if not path:
            problems.append("单位为空")
        rank, position = values.get("rank") or None, values.get("position") or None
        tier, problem = self._tier(values.get("tier", ""), rank, position, sheet, row)
        problems += [problem] if problem else []
        id_number = None
        if _SCIENTIFIC.match(staff_no):
            problems.append(f"工号“{staff_no}”{_SCIENTIFIC_FIX.format(column='工号')}")
        if values.get("id_number"):
            if _SCIENTIFIC.match(squash(values["id_number"])):
                problems.append(f"身份证号“{squash(values['id_number'])}”{_SCIENTIFIC_FIX.format(column='身份证号')}")
            elif id_is_number:
                problems.append("身份证号被 Excel 存成了数字，后几位已经丢失：请把这一列设为文本后重新填写")
            else:
                id_number, problem = check_id_number(values["id_number"])
                problems += [problem] if problem else []
        lengths = {"staff_no": staff_no, "name": name, "position": position or "", "rank": rank or ""}
        problems += [f"{LABELS[f]}超过 {limit} 个字" for f, limit in MAX_LENGTHS.items() if len(lengths[f]) > limit]
        if problems:
            self.parsed.problems.append(Problem(sheet_number, row, f"{place(sheet, row)}：{'；'.join(problems)}。"))
            return None
        if not tier:  # waits for its rank to be mapped; reported once per rank
            return None
        return RosterRecord(sheet=sheet, row=row, staff_no=staff_no, name=name, unit_path=path, tier=tier,
                            unit_text=values["unit"], position=position, rank=rank, id_number=id_number,
                            sheet_number=sheet_number)

    def _tier(self, tier: str, rank: str | None, position: str | None, sheet: str, row: int):
        """(the tier, a problem): from 干部层级 when filled, else from 职级 or 职务 through the map."""
        if tier:
            if tier not in self.known_tiers:
                return None, f"干部层级“{tier}”不在已设置的层级中（{'、'.join(self.known_tiers)}）"
            return tier, None
        for source in (rank, position):
            if source and squash(source) in self.rank_map:
                return self.rank_map[squash(source)], None
        if rank or position:
            self.unmapped.setdefault(rank or position, []).append((sheet, row))
            return None, None
        return None, "干部层级为空，职级、职务也都没有填"


_SCIENTIFIC_FIX = ("被 Excel 转成了科学计数法，后面的数字已经丢失：请在原表中把“{column}”一列的单元格格式设为“文本”后"
                   "重新填写或粘贴；CSV 文件不要用 Excel 打开后再保存（要在 Excel 中打开，请用“数据 → 从文本/CSV”"
                   "导入并把这一列设为文本），或另存为 .xlsx 后上传")


def _hidden_note(label: str, filtered: bool, hidden: list[Hidden]) -> str:
    how = "被筛选隐藏" if filtered else "在 Excel 中被隐藏"
    redo = "取消筛选（或清除筛选条件）" if filtered else "取消隐藏"
    return (f"{places([(h.sheet, h.row) for h in hidden])}共 {len(hidden)} 行{how}，没有导入："
            f"只导入 Excel 中显示的行。如这些人员也要导入，请在 Excel 中{redo}后保存，再重新上传。")


def _warn_lost_zeros(parsed: Parsed, numeric_numbers: list[tuple[str, int, str]]) -> None:
    """A 工号 Excel held as a number and shorter than the longest one may have lost zeros."""
    if not numeric_numbers:
        return
    longest = max(len(r.staff_no) for r in parsed.records)
    short = [(sheet, row, value) for sheet, row, value in numeric_numbers if len(value) < longest]
    if short:
        example = short[0][2]
        parsed.warnings.append(
            f"{places([(s, r) for s, r, _ in short])}的工号在 Excel 中是数字格式，且比最长的工号（{longest} 位）短"
            f"（如 {example}），开头的 0 可能已被 Excel 去掉。请核对；如有丢失，把工号列设为文本后重新填写。")
