"""Score bands (优秀 / 良好 / 合格 / 不合格) of a campaign. Pure.

Cut-offs are percentages of the paper's full marks (百分制), so tiers and units whose papers
are worth different totals are banded alike. A paper that did not reach its plan's pass mark is
不合格 whatever its percentage: the plan's pass mark decides passing, the bands only grade it.
"""
from dataclasses import dataclass

EXCELLENT, GOOD, PASS, FAIL = "优秀", "良好", "合格", "不合格"
BANDS = (EXCELLENT, GOOD, PASS, FAIL)


@dataclass(frozen=True)
class Bands:
    excellent: float = 90
    good: float = 80
    pass_: float = 60

    @classmethod
    def of(cls, campaign) -> "Bands":
        """The bands of a campaign (anything with band_excellent, band_good, band_pass)."""
        return cls(float(campaign.band_excellent), float(campaign.band_good), float(campaign.band_pass))

    def band(self, score: float | None, full_marks: float, passed: bool | None) -> str | None:
        """The band of a graded paper; None for no score."""
        if score is None:
            return None
        if not passed:
            return FAIL
        share = percent(score, full_marks)
        if share >= self.excellent:
            return EXCELLENT
        if share >= self.good:
            return GOOD
        return PASS

    def describe(self) -> str:
        return (f"优秀 ≥ {self.excellent:g}，良好 ≥ {self.good:g}，合格 ≥ 及格分，"
                f"不合格 < 及格分（百分制，得分 ÷ 满分 × 100）")


def percent(score: float, full_marks: float) -> float:
    """A score as a percentage of full marks (百分制), 0 for a paper worth nothing."""
    return round(score * 100 / full_marks, 2) if full_marks else 0.0


def band_of(exam, score: float | None, full_marks: float, passed: bool | None) -> str | None:
    """The band of a score on ``exam``: its campaign's, or None for a test of no campaign."""
    campaign = getattr(exam, "campaign", None)
    return Bands.of(campaign).band(score, full_marks, passed) if campaign is not None else None
