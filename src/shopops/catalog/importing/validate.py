"""Checking every row of an import before anything is written (CAT-9).

`check(kind, table, actor=…)` maps the headers, reads each row's cells by type and hands the
rows to the kind's checker (products.py, prices.py, stock.py), which looks everything it
needs up in a few bulk queries. The result lists EVERY problem — row number, column as
the file names it, reason in Chinese and English — plus the counts of what would change,
and the plan `apply` writes when there are no problems.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from shopops.core.errors import UserError
from shopops.core.money import parse_yuan

from . import columns as cols
from .readers import Table

LOOKUP_CHUNK = 2000  # ids per IN (...) query: well inside every database's parameter limit


@dataclass
class Row:
    number: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class Result:
    kind: str
    errors: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    plan: Any = None
    total_rows: int = 0

    def error(self, row: int, column: str, message: str, message_en: str = ""):
        self.errors.append({"row": row, "column": column, "message": message,
                            "message_en": message_en})

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Sheet:
    """The rows of a file with its headers mapped to the kind's columns."""

    rows: list[Row]
    header_row: int
    headers: dict[str, str]  # column key → the header as the file writes it
    attributes: list[str] = field(default_factory=list)  # attribute names, in file order

    def header(self, key: str) -> str:
        return self.headers.get(key) or _default_header(key)

    def has(self, key: str) -> bool:
        return key in self.headers


def _default_header(key: str) -> str:
    for columns in cols.COLUMNS.values():
        for column in columns:
            if column.key == key:
                return column.header
    return key.removeprefix("attr:")


def map_headers(kind: str, table: Table, result: Result) -> Sheet | None:
    known = cols.lookup(kind)
    by_index: dict[int, cols.Column] = {}
    headers: dict[str, str] = {}
    attributes: list[str] = []
    for index, raw in enumerate(table.headers):
        if not raw:
            continue
        column = known.get(cols.header_key(raw))
        if column is None and kind == "products":
            name = cols.attribute_name(raw)
            if name:
                column = cols.attribute_column(name)
        if column is None:
            result.notices.append(f"未识别的列「{raw}」已忽略 (unknown column ignored)")
            continue
        if column.key in headers:
            result.error(table.header_row, raw,
                         f"列重复：「{raw}」与「{headers[column.key]}」是同一列",
                         f"Duplicate column: '{raw}' is the same as '{headers[column.key]}'")
            continue
        headers[column.key] = raw
        by_index[index] = column
        if column.key.startswith("attr:"):
            attributes.append(column.key.removeprefix("attr:"))
    for column in cols.COLUMNS[kind]:
        if column.required and column.key not in headers:
            result.error(table.header_row, column.header, f"缺少必填列「{column.header}」",
                         f"Required column '{column.header}' is missing")
    if result.errors:
        return None
    rows = []
    for number, cells in table.rows:
        values = {}
        for index, column in by_index.items():
            if column.kind == cols.INFO:
                continue
            text = cells[index] if index < len(cells) else ""
            if column.kind in (cols.CODE, cols.INT, cols.MONEY):
                text = cols.half_width(text).strip()
            values[column.key] = text
        rows.append(Row(number, values))
    return Sheet(rows=rows, header_row=table.header_row, headers=headers, attributes=attributes)


def check(kind: str, table: Table, *, actor, progress: Callable[[int], None] | None = None,
          context: dict | None = None) -> Result:
    from . import prices, products, stock

    result = Result(kind=kind, total_rows=len(table.rows))
    sheet = map_headers(kind, table, result)
    if sheet is None:
        return result
    checker = {"products": products.check, "prices": prices.check, "stock": stock.check}[kind]
    checker(sheet, result, actor=actor, progress=progress or (lambda n: None),
            context=context or {})
    order = {header: i for i, header in enumerate(sheet.headers.values())}
    result.errors.sort(key=lambda e: (e["row"], order.get(e["column"], len(order))))
    return result


# --- cell readers shared by the kinds ---------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str, message_en: str = ""):
        super().__init__(message)
        self.message, self.message_en = message, message_en


def money(text: str) -> int | None:
    if not text:
        return None
    try:
        return parse_yuan(text)
    except UserError as exc:
        raise CellError(exc.message, exc.message_en) from None


def whole_number(text: str, maximum: int = 2_000_000_000) -> int | None:
    """"350", "350.0" (Excel) → 350; a fraction, a negative or more than `maximum` is
    refused."""
    if not text:
        return None
    cleaned = text.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"不是整数：{text}", f"Not a whole number: {text}") from None
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise CellError(f"须为不小于 0 的整数：{text}", f"Must be a whole number ≥ 0: {text}")
    if value > maximum:
        raise CellError(f"数值过大：{text}（最大 {maximum}）", f"Too large: {text} (max {maximum})")
    return int(value)


def text_max(text: str, limit: int) -> str:
    if len(text) > limit:
        raise CellError(f"太长：最多 {limit} 个字符（现为 {len(text)}）",
                        f"Too long: at most {limit} characters ({len(text)})")
    return text


def code_text(text: str, limit: int) -> str:
    """款号 and 商家编码: no blanks inside (as catalog.actions.products requires)."""
    text_max(text, limit)
    if any(c.isspace() for c in text):
        raise CellError(f"不得包含空格：{text}", f"Must not contain spaces: {text}")
    return text


def barcode(text: str) -> str:
    """catalog.barcodes' rule (a GS1 number needs its check digit, anything else must be
    a printable Code128), its message on the row."""
    from shopops.catalog.barcodes import validate_barcode

    try:
        return validate_barcode(text)
    except UserError as exc:
        raise CellError(exc.message, exc.message_en) from None


def chunks(values, size: int = LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def mark_duplicates(result: Result, sheet: Sheet, key_of: Callable[[Row], Any], column: str,
                    message: Callable[[Any, list[int]], tuple[str, str]]) -> set[int]:
    """Report every row whose key another row of the file repeats (all of them, not only
    the later ones: the person fixes whichever is wrong). Returns those row numbers."""
    seen: dict[Any, list[int]] = {}
    for row in sheet.rows:
        key = key_of(row)
        if key:
            seen.setdefault(key, []).append(row.number)
    bad = set()
    for key, numbers in seen.items():
        if len(numbers) > 1:
            for number in numbers:
                others = [n for n in numbers if n != number]
                zh, en = message(key, others)
                result.error(number, sheet.header(column), zh, en)
                bad.add(number)
    return bad


def progress_every(total: int) -> int:
    return max(100, total // 50)
