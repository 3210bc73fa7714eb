"""The alerting rules loaded in the Prometheus server (``/api/v1/rules``), as deployed
rules the alert checks compare with the doc, like the rules of a file: what is *loaded*,
not only what is in git. ``mldesign_alert_rules`` names them ``"prometheus"``.

Each is named ``prometheus:/api/v1/rules#<group>`` at its position in the group (the API
gives no file line); a rule whose ``health`` is not ``ok`` carries the server's
``lastError`` (:attr:`.DeployedRule.failing`), which the drift check reports.
"""

from __future__ import annotations

from typing import Any

from ..rulefiles import MAX_RULES, DeployedRule
from .prometheus_api import PrometheusFailed, ask, shown
from .server import Server
from .snapshot import is_number

#: How a loaded rule's file is named in messages.
RULES_NAME = "prometheus:/api/v1/rules"
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def loaded_rules(server: Server) -> list[DeployedRule]:
    """Every alerting rule loaded in ``server``; PrometheusFailed (or MissingSecret) when
    they cannot be had."""
    headers = server.sent_headers()
    data = ask(server, "/api/v1/rules", {"type": "alert"}, headers)
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise PrometheusFailed("not JSON: not an answer of the Prometheus API (no groups)")
    found: list[DeployedRule] = []
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("rules"), list):
            continue
        name = f"{RULES_NAME}#{shown(str(group.get('name', '')), headers)}"
        for position, rule in enumerate(group["rules"], 1):
            loaded = _rule(rule, name, position, headers)
            if loaded is not None:
                found.append(loaded)
            if len(found) > MAX_RULES:
                raise PrometheusFailed(f"too large: more than {MAX_RULES:,} rules loaded")
    return found


def _rule(rule: Any, name: str, position: int, headers: dict[str, str]) -> DeployedRule | None:
    if not isinstance(rule, dict) or rule.get("type") != "alerting":
        return None
    alert, expr, labels = rule.get("name"), rule.get("query"), rule.get("labels", {})
    if not isinstance(alert, str) or not isinstance(expr, str) or not isinstance(labels, dict):
        return None
    health = rule.get("health", "ok")
    failing = None
    if health != "ok":
        failing = shown(str(rule.get("lastError") or f"health {health}"), headers)
    return DeployedRule(
        name=alert,
        expr=expr,
        for_=_duration(rule.get("duration")),
        labels={str(key): str(value) for key, value in labels.items()},
        docname=name,
        source=name,
        lineno=position,
        failing=failing,
    )


def _duration(seconds: Any) -> str | None:
    """The API's ``duration`` (seconds) as a rule file writes ``for`` (``5m``); None for 0."""
    # A JSON answer may hold NaN or Infinity (Python's reader takes them): no duration.
    if not is_number(seconds) or seconds <= 0:
        return None
    whole = int(seconds)
    if whole != seconds:
        return f"{int(seconds * 1000)}ms"
    unit, size = next((unit, size) for unit, size in _UNITS if whole % size == 0)
    return f"{whole // size}{unit}"
