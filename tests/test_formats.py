"""The option value formats of the spec, parsed without Sphinx."""

from __future__ import annotations

import pytest

from sphinxcontrib_mldesign.model.formats import (
    FormatError,
    counted,
    parse_condition,
    parse_date,
    parse_duration,
    parse_list,
    parse_ref,
    parse_scalar,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("p99 <= 200 ms", ("p99", "<=", 200, "ms")),
        (">= 0.92", (None, ">=", 0.92, None)),
        ("<= 5000 USD/month", (None, "<=", 5000, "USD/month")),
        ("error rate != 1.5e-3 %", ("error rate", "!=", 0.0015, "%")),
        ("recall@10 > .8", ("recall@10", ">", 0.8, None)),
        ("delta == -3", ("delta", "==", -3, None)),
        ("x<1", ("x", "<", 1, None)),
    ],
)
def test_condition_parses_stat_op_value_unit(text: str, expected: tuple[object, ...]) -> None:
    parsed = parse_condition(text)
    assert (parsed["stat"], parsed["op"], parsed["value"], parsed["unit"]) == expected
    assert parsed["text"] == " ".join(text.split())


def test_condition_keeps_integers_integral() -> None:
    assert isinstance(parse_condition("<= 200")["value"], int)
    assert isinstance(parse_condition("<= 200.0")["value"], float)


@pytest.mark.parametrize("text", ["about 200ms", "p99 200", "<= fast", "=> 3", ""])
def test_condition_rejects_malformed(text: str) -> None:
    with pytest.raises(FormatError):
        parse_condition(text)


@pytest.mark.parametrize(
    ("text", "told"),
    [
        # Words after the unit were read as part of it ("ms for 10m").
        (
            "p99 > 80 ms for 10m",
            "has words after its unit ('for 10m'): a condition is '[stat] <op> <number> "
            "[unit]'; how long a breach lasts goes in :for:",
        ),
        ("p99 > 80 ms per host", "has words after its unit ('per host'): a condition is"),
        (
            "> 80 ms over 5m",
            "has words after its unit ('over 5m'): a condition is '[stat] <op> <number> "
            "[unit]'; a duration goes in :for: (how long a breach lasts) or :window:",
        ),
        # A second condition was read as the unit of the first.
        ("p99 > 80 ms or errors > 1 %", "is more than one condition: one condition per option"),
        ("p99 > 80ms,p95>60", "is more than one condition"),
        (
            "p99 > 80 ms # page the on-call",
            "has a comment ('# page the on-call'): no comments in option values",
        ),
    ],
)
def test_a_condition_with_more_than_its_unit_is_told_what(text: str, told: str) -> None:
    with pytest.raises(FormatError) as raised:
        parse_condition(text)
    assert str(raised.value).startswith(f"{text!r} {told}")


def test_duration_units() -> None:
    assert parse_duration("30s") == {"text": "30s", "seconds": 30}
    assert parse_duration(" 5m ")["seconds"] == 300
    assert parse_duration("2h")["seconds"] == 7200
    assert parse_duration("7d")["seconds"] == 7 * 86400
    assert parse_duration("2w")["seconds"] == 14 * 86400


@pytest.mark.parametrize("text", ["5", "5 minutes", "1.5h", "-1d", "d"])
def test_duration_rejects_malformed(text: str) -> None:
    with pytest.raises(FormatError):
        parse_duration(text)


@pytest.mark.parametrize("text", ["5 m", "5\tm", " 10  h "])
def test_a_duration_with_a_space_inside_is_told_to_drop_it(text: str) -> None:
    # Prometheus reads "5m", not "5 m": the space would go into generated rules.
    written = "".join(text.split())
    with pytest.raises(FormatError, match=f"write it without a space: '{written}'$"):
        parse_duration(text)


def test_date_checks_the_calendar() -> None:
    assert parse_date("2026-02-28") == "2026-02-28"
    with pytest.raises(FormatError, match="calendar"):
        parse_date("2026-02-30")
    with pytest.raises(FormatError, match="YYYY-MM-DD"):
        parse_date("28/02/2026")


def test_lists_and_refs() -> None:
    assert parse_list(" a, b c ,, d ") == ["a", "b c", "d"]
    assert parse_ref(" FB-1 ") == "FB-1"
    with pytest.raises(FormatError, match="single ID"):
        parse_ref("FB-1, FB-2")


def test_scalars_for_schema_extensions() -> None:
    assert parse_scalar("42", "integer") == 42
    assert parse_scalar("2.5", "number") == 2.5
    assert parse_scalar("yes", "boolean") is True
    assert parse_scalar("off", "boolean") is False
    assert parse_scalar("a, b", "array") == ["a", "b"]
    with pytest.raises(FormatError):
        parse_scalar("many", "integer")
    with pytest.raises(FormatError):
        parse_scalar("perhaps", "boolean")


def test_yaml_flow_lists_read_like_comma_lists() -> None:
    # MyST authors often write YAML: `tags: [serving, "latency"]`
    assert parse_list("[serving, \"latency\", 'p99']") == ["serving", "latency", "p99"]
    assert parse_list("[]") == []


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_condition, "<= " + "9" * 5000),  # more digits than Python converts
        (parse_condition, "<= 1e999"),  # overflows to infinity
        (parse_duration, "٣d"),  # an Arabic-Indic digit: not an ASCII number
        (parse_date, "\uff12\uff10\uff12\uff16-01-01"),  # fullwidth digits
        (lambda text: parse_scalar(text, "number"), "inf"),
        (lambda text: parse_scalar(text, "number"), "nan"),
        (lambda text: parse_scalar(text, "integer"), "١٢"),
    ],
)
def test_numbers_the_export_could_not_hold_are_format_errors(parse: object, text: str) -> None:
    with pytest.raises(FormatError):
        parse(text)  # type: ignore[operator]


def test_arrays_of_numbers_are_coerced() -> None:
    assert parse_scalar("80, 443", "array", "integer") == [80, 443]
    with pytest.raises(FormatError):
        parse_scalar("80, http", "array", "integer")


def test_counts_read_as_english() -> None:
    """The build's and `mldesign check`'s summary say "1 warning", not "1 warnings"."""
    assert [counted(n, "warning") for n in (0, 1, 2)] == ["0 warnings", "1 warning", "2 warnings"]
