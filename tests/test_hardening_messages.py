"""Every mldesign warning is one line, whatever the outside text it quotes (issue 23, item
5): a rule file's name, a deployed rule's name and labels, an import server's status
text. Control characters are shown as escapes (``\\x1b``, ``\\n``) in the build's
warnings, the export's violations and ``mldesign check``'s output."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp
from test_hardening_matching import CONF
from test_hardening_matching import DOC as MATCHING_DOC

from helpers import Build, export_of, mldesign

#: The matching tests' project, its metric with a crit threshold only.
DOC = MATCHING_DOC.replace("   :warn: > 3000\n", "")
#: A file name and YAML strings (escapes YAML reads: ESC, BEL, a line break) that clear the
#: screen, set the terminal's title or start a second line if printed as they are.
RULE_FILE = "bad\nfile.yaml"
RULES = r"""groups:
- name: cost
  rules:
  - alert: "Bad\e[2J\nName"
    expr: serving_cost > 9000
    labels: {severity: page, mldesign_id: MET-GONE}
  - alert: ServingCostHigh
    expr: serving_cost > 5000
    labels: {severity: "pa\e]0;pwned\age\nx"}
"""
UNKNOWN = (
    "deployed rule 'Bad\\x1b[2J\\nName' is labelled mldesign_id='MET-GONE', which names no "
    "metric of the doc"
)
DRIFT = (
    "metric 'MET-COST': deployed rule 'ServingCostHigh' (deploy/bad\\nfile.yaml:7) differs "
    "from its crit threshold: severity page in the doc, pa\\x1b]0;pwned\\x07ge\\nx deployed"
)
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Sphinx's own colours, if it adds any


def _lines(text: str) -> list[str]:
    """The lines of a log, each checked to hold no control character (Sphinx's colours
    aside) and to be no line that str.splitlines splits further."""
    lines = [line for line in text.split("\n") if line.strip()]
    for line in lines:
        bare = _COLOUR.sub("", line)
        assert not any(unicodedata.category(char) == "Cc" for char in bare), repr(line)
        assert bare.splitlines() == [bare], repr(line)
    return [_COLOUR.sub("", line) for line in lines]


def _project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "deploy").mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "index.rst").write_text(DOC)
    (src / "deploy" / RULE_FILE).write_text(RULES)
    return src


def test_outside_text_is_escaped_on_one_line_in_the_log_export_and_check(
    build: Build, tmp_path: Path
) -> None:
    src = _project(tmp_path)
    app = build(src, warningiserror=False)
    rule_file = f"{src}/deploy/bad\\nfile.yaml"
    assert _lines(app.warning.getvalue()) == [
        f"{rule_file}:4: WARNING: {UNKNOWN} [mldesign.alert-unknown]",
        f"{src / 'index.rst'}:7: ERROR: {DRIFT} [mldesign.alert-drift]",
    ]
    # The export keeps the file's real name (JSON escapes it); the messages are as logged.
    assert [(v["docname"], v["lineno"], v["message"]) for v in export_of(app)["violations"]] == [
        ("deploy/bad\nfile.yaml", 4, UNKNOWN),
        ("index", 7, DRIFT),
    ]
    result = mldesign("check", ".", cwd=src)
    assert result.returncode == 1, result.stderr
    assert _lines(result.stdout) == [
        "deploy/bad\\nfile.yaml",
        f"      4  warning  alert-unknown               {UNKNOWN}",
        "index.rst",
        f"      7  error    alert-drift                 {DRIFT}",
        "mldesign: 2 items, 1 error, 1 warning — failing",
    ]
    assert _lines(result.stderr) == []


class _Hostile(BaseHTTPRequestHandler):
    """Answers every request 503 with a status text holding a screen-clearing escape, a
    bell and a C1 next-line character (a line break to str.splitlines)."""

    def do_GET(self) -> None:
        self.send_response(503, "Down\x1b[2J\x07for\x85now")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _serving() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/mldesign.json"
    finally:
        server.shutdown()
        server.server_close()


def test_an_import_servers_status_text_is_escaped_on_one_line(build: Build, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "index.rst").write_text(DOC)
    with _serving() as url:
        (src / "conf.py").write_text(
            'extensions = ["sphinxcontrib_mldesign"]\nshow_warning_types = True\n'
            f'mldesign_imports = {{"team": "{url}"}}\n'
        )
        app: SphinxTestApp = build(src, warningiserror=False)
    [told] = [line for line in _lines(app.warning.getvalue()) if "[mldesign.import]" in line]
    assert "HTTP 503 Down\\x1b[2J\\x07for\\x85now" in told, told
    assert told.startswith(f"{src / 'conf.py'}:3: ")
