"""Project-wide checks, run once per build after all documents are read.

Each module of this package holds the checks of one concern; a check is a function from
a :class:`~..model.project.Project` to :class:`~.findings.Finding`\\ s, listed in
:data:`.run.CHECKS`. The rule registry (:mod:`..model.rules`) names every rule, and
:class:`~.findings.Findings` is what every later layer reads: no other package decides
whether something is a gap.
"""
