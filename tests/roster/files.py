"""Roster files as offices make them: .xlsx written by openpyxl, .csv in UTF-8 or GBK."""
from .. import spreadsheets

HEADER = ["工号", "姓名", "单位", "干部层级", "职务"]


def xlsx(rows, header=HEADER) -> bytes:
    return spreadsheets.xlsx(header, rows, title="花名册")


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
