"""The ``mldesign_alert_rules`` source: the deployed alerting rules, from the files the
globs name (relative to the conf directory), each read with its lines
(:mod:`..rulefiles`). A file that cannot be read is a problem at its first line (at the
line of the byte that is not UTF-8); a glob that looks at too much, one at its line in
``conf.py``. The entry ``"prometheus"`` names the rules loaded in the server
(:mod:`..observe.loaded_rules`)."""

from __future__ import annotations

import os
from pathlib import Path

from ..boundedyaml import line_at
from ..observe.loaded_rules import RULES_NAME, loaded_rules
from ..observe.prometheus_api import PrometheusFailed
from ..observe.server import MissingSecret
from ..paths import relative_path
from ..rulefiles import RuleFiles
from .base import InputProblem, Request, Source, collector_paused, conf_line
from .files import GlobTooLarge, UnreadableFile, glob_files, read_outside

#: A rule file no larger than this is read. Prometheus sets no size, but a PrometheusRule
#: is a Kubernetes object, which etcd keeps under 1.5 MiB; a hand-kept file of thousands
#: of rules is a few. Ten times that is no real file, and a bound on what one costs.
MAX_RULE_FILE_BYTES = 16 * 2**20
#: The entry naming the rules loaded in ``mldesign_prometheus`` (``/api/v1/rules``).
PROMETHEUS = "prometheus"


class AlertRulesSource(Source[RuleFiles]):
    """Every rule of the files, and what could not be read."""

    name = "alert-rules"
    # Not fingerprinted: the roll-ups show deployed rules only through the findings of
    # the alert checks (alert-missing, alert-drift), which are.

    def load(self, request: Request) -> RuleFiles:
        found = RuleFiles()
        where = request.where
        conf = where.confdir / "conf.py"
        # Each file once (by where its links lead), named as the glob matched it: a
        # Kubernetes ConfigMap mounts its files as links into a dated directory, and a
        # link to /dev/zero is the author's zero.yaml, not /dev/zero.
        paths: dict[Path, Path] = {}
        for pattern in request.config.alert_rules:
            if pattern == PROMETHEUS:  # the server's loaded rules, not a file of that name
                _read_loaded(request, found)
                continue
            try:
                for path in sorted(glob_files(where.confdir, pattern)):
                    paths.setdefault(path.resolve(), Path(os.path.abspath(path)))
            except GlobTooLarge as err:
                line = conf_line(conf, "mldesign_alert_rules", pattern)
                found.problems.append(InputProblem(where.name_of(conf), str(conf), line, str(err)))
        with collector_paused():
            for path in sorted(paths.values()):
                name = relative_path(path, where.confdir)
                try:
                    data = read_outside(path, MAX_RULE_FILE_BYTES)
                    text = data.decode("utf-8")
                except UnreadableFile as err:
                    found.problems.append(InputProblem(name, str(path), 1, str(err)))
                    continue
                except UnicodeDecodeError as err:
                    before = data[: err.start].decode("utf-8")  # UTF-8 up to there
                    line = line_at(before, len(before))
                    found.problems.append(InputProblem(name, str(path), line, str(err)))
                    continue
                found.read(text, name, str(path))
        return found

    def empty(self) -> RuleFiles:
        return RuleFiles()

    def problems(self, value: RuleFiles) -> list[InputProblem]:
        return value.problems


def _read_loaded(request: Request, found: RuleFiles) -> None:
    """The rules loaded in ``mldesign_prometheus``, asked only by a live build (a snapshot
    build asks no server); why not, at the line of ``conf.py`` naming them."""
    config, where = request.config, request.where
    why = None
    if config.prometheus is None:
        why = "mldesign_prometheus is not set"
    elif config.observe != "live":
        why = 'only a live build (mldesign_observe = "live") asks the server'
    else:
        try:
            found.rules.extend(loaded_rules(config.prometheus))
        except (PrometheusFailed, MissingSecret) as err:
            why = str(err)
    if why is not None:
        conf = where.confdir / "conf.py"
        line = conf_line(conf, "mldesign_alert_rules", PROMETHEUS)
        message = f"the rules loaded in Prometheus ({RULES_NAME}) are not checked: {why}"
        found.problems.append(InputProblem(where.name_of(conf), str(conf), line, message))


ALERT_RULES = AlertRulesSource()
