"""Draws from the roster in the database, on SQLite and PostgreSQL, by the command line."""
import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from examsite import clock
from examsite.models import AuditLog, Draw, DrawMember, Staff
from examsite.roster.services import tree_rows
from examsite.sampling import services
from examsite.sampling.sampler import SampleError

from .. import factories


@pytest.fixture
def roster(db):
    clock.freeze(datetime(2026, 6, 1, 1, 0))
    units = ["城南区/城关镇/党政办", "城南区/城关镇/经济发展办", "城南区/东岗镇/党政办", "城南区/区财政局"]
    for n in range(1, 121):
        factories.staff(f"{n:05d}", f"人员{n}", units[n % 4], ["乡科级", "一般干部"][n % 2],
                        position="科长" if n % 10 == 0 else "科员")
    db.session.commit()


def request(**kwargs):
    return services.DrawRequest(**{"seed": "20260601", **kwargs})


def test_same_seed_same_list_on_either_database(roster, db):
    first = services.run(request(size=10))[1]
    assert services.run(request(size=10))[1] == first
    # the list is a pure function of seed and population: the same on SQLite and PostgreSQL
    people = services.population(request(size=10))
    from examsite.sampling.sampler import draw

    assert draw(people, "20260601", 10) == first
    assert len(set(first)) == 10


def test_filters_units_tiers_positions(roster, db):
    people = services.population(request(unit_paths=["城南区/城关镇"], tiers=["乡科级"], size=1))
    staff = {s.staff_no: s for s in db.session.scalars(select(Staff))}
    assert people and all(staff[p.staff_no].unit.path.startswith("城南区/城关镇") for p in people)
    assert all(staff[p.staff_no].tier.name == "乡科级" for p in people)
    assert {p.stratum for p in people} == {"城南区/城关镇"}
    heads = services.population(request(position_words=["科长"], size=1))
    assert len(heads) == 12


def test_stratified_and_per_unit(roster, db):
    units = ["城南区/城关镇", "城南区/东岗镇", "城南区/区财政局"]
    people, chosen, _ = services.run(request(unit_paths=units, size=12, stratify=True))
    by_no = {p.staff_no: p.stratum for p in people}
    assert {u: sum(1 for c in chosen if by_no[c] == u) for u in units} == {
        "城南区/城关镇": 6, "城南区/东岗镇": 3, "城南区/区财政局": 3}
    _, chosen, _ = services.run(request(unit_paths=units, per_unit=2))
    assert len(chosen) == 6


def test_stored_draw_verifies_and_notices_a_changed_roster(roster, db, runner):
    stored = services.make_draw(request(size=8, unit_paths=["城南区/城关镇"]))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(DrawMember)) == 8
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "draw.create"))
    assert entry.detail["seed"] == "20260601" and len(entry.detail["chosen"]) == 8
    result = runner.invoke(args=["sample", "verify", str(stored.id)])
    assert result.exit_code == 0 and "重新抽取的名单与保存的名单一致" in result.output
    assert "现在的花名册得出同一总体" in result.output

    factories.staff("99999", "新调入", "城南区/城关镇/党政办")
    db.session.commit()
    result = runner.invoke(args=["sample", "verify", str(stored.id)])
    assert result.exit_code == 0 and "总体已经不同" in result.output

    db.session.delete(db.session.scalar(select(DrawMember).where(DrawMember.draw_id == stored.id,
                                                                 DrawMember.position == 1)))
    db.session.commit()
    result = runner.invoke(args=["sample", "verify", str(stored.id)])
    assert result.exit_code == 1 and "不一致" in result.output


def test_exclude_recently_drawn(roster, db):
    first = services.make_draw(request(size=30))
    db.session.commit()
    clock.freeze(datetime(2026, 6, 5, 1, 0))
    drawn = {m.staff.staff_no for m in first.members}
    people = services.population(request(size=1, exclude_days=10))
    assert len(people) == 90 and not drawn & {p.staff_no for p in people}
    clock.freeze(datetime(2026, 6, 20, 1, 0))
    assert len(services.population(request(size=1, exclude_days=10))) == 120


