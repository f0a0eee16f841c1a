"""Stock documents with a two-sided handover (INV-4, FUL-3): 入库单 receipt, 调拨单 transfer,
出库单 issue.

draft → signing → posted (or cancelled). The person handing over and the person receiving
each sign themselves; the second signature posts the lines to the ledger in the same
transaction, so goods never move without a record signed by both sides, and a posting that
fails (short stock) leaves the document waiting in `signing` with nothing changed.

Capabilities: receipts need inventory.receive; transfers and issues (samples, damage…)
both need inventory.transfer — an issue takes goods out of a warehouse as a transfer does,
and the same people (warehouse supervisor, picker) do it.

Ledger roles of the two signers: the person on the warehouse side whose stock changes is
the Move's actor, the other is its counterpart — a receipt's actor is the receiver, an
issue's and a transfer's actor is the person handing over.
"""

from django.db import transaction
from django.utils import timezone

from shopops.core import events
from shopops.core.access import require, user_can
from shopops.core.errors import ConflictError, NotFoundError, PermissionDeniedError, UserError
from shopops.core.notify import notify
from shopops.core.numbering import next_number
from shopops.core.states import transition

from ..models import Document, DocumentLine, Location, Warehouse

K, S = Document.Kind, Document.State
KIND_CAP = {K.RECEIPT: "inventory.receive", K.TRANSFER: "inventory.transfer",
            K.ISSUE: "inventory.transfer", K.STOCKTAKE: "inventory.stocktake"}
PREFIX = {K.RECEIPT: "RK", K.TRANSFER: "DB", K.ISSUE: "CK", K.STOCKTAKE: "PD"}
HANDOVER_KINDS = (K.RECEIPT, K.TRANSFER, K.ISSUE)
ALLOWED = {
    S.DRAFT: {S.SIGNING, S.CANCELLED},
    S.SIGNING: {S.POSTED, S.CANCELLED},
    S.COUNTING: {S.PROPOSED, S.POSTED, S.CANCELLED},
    S.PROPOSED: {S.POSTED, S.COUNTING},
}
MACHINE = "库存单据"
SIGN_CAP = "inventory.sign"


def reference(document) -> str:
    """How ledger rows point back at the document (Move.reference)."""
    return f"inventory.document:{document.pk}"


def can_sign(user, document) -> bool:
    return bool(user and user.is_active) and (
        user_can(user, SIGN_CAP) or user_can(user, KIND_CAP[document.kind]))


def lock(document) -> Document:
    """Re-read the document under a row lock (PostgreSQL; SQLite serialises writers)."""
    try:
        return Document.objects.select_for_update().get(pk=document.pk)
    except Document.DoesNotExist:
        raise NotFoundError("document_missing", "单据不存在。", "No such document.") from None


def check_editable(document):
    if document.state == S.POSTED:
        raise ConflictError("document_posted", "单据 {number} 已过账，不能再修改。",
                            "Document {number} is posted and cannot change.",
                            number=document.number)
    if document.state == S.CANCELLED:
        raise ConflictError("document_cancelled", "单据 {number} 已作废。",
                            "Document {number} is cancelled.", number=document.number)


# ---- input ---------------------------------------------------------------------------------

def _clean_quantity(value, row):
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        quantity = 0
    if quantity <= 0:
        raise UserError("bad_quantity", "第 {row} 行：数量必须是正整数。",
                        "Line {row}: the quantity must be a positive whole number.", row=row)
    return quantity


def _check_location(location, warehouse, row, label):
    if location is None:
        if warehouse.locations.filter(active=True).exists():
            raise UserError("location_required", "第 {row} 行：{warehouse} 设有库位，请填写{label}。",
                            "Line {row}: {warehouse} has locations; give the {label_en}.",
                            row=row, warehouse=warehouse.name, label=label,
                            label_en="source location" if label == "库位" else "target location")
        return None
    if location.warehouse_id != warehouse.pk or not location.active:
        raise UserError("location_elsewhere", "第 {row} 行：库位 {value} 不属于 {warehouse} 或已停用。",
                        "Line {row}: location {value} is not an active location of {warehouse}.",
                        row=row, value=location.code, warehouse=warehouse.name)
    return location


