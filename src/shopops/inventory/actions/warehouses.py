"""Warehouses, stores and their locations (库位) (INV-1, INV-4)."""

import itertools
import re

from django.db import IntegrityError, transaction
from django.db.models import Max

from shopops.core import events
from shopops.core.access import require
from shopops.core.errors import ConflictError, UserError

from ..models import BinStock, Location, Warehouse

CAP = "inventory.manage_warehouses"
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,19}$")
LOCATION_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
MAX_BULK = 2000
WAREHOUSE_FIELDS = ("name", "kind", "address", "sellable", "active")


def _snapshot(obj, fields):
    return {f: getattr(obj, f) for f in fields}


def _clean_warehouse(name, kind):
    name = (name or "").strip()
    if not name:
        raise UserError("name_required", "请填写仓库名称。", "A warehouse name is required.")
    if kind not in Warehouse.Kind.values:
        raise UserError("bad_kind", "仓库类型无效：{kind}", "Unknown warehouse kind: {kind}",
                        kind=kind)
    return name


@transaction.atomic
def create_warehouse(*, actor, code: str, name: str, kind: str = Warehouse.Kind.WAREHOUSE,
                     address: str = "", sellable: bool = True) -> Warehouse:
    require(actor, CAP)
    code = (code or "").strip().lower()
    if not CODE_RE.match(code):
        raise UserError("bad_code", "仓库编码只能使用小写字母、数字、- 和 _（最多 20 位）：{value}",
                        "A warehouse code uses a-z, 0-9, - and _ (up to 20): {value}", value=code)
    name = _clean_warehouse(name, kind)
    try:
        with transaction.atomic():
            warehouse = Warehouse.objects.create(code=code, name=name, kind=kind,
                                                 address=(address or "").strip(),
                                                 sellable=bool(sellable))
    except IntegrityError:
        raise ConflictError("code_taken", "仓库编码已存在：{value}",
                            "The warehouse code is taken: {value}", value=code) from None
    events.record(actor=actor, verb="warehouse.created", obj=warehouse,
                  summary=f"新建{warehouse.get_kind_display()}：{warehouse.name}（{code}）",
                  changes=events.diff({}, _snapshot(warehouse, WAREHOUSE_FIELDS)))
    return warehouse


@transaction.atomic
def update_warehouse(*, actor, warehouse: Warehouse, name: str, kind: str, address: str = "",
                     sellable: bool = True, active: bool = True) -> Warehouse:
    require(actor, CAP)
    before = _snapshot(warehouse, WAREHOUSE_FIELDS)
    warehouse.name = _clean_warehouse(name, kind)
    warehouse.kind, warehouse.address = kind, (address or "").strip()
    warehouse.sellable, warehouse.active = bool(sellable), bool(active)
    changes = events.diff(before, _snapshot(warehouse, WAREHOUSE_FIELDS))
    if not changes:
        return warehouse
    warehouse.save(update_fields=list(WAREHOUSE_FIELDS))
    events.record(actor=actor, verb="warehouse.updated", obj=warehouse,
                  summary=f"修改仓库：{warehouse.name}", changes=changes)
    return warehouse


def _location_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not LOCATION_RE.match(code) or len(code) > 30:
        raise UserError("bad_location_code",
                        "库位编码格式不正确：{value}（例如 A-01-03，只用字母、数字和 -）",
                        "Bad location code: {value} (e.g. A-01-03; letters, digits and -)",
                        value=code or "（空）")
    return code


def _next_walk_order(warehouse) -> int:
    top = Location.objects.filter(warehouse=warehouse).aggregate(m=Max("walk_order"))["m"]
    return (top or 0) + 1


@transaction.atomic
def create_location(*, actor, warehouse: Warehouse, code: str,
                    walk_order: int | None = None) -> Location:
    require(actor, CAP)
    code = _location_code(code)
    if walk_order is None:
        walk_order = _next_walk_order(warehouse)
    if walk_order < 0:
        raise UserError("bad_walk_order", "拣货顺序不能为负数。", "Walk order cannot be negative.")
    try:
        with transaction.atomic():
            location = Location.objects.create(warehouse=warehouse, code=code,
                                               walk_order=walk_order)
    except IntegrityError:
        raise ConflictError("location_taken", "{warehouse} 已有库位 {value}",
                            "{warehouse} already has location {value}",
                            warehouse=warehouse.name, value=code) from None
    events.record(actor=actor, verb="location.created", obj=location,
                  summary=f"{warehouse.name} 新建库位 {code}",
                  data={"warehouse": warehouse.pk, "walk_order": walk_order})
    return location


