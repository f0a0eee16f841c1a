"""ORD-1: orders from platform exports. start_import parses and previews (nothing is
created); confirm_import creates each ready order through create_order (+ mark_paid),
each in its own transaction, and queues orders with unmatched lines; resolve_unmatched
lets staff pick the SKU, and the order is created once every line of it has one."""

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shopops.catalog.models import Channel, Sku
from shopops.core.errors import ConflictError, UserError
from shopops.core.events import record

from ..importing import matching, parse
from ..models import Order, OrderImport, UnmatchedLine
from ._common import require_cap
from .intake import create_order
from .lifecycle import mark_paid

MAX_UPLOAD = 20 * 1024 * 1024
IMPORT_CHANNEL_KINDS = (Channel.Kind.TAOBAO, Channel.Kind.JD)


def _problem(row, no, message, message_en):
    return {"row": row, "order_no": no, "message": message, "message_en": message_en}


def _taken(channel, numbers) -> set[str]:
    numbers = list(numbers)
    taken = set(Order.objects.filter(channel=channel, platform_order_no__in=numbers)
                .values_list("platform_order_no", flat=True))
    return taken | set(UnmatchedLine.objects.filter(
        channel=channel, platform_order_no__in=numbers).values_list("platform_order_no",
                                                                    flat=True))


def _classify(orders, channel) -> list[dict]:
    """Give each order a status (error/duplicate/unmatched/ready); return the problems."""
    problems = []
    taken = _taken(channel, [o["order_no"] for o in orders if o["order_no"]])
    for order in orders:
        if order["errors"]:
            order["status"] = "error"
            problems += order["errors"]
            bad = {e["row"] for e in order["errors"]}
            problems += [_problem(r, order["order_no"], "同一订单的其他行有错误，整单不导入",
                                  "Another row of this order is bad: order skipped")
                         for r in order["rows"] if r not in bad]
        elif order["order_no"] in taken:
            order["status"] = "duplicate"
            problems += [_problem(r, order["order_no"], "重复订单", "Duplicate order")
                         for r in order["rows"]]
        elif any(not line["sku_id"] for line in order["lines"]):
            order["status"] = "unmatched"
            problems += [_problem(line["row"], order["order_no"],
                                  f"未匹配SKU（{line['reason']}），进入待匹配队列",
                                  "No SKU matched: goes to the unmatched queue")
                         for line in order["lines"] if not line["sku_id"]]
        else:
            order["status"] = "ready"
    return sorted(problems, key=lambda p: p["row"])


def _counts(orders) -> dict:
    counts = {"ready": 0, "unmatched": 0, "duplicate": 0, "error": 0}
    for order in orders:
        counts[order["status"]] += 1
    return counts


@transaction.atomic
def start_import(*, actor, channel, upload) -> OrderImport:
    require_cap(actor, "orders.create")
    if channel is None or channel.kind not in IMPORT_CHANNEL_KINDS:
        raise UserError("order_import_channel", "请选择淘宝/天猫或京东渠道。",
                        "Choose a Taobao/Tmall or JD channel.")
    if upload is None:
        raise UserError("order_import_no_file", "请选择要导入的文件。", "Choose a file to import.")
    if upload.size > MAX_UPLOAD:
        raise UserError("order_import_too_big", "文件太大（上限 20 MB）。",
                        "The file is too large (20 MB at most).")
    platform, orders = parse.read(upload.read(), upload.name)
    matching.match([o for o in orders if not o["errors"]])
    problems = _classify(orders, channel)
    job = OrderImport.objects.create(
        channel=channel, platform=platform, original_name=(upload.name or "")[:200],
        plan=orders, errors=problems, summary={"counts": _counts(orders)},
        created_by=actor if actor is not None and actor.pk else None)
    record(actor=actor, verb="orders.import_uploaded", obj=job,
           summary=f"上传订单导出 {job.original_name}（{channel.name}）",
           data={"counts": job.summary["counts"], "problems": len(problems)})
    return job


def confirm_import(*, actor, job) -> OrderImport:
    require_cap(actor, "orders.create")
    # Claim the job first: a double click or a second tab finds it no longer in preview.
    if not OrderImport.objects.filter(pk=job.pk, state=OrderImport.State.PREVIEW).update(
            state=OrderImport.State.APPLYING):
        raise ConflictError("order_import_not_preview", "该导入已确认过，不能重复导入。",
                            "This import was already confirmed.")
    job.refresh_from_db()
    orders = job.plan
    skus = Sku.objects.select_related("product").in_bulk(
        {line["sku_id"] for o in orders if o["status"] == "ready" for line in o["lines"]})
    applied = {"created": 0, "queued": 0, "duplicate": 0, "failed": 0}
    failures = []
    for order in orders:
        if order["status"] not in ("ready", "unmatched"):
            continue
        try:
            with transaction.atomic():
                if _taken(job.channel, [order["order_no"]]):
                    raise UserError("duplicate_order", "重复订单", "Duplicate order")
                if order["status"] == "ready":
                    created = _create(actor, job.channel, order,
                                      [skus[line["sku_id"]] for line in order["lines"]])
                    order["order_id"] = created.pk
                    applied["created"] += 1
                else:
                    _queue(job, order)
                    applied["queued"] += 1
        except UserError as exc:
            key = "duplicate" if exc.code == "duplicate_order" else "failed"
            applied[key] += 1
            failures.append(_problem(order["rows"][0], order["order_no"], exc.message,
                                     exc.message_en))
    with transaction.atomic():
        OrderImport.objects.filter(pk=job.pk).update(
            state=OrderImport.State.DONE, plan=orders, finished_at=timezone.now(),
            summary={**job.summary, "applied": applied, "failures": failures})
        job.refresh_from_db()
        record(actor=actor, verb="orders.import_applied", obj=job,
               summary=f"订单导入 {job.original_name}：新建 {applied['created']}，"
                       f"待匹配 {applied['queued']}，重复 {applied['duplicate']}，"
                       f"失败 {applied['failed']}", data=applied)
    return job


