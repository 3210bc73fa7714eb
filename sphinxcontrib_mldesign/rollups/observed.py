"""What the roll-ups show of observed values (``mldesign_observe`` on): a metric's value
with its mark, age, series and firing alerts (the monitoring roll-up's Observed column,
the trace's metric nodes), and whether a requirement is met (the requirement index).

The verdicts are the model's (:attr:`..model.project.Project.judged`,
:attr:`~..model.project.Project.requirements_met`); nothing here judges again. Each mark
carries an ``ml-rank-NN`` class, so the tables sort worst first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model.items import Item
from ..model.numbers import shortened
from ..model.observe.snapshot import Observation, SnapshotError
from ..model.observed import Judged, Verdict, age_text, value_text
from .diagrams import GAP_COLOUR, WARN_COLOUR
from .markup import Markup, el
from .renderer import Renderer
from .sparkline import sparkline_of


def observing(renderer: Renderer) -> bool:
    """Whether observed values are shown at all (so a project that does not observe
    keeps its roll-ups as they were)."""
    return renderer.context.observed.mode != "off"


def shows_observations(renderer: Renderer, items: Iterable[Item]) -> bool:
    """Whether a roll-up of these items shows observed values: this project observes, or
    another project's export gives some of them theirs (``observed``, ``met``)."""
    return observing(renderer) or any(
        item.project is not None
        and (item.values.get("observed") is not None or item.values.get("met") is not None)
        for item in items
    )


@dataclass(frozen=True)
class Mark:
    """A verdict as shown: its words, how bad it is (rank 0 worst), and its style."""

    words: str
    rank: int
    style: str
    """``bad``, ``warn``, ``good`` or ``none`` (no value): the CSS class ``ml-observed-*``."""


def judged_of(renderer: Renderer, metric: Item) -> Judged | None:
    """A metric's observation and verdict: this build's, or for another project's metric
    those its export gives (``observed``; as its own build judged, not judged again)."""
    if metric.project is None:
        return renderer.context.judged.get(str(metric.id))
    seen = metric.values.get("observed")
    try:
        observation = Observation.from_json(seen)
    except SnapshotError:  # none, or not as exports write it
        return None
    assert isinstance(seen, dict)  # as from_json found it
    if observation.value is None:
        return Judged(observation, None)
    return Judged(observation, Verdict(seen.get("target"), seen.get("level") or "ok"))


def marks_of(judged: Judged) -> list[Mark]:
    """The marks of an observation: a breached level, then the target's verdict; one
    ``ok`` mark when neither says anything, ``no value`` when there is none."""
    verdict = judged.verdict
    if verdict is None or judged.observation.value is None:
        return [Mark("no value", 3, "none")]
    marks = []
    if verdict.level != "ok":
        marks.append(Mark(verdict.level, 0 if verdict.level == "crit" else 1, verdict.level))
    if verdict.target is not None:
        bad = verdict.target == "missed"
        marks.append(Mark(verdict.target, 2 if bad else 4, "bad" if bad else "good"))
    return marks or [Mark("ok", 5, "good")]


def _glyph(renderer: Renderer, mark: Mark) -> str:
    bad, good = renderer.marks
    plain = renderer.builder.format in ("html", "text")
    if mark.style in ("crit", "warn"):
        return "▲" if plain else "[!!]" if mark.style == "crit" else "[!]"
    return {"bad": bad, "good": good}.get(mark.style, "?")


def mark_markup(renderer: Renderer, mark: Mark) -> Markup:
    classes = ["ml-observed", f"ml-observed-{mark.style}", f"ml-rank-{mark.rank:02d}"]
    return el("inline", f"{_glyph(renderer, mark)} {mark.words}", classes=classes)


def verdict_text(renderer: Renderer, judged: Judged) -> str:
    """The marks as one line of text (a diagram's node label)."""
    return " ".join(f"{_glyph(renderer, mark)} {mark.words}" for mark in marks_of(judged))


