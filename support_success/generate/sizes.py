"""Dataset sizes: how many customers and tickets each ``--size`` makes.

Every size covers the same 36 months (``timeline.WINDOW_START`` to ``WINDOW_END``);
sizes differ in the number of customer accounts and in the ticket volume, which is
calibrated so the expected ticket count hits ``tickets`` exactly on average.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    customers: int
    tickets: int
    description: str


SIZES: dict[str, Size] = {
    "demo": Size("demo", 220, 2_000, "demo: ~2k tickets, 220 customers, a few seconds"),
    "s": Size("s", 2_500, 50_000, "small: 50k tickets, 2.5k customers"),
    "m": Size("m", 8_000, 250_000, "medium: 250k tickets, 8k customers"),
    "l": Size("l", 20_000, 1_000_000, "large: 1M tickets, 20k customers, ~8M comments"),
    # Internal, for fast tests only (not offered by the CLI help).
    "xs": Size("xs", 120, 600, "tiny: for unit tests"),
}
