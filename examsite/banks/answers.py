"""Reading answers as banks write them. Pure.

Each question type reads its own answers (examsite.qtypes); these are their readers under the
names the importer has always used.
"""
from ..qtypes.fill import BLANK_RE, parse_fill_answer
from ..qtypes.judge import JUDGE_FALSE, JUDGE_TRUE, parse_judge_answer
from ..qtypes.lettered import parse_choice_answer

__all__ = ["BLANK_RE", "JUDGE_FALSE", "JUDGE_TRUE", "parse_choice_answer", "parse_fill_answer", "parse_judge_answer"]
