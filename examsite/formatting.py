"""Numbers as pages, notices and exports write them."""


def percent(share: float | None) -> str:
    """0.856 → 85.6%; a dash when there is none (nobody to divide by)."""
    return "—" if share is None else f"{share * 100:.1f}%"


def points(value) -> str:
    """A score without a trailing .0 (85, 85.5); a dash when there is none."""
    return "—" if value is None else f"{float(value):.2f}".rstrip("0").rstrip(".")
