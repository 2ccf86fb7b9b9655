import pytest

from claimnlp.numbers import parse_number, parse_quantity


@pytest.mark.parametrize(
    "text, value, bound",
    [
        ("765", 765, None), ("1,600", 1600, None), ("One hundred and fifty", 150, None), ("four", 4, None),
        ("twice", 2, None), ("more than 1,000", 1000, "lower"), ("at least 374", 374, "lower"),
        ("approximately 50", 50, "approximate"), ("2.5 million", 2_500_000, None), ("30 percent", 30, None),
        ("10%", 10, None), ("half", 0.5, None), ("almost half", 0.5, "upper"), ("$150,000", 150_000, None),
        ("500,000 soles", 500_000, None), ("twenty-five", 25, None), ("fewer than 10", 10, "upper"),
        ("US$1.2 million", 1_200_000, None), ("eight to 15", None, "range"), ("between 10 and 20", None, "range"),
        # multi-word currency names and multipliers (the value errors of docs/benchmarks.md)
        ("10,000 Omani rial", 10_000, None), ("up to 1 million Pakistani rupees", 1_000_000, "upper"),
        ("5,000 CFA francs", 5000, None), ("3,000 Dollars", 3000, None), ("1 million PKR", 1_000_000, None),
        ("more than fivefold", 5, "lower"), ("10-fold", 10, None), ("twenty-fold", 20, None),
    ],
)
def test_spec_values(text, value, bound):
    q = parse_quantity(text)
    assert q is not None
    assert q.value == value
    assert q.bound == bound


def test_range_keeps_both_ends():
    q = parse_quantity("eight to 15")
    assert (q.low, q.high) == (8, 15)


@pytest.mark.parametrize("text", ["several", "many", "dozens", "Tier", "", "manifold", "12 Ministry", "45 victims"])
def test_not_numbers(text):
    assert parse_quantity(text) is None


@pytest.mark.parametrize("text", ["9" * 400, "9" * 5000, "9" * 300 + " billion", "9" * 400 + ".5"])
def test_numbers_a_double_cannot_hold_are_no_value(text):
    """Not ``inf``: it would be written as ``Infinity``, which is not JSON."""
    assert parse_number(text) is None
    assert parse_quantity(text) is None


def test_large_whole_numbers_keep_every_digit():
    assert parse_number("9" * 300) == int("9" * 300)
    assert parse_number("12,345,678,901,234,567,891") == 12_345_678_901_234_567_891
    assert parse_number("2.5 million") == 2_500_000