def clean_lines(kind, warehouse, to_warehouse, lines) -> list[DocumentLine]:
    """[{"sku": Sku, "quantity": 3, "location": Location|None, "to_location": …}] → unsaved
    lines, every row checked (the first bad one is reported with its number)."""
    if not lines:
        raise UserError("no_lines", "单据至少需要一行商品。", "A document needs at least one line.")
    out, seen = [], set()
    for row, line in enumerate(lines, start=1):
        sku = line.get("sku")
        if sku is None:
            raise UserError("sku_required", "第 {row} 行：请填写商品（商家编码或条码）。",
                            "Line {row}: give the SKU (code or barcode).", row=row)
        quantity = _clean_quantity(line.get("quantity"), row)
        location = _check_location(line.get("location"), warehouse, row, "库位")
        to_location = None
        if kind == K.TRANSFER:
            to_location = _check_location(line.get("to_location"), to_warehouse, row, "调入库位")
        key = (sku.pk, getattr(location, "pk", None), getattr(to_location, "pk", None))
        if key in seen:
            raise UserError("duplicate_line", "第 {row} 行：{sku} 与前面的行重复（同一库位），请合并数量。",
                            "Line {row}: {sku} repeats an earlier line; merge the quantities.",
                            row=row, sku=sku.code)
        seen.add(key)
        out.append(DocumentLine(sku=sku, quantity=quantity, location=location,
                                to_location=to_location))
    return out


def _check_header(kind, warehouse, to_warehouse, supplier, note):
    if kind not in HANDOVER_KINDS:
        raise UserError("bad_kind", "单据类型无效：{kind}", "Unknown document kind: {kind}",
                        kind=kind)
    if warehouse is None or not warehouse.active:
        raise UserError("warehouse_required", "请选择启用中的仓库。", "Choose an active warehouse.")
    if kind == K.TRANSFER:
        if to_warehouse is None or not to_warehouse.active:
            raise UserError("to_warehouse_required", "调拨单请选择启用中的调入仓库。",
                            "A transfer needs an active target warehouse.")
        if to_warehouse.pk == warehouse.pk:
            raise UserError("same_warehouse", "调出和调入不能是同一个仓库。",
                            "A transfer needs two different warehouses.")
    if kind == K.RECEIPT and supplier is None:
        raise UserError("supplier_required", "入库单请选择供应商或品牌商。",
                        "A receipt needs its supplier or brand merchant.")
    if kind == K.ISSUE and not (note or "").strip():
        raise UserError("reason_required", "出库单请在备注中写明出库原因（如样品、报损）。",
                        "An issue needs its reason in the note (sample, damage…).")


def _check_signers(document):
    if document.handed_by_id is None or document.received_by_id is None:
        raise UserError("signers_required", "请指定交出人和接收人。",
                        "Name the person handing over and the person receiving.")
    if document.handed_by_id == document.received_by_id:
        raise UserError("same_signer", "交出人和接收人不能是同一个人。",
                        "The two sides of a handover must be different people.")
    for person in (document.handed_by, document.received_by):
        if not can_sign(person, document):
            raise UserError("signer_without_permission", "{person} 没有交接签字权限。",
                            "{person} may not sign stock handovers.", person=str(person))


# ---- acts ----------------------------------------------------------------------------------

@transaction.atomic
def create_document(*, actor, kind: str, warehouse: Warehouse, lines: list[dict],
                    to_warehouse: Warehouse | None = None, supplier=None, handed_by=None,
                    received_by=None, note: str = "") -> Document:
    """A draft receipt, transfer or issue with its lines."""
    if kind in KIND_CAP:
        require(actor, KIND_CAP[kind])
    _check_header(kind, warehouse, to_warehouse, supplier, note)
    clean = clean_lines(kind, warehouse, to_warehouse if kind == K.TRANSFER else None, lines)
    document = Document.objects.create(
        number=next_number(PREFIX[kind]), kind=kind, warehouse=warehouse,
        to_warehouse=to_warehouse if kind == K.TRANSFER else None,
        supplier=supplier if kind == K.RECEIPT else None, note=(note or "").strip(),
        created_by=actor, handed_by=handed_by, received_by=received_by)
    for line in clean:
        line.document = document
    DocumentLine.objects.bulk_create(clean)
    events.record(actor=actor, verb="document.created", obj=document,
                  summary=f"新建{document.get_kind_display()} {document.number}（{len(clean)} 行）",
                  changes={"state": [None, S.DRAFT]},
                  data={"lines": [[ln.sku.code, ln.quantity] for ln in clean]})
    return document