def observed_cell(renderer: Renderer, metric: Item, trend: bool = True) -> list[Markup]:
    """A metric's Observed cell: marks, value (or why none), sparkline, age, series and
    firing alerts; a dash when it is not observed."""
    judged = judged_of(renderer, metric)
    if judged is None:
        return ["—"]
    observation = judged.observation
    out: list[Markup] = []
    for mark in marks_of(judged):
        out += [mark_markup(renderer, mark), " "]
    values = metric.export()
    if observation.value is None:
        why = shortened(observation.error or "", 120)
        out[-1:] = [": ", el("inline", why, classes=["ml-observed-error"])]
    else:
        out.append(
            el("strong", value_text(observation.value, values), classes=["ml-observed-value"])
        )
        drawn = sparkline_of(values, observation) if trend else None
        if drawn is not None:
            out.append(drawn)  # its margins in HTML; nothing elsewhere
    # Each detail on one line ("3 h ago", an alert's name), the details on a line of their
    # own, wrapping between each other; a separator starts the detail it comes before, so
    # a wrap never leaves one dangling at the end of a line.
    details: list[str] = []
    age = age_text(observation.at, renderer.context.observed.now)
    if age is not None:
        details.append("now" if age == "now" else f"{age} ago")
    if observation.series > 1:
        details.append(f"{observation.series} series")
    details += [f"firing: {name}" for name in observation.firing]
    if details:
        shown: list[Markup] = []
        for number, detail in enumerate(details):
            shown += [" ", _detail(f"\u00b7\u00a0{detail}")] if number else [_detail(detail)]
        # Other builders write the details on the value's line: " · " between (HTML puts
        # them on a line of their own and leaves the separator out).
        out.append(el("inline", " \u00b7 ", classes=["ml-observed-sep"]))
        out.append(el("inline", *shown, classes=["ml-observed-details"]))
    return out


def _detail(text: str) -> Markup:
    return el("inline", text, classes=["ml-observed-detail"])


def met_of(renderer: Renderer, requirement: Item) -> bool | None:
    """Whether a requirement is met: by this build's observed values, or for another
    project's as its own build found (its export's ``met``); None: unknown."""
    if requirement.project is None:
        return renderer.context.requirements_met.get(str(requirement.id))
    met = requirement.values.get("met")
    return met if isinstance(met, bool) else None


def met_cell(renderer: Renderer, requirement: Item) -> Markup:
    """A requirement's Met cell: met, missed (marked as a gap is) or unknown."""
    met = met_of(renderer, requirement)
    if met is None:
        return mark_markup(renderer, Mark("unknown", 1, "none"))
    if met:
        return mark_markup(renderer, Mark("met", 2, "good"))
    return el("inline", renderer.gap("missed"), classes=["ml-rank-00"])


def observed_label(renderer: Renderer, metric: Item) -> str | None:
    """The line a metric's diagram node adds: its value and marks (``134 ms ✗ missed``),
    or that it has none and why, in short (``? no value: unreachable``)."""
    judged = judged_of(renderer, metric)
    if judged is None:
        return None
    value = judged.observation.value
    if value is None:
        kind = (judged.observation.error or "").partition(":")[0]
        return f"{verdict_text(renderer, judged)}: {shortened(kind, 40)}"
    return f"{value_text(value, metric.export())} {verdict_text(renderer, judged)}"


def observed_style(renderer: Renderer, metric: Item) -> dict[str, str]:
    """A metric node's border as its worst mark: red for a missed target or ``crit``
    (the gaps' colour), amber for ``warn``, dashed without a value."""
    judged = judged_of(renderer, metric)
    if judged is None:
        return {}
    worst = min(marks_of(judged), key=lambda mark: mark.rank)
    if worst.style in ("bad", "crit"):
        return {"color": GAP_COLOUR, "penwidth": "2"}
    if worst.style == "warn":
        return {"color": WARN_COLOUR, "penwidth": "2"}
    if worst.style == "none":
        return {"color": GAP_COLOUR, "style": "rounded,filled,dashed"}
    return {}
