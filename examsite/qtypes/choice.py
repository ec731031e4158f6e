"""选择题 under a heading that does not say which: single or multiple, told apart by the answer.
Never stored: a question settles into 单选题 or 多选题."""
import re

from .lettered import Lettered


class Choice(Lettered):
    name = "choice"
    label = "选择题"
    short = "选择"
    heading = re.compile(r"选择")
    heading_rank = 90  # after 单项选择 and 多项选择
    guess_rank = 10  # a question with options, under no heading
    stored = False

    def guess(self, options, answer_text, stem):
        return bool(options)

    def resolve(self, letters):
        from . import get

        return get("single" if len(letters) == 1 else "multiple")


TYPE = Choice()
