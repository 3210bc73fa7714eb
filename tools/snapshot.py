"""Fingerprints of everything the extension writes for docs/ and every test root.

A refactoring that must not change behaviour is checked by taking a snapshot before it and
one after, and comparing them::

    python tools/snapshot.py /tmp/before.json
    # ... change the code ...
    python tools/snapshot.py /tmp/after.json --compare /tmp/before.json

Each project is built from a copy (test roots write next to themselves otherwise) with the
html, text and mldesign builders, a fixed SOURCE_DATE_EPOCH and no git history, so two
builds of the same sources give the same bytes; the doctrees are left out (pickles).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILDERS = ("html", "text", "mldesign")
SKIP = {".mldesign-export.stamp"}


def projects() -> dict[str, Path]:
    found = {"docs": ROOT / "docs", "docs-gaps": ROOT / "docs" / "gaps"}
    found.update(
        {path.name: path for path in sorted((ROOT / "tests" / "roots").iterdir()) if path.is_dir()}
    )
    return found


def snapshot(work: Path) -> dict[str, dict[str, str]]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1796083200"}  # 2026-12-01
    result: dict[str, dict[str, str]] = {}
    for name, source in projects().items():
        copy = work / name / "src"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("_build", "__pycache__"))
        # docs/ includes the package's shipped files by a relative path (../sphinxcontrib_...)
        (work / name / "sphinxcontrib_mldesign").symlink_to(ROOT / "sphinxcontrib_mldesign")
        for builder in BUILDERS:
            out = work / name / builder
            command = [sys.executable, "-m", "sphinx", "-q", "-b", builder, "-d",
                       str(work / name / f"doctrees-{builder}"), str(copy), str(out)]  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            files = {
                "exit": str(done.returncode),
                "warnings": done.stderr.replace(str(copy), "<src>").replace(str(work), "<work>"),
            }
            for path in sorted(out.rglob("*")):
                # The export stamp only tells Sphinx when the export was last written.
                if path.is_file() and ".doctrees" not in path.parts and path.name not in SKIP:
                    data = path.read_bytes().replace(str(copy).encode(), b"<src>")
                    data = data.replace(str(work).encode(), b"<work>")
                    files[str(path.relative_to(out))] = hashlib.sha256(data).hexdigest()
            result[f"{name}/{builder}"] = files
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--compare", type=Path, help="an earlier snapshot to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        found = snapshot(Path(work))
    args.output.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    if args.compare is None:
        return 0
    before = json.loads(args.compare.read_text())
    differ = 0
    for key in sorted(set(before) | set(found)):
        old, new = before.get(key, {}), found.get(key, {})
        for path in sorted(set(old) | set(new)):
            if old.get(path) != new.get(path):
                differ += 1
                print(f"differs: {key}/{path}")
                if path == "warnings":
                    print(f"  before: {old.get(path)!r}\n  after:  {new.get(path)!r}")
    print(f"{differ} difference(s) in {len(found)} builds")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
