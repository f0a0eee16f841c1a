"""A courier's tracking file (物流轨迹) → rows to record, and every bad row with its number
(FUL-6). CSV (UTF-8 or GB18030) or xlsx with the headers 运单号, 时间, 状态, 描述, 地点.
Nothing is written here: the actions record the rows only when no row is bad."""

from datetime import datetime, timedelta

from django.utils import timezone

from shopops.catalog.importing.readers import read_table
from shopops.core.errors import UserError
from shopops.core.registry import setting

from .models import Parcel, TrackingEvent

HEADERS = {
    "waybill_no": ("运单号", "快递单号", "物流单号", "运单编号"),
    "at": ("时间", "操作时间", "扫描时间", "轨迹时间"),
    "status": ("状态", "物流状态", "轨迹状态"),
    "description": ("描述", "轨迹描述", "详情"),
    "location": ("地点", "所在地", "网点"),
}
REQUIRED = ("waybill_no", "at", "status")
LABELS = {"waybill_no": "运单号", "at": "时间", "status": "状态"}

# Checked in this order, so "退件" is a return and not a delivery scan (派件).
STATUS_WORDS = (
    ("returned", ("退回", "退件", "拒收退回")),
    ("lost", ("丢失", "丢件", "遗失")),
    ("delayed", ("延误", "延迟")),
    ("delivered", ("已签收", "签收")),
    ("delivering", ("派送中", "派件", "派送")),
    ("in_transit", ("运输中", "在途", "运输", "到达", "发往")),
    ("collected", ("已揽收", "揽收", "揽件", "收件")),
)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y%m%d %H:%M:%S")


def status_of(word: str) -> str | None:
    word = word.strip()
    if word in TrackingEvent.Status.values:
        return word
    for status, words in STATUS_WORDS:
        if word in words:
            return status
    for status, words in STATUS_WORDS:
        if any(w in word for w in words):
            return status
    return None


EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_time(text: str):
    text = text.strip().replace("T", " ")
    try:
        serial = float(text)
    except ValueError:
        serial = None
    if serial is not None:
        # A date cell of an xlsx read as its serial number (days since 1899-12-30).
        if not 20000 < serial < 80000:
            return None
        value = EXCEL_EPOCH + timedelta(days=serial)
        return timezone.make_aware(value.replace(microsecond=0) + timedelta(
            seconds=round(value.microsecond / 1e6)))
    for fmt in TIME_FORMATS:
        try:
            value = datetime.strptime(text[:19], fmt)
        except ValueError:
            continue
        return timezone.make_aware(value)
    return None


def _columns(headers: list[str]) -> dict[str, int]:
    cols = {}
    for i, header in enumerate(headers):
        for field, names in HEADERS.items():
            if header.strip() in names and field not in cols:
                cols[field] = i
    return cols


def _error(row, waybill_no, message, message_en):
    return {"row": row, "waybill_no": waybill_no, "message": message, "message_en": message_en}


def parse(data: bytes, filename: str = "") -> dict:
    """{"rows": [...], "errors": [...]}. Raises UserError when the file cannot be read at
    all (wrong format, missing columns); bad rows are listed, not raised."""
    table = read_table(data, filename, max_rows=setting("catalog.import_max_rows"))
    cols = _columns(table.headers)
    missing = [LABELS[f] for f in REQUIRED if f not in cols]
    if missing:
        raise UserError("tracking_import_missing_columns",
                        "文件缺少列：{cols}（需要 运单号、时间、状态、描述、地点）。",
                        "Missing columns: {cols} (expected 运单号, 时间, 状态, 描述, 地点).",
                        cols="、".join(missing))
    cells_of = []
    for number, cells in table.rows:
        def get(name, cells=cells):
            i = cols.get(name)
            return cells[i].strip().lstrip("'") if i is not None and i < len(cells) else ""

        cells_of.append((number, {f: get(f) for f in HEADERS}))
    parcels = {p["waybill_no"]: p for p in Parcel.objects.filter(
        waybill_no__in={c["waybill_no"] for _n, c in cells_of if c["waybill_no"]}).values(
        "pk", "waybill_no", "state")}
    rows, errors = [], []
    for number, c in cells_of:
        problem = _check(number, c, parcels)
        if problem:
            errors.append(problem)
            continue
        status = status_of(c["status"])
        rows.append({"row": number, "waybill_no": c["waybill_no"],
                     "parcel": parcels[c["waybill_no"]]["pk"],
                     "at": parse_time(c["at"]).isoformat(), "status": status,
                     "status_label": str(TrackingEvent.Status(status).label),
                     "description": c["description"][:300], "location": c["location"][:100]})
    return {"rows": rows, "errors": errors}


def _check(number, c, parcels):
    no = c["waybill_no"]
    if not no:
        return _error(number, no, "缺少运单号", "Missing waybill number")
    parcel = parcels.get(no)
    if parcel is None:
        return _error(number, no, f"运单号不存在：{no}", f"Unknown waybill number: {no}")
    if parcel["state"] != Parcel.State.SHIPPED:
        return _error(number, no, f"包裹尚未发货：{no}", f"Parcel {no} has not shipped yet")
    if parse_time(c["at"]) is None:
        return _error(number, no, f"时间格式不正确：{c['at'] or '（空）'}（应为 2026-11-20 14:30）",
                      f"Bad time: {c['at']} (expected 2026-11-20 14:30)")
    if status_of(c["status"]) is None:
        return _error(number, no, f"无法识别的物流状态：{c['status'] or '（空）'}",
                      f"Unknown tracking status: {c['status']}")
    return None
