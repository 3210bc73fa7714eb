"""The one input loader: the only place the project's outside is read.

Each source of outside truth is one module here with one :class:`~.base.Source`: how it
is read (``load``), what it is when nothing is read (``empty``), what could not be read,
located where the author fixes it (``problems``), and what of it the roll-ups show
(``fingerprint``). :class:`.loader.Inputs` reads each source at most once per build, when
first asked for (a build whose checks and roll-ups need no git runs none). Sources are:

* :data:`~.exports.EXPORTS`: the exports ``mldesign_imports`` names (files or URLs).
* :data:`~.git.GIT`: the last commit date of each file holding items.
* :data:`~.alert_rules.ALERT_RULES`: the rule files ``mldesign_alert_rules`` names.

A new source is a module with its ``Source`` and a place in :data:`.loader.SOURCES`;
``docs/explanation/architecture.rst`` says how.
"""
