"""The verifiable random draw of staff (随机抽测). Pure: no Flask, no database.

Algorithm "hash-rank-v1", written so that anyone can re-run it by hand or in a spreadsheet:

1. The population is the list of (工号, stratum) pairs, sorted by 工号. Its fingerprint is
   SHA-256 over the UTF-8 lines ``工号<TAB>stratum``, joined by ``\\n``.
2. Each person's ticket is SHA-256 of the UTF-8 text ``seed + ":" + 工号``, read as a
   256-bit unsigned number. Tickets are uniform and independent of everyone else's, so
   drawing the k smallest tickets gives every set of k people the same chance.
3. Without strata, the k people with the smallest tickets are drawn. With strata, each
   stratum's size is allotted first (largest remainder, ties broken by stratum name), then
   each stratum draws its smallest tickets. The drawn list is in ticket order.

Nothing depends on the order rows came from the database, on the machine, or on Python's
own random module, whose algorithms may change between versions.
"""
import hashlib
import heapq
from typing import NamedTuple
from fractions import Fraction

ALGORITHM_VERSION = "hash-rank-v1"


class SampleError(ValueError):
    """A draw that cannot be made as asked; the message is for the admin."""


class Person(NamedTuple):
    """One member of the population; a tuple, so a list of them sorts by 工号 natively."""

    staff_no: str
    stratum: str = ""


def population_text(people: list[Person]) -> str:
    """The population as the lines its fingerprint is taken over, sorted by 工号."""
    return "\n".join(f"{staff_no}\t{stratum}" for staff_no, stratum in sorted(people))


def population_hash(people: list[Person], text: str | None = None) -> str:
    text = population_text(people) if text is None else text
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ticket(seed: str, staff_no: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{staff_no}".encode("utf-8")).digest(), "big")


def _tickets(seed: str, people: list[Person]) -> list[tuple[bytes, str, str]]:
    """(ticket digest, 工号, stratum) for everyone. Digests compare as their big-endian numbers do,
    and the seed's hash state is computed once and copied: this runs for every person."""
    start = hashlib.sha256(f"{seed}:".encode("utf-8"))
    result = []
    append, copy = result.append, start.copy
    for person in people:
        state = copy()
        state.update(person.staff_no.encode("utf-8"))
        append((state.digest(), person.staff_no, person.stratum))
    return result


def allot(sizes: dict[str, int], total: int, at_least_one: bool = False) -> dict[str, int]:
    """Share ``total`` among strata in proportion to their sizes; the shares sum to ``total``.

    Largest remainder: each stratum first gets the whole part of its quota, the rest go to the
    largest fractional parts (ties by stratum name). With ``at_least_one`` every non-empty
    stratum gets one first, which needs ``total`` at least the number of non-empty strata.
    """
    strata = sorted(s for s, n in sizes.items() if n > 0)
    population = sum(sizes[s] for s in strata)
    if total > population:
        raise SampleError(f"要抽取 {total} 人，但符合条件的只有 {population} 人。")
    if total < 0:
        raise SampleError("抽取人数不能为负数。")
    shares = dict.fromkeys(sizes, 0)
    if at_least_one:
        if total < len(strata):
            raise SampleError(f"要求每个单位至少抽 1 人，共有 {len(strata)} 个单位，抽取人数至少为 {len(strata)}。")
        for s in strata:
            shares[s] = 1
        remaining = {s: sizes[s] - 1 for s in strata}
        left = total - len(strata)
    else:
        remaining = {s: sizes[s] for s in strata}
        left = total
    pool = sum(remaining.values())
    if left == 0 or pool == 0:
        return shares
    quotas = {s: Fraction(left * remaining[s], pool) for s in strata}
    for s in strata:
        shares[s] += int(quotas[s])
    rest = left - sum(int(q) for q in quotas.values())
    for s in sorted(strata, key=lambda s: (-(quotas[s] - int(quotas[s])), s))[:rest]:
        shares[s] += 1
    return shares


def draw(people: list[Person], seed: str, shares: dict[str, int] | int) -> list[str]:
    """The drawn 工号, in ticket order. ``shares`` is a total, or a number per stratum."""
    if not seed:
        raise SampleError("种子不能为空。")
    tickets = _tickets(seed, people)
    if isinstance(shares, int):
        if shares > len(people):
            raise SampleError(f"要抽取 {shares} 人，但符合条件的只有 {len(people)} 人。")
        return [staff_no for _, staff_no, _ in heapq.nsmallest(shares, tickets)]
    by_stratum: dict[str, list[tuple[bytes, str, str]]] = {stratum: [] for stratum in shares}
    for entry in tickets:
        group = by_stratum.get(entry[2])
        if group is not None:
            group.append(entry)
    chosen = []
    for stratum in sorted(shares):
        wanted, pool = shares[stratum], by_stratum.get(stratum, [])
        if len(pool) < wanted:
            raise SampleError(f"单位“{stratum}”要抽 {wanted} 人，但符合条件的只有 {len(pool)} 人。")
        chosen.extend(heapq.nsmallest(wanted, pool))
    return [staff_no for _, staff_no, _ in sorted(chosen)]


def strata_sizes(people: list[Person]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for person in people:
        sizes[person.stratum] = sizes.get(person.stratum, 0) + 1
    return sizes


def proportional(people: list[Person], proportion: float, at_least_one: bool = False) -> dict[str, int]:
    """Shares for drawing ``proportion`` of each stratum; the total is rounded half up."""
    if not 0 < proportion <= 1:
        raise SampleError("抽取比例必须大于 0 且不超过 1（如 0.1 表示 10%）。")
    sizes = strata_sizes(people)
    total = int(Fraction(proportion).limit_denominator(10**6) * len(people) + Fraction(1, 2))
    return allot(sizes, max(total, len([s for s in sizes if sizes[s]]) if at_least_one else total), at_least_one)
