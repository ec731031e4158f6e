"""多选题: several right options; 多选、少选、错选均不得分 unless the plan gives half for a correct subset."""
import re

from .base import PARTIAL, Mark
from .lettered import Lettered, response_letters


class Multiple(Lettered):
    name = "multiple"
    label = "多选题"
    short = "多选"
    heading = re.compile(r"多项选择|多选|不定项")
    heading_rank = 10

    def check_count(self, letters, report):
        if len(letters) == 1:
            report.warning("多选题只有一个正确答案，请确认。")

    def grade(self, key, response, points, scoring) -> Mark:
        chosen = set(response_letters(response))
        if chosen == set(key):
            return Mark(points, True)
        if scoring == PARTIAL and chosen and chosen < set(key):
            return Mark(points / 2, False)
        return Mark(0.0, False)


TYPE = Multiple()
