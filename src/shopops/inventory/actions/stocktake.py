"""Stocktake (盘点, INV-3): count sheet → counts → differences → approved adjustment.

create_stocktake snapshots what the system expects (BinStock per SKU × location, or Stock
when the warehouse has no locations). Submitting with no difference posts at once; with
differences it raises a "stock_adjustment" proposal (部门经理审批) whose execution — on
approval — writes one ledger adjustment per differing line, referencing the document.

Stock that moved between the snapshot and the approval (an order shipped meanwhile): the
adjustment applies counted − expected, the difference the counters found, on top of the
current stock — it does not force stock to the counted number, which would undo the
movements made since. A rejected (or withdrawn) proposal sends the sheet back to counting.
"""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from shopops.core import events
from shopops.core.access import require
from shopops.core.actions.approvals import propose
from shopops.core.errors import ConflictError, UserError
from shopops.core.models import Proposal
from shopops.core.numbering import next_number
from shopops.core.states import transition

from ..models import BinStock, Document, DocumentLine, Location, Stock, Warehouse
from .documents import ALLOWED, MACHINE, PREFIX, check_editable, lock, reference

K, S = Document.Kind, Document.State
CAP = "inventory.stocktake"
KIND = "stock_adjustment"
OPEN = (S.COUNTING, S.PROPOSED)


def _snapshot(warehouse, locations) -> list[DocumentLine]:
    """Expected quantities now. Whole warehouse with locations: every bin, plus stock held
    outside any bin (on hand − binned) as a line without location."""
    has_locations = warehouse.locations.filter(active=True).exists()
    if not has_locations:
        stocks = Stock.objects.filter(warehouse=warehouse).order_by("sku__code")
        return [DocumentLine(sku_id=s.sku_id, expected=s.on_hand) for s in stocks]
    bins = BinStock.objects.filter(location__in=locations).select_related("location")
    bins = sorted(bins, key=lambda b: (b.location.walk_order, b.location.code, b.sku_id))
    lines = [DocumentLine(sku_id=b.sku_id, location=b.location, expected=b.quantity)
             for b in bins]
    if len(locations) == warehouse.locations.filter(active=True).count():
        binned = dict(BinStock.objects.filter(location__warehouse=warehouse)
                      .values_list("sku_id").annotate(total=Sum("quantity")))
        for stock in Stock.objects.filter(warehouse=warehouse).order_by("sku__code"):
            loose = stock.on_hand - binned.get(stock.sku_id, 0)
            if loose > 0:
                lines.append(DocumentLine(sku_id=stock.sku_id, expected=loose))
    return lines


@transaction.atomic
def create_stocktake(*, actor, warehouse: Warehouse, locations=None, note: str = "") -> Document:
    """A count sheet for a warehouse: all its locations, or those given."""
    require(actor, CAP)
    if warehouse is None or not warehouse.active:
        raise UserError("warehouse_required", "请选择启用中的仓库。", "Choose an active warehouse.")
    Warehouse.objects.select_for_update().filter(pk=warehouse.pk).first()  # one sheet at a time
    running = Document.objects.filter(kind=K.STOCKTAKE, warehouse=warehouse,
                                      state__in=OPEN).first()
    if running is not None:
        raise ConflictError("stocktake_running", "{warehouse} 已有进行中的盘点单 {number}，请先完成或作废。",
                            "{warehouse} already has stocktake {number} in progress.",
                            warehouse=warehouse.name, number=running.number)
    active = list(warehouse.locations.filter(active=True))
    if locations:
        chosen = {loc.pk for loc in locations}
        foreign = [loc.code for loc in locations if loc.warehouse_id != warehouse.pk]
        if foreign:
            raise UserError("location_elsewhere", "库位不属于 {warehouse}：{codes}",
                            "Not locations of {warehouse}: {codes}", warehouse=warehouse.name,
                            codes="、".join(foreign))
        active = [loc for loc in active if loc.pk in chosen]
    lines = _snapshot(warehouse, active)
    document = Document.objects.create(number=next_number(PREFIX[K.STOCKTAKE]), kind=K.STOCKTAKE,
                                       state=S.COUNTING, warehouse=warehouse, created_by=actor,
                                       note=(note or "").strip())
    for line in lines:
        line.document = document
    DocumentLine.objects.bulk_create(lines)
    scope = "全部库位" if not locations else f"{len(active)} 个库位"
    events.record(actor=actor, verb="stocktake.created", obj=document,
                  summary=f"开始盘点 {warehouse.name}（{scope}，{len(lines)} 行）：{document.number}",
                  changes={"state": [None, S.COUNTING]},
                  data={"locations": [loc.code for loc in active] if locations else "all"})
    return document


