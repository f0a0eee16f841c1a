"""Export of products+SKUs, prices and stock (CAT-9) with the same Chinese headers the
import reads, so an exported file re-imports cleanly (tests/catalog/test_export.py).

Rows are read with .iterator() in chunks and written as they come: CSV is streamed to the
browser; xlsx (a zip, so not streamable) is written row by row by openpyxl's write-only
workbook into a temporary file that is then sent.
"""

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched

from shopops.catalog.models import Category, ChannelPrice, Sku

from . import columns as cols
from . import refs

CHUNK = 2000
ENCODINGS = {"utf-8-sig": "UTF-8（带 BOM，Excel 2016 及以上）", "gb18030": "GB18030（GBK，旧版 Excel / WPS）"}
FORMATS = {"xlsx": "Excel（.xlsx）", "csv": "CSV"}
MONEY_HEADERS = {"成本价(元)", "售价(元)"}
CODE_HEADERS = {"款号", "商家编码", "条码", "库位"}
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass
class Sheet:
    kind: str
    headers: list[str]
    count: int
    rows: Iterator[list]


def yuan(fen) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def attribute_order(names) -> list[str]:
    """颜色, 尺码, then the rest by name: the same on every database (PostgreSQL's jsonb
    does not keep the order keys were written in)."""
    names = list(names)
    return ([n for n in cols.NAMED_ATTRIBUTES if n in names]
            + sorted(n for n in names if n not in cols.NAMED_ATTRIBUTES))


def spec_text(attributes) -> str:
    attributes = attributes or {}
    return " / ".join(f"{k}:{attributes[k]}" for k in attribute_order(attributes))


# --- the rows -----------------------------------------------------------------------------


def _sku_queryset(filters):
    skus = Sku.objects.all()
    if filters.get("category"):
        category = Category.objects.filter(pk=filters["category"]).first()
        path = category.path if category and category.path else None
        skus = (skus.filter(product__category__path__startswith=path) if path
                else skus.filter(product__category_id=filters["category"]))
    if filters.get("brand"):
        skus = skus.filter(product__brand_id=filters["brand"])
    if filters.get("status"):
        skus = skus.filter(product__status=filters["status"])
    return skus


def products_sheet(filters) -> Sheet:
    skus = _sku_queryset(filters).order_by("product__code", "code")
    extra = set()  # attribute names beyond 颜色/尺码
    for attributes in skus.values_list("attributes", flat=True).iterator(chunk_size=CHUNK):
        extra.update(attributes or ())
    extra = [n for n in attribute_order(extra) if n not in cols.NAMED_ATTRIBUTES]
    base = [c.header for c in cols.PRODUCT_COLUMNS]
    at = base.index("重量(克)")
    headers = base[:at] + [f"{cols.ATTRIBUTE_PREFIX}{n}" for n in extra] + base[at:]

    def rows():
        paths = refs.category_paths()
        fields = ("product__code", "product__title", "product__category_id",
                  "product__brand__name", "product__supplier__code", "code", "barcode",
                  "attributes", "weight_g", "cost_fen", "price_fen")
        for (pcode, title, category_id, brand, supplier, code, barcode, attributes, weight,
             cost, price) in skus.values_list(*fields).iterator(chunk_size=CHUNK):
            attributes = attributes or {}
            yield ([pcode, title, paths.get(category_id, ""), brand or "", supplier or "", code,
                    barcode, attributes.get("颜色", ""), attributes.get("尺码", "")]
                   + [attributes.get(n, "") for n in extra] + [weight, yuan(cost), yuan(price)])

    return Sheet("products", headers, skus.count(), rows())