def _create(actor, channel, order, skus) -> Order:
    """One order through the ordinary intake (reservations included), then paid when the
    export says so (mark_paid starts the ORD-2 clock like any payment)."""
    fields = dict(order["fields"])
    paid_at = parse_datetime(fields.pop("paid_at")) if fields.get("paid_at") else None
    paid_fen = fields.pop("paid_fen", None)
    created_at = fields.pop("created_at", None)
    goods_fen = fields.pop("goods_fen", None)
    lines = [{"sku": sku, "quantity": line["quantity"], "unit_price_fen": line["unit_price_fen"],
              "title": line["title"] or None} for line, sku in zip(order["lines"], skus,
                                                                    strict=True)]
    only = lines[0]
    if (len(lines) == 1 and only["unit_price_fen"] is None and goods_fen
            and goods_fen % only["quantity"] == 0):
        only["unit_price_fen"] = goods_fen // only["quantity"]  # the price the buyer saw
    created = create_order(actor=actor, channel=channel, lines=lines,
                           platform_order_no=order["order_no"],
                           created_at=parse_datetime(created_at) if created_at else None,
                           **fields)
    if paid_at is not None:
        created = mark_paid(actor=actor, order=created, paid_at=paid_at, paid_fen=paid_fen)
    return created


def _queue(job, order):
    for index, line in enumerate(order["lines"]):
        if line["sku_id"]:
            continue
        UnmatchedLine.objects.create(
            source=job, channel=job.channel, platform_order_no=order["order_no"],
            row_number=line["row"], line_index=index, title=line["title"],
            merchant_code=line["code"], quantity=line["quantity"], reason=line["reason"][:200],
            raw=order["raw"].get(str(line["row"]), {}), payload=order)


@transaction.atomic
def resolve_unmatched(*, actor, line, sku) -> Order | None:
    """Staff picked `sku` for an unmatched line. Returns the order when this was the last
    open line of it (the order is then created), otherwise None."""
    require_cap(actor, "orders.create")
    line = UnmatchedLine.objects.select_for_update().get(pk=line.pk)
    if line.state != UnmatchedLine.State.OPEN:
        raise ConflictError("unmatched_resolved", "该行已处理过。", "This line was already resolved.")
    if sku is None or not sku.active:
        raise UserError("unmatched_bad_sku", "请选择一个启用中的SKU。", "Choose an active SKU.")
    siblings = list(UnmatchedLine.objects.select_for_update().filter(
        channel=line.channel, platform_order_no=line.platform_order_no).exclude(pk=line.pk))
    line.sku, line.state = sku, UnmatchedLine.State.RESOLVED
    line.resolved_by = actor if actor is not None and actor.pk else None
    line.resolved_at = timezone.now()
    order = None
    if all(s.state == UnmatchedLine.State.RESOLVED for s in siblings):
        chosen = {s.line_index: s.sku_id for s in siblings} | {line.line_index: sku.pk}
        payload = line.payload
        ids = [line_data["sku_id"] or chosen.get(i) for i, line_data in
               enumerate(payload["lines"])]
        by_id = Sku.objects.select_related("product").in_bulk(ids)
        order = _create(actor, line.channel, payload, [by_id[i] for i in ids])
        UnmatchedLine.objects.filter(pk__in=[s.pk for s in siblings]).update(order=order)
        line.order = order
    line.save()
    record(actor=actor, verb="orders.unmatched_resolved", obj=line,
           summary=f"平台订单 {line.platform_order_no} 的“{line.title}”匹配为 {sku.code}"
                   + (f"，已生成订单 {order.number}" if order else ""),
           data={"sku": sku.code, "order": order.number if order else None})
    return order


@transaction.atomic
def discard_unmatched(*, actor, line, reason) -> int:
    """Give up a queued platform order (the buyer cancelled on the platform, a test order,
    goods no longer sold): every open line of it is discarded and no order is created.
    Returns how many lines were discarded."""
    require_cap(actor, "orders.create")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("reason_required", "请填写放弃原因。", "Please give a reason.")
    line = UnmatchedLine.objects.select_for_update().get(pk=line.pk)
    if line.state != UnmatchedLine.State.OPEN:
        raise ConflictError("unmatched_resolved", "该行已处理过。", "This line was already resolved.")
    now = timezone.now()
    count = UnmatchedLine.objects.filter(
        channel=line.channel, platform_order_no=line.platform_order_no,
        state=UnmatchedLine.State.OPEN).update(
        state=UnmatchedLine.State.DISCARDED, discard_reason=reason[:300], resolved_at=now,
        resolved_by=actor if actor is not None and actor.pk else None)
    record(actor=actor, verb="orders.unmatched_discarded", obj=line,
           summary=f"放弃平台订单 {line.platform_order_no}（{count} 行未匹配）：{reason}",
           data={"platform_order_no": line.platform_order_no, "lines": count,
                 "reason": reason})
    return count
