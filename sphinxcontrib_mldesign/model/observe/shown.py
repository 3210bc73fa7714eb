"""A metric's trend as the roll-ups draw it: the sparkline's geometry, its bounds across.
Sphinx-free; :mod:`...rollups.sparkline` writes it as SVG. Values are written by
:func:`..observed.value_text`, as everywhere else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..observed import value_text
from .snapshot import is_number

#: The options whose bounds are drawn across a sparkline.
BOUNDS = ("target", "warn", "crit")

#: A sparkline's size in CSS pixels, and the room kept around the line.
WIDTH, HEIGHT, PAD = 120, 24, 2.0


def bounds_of(metric: Mapping[str, Any]) -> dict[str, float]:
    """Option -> the number its condition compares with, for each valid one."""
    found = {}
    for option in BOUNDS:
        condition = metric.get(option)
        bound = condition.get("value") if isinstance(condition, Mapping) else None
        if isinstance(bound, (int, float)) and is_number(bound):
            found[option] = float(bound)
    return found


@dataclass(frozen=True)
class Sparkline:
    """A trend as drawn: coordinates in a :data:`WIDTH` by :data:`HEIGHT` box (y down)."""

    points: tuple[tuple[float, float], ...]
    """The line, oldest first."""
    lines: tuple[tuple[str, float], ...]
    """(option, y) of each bound drawn across: ``target``, ``warn``, ``crit``."""
    title: str
    """What it shows in words: lowest, highest and last value."""


def _y(value: float, low: float, high: float) -> float:
    if high == low:
        return HEIGHT / 2
    return round(PAD + (high - value) / (high - low) * (HEIGHT - 2 * PAD), 1)


def _thinned(
    samples: Sequence[tuple[float, float]], first: float, span: float
) -> list[tuple[float, float]]:
    """At most the lowest and the highest sample per pixel column, in time order: a week
    of samples draws the same line, spikes kept."""
    if len(samples) <= 2 * WIDTH:
        return list(samples)
    columns: dict[int, list[tuple[float, float]]] = {}
    for sample in samples:
        columns.setdefault(int((sample[0] - first) / span * (WIDTH - 1)), []).append(sample)
    kept: list[tuple[float, float]] = []
    for column in columns.values():
        low, high = min(column, key=lambda s: s[1]), max(column, key=lambda s: s[1])
        kept += sorted({low, high})
    return kept


def sparkline(metric: Mapping[str, Any], trend: Sequence[tuple[float, float]]) -> Sparkline | None:
    """The trend of a metric with its bounds across; None with fewer than two samples. The
    height spans the samples and every bound, so the line is seen against them."""
    samples = sorted(trend)
    if len(samples) < 2:
        return None
    bounds = bounds_of(metric)
    values = [value for _, value in samples]
    low, high = min(values + list(bounds.values())), max(values + list(bounds.values()))
    first, span = samples[0][0], (samples[-1][0] - samples[0][0]) or 1.0
    if not (math.isfinite(high - low) and math.isfinite(span)):
        return None  # numbers near the float's limits (a hostile server's): no line to draw
    points = tuple(
        (round(PAD + (time - first) / span * (WIDTH - 2 * PAD), 1), _y(value, low, high))
        for time, value in _thinned(samples, first, span)
    )
    lines = tuple((option, _y(bound, low, high)) for option, bound in bounds.items())
    if not all(math.isfinite(number) for point in points for number in point):
        return None
    shown = [value_text(value, metric) for value in (min(values), max(values), values[-1])]
    title = f"lowest {shown[0]}, highest {shown[1]}, last {shown[2]}"
    return Sparkline(points, lines, title)
