"""``mldesign observe``: ask the live sources for every observed metric, as a ``live``
build does, and write the snapshot a ``snapshot`` build reads.

The doc is built as ``mldesign check`` builds it (the ``mldesign`` builder, in a temporary
directory), with ``mldesign_observe`` set to ``live``: the observations are the build's
own, so the snapshot holds exactly what a live build would show. The file is written
whether or not some source failed (a failure is kept in it, and a ``snapshot`` build
reports it where the metric is); the exit code tells the failure. The snapshot holds
values, times and errors; a server's answer that echoes a header is written with the
secret hidden (:func:`..model.inputs.secrets.without_secrets`).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ..config import get_config
from ..model.formats import counted
from ..model.observe.snapshot import Snapshot, time_text
from ..model.rules import Rule
from ..rules.findings import Violation
from ..state import build_state
from .check import build_export_of
from .errors import UsageError
from .report import relative_paths


def run_observe(sourcedir: Path, output: Path | None, at: dt.datetime | None = None) -> int:
    """Observe at ``at`` (None: now, whatever ``mldesign_observe_at`` pins), write the
    snapshot (to ``output``, else to ``mldesign_observe_snapshot`` next to ``conf.py``),
    list the failures; 1 if any, else 0."""
    kept: dict[str, Any] = {}

    def keep(app: Sphinx) -> None:
        state = build_state(app.env)
        kept["observed"] = state.context.observed
        kept["file"] = Path(app.confdir) / get_config(app.env).observe_snapshot
        # What the check found, whether or not the project reports the rule: where each
        # failure is written and what it says are the check's, not decided again here.
        kept["failed"] = [
            finding.violation("warning")
            for finding in state.findings.found
            if finding.rule is Rule.OBSERVATION_FAILED
        ]

    # A pin in conf.py keeps the doc's builds reproducible; the snapshot is of now (a
    # pinned past time would ask for the same old values every run, and never be stale).
    overrides = {"mldesign_observe": "live", "mldesign_observe_at": at}
    _, files, others, _ = build_export_of(sourcedir, overrides, keep)
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
    failed: list[Violation] = kept["failed"]
    for violation in failed:
        name = paths.get(violation.docname, violation.docname)
        print(f"{name}:{violation.lineno}: {violation.message}")
    count = len(snapshot.observations)
    print(
        f"mldesign observe: {counted(count, 'metric')} observed, {len(failed)} failed; "
        f"wrote {target}"
    )
    return 1 if failed else 0


def snapshot_text(snapshot: Snapshot) -> str:
    """The snapshot file: JSON, keys sorted, indented, a newline at the end; the same
    bytes for the same observations."""
    return json.dumps(snapshot.as_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
