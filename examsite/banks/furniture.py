"""Paper furniture: what a 测试卷 carries besides its questions — the 姓名：____ 单位：____ line,
评分标准 and 注意事项, 考试时间 and 总分, page numbers, the 密封线. Pure.

``furniture(folded)`` names what a (folded) line is, or None. These lines are warnings, never
questions: a 姓名：____ line has a blank but is no fill question.
"""
import re

# The labels of the boxes a candidate fills in at the top of a paper.
_LABELS = ("姓名|单位|工作单位|所在单位|部门|科室|处室|职务|职级|职位|岗位|得分|分数|成绩|总分|满分|"
           "考号|准考证号|座位号|座号|身份证号|工号|编号|日期|考试日期|时间|考试时间|答题时间|考试用时|"
           "阅卷人|评卷人|评分人|核分人|复核人|监考人|监考|班级|学号|联系电话|电话|手机|题号|合计")
_PAIR_RE = re.compile(
    rf"\s*(?:{_LABELS})\s*(?::\s*(?:[\d.]+\s*(?:分钟|小时|分|页|题)?|(?!(?:{_LABELS})\s*:)[^\s:_]{{1,12}})?)?\s*"
)
# The cells of the 得分/评卷人 box a paper prints before each section, a paragraph each.
_SCORE_BOX_RE = re.compile(r"^(?:得分|评卷人|阅卷人|评分人|核分人|复核人|合计|总分|得分\s*评卷人)\s*:?$")
_LABEL_START_RE = re.compile(rf"(?:{_LABELS})")
_PAGE_RE = re.compile(
    r"^[(\[【]?\s*(?:第\s*\d+\s*页\s*(?:[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|[-—–~]\s*\d+\s*[-—–~]|\d+\s*/\s*\d+)\s*[)\]】]?$"
)
_SEAL_RE = re.compile(r"密[\s.\-—_…·]*封[\s.\-—_…·]*线|装[\s.\-—_…·]*订[\s.\-—_…·]*线")
_RULES_RE = re.compile(
    r"^[【\[(]?\s*(?:评分标准|评分说明|评分细则|评分办法|阅卷说明|考试说明|答题说明|试卷说明|"
    r"注意事项|考生须知|考试须知|答题须知|答题要求|温馨提示|特别提示)\s*[】\])]?\s*(?::|$)"
)
_NOTES_HEADING_RE = re.compile(
    r"^[【\[(]?\s*(?:注意事项|考生须知|考试须知|答题须知|答题要求|答题说明|考试说明|试卷说明|说明)\s*[】\])]?\s*:?\s*$"
)
# （每题2分，共20分） （本大题共10小题） 满分100分 — on a line of its own.
POINTS_LINE_RE = re.compile(
    r"^\(?\s*(?:本(?:大)?题|本部分|本卷|全卷|本试卷)?\s*(?:共\s*\d+\s*(?:小|道)?题\s*[,，;；]?\s*)?"
    r"(?:每(?:小|道)?题\s*\d+(?:\.\d+)?\s*分|共\s*\d+(?:\.\d+)?\s*分|满分\s*\d+\s*分|总分\s*\d+\s*分)"
    r"[^()]{0,40}\)?\s*[.。]?$"
)
_END_RE = re.compile(
    r"^[(—\-\s]*(?:以上答案仅供参考|答案仅供参考|以下无正文|本页以下空白|以下空白|全卷完|试卷结束|"
    r"完|end)[)—\-\s.。]*$", re.IGNORECASE
)
# 以上题目由区纪委监委宣传部整理 / 本题库仅供学习使用 / 本试卷共4页 — a remark about the paper.
_REMARK_RE = re.compile(
    r"^(?:以上(?:题目|试题|内容|各题|答案)|本(?:题库|试卷|卷|套试题|套题))[^?？_]{0,60}$"
)
# A numbered line under 注意事项 that is an instruction, not a question.
_INSTRUCTION_RE = re.compile(
    r"本试卷|本卷|试卷|答题卡|答题纸|考生|作答|答题|铅笔|钢笔|签字笔|分钟|交卷|监考|总分|满分|考试时间|准考证|"
    r"共\s*\d+\s*(?:道|小)?题"
)


def furniture(folded: str) -> str | None:
    """What kind of paper furniture the line is ('填写栏', '页码', …), or None."""
    text = folded.strip()
    if not text:
        return None
    if _PAGE_RE.match(text):
        return "页码"
    if _SEAL_RE.search(text) and len(re.sub(r"[\s.\-—_…·]", "", text)) <= 20:
        return "密封线"
    if _RULES_RE.match(text):
        return "评分标准或注意事项"
    if POINTS_LINE_RE.match(text):
        return "分值说明"
    if _END_RE.match(text) or _REMARK_RE.match(text):
        return "结束语"
    if _boxes(text) or _SCORE_BOX_RE.match(text):
        return "填写栏"
    return None


def notes_heading(folded: str) -> bool:
    """注意事项 / 考生须知 / 说明 alone on a line: numbered instructions may follow."""
    return bool(_NOTES_HEADING_RE.match(folded.strip()))


def instruction(folded: str) -> bool:
    return bool(_INSTRUCTION_RE.search(folded))


def _boxes(text: str) -> bool:
    """姓名：____ 单位：____ 得分：____ (or 得分 评卷人): nothing but labels and their blanks."""
    if not _LABEL_START_RE.match(text):
        return False
    blanked = "_" in text or "(" in text
    text = re.sub(r"_+|\(\s*\)", " ", text).strip()
    position, pairs, colons = 0, 0, 0
    while position < len(text):
        match = _PAIR_RE.match(text, position)
        if not match or match.end() == position:
            return False
        pairs += 1
        colons += ":" in match.group(0)
        position = match.end()
    return pairs >= 2 or (pairs == 1 and (colons or blanked))
