"""The HR-system export shape: title rows, a two-row header with merged group cells, rows hidden
by a filter, 工号 as numbers under a 000000 format, 身份证号 with a lower-case x; and the CSV
Excel writes on a Chinese PC. Each .xlsx written by openpyxl and by xlsxwriter."""
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from examsite.models import AuditLog, Staff, Unit
from examsite.roster.services import apply_import, plan_import

from .. import factories
from ..factories import PASSWORD
from .hr_export import (EXPORTED, GROUP_ROW, NAME_ROW, RANKS, TITLE, excel_csv, hr_xlsx, id_number,
                        people)

WRITERS = ["openpyxl", "xlsxwriter"]


@pytest.fixture
def district(db):
    for path in ("城南区/城关镇/党政办", "城南区/城关镇/经济发展办", "城南区/东岗镇"):
        factories.unit(path)
    db.session.commit()


def staff(db) -> dict[str, Staff]:
    return {s.staff_no: s for s in db.session.scalars(select(Staff))}


def counts(db):
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Staff, Unit, AuditLog))


@pytest.mark.parametrize("writer", WRITERS)
def test_an_hr_export_imports_the_rows_the_filter_shows(db, district, writer):
    persons = people(300)
    shown, hidden = [p for p in persons if not p.hidden], [p for p in persons if p.hidden]
    assert len(shown) > 200 and len(hidden) > 50  # more than the preview lists
    assert any(p.id_number.endswith("x") for p in shown)  # the lower-case x really is in the file
    plan = plan_import("在职人员信息.xlsx", hr_xlsx(persons, writer))
    assert plan.ok, plan.errors[:3]
    assert plan.warnings == []  # 001234 is what Excel shows: no lost zeros to warn of
    assert [rec.staff_no for rec, _ in plan.added] == [p.staff_no for p in shown]
    assert [rec.row for rec, _ in plan.added][:3] == [5, 6, 8]  # data starts under the two-row header
    rows_of = {p.staff_no: 5 + i for i, p in enumerate(persons)}
    assert [tuple(h) for h in plan.hidden] == [("", rows_of[p.staff_no], p.staff_no, p.name, 0) for p in hidden]
    note = next(n for n in plan.notes if "隐藏" in n)
    assert f"共 {len(hidden)} 行被筛选隐藏，没有导入" in note and "第 7、11、15" in note and "取消筛选" in note
    assert not any("空行" in n or "合计" in n for n in plan.notes)

    result = apply_import(plan)
    assert result.ok and result.added == len(shown)
    db.session.commit()
    found = staff(db)
    assert set(found) == {p.staff_no for p in shown}
    assert not {p.staff_no for p in hidden} & set(found)
    for person in shown:
        record = found[person.staff_no]
        assert record.tier.name == RANKS[person.rank] and record.rank == person.rank
        assert record.id_number == "*" * 14 + person.id_number[-4:].upper()  # 身份证号 merged down over both header rows
        assert record.position == (person.position or None)
        assert record.unit.path == {"城关镇/党政办": "城南区/城关镇/党政办",
                                    "城关镇-经济发展办": "城南区/城关镇/经济发展办"}[person.unit]
    assert found[persons[3].staff_no].name == "阿依古丽·买买提"
    assert any(s.id_number.endswith("X") for s in found.values())


@pytest.mark.parametrize("writer", WRITERS)
def test_the_preview_says_which_rows_were_hidden(db, district, auth, client, writer):
    persons = people(300)
    hidden = [p for p in persons if p.hidden]
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    response = auth.post("/roster/import", {"file": (io.BytesIO(hr_xlsx(persons, writer)), "在职人员信息.xlsx")},
                         content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    preview = response.headers["Location"]
    html = client.get(preview).get_data(as_text=True)
    block = html[html.index('id="hidden-rows"'):]
    block = block[:block.index("</div></div>")]
    assert f"跳过了 {len(hidden)} 行 Excel 中隐藏的行" in block
    assert f"第 7 行：{hidden[0].staff_no} {hidden[0].name}" in block
    assert f"{hidden[49].staff_no} {hidden[49].name}" in block and hidden[50].staff_no not in block  # 50 listed
    assert f"……共 {len(hidden)} 行" in block
    assert counts(db)[0] == 0
    done = auth.post(preview, {}, follow_redirects=True).get_data(as_text=True)
    assert f"导入完成：新增 {len(persons) - len(hidden)} 人" in done
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "roster.import"))
    assert entry.detail["added"] == len(persons) - len(hidden)


