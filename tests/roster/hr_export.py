"""Rosters as HR systems export them: two title rows, a two-row header with merged group cells,
a filter that hides rows, 工号 held as numbers under a 000000 format, 身份证号 with a lower-case x;
written by openpyxl and by xlsxwriter the way Excel stores them. And the same roster saved as
CSV by Excel on a Chinese PC (GBK, CRLF, quoted fields)."""
import io
from dataclasses import dataclass

import openpyxl

TITLE = "城南区机关事业单位在职人员信息表"
EXPORTED = "导出时间：2026-11-30 09:12　　导出人：区委组织部干部科"
GROUP_ROW = ["序号", "基本信息", None, None, "任职信息", None, "身份证号"]
NAME_ROW = [None, "工号", "姓名", "单位", "职级", "职务", None]
SHEET = "在职人员"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "志强", "海燕", "伟", "静", "晓东", "丽娟", "文博", "春梅", "国庆", "雪"]
#: 职级 as the HR system writes them, and the 干部层级 the default tier map gives each
RANKS = {"四级调研员": "县处级", "二级调研员": "县处级", "一级主任科员": "乡科级", "四级主任科员": "乡科级",
         "一级科员": "一般干部", "科员": "一般干部"}
POSITIONS = ["主任", "副主任", "科员", "纪检监察员", "", "会计,出纳"]  # a comma inside: quoted in the CSV
#: the units the filter shows; people of 东岗镇 are hidden by it
SHOWN_UNITS = ("城关镇/党政办", "城关镇-经济发展办")
HIDDEN_UNIT = "东岗镇"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int) -> str:
    """A valid 18-digit 公民身份号码 for the serial-th person, its check character in lower case."""
    body = f"110105{1962 + serial % 35:04d}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    return body + "10x98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


@dataclass
class Person:
    number: int      # the 工号 as the HR system stores it: a number, shown as six digits
    name: str
    unit: str
    rank: str
    position: str
    id_number: str

    @property
    def staff_no(self) -> str:
        return f"{self.number:06d}"

    @property
    def hidden(self) -> bool:
        return self.unit == HIDDEN_UNIT


def people(count: int = 300) -> list[Person]:
    ranks = list(RANKS)
    found = []
    for n in range(count):
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + ("" if n % 5 else "甲乙丙丁戊"[n // 5 % 5])
        if n == 3:
            name = "阿依古丽 · 买买提"  # spaces around the dot, as typed
        unit = (SHOWN_UNITS + (HIDDEN_UNIT,) + SHOWN_UNITS[:1])[n % 4]
        found.append(Person(number=1000 + n * 37, name=name, unit=unit, rank=ranks[n % len(ranks)],
                            position=POSITIONS[n % len(POSITIONS)], id_number=id_number(n)))
    return found


def hr_xlsx(persons: list[Person], writer: str = "openpyxl") -> bytes:
    last = 4 + len(persons)
    out = io.BytesIO()
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = SHEET
        sheet.append([TITLE])
        sheet.append([EXPORTED])
        sheet.append(GROUP_ROW)
        sheet.append(NAME_ROW)
        for cells in ("A1:G1", "A2:G2", "A3:A4", "B3:D3", "E3:F3", "G3:G4"):
            sheet.merge_cells(cells)
        for index, person in enumerate(persons):
            row = 5 + index
            sheet.append([index + 1, person.number, person.name, person.unit, person.rank, person.position or None,
                          person.id_number])
            sheet.cell(row, 2).number_format = "000000"
            if person.hidden:
                sheet.row_dimensions[row].hidden = True
        sheet.auto_filter.ref = f"A4:G{last}"
        sheet.auto_filter.add_filter_column(3, list(SHOWN_UNITS))
        sheet.freeze_panes = "A5"
        book.save(out)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet(SHEET)
        title = book.add_format({"bold": True, "align": "center", "font_size": 16})
        head = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
        padded = book.add_format({"num_format": "000000", "border": 1})
        plain = book.add_format({"border": 1})
        sheet.merge_range("A1:G1", TITLE, title)
        sheet.merge_range("A2:G2", EXPORTED)
        for cells, text in (("A3:A4", "序号"), ("B3:D3", "基本信息"), ("E3:F3", "任职信息"), ("G3:G4", "身份证号")):
            sheet.merge_range(cells, text, head)
        sheet.write_row(3, 1, NAME_ROW[1:6], head)
        for index, person in enumerate(persons):
            row = 4 + index
            sheet.write_number(row, 0, index + 1, plain)
            sheet.write_number(row, 1, person.number, padded)
            for column, text in enumerate((person.name, person.unit, person.rank, person.position,
                                           person.id_number), start=2):
                if text:
                    sheet.write_string(row, column, text, plain)
                else:
                    sheet.write_blank(row, column, None, plain)
            if person.hidden:
                sheet.set_row(row, None, None, {"hidden": True})
        sheet.autofilter(3, 0, last - 1, 6)
        sheet.filter_column_list(3, list(SHOWN_UNITS))
        sheet.freeze_panes(4, 0)
        book.close()
    return out.getvalue()


def excel_csv(rows: list[list[str]], encoding: str = "gbk", bom: bool = False) -> bytes:
    """Rows as Excel's “CSV（逗号分隔）” writes them: fields with a comma, a quote or a line
    break in double quotes, CRLF line ends, in the PC's code page (GBK on a Chinese PC)."""
    def field(value: str) -> str:
        if any(c in value for c in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value
    text = "".join(",".join(field(v) for v in row) + "\r\n" for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
