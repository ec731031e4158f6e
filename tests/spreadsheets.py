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


def workbook(sheets: dict[str, list[list]], writer: str = "openpyxl") -> bytes:
    """A workbook of several sheets, each a list of rows written cell by cell as given (str
    as text, int/float as numbers, None as blank), by openpyxl or by xlsxwriter."""
    out = io.BytesIO()
    if writer == "openpyxl":
        book = Workbook()
        book.remove(book.active)
        for name, rows in sheets.items():
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(row)
        book.save(out)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(out)
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if isinstance(value, str):
                        sheet.write_string(r, c, value)
                    elif value is not None:
                        sheet.write_number(r, c, value)
        book.close()
    return out.getvalue()
