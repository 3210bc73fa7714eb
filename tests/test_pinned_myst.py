"""Pinned: the MyST reader leaves the body of code-like directives alone — an ml
directive shown as an example inside ``{code-block}`` is text, not options to quote.
Kills a mutant of tools/mutants.py that the rest of the suite let through."""

from __future__ import annotations

import html
import re
from pathlib import Path

import myst_parser
import pytest

from helpers import Build, export_of, page, warnings_of
from sphinxcontrib_mldesign.directives.myst import quote_option_values
from sphinxcontrib_mldesign.directives.unreadable import DirectiveOptions
from sphinxcontrib_mldesign.model.schema import compiled_schema

OURS = {"ml-metric": DirectiveOptions.of(compiled_schema("ml-metric", "{}").options)}
EXAMPLE = "```{ml-metric} Shown\n:id: MET-SHOWN\n:crit: > 3 ms\n```"


@pytest.mark.parametrize(
    "opening", ["{code-block} markdown", "{code} md", "{sourcecode}", "{code-cell}", "{raw} html",
                "{eval-rst}", "{literalinclude} x.md"]
)  # fmt: skip
def test_code_like_directives_are_not_read_for_options(opening: str) -> None:
    page_text = f"````{opening}\n{EXAMPLE}\n````\n\n{EXAMPLE.replace('SHOWN', 'REAL')}\n"
    lines = quote_option_values(page_text, OURS).splitlines()
    assert lines[3] == ":crit: > 3 ms"  # the example, as written
    assert lines[9] == ":crit: '> 3 ms'"  # the real directive after it, quoted


def test_code_blocks_are_not_read_for_options(build: Build, tmp_path: Path) -> None:
    """A real build: the example is shown as written, and only the real metric is one."""
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "sphinxcontrib_mldesign"]\n')
    (src / "index.md").write_text(
        f"# Index\n\n````{{code-block}} markdown\n{EXAMPLE}\n````\n\n"
        f"{EXAMPLE.replace('SHOWN', 'REAL')}\n",
        encoding="utf-8",
    )
    app = build(src)
    block = page(app, "index").split('<div class="highlight">', 1)[1].split("</pre>", 1)[0]
    shown = html.unescape(re.sub(r"<[^>]+>", "", block))
    assert ":crit: > 3 ms" in shown and "'" not in shown
    assert list(export_of(app)["items"]) == ["MET-REAL"]


REPEATED = {
    "fields": "```{ml-metric} Twice\n:id: MET-TWICE\n:kind: system\n:owner: ann\n:kind: business\n```\n",
    "block": "```{ml-metric} Twice\n---\nid: MET-TWICE\nkind: system\nowner: ann\nkind: business\n---\n```\n",
}


@pytest.mark.parametrize("syntax", list(REPEATED))
def test_a_repeated_option_is_an_error_and_the_first_is_read(
    syntax: str, build: Build, tmp_path: Path
) -> None:
    """As in RST: the first value is read, the second is an error at its line (MyST alone
    would keep the last, silently)."""
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
    )  # (Sphinx 7.4 does not show the warning's type by default)
    owner = "```{ml-owner} Ann\n:id: ann\n```\n\n"
    (src / "index.md").write_text(f"# Index\n\n{owner}{REPEATED[syntax]}", encoding="utf-8")
    app = build(src)
    line = 11 if syntax == "fields" else 12
    assert warnings_of(app) == [
        f"{src / 'index.md'}:{line}: ERROR: option :kind: is written twice; only the first is "
        "read [mldesign.schema]"
    ]
    assert export_of(app)["items"]["MET-TWICE"]["kind"] == "system"


@pytest.mark.skipif(
    int(myst_parser.__version__.split(".")[0]) < 5,
    reason="MyST-Parser before 5 reads the fence as an option line itself (not fixed here)",
)
def test_a_fence_right_after_the_options_opens_the_content(build: Build, tmp_path: Path) -> None:
    """A ``:::`` line right under the options is a nested directive, not an option line."""
    src = tmp_path / "p"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_mldesign"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
    )
    (src / "index.md").write_text(
        "# Index\n\n```{ml-owner} Ann\n:id: ann\n```\n\n"
        "::::{ml-requirement} Fast\n:id: REQ-FAST\n:owner: ann\n:::{note}\nAsk Ann first.\n:::\n::::\n",
        encoding="utf-8",
    )
    app = build(src)
    assert warnings_of(app) == []
    assert re.search(r'<div class="admonition note">\s*<p class="admonition-title">Note</p>\s*'
                     r"<p>Ask Ann first.</p>", page(app, "index"))  # fmt: skip
    assert export_of(app)["items"]["REQ-FAST"]["owner"] == ["ann"]
