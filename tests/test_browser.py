"""The roll-ups in a real browser: headless Chromium driven through WebDriver.

Serves a built copy of our own docs (pydata-sphinx-theme) over HTTP, then checks, in light
and dark mode, that the roll-up tables are visible and readable, that clicking a header
sorts, and that typing in the filter hides rows. Screenshots are saved as test artifacts
under ``tests/artifacts/`` (or ``$MLDESIGN_ARTIFACTS``).

The browser is Debian's ``chromium`` with ``chromium-driver``; ``.ci/run`` installs them.
In CI (``CI`` set) a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

CHROMIUM = Path(os.environ.get("MLDESIGN_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("MLDESIGN_CHROMEDRIVER", "/usr/bin/chromedriver"))
DOCS = Path(__file__).parent.parent / "docs"
ARTIFACTS = Path(os.environ.get("MLDESIGN_ARTIFACTS", Path(__file__).parent / "artifacts"))

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if os.environ.get("CI"):
        raise RuntimeError(f"CI needs {CHROMIUM} and {CHROMEDRIVER}: .ci/run installs them")
    pytest.skip("no Chromium/ChromeDriver on this machine", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Our docs, built once into a temporary directory and served on localhost."""
    out = tmp_path_factory.mktemp("site")
    app = SphinxTestApp("html", srcdir=DOCS, builddir=out)
    try:
        app.build()
    finally:
        app.cleanup()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(app.outdir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(str(CHROMEDRIVER)))
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser: WebDriver, url: str, theme: str) -> None:
    browser.get(url)
    # pydata-sphinx-theme keeps the choice in localStorage and on <html data-theme>.
    browser.execute_script(
        "localStorage.setItem('mode', arguments[0]);"
        "localStorage.setItem('theme', arguments[0]);"
        "document.documentElement.dataset.theme = arguments[0];"
        "document.documentElement.dataset.mode = arguments[0];",
        theme,
    )
    browser.get(url)
    assert browser.execute_script("return document.documentElement.dataset.theme") == theme


def _luminance(css_colour: str) -> float:
    parts = css_colour[css_colour.index("(") + 1 : css_colour.index(")")].split(",")
    red, green, blue = (float(part) / 255 for part in parts[:3])

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _background(browser: WebDriver, element: object) -> str:
    """The first non-transparent background colour from the element up."""
    colour: str = browser.execute_script(
        "let e = arguments[0];"
        "while (e) { const c = getComputedStyle(e).backgroundColor;"
        "  if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;"
        "  e = e.parentElement; }"
        "return 'rgb(255, 255, 255)';",
        element,
    )
    return colour


