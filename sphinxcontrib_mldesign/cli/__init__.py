"""The ``mldesign`` command: ``init``, ``check``, ``diff``, ``alerts`` and ``observe``.

Exit codes: 0 success; 1 ``check`` found a violation of severity error, ``alerts``
refused a doc with errors, or a source ``observe`` asked failed; 2 usage error
(missing directory, no ``conf.py``, unreadable or non-export JSON), with a clear message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..model.observe.snapshot import parse_time
from ..version import __version__
from .errors import USAGE_ERROR, UsageError
from .scaffold import ScaffoldError, write_scaffold


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mldesign",
        description="Work with ML system design docs written with sphinxcontrib-mldesign.",
        epilog="Run 'mldesign <command> --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="command", required=True)
    raw = argparse.RawDescriptionHelpFormatter

    init = commands.add_parser(
        "init",
        help="start a design doc that already builds",
        formatter_class=raw,
        description="Write a complete design-doc project: conf.py, one page per chapter of an "
        "ML system design doc with guiding questions and example items, a roll-up page, "
        ".readthedocs.yaml, requirements.txt and a Makefile.",
        epilog="examples:\n  mldesign init docs/design\n"
        "  mldesign init design --format md --project 'Search ranking'\n",
    )
    init.add_argument("directory", type=Path, help="where to write (created if missing)")
    init.add_argument("--format", choices=("rst", "md"), default="rst",
                      help="reStructuredText (default) or Markdown with MyST")  # fmt: skip
    init.add_argument("--project", default=None, help="project name (default: the directory's)")
    init.add_argument("--force", action="store_true", help="write into a non-empty directory")

    check = commands.add_parser(
        "check",
        help="check a design doc and report its violations (CI gate)",
        formatter_class=raw,
        description="Build SOURCEDIR with the mldesign builder in a temporary directory and "
        "print every violation. Exit 1 when any has severity error, else 0.",
        epilog="examples:\n  mldesign check docs\n  mldesign check docs --format github\n"
        "  mldesign check docs --format json > violations.json\n"
        "  mldesign check docs -D mldesign_rules.stale=error\n",
    )
    check.add_argument("sourcedir", type=Path, help="the directory holding conf.py")
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="text (default), json (the export's violations), or github "
                       "(workflow annotations, paths from the git repository's top)")  # fmt: skip
    check.add_argument("-D", dest="define", action="append", default=[], metavar="NAME=VALUE",
                       help="override a conf.py value, as sphinx-build -D")  # fmt: skip

    diff = commands.add_parser(
        "diff",
        help="compare two exports (mldesign.json) for a review",
        formatter_class=raw,
        description="Items added, removed and changed field by field, and violations "
        "introduced or resolved, between two exports.",
        epilog="examples:\n  mldesign diff main/mldesign.json pr/mldesign.json\n"
        "  mldesign diff old.json new.json --format md > comment.md\n",
    )
    diff.add_argument("old", type=Path, help="the export before the change")
    diff.add_argument("new", type=Path, help="the export after the change")
    diff.add_argument("--format", choices=("text", "md", "json"), default="text")

    alerts = commands.add_parser(
        "alerts",
        help="write the Prometheus alerting rules the doc's metrics state",
        formatter_class=raw,
        description="One alerting rule per threshold (warn, crit) of every monitored metric "
        "with a :query:: expr is the query compared with the threshold, for is the metric's "
        ":for: (none without it; not its :window:), labels carry severity, mldesign_id and "
        "the owner. Byte-stable. Exit 1, writing nothing, when the doc has errors (those of "
        "the alert-* rules aside: regenerating is how they are fixed).",
        epilog="examples:\n  mldesign alerts docs -o deploy/alerts/design-doc.yaml\n"
        "  mldesign alerts _build/html/mldesign.json --format operator > rules.yaml\n",
    )
    alerts.add_argument("source", type=Path, help="the directory holding conf.py, or an export")
    alerts.add_argument("-o", dest="output", type=Path, default=None,
                        help="the file to write (default: standard output)")  # fmt: skip
    alerts.add_argument("--format", choices=("prometheus", "operator"), default="prometheus",
                        help="a Prometheus rule file (default) or a PrometheusRule manifest "
                        "(monitoring.coreos.com/v1)")  # fmt: skip
    alerts.add_argument("--allow-errors", action="store_true",
                        help="write the rules even though the doc has errors, leaving out "
                        "the metrics with a schema error (an invalid or unknown option) or "
                        "a duplicate ID")  # fmt: skip

    observe = commands.add_parser(
        "observe",
        help="ask the live sources for the observed values and write the snapshot",
        formatter_class=raw,
        description='Build SOURCEDIR as mldesign check does, with mldesign_observe = "live": '
        "Prometheus, MLflow and files are asked for every observed metric, now (not at "
        "the mldesign_observe_at conf.py may pin; --at asks at another time). Write the "
        'snapshot a mldesign_observe = "snapshot" build reads (JSON, keys sorted), and '
        "list each metric whose source failed. Exit 1 when one did, else 0.",
        epilog="examples:\n  mldesign observe docs\n"
        "  PROM_TOKEN=... mldesign observe docs -o docs/observed.json\n"
        "  mldesign observe docs --at 2026-12-01T12:00:00Z -o /tmp/then.json\n",
    )
    observe.add_argument("sourcedir", type=Path, help="the directory holding conf.py")
    observe.add_argument("-o", dest="output", type=Path, default=None,
                         help="the file to write (default: mldesign_observe_snapshot, "
                         "observed.json next to conf.py)")  # fmt: skip
    observe.add_argument("--at", type=_time, default=None, metavar="TIME",
                         help="ask for the values at this time, ISO 8601 "
                         "(2026-12-01T12:00:00Z; default: now)")  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "init":
            return _init(args)
        code: int
        # Imported here: only ``check`` needs Sphinx, and it is slow to import.
        if args.command == "check":
            from .check import run_check

            code = run_check(args.sourcedir, args.format, args.define)
        elif args.command == "observe":
            from .observe import run_observe

            code = run_observe(args.sourcedir, args.output, args.at)
        elif args.command == "alerts":
            from .alerts import run_alerts

            code = run_alerts(args.source, args.output, args.format, args.allow_errors)
        else:
            from .diff import run_diff

            code = run_diff(args.old, args.new, args.format)
        return code
    except UsageError as err:
        print(f"mldesign {args.command}: {err}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # `mldesign check docs | head`: the reader left; not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0


def _init(args: argparse.Namespace) -> int:
    target: Path = args.directory
    project = args.project or target.resolve().name.replace("-", " ").replace("_", " ").title()
    try:
        written = write_scaffold(target, project, args.format, args.force, _today())
    except ScaffoldError as err:
        raise UsageError(str(err)) from None
    except OSError as err:  # e.g. no permission to create the directory
        raise UsageError(f"cannot write {target}: {err.strerror or err}") from None
    print(f"Wrote {len(written)} files to {target}/ ({args.format}).")
    print(f"Build it:  sphinx-build -W -b html {target} {target}/_build/html")
    print(f"Check it:  mldesign check {target}")
    return 0


def _time(text: str) -> dt.datetime:
    """``--at``: an ISO 8601 date-time, read as ``mldesign_observe_at`` is."""
    when = parse_time(text)
    if when is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 date-time from 1970 to 9000 like 2026-12-01T12:00:00Z"
        )
    return when


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()
