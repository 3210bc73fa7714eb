"""Which projects a roll-up's ``:projects:`` selects (the view of them is
:class:`.rules.views.View`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..rules.views import ProjectName


def selected_projects(written: Sequence[str], imports: Collection[str]) -> tuple[ProjectName, ...]:
    """The projects ``:projects:`` selects, in order, each once. Names that are not
    imported (reported by the checks) or could not be read select nothing."""
    selected: list[ProjectName] = []
    for name in written or ("local",):
        if name == "all":
            selected += [None, *imports]
        elif name == "local":
            selected.append(None)
        elif name in imports:
            selected.append(name)
    return tuple(dict.fromkeys(selected))
