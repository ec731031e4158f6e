"""Question banks: import, edit, retire, find duplicates, export. Nothing here commits."""
import io
import re
from dataclasses import dataclass

from sqlalchemy import func, select

from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..kept_uploads import keep
from ..models import QUESTION_TYPES, Bank, BankUpload, Question
from .parser import LETTERS, Draft, ParseResult, Problem, settle
from .parser import Question as ParsedQuestion
from .readers import XLSX_COLUMNS, parse_bank


class BankError(ValueError):
    """Bad input about banks or questions; the message is for the admin."""


# ---- import ---------------------------------------------------------------------------------

def check_against_banks(result: ParseResult) -> ParseResult:
    """Add a warning for each question already in a bank (same stem and options)."""
    prints = {q.fingerprint: q for q in result.questions}
    if not prints:
        return result
    found = db.session.execute(
        select(Question.fingerprint, Bank.name, Question.source_line)
        .join(Question.bank)
        .where(Question.fingerprint.in_(list(prints)), Question.retired.is_(False))
    ).all()
    for print_, bank_name, _ in found:
        question = prints[print_]
        result.warnings.append(Problem(question.line, f"题库“{bank_name}”中已有相同的题目。"))
    result.warnings.sort(key=lambda p: p.line)
    return result


def parse_upload(filename: str, data: bytes, limit_bytes: int | None) -> ParseResult:
    return check_against_banks(parse_bank(filename, data, limit_bytes))


#: an upload not confirmed within this time is dropped
def store_upload(filename: str, data: bytes, user) -> BankUpload:
    """Keep an uploaded bank until the admin confirms its preview."""
    return keep(BankUpload, filename, data, user)


def import_bank(name: str, filename: str, result: ParseResult, *, description: str | None = None) -> Bank:
    """Create a bank holding every parsed question, or raise BankError and add nothing."""
    name = name.strip()
    if result.errors:
        raise BankError(f"文件有 {len(result.errors)} 处错误，没有导入任何题目。")
    if not result.questions:
        raise BankError("文件中没有题目。")
    if not name:
        raise BankError("请填写题库名称。")
    if len(name) > 200:
        raise BankError("题库名称不能超过 200 个字。")
    if db.session.scalar(select(Bank.id).where(Bank.name == name)):
        raise BankError(f"已有名为“{name}”的题库，请换一个名称。")
    bank = Bank(name=name, description=description)
    db.session.add(bank)
    db.session.flush()
    db.session.execute(Question.__table__.insert(), [_row(bank.id, q) for q in result.questions])
    counts = count_types(result.questions)
    record("bank.import", f"导入题库“{name}”（{filename}）：共 {len(result.questions)} 题",
           target=bank, detail={"filename": filename, "questions": len(result.questions), **counts})
    return bank


def _row(bank_id: int, q: ParsedQuestion) -> dict:
    moment = now()
    return {
        "bank_id": bank_id, "qtype": q.type, "stem": q.stem, "options": q.options,
        "answer": q.answer, "explanation": q.explanation, "regulation": q.source,
        "difficulty": q.difficulty, "points": q.points, "source_line": q.line,
        "fingerprint": q.fingerprint, "retired": False, "created_at": moment, "updated_at": moment,
    }


def count_types(questions) -> dict:
    counts = {t: 0 for t in QUESTION_TYPES}
    for q in questions:
        counts[q.type] += 1
    return counts


# ---- browsing -------------------------------------------------------------------------------

def banks_with_counts() -> list[tuple[Bank, int, int]]:
    """Each bank with its number of questions in use and retired."""
    in_use = func.count(Question.id).filter(Question.retired.is_(False))
    retired = func.count(Question.id).filter(Question.retired.is_(True))
    rows = db.session.execute(
        select(Bank, in_use, retired).outerjoin(Bank.questions).group_by(Bank.id).order_by(Bank.id)
    ).all()
    return [(bank, active or 0, gone or 0) for bank, active, gone in rows]


def question_query(*, bank_id: int | None = None, search: str = "", qtype: str = "",
                   regulation: str = "", difficulty: int | None = None, retired: bool = False):
    query = select(Question).order_by(Question.id).where(Question.retired.is_(retired))
    if bank_id is not None:
        query = query.where(Question.bank_id == bank_id)
    if search:
        query = query.where(Question.stem.like(f"%{search}%"))
    if qtype:
        query = query.where(Question.qtype == qtype)
    if regulation:
        query = query.where(Question.regulation.like(f"%{regulation}%"))
    if difficulty:
        query = query.where(Question.difficulty == difficulty)
    return query


