"""``mldesign diff --format md`` in a pull request: no name or address from the doc becomes
a mention or a link. Checked on what GitHub's own Markdown (cmark-gfm, through
``cmarkgfm``) renders, since GitHub finds mentions in the rendered text."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import mldesign

# Installed with the test extras; the older-Sphinx venvs (`make compat`) do not have it,
# and the diff does not depend on Sphinx's version.
cmarkgfm = pytest.importorskip("cmarkgfm")
from cmarkgfm.cmark import Options  # noqa: E402

# GitHub's mention pattern (html-pipeline's MentionFilter): "@" after the start or a
# character that is not a word character, then a letter or digit; "@org/team" alike.
MENTION = re.compile(r"(?:^|\W)@[a-z0-9]", re.IGNORECASE)

NAMES = [
    "@octocat",
    "(@octocat)",
    "@octocat.",
    "@org/team",
    "@@octocat",
    "ines@example.com",
    "mail ines.b+ml@example.co.uk",
]

# An option a schema extension may name as it likes: the field column shows its name.
OPTION = "<i>@octocat"
CONF = f"""\
extensions = ["sphinxcontrib_mldesign"]
mldesign_schema_extensions = {{"ml-owner": {{"properties": {{{OPTION!r}: {{"type": "string"}}}}}}}}
"""

OLD = """\
Doc
===

.. ml-owner:: Ines
   :id: ines
   :email: ines@example.com
"""

NEW = f"""\
Doc
===

.. ml-owner:: Ines
   :id: ines
   :email: ines.b+ml@example.co.uk
   :role: {", ".join(NAMES)}
   :{OPTION}: set

.. ml-requirement:: Ask {" and ".join(NAMES)}
   :id: REQ-X
   :owner: ines
"""


class _RenderedText(HTMLParser):
    """The text a reader sees, outside code spans, and every tag used."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: set[str] = set()
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_code += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if not self._in_code:
            self.text.append(data)


def _export(src: Path, page: str, out: Path) -> Path:
    (src / "index.rst").write_text(page, encoding="utf-8")
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "mldesign", str(src), str(out)]
    subprocess.run(command, capture_output=True, text=True, check=True)
    return out / "mldesign.json"


def test_no_name_or_address_becomes_a_mention_or_a_link(tmp_path: Path) -> None:
    src = tmp_path / "doc"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    old = _export(src, OLD, tmp_path / "old")
    new = _export(src, NEW, tmp_path / "new")
    markdown = mldesign("diff", old, new, "--format", "md").stdout
    # Unsafe: raw HTML would come through as tags, so the check below sees it.
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parser = _RenderedText()
    parser.feed(rendered)
    text = "".join(parser.text)
    assert parser.tags <= {"h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code"}
    assert "mailto:" not in rendered  # no e-mail address was linked
    assert MENTION.findall(text) == []
    # Yet every name reads as written: only the invisible zero-width space was added.
    visible = text.replace("\u200b", "")
    for name in NAMES:
        assert name in visible, name
    assert "ines@example.com" in visible and "ines.b+ml@example.co.uk" in visible
    assert OPTION in visible  # the field's name, as written
