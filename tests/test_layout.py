"""What decides how much room a roll-up gets: ``:documents:`` and wide pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import tables_of, warnings_of

Build = Callable[..., SphinxTestApp]

ITEMS = """\
{title}
{underline}

.. ml-requirement:: Serve fast
   :id: REQ-{key}
   :kind: non-functional
   :priority: must
   :inference: real-time
   :owner: {key_lower}

.. ml-owner:: {title}
   :id: {key_lower}
   :areas: {key_lower}-area
"""


def _project(tmp_path: Path, conf: str = "", rollups: str = "") -> Path:
    src = tmp_path / "src"
    (src / "part").mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["sphinxcontrib_mldesign"]\nhtml_theme = "pydata_sphinx_theme"\n' + conf
    )
    (src / "index.rst").write_text(
        "Home\n====\n\n.. toctree::\n\n   part/a\n   rollups\n\n"
        + ITEMS.format(title="Demo", underline="----", key="DEMO", key_lower="demo")
    )
    (src / "part" / "a.rst").write_text(
        ITEMS.format(title="Part", underline="====", key="A", key_lower="alex")
    )
    (src / "rollups.rst").write_text("Roll-ups\n========\n\n" + rollups)
    return src


def test_documents_limits_every_rollup_to_some_pages(build: Build, tmp_path: Path) -> None:
    rollups = "".join(
        f".. {name}::\n   :documents: part/*\n\n"
        for name in ("ml-requirement-index", "ml-risk-index", "ml-ownership-index")
    )
    app = build(_project(tmp_path, rollups=rollups), warningiserror=False)
    html = (Path(app.outdir) / "rollups.html").read_text(encoding="utf-8")
    [requirements] = tables_of(html, "ml-requirement-index")
    assert [row[0] for row in requirements[1:]] == ["REQ-A"]
    [derived] = tables_of(html, "ml-derived-risks")  # no fallback, bus factor 1: part/ only
    assert all("DEMO" not in " ".join(row) and "demo" not in " ".join(row) for row in derived)
    assert len(derived) == 3  # header, REQ-A's missing fallback, alex's area
    [owners] = tables_of(html, "ml-ownership-index")
    assert [row[0] for row in owners[1:]] == ["alex"]
    assert "REQ-DEMO" not in html
    assert not [w for w in warnings_of(app) if ":documents:" in w]  # an option of every roll-up


@pytest.mark.parametrize(
    ("setting", "wide"),
    [("auto", {"rollups"}), ("always", {"rollups", "index"}), ("never", set())],
)
def test_pages_made_of_rollups_drop_the_toc_sidebar(
    setting: str, wide: set[str], build: Build, tmp_path: Path
) -> None:
    # index holds items and a roll-up; rollups holds only a roll-up.
    src = _project(
        tmp_path, f'mldesign_wide_rollups = "{setting}"\n', ".. ml-requirement-index::\n"
    )
    (src / "index.rst").write_text((src / "index.rst").read_text() + "\n.. ml-ownership-index::\n")
    app = build(src, warningiserror=False)
    with_sidebar = {
        page
        for page in ("index", "rollups")
        if "bd-sidebar-secondary" in (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")
    }
    assert with_sidebar == {"index", "rollups"} - wide
    # furo's switch too, for the same pages.
    assert {d for d in ("index", "rollups") if "hide-toc" in app.env.metadata[d]} == wide


def test_a_page_keeps_its_own_choice(build: Build, tmp_path: Path) -> None:
    src = _project(tmp_path, rollups=".. ml-requirement-index::\n")
    text = (src / "rollups.rst").read_text()
    (src / "rollups.rst").write_text(":html_theme.sidebar_secondary.remove: false\n\n" + text)
    app = build(src, warningiserror=False)
    assert app.env.metadata["rollups"]["html_theme.sidebar_secondary.remove"] == "false"