def _column(table: object, index: int) -> list[str]:
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")  # type: ignore[attr-defined]
    return [row.find_elements(By.TAG_NAME, "td")[index].text.strip() for row in rows]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_rollup_tables_are_readable_sortable_and_filterable(
    theme: str, site: str, browser: WebDriver
) -> None:
    browser.set_window_size(1400, 1000)
    _open(browser, f"{site}/example/rollups.html", theme)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The first roll-up shown as a table (a wider one may be stacked into cards here).
    table = browser.find_element(By.CSS_SELECTOR, "table.ml-freshness-index:not(.ml-stacked)")
    browser.execute_script("arguments[0].scrollIntoView()", table)
    assert table.is_displayed()

    # Readable: cell text against its background meets WCAG AA for normal text (4.5:1).
    cell = table.find_element(By.CSS_SELECTOR, "tbody td")
    colour = cell.value_of_css_property("color")
    assert _contrast(colour, _background(browser, cell)) >= 4.5, (colour, theme)
    gap = browser.find_elements(By.CSS_SELECTOR, "span.ml-gap")
    for element in gap[:3]:
        assert (
            _contrast(element.value_of_css_property("color"), _background(browser, element)) >= 4.5
        )

    # Sortable: clicking "Document" sorts the rows by it, a second click reverses them.
    header = table.find_element(By.XPATH, ".//thead//th[normalize-space()='Document']")
    header.click()
    ascending = _column(table, 0)
    assert ascending == sorted(ascending, key=str.casefold) and len(ascending) > 3
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert _column(table, 0) == list(reversed(ascending))

    # Filterable: typing keeps only the rows that contain the words.
    search = browser.find_element(
        By.XPATH,
        "//input[@class='ml-filter'][following::table[1][contains(@class, 'ml-freshness-index')]]",
    )
    search.send_keys("owner.lin")
    visible = [
        row for row in table.find_elements(By.CSS_SELECTOR, "tbody tr") if row.is_displayed()
    ]
    assert 0 < len(visible) < len(ascending)
    assert all("owner.lin" in row.text.lower() for row in visible)

    browser.save_screenshot(str(ARTIFACTS / f"rollups-{theme}.png"))
    search.clear()
    search.send_keys(" ")  # clearing does not fire "input" in every driver


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_risk_matrix_and_chains_render(theme: str, site: str, browser: WebDriver) -> None:
    _open(browser, f"{site}/example/rollups.html", theme)
    matrix = browser.find_element(By.CSS_SELECTOR, "table.ml-risk-matrix")
    browser.execute_script("arguments[0].scrollIntoView()", matrix)
    cells = matrix.find_elements(By.CSS_SELECTOR, "td[class*='ml-cell-']")
    assert len(cells) == 25
    colours = {cell.value_of_css_property("background-color") for cell in cells}
    assert len(colours) == 4  # one per score band
    chain = browser.find_element(By.CSS_SELECTOR, "div.ml-chain")
    tiers = chain.find_elements(By.CSS_SELECTOR, "li.ml-tier")
    assert len(tiers) >= 2
    # Drawn left to right (wrapping like text when the page is narrow): tiers come in
    # reading order, and the first two sit side by side.
    spots = [(tier.location["y"], tier.location["x"]) for tier in tiers]
    assert spots == sorted(spots)
    assert spots[0][0] == spots[1][0] and spots[0][1] < spots[1][1]
    browser.save_screenshot(str(ARTIFACTS / f"risks-{theme}.png"))


def test_home_page_screenshot(site: str, browser: WebDriver) -> None:
    for theme in ("light", "dark"):
        _open(browser, f"{site}/index.html", theme)
        assert browser.find_element(By.CSS_SELECTOR, "div.ml-item").is_displayed()
        browser.save_screenshot(str(ARTIFACTS / f"home-{theme}.png"))
        assert (ARTIFACTS / f"home-{theme}.png").stat().st_size > 10_000


# -- every common theme, light and dark, at laptop width ------------------------------------

THEMES = ["pydata_sphinx_theme", "furo", "sphinx_rtd_theme", "alabaster", "sphinx_book_theme"]
GAPS = DOCS / "gaps"
# What must hold on a roll-up page, measured in the page (see the test below).
LAYOUT_PROBLEMS = """
const problems = [];
document.querySelectorAll("div.ml-rollup").forEach((div) => {
  const box = div.getBoundingClientRect();
  const kind = div.className;
  div.querySelectorAll("table").forEach((table) => {
    const limit = Math.min(div.clientWidth, table.parentElement.clientWidth || div.clientWidth);
    if (table.scrollWidth > limit + 1)
      problems.push(`${kind}: table ${table.className} is ${table.scrollWidth}px in ${limit}px`);
  });
  div.querySelectorAll(".ml-gap").forEach((gap) => {
    const r = gap.getBoundingClientRect();
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.right > window.innerWidth)
      problems.push(`${kind}: '${gap.textContent}' at ${r.left}-${r.right}, column ${box.left}-${box.right}`);
  });
  div.querySelectorAll("code.ml-ref, code.ml-item-id").forEach((id) => {
    if (id.getClientRects().length !== 1 || id.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(id).fontSize) + 4)
      problems.push(`${kind}: ID ${id.textContent} is wrapped`);
  });
  div.querySelectorAll("li.ml-tier + li.ml-tier").forEach((tier) => {
    const arrow = tier.getBoundingClientRect().left - parseFloat(getComputedStyle(tier).marginLeft);
    if (arrow < box.left - 1) problems.push(`${kind}: a chain's arrow sits left of its box`);
  });
  div.querySelectorAll(".graphviz object, .graphviz img").forEach((picture) => {
    const r = picture.getBoundingClientRect();
    if (r.width < 100 || r.left < box.left - 1 || r.right > box.right + 1)
      problems.push(`${kind}: a diagram is ${r.width}px at ${r.left}-${r.right}, column ${box.left}-${box.right}`);
  });
  div.querySelectorAll("td[class*='ml-cell-']").forEach((td) => {
    const band = td.className.match(/ml-cell-([a-z]+)/)[1];
    const probe = document.createElement("span");
    probe.style.backgroundColor = `var(--ml-band-${band})`;
    td.appendChild(probe);
    const want = getComputedStyle(probe).backgroundColor;
    probe.remove();
    const got = getComputedStyle(td).backgroundColor;
    if (got !== want) problems.push(`${kind}: a ${band} matrix cell is ${got}, not ${want}`);
  });
});
return problems;
"""


