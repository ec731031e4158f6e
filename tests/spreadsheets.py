"""Spreadsheets as users' programs write them, made with openpyxl."""
import io

from openpyxl import Workbook


def xlsx(header: list[str], rows, title: str = "Sheet1") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
