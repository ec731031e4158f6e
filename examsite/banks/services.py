"""Question banks: import, edit, retire, find duplicates, export. Nothing here commits."""
import io
import re
from dataclasses import dataclass

from sqlalchemy import func, select, update

from .. import qtypes
from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..kept_uploads import keep
from ..models import Bank, BankUpload, Question
from .parsed import LETTERS, Draft, ParseResult, Problem
from .settle import settle
from .parsed import Question as ParsedQuestion
from .readers import XLSX_COLUMNS, parse_bank


class BankError(ValueError):
    """Bad input about banks or questions; the message is for the admin."""


class RepeatedImport(BankError):
    """A file an active bank already holds most of, imported without saying so."""

    def __init__(self, message: str, overlap: "Overlap"):
        super().__init__(message)
        self.overlap = overlap


# ---- import ---------------------------------------------------------------------------------

def check_against_banks(result: ParseResult, bank_ids: list[int] | None = None) -> ParseResult:
    """Add a warning for each question already in a bank (same stem and options); of
    ``bank_ids`` only (the banks a unit organiser sees), None: of all."""
    prints = {q.fingerprint: q for q in result.questions}
    if not prints:
        return result
    query = (select(Question.fingerprint, Bank.name, Question.source_line).join(Question.bank)
             .where(Question.fingerprint.in_(list(prints)), Question.retired.is_(False)))
    if bank_ids is not None:
        query = query.where(Question.bank_id.in_(bank_ids))
    found = db.session.execute(query).all()
    for print_, bank_name, _ in found:
        question = prints[print_]
        result.warnings.append(Problem(question.line, f"题库“{bank_name}”中已有相同的题目。"))
    result.warnings.sort(key=lambda p: p.line)
    return result


@dataclass
class Overlap:
    """How many of a file's questions an active bank already holds."""

    bank_id: int
    bank_name: str
    matched: int  # the file's questions whose fingerprint is among the bank's questions in use
    total: int  # the file's questions

    @property
    def message(self) -> str:
        return (f"这个文件很可能已经导入过：文件中的 {self.total} 道题有 {self.matched} 道已在题库“{self.bank_name}”中。"
                "再导入一次会产生重复的题目。")


def overlaps(result: ParseResult, bank_ids: list[int] | None = None) -> list[Overlap]:
    """For each bank (of ``bank_ids``; None: any) with questions in use that the file's
    questions match (by fingerprint), how many match; most matches first."""
    prints = [q.fingerprint for q in result.questions]
    if not prints:
        return []
    query = (select(Bank.id, Bank.name, Question.fingerprint).join(Question.bank)
             .where(Question.fingerprint.in_(sorted(set(prints))), Question.retired.is_(False)).distinct())
    if bank_ids is not None:
        query = query.where(Bank.id.in_(bank_ids))
    found = db.session.execute(query).all()
    by_bank: dict[int, tuple[str, set[str]]] = {}
    for bank_id, name, print_ in found:
        by_bank.setdefault(bank_id, (name, set()))[1].add(print_)
    result_list = [Overlap(bank_id, name, sum(1 for p in prints if p in matched), len(prints))
                   for bank_id, (name, matched) in by_bank.items()]
    return sorted(result_list, key=lambda o: (-o.matched, o.bank_id))


def imported_before(result: ParseResult, bank_ids: list[int] | None = None) -> Overlap | None:
    """The active bank holding more than half of the file's questions, if one does: the file
    (or most of it) was very likely imported already."""
    found = overlaps(result, bank_ids)
    return found[0] if found and found[0].matched * 2 > found[0].total else None


def parse_upload(filename: str, data: bytes, limit_bytes: int | None) -> ParseResult:
    return check_against_banks(parse_bank(filename, data, limit_bytes))


#: an upload not confirmed within this time is dropped
def store_upload(filename: str, data: bytes, user) -> BankUpload:
    """Keep an uploaded bank until the admin confirms its preview."""
    return keep(BankUpload, filename, data, user)


