"""The ``mldesign_alert_rules`` source: the deployed alerting rules, from the files the
globs name (relative to the conf directory), each read with its lines
(:mod:`..rulefiles`). A file that cannot be read is a problem at its first line."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from ..rulefiles import RuleFiles
from .base import InputProblem, Request, Source


def alert_rule_paths(base: Path, patterns: Iterable[str]) -> list[Path]:
    """The files the globs name (relative to ``base``), each once, sorted."""
    found = {
        Path(match).resolve()
        for pattern in patterns
        for match in glob.glob(str(base / pattern), recursive=True)  # absolute ones too
        if Path(match).is_file()
    }
    return sorted(found)


class AlertRulesSource(Source[RuleFiles]):
    """Every rule of the files, and what could not be read."""

    name = "alert-rules"
    # Not fingerprinted: the roll-ups show deployed rules only through the findings of
    # the alert checks (alert-missing, alert-drift), which are.

    def load(self, request: Request) -> RuleFiles:
        found = RuleFiles()
        where = request.where
        for path in alert_rule_paths(where.confdir, request.config.alert_rules):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                found.problems.append(InputProblem(where.name_of(path), str(path), 1, str(err)))
                continue
            found.read(text, where.name_of(path), str(path))
        return found

    def empty(self) -> RuleFiles:
        return RuleFiles()

    def problems(self, value: RuleFiles) -> list[InputProblem]:
        return value.problems


ALERT_RULES = AlertRulesSource()
