"""The one Chromium the project drives (Debian's), for the PDF, the browser tests and the
bench, and what a page is waited on before it is printed, measured or checked.

``IRANAZ_CHROMIUM`` names another executable. Never Playwright's own download, which needs
the network.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("IRANAZ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]

#: True once every chart of the page is drawn (or has failed): the book's charts carry their
#: state; Altair's stock output (the CDN comparison build) counts once it holds an SVG or canvas.
CHARTS_SETTLED_JS = """
() => Array.from(document.querySelectorAll("div.iranaz-chart, div[id^='altair-viz']")).every((d) => {
  const state = d.getAttribute("data-iranaz-state");
  if (state !== null) { return state === "drawn" || state === "error"; }
  return d.querySelector("svg, canvas") !== null || d.textContent.includes("Error");
})
"""


def launch(playwright: object, executable: str = CHROMIUM) -> object:
    """Debian's Chromium, headless, under a Playwright instance."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