def regulation_name(source: str) -> str:
    """The regulation a 出处 names, without its article: 中国共产党章程 第五条 → 中国共产党章程."""
    return re.split(r"\s|第[一二三四五六七八九十百零\d]+[条章]|总纲", source.strip("《》 "), maxsplit=1)[0].strip("《》")


def regulations(bank_id: int | None = None) -> list[str]:
    """The regulations questions come from, for filters."""
    query = select(Question.regulation).where(Question.regulation.is_not(None)).distinct()
    if bank_id is not None:
        query = query.where(Question.bank_id == bank_id)
    return sorted({regulation_name(source) for source in db.session.scalars(query)} - {""})


# ---- editing --------------------------------------------------------------------------------

@dataclass
class QuestionEdit:
    stem: str
    options: list[str]
    answer: str
    explanation: str
    source: str
    difficulty: str


def answer_text(qtype: str, answer) -> str:
    """A stored answer written the way the parser reads it back."""
    if qtype == "judge":
        return "正确" if answer else "错误"
    if qtype == "fill":
        return "；".join(a if isinstance(a, str) else "/".join(a) for a in answer)
    return answer


def update_question(question: Question, edit: QuestionEdit) -> Question:
    """Check an edit as the importer would check the same text; apply it or raise BankError."""
    draft = Draft(
        line=0, declared=question.qtype, points=float(question.points) if question.points is not None else None,
        stem=[edit.stem], options=[o.strip() for o in edit.options if o.strip()],
        answer=edit.answer, explanation=[edit.explanation] if edit.explanation.strip() else [],
        source=[edit.source] if edit.source.strip() else [],
        difficulty=edit.difficulty.strip() or None,
    )
    result = ParseResult()
    parsed = settle(draft, result)
    if parsed is None:
        raise BankError("；".join(p.message for p in result.errors))
    before = _snapshot(question)
    question.stem, question.options, question.answer = parsed.stem, parsed.options, parsed.answer
    question.explanation, question.regulation = parsed.explanation, parsed.source
    question.difficulty = parsed.difficulty
    question.fingerprint = parsed.fingerprint
    after = _snapshot(question)
    changed = sorted(key for key in after if after[key] != before[key])
    if changed:
        record("question.edit", f"修改题目 #{question.id}（{'、'.join(changed)}）", target=question,
               detail={"before": before, "after": after})
    return question


def _snapshot(question: Question) -> dict:
    return {"题干": question.stem, "选项": list(question.options), "答案": question.answer,
            "解析": question.explanation, "出处": question.regulation, "难度": question.difficulty}


def set_retired(question: Question, retired: bool) -> None:
    if question.retired == retired:
        return
    question.retired = retired
    verb = "停用" if retired else "恢复"
    record(f"question.{'retire' if retired else 'restore'}", f"{verb}题目 #{question.id}", target=question)


def duplicate_groups() -> list[list[Question]]:
    """Questions in use that share stem and options, across all banks."""
    shared = (select(Question.fingerprint).where(Question.retired.is_(False))
              .group_by(Question.fingerprint).having(func.count(Question.id) > 1))
    questions = db.session.scalars(
        select(Question).where(Question.fingerprint.in_(shared), Question.retired.is_(False))
        .order_by(Question.fingerprint, Question.id)
    ).all()
    groups: dict[str, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.fingerprint, []).append(question)
    return list(groups.values())


# ---- export ---------------------------------------------------------------------------------

def export_bank(bank: Bank, include_retired: bool = False) -> bytes:
    """The bank as .xlsx in the layout the importer reads (题型, 题干, 选项A…H, 答案, …)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("题库")
    head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_row(0, 0, XLSX_COLUMNS, head)
    widths = {"题型": 8, "题干": 50, "答案": 12, "解析": 40, "出处": 24, "难度": 6, "分值": 6}
    for index, name in enumerate(XLSX_COLUMNS):
        sheet.set_column(index, index, widths.get(name, 18), wrap)
    sheet.freeze_panes(1, 0)
    questions = [q for q in bank.questions if include_retired or not q.retired]
    for row, q in enumerate(questions, start=1):
        options = list(q.options) + [""] * (len(LETTERS) - len(q.options))
        values = [QUESTION_TYPES[q.qtype], q.stem, *options, answer_text(q.qtype, q.answer), q.explanation or "",
                  q.regulation or "", q.difficulty or "", float(q.points) if q.points is not None else ""]
        for col, value in enumerate(values):
            if isinstance(value, str):
                sheet.write_string(row, col, value)
            else:
                sheet.write_number(row, col, value)
    sheet.autofilter(0, 0, max(len(questions), 1), len(XLSX_COLUMNS) - 1)
    book.close()
    return out.getvalue()