@transaction.atomic
def update_document(*, actor, document: Document, lines: list[dict],
                    to_warehouse: Warehouse | None = None, supplier=None, handed_by=None,
                    received_by=None, note: str = "") -> Document:
    """Replace a draft's header and lines. Only drafts change; a posted document never does."""
    document = lock(document)
    require(actor, KIND_CAP[document.kind])
    check_editable(document)
    if document.state != S.DRAFT:
        raise ConflictError("not_draft", "只有草稿状态的单据可以修改（{number} 当前为「{state}」）。",
                            "Only a draft can be edited ({number} is '{state}').",
                            number=document.number, state=document.get_state_display())
    _check_header(document.kind, document.warehouse, to_warehouse, supplier, note)
    clean = clean_lines(document.kind, document.warehouse,
                        to_warehouse if document.kind == K.TRANSFER else None, lines)
    fields = ("to_warehouse_id", "supplier_id", "handed_by_id", "received_by_id", "note")
    before = {f: getattr(document, f) for f in fields}
    document.to_warehouse = to_warehouse if document.kind == K.TRANSFER else None
    document.supplier = supplier if document.kind == K.RECEIPT else None
    document.handed_by, document.received_by = handed_by, received_by
    document.note = (note or "").strip()
    document.save(update_fields=["to_warehouse", "supplier", "handed_by", "received_by", "note"])
    document.lines.all().delete()
    for line in clean:
        line.document = document
    DocumentLine.objects.bulk_create(clean)
    events.record(actor=actor, verb="document.updated", obj=document,
                  summary=f"修改{document.get_kind_display()} {document.number}",
                  changes=events.diff(before, {f: getattr(document, f) for f in fields}),
                  data={"lines": [[ln.sku.code, ln.quantity] for ln in clean]})
    return document


@transaction.atomic
def submit_document(*, actor, document: Document) -> Document:
    """Send a draft for the two signatures; both signers hear about it."""
    document = lock(document)
    require(actor, KIND_CAP[document.kind])
    check_editable(document)
    if not document.lines.exists():
        raise UserError("no_lines", "单据至少需要一行商品。", "A document needs at least one line.")
    _check_signers(document)
    transition(document, S.SIGNING, ALLOWED, machine=MACHINE)
    events.record(actor=actor, verb="document.submitted", obj=document,
                  summary=f"提交交接签字：{document.number}（交出 {document.handed_by}，"
                          f"接收 {document.received_by}）",
                  changes={"state": [S.DRAFT, S.SIGNING]})
    notify([document.handed_by, document.received_by],
           title=f"请签字：{document.get_kind_display()} {document.number}",
           body=f"交出人 {document.handed_by}，接收人 {document.received_by}。双方签字后入账。",
           link=document.get_absolute_url(), category="inventory")
    return document