@pytest.mark.parametrize("writer", WRITERS)
def test_rows_hidden_by_hand_without_a_filter_are_skipped_and_said_so(db, district, writer):
    rows = [["工号", "姓名", "单位", "职级"], ["0001", "张三", "东岗镇", "科员"], ["0002", "李四", "东岗镇", "科员"],
            ["0003", "王五", "东岗镇", "科员"]]
    out = io.BytesIO()
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.active.row_dimensions[3].hidden = True
        book.save(out)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet()
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        sheet.set_row(2, None, None, {"hidden": True})
        book.close()
    plan = plan_import("名单.xlsx", out.getvalue())
    assert plan.ok and [rec.staff_no for rec, _ in plan.added] == ["0001", "0003"]
    assert [tuple(h) for h in plan.hidden] == [("", 3, "0002", "李四", 0)]
    assert "第 3 行共 1 行在 Excel 中被隐藏，没有导入" in " ".join(plan.notes)


@pytest.mark.parametrize("writer", WRITERS)
def test_only_numbers_without_a_padding_format_may_have_lost_zeros(db, district, writer):
    out = io.BytesIO()
    header = ["工号", "姓名", "单位", "干部层级"]
    formats = {2: "000000", 3: "000000", 4: None, 5: '"CN"0000', 6: "0.00"}
    values = {2: 123, 3: 4567, 4: 89, 5: 12, 6: 3456}
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for row, value in values.items():
            sheet.append([value, f"人员{row}", "东岗镇", "一般干部"])
            if formats[row]:
                sheet.cell(row, 1).number_format = formats[row]
        book.save(out)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet("名单")
        sheet.write_row(0, 0, header)
        for row, value in values.items():
            style = book.add_format({"num_format": formats[row]}) if formats[row] else None
            sheet.write_number(row - 1, 0, value, style)
            sheet.write_row(row - 1, 1, [f"人员{row}", "东岗镇", "一般干部"])
        book.close()
    plan = plan_import("名单.xlsx", out.getvalue())
    assert plan.ok, plan.errors
    assert [rec.staff_no for rec, _ in plan.added] == ["000123", "004567", "89", "CN0012", "3456"]
    assert len(plan.warnings) == 1
    assert plan.warnings[0].startswith("第 4、6 行的工号在 Excel 中是数字格式")  # 89 and 3456 (0.00 is not a padding)


# ---- CSV as Excel writes it on a Chinese PC ----------------------------------------------------

def csv_rows(persons):
    rows = [[TITLE, "", "", "", "", "", ""], [EXPORTED, "", "", "", "", "", ""],
            [c or "" for c in GROUP_ROW], [c or "" for c in NAME_ROW]]
    for index, p in enumerate(persons, start=1):
        rows.append([str(index), p.staff_no, p.name, p.unit, p.rank, p.position, p.id_number])
    return rows


@pytest.mark.parametrize("encoding, bom", [("gbk", False), ("utf-8", True), ("utf-8", False), ("gb18030", False)])
def test_an_excel_csv_with_the_hr_header_imports(db, district, encoding, bom):
    persons = people(120)
    data = excel_csv(csv_rows(persons), encoding, bom)
    assert b"\r\n" in data and b'"' in data  # quoted fields (会计,出纳) and CRLF, as Excel writes them
    plan = plan_import("在职人员.csv", data)
    assert plan.ok, plan.errors[:3]
    assert plan.hidden == []  # a CSV hides nothing
    assert [rec.staff_no for rec, _ in plan.added] == [p.staff_no for p in persons]
    by_number = {rec.staff_no: rec for rec, _ in plan.added}
    accountant = next(p for p in persons if p.position == "会计,出纳")
    assert by_number[accountant.staff_no].position == "会计,出纳"
    assert by_number[accountant.staff_no].row == 5 + persons.index(accountant)
    assert {rec.tier for rec in by_number.values()} == set(RANKS.values())
    x_person = next(p for p in persons if p.id_number.endswith("x"))
    assert by_number[x_person.staff_no].id_number.endswith("X")
    assert apply_import(plan).added == len(persons)


def test_an_id_number_excel_turned_into_scientific_notation_is_an_error_on_its_line(db, district):
    persons = people(30)
    rows = csv_rows(persons)
    rows[9][6] = "1.10105E+17"   # line 10: Excel opened the CSV and saved it again
    rows[20][6] = "4.40524e17"   # line 21
    rows[25][1] = "1.23457E+11"  # line 26: a long 工号, the same way
    before = counts(db)
    plan = plan_import("在职人员.csv", excel_csv(rows))
    assert len(plan.errors) == 3, plan.errors
    assert plan.errors[0].startswith("第 10 行：身份证号“1.10105E+17”被 Excel 转成了科学计数法，后面的数字已经丢失")
    assert "设为“文本”" in plan.errors[0] and "CSV 文件不要用 Excel 打开后再保存" in plan.errors[0]
    assert plan.errors[1].startswith("第 21 行：身份证号“4.40524e17”被 Excel 转成了科学计数法")
    assert plan.errors[2].startswith("第 26 行：工号“1.23457E+11”被 Excel 转成了科学计数法")
    assert [(p.row, p.sheet) for p in plan.problems] == [(10, 0), (21, 0), (26, 0)]
    assert not apply_import(plan).ok and counts(db) == before


