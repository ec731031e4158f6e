"""单选题: one right option among several."""
import re

from .lettered import Lettered


class Single(Lettered):
    name = "single"
    label = "单选题"
    short = "单选"
    heading = re.compile(r"单项选择|单选")
    heading_rank = 20
    one_letter = True

    def check_count(self, letters, report):
        if len(letters) > 1:
            report.error(f"单选题有 {len(letters)} 个答案（{letters}）。")


TYPE = Single()
