"""Both sittings on a first test's results: its make-up tests (补测), each person's make-up
score and the score that counts under the campaign's rule (campaigns.standings does the
counting; this only picks it up for the result pages and the export)."""
from dataclasses import dataclass

from ..campaigns.counting import RULES
from ..campaigns.figures import Figures, figures_of
from ..campaigns.standings import Standing, first_test, root_of, standings, tests_by_id
from ..models import Exam
from .services import Results


@dataclass
class Sittings:
    """A first test's make-ups and, per person, what counts (standings by staff id)."""

    makeups: list[Exam]
    rule: str  # the rule's wording (counting.RULES)
    by_staff: dict[int, Standing]

    def of(self, staff_id: int) -> Standing | None:
        return self.by_staff.get(staff_id)

    def figures(self, result: Results) -> Figures:
        """The counted figures of the people ``result`` shows (a liaison: his units)."""
        return figures_of(self.by_staff[r.staff_id] for r in result.rows if r.staff_id in self.by_staff)


def sittings(exam: Exam) -> Sittings | None:
    """For a campaign's first-sitting test with make-ups; None for any other test."""
    if exam.campaign_id is None or exam.makeup_of_id is not None:
        return None
    every = tests_by_id(exam)
    makeups = sorted((e for e in every.values() if e.makeup_of_id is not None and root_of(e, every).id == exam.id),
                     key=lambda e: (e.opens_at, e.id))
    if not makeups:
        return None
    rows = standings(exam.campaign, [exam])
    return Sittings(makeups, RULES[exam.campaign.makeup_rule], {row.staff_id: row for row in rows})


def first_of(exam: Exam) -> Exam | None:
    """The first-sitting test a make-up belongs to; None for a test that is no make-up."""
    return first_test(exam) if exam.makeup_of_id is not None else None