def prices_sheet(filters) -> Sheet:
    skus = _sku_queryset(filters).order_by("code")
    channel = filters.get("channel") or ""
    channel_prices = ChannelPrice.objects.filter(sku__in=skus)
    if channel not in ("", "base"):
        channel_prices = channel_prices.filter(channel_id=channel)
    with_base = channel in ("", "base")
    with_channels = channel != "base"
    count = (skus.count() if with_base else 0) + (channel_prices.count() if with_channels else 0)
    headers = [c.header for c in cols.PRICE_COLUMNS]

    def rows():
        shown = refs.channels().shown
        fields = ("pk", "code", "price_fen", "product__code", "product__title", "attributes")
        for part in batched(skus.values_list(*fields).iterator(chunk_size=CHUNK), CHUNK):
            by_sku = {}
            if with_channels:
                for sku_id, channel_id, fen in channel_prices.filter(
                        sku_id__in=[r[0] for r in part]).order_by(
                        "channel__sort_order", "channel__code").values_list(
                        "sku_id", "channel_id", "price_fen"):
                    by_sku.setdefault(sku_id, []).append((channel_id, fen))
            for pk, code, price, pcode, title, attributes in part:
                info = [pcode, title, spec_text(attributes)]
                if with_base:
                    yield [code, "", yuan(price), *info]
                for channel_id, fen in by_sku.get(pk, []):
                    yield [code, shown.get(channel_id, ""), yuan(fen), *info]

    return Sheet("prices", headers, count, rows())


def stock_sheet(filters) -> Sheet:
    from shopops.inventory.models import Stock

    stocks = Stock.objects.all()
    if filters.get("warehouse"):
        stocks = stocks.filter(warehouse_id=filters["warehouse"])
    skus = _sku_queryset(filters)
    if filters.get("category") or filters.get("brand") or filters.get("status"):
        stocks = stocks.filter(sku__in=skus)
    stocks = stocks.order_by("warehouse__code", "sku__code")
    headers = [c.header for c in cols.STOCK_COLUMNS]

    def rows():
        shown = refs.warehouses().shown
        fields = ("sku__code", "sku__barcode", "warehouse_id", "on_hand", "sku__product__code",
                  "sku__product__title", "sku__attributes", "reserved")
        for code, barcode, warehouse_id, on_hand, pcode, title, attributes, reserved in (
                stocks.values_list(*fields).iterator(chunk_size=CHUNK)):
            yield [code, barcode, shown.get(warehouse_id, ""), "", on_hand, pcode, title,
                   spec_text(attributes), reserved]

    return Sheet("stock", headers, stocks.count(), rows())


SHEETS = {"products": products_sheet, "prices": prices_sheet, "stock": stock_sheet}


# --- the files ----------------------------------------------------------------------------


def _csv_cell(header: str, value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_STARTS:
        # Excel would run "=…" typed by a merchant as a formula; a leading tab keeps it
        # text there and the import strips it again.
        return "\t" + text
    # Excel shows a long digit string as 6.90123E+12 and saves it back that way: the
    # ="…" form keeps it text (the import reads it back as the plain code).
    if header in CODE_HEADERS and text.isdigit() and len(text) >= 11:
        return f'="{text}"'
    return text


def csv_chunks(sheet: Sheet, encoding: str) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    first = True
    for n, row in enumerate(sheet.rows, start=1):
        writer.writerow([_csv_cell(h, v) for h, v in zip(sheet.headers, row, strict=True)])
        if n % 500 == 0:
            yield _encode(buffer, encoding, first)
            first = False
    yield _encode(buffer, encoding, first)


def _encode(buffer: io.StringIO, encoding: str, first: bool) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    if encoding == "utf-8-sig" and not first:
        encoding = "utf-8"  # the BOM only at the very start of the file
    return text.encode(encoding)


def xlsx_file(sheet: Sheet, title: str):
    """The sheet as an xlsx in a temporary file (deleted when closed), positioned at 0."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in sheet.headers:
        cell = WriteOnlyCell(worksheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    worksheet.append(header_cells)
    money_at = {i for i, h in enumerate(sheet.headers) if h in MONEY_HEADERS}
    text_at = {i for i, h in enumerate(sheet.headers) if h in CODE_HEADERS}
    for row in sheet.rows:
        cells = []
        for i, value in enumerate(row):
            cell = WriteOnlyCell(worksheet, value=value)
            if cell.data_type == "f":  # text that starts with "=" stays text, not a formula
                cell.data_type = "s"
            if i in money_at:
                cell.number_format = "0.00"
            elif i in text_at:
                cell.number_format = "@"
            cells.append(cell)
        worksheet.append(cells)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle

