"""Rules on the system's components: ``component-unmonitored``,
``serving-component-needs-fallback`` and ``feedback-loop``."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.items import COMPONENT, RISK, as_list
from ..model.project import Project
from ..model.rules import Rule
from .coverage import lacks
from .findings import Finding

WATCHED_KINDS = ("model", "serving", "pipeline")
REPLACEABLE_KINDS = ("serving", "model")


def component_gaps(context: Project) -> Iterator[Finding]:
    for item in context.of_type(COMPONENT.name):
        kind = item.values.get("kind")
        if kind in WATCHED_KINDS and lacks(item, "metrics"):
            yield Finding(
                Rule.COMPONENT_UNMONITORED,
                item,
                f"{kind} component {item.id!r} lists no :metrics: — nothing watches it",
                concerns=(str(item.id),),
            )
        if kind in REPLACEABLE_KINDS and lacks(item, "fallbacks"):
            yield Finding(
                Rule.SERVING_COMPONENT_NEEDS_FALLBACK,
                item,
                f"{kind} component {item.id!r} lists no :fallbacks: — nothing takes over "
                "when it fails",
                concerns=(str(item.id),),
            )


def feedback_loops(context: Project) -> Iterator[Finding]:
    acknowledged = {
        component
        for risk in context.of_type(RISK.name)
        for component in as_list(risk.values.get("affects"))
    }
    for loop in context.feedback_loops:
        if acknowledged & set(loop.members):
            continue
        first_model = context.index[loop.cycle[0]]
        path = " -> ".join(loop.cycle)
        yield Finding(
            Rule.FEEDBACK_LOOP,
            first_model,
            f"feedback loop through model {first_model.id!r}: {path}; add an ml-risk whose "
            ":affects: names one of its components",
            summary=f"data flows back into a model: {path}",
            concerns=loop.members,
        )


CHECKS = (component_gaps, feedback_loops)
