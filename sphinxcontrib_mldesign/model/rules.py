"""The registry of rules: every warning subtype this extension can emit.

This enum is the single source of truth for rule names, default severities, the short
label a roll-up marks a gap with and the documentation's table of rules, so the docs and
roll-ups cannot drift from the code; :func:`setting` is the one place a project's
``mldesign_rules`` is applied to a rule. Plain data, no Sphinx: the config, the checks,
the roll-ups and the portfolio all name rules by these members.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Literal

Severity = Literal["error", "warning"]
Setting = Literal["error", "warning", "off"]
SETTINGS: tuple[Setting, ...] = ("error", "warning", "off")

WARNING_TYPE = "mldesign"

#: An open risk scoring this or more (likelihood x impact, of 25) needs mitigations.
HIGH_RISK_SCORE = 12


class Rule(Enum):
    """One warning subtype: ``type="mldesign", subtype=<value>``."""

    severity: Severity
    gap: str
    """What a roll-up cell or node says where the rule found a gap ("no owner"), after
    the gap mark; in a column that names the option, as little as "none"."""
    fires_when: str
    fix: str

    def __new__(cls, name: str, severity: Severity, gap: str, fires_when: str, fix: str) -> Rule:
        member = object.__new__(cls)
        member._value_ = name
        member.severity = severity
        member.gap = gap
        member.fires_when = fires_when
        member.fix = fix
        return member

    SCHEMA = (
        "schema",
        "error",
        "invalid option",
        "An option fails its schema: unknown option, wrong type or format, a value outside "
        "its enum, a missing required option or title.",
        "Correct the option as the message says; the option is ignored until then. "
        "Declare custom options with ``mldesign_schema_extensions``.",
    )
    DUPLICATE_ID = (
        "duplicate-id",
        "error",
        "duplicate ID",
        "Two items share an ID. The item read first (by document name, then line) keeps "
        "the ID; the later one is reported.",
        "Give one of the items a new ID. IDs are case-sensitive and shared by all item types.",
    )
    UNKNOWN_REF = (
        "unknown-ref",
        "error",
        "broken link",
        "A reference (a role such as ``:ml:req:`` or an option such as ``:metrics:``) names "
        "no item, or an item of the wrong type.",
        "Fix the ID, or point the reference at an item of the type it expects.",
    )

    MISSING_OWNER = (
        "missing-owner",
        "warning",
        "no owner",
        "A requirement, metric, fallback or risk has no ``:owner:``.",
        "Name the person or team who answers for it: ``:owner: <owner ID>``.",
    )
    MUST_NEEDS_METRIC = (
        "must-needs-metric",
        "warning",
        "no metric",
        "A ``must`` requirement that is in scope and not rejected or deprecated lists no "
        "``:metrics:``.",
        "Say how you will know it is met: add a metric and list it in ``:metrics:``.",
    )
    NONFUNCTIONAL_NEEDS_TARGET = (
        "nonfunctional-needs-target",
        "warning",
        "no target",
        "A ``must`` non-functional requirement has no ``:target:``.",
        "State the bar as a condition, e.g. ``:target: p99 <= 200 ms``.",
    )
    SERVING_NEEDS_FALLBACK = (
        "serving-needs-fallback",
        "warning",
        "no fallback",
        "A requirement with ``:inference:`` (it serves predictions) lists no ``:fallbacks:``.",
        "Decide what happens when the model misbehaves: add a fallback chain and list its "
        "head in ``:fallbacks:``.",
    )
    FALLBACK_CYCLE = (
        "fallback-cycle",
        "error",
        "loops",
        "Following ``:next:`` from a fallback comes back to it. Reported once per cycle, at "
        "its first fallback in document order.",
        "Break the loop: the last tier of a chain names no ``:next:``.",
    )
    FALLBACK_TERMINAL = (
        "fallback-terminal",
        "warning",
        "unsafe end",
        "A chain ends (a fallback with no ``:next:``) in a kind that can itself fail: not "
        "``constant``, ``rule``, ``human`` or ``reject``.",
        "Add a last tier that cannot fail (a constant answer, a rule, a human, or rejecting "
        "the request) and point the current last tier's ``:next:`` at it.",
    )
    TRIGGER_NOT_MONITORED = (
        "trigger-not-monitored",
        "warning",
        "cannot fire",
        "A metric that some fallback names in ``:trigger:`` has neither ``:warn:`` nor "
        "``:crit:``, so nothing will ever switch to the fallback. Reported at the metric.",
        "Give the metric alert thresholds (``:crit:`` at least), or trigger the fallback on a "
        "metric that has them.",
    )
    REQUIREMENT_UNMONITORED = (
        "requirement-unmonitored",
        "warning",
        "unmonitored",
        "A requirement that is in scope and not rejected or deprecated lists in ``:metrics:`` "
        "a metric with neither ``:warn:`` nor ``:crit:``, so no alert says when it stops "
        "being met. Reported at the requirement's ``:metrics:`` line.",
        "Give those metrics alert thresholds, or measure the requirement by a metric that "
        "has them.",
    )
    DRIFT_NEEDS_METHOD = (
        "drift-needs-method",
        "warning",
        "no drift method",
        "A metric of kind ``drift`` lacks ``:drift-method:`` or ``:reference:``.",
        "Say how drift is measured (``:drift-method: psi``) and against what "
        "(``:reference: training``).",
    )
    HIGH_RISK_NEEDS_MITIGATION = (
        "high-risk-needs-mitigation",
        "warning",
        "none",
        f"An ``open`` risk scoring {HIGH_RISK_SCORE} or more (likelihood x impact) lists no "
        "``:mitigations:``.",
        "List the fallbacks, requirements or metrics that reduce it, or lower its likelihood "
        "or impact if it was over-rated.",
    )
    BUS_FACTOR = (
        "bus-factor",
        "warning",
        "bus factor",
        "An area has fewer people than ``mldesign_min_bus_factor`` (default 2): the distinct "
        "owners listing it in ``:areas:`` plus their ``:backups:``. Reported at the first "
        "owner listing the area.",
        "Name a backup for the owner (``:backups:``), or a second owner who knows the area.",
    )
    STALE = (
        "stale",
        "warning",
        "stale",
        "An item's ``:reviewed:`` date — or, without one, the last git commit of its file — "
        "is older than ``mldesign_review_every`` (default ``180d``) before today "
        "(``mldesign_today``, else ``SOURCE_DATE_EPOCH``, else the clock).",
        "Re-read the item with its owner; when it is still true, set ``:reviewed:`` to "
        "today's date, else change it.",
    )
    COMPONENT_UNMONITORED = (
        "component-unmonitored",
        "warning",
        "unmonitored",
        "A ``model``, ``serving`` or ``pipeline`` component lists no ``:metrics:``.",
        "Name the metrics that watch it, or add them.",
    )
    SERVING_COMPONENT_NEEDS_FALLBACK = (
        "serving-component-needs-fallback",
        "warning",
        "no fallback",
        "A ``serving`` or ``model`` component lists no ``:fallbacks:``.",
        "Name the head of the fallback chain that takes over when it fails.",
    )
    FEEDBACK_LOOP = (
        "feedback-loop",
        "warning",
        "feedback loop",
        "The components' ``:inputs:`` form a loop through a ``model`` (its outputs come back "
        "into its inputs), and no ``ml-risk`` lists a component of the loop in "
        "``:affects:``. Reported once per loop, at its first model.",
        "Break the loop, or record the risk it carries: an ``ml-risk`` whose ``:affects:`` "
        "names a component of it.",
    )
    ALERT_MISSING = (
        "alert-missing",
        "warning",
        "not deployed",
        "A monitored metric with a ``:query:`` or ``:alert:`` has no deployed rule for one of "
        "its thresholds (only with ``mldesign_alert_rules``). Reported at the metric.",
        "Deploy the rule ``mldesign alerts`` generates, or name the hand-written one in "
        "``:alert:``.",
    )
    ALERT_DRIFT = (
        "alert-drift",
        "error",
        "drift",
        "A deployed rule's operator, threshold, ``for`` or ``severity`` differs from the "
        "metric's ``:warn:``/``:crit:``, ``:for:`` or ``:severity:``. Reported at that "
        "option's line (the metric's when it is not written); the message shows both values, "
        "the doc's as written, and the rule's file and line.",
        "Change whichever is wrong — the doc or the deployed rule — so they say the same.",
    )
    ALERT_UNKNOWN = (
        "alert-unknown",
        "warning",
        "unknown alert",
        "A deployed rule is labelled with an ``mldesign_id`` that no metric of the doc has, or "
        "a rule file cannot be read. Reported at the rule file's line.",
        "Fix the label (or the ID in the doc), delete the rule, or fix the file.",
    )
    TARGET_MISSED = (
        "target-missed",
        "warning",
        "target missed",
        "An observed value (``mldesign_observe``) misses its metric's ``:target:``, or a "
        "requirement's ``:target:`` (for a metric of its stat and unit). Reported at that line.",
        "Bring the system back to its target, or change the target if it no longer holds.",
    )
    THRESHOLD_BREACHED = (
        "threshold-breached",
        "warning",
        "breached",
        "An observed value is past its metric's ``:crit:`` (else ``:warn:``) right now. "
        "Reported at that option's line, with the alerts firing for it.",
        "Follow the metric's runbook; if the threshold is wrong, change it and its alert.",
    )
    OBSERVATION_FAILED = (
        "observation-failed",
        "warning",
        "not observed",
        "A source could not give a metric's value (the message says why: unreachable, HTTP "
        "error, query error, no data, not a number, missing key), or the snapshot of observed "
        "values cannot be read. Reported at ``:observe:`` (else ``:query:``) or ``conf.py``.",
        "Fix the source, the ``:observe:`` or ``:query:``, or the server's settings.",
    )
    OBSERVATION_STALE = (
        "observation-stale",
        "warning",
        "stale values",
        "The snapshot of observed values is older than ``mldesign_observe_max_age`` "
        "(default ``7d``). Reported once, at its setting in ``conf.py``.",
        "Write a new one: ``mldesign observe SOURCEDIR -o observed.json``.",
    )
    IMPORT = (
        "import",
        "warning",
        "not read",
        "An export named in ``mldesign_imports`` cannot be read: a missing file, a URL that "
        "does not answer in ``mldesign_imports_timeout``, or data that is not an "
        "``mldesign.json``. Reported at the project's line in ``conf.py``; the build goes on "
        "with an older cached copy when there is one, else without that project (references "
        "to it are then not checked).",
        "Fix the path or URL, or build the other project so its export exists.",
    )

    @property
    def subtype(self) -> str:
        return str(self.value)


RULE_NAMES = frozenset(rule.subtype for rule in Rule)
RULE_BY_NAME: dict[str, Rule] = {rule.subtype: rule for rule in Rule}


def setting(rule: Rule, settings: Mapping[Rule, Setting]) -> Setting:
    """The rule's severity in a project whose ``mldesign_rules`` is ``settings``, or "off"."""
    return settings.get(rule, rule.severity)


def rule_named(name: str) -> Rule | str:
    """The rule another project's export names; the name itself when this version does
    not know it (a rule a newer version added): counted, never judged again."""
    return RULE_BY_NAME.get(name, name)


def name_of(rule: Rule | str) -> str:
    """The rule's name as the warnings and exports write it."""
    return rule.subtype if isinstance(rule, Rule) else rule
