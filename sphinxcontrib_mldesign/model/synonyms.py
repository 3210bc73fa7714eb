"""Words authors write for the shipped enum values, for did-you-mean hints.

A typo ("moderat") is caught by spelling alone; another word for the same thing
("medium" for ``moderate``) is not, so each value lists the words commonly written for it.
A word is only suggested for an option whose enum holds the value it names: ``critical``
is ``very-high`` for a risk's ``impact`` and ``page`` for a metric's ``severity``. Never
read as the value: the author is told, the item keeps no value (see ``formats.close_to``).
"""

from __future__ import annotations

#: Enum value -> the other words written for it (lower case).
ENUM_SYNONYMS: dict[str, tuple[str, ...]] = {
    # ml-risk likelihood and impact
    "very-low": ("negligible", "minimal", "rare", "remote"),
    "low": ("minor", "unlikely"),
    "moderate": ("medium", "med", "mid", "average", "possible"),
    "high": ("major", "likely", "serious"),
    "very-high": ("critical", "crit", "severe", "extreme", "almost-certain"),
    # metric severity
    "page": ("critical", "crit", "pager", "paging", "urgent", "alert", "p1", "sev1"),
    "ticket": ("warning", "warn", "issue", "p2", "sev2"),
    "log": ("info", "informational"),
    # requirement inference
    "real-time": ("realtime", "real_time", "online", "live", "synchronous", "sync", "rt"),
    "batch": ("offline", "scheduled"),
    "stream": ("streaming", "near-real-time", "nrt"),
    # requirement priority (MoSCoW) and kind
    "must": ("must-have", "mandatory", "required", "essential"),
    "should": ("should-have", "important"),
    "could": ("could-have", "nice-to-have", "optional"),
    "wont": ("won't", "wont-have", "won't-have", "will-not"),
    "non-functional": ("nonfunctional", "nfr"),
    # fallback switch and recovery
    "auto": ("automatic", "automated", "automatically"),
    "manual": ("manually", "by-hand"),
}


def synonym_of(word: str, values: list[str]) -> str | None:
    """The one value among ``values`` that ``word`` is another word for, if any."""
    folded = word.strip().casefold()
    meant = [value for value in values if folded in ENUM_SYNONYMS.get(value, ())]
    return meant[0] if len(meant) == 1 else None
