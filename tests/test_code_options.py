"""Options holding code (``x-code``: a metric's ``:query:`` and ``:alert:`` names) are shown
as written in every output, so a query copied from the doc still runs: no typographic
quotes, no en dash for ``--``, in RST and MyST pages alike."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import Build, warnings_of
from sphinxcontrib_mldesign.model.extensions import ProjectSchemas, SchemaExtensionError
from sphinxcontrib_mldesign.model.formats import promql_tree

QUERY = "sum(rate(http_requests_total{code=~\"5..\", job!='a--b'}[5m])) -- 1"
ALERT = 'Errors--Burn "fast"'
SQL = "SELECT 'x' -- a comment"

CONF = """\
extensions = ["sphinxcontrib_mldesign", "myst_parser"]
project = "Code"
show_warning_types = True
mldesign_schema_extensions = {
    "ml-metric": {"properties": {"sql": {"type": "string", "x-code": True}}},
}
"""

RST = f"""\
Code
====

.. toctree::

   page

.. ml-owner:: Sam
   :id: sam

.. metric:: Server errors
   :id: MET-RST
   :kind: system
   :owner: sam
   :query: {QUERY}
   :alert: {ALERT}, Other
   :sql: {SQL}
   :source: the "gateway" -- logs

.. metric:: Broken query
   :id: MET-BAD
   :kind: system
   :query: rate(x{{code="5.."}}[5m]
"""

MYST = f"""\
# Page

```{{metric}} Server errors in Markdown
:id: MET-MD
:kind: system
:owner: sam
:query: {QUERY}
:alert: {ALERT}
```
"""


class _Fields(HTMLParser):
    """Each item field's name -> the texts of the ``<code>`` elements in its value."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[list[str]]] = {}
        self._name: list[str] | None = None
        self._code: list[str] | None = None
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "dt":
            self._name = []
        elif tag == "code" and self._current is not None:
            self._code = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "dt" and self._name is not None:
            self._current = self.fields.setdefault("".join(self._name).rstrip(":"), [])
            self._current.append([])
            self._name = None
        elif tag == "code" and self._code is not None and self._current is not None:
            self._current[-1].append("".join(self._code))
            self._code = None
        elif tag == "dd":
            self._current = None

    def handle_data(self, data: str) -> None:
        for part in (self._name, self._code):
            if part is not None:
                part.append(data)


def _code_in_fields(html: str) -> dict[str, list[list[str]]]:
    parser = _Fields()
    parser.feed(html)
    return parser.fields


def _project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / "index.rst").write_text(RST)
    (src / "page.md").write_text(MYST)
    return src


def test_code_is_shown_as_written_in_html(build: Build, tmp_path: Path) -> None:
    app = build(_project(tmp_path), warningiserror=False)
    out = Path(app.outdir)
    rst = _code_in_fields((out / "index.html").read_text(encoding="utf-8"))
    myst = _code_in_fields((out / "page.html").read_text(encoding="utf-8"))
    assert rst["Query"][0] == [QUERY] and myst["Query"] == [[QUERY]]
    assert rst["Alert"] == [[ALERT, "Other"]] and myst["Alert"] == [[ALERT]]
    assert rst["Sql"] == [[SQL]]  # a project's own option marked x-code
    promql_tree(rst["Query"][0][0])  # what a reader copies is still PromQL
    # An invalid query is shown as written too, marked.
    assert rst["Query"][1] == ['rate(x{code="5.."}[5m]']
    assert "</code> (invalid)</span>" in (out / "index.html").read_text(encoding="utf-8")
    # Prose stays prose: an option that is not code still gets typographic quotes.
    assert rst["Source"] == [[]]
    assert "the \u201cgateway\u201d \u2013 logs" in (out / "index.html").read_text(encoding="utf-8")
    assert [w for w in warnings_of(app) if "MET-BAD" not in w and "query" not in w] == []


def test_code_is_shown_as_written_in_text_and_latex(build: Build, tmp_path: Path) -> None:
    src = _project(tmp_path)
    text = build(src, "text", warningiserror=False)
    for name in ("index.txt", "page.txt"):
        written = (Path(text.outdir) / name).read_text(encoding="utf-8")
        assert QUERY in written and ALERT in written
        assert not re.search("[\u201c\u201d\u2018\u2019\u2013\u2014]", written)
    latex = build(src, "latex", warningiserror=False)
    [tex] = Path(latex.outdir).glob("*.tex")
    written = tex.read_text(encoding="utf-8")
    # As Sphinx escapes literal text for LaTeX: upright quotes, each hyphen on its own.
    escaped = (
        r"\sphinxcode{\sphinxupquote{sum(rate(http\_requests\_total\{code=\textasciitilde{}"
        r'"5..", job!=\textquotesingle{}a\sphinxhyphen{}\sphinxhyphen{}b\textquotesingle{}\}'
        r"{[}5m{]})) \sphinxhyphen{}\sphinxhyphen{} 1}}"
    )
    assert written.count(escaped) == 2  # the RST page's and the MyST page's
    assert r"\sphinxcode{\sphinxupquote{Errors\sphinxhyphen{}\sphinxhyphen{}Burn" in written
    query_lines = [line for line in written.splitlines() if "http" in line]
    assert query_lines and not any(
        mark in line for line in query_lines for mark in ("textendash", "\u201c", "\u201d")
    )


@pytest.mark.parametrize("value", ["yes", 1])
def test_x_code_must_be_true_or_false(value: object) -> None:
    extension = {"ml-metric": {"properties": {"sql": {"type": "string", "x-code": value}}}}
    with pytest.raises(SchemaExtensionError, match=r"x-code .* must be true or false"):
        ProjectSchemas(extension)


def test_a_built_in_option_may_be_marked_as_code() -> None:
    schemas = ProjectSchemas({"ml-metric": {"properties": {"source": {"x-code": True}}}})
    assert schemas.of("ml-metric").options["source"].code
    assert not ProjectSchemas().of("ml-metric").options["source"].code
