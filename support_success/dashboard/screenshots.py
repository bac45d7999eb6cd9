"""Screenshots of every dashboard page, taken with headless Chromium (Playwright).

    python -m support_success.dashboard.screenshots --out docs/img

serves the dashboard over the published warehouse of ``$WAREHOUSE_HOME`` (run
``make run`` first), waits until every chart of each page has drawn, and writes
``dashboard-support.png``, ``dashboard-success.png`` and
``dashboard-customer-360.png``. The README's pictures are made this way from the
demo data. The browser test uses the same helpers.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path(os.environ.get("WAREHOUSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1600, "height": 1000}


@dataclass(frozen=True)
class PageShot:
    url_path: str
    file_name: str
    charts: tuple[str, ...]  # keys of the chart containers (st-key-chart-<key>)


PAGES = (
    PageShot(
        "support",
        "dashboard-support.png",
        (
            "sla-over-time",
            "sla-by-priority",
            "first-response-distribution",
            "backlog",
            "breaches-by-group",
            "csat-nps",
        ),
    ),
    PageShot(
        "success",
        "dashboard-success.png",
        ("mrr-bridge", "nrr-grr", "cohort-heatmap", "churn", "health-distribution", "mrr-trend"),
    ),
    PageShot("customer_360", "dashboard-customer-360.png", ("customer-mrr", "customer-health")),
)


def chart_selector(key: str) -> str:
    """CSS selector of a drawn chart: Vega's canvas or SVG inside the chart's container."""
    anchor = f'.st-key-chart-{key} [data-testid="stVegaLiteChart"]'
    return f"{anchor} canvas, {anchor} svg.marks"


def wait_for_charts(page, keys: Iterable[str], timeout_ms: float = 30_000) -> None:
    for key in keys:
        page.locator(chart_selector(key)).first.wait_for(state="visible", timeout=timeout_ms)


def wait_until_idle(page, timeout_ms: float = 30_000) -> None:
    """Wait until Streamlit has finished the script run (its 'running' widget is gone)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"] button')"
        " && document.querySelectorAll('[data-stale=\"true\"]').length === 0",
        timeout=timeout_ms,
    )


def launch(playwright):
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"No Chromium at {CHROMIUM}: install Debian's `chromium` package "
            "(apt-get install chromium) or set WAREHOUSE_CHROMIUM to a Chromium binary."
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def full_height(page) -> None:
    """Grow the viewport to the page's content so the screenshot holds every element.

    Streamlit scrolls inside its own container, so a "full page" screenshot would stop at
    the viewport; the content can still grow while tables draw, so measure until stable.
    """
    last = 0
    for _ in range(5):
        height = page.evaluate(
            "() => Math.max(...[document.body, "
            "document.querySelector('[data-testid=\"stMain\"]'), "
            "document.querySelector('[data-testid=\"stMainBlockContainer\"]'), "
            "document.querySelector('[data-testid=\"stAppViewContainer\"]')]"
            ".filter(Boolean).map(e => e.scrollHeight))"
        )
        if height <= last:
            return
        last = int(height) + 40
        page.set_viewport_size({"width": VIEWPORT["width"], "height": last})
        page.wait_for_timeout(400)


def capture(url: str, out: Path, customer: str | None = None) -> list[Path]:
    """Screenshot every page of the dashboard at ``url`` into ``out``; return the files.

    ``customer`` picks the account of the customer 360 page (default: highest MRR).
    """
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for shot in PAGES:
                page = browser.new_page(viewport=VIEWPORT)
                query = (
                    f"?customer={customer}" if customer and shot.url_path == "customer_360" else ""
                )
                page.goto(f"{url}/{shot.url_path}{query}")
                wait_for_charts(page, shot.charts)
                wait_until_idle(page)
                full_height(page)
                wait_for_charts(page, shot.charts)
                page.wait_for_timeout(500)  # let Vega finish its transitions
                path = out / shot.file_name
                page.screenshot(path=str(path))
                written.append(path)
                page.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    from support_success.dashboard.serve import running_dashboard

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="docs/img", help="folder for the PNG files")
    parser.add_argument("--customer", help="account of the customer 360 page (default: top MRR)")
    args = parser.parse_args(argv)
    with running_dashboard() as url:
        for path in capture(url, Path(args.out), customer=args.customer):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
