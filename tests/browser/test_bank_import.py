"""An admin uploads a Word bank, reads the preview, confirms it and finds a question."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from examsite.models import Question

from .. import factories
from ..banks import documents
from ..factories import PASSWORD
from .actions import log_in

pytestmark = pytest.mark.browser


def login(page, live_server):
    log_in(page, live_server, "admin", PASSWORD)
    expect(page.get_by_role("heading", name="考试管理")).to_be_visible()


def test_admin_imports_a_word_bank(db, live_server, page, tmp_path, artifacts_dir):
    factories.user("admin", "admin")
    doc = documents.new()
    doc.add_paragraph("一、单项选择题（每题2分）")
    doc.add_paragraph("1．党员受到警告处分（ B ）内，不得在党内提升职务。")
    doc.add_paragraph("A．六个月　B．一年　C．一年半　D．二年")
    doc.add_paragraph("出处：中国共产党纪律处分条例")
    doc.add_paragraph("二、判断题")
    doc.add_paragraph("留党察看期限最长不得超过二年。", style="List Number")
    doc.add_paragraph("答案：正确")
    path = tmp_path / "处分条例测试题.docx"
    path.write_bytes(documents.save(doc))

    login(page, live_server)
    page.get_by_role("link", name="题库", exact=True).click()
    page.get_by_role("link", name="导入题库").click()
    page.get_by_label("题库文件（.docx、.txt、.xlsx 或 .pdf）").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()

    expect(page.locator("#summary")).to_contain_text("共识别 2 题")
    first = page.locator("#q-1")
    expect(first).to_contain_text("党员受到警告处分（  ）内")
    expect(first.locator(".option-correct")).to_have_text(re.compile(r"B\. 一年"))
    page.screenshot(path=str(artifacts_dir / "bank-preview.png"), full_page=True)
    db.session.rollback()  # see what the server committed
    assert db.session.scalar(select(func.count(Question.id))) == 0

    page.get_by_label("题库名称").fill("纪律处分条例练习")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入题库“纪律处分条例练习”，共 2 题")).to_be_visible()

    page.get_by_placeholder("题干关键词").fill("留党察看")
    page.get_by_role("button", name="查询").click()
    cards = page.locator(".question-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("留党察看期限最长不得超过二年")
    expect(cards.first.locator(".answer")).to_have_text("正确")
    db.session.rollback()  # see what the server committed
    assert db.session.scalar(select(func.count(Question.id))) == 2


def test_bank_with_errors_is_shown_with_line_numbers(db, live_server, page, tmp_path):
    factories.user("admin", "admin")
    path = tmp_path / "坏题库.txt"
    path.write_text("1．题干（ ）\nA．甲\nB．乙\n答案：E\n2．题干二。\n", encoding="gbk")
    login(page, live_server)
    page.goto(f"{live_server}/banks/upload")
    page.get_by_label("题库文件（.docx、.txt、.xlsx 或 .pdf）").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    errors = page.locator("#errors")
    expect(errors).to_contain_text("第 1 行：答案 E 没有对应的选项（本题只有 A–B）。")
    expect(errors).to_contain_text("第 5 行：没有答案。")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
