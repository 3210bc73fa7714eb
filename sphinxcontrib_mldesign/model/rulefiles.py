"""Deployed alerting rules, read from Prometheus rule files, ``PrometheusRule`` manifests
and lists of them (``kubectl get prometheusrules -o yaml``), YAML, several documents
per file allowed, each rule with the line it starts on.

The YAML is read as Prometheus reads it, bounded (:mod:`.boundedyaml`): merge keys
applied, nesting and expansion through aliases capped. Text that is not YAML, or a rule
without a name or an expression, is a problem (:class:`.InputProblem`) at its line, never
an exception. Recording rules are skipped. The files are found and read by
:mod:`.inputs.alert_rules`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, SequenceNode

from .boundedyaml import Mappings, YAMLProblem, compose_documents, line_of, scalar
from .inputs.base import InputProblem

#: Rules (and groups, and manifests) a file may name, each time it names them: through
#: aliases a few kilobytes name millions. Prometheus servers hold a few thousand.
MAX_RULES = 100_000
#: The kinds of a Kubernetes list of ``PrometheusRule`` manifests: ``kubectl get -o yaml``
#: writes ``List`` (each item saying its kind), the API ``PrometheusRuleList``.
_LIST_KINDS = ("List", "PrometheusRuleList")


@dataclass(frozen=True)
class DeployedRule:
    """One alerting rule as deployed."""

    name: str
    expr: str
    for_: str | None
    labels: dict[str, str]
    docname: str
    """The file, as the project names it (relative to the conf directory)."""
    source: str
    """Its absolute path, where warnings point."""
    lineno: int
    failing: str | None = None
    """Loaded in a Prometheus server that fails to evaluate it: the server's error."""


@dataclass
class RuleFiles:
    """Every alerting rule of a set of files, and what could not be read."""

    rules: list[DeployedRule] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)

    def read(self, text: str, docname: str, source: str) -> None:
        """Add the rules of one file's text (``docname``: its name in the project,
        ``source``: its absolute path). A file that cannot be read as a whole (not YAML,
        too deep, too large through aliases) adds one problem and no rule, as Prometheus
        loads none of it."""
        try:
            documents, aliased = compose_documents(text)
            walk = _Walk(Mappings(aliased), docname, source)
            walk.read(documents)
        except YAMLProblem as err:
            self.problems.append(InputProblem(docname, source, err.line, err.message))
            return
        self.rules.extend(walk.rules)
        self.problems.extend(walk.problems)


class _Walk:
    """The rules of one file's documents, and what is wrong with them."""

    def __init__(self, mappings: Mappings, docname: str, source: str) -> None:
        self.mappings = mappings
        self.docname, self.source = docname, source
        self.rules: list[DeployedRule] = []
        self.problems: list[InputProblem] = []
        self._counts = {"manifests": 0, "groups": 0, "rules": 0}

    def read(self, documents: list[Node]) -> None:
        # Every list of rules is found (and counted) before any rule is read: a file
        # naming too many through aliases costs the count, not the rules.
        found_groups = False
        rule_lists: list[SequenceNode] = []
        for document in documents:
            for groups in self._groups(document):
                found_groups = True
                for group in self._each(groups, "groups"):
                    rules = self.mappings.get(group, "rules")
                    if isinstance(rules, SequenceNode):
                        self._count(rules, "rules")
                        rule_lists.append(rules)
        for rules in rule_lists:
            for rule in rules.value:
                self._add(rule)
        if not found_groups and documents:
            self.problems.append(
                InputProblem(
                    self.docname,
                    self.source,
                    1,
                    "not a Prometheus rule file (no 'groups') or PrometheusRule manifest",
                )
            )

    def _groups(self, document: Node) -> Iterator[Node]:
        """The ``groups`` of a rule file, of a PrometheusRule manifest's ``spec``, or of
        each manifest of a list of them (an empty list has none, and is one)."""
        get = self.mappings.get
        kind = scalar(get(document, "kind"))
        if kind in _LIST_KINDS and isinstance(items := get(document, "items"), SequenceNode):
            if not items.value:
                yield items
            for item in self._each(items, "manifests"):
                item_kind = scalar(get(item, "kind"))
                if item_kind == "PrometheusRule" or (kind != "List" and item_kind is None):
                    yield from self._groups_of_manifest(item)
        elif kind == "PrometheusRule":
            yield from self._groups_of_manifest(document)
        elif (groups := get(document, "groups")) is not None:
            yield groups

    def _groups_of_manifest(self, manifest: Node) -> Iterator[Node]:
        groups = self.mappings.get(self.mappings.get(manifest, "spec"), "groups")
        if groups is not None:
            yield groups

    def _each(self, node: Node, what: str) -> list[Node]:
        """The entries of a sequence (none for anything else), counted as ``what``."""
        if not isinstance(node, SequenceNode):
            return []
        self._count(node, what)
        return list(node.value)

    def _count(self, node: SequenceNode, what: str) -> None:
        self._counts[what] += len(node.value)
        if self._counts[what] > MAX_RULES:
            raise self.mappings.expansion(node, MAX_RULES, what)

    def _add(self, node: Node) -> None:
        get = self.mappings.get
        if get(node, "record") is not None or not isinstance(node, MappingNode):
            return
        name, expr = scalar(get(node, "alert")), scalar(get(node, "expr"))
        if not name or not expr:
            missing = "'alert'" if not name else "'expr'"
            self.problems.append(
                InputProblem(self.docname, self.source, line_of(node), f"a rule without {missing}")
            )
            return
        self.rules.append(
            DeployedRule(
                name=name,
                expr=expr,
                for_=scalar(get(node, "for")),
                labels=self.mappings.strings(get(node, "labels")),
                docname=self.docname,
                source=self.source,
                lineno=line_of(node),
            )
        )
