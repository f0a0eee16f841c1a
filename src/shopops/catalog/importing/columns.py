"""The columns of each import kind (CAT-9): the Chinese header the export writes, the other
headers people's spreadsheets use for the same thing, and how a cell is read.

Headers are compared after `header_key`: NFKC (full-width brackets and colons become ASCII),
no whitespace, lower case — so "售价（元）", "售价(元)" and " 售价 (元) " are one column.
"""

import re
import unicodedata
from dataclasses import dataclass

TEXT, CODE, INT, MONEY, INFO = "text", "code", "int", "money", "info"
ATTRIBUTE_PREFIX = "规格:"
# Colour and size have their own columns; any other attribute is a "规格:面料" column.
NAMED_ATTRIBUTES = ("颜色", "尺码")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be present in the file
    kind: str = TEXT  # CODE/INT/MONEY cells get full-width digits made half-width
    # INFO columns are written by the export for people to read and ignored on import.


PRODUCT_COLUMNS = (
    Column("product_code", "款号", ("货号", "款式编码", "商品款号", "商品编码"), True, CODE),
    Column("title", "商品标题", ("标题", "商品名称", "宝贝标题", "商品名"), True),
    Column("category", "类目", ("商品类目", "分类", "类目路径")),
    Column("brand", "品牌", ("品牌名称",)),
    Column("supplier", "供应商编码", ("供应商", "品牌商编码", "供应商代码")),
    Column("sku_code", "商家编码", ("SKU编码", "商家SKU编码", "SKU商家编码", "SKU"), True, CODE),
    Column("barcode", "条码", ("条形码", "商品条码", "国际条码", "69码", "EAN"), True, CODE),
    Column("attr:颜色", "颜色", ("颜色分类", "颜色名称")),
    Column("attr:尺码", "尺码", ("尺寸", "码数")),
    Column("weight_g", "重量(克)", ("重量", "重量(g)", "毛重(克)", "重量克"), False, INT),
    Column("cost", "成本价(元)", ("成本价", "成本", "进价", "采购价"), False, MONEY),
    Column("price", "售价(元)", ("售价", "价格", "价格(元)", "零售价", "基准售价", "一口价"),
           True, MONEY),
)

PRICE_COLUMNS = (
    Column("sku_code", "商家编码", ("SKU编码", "商家SKU编码", "SKU商家编码", "SKU"), True, CODE),
    Column("channel", "渠道", ("渠道编码", "销售渠道", "店铺", "渠道名称")),
    Column("price", "售价(元)", ("售价", "价格", "价格(元)", "新售价", "新价格(元)", "零售价"),
           True, MONEY),
    Column("product_code", "款号", ("货号",), False, INFO),
    Column("title", "商品标题", ("标题", "商品名称"), False, INFO),
    Column("spec", "规格", (), False, INFO),
)

STOCK_COLUMNS = (
    Column("sku_code", "商家编码", ("SKU编码", "商家SKU编码", "SKU商家编码", "SKU"), False, CODE),
    Column("barcode", "条码", ("条形码", "商品条码", "国际条码", "69码"), False, CODE),
    Column("warehouse", "仓库", ("仓库编码", "仓库名称", "门店"), True),
    Column("location", "库位", ("货位", "库位编码"), False, CODE),
    Column("quantity", "数量", ("实盘数量", "盘点数量", "库存", "库存数量", "实物库存"), True, INT),
    Column("product_code", "款号", ("货号",), False, INFO),
    Column("title", "商品标题", ("标题", "商品名称"), False, INFO),
    Column("spec", "规格", (), False, INFO),
    Column("reserved", "已占用", ("占用",), False, INFO),
)
# Stock rows name the SKU by 商家编码 or by 条码 (either column will do; stock.check).

COLUMNS = {"products": PRODUCT_COLUMNS, "prices": PRICE_COLUMNS, "stock": STOCK_COLUMNS}
KIND_LABELS = {"products": "商品与SKU", "prices": "价格", "stock": "库存"}

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20  # ideographic space


def half_width(text: str) -> str:
    """"６９０１２" → "69012": for codes and numbers only — titles keep their Chinese
    punctuation (，（）) as typed."""
    return text.translate(_FULL_WIDTH)


def header_key(text) -> str:
    normalized = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", normalized).lower()


def attribute_name(header: str) -> str | None:
    """"规格:面料" / "规格：面料" → "面料"; None for any other header."""
    key = unicodedata.normalize("NFKC", str(header or "")).strip()
    prefix = ATTRIBUTE_PREFIX
    if key.startswith(prefix) and key[len(prefix):].strip():
        return key[len(prefix):].strip()
    return None


def lookup(kind: str) -> dict[str, Column]:
    """header_key → Column for every header and alias of the kind."""
    table = {}
    for column in COLUMNS[kind]:
        for name in (column.header, *column.aliases):
            table[header_key(name)] = column
    return table


def attribute_column(name: str) -> Column:
    if name in NAMED_ATTRIBUTES:
        return next(c for c in PRODUCT_COLUMNS if c.key == f"attr:{name}")
    return Column(f"attr:{name}", f"{ATTRIBUTE_PREFIX}{name}")


def export_headers(kind: str) -> list[str]:
    return [c.header for c in COLUMNS[kind]]
