"""``mldesign init``: write a complete, buildable design-doc project.

The chapters, their guiding questions and example items live in one data file
(``templates/chapters.json``) and are written out as reStructuredText or MyST, so the two
formats cannot drift apart. The example items satisfy every rule, with today's date as
their ``:reviewed:``, so ``sphinx-build -W`` passes on the project as generated.
"""

from __future__ import annotations

import datetime as dt
import json
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from docutils.utils import column_width

Format = Literal["rst", "md"]

#: The roll-up page: (heading, directive, options) of each roll-up, diagrams first.
ROLLUPS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("Architecture", "ml-architecture", {}),
    ("Must-haves, traced", "ml-trace", {"priority": "must"}),
    ("Requirements", "ml-requirement-index", {}),
    ("Risks", "ml-risk-index", {}),
    ("Monitoring", "ml-monitoring-index", {}),
    ("Ownership", "ml-ownership-index", {}),
    ("Fallback chains", "ml-fallback-chains", {}),
    ("Freshness", "ml-freshness-index", {}),
)
PARTS = {
    "Why": "Why build it",
    "What": "What we build",
    "How": "How the model is made",
    "Run": "How it runs",
}

CONF = '''"""Sphinx configuration of this design doc (made by ``mldesign init``)."""

project = {project!r}
extensions = [{extensions}]
exclude_patterns = ["_build", "README.md"]
html_theme = "pydata_sphinx_theme"
html_title = {project!r}
{myst}
# Design-doc checks: see https://sphinxcontrib-mldesign.readthedocs.io
mldesign_review_every = "180d"   # items not reviewed for longer are flagged stale
mldesign_min_bus_factor = 2      # every area known to at least two people
mldesign_wide_rollups = "auto"   # the roll-up page drops the TOC sidebar for its tables
# mldesign_rules = {{"stale": "error"}}  # tighten or relax a rule
'''

MAKEFILE = """# Build the design doc; `make check` gates it like CI does.
SPHINXBUILD ?= sphinx-build

.PHONY: html check clean

html:
\t$(SPHINXBUILD) -W --keep-going -b html . _build/html

check:
\tmldesign check .

clean:
\trm -rf _build
"""

READTHEDOCS = """version: 2
build:
  os: ubuntu-24.04
  tools:
    python: "3.12"
  apt_packages:
    - graphviz   # draws ml-architecture and ml-trace
  jobs:
    post_checkout:
      # Full history: items without :reviewed: are dated by their file's last commit.
      - git fetch --unshallow || true
sphinx:
  configuration: conf.py
  fail_on_warning: true
python:
  install:
    - requirements: requirements.txt
"""

REQUIREMENTS = (
    "# Until sphinxcontrib-mldesign is on PyPI, name its checkout or wheel instead:\n"
    "# a path such as ./vendor/sphinxcontrib_mldesign-<version>-py3-none-any.whl.\n"
    "sphinxcontrib-mldesign\npydata-sphinx-theme\n{myst}"
)


class ScaffoldError(Exception):
    """The target cannot be written (it exists and is not empty)."""


def escaped(text: str) -> str:
    """Text that reads as itself in a title, in RST and in Markdown alike: every ASCII
    punctuation character backslash-escaped (both languages allow it for any of them),
    runs of blanks (line breaks included) made one space."""
    text = " ".join(text.split())
    return "".join(f"\\{char}" if char in string.punctuation else char for char in text)


@dataclass(frozen=True)
class Scaffold:
    project: str
    fmt: Format
    today: dt.date

    @property
    def suffix(self) -> str:
        return ".md" if self.fmt == "md" else ".rst"

    def files(self) -> dict[str, str]:
        chapters = _chapters()
        files = {
            "conf.py": CONF.format(
                project=self.project,
                extensions='"sphinxcontrib_mldesign", "myst_parser"'
                if self.fmt == "md"
                else '"sphinxcontrib_mldesign"',
                myst='myst_enable_extensions = ["colon_fence"]\n' if self.fmt == "md" else "",
            ),
            "Makefile": MAKEFILE,
            ".readthedocs.yaml": READTHEDOCS,
            "requirements.txt": REQUIREMENTS.format(
                myst="myst-parser\n" if self.fmt == "md" else ""
            ),
            f"index{self.suffix}": self._index(chapters),
            f"rollups{self.suffix}": self._rollups(),
        }
        for chapter in chapters:
            files[f"{chapter['slug']}{self.suffix}"] = self._chapter(chapter)
        return files

    # -- pages ----------------------------------------------------------------------------

    def _index(self, chapters: list[dict[str, Any]]) -> str:
        lines = self._title(f"{escaped(self.project)} — ML system design doc")
        lines += [
            "This design doc was started with ``mldesign init``. Each chapter asks the questions",
            "it should answer; replace the example items with your own, keeping the IDs stable",
            "once others link to them. ``make html`` builds it; ``make check`` runs the checks.",
            "",
        ]
        for part, caption in PARTS.items():
            slugs = [c["slug"] for c in chapters if c["part"] == part]
            lines += self._toctree(caption, slugs)
        lines += self._toctree("At a glance", ["rollups"])
        return "\n".join(lines)

    def _toctree(self, caption: str, entries: list[str]) -> list[str]:
        if self.fmt == "md":
            return ["```{toctree}", ":maxdepth: 1", f":caption: {caption}", "", *entries, "```", ""]
        return [".. toctree::", "   :maxdepth: 1", f"   :caption: {caption}", "",
                *(f"   {entry}" for entry in entries), ""]  # fmt: skip

    def _rollups(self) -> str:
        lines = self._title("Roll-ups")
        lines += ["Generated on every build from the items of all chapters.", ""]
        for title, directive, options in ROLLUPS:
            lines += self._title(title, level=2)
            lines += self._directive(directive, "", options, "")
        return "\n".join(lines)

    def _chapter(self, chapter: dict[str, Any]) -> str:
        lines = self._title(chapter["title"])
        lines += [chapter["intro"], ""]
        lines += self._title("Questions to answer", level=2)
        lines += [f"* {question}" for question in chapter["questions"]] + [""]
        lines += self._title("Our answer", level=2)
        lines += ["*Write your answer here.*", ""]
        for item in chapter.get("items", []):
            options = {**item["options"], "reviewed": self.today.isoformat()}
            lines += self._directive(item["directive"], item["title"], options, item["body"])
        return "\n".join(lines)

    # -- markup ---------------------------------------------------------------------------

    def _title(self, text: str, level: int = 1) -> list[str]:
        if self.fmt == "md":
            return [f"{'#' * level} {text}", ""]
        underline = "=" if level == 1 else "-"
        # As wide as the title on screen: a wide character (CJK) takes two columns.
        return [text, underline * column_width(text), ""]

    def _directive(self, name: str, argument: str, options: dict[str, str], body: str) -> list[str]:
        if self.fmt == "md":
            lines = [f"```{{{name}}} {argument}".rstrip()]
            # Written exactly as in RST, as the guide tells authors to: the extension
            # quotes what YAML would misread before MyST reads the page.
            lines += [f":{key}: {value}" for key, value in options.items()]
            if body:
                lines += ["", body]
            return [*lines, "```", ""]
        lines = [f".. {name}:: {argument}".rstrip()]
        lines += [f"   :{key}: {value}" for key, value in options.items()]
        if body:
            lines += ["", f"   {body}"]
        return [*lines, ""]


def _chapters() -> list[dict[str, Any]]:
    text = resources.files("sphinxcontrib_mldesign.templates").joinpath("chapters.json")
    chapters: list[dict[str, Any]] = json.loads(text.read_text(encoding="utf-8"))["chapters"]
    return chapters


def write_scaffold(
    target: Path, project: str, fmt: Format, force: bool, today: dt.date
) -> list[Path]:
    """Write the project; refuse a non-empty directory unless ``force``."""
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise ScaffoldError(f"{target} is not empty; use --force to write into it anyway")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in Scaffold(project, fmt, today).files().items():
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
