import pytest

from shopops.core.errors import UserError
from shopops.core.money import format_fen, parse_yuan


@pytest.mark.parametrize("text,fen", [("199", 19900), ("199.00", 19900), ("¥1,299.5", 129950),
                                      ("0.005", 1), ("0.004", 0), ("１９９．９", 19990), ("12元", 1200)])
def test_cat4_prices_typed_in_yuan_become_exact_fen(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "-5", "1e999999", "NaN"])
def test_cat4_bad_amounts_are_refused_in_chinese(text):
    with pytest.raises(UserError) as err:
        parse_yuan(text)
    assert "金额格式不正确" in err.value.message


def test_money_formats_fen_as_yuan():
    assert format_fen(123450) == "¥1,234.50"
    assert format_fen(-5) == "-¥0.05"
