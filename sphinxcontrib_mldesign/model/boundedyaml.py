"""YAML read as Prometheus reads it, and bounded: the reader of deployed rule files.

* Speed: the text is parsed by libyaml, PyYAML's C parser (in PyYAML's wheels), about
  eight times faster than its Python parser, which stands in where libyaml is missing
  (:data:`USE_LIBYAML`). Either way the events are composed into nodes by PyYAML's
  Python composer, bounded below, never by libyaml's, which recurses in C (and is no
  faster than a pass over the events to count levels before it): the same nodes and the
  same problems, at the same lines. Only YAML's own wording of a syntax error differs,
  and what the parsers accept at the edges of YAML (libyaml reads a tab inside a value,
  as Prometheus does, and a ``?`` inside a flow mapping's plain text, as it does not).
* Nesting: PyYAML composes nodes recursively (a file a few hundred levels deep exhausts
  Python's stack); here composing stops at :data:`MAX_DEPTH` levels, with one problem at
  the line of the level past it. Rule files are about six levels deep, a ``List`` of
  ``PrometheusRule`` manifests eight.
* Merge keys (``<<: *defaults``, ``<<: [*a, *b]``): Prometheus' YAML reader applies them,
  so :class:`Mappings` does too, with YAML 1.1's rules: a key written in the mapping wins
  over a merged one, and of merged mappings the first listed wins.
* Aliases: a node is composed once however many aliases name it, but a walk through them
  visits it again each time (a few kilobytes of nested aliases name millions of rules).
  What a walk reads is counted (:class:`Mappings`) and stops, with one problem, past
  a bound no real file comes near.

Every problem is a :class:`YAMLProblem`: a line of the file and a one-line message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver

from .formats import printable

#: Levels of collections one inside another a file may have.
MAX_DEPTH = 64
#: Mapping entries a walk may read, each time it reads them (through aliases and merge
#: keys, again): a rule file of 100,000 rules holds about a million.
MAX_ENTRIES = 2_000_000
#: Whether libyaml parses the text (else PyYAML's Python parser, about eight times slower).
USE_LIBYAML = yaml.__with_libyaml__
# libyaml's own cap on nesting (1,000 levels), met before this one's on a line of more
# brackets: its scanner reads ahead on the line (what it read may be a key) before the
# composer sees the 65th level, so the line is the same.
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Where YAML starts a line (its marks count lines so).
_LINE_BREAK_RE = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


class YAMLProblem(Exception):
    """Why a file cannot be read as YAML: ``line`` (from 1) and a one-line ``message``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(line, message)
        self.line = line
        self.message = message


def compose_documents(text: str) -> tuple[list[Node], bool]:
    """The node of each document of ``text``, and whether it holds an alias."""
    try:
        loader = _CLoader(text) if USE_LIBYAML else _PythonLoader(text)
    except ReaderError as err:
        raise _unacceptable(err, text) from None
    try:
        documents: list[Node] = []
        while loader.check_node():
            if (document := loader.get_node()) is not None:
                documents.append(document)
        return documents, loader.aliased
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None)
        if problem == _LIBYAML_TOO_DEEP:  # its cap met first, by scanning ahead on a line
            raise _too_deep(_error_line(err, text)) from None
        reason = printable(problem or " ".join(str(err).split()))
        raise YAMLProblem(_error_line(err, text), f"not valid YAML: {reason}") from None
    finally:
        loader.dispose()


class _BoundedComposer(Composer):
    """PyYAML's composer, stopping at :data:`MAX_DEPTH` levels, over either parser."""

    depth = 0
    aliased = False
    if TYPE_CHECKING:  # the parser's, whichever it is (the loader's other base)

        def check_event(self, *choices: object) -> bool: ...
        def peek_event(self) -> Any: ...

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliased = True
        # Each kind named: libyaml's check_event compares classes, not subclasses.
        elif self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            if self.depth == MAX_DEPTH:  # at the line of the event looked at: its start
                raise _too_deep(self.peek_event().start_mark.line + 1)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        return super().compose_node(parent, index)


class _PythonLoader(_BoundedComposer, yaml.SafeLoader):
    """PyYAML's Python reader, scanner and parser (which refuses a character YAML does
    not allow at once, wherever it is), then the bounded composer."""


if USE_LIBYAML:
    from yaml._yaml import CParser

    class _CLoader(_BoundedComposer, CParser, Resolver):
        """libyaml's scanner and parser, then the bounded composer (whose methods come
        first: ``check_node`` and ``get_node`` are its, not libyaml's composer's)."""

        def __init__(self, text: str) -> None:
            # libyaml refuses a character only when it reaches it, after the problems
            # before it, and counts its place in bytes: PyYAML's reader looks first.
            Reader(text)
            CParser.__init__(self, text)
            Resolver.__init__(self)
            Composer.__init__(self)