def _reopen_if_rejected(document, actor) -> bool:
    """A sheet whose adjustment was rejected or withdrawn goes back to counting."""
    if document.state != S.PROPOSED or document.proposal_id is None:
        return False
    state = Proposal.objects.filter(pk=document.proposal_id).values_list("state", flat=True).first()
    if state not in (Proposal.State.REJECTED, Proposal.State.WITHDRAWN):
        return False
    transition(document, S.COUNTING, ALLOWED, machine=MACHINE, proposal=None)
    events.record(actor=actor, verb="stocktake.reopened", obj=document,
                  summary=f"差异调整未获批准，重新盘点：{document.number}",
                  changes={"state": [S.PROPOSED, S.COUNTING]},
                  data={"proposal": document.proposal_id})
    return True


def _counting(document, actor):
    document = lock(document)
    require(actor, CAP)
    check_editable(document)
    _reopen_if_rejected(document, actor)
    if document.kind != K.STOCKTAKE or document.state != S.COUNTING:
        raise ConflictError("not_counting", "盘点单 {number} 当前为「{state}」，不能录入。",
                            "Stocktake {number} is '{state}' and takes no counts.",
                            number=document.number, state=document.get_state_display())
    return document


@transaction.atomic
def reopen_stocktake(*, actor, document: Document) -> Document:
    document = lock(document)
    require(actor, CAP)
    if not _reopen_if_rejected(document, actor):
        raise ConflictError("cannot_reopen", "只有差异调整被驳回或撤回的盘点单可以重新盘点。",
                            "Only a stocktake whose adjustment was rejected or withdrawn reopens.")
    return document


def reopen_after_rejection(*, proposal, actor):
    """Hook for the approval engine (register_kind(..., on_reject=…)): back to counting."""
    document = Document.objects.filter(proposal=proposal, kind=K.STOCKTAKE).first()
    if document is not None:
        _reopen_if_rejected(lock(document), actor)


def _clean_count(value, line):
    if value is None or value == "":
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = -1
    if count < 0:
        raise UserError("bad_count", "{sku}{where} 的实盘数量必须是 0 或正整数：{value}",
                        "The count of {sku}{where} must be 0 or a positive whole number: {value}",
                        sku=line.sku.code, value=value,
                        where=f" @ {line.location.code}" if line.location_id else "")
    return count


@transaction.atomic
def record_counts(*, actor, document: Document, counts: dict) -> int:
    """counts: {line id: counted quantity (None/"" = not counted yet)}. Returns lines saved."""
    document = _counting(document, actor)
    lines = {ln.pk: ln for ln in document.lines.select_related("sku", "location")
             .filter(pk__in=[int(k) for k in counts])}
    changed = []
    for key, value in counts.items():
        line = lines.get(int(key))
        if line is None:
            raise UserError("line_elsewhere", "盘点行不属于盘点单 {number}。",
                            "That line is not on stocktake {number}.", number=document.number)
        count = _clean_count(value, line)
        if count != line.counted:
            line.counted = count
            changed.append(line)
    DocumentLine.objects.bulk_update(changed, ["counted"])
    if changed:
        events.record(actor=actor, verb="stocktake.counted", obj=document,
                      summary=f"录入实盘数量 {len(changed)} 行：{document.number}",
                      data={"lines": [[ln.sku.code, ln.location.code if ln.location_id else "",
                                       ln.counted] for ln in changed[:200]]})
    return len(changed)


@transaction.atomic
def add_stocktake_line(*, actor, document: Document, sku, location: Location | None = None,
                       counted: int | None = None) -> DocumentLine:
    """Goods found where the sheet expects none: a line with the current book quantity."""
    document = _counting(document, actor)
    warehouse = document.warehouse
    if location is not None and location.warehouse_id != warehouse.pk:
        raise UserError("location_elsewhere", "库位 {value} 不属于 {warehouse}。",
                        "Location {value} is not in {warehouse}.", value=location.code,
                        warehouse=warehouse.name)
    if location is None and warehouse.locations.filter(active=True).exists():
        raise UserError("location_required", "{warehouse} 设有库位，请先扫描或选择库位。",
                        "{warehouse} has locations: scan or choose one first.",
                        warehouse=warehouse.name)
    if document.lines.filter(sku=sku, location=location).exists():
        raise ConflictError("line_exists", "盘点单上已有 {sku}{where}。",
                            "The sheet already has {sku}{where}.", sku=sku.code,
                            where=f" @ {location.code}" if location else "")
    if location is not None:
        expected = BinStock.objects.filter(sku=sku, location=location).values_list(
            "quantity", flat=True).first() or 0
    else:
        expected = Stock.objects.filter(sku=sku, warehouse=warehouse).values_list(
            "on_hand", flat=True).first() or 0
    line = DocumentLine(document=document, sku=sku, location=location, expected=expected)
    line.counted = _clean_count(counted, line)
    line.save()
    events.record(actor=actor, verb="stocktake.line_added", obj=document,
                  summary=f"盘点单增加 {sku.code}" + (f" @ {location.code}" if location else "")
                          + f"（账面 {expected}）：{document.number}")
    return line


