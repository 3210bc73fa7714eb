"""``mldesign observe``: ask the live sources for every observed metric, as a ``live``
build does, and write the snapshot a ``snapshot`` build reads.

The doc is built as ``mldesign check`` builds it (the ``mldesign`` builder, in a temporary
directory), with ``mldesign_observe`` set to ``live``: the observations are the build's
own, so the snapshot holds exactly what a live build would show. The file is written
whether or not some source failed (a failure is kept in it, and a ``snapshot`` build
reports it where the metric is); the exit code tells the failure. The snapshot holds
values, times and errors; a server's answer that echoes a header is written with the
secret hidden (:func:`..model.inputs.http.without_secrets`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..config import get_config
from ..model.formats import counted
from ..model.items import METRIC, Item
from ..model.observe.snapshot import Snapshot, time_text
from ..state import build_state
from .check import build_export_of
from .errors import UsageError
from .report import relative_paths


def run_observe(sourcedir: Path, output: Path | None) -> int:
    """Observe, write the snapshot (to ``output``, else to ``mldesign_observe_snapshot``
    next to ``conf.py``), list the failures; 1 if any, else 0."""
    kept: dict[str, Any] = {}

    def keep(app: Sphinx) -> None:
        project = build_state(app.env).context
        kept["observed"] = project.observed
        kept["file"] = Path(app.confdir) / get_config(app.env).observe_snapshot
        observations = project.observed.observations
        kept["failed"] = [
            (str(metric.id), metric.docname, _line_of(metric), observation.error)
            for metric in project.of_type(METRIC.name)
            if (observation := observations.get(str(metric.id))) is not None
            and observation.error is not None
        ]

    _, files, others, _ = build_export_of(sourcedir, {"mldesign_observe": "live"}, keep)
    for line in others:  # docutils errors and the like: not ours, but worth seeing
        print(line, file=sys.stderr)
    observed = kept["observed"]
    snapshot: Snapshot = observed.snapshot or Snapshot(time_text(observed.now))
    target: Path = output if output is not None else kept["file"]
    try:
        target.write_text(snapshot_text(snapshot), encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write {target}: {err.strerror or err}") from None
    paths = relative_paths(files, Path.cwd())
    for metric_id, docname, line, error in kept["failed"]:
        print(f"{paths.get(docname, docname)}:{line}: {metric_id}: {error}")
    for problem in observed.problems:  # of a server as a whole (its firing alerts)
        print(f"{problem.docname}:{problem.lineno}: {problem.message}")
    failed = len(kept["failed"]) + len(observed.problems)
    count = len(snapshot.observations)
    print(f"mldesign observe: {counted(count, 'metric')} observed, {failed} failed; wrote {target}")
    return 1 if failed else 0


def snapshot_text(snapshot: Snapshot) -> str:
    """The snapshot file: JSON, keys sorted, indented, a newline at the end; the same
    bytes for the same observations."""
    return json.dumps(snapshot.as_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _line_of(metric: Item) -> int:
    """Where a metric's source is written: its ``:observe:``, else its ``:query:``."""
    return metric.line_of("observe" if "observe" in metric.option_lines else "query")
