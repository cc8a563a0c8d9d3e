"""The split of a 参与分配 plan: who gets what of the amount distributed (docs/rules.md §12).

Order (民诉法解释 art.508): the costs of enforcement first, then the secured claims, then the
statutory-priority claims, then the ordinary claims pro rata. A class the money covers is paid in
full; the class the money runs out in shares what is left pro rata to its claims; the classes
after it get nothing. Rounding is to the fen by the largest-remainder rule: every claim gets the
floor of its exact share in fen, and the fen left over go one each to the largest fractional
remainders (ties: the case that joined first), so the shares add up to the amount EXACTLY.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class ClaimClass(StrEnum):
    """The rank of a claim in a distribution (民诉法解释 arts.506, 508)."""

    COSTS = "costs"  # 执行费用: the costs of enforcement
    SECURED = "secured"  # 担保物权: a security right in the property distributed
    PRIORITY = "priority"  # 优先权: a statutory priority (e.g. construction price, wages)
    ORDINARY = "ordinary"  # 普通债权: shares pro rata


ORDER = (ClaimClass.COSTS, ClaimClass.SECURED, ClaimClass.PRIORITY, ClaimClass.ORDINARY)
FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> int:
    """An amount in yuan (at most two decimals) as whole fen."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} has more than two decimals")
    return int(fen)


def pro_rata(fen: int, claims: Sequence[int]) -> list[int]:
    """``fen`` shared in proportion to ``claims`` (in fen), largest-remainder rounding: the
    result adds up to ``fen`` exactly; no share exceeds its claim when ``fen`` ≤ the total."""
    total = sum(claims)
    if total <= 0 or fen <= 0:
        return [0] * len(claims)
    exact = [Fraction(fen * c, total) for c in claims]
    floors = [int(x) for x in exact]  # non-negative: int() is the floor
    left = fen - sum(floors)
    ranked = sorted(range(len(claims)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in ranked[:left]:
        floors[i] += 1
    return floors


def split(amount: Decimal, claims: Sequence[tuple[ClaimClass, Decimal]]) -> list[Decimal]:
    """Each claim's share of ``amount`` (same order as ``claims``, given in the order the cases
    joined): classes in ORDER, pro rata inside the class the money runs out in. The shares add
    up to ``min(amount, total of the claims)`` exactly (what is left beyond every claim is the
    debtor's and is not shared)."""
    left = to_fen(amount)
    shares = [0] * len(claims)
    for rank in ORDER:
        members = [i for i, (cls, _) in enumerate(claims) if cls is rank]
        owed = [to_fen(claims[i][1]) for i in members]
        parts = owed if sum(owed) <= left else pro_rata(left, owed)
        for i, part in zip(members, parts, strict=True):
            shares[i] = part
        left -= sum(parts)
    return [(Decimal(s) / 100).quantize(FEN) for s in shares]
