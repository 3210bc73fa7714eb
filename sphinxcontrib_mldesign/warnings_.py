"""The registry of rules: every warning subtype this extension can emit.

This enum is the single source of truth for rule names, default severities and the
documentation's table of rules, so the docs cannot drift from the code.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

Severity = Literal["error", "warning"]
Setting = Literal["error", "warning", "off"]

WARNING_TYPE = "mldesign"


class Rule(Enum):
    """One warning subtype: ``type="mldesign", subtype=<value>``."""

    severity: Severity
    fires_when: str
    fix: str

    def __new__(cls, name: str, severity: Severity, fires_when: str, fix: str) -> Rule:
        member = object.__new__(cls)
        member._value_ = name
        member.severity = severity
        member.fires_when = fires_when
        member.fix = fix
        return member

    SCHEMA = (
        "schema",
        "error",
        "An option fails its schema: unknown option, wrong type or format, a value outside "
        "its enum, a missing required option or title.",
        "Correct the option as the message says; the option is ignored until then. "
        "Declare custom options with ``mldesign_schema_extensions``.",
    )
    DUPLICATE_ID = (
        "duplicate-id",
        "error",
        "Two items share an ID. The item read first (by document name, then line) keeps "
        "the ID; the later one is reported.",
        "Give one of the items a new ID. IDs are case-sensitive and shared by all item types.",
    )
    UNKNOWN_REF = (
        "unknown-ref",
        "error",
        "A reference (a role such as ``:ml:req:`` or an option such as ``:metrics:``) names "
        "no item, or an item of the wrong type.",
        "Fix the ID, or point the reference at an item of the type it expects.",
    )

    @property
    def subtype(self) -> str:
        return str(self.value)


RULE_NAMES = frozenset(rule.subtype for rule in Rule)
