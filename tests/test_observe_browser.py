"""Observed values in a real browser (tests/test_browser.py's Chromium): the monitoring
roll-up of tests/roots/test-observe-rollups in pydata-sphinx-theme, light and dark: the
marks readable against their pills, the sparkline drawn in the theme's colours. The
screenshots are kept with the other artifacts (``observed-light.png``, ``observed-dark.png``)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sphinx.testing.util import SphinxTestApp

# test_browser skips this module too where there is no browser or selenium.
from test_browser import ARTIFACTS, _background, _contrast, _open, browser  # noqa: F401

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

#: selenium's CSS.
CSS = "css selector"

ROOT = Path(__file__).parent / "roots" / "test-observe-rollups"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    src = tmp_path_factory.mktemp("observe") / "src"
    shutil.copytree(ROOT, src)
    app = SphinxTestApp("html", srcdir=src, confoverrides={"html_theme": "pydata_sphinx_theme"})
    try:
        app.build()
    finally:
        app.cleanup()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(app.outdir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_observed_values_are_readable_and_drawn(
    theme: str,
    site: str,
    browser: WebDriver,  # noqa: F811
) -> None:
    browser.set_window_size(1400, 1000)
    _open(browser, f"{site}/monitoring.html", theme)
    marks = browser.find_elements(CSS, "span.ml-observed")
    assert len(marks) >= 5
    for mark in marks:
        colour = mark.value_of_css_property("color")
        assert _contrast(colour, _background(browser, mark)) >= 4.5, (mark.text, theme)
    [line] = browser.find_elements(CSS, "svg.ml-sparkline polyline")
    svg = browser.find_element(CSS, "svg.ml-sparkline")
    assert svg.size["width"] == 120 and svg.size["height"] == 24 and svg.is_displayed()
    # Stroked in the theme's accent, readable on the page's background.
    stroke = line.value_of_css_property("stroke")
    assert stroke.startswith("rgb") and _contrast(stroke, _background(browser, svg)) >= 2.5
    table = browser.find_element(CSS, "table.ml-monitoring-index")
    browser.execute_script("arguments[0].scrollIntoView()", table)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"observed-{theme}.png"))