@pytest.mark.parametrize("kwargs, message", [
    ({"size": 500}, "要抽取 500 人，但符合条件的只有 120 人"),
    ({"size": 5, "tiers": ["县处级"]}, "没有选出任何人员"),
    ({"proportion": 1.5}, "抽取比例必须大于 0 且不超过 1"),
    ({"size": 5, "unit_paths": ["城南区/不存在的镇"]}, "单位“城南区/不存在的镇”不存在"),
    ({"size": 5, "tiers": ["厅级"]}, "干部层级“厅级”不存在"),
    ({}, "请在“总人数”“每个单位人数”“比例”中选择一种抽取方式"),
])
def test_bad_requests_store_nothing(roster, db, kwargs, message):
    with pytest.raises(SampleError, match=message):
        services.make_draw(request(**kwargs))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Draw.id))) == 0


def test_cli_draw_json_is_identical_across_runs(roster, runner, db):
    args = ["sample", "draw", "--units", "城南区/城关镇", "--tiers", "一般干部", "--size", "5",
            "--seed", "福彩3D 2026153 528", "--json"]
    first = json.loads(runner.invoke(args=args).output)
    second = json.loads(runner.invoke(args=args).output)
    assert first == second and len(first["chosen"]) == 5 and first["algorithm"] == "hash-rank-v1"
    assert db.session.scalar(select(func.count(Draw.id))) == 0
    bad = runner.invoke(args=["sample", "draw", "--size", "1000", "--seed", "x"])
    assert bad.exit_code != 0 and "符合条件的只有 120 人" in bad.output
    saved = runner.invoke(args=args + ["--save"])
    assert json.loads(saved.output)["chosen"] == first["chosen"]
    assert db.session.scalar(select(func.count(Draw.id))) == 1


def test_generated_seed_is_shown(roster, runner):
    output = runner.invoke(args=["sample", "draw", "--size", "3"]).output
    assert "种子：" in output and len(output.split("种子：")[1].split("（")[0]) == 32


def test_draw_after_reimport_in_another_row_order(roster, db):
    before = services.run(request(size=10))[1]
    rows = db.session.scalars(select(Staff).order_by(Staff.staff_no.desc())).all()
    snapshot = [(s.staff_no, s.name, s.unit_id, s.tier_id, s.position) for s in rows]
    db.session.execute(Staff.__table__.delete())
    db.session.commit()
    db.session.expunge_all()
    for staff_no, name, unit_id, tier_id, position in snapshot:  # re-created in reverse order
        db.session.add(Staff(staff_no=staff_no, name=name, unit_id=unit_id, tier_id=tier_id, position=position))
    db.session.commit()
    assert services.run(request(size=10))[1] == before


def test_exclude_staff_already_assigned_to_the_test(roster, db):
    from examsite.sampling import slips

    factories.bank()
    exam = factories.exam(title="抽测", mode="sample", tiers=("乡科级", "一般干部"))
    first = services.make_draw(request(size=20))
    slips.assign(first, exam)
    db.session.commit()
    clock.freeze(datetime(2026, 6, 1, 2, 0))
    drawn = {m.staff.staff_no for m in first.members}
    people = services.population(request(size=1, exclude_exam=exam.id))
    assert len(people) == 100 and not drawn & {p.staff_no for p in people}
    second = services.make_draw(request(size=10, exclude_exam=exam.id, seed="another"))
    db.session.commit()
    assert services.verify(second).ok and services.verify(second).roster_unchanged


def test_units_with_or_without_their_sub_units(roster, db, runner):
    factories.staff("88888", "镇长", "城南区/城关镇", "乡科级")
    db.session.commit()
    whole = services.population(request(unit_paths=["城南区/城关镇"], size=1))
    own = services.population(request(unit_paths=["城南区/城关镇"], subunits=False, size=1))
    assert len(whole) == 61 and [p.staff_no for p in own] == ["88888"]
    output = runner.invoke(args=["sample", "draw", "--units", "城南区/城关镇", "--no-subunits", "--size", "1",
                                 "--seed", "s", "--json"]).output
    assert json.loads(output)["chosen"] == ["88888"]


