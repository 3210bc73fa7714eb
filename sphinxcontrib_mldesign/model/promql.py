"""PromQL read safely: measured before the compiled parser sees it, and what it gives.

The parser (``promql-parser``, compiled Rust) recurses along nested brackets and along
chains of operators, and a few thousand levels down it crashes the whole process with
SIGSEGV instead of raising. Measured with promql-parser 0.12 on 8 MiB stacks, the main
thread's and a thread's alike: 4,190 chained binary operators (``a+a+...``, ``or``,
``unless``, ``^``, ``>``, ``atan2``, numbers alike), 8,180 unary minus signs or nested
brackets. So an expression longer than :data:`MAX_CHARS`, nested deeper than
:data:`MAX_DEPTH` or holding more than :data:`MAX_OPERATORS` operators and brackets deep
never reaches it: eight times below the shortest chain that crashed, and more than any
query written by hand (the parser's time grows with the square of a chain, too).

The same pass refuses durations and numbers the parser takes but Prometheus does not
(``[99999w]``, ``1e400``, ``@ 1e30``): a generated rule holding one would not load.
"""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

from .numbers import MAX_PROMETHEUS_MS, FormatError, prometheus_seconds, shortened

MAX_CHARS = 64 * 1024
MAX_DEPTH = 256
MAX_OPERATORS = 512
_SPLIT_IT = "more than the parser reads safely (a recording rule can hold a part)"

#: What the measuring pass tells apart; the rest (``=~``, ``,``, spaces) is passed over.
#: Strings and comments first: what they hold is no operator, bracket or duration.
_TOKEN_RE = re.compile(
    r"""
      (?P<string>"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`[^`]*`?)
    | (?P<comment>\#[^\n]*)
    | (?P<duration>(?:[0-9]+(?:ms|[smhdwy]))+)(?![A-Za-z0-9_:])
    | (?P<number>0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_:]*)
    | (?P<operator>[=!<>]=|[-+*/%^<>])
    | (?P<at>@)
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    """,
    re.VERBOSE | re.DOTALL,
)
_KEYWORD_OPERATORS = frozenset({"and", "or", "unless", "atan2"})
#: Prometheus keeps an ``@`` time in int64 milliseconds.
_MAX_AT_SECONDS = (2**63 - 1) / 1000


class Shape(NamedTuple):
    """What the measuring pass found in an expression."""

    operators: int
    """Binary and unary operators (signs included), keywords ``and`` ``or`` ``unless``
    ``atan2`` too."""
    deepest: int
    """The deepest bracket nesting."""
    comment: bool
    """Whether it holds a ``# comment`` (which runs to the end of its line)."""


def shape(query: str) -> Shape:
    """Measure an expression (at most :data:`MAX_CHARS` long); FormatError for a duration,
    number or ``@`` time out of Prometheus' range."""
    operators = depth = deepest = 0
    comment = after_at = False
    for token in _TOKEN_RE.finditer(query):
        kind, text = token.lastgroup, token.group()
        if kind == "duration" and prometheus_seconds(text) is None:
            raise FormatError(
                f"PromQL duration {shortened(text, 20)!r} is longer than Prometheus can hold "
                f"(at most {MAX_PROMETHEUS_MS // 1000}s, about 292 years)"
            )
        if kind == "number" and not text.lower().startswith("0x"):
            number = float(text)  # Python reads any length; a float has no digit limit
            if math.isinf(number) or (after_at and abs(number) >= _MAX_AT_SECONDS):
                raise FormatError(f"PromQL number {shortened(text, 20)!r} is out of range")
        operators += kind == "operator" or (kind == "word" and text.lower() in _KEYWORD_OPERATORS)
        depth += (kind == "open") - (kind == "close")
        deepest = max(deepest, depth)
        comment = comment or kind == "comment"
        after_at = kind == "at" or (after_at and text in ("+", "-"))
    return Shape(operators, deepest, comment)


def bounded_parse(query: str) -> Any:
    """The syntax tree of an expression the parser can read safely. FormatError for what it
    must not be given; ValueError, the parser's, for what is not PromQL."""
    import promql_parser  # a compiled extension: loaded only where PromQL is read

    if len(query) > MAX_CHARS:
        raise FormatError(f"PromQL longer than {MAX_CHARS:,} characters: {_SPLIT_IT}")
    measured = shape(query)
    if measured.deepest > MAX_DEPTH:
        raise FormatError(f"PromQL nested more than {MAX_DEPTH} brackets deep")
    if measured.operators + measured.deepest > MAX_OPERATORS:
        raise FormatError(
            f"PromQL with more than {MAX_OPERATORS} operators and nested brackets: {_SPLIT_IT}"
        )
    return promql_parser.parse(query)


def value_kind(tree: Any) -> str:
    """What an expression gives: ``vector`` (instant), ``scalar``, ``matrix`` (a range
    vector) or ``string``. Read from the tree, without recursion (it may be a chain)."""
    import promql_parser as p

    kinds = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (p.ParenExpr, p.UnaryExpr)):
            pending.append(node.expr)
        elif isinstance(node, p.BinaryExpr):  # the parser allows only vectors and scalars
            pending += [node.lhs, node.rhs]
        elif isinstance(node, p.NumberLiteral):
            kinds.add("scalar")
        elif isinstance(node, p.StringLiteral):
            kinds.add("string")
        elif isinstance(node, (p.MatrixSelector, p.SubqueryExpr)):
            kinds.add("matrix")
        elif isinstance(node, p.Call):  # ValueType.Scalar: "scalar"
            kinds.add(str(node.func.return_type).rpartition(".")[2].lower())
        else:  # a vector selector or an aggregation
            kinds.add("vector")
    # A binary expression with a vector on either side gives a vector; else its one kind.
    return "vector" if "vector" in kinds else kinds.pop()
