"""Answer keys and examinees' responses written as people read them. Pure.

A choice is its option letters (A, AC), a judge is 正确 or 错误, a fill answer is its text: the
accepted alternatives of one blank joined by " / ", the blanks joined by "；". Never a JSON list
or a Python repr, whatever shape a stored value has.
"""
import json

TRUE_LABEL = "正确"
FALSE_LABEL = "错误"
#: a response with nothing in it
UNANSWERED = "（未作答）"
#: one blank of a fill response left empty while another was filled
EMPTY_BLANK = "（空）"
ALTERNATIVES = " / "
BLANKS = "；"


def judge_label(value: bool) -> str:
    return TRUE_LABEL if value else FALSE_LABEL


def _letters(value: str) -> str:
    return "".join(sorted(set(value.replace(" ", "").upper())))


def _plain(value) -> str:
    """Any JSON value as text a person reads: lists joined by "；", nothing quoted or bracketed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return judge_label(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return BLANKS.join(part for part in (_plain(v) for v in value) if part)
    if isinstance(value, dict):
        return BLANKS.join(f"{k}：{_plain(v)}" for k, v in value.items())
    return str(value).strip()


def blank_label(accepted) -> str:
    """One blank of a fill key: its answer, or its alternatives joined by " / "."""
    if isinstance(accepted, (list, tuple)):
        return ALTERNATIVES.join(_plain(a) for a in accepted if _plain(a))
    return _plain(accepted)


def key_label(qtype: str | None, answer) -> str:
    """A question's key: A / AC, 正确 / 错误, or 五 / 5；纪律 for a fill question of two blanks."""
    if answer is None or answer == "" or answer == []:
        return ""
    if qtype == "judge" and isinstance(answer, bool):
        return judge_label(answer)
    if qtype in ("single", "multiple") and isinstance(answer, str):
        return _letters(answer)
    if qtype == "fill":
        blanks = answer if isinstance(answer, (list, tuple)) else [answer]
        return BLANKS.join(blank_label(b) for b in blanks)
    return _plain(answer)


def response_label(qtype: str | None, response) -> str:
    """What an examinee answered: A / AC, 正确 / 错误, or his fill text (blanks joined by "；")."""
    if response is None or response == "" or response == []:
        return UNANSWERED
    if isinstance(response, bool):
        return judge_label(response)
    if qtype in ("single", "multiple") and isinstance(response, str):
        return _letters(response) or UNANSWERED
    if isinstance(response, (list, tuple)):
        parts = [_plain(r) for r in response]
        if not any(parts):
            return UNANSWERED
        return BLANKS.join(part or EMPTY_BLANK for part in parts)
    return _plain(response) or UNANSWERED


def stored_response_label(qtype: str | None, raw: str | None) -> str:
    """``response_label`` of a response as the database returns it, JSON text."""
    if raw is None:
        return UNANSWERED
    try:
        value = json.loads(raw)
    except ValueError:
        return str(raw).strip() or UNANSWERED
    return response_label(qtype, value)