def test_a_trial_stores_no_draw_and_its_confirmation_gives_the_same_list(roster, db):
    units = ["城南区/城关镇", "城南区/东岗镇", "城南区/区财政局"]
    shown = services.trial(request(unit_paths=units, size=12, stratify=True, seed=None))
    db.session.commit()
    assert db.session.scalar(select(func.count(Draw.id))) == 0
    assert shown.population_size == 120 and len(shown.seed) == 32  # a generated seed
    assert {s: (size, drawn) for s, size, drawn in shown.shares} == {
        "城南区/城关镇": (60, 6), "城南区/东岗镇": (30, 3), "城南区/区财政局": (30, 3)}
    in_tree = [unit.path for unit, _ in tree_rows()]
    assert [s for s, _, _ in shown.shares] == [path for path in in_tree if path in units]  # in the tree's order
    staff = {s.staff_no: s for s in db.session.scalars(select(Staff))}
    assert len(shown.members) == 12 and [m.position for m in shown.members] == list(range(1, 13))
    for member in shown.members:
        person = staff[member.staff_no]
        assert (member.name, member.unit, member.tier) == (person.name, person.unit.path, person.tier.name)
    noted = db.session.scalar(select(AuditLog).where(AuditLog.action == "draw.trial"))
    assert noted.detail["seed"] == shown.seed and noted.detail["chosen"] == [m.staff_no for m in shown.members]
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "draw.create")) == 0

    again = request(unit_paths=units, size=12, stratify=True, seed=shown.seed)
    made = services.confirm_trial(again, shown.key, shown.population_hash)
    db.session.commit()
    assert [m.staff.staff_no for m in made.members] == [m.staff_no for m in shown.members]
    assert made.seed == shown.seed and made.population_hash == shown.population_hash
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "draw.create")) == 1


def test_a_confirmation_after_the_roster_changed_is_refused_with_the_new_trial(roster, db):
    shown = services.trial(request(unit_paths=["城南区/城关镇"], size=5))
    db.session.commit()
    factories.staff("77777", "新调入", "城南区/城关镇/党政办")
    db.session.commit()
    with pytest.raises(services.TrialOutdated, match="花名册有变化.*现在共 61 人") as refused:
        services.confirm_trial(request(unit_paths=["城南区/城关镇"], size=5), shown.key, shown.population_hash)
    newer = refused.value.trial
    assert newer.population_size == 61 and newer.population_hash != shown.population_hash
    assert newer.seed == shown.seed and newer.key == shown.key
    db.session.commit()
    assert db.session.scalar(select(func.count(Draw.id))) == 0
    # confirming the new trial saves it
    made = services.confirm_trial(request(unit_paths=["城南区/城关镇"], size=5), newer.key, newer.population_hash)
    assert [m.staff.staff_no for m in made.members] == [m.staff_no for m in newer.members]


def test_a_confirmation_with_other_conditions_or_seed_is_refused(roster, db):
    shown = services.trial(request(size=5))
    for changed in (request(size=6), request(size=5, seed="other"), request(size=5, tiers=["乡科级"])):
        with pytest.raises(services.TrialOutdated, match="修改了条件或种子") as refused:
            services.confirm_trial(changed, shown.key, shown.population_hash)
        assert refused.value.trial.request.to_json() == changed.to_json()
    with pytest.raises(SampleError, match="请先点“试抽（不保存）”"):
        services.confirm_trial(request(size=5), "", shown.population_hash)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Draw.id))) == 0


def test_outermost_units_only():
    assert services.outermost(["城南区/城关镇", "城南区/城关镇/党政办", "城南区/东岗镇/党政办", "城南区/城关镇"]) == [
        "城南区/城关镇", "城南区/东岗镇/党政办"]
    assert services.outermost(["城南区/城关镇2", "城南区/城关镇"]) == ["城南区/城关镇2", "城南区/城关镇"]


def test_verify_prints_the_conditions(roster, db, runner):
    stored = services.make_draw(request(size=4, unit_paths=["城南区/城关镇"], tiers=["乡科级"]))
    db.session.commit()
    output = runner.invoke(args=["sample", "verify", str(stored.id)]).output
    assert "条件：城南区/城关镇（含下级单位）中乡科级的人员；随机抽取 4 人" in output
