"""Deterministic, realistic raw data for the warehouse: helpdesk, billing, product.

    from support_success.generate import SIZES, generate
    report = generate(size="demo", seed=42, out=Path("data/generated/demo-42"), defect_rate=0.002)
    print(report.summary())

Writes one ``<schema>.<table>.parquet`` per table of ``support_success.contract``
(columns and landed types exactly as the contract says) and ``_defects.csv``, the
record of every injected dirty row. The same size, seed and defect rate always give
the same data. How the world is simulated, and every defect kind with what the
pipeline is expected to do with it: docs/generator.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from support_success import contract
from support_success.generate import defects, tables, writer
from support_success.generate.billing import Billing, generate_billing
from support_success.generate.helpdesk import Helpdesk, generate_helpdesk
from support_success.generate.product import generate_usage
from support_success.generate.sizes import SIZES, Size

__all__ = ["SIZES", "GenerationReport", "generate"]

# independent random streams per part of the world: changing one part's draws never
# shifts another's
STREAM_BILLING, STREAM_HELPDESK, STREAM_USAGE, STREAM_TABLES, STREAM_DEFECTS = range(5)


@dataclass
class World:
    size: Size
    billing: Billing
    helpdesk: Helpdesk
    usage: dict | None  # simulated late (just before it is written) to keep memory low
    usage_rng: np.random.Generator | None = None


@dataclass
class GenerationReport:
    size: str
    seed: int
    defect_rate: float
    out: Path
    rows: dict[str, int]
    defects: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"Generated size={self.size} seed={self.seed} defect_rate={self.defect_rate} "
            f"in {self.seconds:.1f}s into {self.out}",
        ]
        for name, n in self.rows.items():
            lines.append(f"  {name:<40} {n:>12,} rows")
        total = sum(self.defects.values())
        lines.append(f"  defects injected: {total:,} (recorded in {writer.DEFECTS_FILE})")
        for kind, n in sorted(self.defects.items()):
            lines.append(f"    {kind:<36} {n:>8,}")
        return "\n".join(lines)


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def simulate(size: str, seed: int) -> World:
    """The clean world as arrays (no files, no defects); usage comes from ``usage_of``."""
    spec = SIZES[size]
    billing = generate_billing(_rng(seed, STREAM_BILLING), spec.customers)
    helpdesk = generate_helpdesk(_rng(seed, STREAM_HELPDESK), billing, spec.tickets)
    return World(spec, billing, helpdesk, None, _rng(seed, STREAM_USAGE))


def usage_of(world: World) -> dict:
    """Daily product usage of the world (simulated on first use)."""
    if world.usage is None:
        world.usage = generate_usage(world.usage_rng, world.billing)
    return world.usage


def generate(size: str, seed: int, out: Path, defect_rate: float = 0.002) -> GenerationReport:
    """Generate a raw dataset into ``out``; see the module docstring."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    if not 0.0 <= defect_rate <= 0.2:
        raise ValueError(f"defect_rate must be between 0 and 0.2, got {defect_rate}")
    started = time.perf_counter()
    out = Path(out)
    world = simulate(size, seed)
    writer.clear(out)
    rows: dict[str, int] = {}
    injector = defects.Injector(defect_rate, _rng(seed, STREAM_DEFECTS))
    for name, arrow in tables.build(_rng(seed, STREAM_TABLES), world):
        arrow = injector.inject(name, arrow)
        rows[name] = writer.write(arrow, name, out)
        del arrow
    writer.write_defects(injector.defects_table(), out)
    injected = injector.counts()
    rows = {t.qualified_name: rows[t.qualified_name] for t in contract.TABLES}
    return GenerationReport(
        size=size,
        seed=seed,
        defect_rate=defect_rate,
        out=out,
        rows=rows,
        defects=injected,
        seconds=time.perf_counter() - started,
    )
