"""What every ``mldesign`` command shares: the usage error and reading JSON files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model.inputs.exports import MAX_EXPORT_BYTES
from ..model.inputs.files import UnreadableFile, read_outside

USAGE_ERROR = 2


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""


def load_json(path: Path) -> Any:
    """A JSON file named on the command line (an export), read as every outside file is:
    a FIFO or a device is refused, not waited on or read without end."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    try:
        return json.loads(read_outside(path, MAX_EXPORT_BYTES).decode("utf-8"))
    except (UnreadableFile, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: cannot read it ({err})") from None
    except json.JSONDecodeError as err:
        raise UsageError(f"{path}: not valid JSON ({err})") from None
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to read") from None
