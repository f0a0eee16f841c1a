"""A platform export → a plan of orders (ORD-1). Rows are grouped by the platform order
number (one row per order line); an order with any bad row is reported whole and never
created in part. Nothing is written here: the plan is stored on the OrderImport."""

import re
from datetime import datetime

from django.utils import timezone

from shopops.catalog.importing.readers import read_table
from shopops.core.errors import UserError
from shopops.core.money import parse_yuan
from shopops.core.registry import setting

from . import columns

CLOSED = ("交易关闭", "已取消", "订单取消", "锁定")
UNPAID = ("等待买家付款", "等待付款")
_POSTCODE = re.compile(r"[（(]\s*\d{6}\s*[)）]\s*$")
_CITY_LEVEL = ("北京", "上海", "天津", "重庆")
_REGION = re.compile(r"^(?P<p>(?:北京|上海|天津|重庆)市?|.+?(?:省|自治区|特别行政区))"
                     r"(?P<c>.+?(?:市|自治州|地区|盟))?(?P<d>.+?(?:区|县|旗|市))?(?P<rest>.+)$")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%d", "%Y/%m/%d")


class RowError(Exception):
    def __init__(self, message, message_en):
        super().__init__(message)
        self.message, self.message_en = message, message_en


def split_address(text: str) -> dict:
    """"浙江省 杭州市 西湖区 文三路 90 号(310000)" → province, city, district, detail."""
    text = _POSTCODE.sub("", text.strip()).strip()
    parts = text.split()
    if len(parts) >= 4 and parts[1].endswith(("市", "州", "盟", "地区")):
        return {"province": parts[0], "city": parts[1], "district": parts[2],
                "address_detail": " ".join(parts[3:])}
    match = _REGION.match("".join(parts))
    city = match and (match["c"] or (match["p"].rstrip("市") + "市"
                                      if match["p"].startswith(_CITY_LEVEL) else ""))
    if not match or not city:
        raise RowError(f"收货地址无法识别省市：{text}", f"Cannot read province/city from: {text}")
    return {"province": match["p"], "city": city, "district": match["d"] or "",
            "address_detail": match["rest"]}


def parse_time(text: str, label: str):
    if not text:
        return None
    text = text.replace("T", " ")
    for fmt in DATE_FORMATS:
        try:
            value = datetime.strptime(text[:19], fmt)
        except ValueError:
            continue
        return timezone.make_aware(value).isoformat()
    raise RowError(f"{label}格式不正确：{text}", f"Bad date in {label}: {text}")


def _money(text: str, label: str) -> int:
    if not text:
        return 0
    try:
        return parse_yuan(text)
    except (UserError, ValueError, ArithmeticError):
        raise RowError(f"{label}金额不正确：{text}", f"Bad amount in {label}: {text}") from None


def _quantity(text: str) -> int:
    try:
        value = int(float(text))
    except ValueError:
        value = 0
    if value <= 0 or str(value) != text.split(".")[0].strip():
        raise RowError(f"数量必须是正整数：{text or '（空）'}",
                       f"The quantity must be a positive whole number: {text}")
    return value


def read(data: bytes, filename: str = "") -> tuple[str, list[dict]]:
    """(platform, orders). Raises UserError for a file that cannot be read at all."""
    table = read_table(data, filename, max_rows=setting("catalog.import_max_rows"))
    platform = columns.detect(table.headers)
    if platform is None:
        raise UserError("order_import_unknown_format",
                        "无法识别的订单导出格式：需要淘宝/天猫（订单编号、宝贝标题…）或京东（订单号、商品名称…）的表头。",
                        "Unknown order export: expected Taobao or JD column headers.")
    cols = columns.mapping(platform, table.headers)
    missing = [columns.LABELS[f] for f in columns.REQUIRED if f not in cols]
    if missing:
        raise UserError("order_import_missing_columns", "文件缺少列：{cols}。",
                        "Missing columns: {cols}.", cols="、".join(missing))
    orders: dict[str, dict] = {}
    for number, cells in table.rows:
        def get(name, cells=cells):
            i = cols.get(name)
            return cells[i].strip().lstrip("'") if i is not None and i < len(cells) else ""

        raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(table.headers) if h}
        no = get("order_no")
        if not no:
            orders[f"#row{number}"] = {"order_no": "", "rows": [number], "lines": [],
                                       "errors": [_err(number, "", RowError(
                                           "缺少订单编号", "Missing order number"))],
                                       "raw": {str(number): raw}}
            continue
        order = orders.get(no)
        if order is None:
            order = orders[no] = {"order_no": no, "rows": [], "lines": [], "errors": [],
                                  "raw": {}}
            try:
                order["fields"] = _order_fields(get)
            except RowError as exc:
                order["errors"].append(_err(number, no, exc))
        order["rows"].append(number)
        order["raw"][str(number)] = raw
        try:
            order["lines"].append(_line(number, get))
        except RowError as exc:
            order["errors"].append(_err(number, no, exc))
    return platform, list(orders.values())


def _err(row, no, exc):
    return {"row": row, "order_no": no, "message": exc.message, "message_en": exc.message_en}


def _order_fields(get) -> dict:
    status = get("status")
    if any(word in status for word in CLOSED):
        raise RowError(f"订单状态为“{status}”，不导入", f"Order status '{status}': not imported")
    for name in ("name", "phone", "address"):
        if not get(name):
            label = columns.LABELS[name]
            raise RowError(f"缺少{label}", f"Missing {label}")
    fields = {"customer_name": get("name"), "customer_phone": get("phone"),
              **split_address(get("address")), "buyer_nick": get("buyer_nick"),
              "buyer_message": get("message"), "seller_remark": get("remark"),
              "shipping_fen": _money(get("shipping"), "运费"),
              "goods_fen": _money(get("goods"), "货款") if get("goods") else None,
              "paid_fen": _money(get("paid"), "实付") if get("paid") else None,
              "created_at": parse_time(get("created"), "下单时间"),
              "paid_at": parse_time(get("paid_at"), "付款时间")}
    if fields["paid_at"] is None and status and not any(w in status for w in UNPAID):
        fields["paid_at"] = fields["created_at"]  # a status past payment without a time
    return fields


def _line(number, get) -> dict:
    price = get("price")
    return {"row": number, "title": get("title")[:200], "code": get("code"),
            "barcode": get("barcode"), "quantity": _quantity(get("quantity")),
            "unit_price_fen": _money(price, "单价") if price else None}