def _payload(document, diffs) -> dict:
    return {
        "document_id": document.pk, "number": document.number,
        "warehouse": document.warehouse.name,
        "lines": [{"line_id": ln.pk, "sku": ln.sku.code,
                   "location": ln.location.code if ln.location_id else "",
                   "expected": ln.expected, "counted": ln.counted,
                   "difference": ln.counted - ln.expected} for ln in diffs],
    }


@transaction.atomic
def submit_stocktake(*, actor, document: Document) -> Document:
    """Finish counting. No difference → posted; differences → an adjustment proposal."""
    document = _counting(document, actor)
    lines = list(document.lines.select_related("sku", "location"))
    missing = [ln for ln in lines if ln.counted is None]
    if missing:
        first = missing[0]
        raise UserError("uncounted_lines", "还有 {n} 行未录入实盘数量（如 {sku}{where}）。",
                        "{n} lines have no count yet (e.g. {sku}{where}).", n=len(missing),
                        sku=first.sku.code,
                        where=f" @ {first.location.code}" if first.location_id else "")
    diffs = [ln for ln in lines if ln.counted != ln.expected]
    if not diffs:
        transition(document, S.POSTED, ALLOWED, machine=MACHINE, posted_at=timezone.now())
        events.record(actor=actor, verb="stocktake.posted", obj=document,
                      summary=f"盘点无差异，已过账：{document.number}（{len(lines)} 行）",
                      changes={"state": [S.COUNTING, S.POSTED]})
        return document
    proposal = propose(actor=actor, kind=KIND, title=f"盘点差异调整：{document.warehouse.name} "
                       f"{document.number}", payload=_payload(document, diffs),
                       reason=document.note, subject=document)
    transition(document, S.PROPOSED, ALLOWED, machine=MACHINE, proposal=proposal)
    net = sum(ln.counted - ln.expected for ln in diffs)
    events.record(actor=actor, verb="stocktake.submitted", obj=document,
                  summary=f"盘点差异 {len(diffs)} 行（净差 {net:+d}），提交审批：{document.number}",
                  changes={"state": [S.COUNTING, S.PROPOSED]}, data={"proposal": proposal.pk})
    return document


# ---- the proposal kind ------------------------------------------------------------------

def check_adjustment(*, payload, actor):
    if not Document.objects.filter(pk=payload.get("document_id"), kind=K.STOCKTAKE).exists():
        raise UserError("stocktake_missing", "盘点单不存在。", "No such stocktake.")
    if not payload.get("lines"):
        raise UserError("no_differences", "盘点没有差异，无需调整。", "The count shows no difference.")


def execute_adjustment(*, proposal, actor) -> dict:
    """On approval: one ledger adjustment (counted − expected) per differing line."""
    from .. import ledger

    document = Document.objects.select_for_update().filter(
        pk=proposal.payload.get("document_id"), kind=K.STOCKTAKE).first()
    if document is None or document.state != S.PROPOSED or document.proposal_id != proposal.pk:
        raise ConflictError("stocktake_changed", "盘点单已不在待审批状态，无法调整。",
                            "The stocktake no longer waits for this adjustment.")
    ref, adjusted, net = reference(document), 0, 0
    for line in document.lines.select_related("sku", "location"):
        delta = line.counted - line.expected
        if not delta:
            continue
        try:
            ledger.adjust(actor=actor, sku=line.sku, warehouse=document.warehouse, delta=delta,
                          location=line.location, reference=ref, note=f"盘点 {document.number}")
        except UserError as exc:
            raise UserError("adjust_failed", "盘点单 {number} 无法调整：{reason}",
                            "Stocktake {number} cannot be adjusted: {reason_en}",
                            number=document.number, reason=exc.message,
                            reason_en=exc.message_en or exc.message) from exc
        adjusted, net = adjusted + 1, net + delta
    transition(document, S.POSTED, ALLOWED, machine=MACHINE, posted_at=timezone.now())
    events.record(actor=actor, verb="stocktake.posted", obj=document,
                  summary=f"盘点差异已调整入账：{document.number}（{adjusted} 行，净差 {net:+d}）",
                  changes={"state": [S.PROPOSED, S.POSTED]}, data={"proposal": proposal.pk})
    return {"document": document.number, "adjusted_lines": adjusted, "net": net}


def describe_adjustment(payload) -> str:
    lines = payload.get("lines") or []
    net = sum(int(ln.get("difference") or 0) for ln in lines)
    return f"{payload.get('warehouse', '')} {payload.get('number', '')}：差异 {len(lines)} 行，净差 {net:+d}"


def format_lines(lines) -> list[str]:
    return [f"{ln.get('sku')}" + (f" @ {ln['location']}" if ln.get("location") else "")
            + f"：账面 {ln.get('expected')}，实盘 {ln.get('counted')}，差异 {ln.get('difference'):+d}"
            for ln in lines or []]
