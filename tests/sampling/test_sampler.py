"""The draw algorithm: reproducible, fair, and as documented."""
import hashlib
import random

import pytest

from examsite.sampling.sampler import (
    Person, SampleError, allot, draw, population_hash, proportional, strata_sizes,
)

PEOPLE = [Person(f"{n:04d}", ["城关镇", "东岗镇", "区财政局"][n % 3]) for n in range(1, 61)]


def test_same_seed_same_list_whatever_the_row_order():
    shuffled = PEOPLE[:]
    random.Random(7).shuffle(shuffled)
    assert draw(PEOPLE, "2026年6月1日福彩3D 528", 10) == draw(shuffled, "2026年6月1日福彩3D 528", 10)
    assert draw(PEOPLE, "种子A", 10) != draw(PEOPLE, "种子B", 10)


def test_the_documented_algorithm_by_hand():
    seed = "20260601"
    by_hand = sorted(PEOPLE, key=lambda p: hashlib.sha256(f"{seed}:{p.staff_no}".encode()).hexdigest())
    assert draw(PEOPLE, seed, 7) == [p.staff_no for p in by_hand[:7]]
    lines = "\n".join(f"{p.staff_no}\t{p.stratum}" for p in PEOPLE)
    assert population_hash(list(reversed(PEOPLE))) == hashlib.sha256(lines.encode()).hexdigest()


def test_population_hash_notices_any_change():
    moved = PEOPLE[:-1] + [Person(PEOPLE[-1].staff_no, "新设单位")]
    assert population_hash(moved) != population_hash(PEOPLE)
    assert population_hash(PEOPLE[:-1]) != population_hash(PEOPLE)


def test_allot_by_largest_remainder_with_ties_by_name():
    shares = allot({"A": 5, "B": 3, "C": 2}, 5)
    assert shares == {"A": 3, "B": 1, "C": 1}  # quotas 2.5, 1.5, 1.0: the .5 tie goes to A
    assert sum(allot({"A": 7, "B": 11, "C": 13, "D": 0}, 9).values()) == 9


@pytest.mark.parametrize("total", [3, 4, 10, 17, 30])
def test_allot_at_least_one_per_non_empty_stratum(total):
    sizes = {"大局": 100, "小所": 2, "中心": 1, "空科室": 0}
    shares = allot(sizes, total, at_least_one=True)
    assert sum(shares.values()) == total
    assert shares["小所"] >= 1 and shares["中心"] >= 1 and shares["空科室"] == 0
    assert all(shares[s] <= sizes[s] for s in sizes)


def test_stratified_draw_takes_each_share_from_its_stratum():
    shares = {"城关镇": 3, "东岗镇": 2, "区财政局": 1}
    chosen = draw(PEOPLE, "seed", shares)
    by_no = {p.staff_no: p.stratum for p in PEOPLE}
    assert {s: sum(1 for no in chosen if by_no[no] == s) for s in shares} == shares


def test_proportion_rounds_half_up_and_sums():
    shares = proportional(PEOPLE, 0.1)
    assert sum(shares.values()) == 6 and shares == {"城关镇": 2, "东岗镇": 2, "区财政局": 2}


@pytest.mark.parametrize("call, message", [
    (lambda: draw(PEOPLE, "s", 61), "要抽取 61 人，但符合条件的只有 60 人"),
    (lambda: draw(PEOPLE, "", 3), "种子不能为空"),
    (lambda: proportional(PEOPLE, 1.5), "抽取比例必须大于 0 且不超过 1"),
    (lambda: proportional(PEOPLE, 0), "抽取比例必须大于 0 且不超过 1"),
    (lambda: allot({"A": 3, "B": 3, "C": 3}, 2, at_least_one=True), "抽取人数至少为 3"),
    (lambda: draw(PEOPLE, "s", {"城关镇": 21}), "单位“城关镇”要抽 21 人，但符合条件的只有 20 人"),
])
def test_impossible_draws_say_why(call, message):
    with pytest.raises(SampleError, match=message):
        call()


def test_every_person_is_drawn_with_the_expected_probability():
    """Chi-square over 2,000 fixed seeds: 5 of 20 drawn, each expected 500 times."""
    people = [Person(f"P{n:02d}") for n in range(20)]
    counts = dict.fromkeys((p.staff_no for p in people), 0)
    for n in range(2000):
        for staff_no in draw(people, f"seed-{n}", 5):
            counts[staff_no] += 1
    expected = 2000 * 5 / 20
    chi_square = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi_square < 43.82  # df = 19, p = 0.001


def test_stratified_draw_is_uniform_within_strata():
    people = [Person(f"S{n:02d}", "甲" if n < 12 else "乙") for n in range(20)]
    counts = dict.fromkeys((p.staff_no for p in people), 0)
    for n in range(1200):
        for staff_no in draw(people, f"seed-{n}", {"甲": 3, "乙": 2}):
            counts[staff_no] += 1
    for stratum, size, share, critical in (("甲", 12, 3, 31.26), ("乙", 8, 2, 24.32)):  # df 11 / 7, p = 0.001
        expected = 1200 * share / size
        observed = [counts[p.staff_no] for p in people if p.stratum == stratum]
        assert sum((c - expected) ** 2 / expected for c in observed) < critical


def test_strata_sizes():
    assert strata_sizes(PEOPLE) == {"东岗镇": 20, "城关镇": 20, "区财政局": 20}