def import_bank(name: str, filename: str, result: ParseResult, *, description: str | None = None,
                repeat_ok: bool = True, owner=None, seen: list[int] | None = None) -> Bank:
    """Create a bank holding every parsed question, or raise BankError and add nothing. Unless
    ``repeat_ok``, a file most of whose questions an active bank already holds is refused.
    ``owner`` is the unit whose own bank it is (a unit organiser's); None: the district's.
    ``seen``: the banks the importer sees (None: all), the only ones a repeat is looked for in."""
    name = name.strip()
    if result.errors:
        raise BankError(f"文件有 {len(result.errors)} 处错误，没有导入任何题目。")
    if not result.questions:
        raise BankError("文件中没有题目。")
    repeated = None if repeat_ok else imported_before(result, seen)
    if repeated is not None:
        raise RepeatedImport(f"没有导入：{repeated.message}如确需再导入，请勾选“仍然导入”后再确认。", repeated)
    if not name:
        raise BankError("请填写题库名称。")
    if len(name) > 200:
        raise BankError("题库名称不能超过 200 个字。")
    if db.session.scalar(select(Bank.id).where(Bank.name == name)):
        raise BankError(f"已有名为“{name}”的题库，请换一个名称。")
    bank = Bank(name=name, description=description, owner_unit_id=owner.id if owner is not None else None)
    db.session.add(bank)
    db.session.flush()
    db.session.execute(Question.__table__.insert(), [_row(bank.id, q) for q in result.questions])
    counts = count_types(result.questions)
    whose = f"（{owner.path}的本单位题库）" if owner is not None else ""
    record("bank.import", f"导入题库“{name}”{whose}（{filename}）：共 {len(result.questions)} 题",
           target=bank, detail={"filename": filename, "questions": len(result.questions), **counts,
                                **({"owner_unit": owner.path} if owner is not None else {})})
    return bank


def _row(bank_id: int, q: ParsedQuestion) -> dict:
    moment = now()
    return {
        "bank_id": bank_id, "qtype": q.type, "stem": q.stem, "options": q.options,
        "answer": q.answer, "explanation": q.explanation, "regulation": q.source,
        # a number running over several sheets would mean nothing to a reader
        "difficulty": q.difficulty, "points": q.points, "source_line": None if q.place else q.line,
        "fingerprint": q.fingerprint, "retired": False, "created_at": moment, "updated_at": moment,
    }


class TypeCounts(dict):
    """type name → how many questions, every stored type in display order."""

    @property
    def text(self) -> str:
        """单选 3，多选 2，判断 1，填空 0"""
        return "，".join(f"{qtypes.get(name).short} {count}" for name, count in self.items())


def count_types(questions) -> TypeCounts:
    counts = TypeCounts((t, 0) for t in qtypes.REGISTRY)
    for q in questions:
        counts[q.type] = counts.get(q.type, 0) + 1
    return counts


# ---- browsing -------------------------------------------------------------------------------

def banks_with_counts(bank_ids: list[int] | None = None) -> list[tuple[Bank, int, int]]:
    """Each bank (of ``bank_ids``; None: all) with its number of questions in use and retired."""
    in_use = func.count(Question.id).filter(Question.retired.is_(False))
    retired = func.count(Question.id).filter(Question.retired.is_(True))
    query = select(Bank, in_use, retired).outerjoin(Bank.questions).group_by(Bank.id).order_by(Bank.id)
    if bank_ids is not None:
        query = query.where(Bank.id.in_(bank_ids))
    rows = db.session.execute(query).all()
    return [(bank, active or 0, gone or 0) for bank, active, gone in rows]


def question_query(*, bank_id: int | None = None, search: str = "", qtype: str = "",
                   regulation: str = "", difficulty: int | None = None, retired: bool = False,
                   bank_ids: list[int] | None = None):
    """The questions matching the filters; ``bank_ids`` (None: all banks) bounds what a unit
    organiser may search."""
    query = select(Question).order_by(Question.id).where(Question.retired.is_(retired))
    if bank_id is not None:
        query = query.where(Question.bank_id == bank_id)
    if bank_ids is not None:
        query = query.where(Question.bank_id.in_(bank_ids))
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