def _too_deep(line: int) -> YAMLProblem:
    return YAMLProblem(line, f"nested more than {MAX_DEPTH} levels deep")


def _unacceptable(err: ReaderError, text: str) -> YAMLProblem:
    """A character YAML does not allow (a control character): at its line, escaped. The
    reader's error has no mark, only the character's position in the text."""
    line = line_at(text, err.position)
    character = printable(chr(err.character)) if isinstance(err.character, int) else "?"
    return YAMLProblem(line, f"not valid YAML: unacceptable character {character}: {err.reason}")


def line_at(text: str, index: int) -> int:
    """The line (from 1) of the character at ``index``, lines counted as YAML counts them."""
    return len(_LINE_BREAK_RE.findall(text, 0, index)) + 1


def _error_line(err: yaml.YAMLError, text: str) -> int:
    """The line of a YAML error, within the file. An error found only at the end of the
    stream (a bracket or quote never closed) is marked past the last line: the line where
    the unclosed part starts, if YAML says, else the last line written."""
    problem = getattr(err, "problem_mark", None)
    if problem is None:
        return 1
    mark = problem
    context = getattr(err, "context_mark", None)
    at_end = not text[problem.index :].strip()
    if at_end and context is not None and context.index < problem.index:
        mark = context
    last = len(text.rstrip().splitlines()) or 1
    return min(max(int(mark.line) + 1, 1), last)


class Mappings:
    """The mapping nodes of one file, read with their merge keys applied (each mapping
    once), and the count of the entries a walk has read, bounded by :data:`MAX_ENTRIES`."""

    def __init__(self, aliased: bool, max_entries: int = MAX_ENTRIES) -> None:
        self.aliased = aliased
        """Whether the file holds an alias: then reading past a bound is an expansion."""
        self._left = max_entries
        self._limit = max_entries
        self._flat: dict[int, dict[str, Node]] = {}
        self._merging: list[int] = []  # the mappings being flattened, outermost first

    def get(self, node: Node | None, key: str) -> Node | None:
        """The value of ``key`` in a mapping node (merged keys included), else None."""
        return self._entries(node).get(key) if isinstance(node, MappingNode) else None

    def strings(self, node: Node | None) -> dict[str, str]:
        """The entries of a mapping whose key and value are text (``labels``), stripped."""
        if not isinstance(node, MappingNode):
            return {}
        entries = self._entries(node)
        self._charge(len(entries), node)
        out: dict[str, str] = {}
        for key, value in entries.items():
            text = scalar(value)
            if key.strip() and text is not None:
                out[key.strip()] = text
        return out

    def expansion(self, node: Node, limit: int, what: str) -> YAMLProblem:
        """The problem of a walk that would read more than ``limit`` of ``what`` (at
        ``node``): through aliases, if the file has any."""
        if self.aliased:
            return YAMLProblem(
                line_of(node), f"expands to more than {limit:,} {what} through YAML aliases"
            )
        return YAMLProblem(line_of(node), f"holds more than {limit:,} {what}")

    def _charge(self, count: int, node: Node) -> None:
        self._left -= count
        if self._left < 0:
            raise self.expansion(node, self._limit, "mapping entries")

    def _entries(self, node: MappingNode) -> dict[str, Node]:
        """Key -> value of a mapping, merged keys included: a key written wins (the first
        of a key written twice), then the mappings merged, the first listed first."""
        found = self._flat.get(id(node))
        if found is not None:
            return found
        if id(node) in self._merging:
            raise YAMLProblem(line_of(node), "not valid YAML: a mapping merges itself ('<<')")
        if len(self._merging) == MAX_DEPTH:
            raise YAMLProblem(line_of(node), f"merges more than {MAX_DEPTH} levels deep ('<<')")
        self._merging.append(id(node))
        written: dict[str, Node] = {}
        merged: dict[str, Node] = {}
        try:
            for key, value in node.value:
                if key.tag == _MERGE_TAG:
                    for source in value.value if isinstance(value, SequenceNode) else [value]:
                        if not isinstance(source, MappingNode):
                            raise YAMLProblem(
                                line_of(source),
                                "not valid YAML: '<<' merges a mapping or a list of mappings",
                            )
                        for name, merged_value in self._entries(source).items():
                            merged.setdefault(name, merged_value)
                elif isinstance(key, ScalarNode):
                    written.setdefault(key.value, value)
        finally:
            self._merging.pop()
        flat = {**merged, **written}
        self._charge(len(flat), node)
        self._flat[id(node)] = flat
        return flat


def scalar(node: Node | None) -> str | None:
    """The text of a scalar node, stripped; None for a collection or blank text."""
    if isinstance(node, ScalarNode) and node.value.strip():
        return str(node.value).strip()
    return None


def line_of(node: Node) -> int:
    """The line a node starts on, from 1."""
    return int(node.start_mark.line) + 1
