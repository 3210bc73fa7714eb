"""The per-build state: the project as the checks saw it, what they found, and the pages
this build must re-write. Built once all documents are read, on ``env-updated``, which
fires on every build (serial, parallel, incremental, or one where nothing changed), so
every build reports the same findings in the same order.

It is not the domain's (which holds item data only): it hangs on the environment in a
holder that pickles empty, so it lives exactly as long as the build's environment and is
never written to disk. :func:`build_state` is the one way to reach it, and fails loudly
when asked before the checks ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .config import get_config
from .domain import get_ml_domain
from .model.formats import counted
from .model.inputs.base import Where
from .model.project import Project
from .model.rules import WARNING_TYPE
from .rules.findings import Findings, Violation
from .rules.run import run_checks
from .rules.views import ImportedFindings, ProjectName, View

logger = logging.getLogger(__name__)


@dataclass
class Rewrites:
    """What this build records as shown once its pages are written, and the pages it
    must write before it may (see :mod:`.outputs`)."""

    state: dict[str, Any]
    must_write: set[str]
    written: set[str] = field(default_factory=set)


@dataclass
class BuildState:
    context: Project
    """The project as the checks saw it (and the roll-ups show it)."""
    findings: Findings
    builder: Builder
    """What this build writes with (for post-transforms: ``SphinxTransform.app`` is
    deprecated from Sphinx 9)."""
    rewrites: Rewrites | None = None
    imported_findings: dict[str, ImportedFindings] = field(default_factory=dict)
    """Import name -> its violations as the roll-ups read them (made when first shown)."""
    views: dict[tuple[ProjectName, ...], View] = field(default_factory=dict)
    """The roll-ups' views of selections of projects, made when first shown."""
    told: set[str] = field(default_factory=set)
    """What this build has said once and will not say again (that Graphviz is missing)."""

    def view(self, projects: tuple[ProjectName, ...]) -> View:
        """The roll-ups' view of a selection of projects, made when first shown."""
        view = self.views.get(projects)
        if view is None:
            view = View(self.context, self.findings, self.imported_findings, projects)
            self.views[projects] = view
        return view


class _Holder:
    """Holds this build's state on the environment; pickled (with the environment), it
    holds nothing."""

    def __init__(self, state: BuildState | None = None) -> None:
        self.state = state

    def __reduce__(self) -> tuple[type[_Holder], tuple[()]]:
        return (_Holder, ())


_ATTRIBUTE = "mldesign_state"


def build_state(env: BuildEnvironment) -> BuildState:
    """This build's state. Raises if asked for before the checks ran (a wiring bug)."""
    holder: _Holder | None = getattr(env, _ATTRIBUTE, None)
    if holder is None or holder.state is None:
        raise RuntimeError(
            "mldesign: the build state is made on env-updated; it was asked for before"
        )
    return holder.state


def project_of(app: Sphinx, env: BuildEnvironment) -> Project:
    """The project Sphinx read, as plain data; its outside is read when first asked for
    (imports are cached under the doctree directory, as intersphinx caches)."""
    domain = get_ml_domain(env)
    config = get_config(env)
    # Only the documents holding items are named by the checks and the roll-ups: a file
    # path (git dates, staleness) and a title (a roll-up's document column) of each.
    holding = domain.items_by_doc
    return Project(
        domain.all_items(),
        config,
        config.today_date(),
        role_refs=domain.all_refs(),
        any_refs=set().union(*domain.any_refs_by_doc.values()),
        rollups=domain.all_rollups(),
        paths={doc: str(Path(env.doc2path(doc)).resolve()) for doc in holding},
        titles={doc: env.titles[doc].astext() for doc in holding if doc in env.titles},
        title=str(env.config.project),
        inventories=getattr(env.config, "intersphinx_mapping", None) or (),
        where=Where(Path(app.confdir or env.srcdir), Path(env.srcdir), Path(env.doctreedir)),
    )


def _check_project(app: Sphinx, env: BuildEnvironment) -> None:
    project = project_of(app, env)
    state = BuildState(project, run_checks(project), app.builder)
    setattr(env, _ATTRIBUTE, _Holder(state))
    for violation in state.findings.violations:
        log = logger.error if violation.severity == "error" else logger.warning
        log(
            violation.message,
            type=WARNING_TYPE,
            subtype=violation.rule,
            location=violation.location,
        )


def failing_errors(app: Sphinx) -> list[Violation]:
    """The error-severity violations of this build that fail it: all but those whose
    warning the project silenced with ``suppress_warnings``."""
    suppressed = app.config.suppress_warnings
    return [
        violation
        for violation in build_state(app.env).findings.violations
        if violation.severity == "error"
        and not logging.is_suppressed_warning(WARNING_TYPE, violation.rule, suppressed)
    ]


def _fail_on_errors(app: Sphinx, exception: Exception | None) -> None:
    """Rules of severity ``error`` fail the build even without ``-W``. Every build ends
    with one line of what the extension found (an info line: ``-q`` hides it)."""
    if exception is not None or app.env is None:
        return
    state = build_state(app.env)
    found = state.findings.violations
    error_count = sum(violation.severity == "error" for violation in found)
    logger.info(
        "mldesign: %s, %s, %s",
        counted(len(state.context.index), "item"),
        counted(error_count, "error"),
        counted(len(found) - error_count, "warning"),
    )
    errors = failing_errors(app)
    if errors:
        app.statuscode = 1
        logger.info(
            "mldesign: %s in the design doc; the build fails.",
            counted(len(errors), "error"),
            color="red",
        )


def setup(app: Sphinx) -> None:
    app.connect("env-updated", _check_project)
    app.connect("build-finished", _fail_on_errors, priority=600)  # after the outputs
