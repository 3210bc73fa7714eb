"""The alerts how-to is real: its examples, copied into a project and followed step by
step (generate the rules, deploy them beside the hand-written one, point the build at
them), build with ``-W`` and check clean."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from helpers import mldesign

HOWTO = Path(__file__).parent.parent / "docs" / "howto" / "alerts.rst"
CONF = 'project = "Ranking"\nextensions = ["sphinxcontrib_mldesign"]\n'


def _blocks() -> list[tuple[str, str]]:
    """(language, code) of every code block of the page, in order."""
    blocks = []
    lines = HOWTO.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        found = re.match(r"^\.\. code-block:: (\w+)$", line)
        if not found:
            continue
        body = []
        for following in lines[index + 1 :]:
            if following.strip() and not following.startswith("   "):
                break
            body.append(following[3:])
        blocks.append((found.group(1), "\n".join(body).strip() + "\n"))
    return blocks


def test_the_howtos_examples_build_clean_when_followed(tmp_path: Path) -> None:
    blocks = _blocks()
    docs = tmp_path / "docs"
    docs.mkdir()
    python = [code for language, code in blocks if language == "python"]
    (docs / "conf.py").write_text(CONF + "".join(python))
    rst = [code for language, code in blocks if language == "rst"]
    assert len(rst) == 2 and all(".. metric::" in code for code in rst)
    (docs / "index.rst").write_text("Alerts\n======\n\n" + "\n".join(rst))
    # Step 2, as the page writes it, from the directory holding docs/.
    commands = [
        line.removeprefix("$ ").split("#")[0].split()
        for language, code in blocks
        if language == "console"
        for line in code.splitlines()
        if line.startswith("$ mldesign alerts")
    ]
    (tmp_path / "deploy" / "alerts").mkdir(parents=True)
    generated = mldesign(*commands[0][1:], cwd=tmp_path)
    assert generated.returncode == 0, generated.stderr
    assert "mldesign alerts: 2 rules" in generated.stderr
    # The rule a team wrote by hand, where its first line says it is deployed.
    [by_hand] = [code for language, code in blocks if language == "yaml" and "by hand" in code]
    (tmp_path / by_hand.split()[1].rstrip(",")).write_text(by_hand)

    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs", "out"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    checked = mldesign("check", "docs", cwd=tmp_path)
    assert checked.returncode == 0 and "3 items, 0 errors, 0 warnings" in checked.stdout, (
        checked.stdout + checked.stderr
    )
