"""Deployed alerting rules, read from Prometheus rule files and ``PrometheusRule``
manifests (YAML, several documents per file allowed), each with the line it starts on.

Text that is not YAML, or a rule without a name or an expression, is a problem
(:class:`.InputProblem`) at its line, never an exception. Recording rules are skipped.
The files are found and read by :mod:`.inputs.alert_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .inputs.base import InputProblem


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


@dataclass
class RuleFiles:
    """Every alerting rule of a set of files, and what could not be read."""

    rules: list[DeployedRule] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)

    def read(self, text: str, docname: str, source: str) -> None:
        """Add the rules of one file's text (``docname``: its name in the project,
        ``source``: its absolute path)."""
        try:
            documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError as err:
            reason = getattr(err, "problem", None) or str(err)
            self.problems.append(
                InputProblem(docname, source, _error_line(err, text), f"not valid YAML: {reason}")
            )
            return
        except RecursionError:  # composed recursively: nested deeper than Python's stack
            problem = InputProblem(
                docname, source, 1, "not YAML this build reads: nested too deeply"
            )
            self.problems.append(problem)
            return
        found_groups = False
        for document in documents:
            groups = _groups(document)
            if groups is None:
                continue
            found_groups = True
            for group in groups.value if isinstance(groups, yaml.SequenceNode) else []:
                rules = _get(group, "rules")
                for rule in rules.value if isinstance(rules, yaml.SequenceNode) else []:
                    self._add(rule, docname, source)
        if not found_groups and documents:
            self.problems.append(
                InputProblem(
                    docname,
                    source,
                    1,
                    "not a Prometheus rule file (no 'groups') or PrometheusRule manifest",
                )
            )

    def _add(self, node: yaml.Node, docname: str, source: str) -> None:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode) or _get(node, "record") is not None:
            return
        name, expr = _scalar(_get(node, "alert")), _scalar(_get(node, "expr"))
        if not name or not expr:
            missing = "'alert'" if not name else "'expr'"
            self.problems.append(InputProblem(docname, source, line, f"a rule without {missing}"))
            return
        labels = _get(node, "labels")
        self.rules.append(
            DeployedRule(
                name=name,
                expr=expr,
                for_=_scalar(_get(node, "for")),
                labels=_string_map(labels),
                docname=docname,
                source=source,
                lineno=line,
            )
        )


def _error_line(err: yaml.YAMLError, text: str) -> int:
    """The line of a YAML error, within the file. An error found only at the end of the
    stream (a bracket or quote never closed) is marked past the last line: the line where
    the unclosed part starts, if YAML says, else the last line written."""
    problem = getattr(err, "problem_mark", None)
    if problem is None:
        return 1
    mark = problem
    context = getattr(err, "context_mark", None)
    at_end = not text[problem.index :].strip()
    if at_end and context is not None and context.index < problem.index:
        mark = context
    last = len(text.rstrip().splitlines()) or 1
    return min(max(int(mark.line) + 1, 1), last)


def _groups(document: yaml.Node) -> yaml.Node | None:
    """The ``groups`` of a rule file, or of a PrometheusRule manifest's ``spec``."""
    if not isinstance(document, yaml.MappingNode):
        return None
    if _scalar(_get(document, "kind")) == "PrometheusRule":
        spec = _get(document, "spec")
        return _get(spec, "groups") if spec is not None else None
    return _get(document, "groups")


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found: yaml.Node = value_node
            return found
    return None


def _scalar(node: yaml.Node | None) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.value.strip():
        return str(node.value).strip()
    return None


def _string_map(node: yaml.Node | None) -> dict[str, str]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key, value = _scalar(key_node), _scalar(value_node)
        if key is not None and value is not None:
            out[key] = value
    return out
