"""What decides how much room a roll-up gets: ``:documents:`` and wide pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import Build, tables_of, warnings_of

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


# -- plain text and LaTeX ------------------------------------------------------------------

GAPS = Path(__file__).parents[1] / "docs" / "gaps"
UNDERLINE = re.compile(r"^([*=~^-])\1+$")
ID_CUT = re.compile(r'"[A-Za-z][\w.:]*-$')  # a quoted ID broken at a hyphen at the line end


@pytest.mark.parametrize("project", ["test-rollups", "gaps", "docs"])
def test_text_rollups_fit_100_columns_and_keep_ids_whole(
    project: str, build: Build, rootdir: Path, tmp_path: Path
) -> None:
    source = {"gaps": GAPS, "docs": GAPS.parent}.get(project, rootdir / project)
    app = build(source, "text", warningiserror=False, builddir=tmp_path / "build")
    pattern = {"gaps": "rollups.txt", "docs": "example/rollups.txt"}.get(project, "*.txt")
    rollup_lines = [
        line
        for page in Path(app.outdir).glob(pattern)
        for line in page.read_text(encoding="utf-8").splitlines()
        if ('"' in line or "**" in line or "|" in line) and not UNDERLINE.match(line)
    ]
    assert len(rollup_lines) > 20
    assert [line for line in rollup_lines if len(line) > 100] == []
    assert [line for line in rollup_lines if ID_CUT.search(line.rstrip(" |"))] == []
    assert [line for line in rollup_lines if line.count("**") % 2] == []  # bold kept whole


def test_latex_links_to_items_on_the_root_document(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["sphinxcontrib_mldesign"]\n')
    (src / "index.rst").write_text(
        "Root\n====\n\n.. toctree::\n\n   rollups\n\n"
        ".. ml-requirement:: On the root page\n   :id: REQ-ROOT\n   :kind: functional\n"
    )
    (src / "rollups.rst").write_text(
        "Roll-ups\n========\n\n.. ml-requirement:: Here\n   :id: REQ-HERE\n"
        "   :kind: functional\n   :depends: REQ-ROOT\n\n"
        ".. ml-requirement-index::\n   :columns: id, title, depends\n"
    )
    app = build(src, "latex", warningiserror=False)
    [tex] = Path(app.outdir).glob("*.tex")
    text = tex.read_text(encoding="utf-8")
    links = re.findall(r"\\hyperref\[\\detokenize\{([^}]*)\}\]", text)
    # The option's link and both roll-up rows' links to REQ-ROOT name its document.
    assert links.count("index:REQ-ROOT") == 3 and "rollups:REQ-ROOT" not in links
    assert links.count("rollups:REQ-HERE") == 1
    # Every ID in a box: LaTeX breaks no line inside it.
    assert r"\mbox{\sphinxcode{\sphinxupquote{REQ\sphinxhyphen{}ROOT}}}" in text
