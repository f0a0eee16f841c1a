"""Money is integer fen (分). Parse what people type in yuan exactly; never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import UserError

MAX_YUAN = Decimal(10) ** 10


def parse_yuan(text) -> int:
    """"199", "199.00", "¥1,299.5", "１９９" → fen. Raises UserError on anything else."""
    raw = str(text if text is not None else "").strip()
    cleaned = raw.translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,"))
    cleaned = cleaned.replace("¥", "").replace("￥", "").replace("元", "").replace(",", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise UserError("bad_amount", "金额格式不正确：{text}", "Not an amount: {text}",
                        text=raw) from None
    # Up to ten billion yuan; anything larger (or "1e9999") is a typo, not a price.
    if not value.is_finite() or value < 0 or value > MAX_YUAN:
        raise UserError("bad_amount", "金额格式不正确：{text}", "Not an amount: {text}", text=raw)
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_fen(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
