"""Exporting the consultation and deal logs (CS-7) as xlsx: a read, but recorded (ROLE-4).
Customers are masked in the files as on the pages (ROLE-6)."""

from django.utils import timezone

from shopops.core.access import require
from shopops.core.events import record

from ..exports import xlsx
from ..privacy import mask_name
from ..reports import build

CONSULTATION_HEADERS = ["时间", "会话号", "客户", "客服", "来源", "阶段", "主题", "咨询结果",
                        "处理结果/客户反馈"]
DEAL_HEADERS = ["下单时间", "订单号", "渠道", "客户", "实付（元）", "咨询会话", "咨询时间", "成交客服",
                "咨询后（小时）"]


def _who(conversation):
    if conversation.customer_id:
        return f"{mask_name(conversation.customer.name)}（{conversation.customer.number}）"
    return mask_name(conversation.visitor_name) or "访客"


def outcome(entry) -> str:
    if not entry.counts:
        return "不计入转化"
    if entry.deals:
        return "已成交：" + "、".join(o.number for o in entry.deals)
    return "未成交"


def _local(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def consultation_rows(log):
    for e in log.entries:
        c = e.conversation
        yield [_local(c.started_at), c.number, _who(c), str(c.agent or ""), c.get_source_display(),
               c.get_stage_display(), c.subject, outcome(e), c.summary]


def deal_rows(log):
    for order, e in log.deals:
        c = e.conversation
        hours = (order.created_at - c.started_at).total_seconds() / 3600
        yield [_local(order.created_at), order.number, order.channel.name, _who(c),
               order.paid_fen / 100, c.number, _local(c.started_at), str(c.agent or ""),
               round(hours, 1)]


def export_log(*, actor, kind, day) -> bytes:
    """kind "consultations" (客户咨询表) or "deals" (成交记录表) of one day."""
    require(actor, "service.view_reports")
    log = build(day)
    if kind == "deals":
        title, headers, rows = "成交记录表", DEAL_HEADERS, list(deal_rows(log))
        widths = [17, 18, 12, 18, 10, 12, 17, 10, 10]
    else:
        title, headers, rows = "客户咨询表", CONSULTATION_HEADERS, list(consultation_rows(log))
        widths = [17, 12, 18, 10, 14, 8, 24, 30, 30]
    record(actor=actor, verb="service.report_exported", object_type="service.report",
           object_id=f"{kind}:{day:%Y-%m-%d}", object_repr=f"{day:%Y-%m-%d} {title}",
           summary=f"导出 {day:%Y-%m-%d} {title}（{len(rows)} 行）",
           data={"kind": kind, "day": day, "rows": len(rows)})
    return xlsx(headers, rows, title=f"{title} {day:%Y-%m-%d}", widths=widths)