def regulations(bank_id: int | None = None, bank_ids: list[int] | None = None) -> list[str]:
    """The regulations questions come from, for filters."""
    query = select(Question.regulation).where(Question.regulation.is_not(None)).distinct()
    if bank_id is not None:
        query = query.where(Question.bank_id == bank_id)
    if bank_ids is not None:
        query = query.where(Question.bank_id.in_(bank_ids))
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
    return qtypes.get(qtype).answer_text(answer)


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
        record("question.edit", f"修改题目 #{question.id}{unit_bank(question.bank)}（{'、'.join(changed)}）", target=question,
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
    record(f"question.{'retire' if retired else 'restore'}", f"{verb}题目 #{question.id}{unit_bank(question.bank)}",
           target=question)


def unit_bank(bank: Bank, named: bool = True) -> str:
    """（城南区/城关镇的本单位题库“…”） for a unit's own bank, in audit lines; "" for the district's."""
    if bank.owner_unit_id is None:
        return ""
    from ..models import Unit

    name = f"“{bank.name}”" if named else ""
    return f"（{db.session.get(Unit, bank.owner_unit_id).path}的本单位题库{name}）"


def in_use_count(bank: Bank) -> int:
    return db.session.scalar(select(func.count(Question.id)).where(Question.bank_id == bank.id,
                                                                   Question.retired.is_(False)))


def retire_bank(bank: Bank) -> int:
    """Retire every question of the bank still in use, in one go; returns how many. As with a
    single question, attempts already started keep their questions (the paper is stored)."""
    ids = list(db.session.scalars(select(Question.id).where(Question.bank_id == bank.id,
                                                            Question.retired.is_(False)).order_by(Question.id)))
    if not ids:
        raise BankError(f"题库“{bank.name}”中没有在用的题目。")
    _set_retired(ids, True)
    record("bank.retire", f"停用题库“{bank.name}”{unit_bank(bank, named=False)}：{len(ids)} 道题", target=bank, detail={"question_ids": ids})
    return len(ids)


def restorable(bank: Bank) -> list[int]:
    """The questions restoring the bank brings back: those its last retirement as a whole retired
    and are still retired (not those retired one by one, e.g. as duplicates), or, when the bank
    was never retired as a whole, all its retired questions."""
    from ..models import AuditLog

    retired = set(db.session.scalars(select(Question.id).where(Question.bank_id == bank.id,
                                                               Question.retired.is_(True))))
    last = db.session.scalar(select(AuditLog.detail).where(
        AuditLog.action == "bank.retire", AuditLog.target_type == "Bank", AuditLog.target_id == str(bank.id))
        .order_by(AuditLog.id.desc()).limit(1))
    if last is not None:
        retired &= set(last.get("question_ids", []))
    return sorted(retired)


def restore_bank(bank: Bank) -> int:
    """Bring the bank back into use (see restorable()); returns how many questions changed."""
    ids = restorable(bank)
    if not ids:
        raise BankError(f"题库“{bank.name}”中没有可以恢复的题目。")
    _set_retired(ids, False)
    record("bank.restore", f"恢复题库“{bank.name}”{unit_bank(bank, named=False)}：{len(ids)} 道题", target=bank, detail={"question_ids": ids})
    return len(ids)


def _set_retired(ids: list[int], retired: bool) -> None:
    moment = now()
    for start in range(0, len(ids), 1000):
        db.session.execute(update(Question).where(Question.id.in_(ids[start:start + 1000]))
                           .values(retired=retired, updated_at=moment).execution_options(synchronize_session=False))
    db.session.expire_all()


def surplus_duplicates() -> tuple[list[int], list[int]]:
    """(kept, to retire): in each group of duplicates the earliest question is kept."""
    kept, surplus = [], []
    for group in duplicate_groups():
        earliest = min(group, key=lambda q: (q.created_at, q.id))
        kept.append(earliest.id)
        surplus.extend(q.id for q in group if q is not earliest)
    return kept, sorted(surplus)


def retire_duplicates() -> tuple[int, int]:
    """Retire every duplicate but the earliest question of its group; returns (questions retired,
    groups)."""
    kept, surplus = surplus_duplicates()
    if not surplus:
        raise BankError("没有发现重复的题目。")
    _set_retired(surplus, True)
    record("question.retire_duplicates", f"停用重复题目 {len(surplus)} 道（{len(kept)} 组，每组保留最早的一道）",
           detail={"retired": surplus, "kept": kept})
    return len(surplus), len(kept)


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
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
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
        values = [qtypes.get(q.qtype).label, q.stem, *options, answer_text(q.qtype, q.answer), q.explanation or "",
                  q.regulation or "", q.difficulty or "", float(q.points) if q.points is not None else ""]
        for col, value in enumerate(values):
            if isinstance(value, str):
                sheet.write_string(row, col, value)
            else:
                sheet.write_number(row, col, value)
    sheet.autofilter(0, 0, max(len(questions), 1), len(XLSX_COLUMNS) - 1)
    book.close()
    return out.getvalue()