def _serve(directory: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="module")
def theme_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The worked example and the gaps example, built with each theme and served."""
    sites: dict[str, str] = {}
    servers = []
    for theme in THEMES:
        for name, source in (("docs", DOCS), ("gaps", GAPS)):
            out = tmp_path_factory.mktemp(f"{name}-{theme}")
            overrides: dict[str, object] = {"html_theme": theme}
            if theme != "pydata_sphinx_theme":
                overrides["html_theme_options"] = {}  # ours are pydata's
            app = SphinxTestApp("html", srcdir=source, builddir=out, confoverrides=overrides)
            try:
                app.build()
            finally:
                app.cleanup()
            url, server = _serve(Path(app.outdir))
            sites[f"{name}-{theme}"] = url
            servers.append(server)
    try:
        yield sites
    finally:
        for server in servers:
            server.shutdown()


def _set_mode(browser: WebDriver, mode: str) -> None:
    """Dark or light as each theme stores it, and as the system would say it."""
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": mode}]},
    )
    browser.execute_script(
        "localStorage.setItem('mode', arguments[0]);"  # pydata, book
        "localStorage.setItem('theme', arguments[0]);"  # pydata, book, furo
        "document.documentElement.dataset.theme = arguments[0];"
        "document.documentElement.dataset.mode = arguments[0];"
        "document.body.dataset.theme = arguments[0];",
        mode,
    )


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("theme", THEMES)
def test_rollups_fit_at_laptop_width_in_every_theme(
    theme: str, mode: str, theme_sites: dict[str, str], browser: WebDriver
) -> None:
    browser.set_window_size(1280, 900)
    shots = ARTIFACTS / "themes"
    shots.mkdir(parents=True, exist_ok=True)
    pages = (("docs", "example/rollups.html"), ("docs", "example/teams.html"),
             ("gaps", "rollups.html"))  # fmt: skip
    for project, page in pages:
        url = f"{theme_sites[f'{project}-{theme}']}/{page}"
        browser.get(url)
        _set_mode(browser, mode)
        browser.get(url)
        browser.find_element(By.CSS_SELECTOR, "html[data-ml-fitted]")  # the script ran
        gaps = browser.find_elements(By.CSS_SELECTOR, "div.ml-rollup .ml-gap")
        assert project == "docs" or len(gaps) >= 10  # the gaps example flags every kind
        diagrams = browser.find_elements(By.CSS_SELECTOR, "div.ml-rollup div.graphviz")
        teams = page.endswith("teams.html")  # the portfolio: no diagram
        assert project == "gaps" or len(diagrams) == (0 if teams else 2)  # architecture, trace
        name = "teams" if teams else project
        browser.save_screenshot(str(shots / f"{theme}-{mode}-{name}.png"))  # also on failure
        assert browser.execute_script(LAYOUT_PROBLEMS) == [], (theme, mode, page)
        if mode == "dark" and theme in ("pydata_sphinx_theme", "furo", "sphinx_book_theme"):
            background = browser.execute_script(
                "return getComputedStyle(document.body).backgroundColor"
            )
            assert _luminance(background) < 0.2, (theme, background)  # really dark