def test_numbers_an_hr_system_wrapped_for_excel_keep_their_zeros(db, district):
    text = ('工号,姓名,单位,干部层级,身份证号\r\n="001234",张三,东岗镇,一般干部,="' + id_number(7) + '"\r\n'
            '="000077",李四,东岗镇,一般干部,\r\n')
    plan = plan_import("导出.csv", text.encode("gbk"))
    assert plan.ok, plan.errors
    assert [(rec.staff_no, rec.id_number) for rec, _ in plan.added] == [
        ("001234", "*" * 14 + id_number(7)[-4:].upper()), ("000077", None)]


@pytest.mark.parametrize("writer", WRITERS)
def test_a_file_whose_people_are_all_filtered_out_says_so(db, district, writer):
    persons = [p for p in people(60) if p.hidden]
    assert len(persons) > 10
    plan = plan_import("在职人员信息.xlsx", hr_xlsx(persons, writer))
    assert plan.errors == [f"文件中的 {len(persons)} 行人员在 Excel 中全部被筛选或隐藏了（第 5、6、7、8、9、10、11、12、13、14 "
                           f"等 {len(persons)} 行），没有可以导入的人员：请在 Excel 中取消筛选（或取消隐藏）后保存，再重新上传。"]


@pytest.mark.parametrize("writer", WRITERS)
def test_an_id_number_typed_as_a_number_under_a_padding_format_is_still_refused(db, district, writer):
    out = io.BytesIO()
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        book.active.append(["工号", "姓名", "单位", "干部层级", "身份证号"])
        book.active.append(["0001", "张三", "东岗镇", "一般干部", 110105194912310021])
        book.active.cell(2, 5).number_format = "0" * 18
        book.save(out)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["工号", "姓名", "单位", "干部层级", "身份证号"])
        sheet.write_row(1, 0, ["0001", "张三", "东岗镇", "一般干部"])
        sheet.write_number(1, 4, 110105194912310021, book.add_format({"num_format": "0" * 18}))
        book.close()
    plan = plan_import("名单.xlsx", out.getvalue())
    assert plan.errors == ["第 2 行：身份证号被 Excel 存成了数字，后几位已经丢失：请把这一列设为文本后重新填写。"]


def test_an_id_number_whose_last_digits_excel_zeroed_says_why(db, district):
    whole = id_number(11)
    zeroed = whole[:15] + "000"  # Excel showed the number with format 0 and saved the CSV
    assert zeroed != whole
    rows = [["工号", "姓名", "单位", "干部层级", "身份证号"], ["0001", "张三", "东岗镇", "一般干部", zeroed],
            ["0002", "李四", "东岗镇", "一般干部", whole[:17] + ("1" if whole[17] != "1" else "2")]]
    plan = plan_import("名单.csv", excel_csv(rows))
    assert plan.errors == [
        "第 2 行：身份证号校验位不对，且最后三位是 000：很可能被 Excel 当作数字保存过，只留下了前 15 位。"
        "请把这一列的单元格格式设为“文本”后重新填写或粘贴。",
        "第 3 行：身份证号校验位不对，可能有数字输错。"]


@pytest.mark.parametrize("writer", WRITERS + ["csv"])
def test_invisible_characters_pasted_from_web_pages_are_not_stored(db, district, writer):
    rows = [["工号", "姓名", "单位", "职级", "职务"],
            ["\u200b0001", "张\u200b三", "东岗镇\ufeff", "一级\u200d科员", "副\u00a0主任"],
            ["0002\u00a0", "\u2060李四", "城关镇/\u200b党政办", "科员", "科员\u200b"]]
    if writer == "csv":
        data = excel_csv(rows, "utf-8", bom=True)
    else:
        from ..spreadsheets import workbook

        data = workbook({"名单": rows}, writer)
    plan = plan_import("名单." + ("csv" if writer == "csv" else "xlsx"), data)
    assert plan.ok, plan.errors
    got = [(rec.staff_no, rec.name, plan.unit_label(unit), rec.rank, rec.tier, rec.position) for rec, unit in plan.added]
    assert got == [("0001", "张三", "城南区/东岗镇", "一级科员", "一般干部", "副 主任"),
                   ("0002", "李四", "城南区/城关镇/党政办", "科员", "一般干部", "科员")]
