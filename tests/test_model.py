"""The Sphinx-free model: chains, areas and bus factor, risk scores, staleness, git dates
and schema extensions, tested as plain Python (no build)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from helpers import git as _git
from sphinxcontrib_mldesign import model as model_package
from sphinxcontrib_mldesign.model.chains import build_chains, find_cycles
from sphinxcontrib_mldesign.model.extensions import ProjectSchemas, SchemaExtensionError
from sphinxcontrib_mldesign.model.inputs.git import last_changes
from sphinxcontrib_mldesign.model.items import Item, is_monitored
from sphinxcontrib_mldesign.model.ownership import collect_areas
from sphinxcontrib_mldesign.model.scoring import risk_score, score_band
from sphinxcontrib_mldesign.model.staleness import GIT, REVIEWED, staleness


def item(item_id: str, type_name: str, line: int = 1, **values: Any) -> Item:
    return Item(item_id, type_name, item_id, "doc", line, values)


def fallback(item_id: str, kind: str = "rule", next_id: str | None = None, line: int = 1) -> Item:
    values: dict[str, Any] = {"kind": kind}
    if next_id:
        values["next"] = next_id
    return item(item_id, "ml-fallback", line, **values)


def index_of(*items: Item) -> dict[str, Item]:
    return {str(i.id): i for i in items}


def test_the_model_imports_no_sphinx_and_nothing_above_it() -> None:
    """Every import of every model module: no Sphinx or docutils, no later layer."""
    model = Path(model_package.__file__).parent
    found = []
    for path in sorted(model.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                found.append((path.name, "." * node.level + (node.module or "")))
            elif isinstance(node, ast.Import):
                found += [(path.name, alias.name) for alias in node.names]
    assert len({name for name, _ in found}) == len(list(model.glob("*.py"))) - 1  # not __init__
    for name, module in found:
        assert module.split(".")[0] not in ("sphinx", "docutils"), (name, module)
        assert not module.startswith(".."), (name, module)  # only siblings in the model
        assert not module.startswith("sphinxcontrib_mldesign"), (name, module)


def test_chains_follow_next_from_each_head() -> None:
    a, b, c = fallback("A", "model", "B", 1), fallback("B", "cache", "C", 2), fallback("C", "rule")
    d = fallback("D", "cache", line=4)
    chains = build_chains([a, b, c, d], index_of(a, b, c, d))
    assert [chain.ids() for chain in chains] == [["A", "B", "C"], ["D"]]
    assert [chain.safe for chain in chains] == [True, False]
    assert chains[0].head is a and chains[0].terminal is c


def test_a_chain_with_a_broken_next_is_not_complete() -> None:
    a = fallback("A", "model", "NOPE")
    (chain,) = build_chains([a], index_of(a))
    assert chain.dangling == "NOPE" and not chain.complete and not chain.safe


def test_cycles_are_found_once_starting_at_their_first_fallback() -> None:
    a, b, c = (
        fallback("A", next_id="B", line=1),
        fallback("B", next_id="C", line=2),
        fallback("C", next_id="B", line=3),
    )
    items = [a, b, c]
    cycles = find_cycles(items, index_of(*items))
    assert [[i.id for i in cycle] for cycle in cycles] == [["B", "C"]]
    (chain,) = build_chains(items, index_of(*items))
    assert chain.ids() == ["A", "B", "C"] and chain.loops_to is b


def test_a_loop_nobody_enters_is_a_chain_of_its_own() -> None:
    a, b = fallback("A", next_id="B"), fallback("B", next_id="A", line=2)
    chains = build_chains([a, b], index_of(a, b))
    assert [chain.ids() for chain in chains] == [["A", "B"]]
    assert chains[0].loops_to is a


def test_bus_factor_counts_owners_and_their_backups_once() -> None:
    ann = item("ann", "ml-owner", areas=["Serving", "training"], backups=["ben", "zed"])
    ben = item("ben", "ml-owner", areas=["serving "], backups=["ann"])
    cat = item("cat", "ml-owner", areas=["evaluation"])
    areas = collect_areas([ann, ben, cat], index_of(ann, ben, cat))
    found = {area.name: [str(p.id) for p in area.people] for area in areas}
    # Areas match ignoring case and blanks; an unknown backup ("zed") counts for nothing.
    assert found == {"evaluation": ["cat"], "Serving": ["ann", "ben"], "training": ["ann", "ben"]}
    assert [area.bus_factor for area in areas] == [1, 2, 2]


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band"),
    [("very-low", "very-low", 1, "low"), ("moderate", "low", 6, "medium"),
     ("high", "high", 16, "high"), ("very-high", "very-high", 25, "critical")],
)  # fmt: skip
def test_risk_scores_and_their_bands(likelihood: str, impact: str, score: int, band: str) -> None:
    assert risk_score(likelihood, impact) == score
    assert score_band(score) == band


def test_an_unscorable_level_gives_no_score() -> None:
    assert risk_score("unthinkable", "high") is None


def test_staleness_prefers_reviewed_and_counts_days() -> None:
    today = dt.date(2026, 11, 1)
    week = 7 * 86400
    fresh = staleness("2026-10-30", dt.date(2020, 1, 1), today, week)
    stale = staleness("2026-10-01", None, today, week)
    from_git = staleness(None, dt.date(2026, 10, 1), today, week)
    assert fresh is None
    assert stale is not None and (stale.source, stale.age_days) == (REVIEWED, 31)
    assert from_git is not None and from_git.source == GIT
    assert staleness(None, None, today, week) is None  # no date at all: not stale
    assert staleness("2026-10-25", None, today, week) is None  # exactly the period: fresh


def test_a_metric_is_monitored_with_warn_or_crit() -> None:
    assert is_monitored(item("M", "ml-metric", crit={"text": "> 1"}))
    assert is_monitored(item("M", "ml-metric", warn={"text": "> 1"}))
    assert not is_monitored(item("M", "ml-metric", target={"text": "> 1"}))


def test_git_dates_are_each_files_last_commit(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.rst").write_text("a")
    (tmp_path / "b.rst").write_text("b")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "both", date="2026-01-02T12:00:00Z")
    (tmp_path / "b.rst").write_text("b2")
    _git(tmp_path, "commit", "-qam", "b again", date="2026-03-04T12:00:00Z")
    (tmp_path / "new.rst").write_text("untracked")
    files = [str(tmp_path / name) for name in ("a.rst", "b.rst", "new.rst")]
    dates = last_changes(tmp_path, files)
    assert dates == {files[0]: dt.date(2026, 1, 2), files[1]: dt.date(2026, 3, 4)}


def test_no_git_work_tree_gives_no_dates(tmp_path: Path) -> None:
    (tmp_path / "a.rst").write_text("a")
    assert last_changes(tmp_path, [str(tmp_path / "a.rst")]) == {}


def test_schema_extensions_add_options_and_reject_bad_schemas() -> None:
    schemas = ProjectSchemas({"ml-requirement": {"properties": {"jira": {"type": "string"}}}})
    values, problems, invalid = schemas.of("ml-requirement").process({"id": "R", "jira": "ML-1"})
    assert values["jira"] == "ML-1" and problems == [] and invalid == ()
    with pytest.raises(SchemaExtensionError, match="unknown item type"):
        ProjectSchemas({"ml-nothing": {}})
    with pytest.raises(SchemaExtensionError, match="not a valid JSON Schema"):
        ProjectSchemas({"ml-risk": {"properties": {"x": {"type": 5}}}})
    with pytest.raises(SchemaExtensionError, match="built in"):
        ProjectSchemas({"ml-risk": {"properties": {"owner": {"type": "string"}}}})