@transaction.atomic
def update_location(*, actor, location: Location, walk_order: int, active: bool = True) -> Location:
    require(actor, CAP)
    if walk_order < 0:
        raise UserError("bad_walk_order", "拣货顺序不能为负数。", "Walk order cannot be negative.")
    if location.active and not active and BinStock.objects.filter(
            location=location, quantity__gt=0).exists():
        raise ConflictError("location_not_empty", "库位 {value} 还有库存，不能停用。",
                            "Location {value} still holds stock and cannot be disabled.",
                            value=location.code)
    before = _snapshot(location, ("walk_order", "active"))
    location.walk_order, location.active = walk_order, bool(active)
    changes = events.diff(before, _snapshot(location, ("walk_order", "active")))
    if changes:
        location.save(update_fields=["walk_order", "active"])
        events.record(actor=actor, verb="location.updated", obj=location,
                      summary=f"修改库位 {location.code}", changes=changes)
    return location


def _segment_values(first: str, last: str) -> list[str]:
    """All values from `first` to `last` of one code segment: 01…10 (width kept) or A…C."""
    if first.isdigit() and last.isdigit():
        lo, hi = int(first), int(last)
        width = len(first)
        return [f"{n:0{width}d}" for n in range(lo, hi + 1)]
    if len(first) == len(last) == 1 and first.isalpha() and last.isalpha():
        return [chr(c) for c in range(ord(first), ord(last) + 1)]
    if first == last:
        return [first]
    raise UserError("bad_range", "无法展开库位范围的这一段：{first} … {last}",
                    "Cannot expand this part of the range: {first} … {last}",
                    first=first, last=last)


def expand_range(first: str, last: str) -> list[str]:
    """"A-01-01" … "A-03-10" → A-01-01 … A-01-10, A-02-01 … A-03-10 (every combination
    of the segments, in walk order)."""
    first, last = _location_code(first), _location_code(last)
    a, b = first.split("-"), last.split("-")
    if len(a) != len(b):
        raise UserError("bad_range", "起止库位的段数不同：{first} … {last}",
                        "Both ends need the same number of parts: {first} … {last}",
                        first=first, last=last)
    parts = [_segment_values(x, y) for x, y in zip(a, b, strict=True)]
    if any(not values for values in parts):
        raise UserError("bad_range", "起始库位大于结束库位：{first} … {last}",
                        "The range runs backwards: {first} … {last}", first=first, last=last)
    total = 1
    for values in parts:
        total *= len(values)
    if total > MAX_BULK:
        raise UserError("range_too_big", "一次最多生成 {max} 个库位（本次 {n} 个）。",
                        "At most {max} locations at once (this range has {n}).",
                        max=MAX_BULK, n=total)
    return ["-".join(combo) for combo in itertools.product(*parts)]


@transaction.atomic
def bulk_create_locations(*, actor, warehouse: Warehouse, first: str, last: str) -> dict:
    """Create every location of a range; codes that already exist are left as they are."""
    require(actor, CAP)
    codes = expand_range(first, last)
    existing = set(Location.objects.filter(warehouse=warehouse, code__in=codes)
                   .values_list("code", flat=True))
    start = _next_walk_order(warehouse)
    new = [Location(warehouse=warehouse, code=code, walk_order=start + i)
           for i, code in enumerate(c for c in codes if c not in existing)]
    Location.objects.bulk_create(new)
    result = {"created": len(new), "skipped": len(existing), "first": codes[0],
              "last": codes[-1]}
    events.record(actor=actor, verb="location.bulk_created", obj=warehouse,
                  summary=f"{warehouse.name} 批量新建库位 {codes[0]} … {codes[-1]}："
                          f"新建 {len(new)} 个，已存在 {len(existing)} 个",
                  data=result)
    return result
