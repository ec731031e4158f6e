"""What a notice shows, fixed as plain data when it is published. Pure.

The public page renders only from the snapshot, so a regrade, a roster change or an edited
question never alters a published notice (DESIGN invariant 6).
"""
from dataclasses import dataclass

from ..clock import to_local
from ..formatting import percent, points
from ..results.services import Results
from ..results.statistics import Summary
from ..masking import mask_text


@dataclass
class NoticeDraft:
    title: str
    intro: str
    include_units: bool = True
    include_tiers: bool = True
    include_chart: bool = True
    include_failed: bool = False
    include_absent: bool = False


def default_draft(result: Results) -> NoticeDraft:
    exam, overall = result.exam, result.overall()
    opens, closes = to_local(exam.opens_at), to_local(exam.closes_at)
    intro = (f"{opens:%Y年%-m月%-d日}至{closes:%-m月%-d日}，组织开展了“{exam.title}”。应参加 {overall.assigned} 人，"
             f"实际交卷 {overall.submitted} 人，参与率 {percent(overall.participation)}；及格 {overall.passed} 人，"
             f"及格率 {percent(overall.pass_rate)}，平均分 {points(overall.average)} 分。现将有关情况通报如下。")
    return NoticeDraft(title=f"关于“{exam.title}”情况的通报", intro=intro)


def build_snapshot(result: Results, draft: NoticeDraft) -> dict:
    """Everything the notice page shows, as JSON-ready data, masked."""
    exam = result.exam
    snapshot = {
        "exam_title": exam.title,
        "opens_at": to_local(exam.opens_at).strftime("%Y-%m-%d %H:%M"),
        "closes_at": to_local(exam.closes_at).strftime("%Y-%m-%d %H:%M"),
        "intro": mask_text(draft.intro.strip()),
        "full_marks": result.full_marks,
        "overall": summary_data(result.overall()),
    }
    if result.bands is not None:  # a campaign's test: the band of each paper, counted
        snapshot["bands"] = {"counts": result.band_counts(), "rule": result.bands.describe()}
        if draft.include_units:
            snapshot["bands"]["units"] = [[name, counts] for name, counts in result.band_counts_by_unit()]
    if draft.include_units:
        snapshot["units"] = [[name, summary_data(summary)] for name, summary in result.by_unit()]
    if draft.include_tiers:
        snapshot["tiers"] = [[name, summary_data(summary)] for name, summary in result.by_tier()]
    if draft.include_chart:
        snapshot["bins"] = [{"label": b.label, "count": b.count} for b in result.distribution()]
    if draft.include_failed:
        snapshot["failed"] = [_person(r) | {"score": r.score} | ({"band": r.band} if result.bands else {})
                              for r in result.failed()]
    if draft.include_absent:
        snapshot["absent"] = [_person(r) for r in result.absent()]
    return snapshot


def summary_data(summary: Summary) -> dict:
    return {"assigned": summary.assigned, "started": summary.started, "submitted": summary.submitted,
            "absent": summary.absent, "participation": summary.participation, "average": summary.average,
            "median": summary.median, "passed": summary.passed, "pass_rate": summary.pass_rate}


def _person(row) -> dict:
    # no 工号 in a public notice: unit, name and tier say who is meant
    return {"unit": mask_text(row.unit_path), "name": mask_text(row.name), "tier": row.tier}
