"""Benchmark: parse a 5,000-question bank in each of the layouts offices keep besides numbered
text — answers in a key at the end of the paper, one Word table, the right options in red, an Excel workbook with a sheet
per type, and a PDF exported from Word.

    .venv/bin/python bench/bank_layouts.py [--questions 5000]

Target on a 2-core machine: each parses in under 2 s. The files are built first (not measured);
the PDF printed by Chromium, as the tests make theirs (skipped with a note when it is missing).
"""
import argparse
import io
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx  # noqa: E402
import openpyxl  # noqa: E402

from bench.bank_import import WORDS, make_docx, timed  # noqa: E402
from examsite.banks.readers import parse_bank  # noqa: E402

TYPES = [("single", "单项选择题"), ("multiple", "多项选择题"), ("judge", "判断题"), ("fill", "填空题")]


def words(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def make_questions(count: int, rng: random.Random) -> list[dict]:
    questions = []
    for number in range(count):
        kind = TYPES[number * len(TYPES) // count][0]
        stem = words(rng, 15, 40)
        question = {"type": kind, "stem": stem, "options": [], "explanation": words(rng, 10, 20)}
        if kind in ("single", "multiple"):
            question["options"] = [words(rng, 4, 8) for _ in range(4)]
            question["answer"] = rng.choice("ABCD") if kind == "single" else "".join(sorted(rng.sample("ABCD", 2)))
            question["stem"] += "（  ）"
        elif kind == "judge":
            question["answer"] = rng.choice("√×")
        else:
            question["stem"] += "________" + stem[:5] + "。"
            question["answer"] = words(rng, 2, 3)
        questions.append(question)
    return questions


def key_at_end_lines(questions: list[dict]) -> list[str]:
    """Sections numbered 1… each, then 参考答案 with a key per section: ranges for choice and
    judge questions, a list for the fill questions."""
    lines, key = ["2026 年度纪法知识测试卷", "姓名：________  单位：________  得分：________"], ["参考答案"]
    for index, (kind, title) in enumerate(TYPES):
        part = [q for q in questions if q["type"] == kind]
        lines.append(f"{'一二三四'[index]}、{title}（每题1分）")
        key.append(f"{'一二三四'[index]}、{title}")
        for number, q in enumerate(part, start=1):
            lines.append(f"{number}．{q['stem']}")
            if q["options"]:
                lines.append("　".join(f"{letter}．{text}" for letter, text in zip("ABCD", q["options"])))
        if kind == "fill":
            key += [f"{n}．{q['answer']}" for n, q in enumerate(part, start=1)]
        else:
            for start in range(0, len(part), 5):
                chunk = part[start:start + 5]
                key.append(f"{start + 1}-{start + len(chunk)} " + "".join(q["answer"] if kind != "multiple"
                                                                          else "" for q in chunk)
                           if kind != "multiple" else
                           "　".join(f"{start + i + 1}.{q['answer']}" for i, q in enumerate(chunk)))
    return lines + key


def red_answers(questions: list[dict]) -> bytes:
    """The choice questions with no letter written: the right options in red."""
    from docx.shared import RGBColor

    document = docx.Document()
    document.add_paragraph("一、单项选择题")
    kind = "single"
    for number, q in enumerate((q for q in questions if q["options"]), start=1):
        if q["type"] != kind:
            kind = q["type"]
            document.add_paragraph("二、多项选择题")
        document.add_paragraph(f"{number}．{q['stem']}")
        for letter, text in zip("ABCD", q["options"]):
            run = document.add_paragraph().add_run(f"{letter}．{text}")
            if letter in q["answer"]:
                run.font.color.rgb = RGBColor(0xFF, 0, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def word_table(questions: list[dict]) -> bytes:
    document = docx.Document()
    document.add_paragraph("廉洁自律知识题库")
    document.add_paragraph("说明：每题一行，选项写在同一格内。")
    header = ["序号", "题型", "题目", "选项", "答案", "解析"]
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    labels = dict(TYPES)
    for number, q in enumerate(questions, start=1):
        cells = table.add_row().cells
        values = [str(number), labels[q["type"]].replace("项选择", "选"), q["stem"],
                  "\n".join(f"{letter}.{text}" for letter, text in zip("ABCD", q["options"])),
                  q["answer"], q["explanation"]]
        for cell, text in zip(cells, values):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def excel_per_type(questions: list[dict]) -> bytes:
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "填写说明"
    notes.append(["每种题型一个工作表；答案写字母或 对/错。"])
    for kind, title in TYPES:
        sheet = workbook.create_sheet(title.replace("项选择", "选"))
        sheet.append([f"{title}题库"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
        sheet.append(["序号", "试题内容", "选项", "正确答案", "解析"])
        for number, q in enumerate((q for q in questions if q["type"] == kind), start=1):
            answer = {"√": "正确", "×": "错误"}.get(q["answer"], q["answer"])
            sheet.append([number, q["stem"], " ".join(f"{l}.{t}" for l, t in zip("ABCD", q["options"])),
                          answer, q["explanation"]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pdf_of(lines: list[str]) -> bytes | None:
    """The paper printed to PDF by Chromium (A4, running header, 第 N 页 共 M 页 footer), as the
    tests make theirs; None when Chromium is missing."""
    from html import escape

    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    style = ("<style>body{font-family:'Noto Serif CJK SC',serif;font-size:12pt;margin:0}"
             "p{margin:0 0 3pt 0;line-height:1.5;text-align:justify}</style>")
    footer = "第 <span class='pageNumber'></span> 页 共 <span class='totalPages'></span> 页"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content(f"<html><head><meta charset='utf-8'>{style}</head><body>{body}</body></html>")
        pdf = page.pdf(format="A4", display_header_footer=True,
                       header_template="<div style='font-size:9pt;width:100%;text-align:center'>纪法知识测试卷</div>",
                       footer_template=f"<div style='font-size:9pt;width:100%;text-align:center'>{footer}</div>",
                       margin={"top": "2.54cm", "bottom": "2.54cm", "left": "3.17cm", "right": "3.17cm"})
        browser.close()
    return pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5000)
    args = parser.parse_args()
    questions = make_questions(args.questions, random.Random(16))
    keyed = key_at_end_lines(questions)
    files = {
        "key-at-end.txt": "\n".join(keyed).encode("gbk"),
        "key-at-end.docx": timed("build key-at-end .docx (not measured)", lambda: make_docx(keyed)),
        "table.docx": timed("build Word table (not measured)", lambda: word_table(questions)),
        "red-answers.docx": timed("build red-answer .docx (not measured)", lambda: red_answers(questions)),
        "per-type.xlsx": timed("build per-type .xlsx (not measured)", lambda: excel_per_type(questions)),
    }
    pdf = timed("print key-at-end .pdf (not measured)", lambda: pdf_of(keyed))
    if pdf is None:
        print("chromium not found: the PDF layout is not measured (apt install chromium)")
    else:
        files["key-at-end.pdf"] = pdf
    for name, data in files.items():
        result = timed(f"parse {name} ({len(data) / 1e6:.1f} MB)", lambda: parse_bank(name, data))
        counts = {kind: sum(q.type == kind for q in result.questions) for kind, _ in TYPES}
        expected = {kind: sum(q["type"] == kind and (bool(q["options"]) or "red" not in name) for q in questions)
                    for kind, _ in TYPES}
        if result.errors or counts != expected:
            print(f"  {name}: {len(result.errors)} errors, counts {counts} (expected {expected});"
                  f" first: {[str(p) for p in result.errors[:3]]}")


if __name__ == "__main__":
    main()
