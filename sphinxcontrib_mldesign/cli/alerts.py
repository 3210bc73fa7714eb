"""``mldesign alerts``: the Prometheus alerting rules the doc's metrics state.

One rule per threshold of every monitored metric with a ``:query:``, in document order; a
Prometheus rule file or a ``PrometheusRule`` manifest. The same doc gives the same bytes.
A doc with errors gives no rules (unless ``--allow-errors``), and a metric in error never
gives one: no default stands in for a value the doc writes invalidly, nor for one it
writes under a name that is no option (``:level: ticket`` for ``:severity:``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

from ..model.alerts import thresholds
from ..model.formats import FormatError, counted
from ..model.generated_rules import alerting_rule
from ..model.rules import Rule
from .errors import UsageError
from .report import relative_paths, violation_table

#: The rules comparing the doc with the rules deployed: regenerating the rules is how their
#: findings are fixed, so they never stop it.
_DEPLOYMENT_RULES = frozenset(
    rule.subtype for rule in (Rule.ALERT_MISSING, Rule.ALERT_DRIFT, Rule.ALERT_UNKNOWN)
)


def run_alerts(source: Path, output: Path | None, fmt: str, allow_errors: bool = False) -> int:
    export, paths = _export_of(source)
    errors = [
        violation
        for violation in export["violations"]
        if violation["severity"] == "error" and violation["rule"] not in _DEPLOYMENT_RULES
    ]
    if errors and not allow_errors:
        print(
            f"mldesign alerts: the doc has {counted(len(errors), 'error')}; no rules written "
            "(fix them, or pass --allow-errors to write the rules of the metrics they leave "
            "valid):",
            file=sys.stderr,
        )
        print(violation_table(errors, paths), end="", file=sys.stderr)
        return 1
    in_error = _metrics_in_error(export)
    metrics = sorted(
        (item for item in export["items"].values() if item.get("type") == "ml-metric"),
        key=lambda item: (item["docname"], item["lineno"], item["id"]),
    )
    rules: list[dict[str, Any]] = []
    without_query, left_out = [], []
    for metric in metrics:
        found = thresholds(metric)
        if not found:
            continue
        if not metric.get("query"):
            without_query.append(str(metric["id"]))
            continue
        why = in_error.get(str(metric["id"]))
        if why is None and any(threshold.severity is None for threshold in found):
            why = "no :severity:"  # an export edited by hand: no default stands in
        try:
            if why is None:
                rules += [alerting_rule(metric, level, metric.get("url")) for level in found]
        except FormatError as err:  # an export edited by hand: the build would say so
            why = f"its :query: {err}"
        if why is not None:
            left_out.append(f"{metric['id']} ({why})")
    text = rule_file(str(export.get("project") or "design-doc"), rules, fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot write {output}: {err.strerror or err}") from None
    if errors:
        print(f"mldesign alerts: written despite {counted(len(errors), 'error')}", file=sys.stderr)
    print(f"mldesign alerts: {counted(len(rules), 'rule')}", file=sys.stderr)
    if without_query:
        print(
            "mldesign alerts: monitored metrics without :query: (no rule written): "
            + ", ".join(without_query),
            file=sys.stderr,
        )
    if left_out:
        print(
            "mldesign alerts: monitored metrics in error (no rule written): " + ", ".join(left_out),
            file=sys.stderr,
        )
    return 0


def _metrics_in_error(export: dict[str, Any]) -> dict[str, str]:
    """Metric ID -> why no rule can say what it says: options written invalidly (a default
    would stand in for them), any other schema error of the metric (an unknown option may
    be what the author meant instead of a default: ``:level: ticket``), or an ID two items
    share (which one is meant?)."""
    metrics = {
        str(item["id"]): item
        for item in export["items"].values()
        if item.get("type") == "ml-metric"
    }
    why: dict[str, list[str]] = {}
    for metric_id, item in metrics.items():
        if item.get("invalid"):
            why[metric_id] = ["invalid " + ", ".join(f":{o}:" for o in item["invalid"])]
    for violation in export["violations"]:
        metric_id = str(violation["item"])
        if violation["item"] is None or metric_id not in metrics:
            continue
        if violation["rule"] == Rule.SCHEMA.subtype and metric_id not in why:
            why[metric_id] = [f"line {violation['lineno']}: {violation['message']}"]
        elif violation["rule"] == Rule.DUPLICATE_ID.subtype:
            why.setdefault(metric_id, []).append("duplicate ID")
    return {metric_id: "; ".join(reasons) for metric_id, reasons in why.items()}


def rule_file(project: str, rules: list[dict[str, Any]], fmt: str) -> str:
    """The rules as one group named after the project, in a rule file or a manifest."""
    name = re.sub(r"[^a-z0-9]+", "-", project.lower()).strip("-") or "design-doc"
    groups = [{"name": name, "rules": rules}]
    if fmt == "operator":
        document: dict[str, Any] = {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "PrometheusRule",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "mldesign"}},
            "spec": {"groups": groups},
        }
    else:
        document = {"groups": groups}
    header = "# Generated by `mldesign alerts` from the design doc; regenerate, do not edit.\n"
    return header + yaml.dump(
        document,
        Dumper=_RuleFileDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1000,
    )


class _RuleFileDumper(yaml.SafeDumper):
    """YAML as ``yaml.safe_dump`` writes it, but a text of several lines (a query with a
    comment) as a block (``|``), line by line as written."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None  # PyYAML quotes it where a block cannot hold it
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_RuleFileDumper.add_representer(str, _text)


def _export_of(source: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The export given, or the one a build of the source directory writes; and where each
    document's file is (for a build: from the current directory)."""
    if source.is_dir():
        from .check import build_export_of  # imports Sphinx: only for a directory

        export, files, _, _ = build_export_of(source, {})
        return export, relative_paths(files, Path.cwd())
    from .diff import load_export

    return load_export(source), {}
