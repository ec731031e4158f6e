"""Answer keys and examinees' responses written as people read them. Pure.

A choice is its option letters (A, AC), a judge is 正确 or 错误, a fill answer is its text: the
accepted alternatives of one blank joined by " / ", the blanks joined by "；". Never a JSON list
or a Python repr, whatever shape a stored value has. Each question type writes its own
(examsite.qtypes); a type no one knows is written as plain text.
"""
import json

from .. import qtypes
from ..qtypes.base import (  # noqa: F401 (the names results have always used)
    ALTERNATIVES, BLANKS, EMPTY_BLANK, FALSE_LABEL, GENERIC, TRUE_LABEL, UNANSWERED, blank_label, judge_label,
)


def _kind(qtype: str | None) -> qtypes.QuestionType:
    return qtypes.find(qtype) or GENERIC


def key_label(qtype: str | None, answer) -> str:
    """A question's key: A / AC, 正确 / 错误, or 五 / 5；纪律 for a fill question of two blanks."""
    if answer is None or answer == "" or answer == []:
        return ""
    return _kind(qtype).key_label(answer)


def response_label(qtype: str | None, response) -> str:
    """What an examinee answered: A / AC, 正确 / 错误, or his fill text (blanks joined by "；")."""
    if response is None or response == "" or response == []:
        return UNANSWERED
    return _kind(qtype).response_label(response)


def stored_response_label(qtype: str | None, raw: str | None) -> str:
    """``response_label`` of a response as the database returns it, JSON text."""
    if raw is None:
        return UNANSWERED
    try:
        value = json.loads(raw)
    except ValueError:
        return str(raw).strip() or UNANSWERED
    return response_label(qtype, value)
