"""A metric's ``:observe:``: where its observed value comes from.

``prometheus`` (its ``:query:`` on ``mldesign_prometheus``), ``mlflow:<model>@<alias>#<key>``
(the metric ``<key>`` of the run behind the registered model version with that alias),
``file:<path>#<key.path>`` (a number in a JSON or YAML file, the path relative to the conf
directory), or ``none``. Unwritten: ``prometheus`` when the metric has a ``:query:``, else
``none``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..numbers import FormatError, shortened

SourceKind = Literal["prometheus", "mlflow", "file", "none"]

#: A key path walks at most this many objects and lists (``a.b.0.c`` is 4).
MAX_KEY_DEPTH = 32


@dataclass(frozen=True)
class ObserveSpec:
    """Where one metric's value comes from."""

    kind: SourceKind
    text: str
    """As written (normalised): how snapshots and messages name the source."""
    model: str = ""
    """mlflow: the registered model's name."""
    alias: str = ""
    """mlflow: the alias of the model version (``champion``)."""
    key: str = ""
    """mlflow: the metric key; file: the key path (``eval.auc``, ``folds.0.auc``)."""
    path: str = ""
    """file: the file, relative to the conf directory."""

    @property
    def key_path(self) -> list[str]:
        """file: the key path's steps."""
        return self.key.split(".")


def parse_observe(text: str) -> ObserveSpec:
    """The spec an ``:observe:`` value writes; :class:`FormatError` saying why not."""
    written = text.strip()
    if written in ("prometheus", "none"):
        return ObserveSpec(written, written)  # type: ignore[arg-type]
    scheme, colon, rest = written.partition(":")
    target, hash_sign, key = rest.rpartition("#")
    if colon and scheme == "mlflow":
        model, at, alias = target.rpartition("@")
        if hash_sign and at and model.strip() and alias.strip() and key.strip():
            model, alias, key = model.strip(), alias.strip(), key.strip()
            return ObserveSpec("mlflow", f"mlflow:{model}@{alias}#{key}", model, alias, key)
        raise FormatError(
            f"{shortened(written, 60)!r} is not 'mlflow:<registered model>@<alias>#<metric key>'"
        )
    if colon and scheme == "file":
        steps = key.strip().split(".")
        if hash_sign and target.strip() and all(step.strip() for step in steps):
            if len(steps) > MAX_KEY_DEPTH:
                raise FormatError(f"the key path has more than {MAX_KEY_DEPTH} steps")
            path, key = target.strip(), ".".join(step.strip() for step in steps)
            return ObserveSpec("file", f"file:{path}#{key}", key=key, path=path)
        raise FormatError(f"{shortened(written, 60)!r} is not 'file:<path>#<key.path>'")
    raise FormatError(
        f"{shortened(written, 60)!r} is not a source: 'prometheus', "
        "'mlflow:<model>@<alias>#<key>', 'file:<path>#<key.path>' or 'none'"
    )


def observe_of(metric: Mapping[str, Any]) -> ObserveSpec | None:
    """Where a metric (as exported) is observed; None when it is not (``none``, or no
    ``:observe:`` and no ``:query:``, or an ``:observe:`` written invalidly: an invalid
    value is not replaced by the default)."""
    written = metric.get("observe")
    if written is None:
        if "observe" in (metric.get("invalid") or ()):
            return None
        return ObserveSpec("prometheus", "prometheus") if metric.get("query") else None
    try:
        spec = parse_observe(str(written))
    except FormatError:
        return None
    return None if spec.kind == "none" else spec
