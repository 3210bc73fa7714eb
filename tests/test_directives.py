"""The five item directives: every option parsed and exported, rendering per builder."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from helpers import export_of, warnings_of
from sphinxcontrib_mldesign.model.items import ITEM_TYPES
from sphinxcontrib_mldesign.model.schema import base_schema
from sphinxcontrib_mldesign.nodes import ml_item_header

pytestmark = pytest.mark.sphinx("html", testroot="basic")


def test_clean_project_builds_without_warnings(app: SphinxTestApp) -> None:
    app.build()
    assert warnings_of(app) == []
    assert app.statuscode == 0
    assert export_of(app)["violations"] == []


def test_fixture_uses_every_option_of_every_schema(app: SphinxTestApp) -> None:
    """Guards the tests below: the fixture must exercise every shipped option."""
    app.build()
    items = export_of(app)["items"].values()
    for type_name in ITEM_TYPES:
        used = {key for item in items if item["type"] == type_name for key in item}
        declared = set(base_schema(type_name)["properties"])
        assert declared <= used, f"{type_name}: fixture lacks {declared - used}"


def test_requirement_exports_every_option(app: SphinxTestApp) -> None:
    app.build()
    assert export_of(app)["items"]["REQ-LAT"] == {
        "id": "REQ-LAT",
        "type": "ml-requirement",
        "title": "Serve ranked results fast",
        "docname": "requirements",
        "lineno": 4,
        "tags": ["serving", "latency"],
        "reviewed": "2026-10-01",
        "owner": ["alice", "bob"],
        "kind": "non-functional",
        "category": "performance",
        "priority": "must",
        "status": "approved",
        "target": {"text": "p99 <= 200 ms", "stat": "p99", "op": "<=", "value": 200, "unit": "ms"},
        "inference": "real-time",
        "verification": "monitoring",
        "scope": "in",
        "metrics": ["MET-LAT"],
        "fallbacks": ["FB-POP"],
        "risks": ["RISK-DRIFT"],
        "depends": ["REQ-CTR"],
        "rationale": "Slow results lose the session.",
    }


def test_defaults_are_filled(app: SphinxTestApp) -> None:
    app.build()
    items = export_of(app)["items"]
    ctr = items["REQ-CTR"]
    assert (ctr["kind"], ctr["status"], ctr["scope"]) == ("functional", "draft", "in")
    assert items["MET-NDCG"]["severity"] == "page"
    assert (items["FB-CONST"]["switch"], items["FB-CONST"]["recovery"]) == ("manual", "manual")
    assert "target" not in ctr  # no default: absent, not null


def test_metric_options(app: SphinxTestApp) -> None:
    app.build()
    items = export_of(app)["items"]
    lat = items["MET-LAT"]
    assert lat["warn"]["op"] == ">" and lat["warn"]["value"] == 180
    assert lat["crit"] == {
        "text": "p99 > 250 ms",
        "stat": "p99",
        "op": ">",
        "value": 250,
        "unit": "ms",
    }
    assert lat["window"] == {"text": "5m", "seconds": 300}
    assert lat["for"] == {"text": "10m", "seconds": 600}
    assert lat["on-breach"] == ["FB-POP"]
    assert lat["runbook"] == "https://runbooks.example.com/ranking-latency"
    assert lat["source"] == "prometheus ranking_latency_seconds"
    assert items["MET-CTR"]["labels-delay"] == {"text": "2h", "seconds": 7200}
    assert items["MET-CTR"]["severity"] == "ticket"
    assert items["MET-NDCG"]["proxy-for"] == ["MET-CTR"]
    assert items["MET-NDCG"]["observe"] == "file:eval/metrics.json#replay.ndcg_at_10"
    drift = items["MET-DRIFT"]
    assert (drift["drift-method"], drift["reference"], drift["type"]) == (
        "psi",
        "training",
        "ml-metric",
    )


def test_fallback_owner_risk_options(app: SphinxTestApp) -> None:
    app.build()
    items = export_of(app)["items"]
    fb = items["FB-POP"]
    assert fb["protects"] == ["REQ-LAT"] and fb["trigger"] == ["MET-LAT"]
    assert fb["next"] == "FB-CONST"  # a single ref, not a list
    assert (fb["switch"], fb["recovery"], fb["last-tested"]) == ("auto", "manual", "2026-09-15")
    assert fb["expected-quality"] == "about 80% of model CTR"
    alice = items["alice"]
    assert alice["areas"] == ["serving", "feature pipeline"]
    assert alice["backups"] == ["bob"]
    assert (alice["email"], alice["team"], alice["role"]) == (
        "alice@example.com",
        "Ranking",
        "Tech lead",
    )
    assert alice["contact"] == "#ranking-oncall"
    assert "owner" not in alice
    risk = items["RISK-DRIFT"]
    assert risk["score"] == 16  # high (4) x high (4)
    assert risk["mitigations"] == ["FB-POP", "MET-DRIFT", "REQ-LAT"]
    assert (risk["response"], risk["status"], risk["review-by"]) == (
        "mitigate",
        "mitigating",
        "2027-01-15",
    )


def test_html_item_block(app: SphinxTestApp) -> None:
    app.build()
    html = (Path(app.outdir) / "requirements.html").read_text(encoding="utf-8")
    header = re.search(r'<p class="ml-item-header" id="REQ-LAT">(.*?)</p>', html, re.S)
    assert header, "item anchor missing"
    text = header.group(1)
    assert "Serve ranked results fast" in text
    assert 'class="ml-badge ml-priority ml-priority-must"' in text
    assert 'href="#REQ-LAT"' in text and "headerlink" in text  # permalink
    # Option refs are links to the items, showing the ID, titled with the item's title.
    assert re.search(r'href="metrics.html#MET-LAT" title="Ranking latency"', html)
    assert re.search(r'href="owners.html#alice" title="Alice Martin"', html)
    # An ID is one <code> (Sphinx would wrap each word of a literal in a span of its own).
    assert '<code class="ml-item-id literal notranslate">REQ-LAT</code>' in text
    assert (
        'title="Ranking latency"><code class="ml-ref literal notranslate">MET-LAT</code></a>'
        in html
    )
    assert '<span class="pre">MET-LAT' not in html and '<span class="pre">REQ' not in html
    assert "The ranking API answers within the page budget." in html
    assert "_static/mldesign.css" in html
    metrics = (Path(app.outdir) / "metrics.html").read_text(encoding="utf-8")
    runbook = "https://runbooks.example.com/ranking-latency"
    assert f'<a class="reference external" href="{runbook}">{runbook}</a>' in metrics
    assert (Path(app.outdir) / "_static" / "mldesign.css").is_file()


def test_item_anchors_leave_no_unreferenced_target_messages(app: SphinxTestApp) -> None:
    """docutils cannot see our xrefs, and would keep an INFO system message per item in
    every doctree (held in memory until the page is written) calling its anchor unused."""
    app.build()
    doctree = app.env.get_doctree("requirements")
    ids = {node["ids"][0] for node in doctree.findall(ml_item_header) if node["ids"]}
    assert {"REQ-LAT", "REQ-CTR"} <= ids
    messages = [m.astext() for m in doctree.transform_messages]
    assert not [m for m in messages if "is not referenced" in m], messages


def test_roles_link_with_title_or_explicit_text(app: SphinxTestApp) -> None:
    app.build()
    html = (Path(app.outdir) / "prose.html").read_text(encoding="utf-8")
    for href, text in [
        ("requirements.html#REQ-LAT", "Serve ranked results fast"),
        ("metrics.html#MET-LAT", "Ranking latency"),
        ("fallbacks.html#FB-POP", "Popularity ranking"),
        ("owners.html#alice", "Alice Martin"),
        ("risks.html#RISK-DRIFT", "Input drift after catalogue change"),
        ("metrics.html#MET-DRIFT", "the drift metric"),
        ("requirements.html#REQ-CTR", "Improve click-through"),  # :any:
    ]:
        assert re.search(
            rf'href="{re.escape(href)}"[^>]*><span[^>]*>{re.escape(text)}</span>', html
        ), href


def test_ids_land_in_objects_inv(app: SphinxTestApp) -> None:
    from sphinx.util.inventory import InventoryFile

    app.build()
    inv_path = Path(app.outdir) / "objects.inv"
    with inv_path.open("rb") as stream:
        inventory = InventoryFile.load(
            stream, "https://example.invalid", lambda base, uri: f"{base}/{uri}"
        )
    data = inventory.data if hasattr(inventory, "data") else inventory
    assert "REQ-LAT" in data["ml:requirement"]
    assert "MET-DRIFT" in data["ml:metric"]
    assert "FB-CONST" in data["ml:fallback"]
    assert "bob" in data["ml:owner"]
    assert "RISK-DRIFT" in data["ml:risk"]
    entry = data["ml:requirement"]["REQ-LAT"]
    uri = entry.uri if hasattr(entry, "uri") else entry[2]
    assert uri == "https://example.invalid/requirements.html#REQ-LAT"


@pytest.mark.sphinx("text", testroot="basic")
def test_text_builder(app: SphinxTestApp) -> None:
    app.build()
    text = (Path(app.outdir) / "requirements.txt").read_text(encoding="utf-8")
    assert 'Requirement **Serve ranked results fast** "REQ-LAT" [must] [approved]' in text
    assert '"p99 <= 200 ms"' in text
    assert "The ranking API answers within the page budget." in text
    assert warnings_of(app) == []


@pytest.mark.sphinx("latex", testroot="basic")
def test_latex_builder(app: SphinxTestApp) -> None:
    app.build()
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert "Serve ranked results fast" in tex
    assert r"\label{\detokenize{requirements:REQ-LAT}}" in tex
    # A cross-page reference becomes an internal hyperlink to the item's label.
    assert r"\hyperref[\detokenize{metrics:MET-LAT}]" in tex
    assert r"\sphinxcode{\sphinxupquote{REQ\sphinxhyphen{}LAT}}" in tex  # IDs stay code
    assert "{[}must{]}" in tex  # the badge, bracketed; LaTeX escapes the brackets
    assert warnings_of(app) == []
    assert not (Path(app.outdir) / "mldesign.json").exists()  # export only from HTML / mldesign


FAST_TEXTS = [  # no inline syntax can change these: they skip the inliner
    "Serve within 200 ms",
    "v1.2 model, 5% / batch; nightly",
    "Ünïcode wörds end.",
    "p99 <= 200 ms (nightly) a+b = c > d",
]
SLOW_TEXTS = [  # these go through the inliner
    "e.g. a note",
    "mlflow.org and www.example.com",
    'it\'s "quoted"',
    "(c) 2026 -- then... +-",
    "an_underscore_ and `code`",
    "*stress* and **strong**",
    "mail ml@example.com at http://example.com",
    "a & b < c",
    "x <b>bold</b> <https://example.com>",
    "(tm) (R) a +- b",
    "a,, b",
    "costs $5 and {sub} [x]{.cls}",
]
TRICKY_TEXTS = FAST_TEXTS + SLOW_TEXTS


@pytest.mark.parametrize("parser", ["rst", "myst"])
def test_plain_text_fast_path_equals_the_inline_parser(
    parser: str, make_app: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Titles and free-text options without markup skip the inliner; the page must be what
    the RST or MyST inliner (MyST with its typography extensions) makes of them."""
    from sphinxcontrib_mldesign.directives import base as directive_base

    def page_for(fast: bool) -> str:
        src = tmp_path / f"{parser}-{fast}"
        src.mkdir()
        (src / "conf.py").write_text(
            'extensions = ["sphinxcontrib_mldesign", "myst_parser"]\n'
            "myst_enable_extensions = ["
            '"replacements", "smartquotes", "dollarmath", "substitution", "attrs_inline"]\n'
            'myst_substitutions = {"sub": "SUBSTITUTED"}\n'
        )
        items = []
        for index, text in enumerate(TRICKY_TEXTS):
            if parser == "rst":
                items.append(f".. ml-owner:: {text}\n   :id: O{index}\n   :role: {text}\n")
            else:
                # Tilde fences: a backtick fence cannot have backticks in its first line.
                items.append(f"~~~{{ml-owner}} {text}\n:id: O{index}\n:role: {text}\n~~~\n")
        name = "index.rst" if parser == "rst" else "index.md"
        heading = "Texts\n=====\n\n" if parser == "rst" else "# Texts\n\n"
        (src / name).write_text(heading + "\n".join(items), encoding="utf-8")
        if not fast:
            monkeypatch.setattr(directive_base, "_PLAIN_TEXT_RE", re.compile(r"(?!)"))
        app = make_app("html", srcdir=src)  # type: ignore[operator]
        app.build()
        html = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
        return html.replace(f"{parser}-{fast}", "")

    fast_path = [bool(directive_base._PLAIN_TEXT_RE.fullmatch(t)) for t in TRICKY_TEXTS]
    assert fast_path == [True] * len(FAST_TEXTS) + [False] * len(SLOW_TEXTS)
    fast = page_for(True)
    slow = page_for(False)
    assert "Ünïcode wörds end." in fast and "<em>stress</em>" in fast
    assert fast == slow


@pytest.mark.parametrize(("builder", "suffix"), [("man", ".1"), ("texinfo", ".texi")])
def test_badges_are_bracketed_in_man_and_texinfo(
    builder: str, suffix: str, build: Callable[..., SphinxTestApp], copy_root: Callable[..., Path]
) -> None:
    """No pills outside HTML: a badge reads as a ``[tag]``, not as a word of the title."""
    app = build(copy_root("basic"), builder)
    [out] = Path(app.outdir).glob(f"*{suffix}")
    text = out.read_text(encoding="utf-8").replace("\\-", "-")
    header = next(line for line in text.splitlines() if "Serve ranked results fast" in line)
    assert "[must] [approved]" in header, header
    assert " must " not in header and " approved" not in header.replace("[approved]", "")
