"""What every ``mldesign`` command shares: the usage error and reading JSON files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

USAGE_ERROR = 2


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: cannot read it ({err})") from None
    except json.JSONDecodeError as err:
        raise UsageError(f"{path}: not valid JSON ({err})") from None
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to read") from None
