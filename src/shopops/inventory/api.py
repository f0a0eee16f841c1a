"""/api/v1/inventory — stock, the ledger, warehouses and stock documents (INV-1…INV-5,
FUL-3) for integrations and the scan station. Every write is an action; errors are the
actions' UserErrors answered as 4xx JSON by the handler in shopops.api."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from shopops.accounts.models import User
from shopops.catalog.models import Sku
from shopops.core.access import LOGIN
from shopops.core.api_access import api_access
from shopops.core.errors import NotFoundError, UserError
from shopops.purchasing.models import Supplier

from .actions import documents as doc_actions
from .actions import stocktake as stocktake_actions
from .actions.safety import set_safety_stock
from .alerts import is_low
from .models import Document, Location, Warehouse
from .views.stock import move_rows, stock_rows

router = Router(tags=["仓储 inventory"])
MAX_LIMIT = 200


class StockOut(Schema):
    id: int
    sku_id: int
    sku_code: str
    barcode: str
    title: str
    warehouse_id: int
    warehouse: str
    on_hand: int
    reserved: int
    available: int
    safety_stock: int
    low: bool


class MoveOut(Schema):
    id: int
    at: datetime
    kind: str
    kind_label: str
    sku_code: str
    warehouse: str
    location: str
    on_hand_delta: int
    reserved_delta: int
    reference: str
    actor: str
    counterpart: str
    note: str


class LocationOut(Schema):
    id: int
    code: str
    walk_order: int
    active: bool


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    sellable: bool
    active: bool


class LineOut(Schema):
    id: int
    sku_code: str
    barcode: str
    location: str
    to_location: str
    quantity: int
    expected: int | None
    counted: int | None


class DocumentOut(Schema):
    id: int
    number: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    warehouse: str
    to_warehouse: str
    supplier: str
    handed_by: str
    handed_signed_at: datetime | None
    received_by: str
    received_signed_at: datetime | None
    posted_at: datetime | None
    note: str


class DocumentDetailOut(DocumentOut):
    lines: list[LineOut]


class LineIn(Schema):
    sku: str = ""  # 商家编码 or 条码
    quantity: int = 0
    location: str = ""
    to_location: str = ""


class DocumentIn(Schema):
    kind: str = ""
    warehouse_id: int = 0
    to_warehouse_id: int | None = None
    supplier_id: int | None = None
    handed_by_id: int | None = None
    received_by_id: int | None = None
    note: str = ""
    lines: list[LineIn] = []


class CancelIn(Schema):
    reason: str = ""


class StocktakeIn(Schema):
    warehouse_id: int = 0
    locations: list[str] = []
    note: str = ""


class CountIn(Schema):
    sku: str = ""  # 商家编码 or 条码
    location: str = ""
    counted: int | None = None


class CountsIn(Schema):
    counts: list[CountIn] = []


class SafetyIn(Schema):
    sku: str = ""
    warehouse_id: int = 0
    safety_stock: int = -1


def _stock(s) -> dict:
    return {"id": s.pk, "sku_id": s.sku_id, "sku_code": s.sku.code, "barcode": s.sku.barcode,
            "title": s.sku.product.title, "warehouse_id": s.warehouse_id,
            "warehouse": s.warehouse.name, "on_hand": s.on_hand, "reserved": s.reserved,
            "available": s.available, "safety_stock": s.safety_stock,
            "low": is_low(s.available, s.safety_stock)}


def _move(m) -> dict:
    return {"id": m.pk, "at": m.at, "kind": m.kind, "kind_label": m.get_kind_display(),
            "sku_code": m.sku.code, "warehouse": m.warehouse.name,
            "location": m.location.code if m.location_id else "",
            "on_hand_delta": m.on_hand_delta, "reserved_delta": m.reserved_delta,
            "reference": m.reference, "actor": str(m.actor or "系统"),
            "counterpart": str(m.counterpart or ""), "note": m.note}


def _doc(d) -> dict:
    return {"id": d.pk, "number": d.number, "kind": d.kind, "kind_label": d.get_kind_display(),
            "state": d.state, "state_label": d.get_state_display(),
            "warehouse": d.warehouse.name,
            "to_warehouse": d.to_warehouse.name if d.to_warehouse_id else "",
            "supplier": d.supplier.name if d.supplier_id else "",
            "handed_by": str(d.handed_by or ""), "handed_signed_at": d.handed_signed_at,
            "received_by": str(d.received_by or ""), "received_signed_at": d.received_signed_at,
            "posted_at": d.posted_at, "note": d.note}


def _docs():
    return Document.objects.select_related("warehouse", "to_warehouse", "supplier",
                                           "handed_by", "received_by")


def _detail(document) -> dict:
    document = _docs().get(pk=document.pk)
    lines = document.lines.select_related("sku", "location", "to_location")
    return {**_doc(document), "lines": [
        {"id": ln.pk, "sku_code": ln.sku.code, "barcode": ln.sku.barcode,
         "location": ln.location.code if ln.location_id else "",
         "to_location": ln.to_location.code if ln.to_location_id else "",
         "quantity": ln.quantity, "expected": ln.expected, "counted": ln.counted}
        for ln in lines]}


def _limit(limit):
    return max(1, min(limit, MAX_LIMIT))


def _sku(code) -> Sku:
    code = (code or "").strip()
    sku = Sku.objects.filter(barcode=code).first() or Sku.objects.filter(code=code).first()
    if sku is None:
        raise UserError("unknown_sku", "找不到商品 {value}（商家编码或条码）。",
                        "No SKU with code or barcode {value}.", value=code or "（空）")
    return sku


def _get(model, pk, label):
    if not pk:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise UserError("not_found", "{label}不存在：{pk}", "No such {label_en}: {pk}",
                        label=label, label_en=model._meta.model_name, pk=pk)
    return row


def _location(warehouse, code):
    code = (code or "").strip().upper()
    if not code or warehouse is None:
        return None
    location = Location.objects.filter(warehouse=warehouse, code=code).first()
    if location is None:
        raise UserError("unknown_location", "{warehouse} 没有库位 {value}。",
                        "{warehouse} has no location {value}.", warehouse=warehouse.name,
                        value=code)
    return location


@router.get("/stock", response=list[StockOut])
@api_access("inventory.view")
def list_stock(request, warehouse: int | None = None, category: int | None = None,
               q: str = "", low: bool = False, offset: int = 0, limit: int = 50):
    params = {"warehouse": warehouse, "category": category, "q": q, "low": low}
    rows = stock_rows(params)[max(0, offset):max(0, offset) + _limit(limit)]
    return [_stock(s) for s in rows]


@router.get("/moves", response=list[MoveOut])
@api_access("inventory.view")
def list_moves(request, q: str = "", warehouse: int | None = None, kind: str = "",
               reference: str = "", offset: int = 0, limit: int = 50):
    params = {"q": q, "warehouse": warehouse, "kind": kind, "reference": reference}
    rows = move_rows(params)[max(0, offset):max(0, offset) + _limit(limit)]
    return [_move(m) for m in rows]


@router.get("/skus/{sku_id}/moves", response=list[MoveOut])
@api_access("inventory.view")
def sku_moves(request, sku_id: int, offset: int = 0, limit: int = 50):
    sku = get_object_or_404(Sku, pk=sku_id)
    rows = move_rows({}).filter(sku=sku)[max(0, offset):max(0, offset) + _limit(limit)]
    return [_move(m) for m in rows]


@router.get("/warehouses", response=list[WarehouseOut])
@api_access("inventory.view")
def list_warehouses(request):
    return list(Warehouse.objects.all())


@router.get("/warehouses/{warehouse_id}/locations", response=list[LocationOut])
@api_access("inventory.view")
def list_locations(request, warehouse_id: int):
    warehouse = get_object_or_404(Warehouse, pk=warehouse_id)
    return list(warehouse.locations.order_by("walk_order", "code"))


@router.get("/documents", response=list[DocumentOut])
@api_access("inventory.view")
def list_documents(request, kind: str = "", state: str = "", offset: int = 0, limit: int = 50):
    rows = _docs()
    if kind:
        rows = rows.filter(kind=kind)
    if state:
        rows = rows.filter(state=state)
    return [_doc(d) for d in rows[max(0, offset):max(0, offset) + _limit(limit)]]


@router.get("/documents/{document_id}", response=DocumentDetailOut)
@api_access("inventory.view")
def get_document(request, document_id: int):
    return _detail(get_object_or_404(Document, pk=document_id))


# Which capability a new document needs depends on its kind: the action checks it.
@router.post("/documents", response={201: DocumentDetailOut})
@api_access("inventory.view")
def create_document(request, data: DocumentIn):
    warehouse = _get(Warehouse, data.warehouse_id, "仓库")
    to_warehouse = _get(Warehouse, data.to_warehouse_id, "调入仓库")
    lines = [{"sku": _sku(ln.sku), "quantity": ln.quantity,
              "location": _location(warehouse, ln.location),
              "to_location": _location(to_warehouse, ln.to_location)} for ln in data.lines]
    document = doc_actions.create_document(
        actor=request.user, kind=data.kind, warehouse=warehouse, lines=lines,
        to_warehouse=to_warehouse, supplier=_get(Supplier, data.supplier_id, "供应商"),
        handed_by=_get(User, data.handed_by_id, "交出人"),
        received_by=_get(User, data.received_by_id, "接收人"), note=data.note)
    return 201, _detail(document)


def _document(document_id) -> Document:
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFoundError("document_missing", "单据不存在。", "No such document.")
    return document


@router.post("/documents/{document_id}/submit", response=DocumentDetailOut)
@api_access("inventory.view")
def submit_document(request, document_id: int):
    document = _document(document_id)
    if document.kind == Document.Kind.STOCKTAKE:
        return _detail(stocktake_actions.submit_stocktake(actor=request.user, document=document))
    return _detail(doc_actions.submit_document(actor=request.user, document=document))


@router.post("/documents/{document_id}/sign", response=DocumentDetailOut)
@api_access(LOGIN)  # the action checks the signer is the named person and may sign
def sign_document(request, document_id: int):
    return _detail(doc_actions.sign_document(actor=request.user,
                                             document=_document(document_id)))


@router.post("/documents/{document_id}/cancel", response=DocumentDetailOut)
@api_access("inventory.view")
def cancel_document(request, document_id: int, data: CancelIn):
    return _detail(doc_actions.cancel_document(actor=request.user,
                                               document=_document(document_id),
                                               reason=data.reason))


@router.post("/stocktakes", response={201: DocumentDetailOut})
@api_access("inventory.stocktake")
def create_stocktake(request, data: StocktakeIn):
    warehouse = _get(Warehouse, data.warehouse_id, "仓库")
    locations = [_location(warehouse, code) for code in data.locations] or None
    document = stocktake_actions.create_stocktake(actor=request.user, warehouse=warehouse,
                                                  locations=locations, note=data.note)
    return 201, _detail(document)


@router.post("/stocktakes/{document_id}/counts", response=DocumentDetailOut)
@api_access("inventory.stocktake")
def record_counts(request, document_id: int, data: CountsIn):
    """Counts by SKU (code or barcode) and location code, as a scanner reads them."""
    document = _document(document_id)
    lines = {(ln.sku.code, ln.location.code if ln.location_id else ""): ln.pk
             for ln in document.lines.select_related("sku", "location")}
    counts = {}
    for item in data.counts:
        sku = _sku(item.sku)
        key = (sku.code, item.location.strip().upper())
        if key not in lines:
            raise UserError("not_on_sheet", "盘点单上没有 {sku}{where}。",
                            "The sheet has no line for {sku}{where}.", sku=sku.code,
                            where=f" @ {key[1]}" if key[1] else "")
        counts[lines[key]] = item.counted
    stocktake_actions.record_counts(actor=request.user, document=document, counts=counts)
    return _detail(document)


@router.post("/safety-stock", response=StockOut)
@api_access("inventory.set_safety_stock")
def safety_stock(request, data: SafetyIn):
    warehouse = _get(Warehouse, data.warehouse_id, "仓库")
    if warehouse is None:
        raise UserError("warehouse_required", "请选择仓库。", "Choose a warehouse.")
    stock = set_safety_stock(actor=request.user, sku=_sku(data.sku), warehouse=warehouse,
                             safety_stock=data.safety_stock)
    rows = stock_rows({}).filter(pk=stock.pk)
    return _stock(rows.get())