@transaction.atomic
def sign_document(*, actor, document: Document) -> Document:
    """The named person signs their own side. The second signature posts the document."""
    document = lock(document)
    if document.state != S.SIGNING:
        raise ConflictError("not_signing", "单据 {number} 当前为「{state}」，不能签字。",
                            "Document {number} is '{state}' and cannot be signed.",
                            number=document.number, state=document.get_state_display())
    if actor.pk == document.handed_by_id:
        side, label = "handed", "交出"
    elif actor.pk == document.received_by_id:
        side, label = "received", "接收"
    else:
        raise PermissionDeniedError("not_the_signer", "只有单据指定的交出人或接收人本人可以签字。",
                                    "Only the named person handing over or receiving may sign.")
    if not can_sign(actor, document):
        raise PermissionDeniedError("permission_denied", "没有权限：交接签字 / sign stock handovers",
                                    "Permission denied: sign stock handovers")
    field = f"{side}_signed_at"
    if getattr(document, field) is not None:
        raise ConflictError("already_signed", "您已在 {number} 上签过字。",
                            "You have already signed {number}.", number=document.number)
    now = timezone.now()
    Document.objects.filter(pk=document.pk).update(**{field: now})
    setattr(document, field, now)
    events.record(actor=actor, verb="document.signed", obj=document,
                  summary=f"{label}签字：{document.number}",
                  changes={field: [None, f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S}"]},
                  data={"side": side})
    if document.handed_signed_at and document.received_signed_at:
        post_document(document=document, actor=actor)
    return document


def post_document(*, document: Document, actor) -> Document:
    """Write every line to the ledger, then mark the document posted. Called inside the
    second signature's transaction; any ledger refusal rolls the whole signature back."""
    from .. import ledger

    ref, note = reference(document), f"{document.get_kind_display()} {document.number}"
    lines = list(document.lines.select_related("sku", "location", "to_location"))
    try:
        for line in lines:
            _post_line(ledger, document, line, ref, note)
    except UserError as exc:  # short stock (or bin): name the document, keep the ledger's code
        raise UserError(exc.code, "{number} 无法过账，{reason}",
                        "{number} cannot be posted: {reason_en}", number=document.number,
                        reason=exc.message, reason_en=exc.message_en or exc.message) from exc
    previous = transition(document, S.POSTED, ALLOWED, machine=MACHINE, posted_at=timezone.now())
    events.record(actor=actor, verb="document.posted", obj=document,
                  summary=f"双方签字，已过账：{document.number}（{len(lines)} 行）",
                  changes={"state": [previous, S.POSTED]},
                  data={"handed_by": document.handed_by_id, "received_by": document.received_by_id})
    return document


def _post_line(ledger, document, line, ref, note):
    handed, received = document.handed_by, document.received_by
    if document.kind == K.RECEIPT:
        ledger.receive(actor=received, sku=line.sku, warehouse=document.warehouse,
                       quantity=line.quantity, location=line.location, reference=ref,
                       counterpart=handed, note=note)
    elif document.kind == K.ISSUE:
        ledger.issue(actor=handed, sku=line.sku, warehouse=document.warehouse,
                     quantity=line.quantity, location=line.location, reference=ref,
                     counterpart=received, note=note)
    else:
        ledger.transfer(actor=handed, sku=line.sku, from_warehouse=document.warehouse,
                        to_warehouse=document.to_warehouse, quantity=line.quantity,
                        from_location=line.location, to_location=line.to_location,
                        reference=ref, counterpart=received)


@transaction.atomic
def cancel_document(*, actor, document: Document, reason: str = "") -> Document:
    """作废 a document that has not moved stock (draft, signing, counting)."""
    document = lock(document)
    check_editable(document)
    if actor.pk != document.created_by_id and not user_can(actor, KIND_CAP[document.kind]):
        raise PermissionDeniedError("not_allowed_to_cancel", "只有制单人或有该单据权限的人可以作废。",
                                    "Only the author or someone allowed to make it may cancel.")
    previous = transition(document, S.CANCELLED, ALLOWED, machine=MACHINE)
    events.record(actor=actor, verb="document.cancelled", obj=document,
                  summary=f"作废 {document.number}" + (f"：{reason.strip()}" if reason.strip() else ""),
                  changes={"state": [previous, S.CANCELLED]}, data={"reason": reason.strip()})
    if previous == S.SIGNING:
        notify([p for p in (document.handed_by, document.received_by) if p and p.pk != actor.pk],
               title=f"单据已作废：{document.number}", body=reason.strip(),
               link=document.get_absolute_url(), category="inventory")
    return document


def locations_by_code(warehouse, codes) -> dict[str, Location]:
    """Location rows of one warehouse for the codes given (upper-cased), in one query."""
    wanted = {c.strip().upper() for c in codes if c and c.strip()}
    return {loc.code: loc for loc in Location.objects.filter(warehouse=warehouse, code__in=wanted)}
